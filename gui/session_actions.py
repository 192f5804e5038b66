"""The window's File menu: keep a run and take it away.

- Open session… (Ctrl+O) and Save session (Ctrl+S) / Save session as…
  (Ctrl+Shift+S): ``sessions.read_session`` / ``write_session``;
- Export model…: the weights as ``.npz`` plus a JSON description;
- Export as Python…: a standalone NumPy script that predicts and trains as
  the app does;
- Copy command: the ``main.py gif …`` command that replays this run headless
  (``--session FILE`` for drawn or loaded data once saved).

Saving and exporting need the model as it is now, which lives in the
training thread: the worker is paused, asked for its state at the epoch
boundary (``TrainingController.capture_state``), and the file is written
once that state and the report that follows it (the loss curves up to that
very epoch) have arrived; Play then goes on if it was on. Every failure is
a plain-text error box, and a failed save leaves the old file as it was.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog

import datasets
from gui.panels.messages import show_error

SESSION_FILTER = "Sessions (*.mlfs);;All files (*)"
MODEL_FILTER = "NumPy weights (*.npz);;All files (*)"
PYTHON_FILTER = "Python scripts (*.py);;All files (*)"


def dataset_recipe(panel, dataset) -> dict | None:
    """How ``dataset`` was made, when the panel's selected generator (with
    its options as shown) or bundled table makes exactly these points; None
    for drawn, edited or loaded data."""
    source = panel.source()
    if source is None:
        return None
    kind, name = source
    try:
        if kind == "generator":
            options = panel.generator_options(name).values()
            if datasets.make(name, **options) == dataset:
                return {"kind": "generator", "name": name, "options": options}
        elif kind == "builtin" and datasets.load_builtin(name) == dataset:
            return {"kind": "builtin", "name": name}
    except (ValueError, OSError):
        return None
    return None


@dataclass
class _Pending:
    """A save or export waiting for the worker's state and the report after it."""

    kind: str  # "save", "model" or "python"
    path: str
    seq: int  # the capture command's number
    resume_play: bool  # Play was on: go on once written
    capture: object = None  # gui.worker.RunCapture, once it arrived
    reported: bool = False  # a report made after the capture arrived


