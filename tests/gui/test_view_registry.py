"""The view registry: a view is one file plus one registry line. Checked
with the registry's own views (the weights histogram, added that way) and
with a view defined here and put in the registry by the test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

import datasets
from algorithms import LogisticRegression, NeuralNetwork
from gui.views import registry
from gui.views.frame import FrameComputer, FrameSpec, View
from gui.views.weights_histogram import WeightsHistogram, WeightsSpec

from .conftest import TIMEOUT_MS


def test_view_ids_are_unique_and_every_view_says_where_it_goes():
    ids = [view.view_id for view in registry.VIEWS]
    assert len(ids) == len(set(ids))
    assert all(view.slot in ("data", "side", "status") and view.title for view in registry.VIEWS)


@pytest.mark.parametrize("name", list(datasets.GENERATORS))
def test_every_generated_dataset_gets_exactly_one_data_view(name):
    ds = datasets.make(name, n_samples=60, random_state=0)
    data_views = [view for view in registry.VIEWS if view.slot == "data" and view.option is None
                  and view.applies_to(ds, NeuralNetwork())]
    assert len(data_views) >= 1


def test_the_weights_histogram_is_each_layers_weights():
    ds = datasets.make("spiral", n_samples=200, random_state=0)
    model = NeuralNetwork(hidden_layers=(8, 4), max_epochs=30, random_state=0).fit(ds.X, ds.y)
    frame = WeightsSpec(bins=21).compute(model.snapshot(), None)
    limit = max(np.abs(w).max() for w in model.coefs_)
    np.testing.assert_allclose(frame.edges, np.linspace(-limit, limit, 22))
    assert frame.shapes == ((2, 8), (8, 4), (4, 1))
    for layer, weights in enumerate(model.coefs_):
        expected = np.histogram(weights, frame.edges)[0] / weights.size
        np.testing.assert_allclose(frame.shares[layer], expected, atol=1e-7)
        assert frame.shares[layer].sum() == pytest.approx(1.0)


def test_the_weights_histogram_applies_to_networks_with_hidden_layers_only():
    ds = datasets.make("moons", n_samples=50, random_state=0)
    assert WeightsHistogram.applies_to(ds, NeuralNetwork(hidden_layers=(4,)))
    assert not WeightsHistogram.applies_to(ds, NeuralNetwork(hidden_layers=()))
    assert not WeightsHistogram.applies_to(ds, LogisticRegression())


def test_the_window_shows_the_weights_tab_and_feeds_it_frames(qtbot, window):
    tabs = window.side_tabs
    assert window.secondary_box.isVisibleTo(window)
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Network", "Weights", "How it learns"]
    view = next(v for v in window.presenter.side_views() if v.view_id == "weights_histogram")
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == 1, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not view._curves[0].path().isEmpty(), timeout=TIMEOUT_MS)
    assert [curve.isVisible() for curve in view._curves[:4]] == [True, True, True, False]
    # a logistic regression has no hidden layer: the tab goes, the specs with it
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        window.model_panel.model_combo.setCurrentIndex(window.model_panel.model_combo.findData("logistic"))
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Network", "Equation", "Loss landscape", "How it learns"]
    assert "weights_histogram" not in window.presenter.specs()


# -- a view added by a test: one class, one registry entry ------------------------------


@dataclass(frozen=True)
class MeanProbabilitySpec(FrameSpec):
    """The mean predicted probability of each class over the rows."""

    rows: bool = True

    def compute(self, model, inputs):
        return inputs.rows_output(model).mean(axis=0)


class MeanProbability(View):
    view_id = "mean_probability"
    title = "Mean probability"
    slot = "side"
    shown: list = []

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.task == "classification"

    def create_widget(self):
        from PySide6.QtWidgets import QLabel

        return QLabel("no frame yet")

    def spec(self):
        return MeanProbabilitySpec()

    def show_frame(self, result) -> None:
        self.shown.append(result)
        self.widget.setText(" ".join(f"{p:.3f}" for p in result))


def test_a_new_view_is_one_class_and_one_registry_entry(qtbot, make_window, monkeypatch):
    monkeypatch.setattr(registry, "VIEWS", (*registry.VIEWS, MeanProbability))
    MeanProbability.shown = []
    ds = datasets.make("moons", n_samples=120, noise=0.1, random_state=0)
    window = make_window(ds, NeuralNetwork(hidden_layers=(4,), random_state=0, max_epochs=1000))
    tabs = window.side_tabs
    assert "Mean probability" in [tabs.tabText(i) for i in range(tabs.count())]
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == 1 and len(MeanProbability.shown) >= 2, timeout=TIMEOUT_MS)
    # the frame is the model's, computed in the render process from the epoch's snapshot
    model = window.controller._worker.state.model
    np.testing.assert_allclose(MeanProbability.shown[-1], model.predict_proba(ds.X).mean(axis=0), atol=1e-5)


def test_the_frame_computer_runs_the_new_view_like_the_render_process():
    ds = datasets.make("moons", n_samples=80, random_state=0)
    model = LogisticRegression(max_epochs=3).fit(ds.X, ds.y)
    computer = FrameComputer()
    computer.set_data(ds.X, ds.y, None)
    computer.set_specs({"mean_probability": MeanProbabilitySpec()})
    frames = computer.compute(model)
    np.testing.assert_allclose(frames["mean_probability"], model.predict_proba(ds.X).mean(axis=0))
