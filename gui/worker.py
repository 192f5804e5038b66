"""The training worker: runs ``algorithms.Trainer`` epoch by epoch in its own
thread and reports to the GUI at screen rate.

Design
------
``TrainingController`` (GUI thread) owns a ``QThread`` and a ``TrainingWorker``
moved to it. The controller never calls the worker: it puts commands on a
thread-safe queue, and the worker's loop takes them between epochs, so every
command (play, pause, step, reset, live parameters, speed, new data, new
views) takes effect at the next epoch boundary, and the GUI thread never
waits.

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
pile up however fast training runs. Everything emitted is a fresh array the
worker never touches again (a ``Signal(object)`` hands the receiver the very
object emitted).

Frames. A report's pictures are made neither in the training thread nor in
the GUI thread. The window sends the worker the frame specs of its active
views (``configure(specs=...)``, see :mod:`gui.views.frame`); when a report
is due, the worker cuts the pending metrics, takes a snapshot of the model
(``model.snapshot()``: the parameter vector copied, microseconds) and hands
both to ``Renderer``, a second thread, and trains on. The renderer has every
spec's frame computed from the snapshot in a child process
(``gui.render_process``: in this interpreter its few dozen large NumPy calls
per frame would each take the interpreter lock back from the training
thread), puts them in ``report.frames`` (view id -> result) and emits the
report. So each frame shows its own epoch's model (what a GIF of the run
records), the loss curve still gets every epoch, there is still at most one
report in flight (from the snapshot until the GUI's ack), and the GUI thread
only hands finished arrays to its items.

Pacing: :mod:`gui.pacing` (how often reports go, when slow-motion epochs are
due, when training steps aside for a frame), fed with the GUI's and the
render process's measured costs, the training thread's share of the CPU
(its CPU time per epoch over the epoch's wall time) and the machine's load.
Frames first: when a frame handed to the renderer is late (the render
process did not get a core: other programs keep them busy), the training
thread runs no epoch until it is made (the renderer wakes it) or until the
next report is due, whichever comes first (``Pacing.frame_wait``).

Commands are numbered; a report carries the number of the last command
applied (``command_seq``), so the window can tell frames made for old specs
or old data (skipped) from current ones, and a stop decided before the latest
Play from one that ends it.
"""

from __future__ import annotations

import copy
import queue
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot

from algorithms import Trainer
from gui import pacing
from gui.render_process import RenderError, RenderProcess
from gui.timeline import TimelineStore, auto_every
from gui.views.frame import FrameComputer

#: how a report's message starts when the data or settings cannot be trained
#: at all (an empty canvas, one class): a notice, not a failure
CANNOT_TRAIN = "Cannot train"
#: the configure() fields
CONFIGURE_FIELDS = frozenset({"model", "transform", "X", "y", "keep_model", "specs", "split", "resume", "dtype"})


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
    epochs_per_second: float
    n_samples: int  # rows the trainer trains on (train + validation)
    stopped: str | None  # "max_epochs", "early_stopping", "diverged", "error" or None
    message: str | None  # the reason, for a person; with stopped=None: a notice
    generation: int = 0  # bumped on every new trainer (reset); epochs restart at 0
    classes: np.ndarray | None = None  # model.classes_ (probability columns), None for regression
    val_mask: np.ndarray | None = None  # (n,) bool, set when the split changed
    running: bool = False  # whether Play is on in the worker (not paused, not stepping)
    command_seq: int = 0  # number of the last command applied before this report
    frames: dict = field(default_factory=dict)  # view id -> that view's frame of this epoch's model
    auto_rate: float | None = None  # with speed "auto": the epochs per second it chose
    kept_epoch: int | None = None  # early stopping restored this epoch's parameters
    timeline: tuple | None = None  # the epochs with a checkpoint (gui.timeline), when they changed
    replay_epoch: int | None = None  # a replay: the frames show the model of this earlier epoch, no metrics
    epoch_limit: int = 0  # the epoch training stops at (Max epochs)


@dataclass
class RunCapture:
    """The worker's training state at one epoch boundary, for a session file
    (``TrainingController.capture_state``): copies the worker never touches again."""

    generation: int  # the trainer's generation (Report.generation)
    epoch: int  # epochs trained (0 without a trainer)
    model: object  # algorithms.state.model_state(model): (description, arrays); a ValueError if it cannot be stored
    trainer: tuple | None  # Trainer.state_dict(), None when nothing trains
    transform: object  # the FeatureTransform the model's inputs go through, or None
    command_seq: int  # the capture command's number: reports from it on show this epoch's curves


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
    """A report waiting for its frames: everything the render thread needs,
    none of it touched by the training thread again."""

    report: Report
    model: object | None  # a snapshot taken at the report's epoch; None: no frames
    data: tuple  # (X, y, transform): the rows the specs with ``rows`` read
    specs: dict  # view id -> FrameSpec


