"""Loading a CSV file off the GUI thread, with a progress bar, a Cancel
button and the import dialog in between.

The steps, for a person who picked a file::

    read the file into columns       (worker thread; progress bar, Cancel)
    CsvImportDialog: roles, choices  (GUI thread; the table is only read)
    build the Dataset                (worker thread; Cancel)
    loaded(Dataset)                  (GUI thread: the finished value only)

``start(path, ask=False, **options)`` skips the dialog (the command line,
tests, Draw mode's quick load). A file that cannot be loaded shows a
plain-text error box and emits ``failed``; Cancel, or closing the dialog,
emits ``cancelled``; in both cases nothing else changes. A job finishing
after it was cancelled is ignored (each job has a serial number).

The work runs on a private ``QThreadPool`` of one thread. Its only contact
with the GUI thread is the signals of a ``QObject`` made in the GUI thread,
emitted at most every 50 ms for progress, and a ``threading.Event`` it
checks between blocks of the file to stop early.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

import datasets
from gui.panels.csv_dialog import CsvImportDialog
from gui.panels.messages import plain_label, show_error

#: progress reports sent to the GUI thread at most this often
PROGRESS_INTERVAL_S = 0.05


class LoadCancelled(Exception):
    """Raised inside a job whose loader was cancelled, to stop reading."""


class _JobSignals(QObject):
    progress = Signal(int, object, object)  # serial, bytes read, total bytes
    succeeded = Signal(int, object)  # serial, result (a CSVTable or a Dataset)
    failed = Signal(int, str)  # serial, error text
    stopped = Signal(int)  # serial: cancelled


class _Job(QRunnable):
    """Runs ``work(progress)`` in the pool and reports through ``signals``."""

    def __init__(self, serial: int, work, signals: _JobSignals, cancel: threading.Event):
        super().__init__()
        self.serial = serial
        self.work = work
        self.signals = signals
        self.cancel = cancel
        self._reported_at = 0.0
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except LoadCancelled:
            self._emit(self.signals.stopped, self.serial)
        except (ValueError, OSError) as error:
            self._emit(self.signals.failed, self.serial, str(error))
        except MemoryError:
            self._emit(self.signals.failed, self.serial, "not enough memory to load this file")
        except Exception as error:  # noqa: BLE001 - any failure must reach the person, not kill the thread
            self._emit(self.signals.failed, self.serial, f"unexpected error while loading: "
                                                         f"{type(error).__name__}: {error}")
        else:
            self._emit(self.signals.succeeded, self.serial, result)

    def _progress(self, done: int, total: int) -> None:
        if self.cancel.is_set():
            raise LoadCancelled
        now = time.monotonic()
        if now - self._reported_at >= PROGRESS_INTERVAL_S:
            self._reported_at = now
            self._emit(self.signals.progress, self.serial, done, total)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:
            pass  # the loader was deleted meanwhile (its window closed): nobody waits for this


class CsvLoadProgress(QWidget):
    """What the loader is doing, a progress bar and a Cancel button; hidden when idle."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = plain_label(QLabel())
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(14)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop loading; the current data stays.")
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.hide()

    def begin(self, text: str, *, known: bool = True) -> None:
        self.label.setText(text)
        if known:
            self.bar.setRange(0, 1000)
            self.bar.setValue(0)
        else:
            self.bar.setRange(0, 0)  # busy: the time left is not known
        self.show()

    def set_fraction(self, fraction: float) -> None:
        if self.bar.maximum():
            self.bar.setValue(round(1000 * min(max(fraction, 0.0), 1.0)))

    def end(self) -> None:
        self.hide()


