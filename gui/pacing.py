"""How fast the training worker reports to the window, and when its epochs
are due: the arithmetic only (no Qt, no threads), so each rule is tested on
crafted costs.

Python threads share one interpreter lock, so the GUI thread's time in Qt
and pyqtgraph comes out of training time; the render process's time comes
out of the core the GUI thread also uses. Three rules keep that in check:

- reports at most every REPORT_INTERVAL (screen rate);
- the GUI thread's CPU time per frame (measured by the window, sent back with
  each acknowledgement) may take at most GUI_BUDGET of a core, except that
  the frame rate stays at MIN_FRAME_RATE as long as that takes at most
  GUI_MAX_BUDGET (measured on 2 cores, W2: ~31 frames/s, training in the
  window at 80-88% of its speed without the window);
- the render process's CPU time per frame may take at most OUTPUT_BUDGET of a
  core.

Slow motion (a speed in epochs per second) spaces epochs one period apart;
at up to screen rate every epoch gets a frame of its own. The "auto" speed
(the default) picks that speed per run: the epochs left, over ~15 s.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

#: shortest time between two reports: screen rate
REPORT_INTERVAL = 1.0 / 60.0
#: share of a core the render process may spend on reports' frames (beside
#: training, on the core the GUI thread also uses). When making them is
#: slower than this allows at screen rate, reports are spaced out.
OUTPUT_BUDGET = 0.4
#: share of one core the GUI thread may spend drawing reports. Every
#: millisecond the GUI spends in pyqtgraph's Python code is a millisecond
#: the worker cannot train, and each time it takes the lock back costs
#: training more (a hand-over between cores). The plots paint with the lock
#: released, so the GUI's CPU time overstates its share of the lock, but a
#: frame still costs training ~0.3% of its speed per frame per second
#: (measured, W2 on 2 cores: 93% at 10 frames/s, ~86% at 30, ~80% at 60);
#: hence a budget below the CPU time a frame takes on such a machine at 40
#: frames/s. When drawing a frame costs more than this allows at screen
#: rate, reports are spaced out.
GUI_BUDGET = 0.08
#: frames per second the GUI budget may not push the frame rate below (30,
#: what a person sees as smooth motion, aimed a little higher because reports
#: leave at epoch boundaries, a little after they are due) ...
MIN_FRAME_RATE = 32.0
#: ... as long as drawing them takes at most this share of a core
GUI_MAX_BUDGET = 0.3
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


@dataclass
class Pacing:
    """The measured costs of a frame and the report interval they allow.

    Attributes
    ----------
    gui_cost : float
        GUI-thread CPU seconds per frame (smoothed), from the acknowledgements.
    render_cost : float
        Render CPU seconds per frame (smoothed; the render process's, where
        it made the frame).
    render_wall : float
        Wall-clock seconds per frame of the render thread (smoothed).
    """

    gui_cost: float = 0.0
    render_cost: float = 0.0
    render_wall: float = 0.0

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

    def report_interval(self) -> float:
        """Seconds between reports: screen rate, or slower when the GUI's
        drawing would take more than GUI_BUDGET of a core (but not below
        MIN_FRAME_RATE for that, unless drawing would then take more than
        GUI_MAX_BUDGET), or the render process more than OUTPUT_BUDGET."""
        gui = self.gui_cost
        drawing = min(gui / GUI_BUDGET, max(1.0 / MIN_FRAME_RATE, gui / GUI_MAX_BUDGET))
        return max(REPORT_INTERVAL, drawing, self.render_cost / OUTPUT_BUDGET)


def next_epoch_due(previous_due: float, epochs_per_second: float, now: float) -> float:
    """Slow motion: the next epoch is due one period after the last one was
    due, never in the past (a late epoch does not cause a burst)."""
    return max(previous_due + 1.0 / epochs_per_second, now)


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