class Renderer:
    """The render thread: turns a report's model snapshot into the frames of
    the active views, then sends the report.

    The training thread hands over a job and goes straight back to training.
    The work itself is done by a :class:`~gui.render_process.RenderProcess`
    (started with the first job), so it takes neither the training thread's
    interpreter lock nor its core; this thread only pickles the snapshot and
    waits for the answer. Where no render process can be used (it could not
    start or died, or a job cannot be pickled, e.g. a spec defined in a
    function), the job is computed here instead, by the same
    ``FrameComputer``, which is correct but costs training more. One job at
    a time (the worker keeps at most one report in flight), in order.
    ``stop`` ends the thread and the process, killing a busy process.

    ``pacing`` receives each job's CPU time (the process's when it did the
    job) and wall-clock time; ``rendered`` is called (in the render thread)
    once a job's frames are made, before the report is sent; ``error``
    holds an exception a job raised (the worker takes it and stops training).
    """

    #: seconds ``stop`` waits for the job at hand before killing the process
    STOP_GRACE = 0.2

    def __init__(self, send, pacing_: pacing.Pacing, use_process: bool = True, rendered=None) -> None:
        self._send = send  # called with the finished report, in the render thread
        self._pacing = pacing_
        self._rendered = rendered
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._use_process = use_process
        self.process: RenderProcess | None = None
        self.error: BaseException | None = None
        self._computer = FrameComputer()  # the fallback, in this thread
        self._computer_inputs: tuple = (None, None)  # (data, specs) it was given
        self._stopping = False

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="render", daemon=True)
            self._thread.start()

    def submit(self, job: _RenderJob) -> None:
        self._jobs.put(job)

    def stop(self) -> None:
        """End the thread and the render process and wait for them
        (idempotent). A job still running after STOP_GRACE (a large network
        on a big grid, or a stopped child) is cut short by killing the child."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(self.STOP_GRACE)
            if self._thread.is_alive():
                self._stopping = True  # the job at hand ends without frames
                process = self.process
                if process is not None:
                    process.kill()  # its reply never comes: the wait ends with EOFError
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
                        self._pacing.frame_rendered(time.thread_time() - started + remote_cost,
                                                    time.perf_counter() - started_wall)
                except Exception as exc:  # noqa: BLE001 - shown to the person, training stops
                    self.error = exc.args[0] if isinstance(exc, RenderError) and isinstance(
                        exc.args[0], BaseException) else exc
                finally:
                    if job.model is not None and self._rendered is not None:
                        self._rendered()
                    try:
                        self._send(job.report)
                    except RuntimeError:  # the worker is gone (shutting down): nobody to tell
                        pass
        finally:
            if self.process is not None:
                self.process.close()

    def _render(self, job: _RenderJob) -> float:
        """Fill in the job's frames; returns the render process's CPU seconds
        (0 when computed here)."""
        process = self._ensure_process()
        if process is not None:
            try:
                job.report.frames = process.render(job.model, job.data, job.specs)
            except ValueError:
                pass  # not picklable: compute this one here
            except (OSError, EOFError):
                # The child is gone: say nothing, compute here from now on
                # (unless it was killed to stop: then nothing more is wanted).
                process.close()
                self.process, self._use_process = None, False
                if self._stopping:
                    return 0.0
            else:
                return process.last_cost
        computer = self._computer
        data, specs = self._computer_inputs
        if data is None or any(a is not b for a, b in zip(job.data, data)):
            computer.set_data(*job.data)
        if specs is not job.specs:
            computer.set_specs(job.specs)
        self._computer_inputs = (job.data, job.specs)
        job.report.frames = computer.compute(job.model)
        return 0.0

    def _ensure_process(self) -> RenderProcess | None:
        if self.process is None and self._use_process:
            try:
                self.process = RenderProcess()
            except (OSError, RuntimeError, ValueError):
                self._use_process = False  # e.g. no processes allowed here: compute in this thread
        return self.process


@dataclass
class WorkerState:
    """Everything the training worker knows, in one place (training thread only)."""

    # -- what to train ---------------------------------------------------------
    model: object = None  # the estimator the worker owns (None until configured)
    transform: object = None  # FeatureTransform its inputs go through, or None
    X: np.ndarray | None = None  # raw training rows, (n, d)
    y: np.ndarray | None = None  # their targets
    specs: dict = field(default_factory=dict)  # view id -> FrameSpec of the active views
    split: str | None = None  # the validation split: None (the model's rule) or "last" (a time series)
    resume: tuple | None = None  # Trainer.state_dict() the next trainer continues (model is fitted), once
    dtype: np.dtype | None = None  # the precision the model gets its rows in (None: as given)
    timeline: TimelineStore = field(default_factory=TimelineStore)  # checkpoints of this run, to replay
    replay: int | None = None  # the earlier epoch the window shows (None: the newest)
    replay_due: bool = False  # its frames are still to be sent
    trainer: Trainer | None = None  # the loop over the current model and data
    generation: int = 0  # bumped on every new trainer (reset): epochs restart at 0
    broken: bool = False  # the last trainer raised or diverged: Play starts afresh
    # -- what one batch of commands decided ---------------------------------------
    rebuild: str | None = None  # a reason to make a new trainer
    swap_data: bool = False  # Trainer.set_data with the new rows
    # -- how to train ----------------------------------------------------------------
    running: bool = False  # Play is on
    steps: int = 0  # epochs still to run for Step
    speed: float | str | None = None  # epochs per second, "auto" (see pacing.auto_rate) or None: max
    auto_rate: float | None = None  # the epochs per second "auto" chose for this run
    epoch_limit: int = 0  # the epoch the trainer stops at (max_epochs, counted from epoch 0)
    next_epoch_at: float = 0.0  # perf_counter() time the next slow-motion epoch is due
    frame_sent_at: float | None = None  # frames first: perf_counter() time a frame went to the renderer ...
    frame_wait: tuple = (0.0, 0.0)  # ... the (start, end) after it of training's wait if it is late ...
    stepped_aside_at: float | None = None  # ... and the time that wait began
    frame_out_at: float | None = None  # the time the frame in flight went to the renderer, until its ack
    # -- reporting -----------------------------------------------------------------
    in_flight: bool = False  # a report is out, not yet acknowledged
    force_report: bool = False  # report at once (a stop, a command), not at the next interval
    report_due_at: float = 0.0  # perf_counter() time the next report is due (on a beat: pacing.next_due)
    pending: dict = field(default_factory=_empty_metrics)  # metrics of the epochs not yet reported
    stopped: str | None = None  # why training stopped, for the next report
    message: str | None = None  # its sentence, or a notice
    val_mask_changed: bool = False  # the split changed: the next report carries it
    record_every: int | None = None  # recording: every epoch divisible by this gets a frame of its own
    record_hold: bool = False  # such an epoch was reached: no further epoch until its frame is drawn
    hold_reported: bool = False  # the held epoch's report is out
    kept_epoch: int | None = None  # early stopping restored this epoch, for the next report
    batch_seconds: float = 0.0  # wall-clock seconds a mini-batch takes (smoothed), 0 before the first
    batches_done: int = 0  # mini-batches of the epoch in progress already run
    moved: bool = False  # the parameters moved within an epoch since the last report
    frames_stale: bool = True  # the model or the specs changed since the last frames
    command_seq: int = 0  # number of the last command applied


class TrainingWorker(QObject):
    """Owns the model and its Trainer; lives in the training thread.

    Only ``run`` is called (by ``QThread.started``); everything else arrives
    through the command queue. Its state is one :class:`WorkerState`.
    """

    report_ready = Signal(object)  # Report
    params_reported = Signal(object)  # dict: the model's get_params() + "epoch"
    state_captured = Signal(object)  # RunCapture, answer to "capture"
    finished = Signal()

    def __init__(self, commands: queue.SimpleQueue) -> None:
        super().__init__()
        self._commands = commands
        self._alive = True
        self.state = WorkerState()
        self.pacing = pacing.Pacing()
        self._rate = pacing.RateMeter()
        # Frames are made by the renderer, from a snapshot of the model
        # (reused: its prediction buffers stay allocated).
        self._renderer = Renderer(self.report_ready.emit, self.pacing, rendered=self._on_rendered)
        self._snapshot = None
        # what training gets: its thread's CPU and wall time in epochs since
        # the last measurement, handed to the pacing every MEASURE_SECONDS
        self._load = pacing.LoadMeter()
        self._epochs_cpu = self._epochs_wall = 0.0
        self._measured_at = 0.0

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

    def _on_rendered(self) -> None:
        """In the render thread: a frame is made; wakes the training thread
        if it waits for it (frames first). Not numbered: no command of the
        GUI's."""
        self._commands.put((None, "rendered"))

    @property
    def output_cost(self) -> float:
        """CPU seconds a report's frames cost (smoothed; the render
        process's, where it made them)."""
        return self.pacing.render_cost

    @property
    def gui_cost(self) -> float:
        """GUI-thread CPU seconds per frame (smoothed), as the acks said."""
        return self.pacing.gui_cost

    @property
    def _model(self):
        """The model being trained (tests read it)."""
        return self.state.model

    @property
    def _epochs_per_second(self) -> float | None:
        """The pace now: the speed asked for, the rate "auto" chose, or None
        for as fast as possible."""
        state = self.state
        return state.auto_rate if state.speed == pacing.AUTO else state.speed

    def _plan_auto_rate(self) -> None:
        """For "auto": spread the epochs left to the limit over a watchable
        time (from now: after a Play, a new model, a raised limit)."""
        state = self.state
        if state.trainer is None:
            state.auto_rate = None
            return
        state.auto_rate = pacing.auto_rate(state.epoch_limit - int(state.trainer.epoch))

    def _training(self) -> bool:
        state = self.state
        return state.trainer is not None and (state.running or state.steps > 0)

    def _wait_time(self) -> float | None:
        """How long the next command wait may block: None = until a command."""
        state = self.state
        now = time.perf_counter()
        deadlines = []
        frame_wait = self._frame_wait_until(now)
        if frame_wait is not None:  # frames first: the renderer wakes us
            deadlines.append(frame_wait)
        elif self._training() and not state.record_hold:  # held: the ack (a command) wakes us
            if state.steps > 0 or self._epochs_per_second is None or state.trainer.in_epoch:
                return 0.0
            if not self._waiting_for_frame():  # else the ack wakes us
                deadlines.append(state.next_epoch_at)  # slow motion
        if self._report_wanted() and not state.in_flight:
            deadlines.append(state.report_due_at)
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
        state = self.state
        if not self._training() or state.record_hold or self._frame_wait_until(time.perf_counter()) is not None:
            return False
        if state.steps > 0 or self._epochs_per_second is None or state.trainer.in_epoch:
            return True
        return not self._waiting_for_frame() and time.perf_counter() >= state.next_epoch_at

    def _frame_wait_until(self, now: float) -> float | None:
        """Frames first: the time until which training waits for a late
        frame, or None (no frame being made, not late yet, or it waited to
        the end of its wait)."""
        state = self.state
        sent = state.frame_sent_at
        if sent is None:
            return None
        start, end = state.frame_wait
        if now >= sent + end or not self._training():
            self._frame_made(now)
            return None
        if now < sent + start:
            return None
        if state.stepped_aside_at is None:
            state.stepped_aside_at = now
        return sent + end

    def _frame_made(self, now: float) -> None:
        """The frame being made is done (or no longer waited for): training
        goes on, and the pacing learns how long it stepped aside."""
        state = self.state
        if state.stepped_aside_at is not None:
            self.pacing.training_stepped_aside(now - state.stepped_aside_at)
        state.frame_sent_at = state.stepped_aside_at = None

    def _waiting_for_frame(self) -> bool:
        """Slow motion at up to screen rate shows every epoch in a frame of
        its own: the next epoch waits until the last one's report is drawn
        (it would otherwise join it when drawing is slow, e.g. while the
        render process starts)."""
        state = self.state
        return pacing.frame_per_epoch(self._epochs_per_second) and (
            state.in_flight or bool(state.pending["epochs"]))

    # --- commands ------------------------------------------------------------
    def _handle(self, command: tuple) -> None:
        state = self.state
        seq, name, *args = command
        if name == "rendered":  # from the render thread
            self._frame_made(time.perf_counter())
            return
        state.command_seq = seq
        if name == "ack":
            now = time.perf_counter()
            state.in_flight = False
            self._frame_made(now)
            if state.frame_out_at is not None:
                self.pacing.frame_shown(now - state.frame_out_at)
                state.frame_out_at = None
            self.pacing.frame_drawn(args[0] if args else None)
            if state.hold_reported:  # the recorded epoch is on screen (and captured): go on
                state.record_hold = state.hold_reported = False
        elif name == "play":
            if state.replay is not None:
                state.replay, state.replay_due = None, False
                state.frames_stale = True
            self._prepare_to_train()
            state.running = state.trainer is not None
            self._plan_auto_rate()
            state.next_epoch_at = time.perf_counter()
        elif name == "pause":
            state.running = False
            state.steps = 0
            state.force_report = True
        elif name == "step":
            state.running = False
            self._prepare_to_train()
            if state.trainer is not None:
                state.steps += 1
        elif name == "speed":
            (speed,) = args
            state.speed = speed if speed in (None, pacing.AUTO) else float(speed)
            self._plan_auto_rate()
            state.next_epoch_at = time.perf_counter()
        elif name == "record":
            (every,) = args
            state.record_every = None if every is None else max(1, int(every))
            if state.record_every is None:
                state.record_hold = state.hold_reported = False
        elif name == "configure":
            self._configure(**args[0])
        elif name == "reset":
            state.rebuild = "reset"
        elif name == "params":
            (params,) = args
            if state.model is not None:
                state.model.set_params(**params)
                if "max_epochs" in params:
                    self._move_limit(int(params["max_epochs"]))
        elif name == "query":
            self._answer_query()
        elif name == "capture":
            self._capture()
        elif name == "replay":
            (epoch,) = args
            state.replay, state.replay_due = epoch, epoch is not None
            if epoch is None:  # the newest epoch again: fresh frames of it
                state.frames_stale = state.force_report = True
        elif name == "rewind":
            self._rewind(int(args[0]))
        elif name == "stop":
            self._alive = False

    def _configure(self, **fields) -> None:
        """Change what is trained, all at once (a model, its data and the
        views' specs that go together never meet a half-updated worker)."""
        state = self.state
        if "model" in fields:
            state.model, state.transform = fields["model"], fields.get("transform")
            state.resume = fields.get("resume")
            state.rebuild = "new model"
        if "X" in fields:
            state.X, state.y = fields["X"], fields["y"]
            keep = fields.get("keep_model", False)
            if keep and state.trainer is not None and not state.broken and state.rebuild is None:
                state.swap_data = True
            else:
                state.rebuild = state.rebuild or "new data"
        if "specs" in fields:
            state.specs = dict(fields["specs"] or {})
        if "split" in fields:
            state.split = fields["split"]
        if "dtype" in fields:
            dtype = None if fields["dtype"] is None else np.dtype(fields["dtype"])
            if dtype != state.dtype:
                state.dtype = dtype
                state.rebuild = state.rebuild or "new precision"
        state.frames_stale = True
        state.force_report = True

    def _prepare_to_train(self) -> None:
        """Before Play/Step: start afresh after an error or divergence (the
        parameters kept are finite but may sit on the edge of blowing up
        again). After a stop, go on to the limit if it lies ahead (early
        stopping, or a limit raised since), else for another ``max_epochs``
        epochs (the window raises Max epochs to match before it says Play)."""
        state = self.state
        if state.trainer is None or state.broken:
            state.rebuild = state.rebuild or "restart"
            self._apply_data_changes()
            return
        if state.trainer.done or state.trainer.epoch >= state.epoch_limit:
            epoch = int(state.trainer.epoch)
            limit = state.epoch_limit if state.epoch_limit > epoch else epoch + int(state.model.max_epochs)
            self._move_limit(limit)

    def _move_limit(self, limit: int) -> None:
        """The trainer stops at epoch ``limit`` from now on (Max epochs
        changed while training, or Play after a stop). A limit at or below
        the epoch reached stops training there."""
        state = self.state
        state.epoch_limit = limit
        trainer = state.trainer
        if trainer is None or state.broken:
            return
        epoch = int(trainer.epoch)
        if limit > epoch:
            try:
                trainer.extend(limit - epoch)
            except (RuntimeError, ValueError) as exc:
                self._fail(exc)
                return
            self._plan_auto_rate()
        elif state.running or state.steps:
            state.running = False
            state.steps = 0
            state.stopped = "max_epochs"
            state.message = f"Stopped at epoch {epoch}: Max epochs is {limit}."
            state.force_report = True

    def _apply_data_changes(self) -> None:
        state = self.state
        if state.rebuild is not None:
            self._new_trainer()
        elif state.swap_data:
            state.swap_data = False
            try:
                state.trainer.set_data(self._inputs(state.X), state.y)
            except ValueError as exc:
                self._new_trainer(notice=f"Model reset: the new data does not fit it ({exc}).")
            else:
                state.val_mask_changed = True
                state.frames_stale = True
                state.force_report = True

    def _inputs(self, X: np.ndarray) -> np.ndarray:
        """The model's input rows for raw rows ``X``: through the transform,
        in the precision asked for (the model computes in the dtype it is
        given)."""
        state = self.state
        inputs = state.transform.transform(X) if state.transform is not None else X
        return inputs if state.dtype is None else inputs.astype(state.dtype, copy=False)

    def _new_trainer(self, notice: str | None = None) -> None:
        """A new Trainer: fresh initial weights, epoch 0, a new generation."""
        state = self.state
        state.rebuild = None
        state.swap_data = False
        state.generation += 1
        state.pending = _empty_metrics()
        state.batch_seconds, state.batches_done = 0.0, 0
        state.moved = False
        self._rate.clear()
        state.trainer = None
        state.broken = False
        state.stopped = None
        state.kept_epoch = None  # the old run's early stop is not the new run's
        state.message = notice
        state.val_mask_changed = True
        state.frames_stale = True
        state.force_report = True
        resume, state.resume = state.resume, None
        if state.model is None or state.X is None:
            return
        if resume is not None:
            try:
                self._resume_trainer(resume)
                return
            except Exception as exc:  # noqa: BLE001 - the data do not fit the saved model: start afresh, say why
                state.message = f"The saved model could not continue ({exc}); it starts again from epoch 0."
        try:
            state.model = _fresh_model(state.model)
            state.trainer = self._make_trainer(state.model)
            state.epoch_limit = int(state.model.max_epochs)
            self._plan_auto_rate()
            self._start_timeline()
        except Exception as exc:  # bad data or parameters: say so, keep running
            state.trainer = None
            state.running = False
            state.steps = 0
            state.stopped = "error"
            state.message = f"{CANNOT_TRAIN}: {exc}"

    def _make_trainer(self, model, resume: tuple | None = None) -> Trainer:
        """The window's training loop over ``model`` and the current rows:
        the window's split asked for explicitly, and no per-epoch history
        (the loss view keeps the curves, within a bounded memory);
        ``resume``: as ``Trainer``'s."""
        state = self.state
        return Trainer(model, self._inputs(state.X), state.y, keep_history=False,
                       validation_fraction=model.validation_fraction, split=state.split, resume=resume)

    def _resume_trainer(self, resume: tuple) -> None:
        """Continue the fitted ``state.model`` where ``resume`` (a
        ``Trainer.state_dict()``) left it: the same epoch, limit, rows and
        stopping state, so the next epoch is the one the saved run would
        have trained. Raises when the model cannot continue on the data."""
        state = self.state
        description, arrays = resume
        state.trainer = self._make_trainer(state.model, resume=(dict(description), dict(arrays)))
        state.epoch_limit = int(description["limit"])
        state.broken = state.trainer.stop_reason == "diverged"
        self._plan_auto_rate()
        self._start_timeline()

    # --- the timeline: checkpoints to replay --------------------------------------
    def _start_timeline(self) -> None:
        """A new run: checkpoints at the recorder's automatic spacing for the
        epochs ahead, starting with the model as it is now."""
        state = self.state
        state.replay, state.replay_due = None, False
        trainer = state.trainer
        state.timeline.reset(auto_every(state.epoch_limit - int(trainer.epoch)))
        self._record_checkpoint(int(trainer.epoch), force=True)

    def _record_checkpoint(self, epoch: int, force: bool = False) -> None:
        from algorithms.state import checkpoint

        timeline = self.state.timeline
        if force or timeline.due(epoch):
            timeline.add(epoch, checkpoint(self.state.model), self.state.trainer.loop_state())

    def _rewind(self, epoch: int) -> None:
        """Train on from the checkpoint nearest ``epoch``: its parameters,
        optimiser state and random stream, the loop's count and stopping
        state then, the current rows. A new run for the window (a new
        generation), whose checkpoints up to that epoch stay."""
        from algorithms.state import from_checkpoint

        state = self.state
        trainer, entry = state.trainer, state.timeline.get(epoch)
        if trainer is None or entry is None or state.broken:
            return
        try:
            model = from_checkpoint(state.model, entry.checkpoint)
            rows = {"train_index": trainer.train_index, "val_index": trainer.val_index}
            rewound = self._make_trainer(model, resume=(dict(entry.loop), rows))
        except Exception as exc:  # noqa: BLE001 - e.g. the data changed so that the model no longer fits
            state.message = f"Cannot go back to epoch {entry.epoch}: {exc}"
            state.force_report = True
            return
        state.model, state.trainer = model, rewound
        state.generation += 1
        state.pending = _empty_metrics()
        self._rate.clear()
        state.stopped = state.kept_epoch = None
        state.message = f"Back to epoch {entry.epoch}: training goes on from there."
        state.replay, state.replay_due = None, False
        state.frames_stale = state.force_report = True
        state.timeline.truncate(entry.epoch)
        self._move_limit(max(state.epoch_limit, entry.epoch + 1))
        self._plan_auto_rate()

    def _send_replay(self, now: float) -> None:
        """The frames of the checkpoint the window wants to see (an earlier
        epoch), rendered like live frames; no metrics."""
        from algorithms.state import from_checkpoint

        state = self.state
        state.replay_due = False
        entry = state.timeline.get(state.replay)
        trainer = state.trainer
        if entry is None or trainer is None:
            return
        try:
            model = from_checkpoint(state.model, entry.checkpoint).snapshot(dtype=np.float32)
        except Exception as exc:  # noqa: BLE001 - shown to the person, training stops
            self._fail(exc)
            return
        empty = np.zeros(0)
        report = Report(
            epochs=np.zeros(0, dtype=np.int64), loss=empty, val_loss=empty, score=empty, val_score=empty,
            epoch=int(trainer.epoch), epochs_per_second=0.0,
            n_samples=len(trainer.train_index) + len(trainer.val_index), stopped=None, message=None,
            generation=state.generation, running=state.running, command_seq=state.command_seq,
            epoch_limit=state.epoch_limit, replay_epoch=entry.epoch,
        )
        state.in_flight = True
        state.report_due_at = pacing.next_due(state.report_due_at, self.pacing.report_interval(), now)
        self._renderer.submit(_RenderJob(report, model, (state.X, state.y, state.transform), state.specs))

    def _capture(self) -> None:
        """Answer "capture": the model's and the trainer's state now (at an
        epoch boundary), copied; the next report follows at once, so the
        window's curves reach this very epoch."""
        from algorithms.state import model_state

        state = self.state
        while state.trainer is not None and state.trainer.in_epoch and not state.broken:
            self._run_epoch()  # an epoch run in pieces is finished first: the state is that of an epoch's end
        trainer = state.trainer
        try:
            model = model_state(state.model) if state.model is not None else None
        except ValueError as exc:  # e.g. labels that cannot be stored without pickle
            model = exc
        capture = RunCapture(
            generation=state.generation,
            epoch=0 if trainer is None else int(trainer.epoch),
            model=model,
            trainer=None if trainer is None or state.broken else trainer.state_dict(),
            transform=state.transform,
            command_seq=state.command_seq,
        )
        state.force_report = True
        self.state_captured.emit(capture)

    def _answer_query(self) -> None:
        state = self.state
        params = {} if state.model is None else dict(state.model.get_params())
        params["epoch"] = 0 if state.trainer is None else int(state.trainer.epoch)
        params["generation"] = state.generation
        self.params_reported.emit(params)

    # --- epochs --------------------------------------------------------------
    def _run_epoch(self) -> None:
        """One epoch; or, when an epoch takes longer than a frame while
        training runs flat out, its next piece (as many mini-batches as fit
        in a frame): the views then move between its batches instead of
        waiting a whole epoch (100,000 rows, W2: 6.7 frames/s before)."""
        state, trainer = self.state, self.state.trainer
        continuing = trainer.in_epoch
        if continuing:
            pass  # the rest of an epoch already counted as started
        elif state.steps > 0:
            state.steps -= 1
            if state.steps == 0:
                state.force_report = True
        elif self._epochs_per_second is not None:
            state.next_epoch_at = pacing.next_due(state.next_epoch_at, 1.0 / self._epochs_per_second,
                                                  time.perf_counter())
        n_batches = trainer.n_batches
        count = n_batches
        if state.steps == 0 and state.speed in (None, pacing.AUTO) and n_batches > 1:
            count = pacing.batches_per_piece(n_batches, state.batch_seconds)
        started, started_cpu = time.perf_counter(), time.thread_time()
        try:
            record = trainer.step_batches(count) if count < n_batches or continuing else trainer.step()
        except Exception as exc:
            self._fail(exc)
            return
        now = time.perf_counter()
        self._measure(now - started, time.thread_time() - started_cpu, now)
        ran = count if record is None else n_batches - state.batches_done
        state.batch_seconds = pacing.smoothed(state.batch_seconds, (now - started) / max(1, ran), 0.3)
        state.frames_stale = True
        if record is None:  # a piece of an epoch: a picture of it, no new loss yet
            state.batches_done += count
            state.moved = True
            return
        state.batches_done = 0
        self._rate.add(now, record.epoch)
        if record.stop_reason != "diverged":  # a diverged epoch was undone: no point to plot
            self._record_checkpoint(record.epoch)
            pending = state.pending
            pending["epochs"].append(record.epoch)
            pending["loss"].append(record.loss)
            pending["val_loss"].append(_nan_if_none(record.val_loss))
            pending["score"].append(record.score)
            pending["val_score"].append(_nan_if_none(record.val_score))
        if state.record_every and record.epoch % state.record_every == 0:
            # A frame the recording wants: it is made from this very epoch's
            # model whatever the speed, and training waits until it is drawn.
            state.record_hold = True
            state.force_report = True
        if record.stop_reason is not None:
            state.running = False
            state.steps = 0
            state.stopped = record.stop_reason
            state.message = record.message
            state.broken = record.stop_reason == "diverged"
            if record.stop_reason == "early_stopping":
                state.kept_epoch = int(state.trainer.best_epoch)
            state.force_report = True

    def _measure(self, wall: float, cpu: float, now: float) -> None:
        """Count an epoch's wall and CPU time; every MEASURE_SECONDS, tell the
        pacing what training got and how busy the machine is."""
        self._epochs_wall += wall
        self._epochs_cpu += cpu
        if now - self._measured_at < pacing.MEASURE_SECONDS:
            return
        if self._measured_at:
            self.pacing.training_measured(self._epochs_cpu, self._epochs_wall)
        others = self._load.sample(self.pacing.render_cpu_total)
        if others is not None:
            self.pacing.machine_measured(others)
        self._measured_at = now
        self._epochs_cpu = self._epochs_wall = 0.0

    def _fail(self, exc: BaseException) -> None:
        """An exception in training: stop, tell the GUI, keep the thread alive."""
        state = self.state
        state.running = False
        state.steps = 0
        state.broken = True
        state.stopped = "error"
        state.message = f"Training stopped by an error: {type(exc).__name__}: {exc}"
        state.force_report = True

    # --- reports -------------------------------------------------------------
    def _report_wanted(self) -> bool:
        state = self.state
        return state.force_report or bool(state.pending["epochs"]) or state.moved

    def _maybe_report(self) -> None:
        state = self.state
        if state.replay_due and not state.in_flight:
            self._send_replay(time.perf_counter())
            return
        if state.in_flight or not self._report_wanted():
            return
        now = time.perf_counter()
        if not state.force_report and now < state.report_due_at:
            return
        self._send_report(now)

    def _send_report(self, now: float) -> None:
        """Cut the pending metrics into a report and hand it to the render
        thread with a snapshot of the model at this very epoch (when the
        model or the specs changed since the last frames): the render thread
        adds the frames and sends it, while training goes on."""
        state = self.state
        trainer, model = state.trainer, state.model
        snapshot = None
        if trainer is not None and state.frames_stale:
            if state.specs:
                try:
                    # Safe to overwrite: the previous job was acknowledged,
                    # so the render thread is done with it.
                    snapshot = self._snapshot = _snapshot(model, into=self._snapshot)
                except Exception as exc:  # noqa: BLE001 - shown to the person, training stops
                    self._fail(exc)
                else:
                    state.frames_stale = False
            else:
                state.frames_stale = False
        classes = np.array(model.classes_) if trainer is not None and hasattr(model, "classes_") else None
        val_mask = None
        if state.val_mask_changed and state.X is not None:
            val_mask = np.zeros(len(state.X), dtype=bool)
            if trainer is not None:
                val_mask[np.asarray(trainer.val_index, dtype=int)] = True
            state.val_mask_changed = False
        pending, state.pending = state.pending, _empty_metrics()
        report = Report(
            epochs=np.array(pending["epochs"], dtype=np.int64),
            loss=np.array(pending["loss"], dtype=float),
            val_loss=np.array(pending["val_loss"], dtype=float),
            score=np.array(pending["score"], dtype=float),
            val_score=np.array(pending["val_score"], dtype=float),
            epoch=0 if trainer is None else int(trainer.epoch),
            epochs_per_second=self._rate.rate() if self._training() else 0.0,
            n_samples=0 if trainer is None else len(trainer.train_index) + len(trainer.val_index),
            stopped=state.stopped,
            message=state.message,
            generation=state.generation,
            classes=classes,
            val_mask=val_mask,
            running=state.running,
            command_seq=state.command_seq,
            auto_rate=state.auto_rate if state.speed == pacing.AUTO else None,
            kept_epoch=state.kept_epoch,
            epoch_limit=state.epoch_limit,
            timeline=state.timeline.epochs() if state.timeline.changed else None,
        )
        state.timeline.changed = False
        state.stopped = state.message = state.kept_epoch = None
        state.force_report = state.moved = False
        if state.record_hold:
            state.hold_reported = True
        state.in_flight = True
        state.report_due_at = pacing.next_due(state.report_due_at, self.pacing.report_interval(), now)
        if snapshot is not None:  # frames first: training waits for it if it is late
            state.frame_sent_at, state.frame_wait = now, self.pacing.frame_wait()
        state.frame_out_at = now if snapshot is not None else None
        data = (state.X, state.y, state.transform)
        self._renderer.submit(_RenderJob(report, snapshot, data, state.specs))