class CsvLoader(QObject):
    """Loads CSV files for ``owner`` (the parent of its dialogs and error boxes).

    Signals
    -------
    loaded(Dataset)
        The finished dataset.
    failed(str)
        The file could not be loaded; ``error_box`` shows why.
    cancelled()
        The person cancelled; nothing changed.
    busy_changed(bool)

    ``check(dataset) -> str | None``, when given, may refuse a finished
    dataset (why, or None): refused, it is reported like a file error.
    """

    loaded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    busy_changed = Signal(bool)

    def __init__(self, owner: QWidget, progress: CsvLoadProgress | None = None, *, check=None,
                 error_title: str = "Cannot load this CSV file"):
        super().__init__(owner)
        self.owner = owner
        self.progress = progress
        self.check = check
        self.error_title = error_title
        self.import_dialog: CsvImportDialog | None = None
        self.error_box = None
        self._serial = 0
        self._state = "idle"  # "reading", "choosing", "building"
        self._path = ""
        self._cancel = threading.Event()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _JobSignals(self)
        self._signals.progress.connect(self._on_job_progress)
        self._signals.succeeded.connect(self._on_job_succeeded)
        self._signals.failed.connect(self._on_job_failed)
        self._signals.stopped.connect(self._on_job_stopped)
        if progress is not None:
            progress.cancel_button.clicked.connect(self.cancel)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ------------------------------------------------------------ commands

    @property
    def busy(self) -> bool:
        return self._state != "idle"

    @property
    def state(self) -> str:
        """"idle", "reading", "choosing" (the dialog is open) or "building"."""
        return self._state

    def start(self, path: str, *, ask: bool = True, **options) -> None:
        """Load ``path``: read it, then (``ask``) let the person choose in
        the import dialog, or use ``options`` (``datasets.load_csv``'s)."""
        if self.busy:
            self.cancel()
        self._path = str(path)
        name = Path(self._path).name
        if ask:
            self._run("reading", f"Reading {name}…", lambda progress: datasets.scan_csv(self._path, progress))
        else:
            self._run("reading", f"Loading {name}…",
                      lambda progress: datasets.load_csv(self._path, progress=progress, **options))

    def cancel(self) -> None:
        """Stop what is under way; the current data stays."""
        if not self.busy:
            return
        self._cancel.set()
        self._serial += 1  # whatever the job still sends is ignored
        self._close_dialog()
        self._finish()
        self.cancelled.emit()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel, and wait for the worker thread (the window is closing)."""
        self._cancel.set()
        self._serial += 1
        self._close_dialog()
        self._pool.waitForDone(timeout_ms)
        self._state = "idle"

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the running job ends (benchmarks and scripts only)."""
        return self._pool.waitForDone(timeout_ms)

    # ------------------------------------------------------------ steps

    def _run(self, state: str, text: str, work, *, known: bool = True) -> None:
        self._serial += 1
        self._cancel = threading.Event()
        was_busy = self.busy
        self._state = state
        if self.progress is not None:
            self.progress.begin(text, known=known)
        self._pool.start(_Job(self._serial, work, self._signals, self._cancel))
        if not was_busy:
            self.busy_changed.emit(True)

    def _finish(self) -> None:
        was_busy = self.busy
        self._state = "idle"
        if self.progress is not None:
            self.progress.end()
        if was_busy:
            self.busy_changed.emit(False)

    def _close_dialog(self) -> None:
        dialog, self.import_dialog = self.import_dialog, None
        if dialog is not None:
            dialog.blockSignals(True)
            dialog.close()
            dialog.deleteLater()

    @Slot(int, object, object)
    def _on_job_progress(self, serial: int, done, total) -> None:
        if serial == self._serial and self.progress is not None and total:
            self.progress.set_fraction(done / total)

    @Slot(int, object)
    def _on_job_succeeded(self, serial: int, result) -> None:
        if serial != self._serial:
            return
        if isinstance(result, datasets.CSVTable):
            self._choose(result)
            return
        reason = self.check(result) if self.check is not None else None
        if reason is not None:
            self._fail(f"{self._path}: {reason}")
            return
        self._finish()
        self.loaded.emit(result)

    @Slot(int, str)
    def _on_job_failed(self, serial: int, text: str) -> None:
        if serial == self._serial:
            self._fail(text)

    @Slot(int)
    def _on_job_stopped(self, serial: int) -> None:
        if serial == self._serial:  # pragma: no cover - cancel() moves the serial on first
            self._finish()
            self.cancelled.emit()

    def _fail(self, text: str) -> None:
        self._finish()
        self.error_box = show_error(self.owner, self.error_title, text)
        self.failed.emit(text)

    def _choose(self, table) -> None:
        """The file is read: let the person choose how to load it."""
        if self.progress is not None:
            self.progress.end()
        self._state = "choosing"
        dialog = CsvImportDialog(table, self.owner)
        dialog.accepted.connect(self._on_dialog_accepted)
        dialog.rejected.connect(self._on_dialog_rejected)
        self.import_dialog = dialog
        dialog.open()

    @Slot()
    def _on_dialog_accepted(self) -> None:
        dialog, self.import_dialog = self.import_dialog, None
        if dialog is None:
            return
        table, options = dialog.table, dialog.choices()
        dialog.deleteLater()
        self._run("building", f"Building the dataset from {table.name}…",
                  lambda _progress: table.to_dataset(**options), known=False)

    @Slot()
    def _on_dialog_rejected(self) -> None:
        dialog, self.import_dialog = self.import_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        self._finish()
        self.cancelled.emit()


__all__ = ["CsvLoadProgress", "CsvLoader", "LoadCancelled"]
