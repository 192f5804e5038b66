"""How fast the training worker reports to the window, and when its epochs
are due: the arithmetic only (no Qt, no threads), so each rule is tested on
crafted costs.

What competes. Python threads share one interpreter lock, so the GUI
thread's time in Qt and pyqtgraph comes out of training time; the render
process (``gui.render_process``) makes each frame's pictures on whatever
core is free; other programs take cores too. So the pacing reads the
machine it runs on rather than constants tuned on one machine:

- its cores (:func:`usable_cores`) and how much of them other programs use
  lately (:class:`LoadMeter`: the machine's busy time less this app's);
- what a frame costs: the GUI thread's CPU time per frame (sent back with
  each acknowledgement) and the render process's;
- what training gets: the training thread's CPU time over its wall time
  while it runs epochs (its *share*: below 1 when it waits for the lock
  the GUI holds, or for a core another program holds).

Frames first. A person watching wants smooth motion before fast training,
so the rules are, in this order:

1. Reports go at least MIN_FRAME_RATE times a second (30 is smooth motion),
   unless a frame costs so much that this rate would take the GUI thread
   more than GUI_MAX_BUDGET of the lock or the render process more than
   RENDER_MAX_BUDGET of a core (a pathological view: then as many as those
   allow).
2. When frames are late because the render process has no core of its own,
   training steps aside for them: a frame handed to the render process and
   not made some time after stops training until it is made, or until the
   next report is due (:meth:`Pacing.frame_wait`). That time is steered
   frame by frame so that frames are on screen in time for the next report:
   earlier after a late frame, later after an early one, never later than
   the last moment from which the render process, given training's core,
   still makes it in time. When other programs keep the cores busy, the
   render process gets training's core for as long as the frame needs it,
   and training takes what is left (measured on 2 cores with one busy
   program, W2: 3-15 frames/s before, ~30 with this). On a machine whose
   spare cores carry the render process's CPU time (with a margin,
   RENDER_CORE_MARGIN) training never waits: it would not make frames come
   sooner, only training slower (measured on 2 idle cores, W2: 32 frames/s
   either way, training at ~55% of headless with waits, ~70% without).
3. Above that, up to screen rate (60), as long as (a) the cores no one else
   uses carry the frames' CPU time besides training's core, and (b)
   training keeps TRAINING_SHARE of its thread's time: the rate a machine
   allows is found by raising it while training keeps its share and
   lowering it when it does not (each frame costs training a bit of lock
   time: measured on 2 cores, W2: 93% of its speed at 10 frames/s, ~86% at
   30, ~80% at 60).

Slow motion (a speed in epochs per second) spaces epochs one period apart;
at up to screen rate every epoch gets a frame of its own. The "auto" speed
(the default) picks that speed per run: the epochs left, over ~15 s.
"""

from __future__ import annotations

import collections
import math
import os
import time
from dataclasses import dataclass, field

#: screen rate: reports never go more often than this ...
SCREEN_RATE = 60.0
#: ... i.e. this many seconds apart at the least
REPORT_INTERVAL = 1.0 / SCREEN_RATE
#: frames per second the pacing keeps whatever training loses (30, what a
#: person sees as smooth motion, aimed a little higher: on a busy machine
#: some frames come late) ...
MIN_FRAME_RATE = 32.0
#: ... as long as the GUI thread's drawing takes at most this share of a
#: core (of the lock) at that rate ...
GUI_MAX_BUDGET = 0.3
#: ... and the render process at most this share of a core
RENDER_MAX_BUDGET = 0.6
#: frames first (rule 2) applies while the cores other programs and training
#: leave carry less than this many times the render process's CPU time
RENDER_CORE_MARGIN = 1.2
#: frames first: the time a report's frame leaves besides the render
#: process's and the GUI thread's CPU time, for the worker to take the
#: acknowledgement at an epoch boundary and the threads to hand over
FRAME_MARGIN = 0.004
#: above MIN_FRAME_RATE, frames go faster only while training keeps this
#: share of its thread's wall time on the CPU (the rest it waits: for the
#: lock the GUI holds, or for a core). Headless on an idle machine it is
#: ~0.97; 0.9 keeps training in the window near 85% of its speed without.
TRAINING_SHARE = 0.9
#: the allowed rate above MIN_FRAME_RATE moves by this factor per measurement
#: of the training share (from 32 to 60 frames/s in ~7 measurements)
RATE_STEP = 1.1
#: seconds of training over which its share is measured, and between two
#: readings of the machine's load
MEASURE_SECONDS = 0.5
#: a frame's GUI cost above this is idle time or a person's interaction, not drawing
MAX_FRAME_COST = 0.1
#: window over which epochs per second are measured
RATE_WINDOW = 0.5
#: the "auto" speed: a run is spread over about this many seconds ...
AUTO = "auto"
AUTO_SECONDS = 15.0
#: ... at no fewer epochs per second than this (a run of 20 epochs still
#: shows each, in a few seconds)
AUTO_MIN_RATE = 4.0


