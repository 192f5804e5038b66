"""The pacing rules (gui.pacing), on crafted costs and machines: no Qt, no threads."""

from __future__ import annotations

import math
import os

import pytest

from gui import pacing
from gui.pacing import LoadMeter, Pacing, RateMeter, frame_per_epoch, next_due, others_load


def rules(gui_ms=4.0, render_ms=10.0, cores=2.0, others=0.0, **fields) -> Pacing:
    """A Pacing that measured these costs (ms of CPU per frame) on a machine
    of ``cores`` where other programs use ``others`` cores."""
    return Pacing(gui_cost=gui_ms / 1000, render_cost=render_ms / 1000, cores=cores, others=others, **fields)


def keep_share(rules_: Pacing, share: float, times: int = 20) -> Pacing:
    for _ in range(times):
        rules_.training_measured(cpu_seconds=share * 0.5, wall_seconds=0.5)
    return rules_


# -- rule 1: the floor, whatever training loses -------------------------------------
@pytest.mark.parametrize("gui_ms, render_ms, expected", [
    (4.0, 10.0, 32.0),             # a W2 frame on 2 cores: MIN_FRAME_RATE
    (15.0, 10.0, 0.3 / 0.015),     # a GUI frame this costly would take over 30% of the lock at 32/s
    (4.0, 25.0, 0.6 / 0.025),      # a render this costly would take over 60% of a core
])
def test_the_floor_is_min_frame_rate_unless_frames_are_pathologically_costly(gui_ms, render_ms, expected):
    busy = rules(gui_ms, render_ms, cores=2, others=1.0)  # no core to spare: the floor it is
    assert busy.floor_rate() == pytest.approx(expected)
    assert busy.frame_rate() == pytest.approx(expected)
    assert busy.report_interval() == pytest.approx(1 / expected)


def test_spare_cores_do_not_let_costly_gui_frames_take_more_of_the_lock():
    # 4 idle cores carry 150 frames/s of these, but 15 ms of GUI time a frame
    # at more than 20 a second would hold the lock over 30% of the time
    idle = keep_share(rules(gui_ms=15.0, render_ms=5.0, cores=4), share=0.95)
    assert idle.core_rate() == pytest.approx(150.0)
    assert idle.frame_rate() == pytest.approx(0.3 / 0.015)


def test_a_busy_machine_keeps_the_floor_however_little_training_gets():
    busy = keep_share(rules(cores=2, others=1.0), share=0.4)  # training waits more than it runs
    assert busy.allowed_rate == pacing.MIN_FRAME_RATE
    assert busy.frame_rate() == pacing.MIN_FRAME_RATE


# -- rule 2: frames first --------------------------------------------------------------
def test_training_waits_for_a_frame_only_once_it_would_be_late():
    # W2 on 2 cores: 32 frames/s, 10 ms of render CPU and 4 of GUI a frame.
    # A render process with a core of its own has the frame drawn ~16 ms
    # after it is handed over; training waits only for a frame not made
    # 13.25 ms after (31.25 - 4 - 10 - 4), which the render process, given
    # training's core, and the GUI thread still get on screen in time for
    # the next report (at 31.25 ms).
    start, end = rules(gui_ms=4.0, render_ms=10.0, cores=2, others=1.0).frame_wait()
    assert end == pytest.approx(1 / 32)
    assert start == pytest.approx(1 / 32 - pacing.FRAME_MARGIN - 0.010 - 0.004)
    # a render of 25 ms: the floor is 24 frames/s (60% of a core), and a
    # frame is late after 41.7 - 4 - 25 - 8 ms
    start, end = rules(gui_ms=8.0, render_ms=25.0, cores=2, others=1.0).frame_wait()
    assert end == pytest.approx(1 / 24)
    assert start == pytest.approx(1 / 24 - pacing.FRAME_MARGIN - 0.033)


def test_the_wait_is_steered_by_how_late_frames_reach_the_screen():
    busy = rules(gui_ms=4.0, render_ms=10.0, cores=2, others=1.0)
    deadline = 1 / 32 - pacing.FRAME_MARGIN  # 27.25 ms: on screen by then, the next report leaves on time
    latest = deadline - 0.010 - 0.004
    assert busy.frame_wait()[0] == pytest.approx(latest)
    busy.frame_shown(deadline + 0.00475)  # 4.75 ms late: wait that much earlier
    assert busy.frame_wait()[0] == pytest.approx(latest - 0.00475)
    busy.frame_shown(0.060)  # far too late: wait from the start
    assert busy.frame_wait()[0] == 0.0
    # the other program stopped: frames on screen in 16 ms, so the wait moves
    # later by the 11.25 ms to spare, and no later than the latest
    busy.frame_shown(0.016)
    assert busy.frame_wait()[0] == pytest.approx(deadline - 0.016)
    busy.frame_shown(0.016)
    assert busy.frame_wait()[0] == pytest.approx(latest)


