"""Time series in the window (issue 12): validation on the end of the series,
a forecast past the end, no axis choice that does nothing."""

from __future__ import annotations

import numpy as np

import datasets
from algorithms import LinearRegression
from datasets.timeseries import forecast

from .conftest import TIMEOUT_MS


def test_time_series_validates_on_its_end_and_forecasts_past_it(qtbot, make_window):
    ds = datasets.make("time_series", n_samples=200, random_state=0)
    window = make_window(ds, LinearRegression(random_state=0, max_epochs=100_000))
    assert not window.dataset_panel.features_row.isVisibleTo(window)  # no Horizontal/Vertical
    # the validation rows are the latest ones
    trainer = window.controller._worker.state.trainer
    order = np.argsort(ds.time)
    n_val = len(trainer.val_index)
    assert n_val > 0
    assert set(trainer.val_index.tolist()) == set(order[-n_val:].tolist())
    view = window.current_data_view()
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == 1, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: view.forecast_item.getData()[0] is not None
                    and len(view.forecast_item.getData()[0]) == view.horizon_box.value() + 1, timeout=TIMEOUT_MS)
    model = window.controller._worker.state.model
    times, values = forecast(model, ds, view.horizon_box.value())
    x, y = view.forecast_item.getData()
    np.testing.assert_allclose(x[1:], times)
    np.testing.assert_allclose(y[1:], values, rtol=1e-4, atol=1e-4)  # the render process predicts in float32
    # a new horizon is a new spec: the forecast follows
    view.horizon_box.setValue(10)
    qtbot.waitUntil(lambda: len(view.forecast_item.getData()[0]) == 11, timeout=TIMEOUT_MS)
