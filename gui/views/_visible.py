"""A widget that says when it is shown or hidden: side views in tabs that
are not current compute nothing (their spec is None while hidden), and ask
for frames again when shown."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets


class WatchedWidget(QtWidgets.QWidget):
    """A QWidget emitting ``visibility_changed`` on every show and hide."""

    visibility_changed = QtCore.Signal()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.visibility_changed.emit()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        self.visibility_changed.emit()
