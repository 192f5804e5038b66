"""A dismissable message strip: plain text (it may quote data), coloured by
kind (error, warning, info)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from gui.panels.messages import plain_label


class Banner(QFrame):
    """A dismissable message: what stopped training (above the data view),
    what looks wrong with it (above the loss curves). ``closed`` is emitted
    when the person dismisses it."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = plain_label(QLabel())
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Hide this message.")
        close.clicked.connect(self._on_close_clicked)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str, kind: str = "error") -> None:
        colours = {
            "error": ("#fdecea", "#b3261e", "#f2b8b5"),
            "warning": ("#fef7e0", "#7a4f01", "#f6d186"),
            "info": ("#e8f0fe", "#174ea6", "#aecbfa"),
        }[kind]
        self.setStyleSheet(
            f"#banner {{ background: {colours[0]}; border: 1px solid {colours[2]}; border-radius: 4px; }}"
            f"#banner QLabel {{ color: {colours[1]}; }}"
        )
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def _on_close_clicked(self) -> None:
        self.hide()
        self.closed.emit()
