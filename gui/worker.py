"""The training worker: runs ``algorithms.Trainer`` epoch by epoch in its own
thread and reports to the GUI at screen rate.

Design
------
``TrainingController`` (GUI thread) owns a ``QThread`` and a ``TrainingWorker``
moved to it. The controller never calls the worker: it puts commands on a
thread-safe queue, and the worker's loop takes them between epochs, so every
command (play, pause, step, reset, live parameters, speed, new data) takes
effect at the next epoch boundary, and the GUI thread never waits.

The worker loop::

    while alive:
        take commands   (block while idle; wait at most until the next epoch
                         is due in slow motion; don't wait at all at full speed)
        run one epoch   (Trainer.step(); its record is appended to the pending
                         metrics, so the loss curve misses no epoch)
        maybe report    (at most one report in flight, at most ~60 per second)

A report is emitted only when the GUI has acknowledged the previous one (the
controller queues an "ack" once the window's slots for it have returned), so
queued signals never pile up however fast training runs. Everything emitted
is a fresh array the worker never touches again (a ``Signal(object)`` hands
the receiver the very object emitted).

Pacing. Both threads share one interpreter lock, so GUI time spent in
pyqtgraph's Python code and worker time spent predicting both come out of
training time. Three knobs keep that in check:

- reports at most every REPORT_INTERVAL (screen rate);
- the ack carries the GUI thread's CPU time per frame; reports are spaced so
  that drawing takes at most GUI_BUDGET of a core;
- model outputs on the 200x200 grid (``presenter.compute_outputs``, 7 ms for
  a 2-32-32-3 network on an idle core, 20-40 ms on a loaded one) are computed
  only for a report about to be sent, and reports are spaced so that they
  take at most OUTPUT_BUDGET of the worker's time. Every report of a changed
  model carries fresh outputs: each frame shows the picture of its epoch
  (what a GIF of the run records).

Commands are numbered; a report carries the number of the last command
applied (``command_seq``), so the window can tell outputs made for an old grid
or old data (skipped) from current ones, and a stop decided before the latest
Play from one that ends it.
"""

from __future__ import annotations

import collections
import queue
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from algorithms import Trainer
from gui.presenter import compute_outputs

#: shortest time between two reports: screen rate
REPORT_INTERVAL = 1.0 / 60.0
#: share of the worker's time that predictions for the views may take. When
#: predicting on the grid is slower than this allows at screen rate, reports
#: are spaced out.
OUTPUT_BUDGET = 0.15
#: share of one core the GUI thread may spend drawing reports. Python threads
#: share one interpreter lock: every millisecond the GUI spends in pyqtgraph's
#: Python code is a millisecond the worker cannot train. When drawing a frame
#: costs more than this allows at screen rate, reports are spaced out.
GUI_BUDGET = 0.3
#: a frame's GUI cost above this is idle time or a person's interaction, not drawing
MAX_FRAME_COST = 0.1
#: how a report's message starts when the data or settings cannot be trained
#: at all (an empty canvas, one class): a notice, not a failure
CANNOT_TRAIN = "Cannot train"
#: window over which epochs per second are measured
RATE_WINDOW = 0.5


@dataclass
class Report:
    """What the worker tells the GUI, at most ~60 times a second.

    The metric arrays hold every epoch completed since the previous report
    (possibly none: a report after Reset or after new data).
    """

    epochs: np.ndarray  # (e,) int, epoch numbers (1 after the first epoch)
    loss: np.ndarray  # (e,) float
    val_loss: np.ndarray  # (e,) float, NaN without validation rows
    score: np.ndarray  # (e,) accuracy or R² on the training rows
    val_score: np.ndarray  # (e,) float, NaN without validation rows
    epoch: int  # epochs completed
    grid_output: np.ndarray | None  # model output on the view's grid points
    sample_output: np.ndarray | None  # model output on the dataset rows
    epochs_per_second: float
    n_samples: int  # rows the trainer trains on (train + validation)
    stopped: str | None  # "max_epochs", "early_stopping", "diverged", "error" or None
    message: str | None  # the reason, for a person; with stopped=None: a notice
    generation: int = 0  # bumped on every new trainer (reset); epochs restart at 0
    classes: np.ndarray | None = None  # model.classes_ (probability columns), None for regression
    val_mask: np.ndarray | None = None  # (n,) bool, set when the split changed
    running: bool = False  # whether Play is on in the worker (not paused, not stepping)
    command_seq: int = 0  # number of the last command applied before this report


