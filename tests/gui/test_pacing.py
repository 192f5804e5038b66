"""The pacing rules (gui.pacing), on crafted costs: no Qt, no threads."""

from __future__ import annotations

import pytest

from gui import pacing
from gui.pacing import Pacing, RateMeter, frame_per_epoch, next_epoch_due


@pytest.mark.parametrize("gui_ms, render_ms, expected_ms", [
    (1.0, 1.0, 1000 / 60),          # cheap frames: screen rate
    (3.0, 1.0, 3.0 / 0.12),          # within the budget: 40 frames/s
    (6.0, 1.0, 1000 / 32),           # over the budget: still MIN_FRAME_RATE ...
    (15.0, 1.0, 15.0 / 0.3),         # ... unless that would take over GUI_MAX_BUDGET
    (1.0, 20.0, 20.0 / 0.4),         # the render process's budget
])
def test_report_pacing_trades_frames_for_training_within_budgets(monkeypatch, gui_ms, render_ms, expected_ms):
    monkeypatch.setattr(pacing, "GUI_BUDGET", 0.12)
    monkeypatch.setattr(pacing, "GUI_MAX_BUDGET", 0.3)
    monkeypatch.setattr(pacing, "MIN_FRAME_RATE", 32.0)
    monkeypatch.setattr(pacing, "OUTPUT_BUDGET", 0.4)
    rules = Pacing(gui_cost=gui_ms / 1000, render_cost=render_ms / 1000)
    assert rules.report_interval() * 1000 == pytest.approx(expected_ms)


def test_costs_are_smoothed_and_a_long_gui_frame_is_capped():
    rules = Pacing()
    rules.frame_drawn(0.004)
    assert rules.gui_cost == pytest.approx(0.004)  # the first sample as it is
    rules.frame_drawn(0.014)
    assert rules.gui_cost == pytest.approx(0.8 * 0.004 + 0.2 * 0.014)
    rules.frame_drawn(None)  # not measured: no change
    assert rules.gui_cost == pytest.approx(0.8 * 0.004 + 0.2 * 0.014)
    before = rules.gui_cost
    rules.frame_drawn(5.0)  # a person dragging a window: counted as MAX_FRAME_COST
    assert rules.gui_cost == pytest.approx(0.8 * before + 0.2 * pacing.MAX_FRAME_COST)
    rules.frame_rendered(0.010, 0.012)
    rules.frame_rendered(0.020, 0.030)
    assert rules.render_cost == pytest.approx(0.7 * 0.010 + 0.3 * 0.020)
    assert rules.render_wall == pytest.approx(0.7 * 0.012 + 0.3 * 0.030)


def test_slow_motion_schedule_never_bursts_after_a_late_epoch():
    assert next_epoch_due(10.0, 4.0, now=10.1) == pytest.approx(10.25)
    # late by a second: the next epoch is due now, not four at once
    assert next_epoch_due(10.0, 4.0, now=11.3) == pytest.approx(11.3)
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
