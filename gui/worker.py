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
controller queues an "ack" once the window has drawn it: its slots have
returned and the repaints they caused are done), so queued signals never
pile up however fast training runs. Everything emitted
is a fresh array the worker never touches again (a ``Signal(object)`` hands
the receiver the very object emitted).

The render thread and process. A report's pictures are made neither in the
training thread nor in the GUI thread: when a report is due, the worker cuts
the pending metrics, takes a snapshot of the model (``model.snapshot()``: the
parameter vector copied, microseconds) and hands both to ``Renderer``, a
second thread, and trains on. The renderer has the snapshot evaluated on the
view's grid (and the dataset rows when a view draws them) and the grid
outputs turned into the view's finished picture by the painter the view
supplied (for the decision surface: a ready 8-bit image and the 0.5
boundary), then emits the report. The work itself runs in a child process
(``gui.render_process``): in this interpreter its few dozen large NumPy
calls per frame would each take the interpreter lock back from the training
thread. So each frame shows its own epoch's model (what a GIF of the run
records), the loss curve still gets every epoch, there is still at most one
report in flight (from the snapshot until the GUI's ack), and the GUI thread
only hands finished arrays to its items.

Pacing. Python threads share one interpreter lock, so the GUI thread's time
in Qt and pyqtgraph comes out of training time. Three knobs keep that in
check:

- reports at most every REPORT_INTERVAL (screen rate);
- the ack carries the GUI thread's CPU time per frame; reports are spaced so
  that drawing takes at most GUI_BUDGET of a core, except that the frame
  rate stays at MIN_FRAME_RATE while that takes at most GUI_MAX_BUDGET
  (measured on 2 cores, W2: ~31 frames/s, training in the window at 80-88%
  of its speed without the window);
- the render CPU time per report is measured; reports are spaced so that it
  takes at most OUTPUT_BUDGET of a core (the second one, shared with the
  GUI thread). Every report of a changed model carries fresh outputs: each
  frame shows the picture of its epoch.

Commands are numbered; a report carries the number of the last command
applied (``command_seq``), so the window can tell outputs made for an old grid
or old data (skipped) from current ones, and a stop decided before the latest
Play from one that ends it.
"""

from __future__ import annotations

import collections
import copy
import queue
import threading
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot

from algorithms import Trainer
from gui.render_process import RenderError, RenderProcess, model_inputs, render_outputs

#: shortest time between two reports: screen rate
REPORT_INTERVAL = 1.0 / 60.0
#: share of a core the render process may spend on reports' outputs and
#: pictures (beside training, on the core the GUI thread also uses). When
#: making them is slower than this allows at screen rate, reports are spaced out.
OUTPUT_BUDGET = 0.4
#: share of one core the GUI thread may spend drawing reports. Python threads
#: share one interpreter lock: every millisecond the GUI spends in pyqtgraph's
#: Python code is a millisecond the worker cannot train, and each time it
#: takes the lock back costs training more (a hand-over between cores). The
#: plots paint with the lock released, so the GUI's CPU time now overstates
#: its share of the lock, but a frame still costs training ~0.3% of its
#: speed per frame per second (measured, W2 on 2 cores: 93% at 10 frames/s,
#: ~86% at 30, ~80% at 60); hence a budget below the CPU time a frame takes
#: on such a machine at 40 frames/s. When drawing a frame costs more than
#: this allows at screen rate, reports are spaced out.
GUI_BUDGET = 0.08
#: frames per second the GUI budget may not push the frame rate below (30,
#: what a person sees as smooth motion, aimed a little higher because reports
#: leave at epoch boundaries, a little after they are due) ...
MIN_FRAME_RATE = 32.0
#: ... as long as drawing them takes at most this share of a core
GUI_MAX_BUDGET = 0.3
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
    picture: object | None = None  # the view's picture of grid_output (a painter's result), or None


def _empty_metrics() -> dict[str, list]:
    return {"epochs": [], "loss": [], "val_loss": [], "score": [], "val_score": []}


def _nan_if_none(value) -> float:
    return float("nan") if value is None else float(value)


def _fresh_model(model):
    """An untrained model with the same hyperparameters (sklearn's clone)."""
    return type(model)(**model.get_params())


def _snapshot(model, into=None):
    """A copy of ``model`` for predicting in another thread, at float32
    (pictures need no more; twice as fast), reusing ``into`` when it can."""
    if hasattr(model, "snapshot"):
        return model.snapshot(into=into, dtype=np.float32)
    return copy.deepcopy(model)  # a model from elsewhere: slower, still independent


@dataclass
class _RenderJob:
    """A report waiting for its outputs: everything the render thread needs,
    none of it touched by the training thread again."""

    report: Report
    model: object | None  # a snapshot taken at the report's epoch; None: no outputs
    transform: object | None
    grid: np.ndarray | None  # raw-space grid points, or None
    X: np.ndarray | None  # dataset rows to predict, or None
    painter: object | None  # the view's picture maker for grid outputs, or None


class Renderer:
    """The render thread: turns a report's model snapshot into outputs on the
    grid (and rows) and the view's picture, then sends the report.

    The training thread hands over a job and goes straight back to training.
    The work itself is done by a :class:`~gui.render_process.RenderProcess`
    (started with the first job), so it takes neither the training thread's
    interpreter lock nor its core; this thread only pickles the snapshot and
    waits for the answer. Where no render process can be used (it could not
    start or died, or a job cannot be pickled, e.g. a painter defined in a
    function), the job is rendered here instead, which is correct but costs
    training more. One job at a time (the worker keeps at most one report in
    flight), in order. ``stop`` ends the thread and the process and waits
    for both.

    ``cost`` is the CPU time per job (smoothed; the process's when it did
    the job), for pacing, ``wall`` its wall-clock time; ``error`` an
    exception a job raised (the worker takes it and stops training).
    """

    def __init__(self, send, use_process: bool = True) -> None:
        self._send = send  # called with the finished report, in the render thread
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._use_process = use_process
        self.process: RenderProcess | None = None
        self.cost = 0.0
        self.wall = 0.0  # wall-clock seconds per job (smoothed): waits for the lock included
        self.error: BaseException | None = None
        # raw points -> model inputs, kept while the points and transform stay
        self._inputs: dict[str, tuple] = {}

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="render", daemon=True)
            self._thread.start()

    def submit(self, job: _RenderJob) -> None:
        self._jobs.put(job)

    def stop(self) -> None:
        """Finish the job at hand, end the thread and the render process and
        wait for them (idempotent)."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                started, started_wall = time.thread_time(), time.perf_counter()
                try:
                    if job.model is not None:
                        remote_cost = self._render(job)
                        cost = time.thread_time() - started + remote_cost
                        wall = time.perf_counter() - started_wall
                        self.cost = cost if self.cost == 0 else 0.7 * self.cost + 0.3 * cost
                        self.wall = wall if self.wall == 0 else 0.7 * self.wall + 0.3 * wall
                except Exception as exc:  # noqa: BLE001 - shown to the person, training stops
                    self.error = exc.args[0] if isinstance(exc, RenderError) and isinstance(
                        exc.args[0], BaseException) else exc
                finally:
                    try:
                        self._send(job.report)
                    except RuntimeError:  # the worker is gone (shutting down): nobody to tell
                        pass
        finally:
            if self.process is not None:
                self.process.close()

    def _render(self, job: _RenderJob) -> float:
        """Fill in the job's report; returns the render process's CPU seconds
        (0 when rendered here)."""
        report = job.report
        process = self._ensure_process()
        if process is not None:
            try:
                outputs = process.render(job.model, job.transform, job.grid, job.X, job.painter)
            except ValueError:
                pass  # not picklable: render this one here
            except (OSError, EOFError):
                # The child is gone: say nothing, render here from now on.
                process.close()
                self.process, self._use_process = None, False
            else:
                report.grid_output, report.sample_output, report.picture = outputs
                return process.last_cost
        grid_inputs = self._model_inputs("grid", job.grid, job.transform)
        row_inputs = self._model_inputs("rows", job.X, job.transform)
        report.grid_output, report.sample_output, report.picture = render_outputs(
            job.model, grid_inputs, row_inputs, job.painter)
        return 0.0

    def _ensure_process(self) -> RenderProcess | None:
        if self.process is None and self._use_process:
            try:
                self.process = RenderProcess()
            except (OSError, RuntimeError, ValueError):
                self._use_process = False  # e.g. no processes allowed here: render in this thread
        return self.process

    def _model_inputs(self, key: str, points, transform):
        """``transform.transform(points)``, cached: the grid changes only when
        the view does, the rows only with new data."""
        if points is None:
            return None
        cached = self._inputs.get(key)
        if cached is not None and cached[0] is points and cached[1] is transform:
            return cached[2]
        inputs = model_inputs(points, transform)
        self._inputs[key] = (points, transform, inputs)
        return inputs


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
        self._painter = None  # makes the view's picture from grid outputs (render thread)
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
        self._gui_cost = 0.0  # GUI-thread CPU seconds per frame, smoothed
        self._grid_stale = True  # the model changed since the last grid output
        self._rate_marks: collections.deque = collections.deque()
        self._command_seq = 0
        # Outputs and pictures are made by the renderer, from a snapshot
        # of the model (reused: its prediction buffers stay allocated).
        self._renderer = Renderer(self.report_ready.emit)
        self._snapshot = None

    # --- the loop ----------------------------------------------------------
    @Slot()
    def run(self) -> None:
        renderer = self._renderer
        try:
            renderer.start()
            while self._alive:
                try:
                    self._take_commands(self._wait_time())
                    if not self._alive:
                        break
                    if renderer.error is not None:
                        error, renderer.error = renderer.error, None
                        self._fail(error)
                    if self._epoch_due():
                        self._run_epoch()
                    self._maybe_report()
                except Exception as exc:  # noqa: BLE001 - e.g. a bad live parameter: say so, keep serving
                    self._fail(exc)
        finally:
            renderer.stop()  # never leave the render thread behind
            self.finished.emit()

    @property
    def output_cost(self) -> float:
        """CPU seconds a report's outputs and picture cost (smoothed; the
        render process's, where it made them)."""
        return self._renderer.cost

    @property
    def gui_cost(self) -> float:
        """GUI-thread CPU seconds per frame (smoothed), as the acks said."""
        return self._gui_cost

    def _training(self) -> bool:
        return self._trainer is not None and (self._running or self._steps > 0)

    def _wait_time(self) -> float | None:
        """How long the next command wait may block: None = until a command."""
        now = time.perf_counter()
        deadlines = []
        if self._training():
            if self._steps > 0 or self._epochs_per_second is None:
                return 0.0
            if not self._waiting_for_frame():  # else the ack (a command) wakes us
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
        return not self._waiting_for_frame() and time.perf_counter() >= self._next_epoch_at

    def _waiting_for_frame(self) -> bool:
        """Slow motion at up to screen rate shows every epoch in a frame of
        its own: the next epoch waits until the last one's report is drawn
        (it would otherwise join it when drawing is slow, e.g. while the
        render process starts)."""
        return (self._epochs_per_second is not None and self._epochs_per_second * REPORT_INTERVAL <= 1.0
                and (self._in_flight or bool(self._pending["epochs"])))

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
            # a grid and the painter for it go together: a new grid without
            # one sends outputs only (the view colours them itself)
            self._grid = fields["grid"]
            self._painter = fields.get("painter")
        elif "painter" in fields:
            self._painter = fields["painter"]
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
        return model_inputs(X, self._transform)

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
            self._trainer = Trainer(self._model, self._inputs(self._X), self._y, keep_history=False)  # bounded memory
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
        would take more than GUI_BUDGET of a core (but not below
        MIN_FRAME_RATE for that, unless drawing would then take more than
        GUI_MAX_BUDGET), or the render process's outputs and pictures more
        than OUTPUT_BUDGET of a core."""
        gui = self._gui_cost
        drawing = min(gui / GUI_BUDGET, max(1.0 / MIN_FRAME_RATE, gui / GUI_MAX_BUDGET))
        return max(REPORT_INTERVAL, drawing, self._renderer.cost / OUTPUT_BUDGET)

    def _send_report(self, now: float) -> None:
        """Cut the pending metrics into a report and hand it to the render
        thread with a snapshot of the model at this very epoch (when the
        model changed since the last picture): the render thread adds the
        outputs and picture and sends it, while training goes on."""
        classes = None
        trainer, model = self._trainer, self._model
        snapshot = None
        grid = self._grid if self._need_grid else None
        rows = self._X if self._need_samples else None
        if trainer is not None and self._grid_stale:
            if grid is not None or rows is not None:
                try:
                    # Safe to overwrite: the previous job was acknowledged,
                    # so the render thread is done with it.
                    snapshot = self._snapshot = _snapshot(model, into=self._snapshot)
                except Exception as exc:  # noqa: BLE001 - shown to the person, training stops
                    self._fail(exc)
                else:
                    self._grid_stale = False
            else:
                self._grid_stale = False
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
            grid_output=None,  # the render thread's part
            sample_output=None,
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
        self._renderer.submit(_RenderJob(report, snapshot, self._transform, grid, rows, self._painter))


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
        painter -- with grid: a callable ``painter(proba, classes)`` (pure
            NumPy, e.g. ``views.SurfacePainter``; picklable to run in the render
            process, else run in the render thread) on
            classifier outputs on the grid; reports carry its result as
            ``picture``. A grid sent without one gets outputs only.
        need_grid, need_samples -- which outputs the views draw.
        """
        unknown = set(fields) - {"model", "transform", "X", "y", "keep_model", "grid", "painter", "need_grid",
                                 "need_samples"}
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
        # (painted at the end of this slot: the previous report) and anything else the GUI
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
            # Paint what the report changed now (Qt paints with the
            # interpreter lock released), then acknowledge: the worker
            # snapshots the model and the render process starts on the next
            # picture once this frame is on screen, not while the GUI thread
            # still paints on the core the render process would use.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)
            self._send("ack", gui_seconds)

    @Slot(object)
    def _on_params_reported(self, params: dict) -> None:
        self.params_reported.emit(params)


