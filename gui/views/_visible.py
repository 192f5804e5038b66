"""A widget that says when it is shown or hidden: side views in tabs that
are not current compute nothing (their spec is None while hidden), and ask
for frames again when shown."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

#: ms a widget must stay hidden before it says so. Every change of the specs
#: makes the window skip the frames already under way (of every view); a
#: person switching tabs often acts at once (Step, Play), and the tab that
#: was left can well be computed a moment longer.
HIDE_SETTLE_MS = 2000


class WatchedWidget(QtWidgets.QWidget):
    """A QWidget emitting ``visibility_changed`` when it is shown, and when
    it has been hidden for HIDE_SETTLE_MS."""

    visibility_changed = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._hidden_timer = QtCore.QTimer(self)
        self._hidden_timer.setSingleShot(True)
        self._hidden_timer.setInterval(HIDE_SETTLE_MS)
        self._hidden_timer.timeout.connect(self._on_hidden_settled)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._hidden_timer.stop()
        self.visibility_changed.emit()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        self._hidden_timer.start()

    def _on_hidden_settled(self) -> None:
        if not self.isVisible():
            self.visibility_changed.emit()