def smoothed(previous: float, sample: float, weight: float) -> float:
    """Exponential smoothing: ``sample`` at first (``previous == 0``), then
    ``(1 - weight) * previous + weight * sample``."""
    return sample if previous == 0 else (1.0 - weight) * previous + weight * sample


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the system
    has one (Linux: a container or ``taskset`` may allow fewer than the
    machine has), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS, Windows
        return os.cpu_count() or 1


@dataclass
class Pacing:
    """The measured costs of a frame, what training gets, the machine, and
    the report interval and frames-first decision they give.

    Attributes
    ----------
    gui_cost : float
        GUI-thread CPU seconds per frame (smoothed), from the acknowledgements.
    render_cost : float
        Render CPU seconds per frame (smoothed; the render process's, where
        it made the frame).
    render_wall : float
        Wall-clock seconds per frame of the render thread (smoothed).
    render_cpu_total : float
        Render CPU seconds of all frames so far (for :class:`LoadMeter`).
    cores : float
        Cores the app may use (:func:`usable_cores`).
    others : float
        Cores' worth of CPU time other programs used lately (smoothed).
    training_share : float
        Training thread's CPU time over its wall time while it ran epochs
        (smoothed; 0 until measured).
    allowed_rate : float
        Frames per second rule 3(b) allows: raised while training keeps
        TRAINING_SHARE, lowered while it does not, within
        [MIN_FRAME_RATE, SCREEN_RATE].
    wait_start : float
        Seconds after a frame went to the renderer from which training waits
        for it (rule 2), steered by the time each frame took to the screen.
    stepped_aside : float
        Seconds training waited for late frames (rule 2), in all.
    """

    gui_cost: float = 0.0
    render_cost: float = 0.0
    render_wall: float = 0.0
    render_cpu_total: float = 0.0
    cores: float = field(default_factory=lambda: float(usable_cores()))
    others: float = 0.0
    training_share: float = 0.0
    allowed_rate: float = MIN_FRAME_RATE
    wait_start: float = math.inf  # until the first frame: the latest it can be
    stepped_aside: float = 0.0

    # -- measurements ------------------------------------------------------------
    def frame_drawn(self, gui_seconds: float | None) -> None:
        """The window drew a report in ``gui_seconds`` of GUI-thread CPU time
        (None: not measured, e.g. the first frame after a pause). Costs above
        MAX_FRAME_COST are capped: that is idle time or a person at work."""
        if gui_seconds is not None:
            self.gui_cost = smoothed(self.gui_cost, min(float(gui_seconds), MAX_FRAME_COST), 0.2)

    def frame_rendered(self, cpu_seconds: float, wall_seconds: float) -> None:
        """The render thread (or process) made a report's frames."""
        self.render_cost = smoothed(self.render_cost, cpu_seconds, 0.3)
        self.render_wall = smoothed(self.render_wall, wall_seconds, 0.3)
        self.render_cpu_total += cpu_seconds

    def frame_shown(self, latency: float) -> None:
        """A frame was on screen (its acknowledgement taken by the worker)
        ``latency`` seconds after it went to the renderer: steer when
        training steps aside (rule 2) by how much later or earlier than its
        deadline that was."""
        deadline, latest = self._frame_deadlines()
        start = min(self.wait_start, latest)
        self.wait_start = min(latest, max(0.0, start - (latency - deadline)))

    def training_measured(self, cpu_seconds: float, wall_seconds: float) -> None:
        """The training thread ran epochs for ``wall_seconds`` and was on a
        CPU for ``cpu_seconds`` of them (waits between epochs not counted):
        update its share, and move the allowed rate by one RATE_STEP, up
        while the share is at least TRAINING_SHARE, else down."""
        if wall_seconds <= 0:
            return
        self.training_share = smoothed(self.training_share, min(1.0, cpu_seconds / wall_seconds), 0.5)
        if self.training_share >= TRAINING_SHARE:
            self.allowed_rate = min(SCREEN_RATE, self.allowed_rate * RATE_STEP)
        else:
            self.allowed_rate = max(MIN_FRAME_RATE, self.allowed_rate / RATE_STEP)

    def training_stepped_aside(self, seconds: float) -> None:
        """Training waited ``seconds`` for a late frame (rule 2)."""
        self.stepped_aside += seconds

    def machine_measured(self, others: float) -> None:
        """Other programs used ``others`` cores' worth of CPU time lately."""
        self.others = smoothed(self.others, max(0.0, float(others)), 0.5)

    # -- decisions ---------------------------------------------------------------------
    def spare_cores(self) -> float:
        """Cores beyond training's own and what other programs use (may be
        negative: the machine is oversubscribed)."""
        return self.cores - self.others - 1.0

    def floor_rate(self) -> float:
        """Rule 1: the frames per second kept whatever training loses:
        MIN_FRAME_RATE, or fewer for frames so costly that this rate would
        take more than GUI_MAX_BUDGET of the lock or RENDER_MAX_BUDGET of a core."""
        rate = MIN_FRAME_RATE
        if self.gui_cost > 0:
            rate = min(rate, GUI_MAX_BUDGET / self.gui_cost)
        if self.render_cost > 0:
            rate = min(rate, RENDER_MAX_BUDGET / self.render_cost)
        return rate

    def core_rate(self) -> float:
        """Rule 3(a): the frames per second the spare cores carry (their CPU
        time per frame: the GUI thread's and the render process's)."""
        frame_cpu = self.gui_cost + self.render_cost
        if frame_cpu <= 0:
            return SCREEN_RATE
        return max(0.0, self.spare_cores()) / frame_cpu

    def frame_rate(self) -> float:
        """Frames per second wanted: the floor (rule 1), or more, up to
        screen rate, as far as spare cores and training's share allow (rule
        3), and never so many that the GUI thread's drawing would take more
        than GUI_MAX_BUDGET of the lock (spare cores do not make the lock
        any less shared)."""
        rate = max(self.floor_rate(), min(SCREEN_RATE, self.core_rate(), self.allowed_rate))
        return min(rate, GUI_MAX_BUDGET / self.gui_cost) if self.gui_cost > 0 else rate

    def report_interval(self) -> float:
        """Seconds between reports: 1 / frame_rate(), never below REPORT_INTERVAL."""
        return max(REPORT_INTERVAL, 1.0 / self.frame_rate())

    def frames_compete(self) -> bool:
        """Whether frames compete with training for a core (rule 2 applies):
        the spare cores carry less than RENDER_CORE_MARGIN times the render
        process's CPU time at the rate asked."""
        return self.spare_cores() < RENDER_CORE_MARGIN * self.render_cost * self.frame_rate()

    def frame_wait(self) -> tuple[float, float]:
        """Rule 2, frames first: ``(start, end)`` in seconds after a frame
        went to the renderer. If it is not made ``start`` seconds after, no
        epoch runs until it is, or until ``end``, the report interval (a
        frame later than that is late anyway, and training goes on).
        ``start`` is ``wait_start``, at most the latest useful moment (see
        ``_frame_deadlines``); infinite (never wait) while frames do not
        compete with training for a core (:meth:`frames_compete`)."""
        if not self.frames_compete():
            return math.inf, self.report_interval()
        return min(self.wait_start, self._frame_deadlines()[1]), self.report_interval()

    def _frame_deadlines(self) -> tuple[float, float]:
        """``(deadline, latest)`` after a frame went to the renderer: when it
        must be on screen for the next report to leave on time (the report
        interval less FRAME_MARGIN), and the last moment from which the
        render process, given training's core, and then the GUI thread
        still get it there by then (less their CPU time per frame)."""
        deadline = self.report_interval() - FRAME_MARGIN
        return deadline, max(0.0, deadline - self.render_cost - self.gui_cost)


