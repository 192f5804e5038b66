"""The Help menu: Getting started, Keyboard shortcuts and About.

``install_help_menu(window)`` adds the menu to a main window's menu bar.
The texts are the app's own (no data in them), shown in a read-only text
browser; About reads the versions of the packages that are installed.
"""

from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QMenu, QTextBrowser, QVBoxLayout, QWidget

APP_NAME = "ML from scratch — watch it learn"
DISTRIBUTION = "ml-from-scratch-live"
#: what the About box says of the licence: the repository holds no licence file
LICENCE_TEXT = ("No licence has been chosen for this project yet: the repository contains no licence file, "
                "so no rights beyond viewing the code are granted.")

GETTING_STARTED = """
<h3>Getting started</h3>
<ol>
<li><b>Press Play</b> (or Space). The model starts from random weights and trains one epoch after another;
the picture in the middle and the loss curves on the right move as it learns. <b>Step</b> (→) trains exactly one
epoch; <b>Reset</b> (R) starts again from new initial weights.</li>
<li><b>Pick data</b> in the Data box on the left: a generator (two moons, spiral, XOR, …) with its number of
points and noise, a bundled table, or your own CSV file.</li>
<li><b>Pick a model</b> in the Model box: linear regression, logistic regression or a neural network, and its
settings. Settings marked ⚡ (learning rate, L1, L2, max epochs) change while training runs; the others start the
model again.</li>
<li><b>Read how it learns</b> in the <i>How it learns</i> tab under the loss curves: the formulas of one training
step of your model, the NumPy code for each, and the live numbers.</li>
</ol>
<h3>What the picture shows</h3>
<ul>
<li><b>Colours</b>: each class has a colour. The background is coloured by the class the model predicts there,
strong where it is sure and pale where it is unsure; the dark line is the boundary between two classes.
For regression the background (or the curve) shows the predicted value, blue for low and orange for high.</li>
<li><b>Filled points</b> are the training rows the model learns from. <b>Hollow points</b> are validation rows,
held out: the model never trains on them, so how it does on them (the orange curves) shows how well it
generalises. <i>Validation points</i> in the toolbar shows or hides them.</li>
<li><b>Show mistakes</b> rings the points the model gets wrong; <b>Discretize</b> colours the plane by the
predicted class only; <b>3D view</b> shows a regression surface in 3D (drag to rotate).</li>
</ul>
<h3>Drawing your own data</h3>
<p>Press <b>Draw</b> in the toolbar. <b>Put</b> adds a point per click (right-click or Shift+click: the other
class), <b>Brush</b> sprays points as you drag, <b>Erase</b> removes points under the circle, <b>Move</b> and
<b>Select</b> edit what is there. The number keys 1–8 choose the class to draw. A model that is training goes on
training on the new points. Ctrl+Z undoes.</p>
<h3>Recording</h3>
<p><b>Record</b> in the toolbar keeps frames of the views while the model trains; <b>Export GIF…</b> saves them
as an animated GIF, with a caption line naming the settings. <code>python main.py gif --help</code> makes one
from the command line.</p>
"""

#: (keys, what they do); the training keys are read from the toolbar's actions
DRAW_SHORTCUTS = (
    ("1 … 8", "Draw mode: the class to draw"),
    ("Ctrl+Z", "Draw mode: undo"),
    ("Ctrl+Shift+Z, Ctrl+Y", "Draw mode: redo"),
    ("Delete, Backspace", "Draw mode: delete the selected points"),
    ("Ctrl+A", "Draw mode: select every point"),
    ("Escape", "Draw mode: clear the selection"),
)


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """(keys, what they do) of the window's toolbar actions with a shortcut,
    then the Help keys and Draw mode's keys."""
    rows = []
    for action in window.toolbar.actions():
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys:
            rows.append((keys, action.toolTip().split(" (")[0].rstrip(".")))
    rows.append((QKeySequence(QKeySequence.StandardKey.HelpContents).toString(
        QKeySequence.SequenceFormat.NativeText) or "F1", "Help: getting started"))
    rows += DRAW_SHORTCUTS
    return rows


def shortcuts_html(window: QMainWindow) -> str:
    rows = "".join(f"<tr><td style='padding:2px 16px 2px 0'><b>{html.escape(keys)}</b></td>"
                   f"<td>{html.escape(what)}</td></tr>" for keys, what in shortcut_rows(window))
    return f"<h3>Keyboard shortcuts</h3><table>{rows}</table>"


def versions() -> list[tuple[str, str]]:
    """(name, version) of the app and what it runs on."""
    from PySide6 import QtCore

    def version(distribution: str) -> str:
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [("ML from scratch", version(DISTRIBUTION)), ("Python", platform.python_version()),
            ("NumPy", version("numpy")), ("PySide6", version("PySide6-Essentials")),
            ("Qt", QtCore.qVersion()), ("pyqtgraph", version("pyqtgraph")),
            ("matplotlib", version("matplotlib")), ("Pillow", version("Pillow"))]


def about_html() -> str:
    rows = "".join(f"<tr><td style='padding:2px 16px 2px 0'>{html.escape(name)}</td>"
                   f"<td>{html.escape(value)}</td></tr>" for name, value in versions())
    return (f"<h3>{html.escape(APP_NAME)}</h3>"
            "<p>Classic machine-learning models written from scratch in NumPy — linear regression, logistic "
            "regression and a fully-connected neural network — trained live on 2-D data, with the maths of "
            "each step on screen.</p>"
            f"<table>{rows}</table><p><b>Licence.</b> {html.escape(LICENCE_TEXT)}</p>")


class HelpDialog(QDialog):
    """A non-modal window with one help page."""

    def __init__(self, title: str, page: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setHtml(page)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(620, 560)


class HelpMenu(QMenu):
    """Help ▸ Getting started (F1), Keyboard shortcuts, About. ``dialog``
    is the last page opened (one window per page, re-used)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__("&Help", window)
        self._window = window
        self._dialogs: dict[str, HelpDialog] = {}
        self.dialog: HelpDialog | None = None
        self.getting_started_action = QAction("Getting started", self)
        self.getting_started_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.getting_started_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.getting_started_action.triggered.connect(self.show_getting_started)
        self.shortcuts_action = QAction("Keyboard shortcuts", self)
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = QAction("About", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        self.addAction(self.getting_started_action)
        self.addAction(self.shortcuts_action)
        self.addSeparator()
        self.addAction(self.about_action)
        window.addAction(self.getting_started_action)  # F1 works with the menu closed

    def show_getting_started(self) -> None:
        self._open("Getting started", GETTING_STARTED)

    def show_shortcuts(self) -> None:
        self._open("Keyboard shortcuts", shortcuts_html(self._window))

    def show_about(self) -> None:
        self._open("About", about_html())

    def _open(self, title: str, page: str) -> None:
        dialog = self._dialogs.get(title)
        if dialog is None:
            dialog = self._dialogs[title] = HelpDialog(title, page, self._window)
        else:
            dialog.browser.setHtml(page)
        self.dialog = dialog
        dialog.show()
        dialog.raise_()


def install_help_menu(window: QMainWindow) -> HelpMenu:
    """Add the Help menu at the right end of ``window``'s menu bar."""
    menu = HelpMenu(window)
    window.menuBar().addMenu(menu)
    return menu
