"""Ctrl+C (and ``kill``) in the terminal close the application cleanly.

Python runs a signal handler only when the main thread executes Python code,
and the main thread of a Qt application sits in Qt's C++ event loop: Ctrl+C
did nothing until the next Python slot, and then raised ``KeyboardInterrupt``
inside that slot, where PySide prints it and carries on. Here the C-level
handler Python installs writes the signal number to a socket
(``signal.set_wakeup_fd``); a ``QSocketNotifier`` on the other end wakes the
event loop at once, without polling, and closes every window as their close
buttons would (training thread and render process stopped), then ends the
event loop with exit status ``128 + signal`` (130 for Ctrl+C, 143 for
SIGTERM), as a shell expects of an interrupted program. A second Ctrl+C
while closing ends the process at once (the default action).
"""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class CloseOnSignal(QObject):
    """Handle ``SIGNALS`` from construction until :meth:`restore`.

    Build it in the main thread, after the ``QApplication`` (the notifier
    needs it) and as early as possible: a signal that arrives while the
    window is still being built is kept and acted on as soon as the event
    loop runs. ``received`` is the first signal number, or None.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.received: int | None = None
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_woken)
        self._previous_handlers = {number: signal.signal(number, self._on_signal) for number in SIGNALS}
        self._previous_wakeup = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)

    @property
    def exit_code(self) -> int | None:
        """``128 + signal`` once a signal was received, else None."""
        return None if self.received is None else 128 + self.received

    def _on_signal(self, number: int, frame) -> None:
        # Runs at the next Python instruction of the main thread, which may be
        # in the middle of some slot: only note the signal here. The closing
        # is done by _on_woken, called from the event loop itself.
        if self.received is None:
            self.received = number
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a second Ctrl+C: no more waiting

    def _on_woken(self, *args) -> None:
        try:
            while self._reader.recv(512):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        if self.received is None:
            return
        app = QCoreApplication.instance()
        if isinstance(app, QApplication):
            app.closeAllWindows()  # modal dialogs included: their own loops end too
        if app is not None:
            app.exit(self.exit_code)

    def restore(self) -> None:
        """Put back the handlers found at construction and close the sockets
        (idempotent)."""
        if self._reader is None:
            return
        signal.set_wakeup_fd(self._previous_wakeup)
        for number, handler in self._previous_handlers.items():
            if number != signal.SIGINT or signal.getsignal(number) == self._on_signal:
                signal.signal(number, handler)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
        self._reader = self._writer = None