def test_training_never_waits_while_spare_cores_carry_the_render_process():
    # W2 on 2 idle cores: 32 frames/s of 10 ms renders need 0.32 of a core
    # (0.384 with the margin); 0.97 is spare: no wait, whatever the steering
    idle = rules(gui_ms=4.0, render_ms=10.0, cores=2, others=0.03)
    idle.frame_shown(0.060)
    assert not idle.frames_compete()
    assert idle.frame_wait() == (math.inf, pytest.approx(1 / 32))
    # 4 idle cores at screen rate: 0.6 of a core (0.72) of the 3 spare
    fast = keep_share(rules(gui_ms=4.0, render_ms=10.0, cores=4), share=0.95)
    assert fast.frame_rate() == pacing.SCREEN_RATE
    assert fast.frame_wait() == (math.inf, pytest.approx(1 / 60))
    # another program takes 0.7 of a core: 0.3 spare is short of 0.384, and
    # training waits for a frame not made by the latest useful moment
    shared = rules(gui_ms=4.0, render_ms=10.0, cores=2, others=0.7)
    assert shared.frames_compete()
    assert shared.frame_wait() == (pytest.approx(1 / 32 - pacing.FRAME_MARGIN - 0.014), pytest.approx(1 / 32))
    # a single core has nothing spare
    assert rules(cores=1).frames_compete()


def test_time_stepped_aside_adds_up():
    measured = rules()
    measured.training_stepped_aside(0.004)
    measured.training_stepped_aside(0.006)
    assert measured.stepped_aside == pytest.approx(0.010)


# -- rule 3: up to screen rate when the machine has the cores ------------------------------
def test_frames_rise_to_screen_rate_while_training_keeps_its_share():
    idle = rules(cores=4)
    assert idle.frame_rate() == pacing.MIN_FRAME_RATE  # until training's share is known
    rates = []
    for _ in range(10):
        keep_share(idle, share=0.95, times=1)
        rates.append(idle.frame_rate())
    assert rates[0] == pytest.approx(pacing.MIN_FRAME_RATE * pacing.RATE_STEP)
    assert rates == sorted(rates) and rates[-1] == pacing.SCREEN_RATE
    assert idle.report_interval() == pytest.approx(pacing.REPORT_INTERVAL)


def test_frames_fall_back_when_training_loses_its_share_and_rise_again():
    machine = keep_share(rules(cores=4), share=0.95)
    assert machine.frame_rate() == pacing.SCREEN_RATE
    machine.training_measured(cpu_seconds=0.3, wall_seconds=0.5)  # the GUI's lock time now costs training 40%
    assert machine.training_share == pytest.approx(0.5 * 0.95 + 0.5 * 0.6)  # smoothed
    assert machine.frame_rate() == pytest.approx(pacing.SCREEN_RATE / pacing.RATE_STEP)
    keep_share(machine, share=0.6)
    assert machine.frame_rate() == pacing.MIN_FRAME_RATE  # never below the floor for it
    keep_share(machine, share=0.95)
    assert machine.frame_rate() == pacing.SCREEN_RATE


def test_frames_above_the_floor_only_as_far_as_the_spare_cores_carry_them():
    # 2 cores, other programs using half of one: 0.5 spare cores over 14 ms
    # of CPU a frame carry 35.7 frames/s, however well training does
    half = keep_share(rules(gui_ms=4.0, render_ms=10.0, cores=2.0, others=0.5), share=0.95)
    assert half.spare_cores() == pytest.approx(0.5)
    assert half.core_rate() == pytest.approx(0.5 / 0.014)
    assert half.frame_rate() == pytest.approx(0.5 / 0.014)
    # with no core to spare the floor remains
    assert keep_share(rules(cores=2.0, others=1.5), share=0.95).frame_rate() == pacing.MIN_FRAME_RATE


def test_measurements_update_the_costs_smoothly():
    measured = Pacing(cores=2.0)
    measured.frame_drawn(0.004)
    assert measured.gui_cost == pytest.approx(0.004)  # the first sample as it is
    measured.frame_drawn(0.014)
    assert measured.gui_cost == pytest.approx(0.8 * 0.004 + 0.2 * 0.014)
    measured.frame_drawn(None)  # not measured: no change
    assert measured.gui_cost == pytest.approx(0.8 * 0.004 + 0.2 * 0.014)
    before = measured.gui_cost
    measured.frame_drawn(5.0)  # a person dragging a window: counted as MAX_FRAME_COST
    assert measured.gui_cost == pytest.approx(0.8 * before + 0.2 * pacing.MAX_FRAME_COST)
    measured.frame_rendered(0.010, 0.012)
    measured.frame_rendered(0.020, 0.030)
    assert measured.render_cost == pytest.approx(0.7 * 0.010 + 0.3 * 0.020)
    assert measured.render_wall == pytest.approx(0.7 * 0.012 + 0.3 * 0.030)
    assert measured.render_cpu_total == pytest.approx(0.030)
    measured.machine_measured(1.0)
    measured.machine_measured(0.0)
    assert measured.others == pytest.approx(0.5)
    measured.machine_measured(-0.2)  # a counter's rounding: never negative
    assert measured.others == pytest.approx(0.25)
    measured.training_measured(cpu_seconds=0.6, wall_seconds=0.5)  # clock granularity: at most 1
    assert measured.training_share == 1.0
    measured.training_measured(cpu_seconds=0.0, wall_seconds=0.0)  # nothing ran: no change
    assert measured.training_share == 1.0


