"""The Help menu: Getting started (F1), Keyboard shortcuts, About."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy
from PySide6.QtCore import Qt

from gui.help import LICENCE_TEXT, versions

from .conftest import TIMEOUT_MS


def test_help_menu_has_its_three_pages(window):
    menu = window.help_menu
    assert menu in [action.menu() for action in window.menuBar().actions()]
    assert [action.text() for action in menu.actions() if action.text()] == [
        "Getting started", "Keyboard shortcuts", "About"]


def test_f1_opens_getting_started(qtbot, window):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help_menu.dialog is not None and window.help_menu.dialog.isVisible(),
                    timeout=TIMEOUT_MS)
    text = window.help_menu.dialog.browser.toPlainText()
    for words in ("Press Play", "Hollow points", "validation", "Draw", "How it learns", "Show mistakes"):
        assert words in text, words
    window.help_menu.dialog.close()


def test_shortcuts_page_lists_the_toolbar_keys(window):
    window.help_menu.shortcuts_action.trigger()
    text = window.help_menu.dialog.browser.toPlainText()
    assert "Space" in text and "Start training" in text
    assert "Right" in text and "Train exactly one epoch, then pause" in text
    assert "Ctrl+Z" in text and "F1" in text
    window.help_menu.dialog.close()


def test_about_gives_versions_and_the_licence_situation(window):
    window.help_menu.about_action.trigger()
    text = window.help_menu.dialog.browser.toPlainText()
    assert f"NumPy{numpy.__version__}" in text.replace("\t", "").replace(" ", "").replace("\n", "")
    for name, _ in versions():
        assert name in text
    assert "no licence file" in text
    window.help_menu.dialog.close()
    # The About box says there is no licence file: it must be updated when one is added.
    root = Path(__file__).resolve().parents[2]
    assert not [path for path in root.iterdir() if path.name.upper().startswith(("LICENSE", "LICENCE", "COPYING"))]
    assert "no licence file" in LICENCE_TEXT