def _empty_metrics() -> dict[str, list]:
    return {"epochs": [], "loss": [], "val_loss": [], "score": [], "val_score": []}


def _nan_if_none(value) -> float:
    return float("nan") if value is None else float(value)


def _fresh_model(model):
    """An untrained model with the same hyperparameters (sklearn's clone)."""
    return type(model)(**model.get_params())


class TrainingWorker(QObject):
    """Owns the model and its Trainer; lives in the training thread.

    Only ``run`` is called (by ``QThread.started``); everything else arrives
    through the command queue.
    """

    report_ready = Signal(object)  # Report
    params_reported = Signal(object)  # dict: the model's get_params() + "epoch"
    finished = Signal()

    def __init__(self, commands: queue.SimpleQueue) -> None:
        super().__init__()
        self._commands = commands
        self._alive = True
        # what to train
        self._model = None
        self._transform = None
        self._X: np.ndarray | None = None
        self._y: np.ndarray | None = None
        self._grid: np.ndarray | None = None
        self._trainer: Trainer | None = None
        self._generation = 0
        self._broken = False  # the last trainer raised or diverged: Play starts afresh
        # pending work decided by the commands of one batch
        self._rebuild: str | None = None  # a reason: make a new trainer
        self._swap_data = False  # Trainer.set_data with the new rows
        # how to train
        self._running = False
        self._steps = 0
        self._epochs_per_second: float | None = None  # None: as fast as possible
        self._next_epoch_at = 0.0
        # reporting
        self._in_flight = False
        self._force_report = False
        self._last_report_at = 0.0
        self._pending = _empty_metrics()
        self._stopped: str | None = None
        self._message: str | None = None
        self._val_mask_changed = False
        self._need_grid = True
        self._need_samples = False
        self._output_cost = 0.0  # seconds per grid prediction, smoothed
        self._gui_cost = 0.0  # GUI-thread CPU seconds per frame, smoothed
        self._grid_stale = True  # the model changed since the last grid output
        self._rate_marks: collections.deque = collections.deque()
        self._command_seq = 0

    # --- the loop ----------------------------------------------------------
    @Slot()
    def run(self) -> None:
        try:
            while self._alive:
                try:
                    self._take_commands(self._wait_time())
                    if not self._alive:
                        break
                    if self._epoch_due():
                        self._run_epoch()
                    self._maybe_report()
                except Exception as exc:  # noqa: BLE001 - e.g. a bad live parameter: say so, keep serving
                    self._fail(exc)
        finally:
            self.finished.emit()

    def _training(self) -> bool:
        return self._trainer is not None and (self._running or self._steps > 0)

    def _wait_time(self) -> float | None:
        """How long the next command wait may block: None = until a command."""
        now = time.perf_counter()
        deadlines = []
        if self._training():
            if self._steps > 0 or self._epochs_per_second is None:
                return 0.0
            deadlines.append(self._next_epoch_at)  # slow motion
        if self._report_wanted() and not self._in_flight:
            deadlines.append(self._last_report_at + self._report_interval())
        return max(0.0, min(deadlines) - now) if deadlines else None

    def _take_commands(self, timeout: float | None) -> None:
        try:
            if timeout is None:
                command = self._commands.get()
            elif timeout > 0:
                command = self._commands.get(timeout=timeout)
            else:
                command = self._commands.get_nowait()
        except queue.Empty:
            return
        while True:
            self._handle(command)
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                break
        self._apply_data_changes()

    def _epoch_due(self) -> bool:
        if not self._training():
            return False
        if self._steps > 0 or self._epochs_per_second is None:
            return True
        return time.perf_counter() >= self._next_epoch_at

    # --- commands ------------------------------------------------------------
    def _handle(self, command: tuple) -> None:
        self._command_seq, name, *args = command
        if name == "ack":
            self._in_flight = False
            gui_seconds = args[0] if args else None
            if gui_seconds is not None:
                cost = min(float(gui_seconds), MAX_FRAME_COST)
                self._gui_cost = cost if self._gui_cost == 0 else 0.8 * self._gui_cost + 0.2 * cost
        elif name == "play":
            self._prepare_to_train()
            self._running = self._trainer is not None
            self._next_epoch_at = time.perf_counter()
        elif name == "pause":
            self._running = False
            self._steps = 0
            self._force_report = True
        elif name == "step":
            self._running = False
            self._prepare_to_train()
            if self._trainer is not None:
                self._steps += 1
        elif name == "speed":
            (eps,) = args
            self._epochs_per_second = None if eps is None else float(eps)
            self._next_epoch_at = time.perf_counter()
        elif name == "configure":
            self._configure(**args[0])
        elif name == "reset":
            self._rebuild = "reset"
        elif name == "params":
            (params,) = args
            if self._model is not None:
                self._model.set_params(**params)
        elif name == "query":
            self._answer_query()
        elif name == "stop":
            self._alive = False

    def _configure(self, **fields) -> None:
        """Change what is trained, all at once (a model, its data and the grid
        that go together never meet a half-updated worker)."""
        if "model" in fields:
            self._model, self._transform = fields["model"], fields.get("transform")
            self._rebuild = "new model"
        if "X" in fields:
            self._X, self._y = fields["X"], fields["y"]
            keep = fields.get("keep_model", False)
            if keep and self._trainer is not None and not self._broken and self._rebuild is None:
                self._swap_data = True
            else:
                self._rebuild = self._rebuild or "new data"
        if "grid" in fields:
            self._grid = fields["grid"]
        if "need_grid" in fields:
            self._need_grid = bool(fields["need_grid"])
        if "need_samples" in fields:
            self._need_samples = bool(fields["need_samples"])
        self._grid_stale = True
        self._force_report = True

    def _prepare_to_train(self) -> None:
        """Before Play/Step: start afresh after an error or divergence (the
        parameters kept are finite but may sit on the edge of blowing up
        again); after max epochs or early stopping allow another
        ``max_epochs`` epochs from here."""
        if self._trainer is None or self._broken:
            self._rebuild = self._rebuild or "restart"
            self._apply_data_changes()
            return
        if self._trainer.done:
            try:
                self._trainer.extend(int(self._model.max_epochs))
            except (RuntimeError, ValueError) as exc:
                self._fail(exc)

    def _apply_data_changes(self) -> None:
        if self._rebuild is not None:
            self._new_trainer()
        elif self._swap_data:
            self._swap_data = False
            try:
                self._trainer.set_data(self._inputs(self._X), self._y)
            except ValueError as exc:
                self._new_trainer(notice=f"Model reset: the new data does not fit it ({exc}).")
            else:
                self._val_mask_changed = True
                self._grid_stale = True
                self._force_report = True

    def _inputs(self, X: np.ndarray) -> np.ndarray:
        return self._transform.transform(X) if self._transform is not None else X

    def _new_trainer(self, notice: str | None = None) -> None:
        """A new Trainer: fresh initial weights, epoch 0, a new generation."""
        self._rebuild = None
        self._swap_data = False
        self._generation += 1
        self._pending = _empty_metrics()
        self._rate_marks.clear()
        self._trainer = None
        self._broken = False
        self._stopped = None
        self._message = notice
        self._val_mask_changed = True
        self._grid_stale = True
        self._force_report = True
        if self._model is None or self._X is None:
            return
        try:
            self._model = _fresh_model(self._model)
            self._trainer = Trainer(self._model, self._inputs(self._X), self._y)
        except Exception as exc:  # bad data or parameters: say so, keep running
            self._trainer = None
            self._running = False
            self._steps = 0
            self._stopped = "error"
            self._message = f"{CANNOT_TRAIN}: {exc}"

    def _answer_query(self) -> None:
        params = {} if self._model is None else dict(self._model.get_params())
        params["epoch"] = 0 if self._trainer is None else int(self._trainer.epoch)
        params["generation"] = self._generation
        self.params_reported.emit(params)

    # --- epochs --------------------------------------------------------------
    def _run_epoch(self) -> None:
        if self._steps > 0:
            self._steps -= 1
            if self._steps == 0:
                self._force_report = True
        elif self._epochs_per_second is not None:
            # Slow motion: the next epoch is due one period after this one was.
            period = 1.0 / self._epochs_per_second
            self._next_epoch_at = max(self._next_epoch_at + period, time.perf_counter())
        try:
            record = self._trainer.step()
        except Exception as exc:
            self._fail(exc)
            return
        now = time.perf_counter()
        self._rate_marks.append((now, record.epoch))
        while len(self._rate_marks) > 2 and now - self._rate_marks[0][0] > RATE_WINDOW:
            self._rate_marks.popleft()
        self._grid_stale = True
        if record.stop_reason != "diverged":  # a diverged epoch was undone: no point to plot
            pending = self._pending
            pending["epochs"].append(record.epoch)
            pending["loss"].append(record.loss)
            pending["val_loss"].append(_nan_if_none(record.val_loss))
            pending["score"].append(record.score)
            pending["val_score"].append(_nan_if_none(record.val_score))
        if record.stop_reason is not None:
            self._running = False
            self._steps = 0
            self._stopped = record.stop_reason
            self._message = record.message
            self._broken = record.stop_reason == "diverged"
            self._force_report = True

    def _fail(self, exc: BaseException) -> None:
        """An exception in training: stop, tell the GUI, keep the thread alive."""
        self._running = False
        self._steps = 0
        self._broken = True
        self._stopped = "error"
        self._message = f"Training stopped by an error: {type(exc).__name__}: {exc}"
        self._force_report = True

    def _epochs_per_second_now(self) -> float:
        if not self._training() or len(self._rate_marks) < 2:
            return 0.0
        (t0, e0), (t1, e1) = self._rate_marks[0], self._rate_marks[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0

    # --- reports -------------------------------------------------------------
    def _report_wanted(self) -> bool:
        return self._force_report or bool(self._pending["epochs"])

    def _maybe_report(self) -> None:
        if self._in_flight or not self._report_wanted():
            return
        now = time.perf_counter()
        if not self._force_report and now - self._last_report_at < self._report_interval():
            return
        self._send_report(now)

    def _report_interval(self) -> float:
        """Time between reports: screen rate, or slower when the GUI's drawing
        would take more than GUI_BUDGET of a core, or the predictions for the
        views more than OUTPUT_BUDGET of the worker's time."""
        return max(REPORT_INTERVAL, self._gui_cost / GUI_BUDGET, self._output_cost / OUTPUT_BUDGET)

    def _send_report(self, now: float) -> None:
        grid_output = sample_output = None
        classes = None
        trainer, model = self._trainer, self._model
        if trainer is not None and self._grid_stale:
            try:
                started = time.perf_counter()
                grid_output, sample_output = compute_outputs(
                    model,
                    self._transform,
                    self._grid if self._need_grid else None,
                    self._X if self._need_samples else None,
                )
                cost = time.perf_counter() - started
                self._output_cost = cost if self._output_cost == 0 else 0.7 * self._output_cost + 0.3 * cost
                self._grid_stale = False
            except Exception as exc:  # noqa: BLE001 - shown to the person, training stops
                self._fail(exc)
        if trainer is not None and hasattr(model, "classes_"):
            classes = np.array(model.classes_)
        val_mask = None
        if self._val_mask_changed and self._X is not None:
            val_mask = np.zeros(len(self._X), dtype=bool)
            if trainer is not None:
                val_mask[np.asarray(trainer.val_index, dtype=int)] = True
            self._val_mask_changed = False
        pending, self._pending = self._pending, _empty_metrics()
        report = Report(
            epochs=np.array(pending["epochs"], dtype=np.int64),
            loss=np.array(pending["loss"], dtype=float),
            val_loss=np.array(pending["val_loss"], dtype=float),
            score=np.array(pending["score"], dtype=float),
            val_score=np.array(pending["val_score"], dtype=float),
            epoch=0 if trainer is None else int(trainer.epoch),
            grid_output=grid_output,
            sample_output=sample_output,
            epochs_per_second=self._epochs_per_second_now(),
            n_samples=0 if trainer is None else len(trainer.train_index) + len(trainer.val_index),
            stopped=self._stopped,
            message=self._message,
            generation=self._generation,
            classes=classes,
            val_mask=val_mask,
            running=self._running,
            command_seq=self._command_seq,
        )
        self._stopped = self._message = None
        self._force_report = False
        self._in_flight = True
        self._last_report_at = now
        self.report_ready.emit(report)


class TrainingController(QObject):
    """The GUI thread's handle on the training thread.

    Every method returns at once: it queues a command the worker applies at
    its next epoch boundary. ``report_received`` is emitted (in the GUI
    thread) for every report; when its slots have returned, the controller
    acknowledges the report so the worker may send the next one.
    """

    report_received = Signal(object)  # Report
    params_reported = Signal(object)  # dict, answer to query_params()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = QThread()
        self._thread.setObjectName("training")
        self._worker = TrainingWorker(self._commands)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        # Bound methods of this GUI-thread object: queued into the GUI thread.
        self._worker.report_ready.connect(self._on_report_ready)
        self._worker.params_reported.connect(self._on_params_reported)
        self._worker.finished.connect(self._thread.quit)
        app = QCoreApplication.instance()
        if app is not None:  # last line of defence: never leave the thread running at exit
            app.aboutToQuit.connect(self.stop)
        self._running = False
        self._stopped = False
        self._seq = 0
        self._transport_seq = 0  # the last play / pause / step command
        self._last_report_cpu = 0.0
        self._measuring_cpu = False
        self._thread.start()

    # --- commands ------------------------------------------------------------
    def _send(self, *command) -> int:
        if not self._stopped:
            self._seq += 1
            self._commands.put((self._seq, *command))
        return self._seq

    def configure(self, **fields) -> int:
        """Change what is trained, applied by the worker in one go. Returns
        the command's number: reports with ``command_seq`` below it were
        made before the change (their outputs belong to the old grid).

        Fields (all optional):
        model, transform -- an unfitted model (the worker owns it from now on)
            and the FeatureTransform its inputs go through (None: raw). Resets.
        X, y, keep_model -- new training rows; keep_model=True swaps them in at
            the next epoch without resetting (falling back to a reset, with a
            notice, when the model cannot take them).
        grid -- (m, d) raw-space points the views want outputs on, or None.
        need_grid, need_samples -- which outputs the views draw.
        """
        unknown = set(fields) - {"model", "transform", "X", "y", "keep_model", "grid", "need_grid", "need_samples"}
        if unknown:
            raise ValueError(f"configure: unknown fields {sorted(unknown)}")
        if ("X" in fields) != ("y" in fields):
            raise ValueError("configure: X and y go together")
        return self._send("configure", fields)

    def set_model(self, model, transform=None) -> None:
        self.configure(model=model, transform=transform)

    def set_data(self, X: np.ndarray, y: np.ndarray, *, keep_model: bool = False) -> None:
        self.configure(X=X, y=y, keep_model=keep_model)

    def play(self) -> None:
        self._running = True
        self._transport_seq = self._send("play")

    def pause(self) -> None:
        self._running = False
        self._transport_seq = self._send("pause")

    def step(self) -> None:
        self._running = False
        self._transport_seq = self._send("step")

    def reset(self) -> None:
        self._send("reset")

    def set_live_params(self, params: dict) -> None:
        self._send("params", dict(params))

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Epochs per second, or None for as fast as possible."""
        self._send("speed", epochs_per_second)

    def query_params(self) -> None:
        """Ask the worker for the model's current hyperparameters; the answer
        comes as ``params_reported``."""
        self._send("query")

    @property
    def is_running(self) -> bool:
        """Whether Play is on (as far as the GUI knows)."""
        return self._running

    def is_thread_running(self) -> bool:
        return self._thread.isRunning()

    def stop(self, timeout_ms: int | None = None) -> bool:
        """Stop the training thread and wait for it (idempotent). The worker
        finishes the epoch it is in, then leaves its loop. Returns whether the
        thread ended (always, without a timeout)."""
        if self._stopped:
            return True
        self._send("stop")
        self._stopped = True
        self._running = False
        self._thread.quit()
        finished = self._thread.wait() if timeout_ms is None else self._thread.wait(timeout_ms)
        return bool(finished)

    # --- from the worker ---------------------------------------------------------
    @Slot(object)
    def _on_report_ready(self, report: Report) -> None:
        # GUI-thread CPU time since the previous report: drawing that report
        # (painting happens after this slot returns) and anything else the GUI
        # did. Only meaningful between reports of a running worker.
        cpu = time.thread_time()
        gui_seconds = cpu - self._last_report_cpu if self._measuring_cpu else None
        self._last_report_cpu = cpu
        self._measuring_cpu = report.running
        try:
            # The worker's word on Play/Pause counts once it has seen the
            # latest Play / Pause / Step: a stop decided before a new Play
            # does not stop that Play.
            if report.command_seq >= self._transport_seq:
                self._running = report.running
            self.report_received.emit(report)
        finally:
            self._send("ack", gui_seconds)

    @Slot(object)
    def _on_params_reported(self, params: dict) -> None:
        self.params_reported.emit(params)