class LoadMeter:
    """How many cores' worth of CPU time other programs used since the last
    reading: the busy time of this process's cores less this process's own
    CPU time and its render process's.

    Linux: from ``/proc/stat`` (the lines of the CPUs this process may run
    on). Elsewhere, from the 1-minute load average less this app's use
    (slower to follow, but the same meaning), and where there is none
    (Windows): no other programs.

    ``read_busy``, ``own_cpu`` and ``clock`` are injectable for tests:
    ``read_busy()`` returns ``(busy_seconds, total_seconds)`` summed over the
    usable CPUs, or None; ``own_cpu()`` this process's CPU seconds.
    """

    def __init__(self, read_busy=None, own_cpu=time.process_time, clock=time.monotonic,
                 load_average=None, cores: float | None = None) -> None:
        self._read_busy = proc_stat_reader() if read_busy is None else read_busy
        self._own_cpu = own_cpu
        self._clock = clock
        self._load_average = _load_average if load_average is None else load_average
        self._cores = float(usable_cores()) if cores is None else float(cores)
        self._last: tuple | None = None  # (time, busy, total, own CPU, child CPU)

    def sample(self, child_cpu: float) -> float | None:
        """Other programs' use in cores since the previous sample (None on
        the first, which only starts the count). ``child_cpu``: the render
        process's CPU seconds so far."""
        now, own = self._clock(), self._own_cpu()
        stat = self._read_busy() if self._read_busy is not None else None
        busy, total = stat if stat is not None else (None, None)
        last, self._last = self._last, (now, busy, total, own, child_cpu)
        if last is None or now <= last[0]:
            return None
        wall = now - last[0]
        ours = (own - last[3] + child_cpu - last[4]) / wall  # cores' worth
        return others_load(busy_delta=None if busy is None or last[1] is None else busy - last[1],
                           total_delta=None if total is None or last[2] is None else total - last[2],
                           cores=self._cores, ours=ours, load_average=self._load_average())


