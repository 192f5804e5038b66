"""A run to be watched (issue 12): the Auto speed by default, Max one click
away and kept, Max epochs that mean what they say, and why training stopped
kept on the status line."""

from __future__ import annotations

import numpy as np
import pytest

import datasets
from algorithms import NeuralNetwork
from gui import pacing
from gui.panels.toolbar import TrainingToolbar

from .conftest import TIMEOUT_MS
from .test_window import select_source


def test_auto_spreads_a_run_over_a_watchable_time():
    assert pacing.auto_rate(1000) == pytest.approx(1000 / pacing.AUTO_SECONDS)
    assert 10 <= 1000 / pacing.auto_rate(1000) <= 20
    assert pacing.auto_rate(100_000) == pytest.approx(100_000 / pacing.AUTO_SECONDS)
    assert pacing.auto_rate(10) == pacing.AUTO_MIN_RATE  # a short run still shows every epoch


def test_the_speed_control_offers_auto_a_slider_and_max(qtbot):
    bar = TrainingToolbar()
    qtbot.addWidget(bar)
    chosen = []
    bar.speed_changed.connect(chosen.append)
    assert bar.speed() == pacing.AUTO and bar.auto_button.isChecked() and not bar.max_button.isChecked()
    bar.show_auto_rate(66.7)
    assert bar.speed_label.text() == "auto: 67/s"
    bar.max_button.click()  # one click
    assert bar.speed() is None and chosen == [None] and bar.speed_label.text() == "max"
    assert not bar.auto_button.isChecked()
    bar.speed_slider.setValue(3)
    assert bar.speed() == 10 and chosen[-1] == 10
    assert not bar.auto_button.isChecked() and not bar.max_button.isChecked()
    bar.auto_button.click()
    assert bar.speed() == pacing.AUTO and chosen[-1] == pacing.AUTO


def test_a_new_window_trains_at_auto_speed(qtbot, make_window):
    ds = datasets.make("spiral", n_samples=200, noise=0.1, random_state=0)
    window = make_window(ds, NeuralNetwork(random_state=0, max_epochs=600))
    assert window.toolbar.speed() == pacing.AUTO
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch >= 3, timeout=TIMEOUT_MS)
    state = window.controller._worker.state
    assert state.auto_rate == pytest.approx(600 / pacing.AUTO_SECONDS, rel=0.05)
    assert "auto: 40/s" in window.toolbar.speed_label.text()


def test_max_is_kept_through_new_data(qtbot, window):
    window.toolbar.max_button.click()
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        select_source(window, "moons")
    assert window.toolbar.speed() is None
    qtbot.waitUntil(lambda: window.controller._worker.state.speed is None, timeout=TIMEOUT_MS)


def test_play_after_max_epochs_trains_max_epochs_more_and_the_field_says_so(qtbot, make_window):
    ds = datasets.make("moons", n_samples=100, noise=0.1, random_state=0)
    window = make_window(ds, NeuralNetwork(hidden_layers=(4,), random_state=0, max_epochs=30))
    window.toolbar.max_button.click()
    shown = []
    status = window.statusBar()
    original = status.showMessage

    def spy(text, timeout=0):
        shown.append((text, timeout))
        original(text, timeout)

    status.showMessage = spy
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == 30 and not window.controller.is_running, timeout=TIMEOUT_MS)
    stop_text, stop_timeout = next(entry for entry in reversed(shown) if "max_epochs" in entry[0])
    assert "Press Play to train 30 more epochs" in stop_text
    assert stop_timeout == 0  # stays until something else happens
    field = window.model_panel.form().fields["max_epochs"]
    generation = window._generation
    window.toolbar.play_action.trigger()
    assert field.value() == 60
    qtbot.waitUntil(lambda: window.epoch == 60 and not window.controller.is_running, timeout=TIMEOUT_MS)
    assert window._generation == generation  # trained on, no reset
    assert window.controller._worker.state.trainer.epoch == 60


def test_max_epochs_moves_while_training_without_a_reset(qtbot, make_window):
    ds = datasets.make("moons", n_samples=100, noise=0.1, random_state=0)
    window = make_window(ds, NeuralNetwork(hidden_layers=(4,), random_state=0, max_epochs=100_000))
    window.toolbar.set_speed(200)
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch >= 20, timeout=TIMEOUT_MS)
    generation = window._generation
    field = window.model_panel.form().fields["max_epochs"]
    field.spin.setValue(window.epoch + 30)  # as the person types it
    limit = field.value()
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=TIMEOUT_MS)
    assert window._generation == generation
    qtbot.waitUntil(lambda: window.epoch == limit, timeout=TIMEOUT_MS)
    # lowered below the epoch reached: training stops there, and says why
    window.toolbar.play_action.trigger()  # raises it by another (limit) epochs
    assert field.value() == 2 * limit
    qtbot.waitUntil(lambda: window.epoch >= limit + 5, timeout=TIMEOUT_MS)
    field.spin.setValue(5)
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=TIMEOUT_MS)
    assert "Max epochs is 5" in window.statusBar().currentMessage()
    assert window._generation == generation


def test_the_loss_chart_marks_what_happened(qtbot, make_window):
    ds = datasets.make("moons", n_samples=150, noise=0.2, random_state=0)
    model = NeuralNetwork(hidden_layers=(8,), random_state=0, max_epochs=100_000, early_stopping=True, patience=10)
    window = make_window(ds, model)
    # slow enough that the live change lands well before early stopping
    # (~130 epochs) even when a loaded machine delays the GUI thread
    window.toolbar.set_speed(150)
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch >= 5, timeout=TIMEOUT_MS)
    window.model_panel.form().fields["learning_rate"].spin.setValue(0.05)  # live
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=3 * TIMEOUT_MS)  # early stopping
    marks = window.loss_view.marks.marks
    texts = [text for _, text in marks]
    assert "lr 0.01→0.05" in texts
    kept = [epoch for epoch, text in marks if text.startswith("kept epoch")]
    assert len(kept) == 1
    assert f"kept the parameters of epoch {int(kept[0])}" in window.statusBar().currentMessage()
    # each mark is a dashed line at its epoch and a label
    path = window.loss_view.marks.lines.path()
    assert path.elementCount() == 2 * len(marks)
    assert [path.elementAt(2 * i).x for i in range(len(marks))] == [epoch for epoch, _ in marks]
    window.toolbar.play_action.trigger()  # on past the early stop
    assert texts + ["trained on"] == [text for _, text in window.loss_view.marks.marks]
    window.pause()  # (else the new model may stop early before its first report: marks of its own)
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        window.reset()
    assert window.loss_view.marks.marks == []


def test_an_edit_of_the_data_is_marked_once_per_burst(qtbot, make_window):
    ds = datasets.make("moons", n_samples=100, noise=0.1, random_state=0)
    window = make_window(ds, NeuralNetwork(hidden_layers=(4,), random_state=0, max_epochs=100_000))
    window.toolbar.set_speed(200)
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch >= 5, timeout=TIMEOUT_MS)
    for extra in range(3):  # a stroke: several edits in a row
        more = datasets.Dataset(np.vstack([window.dataset.X, [[0.1 * extra, 0.0]]]), np.append(window.dataset.y, 1),
                                "classification", ds.feature_names, ds.class_names, ds.name)
        window.set_dataset(more, keep_model=True)
    assert [text for _, text in window.loss_view.marks.marks] == ["data edited"]
