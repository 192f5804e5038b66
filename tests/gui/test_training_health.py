"""Training health in the window (issue 12): a banner above the loss curves
says, in plain words and with the numbers, what looks wrong with the run;
healthy runs show none."""

from __future__ import annotations

import datasets
from algorithms import NeuralNetwork
from gui.views.training_health import HealthSpec, TrainingHealth

from .conftest import TIMEOUT_MS


def health(window) -> TrainingHealth:
    return next(view for view in window.presenter.side_views("status") if view.view_id == "training_health")


def spiral():
    return datasets.make("spiral", n_samples=300, noise=0.1, random_state=0)


def test_a_healthy_default_run_shows_no_banner(qtbot, make_window):
    window = make_window(spiral(), NeuralNetwork(random_state=0, max_epochs=400))
    window.toolbar.max_button.click()
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == 400 and not window.controller.is_running, timeout=TIMEOUT_MS)
    view = health(window)
    assert view.findings() == []
    assert not view.widget.isVisibleTo(window)


def test_an_exploding_run_is_named_with_its_evidence_before_it_is_nan(qtbot, make_window):
    model = NeuralNetwork(activation="relu", optimizer="sgd", learning_rate=10.0, random_state=0, max_epochs=200)
    window = make_window(spiral(), model)
    window.toolbar.max_button.click()
    window.toolbar.play_action.trigger()
    view = health(window)
    qtbot.waitUntil(lambda: "exploding" in (view.widget.property("kinds") or []), timeout=TIMEOUT_MS)
    assert view.widget.isVisibleTo(window)
    text = view.widget.label.text()
    assert "learning rate 10 is too high" in text and "the loss grew from" in text
    # the loss was still finite: training had not stopped as diverged
    assert window._last_stop != "diverged"
    qtbot.waitUntil(lambda: "dead_units" in (view.widget.property("kinds") or []), timeout=TIMEOUT_MS)
    assert "dead" in view.widget.label.text()


def test_a_dismissed_finding_stays_away_until_training_starts_again(qtbot, make_window):
    model = NeuralNetwork(activation="relu", optimizer="sgd", learning_rate=10.0, random_state=0, max_epochs=60)
    window = make_window(spiral(), model)
    window.toolbar.max_button.click()
    window.toolbar.play_action.trigger()
    view = health(window)
    qtbot.waitUntil(lambda: view.widget.isVisibleTo(window), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=TIMEOUT_MS)
    view.widget._on_close_clicked()
    assert not view.widget.isVisibleTo(window)
    window.presenter.history_changed({"loss": window.loss_view.data("loss")}, 0)
    assert not view.widget.isVisibleTo(window)
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        window.reset()
    assert view.findings() == []


def test_the_health_spec_checks_units_on_a_sample_of_the_rows():
    ds = spiral()
    model = NeuralNetwork(activation="relu", optimizer="sgd", learning_rate=10.0, l2=0.0, random_state=0,
                          max_epochs=40).fit(ds.X, ds.y)
    from gui.views.frame import FrameComputer

    computer = FrameComputer()
    computer.set_data(ds.X, ds.y, None)
    computer.set_specs({"health": HealthSpec(10.0)})
    findings = computer.compute(model.snapshot())["health"]
    kinds = {finding.kind for finding in findings}
    assert "dead_units" in kinds