class SessionActions(QObject):
    """The File menu of ``window`` (a ``MainWindow``) and what it does.

    Signals: ``finished(kind, path)`` after a file was written or opened
    ("save", "open"); ``failed(message)`` when one could not be (the error
    box shows the message too).

    Attributes: ``path`` (the session file this run was opened from or
    saved to, or None), ``error_box`` (the last error box shown).
    """

    finished = Signal(str, str)
    failed = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self.path: str | None = None
        self.error_box = None
        self._pending: _Pending | None = None
        menu = window.menuBar().addMenu("&File")
        self.menu = menu
        self.open_action = self._action("&Open session…", QKeySequence.StandardKey.Open, self._on_open_triggered,
                                        "Open a saved run: its data, model, weights and curves, ready to train on.")
        self.save_action = self._action("&Save session", QKeySequence.StandardKey.Save, self._on_save_triggered,
                                        "Save this run (data, model, weights, curves, view) to a .mlfs file.")
        self.save_as_action = self._action("Save session &as…", QKeySequence("Ctrl+Shift+S"),
                                           self._on_save_as_triggered, "Save this run to a new .mlfs file.")
        menu.addSeparator()
        self.export_model_action = self._action(
            "Export &model…", QKeySequence(), self._on_export_model_triggered,
            "Write the trained weights (.npz) and a JSON description of the model beside them.")
        self.export_python_action = self._action(
            "Export as &Python…", QKeySequence(), self._on_export_python_triggered,
            "Write a standalone NumPy script: the data, the model's forward pass and training loop written "
            "out, and the trained weights.")
        menu.addSeparator()
        self.copy_command_action = self._action(
            "&Copy command", QKeySequence(), self._on_copy_command_triggered,
            "Copy the 'main.py gif …' command that replays this run headless: data, model, features, seed, epochs.")
        window.controller.state_captured.connect(self._on_state_captured)
        window.controller.report_received.connect(self._on_report_received)

    def _action(self, text: str, shortcut, slot, tip: str) -> QAction:
        action = QAction(text, self._window)
        action.setShortcut(shortcut)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        self._window.addAction(action)  # the shortcut works without opening the menu
        return action

    # --- opening ------------------------------------------------------------------
    def open_session(self, path: str | None = None) -> bool:
        """Open the session file ``path`` (asking for one when None) in the
        window. Returns whether it opened; an error box says why not."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(self._window, "Open session", "", SESSION_FILTER)
            if not path:
                return False
        from sessions import SessionError, read_session

        try:
            self.show_session(read_session(path), path)
        except (SessionError, ValueError) as error:
            self._fail("Cannot open the session", str(error))
            return False
        return True

    def show_session(self, session, path) -> None:
        """Show ``session`` (read from ``path``) in the window, paused at its
        epoch; ``ValueError`` if the window cannot show its data."""
        self._window.restore_session(session)
        self.path = str(path)
        epoch = session.epoch
        self._window.statusBar().showMessage(
            f"Opened {Path(path).name}: epoch {epoch:,}. Press Play to train on from there." if epoch else
            f"Opened {Path(path).name}. Press Play to train.", 8000)
        self.finished.emit("open", str(path))

    # --- saving ---------------------------------------------------------------------
    def save_session(self, path: str | None = None) -> bool:
        """Save the run to ``path`` (default: the file it came from or was
        last saved to; a dialog asks when there is none). The file is
        written once the worker has handed over its state (``finished`` then);
        returns whether saving started."""
        if path is None:
            path = self.path or self._ask_path("Save session", "run.mlfs", SESSION_FILTER, ".mlfs")
            if not path:
                return False
        return self._start("save", str(path))

    def _ask_path(self, title: str, name: str, filters: str, suffix: str) -> str | None:
        folder = str(Path(self.path).parent) if self.path else ""
        path, _filter = QFileDialog.getSaveFileName(self._window, title, str(Path(folder) / name), filters)
        if not path:
            return None
        return path if Path(path).suffix else path + suffix

    def _start(self, kind: str, path: str) -> bool:
        if self._pending is not None:
            self._window.statusBar().showMessage("Still saving the previous file…", 4000)
            return False
        controller = self._window.controller
        resume_play = controller.is_running
        # Paused, the curves stop at the epoch captured: the file holds one epoch's run.
        controller.pause()
        seq = controller.capture_state()
        self._pending = _Pending(kind, path, seq, resume_play)
        return True

    @Slot(object)
    def _on_state_captured(self, capture) -> None:
        pending = self._pending
        if pending is not None and capture.command_seq == pending.seq:
            pending.capture = capture
            self._maybe_finish()

    @Slot(object)
    def _on_report_received(self, report) -> None:
        pending = self._pending
        if pending is not None and report.command_seq >= pending.seq:
            pending.reported = True
            self._maybe_finish()

    def _maybe_finish(self) -> None:
        pending = self._pending
        if pending is None or pending.capture is None or not pending.reported:
            return
        self._pending = None
        try:
            if pending.kind == "save":
                self._write_session(pending.path, pending.capture)
            else:
                self._write_export(pending.kind, pending.path, pending.capture)
        finally:
            if pending.resume_play:
                self._window.controller.play()
                self._window.toolbar.set_running(True)

    def _write_session(self, path: str, capture) -> None:
        from algorithms.state import model_from_state
        from sessions import Session, SessionError, write_session

        window = self._window
        if isinstance(capture.model, Exception) or capture.model is None:
            self._fail("Cannot save the session", f"the model cannot be stored: {capture.model}")
            return
        if capture.generation != window._generation:
            self._fail("Cannot save the session", "training restarted while saving; save again")
            return
        history = marks = None
        if capture.trainer is not None:
            history, marks = window.loss_view.history_state()
        view = self.view_settings()
        view["marks"] = marks or []
        session = Session(dataset=window.dataset, model=model_from_state(*capture.model),
                          recipe=dataset_recipe(window.dataset_panel, window.dataset),
                          transform=capture.transform, trainer=capture.trainer, history=history, view=view,
                          stop_reason=window._last_stop)
        try:
            write_session(path, session)
        except SessionError as error:
            self._fail("Cannot save the session", str(error))
            return
        self.path = path
        window.statusBar().showMessage(f"Saved {Path(path).name} at epoch {capture.epoch:,}.", 8000)
        self.finished.emit("save", path)

    # --- exporting --------------------------------------------------------------------
    def export_model(self, path: str | None = None) -> bool:
        """Export the trained model as ``path`` (.npz weights) and the same
        name with .json (its description); ``finished("model", path)``
        once written. Returns whether exporting started."""
        return self._export("model", path, "Export model", "model.npz", MODEL_FILTER, ".npz")

    def export_python(self, path: str | None = None) -> bool:
        """Export the run as a standalone NumPy script ``path`` (with a CSV
        of the data beside it when they are large); ``finished("python",
        path)`` once written. Returns whether exporting started."""
        return self._export("python", path, "Export as Python", "model.py", PYTHON_FILTER, ".py")

    def _export(self, kind, path, title, name, filters, suffix) -> bool:
        if path is None:
            stem = (self._window.dataset.name or "model") + "_" + name
            path = self._ask_path(title, stem, filters, suffix)
            if not path:
                return False
        return self._start(kind, str(path))

    def _write_export(self, kind: str, path: str, capture) -> None:
        from algorithms.state import model_from_state
        from sessions.export import export_model
        from sessions.python_export import export_python

        window = self._window
        title = "Cannot export the model" if kind == "model" else "Cannot export the Python script"
        if isinstance(capture.model, Exception) or capture.model is None or capture.trainer is None:
            self._fail(title, "there is no trained model yet: the data cannot be trained (see the message above "
                              "the plot)" if capture.trainer is None else f"the model cannot be stored: {capture.model}")
            return
        model = model_from_state(*capture.model)
        data = window._trained  # what the model trains on (the two shown columns when training on those only)
        try:
            if kind == "model":
                written = export_model(model, path, feature_names=data.feature_names, transform=capture.transform,
                                       class_names=data.class_names or None, epoch=capture.epoch)
            else:
                written = export_python(model, data, path, transform=capture.transform, epochs=capture.epoch,
                                        split="last" if data.time is not None else None)
        except (OSError, ValueError) as error:
            self._fail(title, f"cannot write {Path(path).name}: {getattr(error, 'strerror', None) or error}")
            return
        names = " and ".join(Path(item).name for item in written)
        window.statusBar().showMessage(f"Wrote {names} (the model at epoch {capture.epoch:,}).", 8000)
        self.finished.emit(kind, str(written[0]))

    # --- the command line -------------------------------------------------------------
    def command(self) -> str | None:
        """The ``python main.py gif …`` command that replays this run
        headless: generated or bundled data as options (``gui.options.run_command``);
        other data through the session file it was opened from or saved to;
        None when there is neither."""
        from gui.options import run_command

        window = self._window
        recipe = dataset_recipe(window.dataset_panel, window.dataset)
        if recipe is not None and window._trained is window.dataset:
            panel = window.model_panel
            args = run_command(recipe, panel.build_model(), panel.build_transform(), window.epoch or None,
                               dtype=panel.dtype)
            return shlex.join(["python", "main.py", *args])
        if self.path is not None:
            return shlex.join(["python", "main.py", "gif", "--session", self.path])
        return None

    def copy_command(self) -> str | None:
        """Put ``command()`` on the clipboard and say so; without one, say
        how to get one (save the session first). Returns the command."""
        text = self.command()
        status = self._window.statusBar()
        if text is None:
            status.showMessage("These points were drawn or loaded, or train on two columns only: no options "
                               "describe them. Save the session (Ctrl+S) and Copy command gives "
                               "'main.py gif --session FILE'.", 12000)
            return None
        QGuiApplication.clipboard().setText(text)
        status.showMessage(f"Copied: {text}", 12000)
        return text

    def view_settings(self) -> dict:
        """The window's view settings, as a session keeps them."""
        window = self._window
        toolbar = window.toolbar
        return {
            "shown_features": list(window.dataset_panel.shown_features()),
            "two_features": window.dataset_panel.two_features_check.isChecked(),
            "log_scale": bool(window.loss_view.log_scale()),
            "surface3d": toolbar.surface3d_action.isChecked(),
            "mistakes": toolbar.misclassified_action.isChecked(),
            "speed": toolbar.speed(),
        }

    def _fail(self, title: str, message: str) -> None:
        self.error_box = show_error(self._window, title, message)
        self.failed.emit(message)

    # --- slots ------------------------------------------------------------------------
    @Slot()
    def _on_open_triggered(self) -> None:
        self.open_session()

    @Slot()
    def _on_save_triggered(self) -> None:
        self.save_session()

    @Slot()
    def _on_copy_command_triggered(self) -> None:
        self.copy_command()

    @Slot()
    def _on_export_model_triggered(self) -> None:
        self.export_model()

    @Slot()
    def _on_export_python_triggered(self) -> None:
        self.export_python()

    @Slot()
    def _on_save_as_triggered(self) -> None:
        path = self._ask_path("Save session as", Path(self.path).name if self.path else "run.mlfs",
                              SESSION_FILTER, ".mlfs")
        if path:
            self.save_session(path)