def others_load(busy_delta: float | None, total_delta: float | None, cores: float, ours: float,
                load_average: float | None) -> float:
    """Cores' worth of CPU other programs used: the busy share of the
    ``cores`` (``busy_delta / total_delta`` of their time, from the system's
    counters) less ``ours``; without counters, the ``load_average`` (runnable
    threads, ours included) less ``ours``; without either, 0. Never negative."""
    if busy_delta is not None and total_delta:
        used = cores * busy_delta / total_delta
    elif load_average is not None:
        used = load_average
    else:
        return 0.0
    return max(0.0, used - ours)


def proc_stat_reader():
    """A function returning ``(busy, total)`` jiffies of the CPUs this
    process may use, from ``/proc/stat``; None where there is no such file."""
    if not os.path.exists("/proc/stat"):
        return None
    try:
        allowed = {f"cpu{index}" for index in os.sched_getaffinity(0)}
    except (AttributeError, OSError):
        allowed = None

    def read() -> tuple[float, float] | None:
        try:
            with open("/proc/stat") as stat:
                lines = stat.readlines()
        except OSError:
            return None
        busy = total = 0.0
        for line in lines:
            name, *values = line.split()
            if not name.startswith("cpu") or name == "cpu" or (allowed is not None and name not in allowed):
                continue
            # user nice system idle iowait irq softirq steal: idle and iowait are free time
            ticks = [float(value) for value in values[:8]]
            total += sum(ticks)
            busy += sum(ticks) - ticks[3] - ticks[4]
        return (busy, total) if total else None

    return read


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows
        return None


def next_due(previous_due: float, period: float, now: float) -> float:
    """A beat: the next slow-motion epoch, or the next report, is due one
    ``period`` after the last one was due (a little late one does not delay
    the next), never in the past (a late one does not cause a burst)."""
    return max(previous_due + period, now)


def auto_rate(remaining_epochs: int, seconds: float = AUTO_SECONDS) -> float:
    """Epochs per second for the "auto" speed: the ``remaining_epochs`` to
    the limit spread over ``seconds``, so a run can be watched whatever its
    length (1,000 epochs: ~67 per second, about one per frame; 100,000:
    ~6,700 per second, as fast as most machines go), and never below
    AUTO_MIN_RATE."""
    return max(remaining_epochs / seconds, AUTO_MIN_RATE)


#: mini-batches run to learn what one costs, before the first is timed
PROBE_BATCHES = 16


def batches_per_piece(n_batches: int, batch_seconds: float) -> int:
    """How many of an epoch's ``n_batches`` mini-batches to run before the
    window may get a picture: all of them when the epoch is at most two
    frames long (REPORT_INTERVAL each), else about one frame's worth (at
    least 1). Before the cost of a batch is known (``batch_seconds`` 0), a
    long epoch starts with PROBE_BATCHES."""
    if batch_seconds <= 0:
        return min(n_batches, PROBE_BATCHES) if n_batches > 4 * PROBE_BATCHES else n_batches
    if n_batches * batch_seconds <= 2 * REPORT_INTERVAL:
        return n_batches
    return max(1, min(n_batches, int(REPORT_INTERVAL / batch_seconds)))


def frame_per_epoch(epochs_per_second: float | None) -> bool:
    """Whether every epoch gets a frame of its own: slow motion at up to
    screen rate (the next epoch then waits for the last one to be drawn)."""
    return epochs_per_second is not None and epochs_per_second * REPORT_INTERVAL <= 1.0


class RateMeter:
    """Epochs per second over the last RATE_WINDOW seconds."""

    def __init__(self, window: float = RATE_WINDOW) -> None:
        self.window = window
        self._marks: collections.deque = collections.deque()  # (time, epoch)

    def clear(self) -> None:
        self._marks.clear()

    def add(self, now: float, epoch: int) -> None:
        marks = self._marks
        marks.append((now, epoch))
        while len(marks) > 2 and now - marks[0][0] > self.window:
            marks.popleft()

    def rate(self) -> float:
        """Epochs per second between the oldest and newest mark (0 with
        fewer than two)."""
        if len(self._marks) < 2:
            return 0.0
        (t0, e0), (t1, e1) = self._marks[0], self._marks[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0