def test_a_new_pacing_takes_the_cores_this_process_may_use(monkeypatch):
    assert Pacing().cores == pacing.usable_cores() >= 1
    if hasattr(os, "sched_getaffinity"):
        assert pacing.usable_cores() == len(os.sched_getaffinity(0))
    monkeypatch.setattr(pacing, "usable_cores", lambda: 3)
    assert Pacing().cores == 3.0


# -- the machine's load ---------------------------------------------------------------------
class FakeMachine:
    def __init__(self) -> None:
        self.now, self.busy, self.total, self.own = 100.0, 0.0, 0.0, 0.0

    def advance(self, seconds: float, busy_cores: float, own_cores: float, cores: int = 2) -> None:
        self.now += seconds
        self.busy += busy_cores * seconds * 100  # jiffies, 100 per second per core
        self.total += cores * seconds * 100
        self.own += own_cores * seconds


def test_the_load_meter_counts_other_programs_from_the_cpu_counters():
    machine = FakeMachine()
    meter = LoadMeter(read_busy=lambda: (machine.busy, machine.total), own_cpu=lambda: machine.own,
                      clock=lambda: machine.now, load_average=lambda: 99.0, cores=2)
    assert meter.sample(child_cpu=0.0) is None  # the first reading starts the count
    # one second: the machine busy 1.8 cores, this process 0.5, its render process 0.3 s
    machine.advance(1.0, busy_cores=1.8, own_cores=0.5)
    assert meter.sample(child_cpu=0.3) == pytest.approx(1.0)
    machine.advance(0.5, busy_cores=0.6, own_cores=0.6)  # only us
    assert meter.sample(child_cpu=0.3) == pytest.approx(0.0)


def test_the_load_meter_falls_back_on_the_load_average_and_then_on_nothing():
    clock = iter([0.0, 1.0, 2.0, 3.0])
    own = iter([0.0, 0.5, 1.0, 1.5])
    meter = LoadMeter(read_busy=lambda: None, own_cpu=lambda: next(own), clock=lambda: next(clock),
                      load_average=lambda: 2.2, cores=2)
    meter.sample(0.0)
    assert meter.sample(0.0) == pytest.approx(2.2 - 0.5)
    assert others_load(None, None, cores=2, ours=0.5, load_average=None) == 0.0  # Windows: no figure
    assert others_load(150.0, 200.0, cores=2, ours=2.0, load_average=None) == 0.0  # never negative


def test_the_cpu_counters_of_this_machine_read():
    read = pacing.proc_stat_reader()
    if read is None:
        pytest.skip("no /proc/stat here")
    busy, total = read()
    assert 0 <= busy <= total


# -- slow motion and the rate readout -----------------------------------------------------------
def test_the_beat_of_epochs_and_reports_never_bursts_after_a_late_one():
    # 4 epochs per second
    assert next_due(10.0, 0.25, now=10.1) == pytest.approx(10.25)
    # late by a second: the next epoch is due now, not four at once
    assert next_due(10.0, 0.25, now=11.3) == pytest.approx(11.3)
    # a report 2 ms late at 32 per second: the next one is due on the beat
    assert next_due(10.0, 1 / 32, now=10.002) == pytest.approx(10.03125)
    assert frame_per_epoch(20.0) and frame_per_epoch(60.0)
    assert not frame_per_epoch(61.0) and not frame_per_epoch(None)


def test_rate_meter_measures_over_its_window():
    meter = RateMeter(window=0.5)
    assert meter.rate() == 0.0
    meter.add(0.0, 0)
    assert meter.rate() == 0.0
    for step in range(1, 11):
        meter.add(step * 0.1, step * 100)  # 1000 epochs/s
    assert meter.rate() == pytest.approx(1000.0)
    meter.add(1.1, 1000)  # a pause of 0.1 s: the window only holds the last 0.5 s
    assert meter.rate() == pytest.approx((1000 - 600) / (1.1 - 0.6))
    meter.clear()
    assert meter.rate() == 0.0


def test_a_long_epoch_is_cut_into_pieces_of_about_a_frame():
    from gui.pacing import PROBE_BATCHES, REPORT_INTERVAL, batches_per_piece

    # short epochs run whole
    assert batches_per_piece(100, 0.0001) == 100            # 10 ms: under two frames
    assert batches_per_piece(1, 1.0) == 1                   # one batch cannot be cut
    # a long epoch: about one frame's worth of batches
    assert batches_per_piece(12_500, 0.0004) == int(REPORT_INTERVAL / 0.0004)
    assert batches_per_piece(1000, 0.5) == 1                # a batch longer than a frame: one at a time
    # the first epoch of a big dataset starts with a probe, not a whole epoch
    assert batches_per_piece(12_500, 0.0) == PROBE_BATCHES
    assert batches_per_piece(20, 0.0) == 20
