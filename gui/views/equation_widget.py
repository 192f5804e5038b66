"""The learned equation's widget (Qt): the equation as rich text, written
in the render process, and a note on how to read it."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ._visible import WatchedWidget
from .colors import FOREGROUND, MUTED


class EquationWidget(WatchedWidget):
    """The equation in a scroll area (its label's size changes with every
    frame's numbers; a scroll area keeps that from re-laying out the
    window) with a note under it."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QtWidgets.QLabel()
        self.label.setTextFormat(QtCore.Qt.TextFormat.RichText)  # made by the spec, names escaped
        self.label.setWordWrap(True)
        self.label.setAlignment(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignTop)
        self.label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setStyleSheet("color: #{:02x}{:02x}{:02x}; font-size: 14pt; padding: 6px;".format(*FOREGROUND))
        self.note = QtWidgets.QLabel()
        self.note.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #{:02x}{:02x}{:02x}; font-size: 8.5pt; padding: 0 6px;".format(*MUTED))
        body = QtWidgets.QWidget()
        inner = QtWidgets.QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.label)
        inner.addWidget(self.note)
        inner.addStretch(1)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: white; }")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.scroll = scroll

    def set_equation(self, text: str) -> None:
        if self.label.text() != text:  # an unchanged equation costs no layout
            self.label.setText(text)

    def set_note(self, text: str) -> None:
        if self.note.text() != text:
            self.note.setText(text)