class TrainingController(QObject):
    """The GUI thread's handle on the training thread.

    Every method returns at once: it queues a command the worker applies at
    its next epoch boundary. ``report_received`` is emitted (in the GUI
    thread) for every report; when its slots have returned, the controller
    acknowledges the report so the worker may send the next one.
    """

    report_received = Signal(object)  # Report
    params_reported = Signal(object)  # dict, answer to query_params()
    state_captured = Signal(object)  # RunCapture, answer to capture_state()

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
        self._worker.state_captured.connect(self._on_state_captured)
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
        specs -- the active views' frame specs (view id -> ``FrameSpec``, see
            :mod:`gui.views.frame`); reports carry their frames as
            ``frames``. Picklable specs are computed in the render process,
            others in the render thread.
        split -- how validation rows are chosen for the next trainer: None
            (random, stratified for classes) or "last" (the end of a time
            series: no future leaking into training).
        resume -- with ``model``: a fitted model (e.g. from a session file)
            and its ``Trainer.state_dict()``: training continues from that
            epoch, bit for bit, instead of from fresh weights (falling back
            to fresh weights, with a notice, when the data do not fit it).
        dtype -- the precision to train in ("float32", "float64" or a NumPy
            dtype; None: the rows' own): the model gets its rows in it and
            computes in it. A change resets.
        """
        unknown = set(fields) - CONFIGURE_FIELDS
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

    def set_speed(self, epochs_per_second: float | str | None) -> None:
        """Epochs per second, ``"auto"`` (the epochs left spread over a
        watchable time, :func:`gui.pacing.auto_rate`), or None for as fast
        as possible."""
        self._send("speed", epochs_per_second)

    def set_recording(self, every: int | None) -> None:
        """Recording: every epoch divisible by ``every`` is reported at once,
        with a frame of its own model, and training waits until the window
        has drawn it (so a recording at any speed holds the epochs it wants);
        None when not recording."""
        self._send("record", every)

    def replay(self, epoch: int | None) -> int:
        """Show the views as the model was at the recorded ``epoch`` (the
        nearest checkpoint: a report with ``replay_epoch`` and its frames),
        or, with None, at the newest epoch again."""
        return self._send("replay", epoch)

    def rewind(self, epoch: int) -> int:
        """Train on from the recorded ``epoch`` (its checkpoint): a new run
        for the window (a new generation) that starts at that epoch."""
        return self._send("rewind", epoch)

    def capture_state(self) -> int:
        """Ask the worker for its model's and trainer's state at the next
        epoch boundary (for a session file); the answer comes as
        ``state_captured`` (a :class:`RunCapture`), and a report follows it.
        Returns the command's number."""
        return self._send("capture")

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

    @Slot(object)
    def _on_state_captured(self, capture) -> None:
        self.state_captured.emit(capture)


