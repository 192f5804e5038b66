"""Error boxes and labels that show text as plain text.

Qt renders a QMessageBox's or a QLabel's text as HTML whenever it *looks*
like HTML (``Qt.TextFormat.AutoText``). Error messages quote file names and
cells of data files, so a crafted CSV cell such as ``<a href="x">click</a>``
would show as a clickable link, or ``<h1>`` as a headline. Every box or
label in ``gui/`` that can show text from a file or from an exception goes
through here, which fixes the format to ``Qt.TextFormat.PlainText``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

#: characters of an error shown in a box; a message listing many problems
#: stays readable and the box fits on the screen
MAX_ERROR_CHARS = 2_000


def show_error(parent: QWidget | None, title: str, text: str, *,
               icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
    """Open a non-blocking error box showing ``text`` as plain text and
    return it (``open()``, not ``exec()``: the window keeps running, and
    tests can read and close the box)."""
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 1] + "…"
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return box


def plain_label(label: QLabel) -> QLabel:
    """``label`` set to show its text as plain text (returned for chaining)."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


__all__ = ["MAX_ERROR_CHARS", "plain_label", "show_error"]
