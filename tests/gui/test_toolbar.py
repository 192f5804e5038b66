"""The training toolbar's readouts."""

from __future__ import annotations

from gui.panels import toolbar as toolbar_module
from gui.panels.toolbar import RATE_REFRESH, TrainingToolbar


def test_the_rate_readout_changes_a_few_times_a_second_and_shows_a_stop_at_once(qtbot, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(toolbar_module.time, "monotonic", lambda: clock[0])
    bar = TrainingToolbar()
    qtbot.addWidget(bar)
    assert bar.rate_label.text() == "0.0 epochs/s"

    bar.set_rate(1234.4)
    assert bar.rate_label.text() == "1,234 epochs/s"
    clock[0] += RATE_REFRESH / 10  # the next frame: too soon to change the number
    bar.set_rate(987.0)
    assert bar.rate_label.text() == "1,234 epochs/s"
    clock[0] += RATE_REFRESH
    bar.set_rate(987.0)
    assert bar.rate_label.text() == "987 epochs/s"
    clock[0] += RATE_REFRESH / 10
    bar.set_rate(0.0)  # paused or stopped: says so at once
    assert bar.rate_label.text() == "0.0 epochs/s"
    bar.set_rate(5.5)  # and a restart shows its first figure at once too
    assert bar.rate_label.text() == "5.5 epochs/s"


def test_the_epoch_counter_follows_every_frame(qtbot):
    bar = TrainingToolbar()
    qtbot.addWidget(bar)
    for epoch in (1, 2, 1500, 1501):
        bar.set_epoch(epoch)
        assert bar.epoch_label.text() == f"Epoch {epoch:,}"
