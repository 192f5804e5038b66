"""TensorFlow Playground's toggles in the window: "Discretize" (the
predicted class in flat colour), "Validation points" on/off, and L1 live
like L2. Each must change the pixels on screen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

import datasets
from algorithms import LinearRegression, NeuralNetwork
from gui.views.colors import PALETTE, SURFACE_MAX_TINT
from gui.views.grid import GridSpec
from gui.views.surface import SurfacePainter

from .conftest import TIMEOUT_MS
from .test_views import grab


def test_discrete_picture_is_flat_class_colour_with_the_same_boundary():
    grid = GridSpec((-1.0, 1.0), (-1.0, 1.0), 4, 2)
    proba1 = np.array([0.1, 0.45, 0.55, 0.9, 0.2, 0.4, 0.6, np.nan])
    proba = np.column_stack([1 - proba1, proba1])
    soft = SurfacePainter(grid)(proba, np.array([0, 1]))
    flat = SurfacePainter(grid)(proba, np.array([0, 1]), discrete=True)
    full = [np.round(255 + SURFACE_MAX_TINT * (np.array(PALETTE[code]) - 255)) for code in (0, 1)]
    rgb = flat.bgra.reshape(-1, 4)[:, 2::-1]  # B, G, R -> R, G, B
    winners = [0, 0, 1, 1, 0, 0, 1]
    for point, code in enumerate(winners):
        np.testing.assert_array_equal(rgb[point], full[code])
    np.testing.assert_array_equal(rgb[7], [255, 255, 255])  # NaN stays white
    assert not np.array_equal(soft.bgra, flat.bgra)  # the unsure points were pale
    for a, b in zip(soft.boundary, flat.boundary):
        np.testing.assert_array_equal(a, b)


def data_pixels(window) -> np.ndarray:
    return grab(window.current_data_view()).astype(int)


def wait_for_new_pixels(qtbot, window, before, what):
    qtbot.waitUntil(lambda: np.abs(data_pixels(window) - before).sum() > 0, timeout=TIMEOUT_MS)
    return data_pixels(window)


def step(qtbot, window, epochs=1):
    target = window.epoch + epochs
    for _ in range(epochs):
        window.step()
    qtbot.waitUntil(lambda: window.epoch >= target, timeout=TIMEOUT_MS)


def drawn(qtbot, window) -> None:
    """Wait until the window has drawn the worker's last report (acknowledged it)."""
    qtbot.waitUntil(lambda: not window.controller._worker.state.in_flight, timeout=TIMEOUT_MS)


def test_discretize_flattens_the_surface_on_screen(qtbot, window):
    step(qtbot, window, 3)
    drawn(qtbot, window)
    before = data_pixels(window)
    window.toolbar.discrete_action.trigger()
    assert window.presenter.specs()["decision_surface"].discrete
    after = wait_for_new_pixels(qtbot, window, before, "discrete")
    # the surface now has at most as many colours as classes (plus points, text and lines)
    surface = window.current_data_view()
    changed = np.abs(after - before).sum(axis=2) > 0
    assert changed.mean() > 0.2  # most of the plane changed colour
    window.toolbar.discrete_action.trigger()
    assert not window.presenter.specs()["decision_surface"].discrete
    back = wait_for_new_pixels(qtbot, window, after, "soft")
    assert np.abs(back - before).sum() < np.abs(after - before).sum() / 10
    assert surface is window.current_data_view()


def test_hiding_validation_points_changes_the_pixels(qtbot, window):
    view = window.current_data_view()
    before = data_pixels(window)
    assert any(item.isVisible() for item in view.validation_items)
    window.toolbar.validation_action.trigger()  # off
    qtbot.waitUntil(lambda: not any(item.isVisible() for item in view.validation_items), timeout=TIMEOUT_MS)
    after = data_pixels(window)
    assert (np.abs(after - before).sum(axis=2) > 0).sum() > 500  # 60 hollow points and the legend entry
    window.toolbar.validation_action.trigger()  # on again
    qtbot.waitUntil(lambda: any(item.isVisible() for item in view.validation_items), timeout=TIMEOUT_MS)
    assert np.array_equal(data_pixels(window), before)


def test_hiding_validation_points_in_a_regression_view(qtbot, make_window):
    data = datasets.make("sine", n_samples=200, noise=0.1, random_state=0)
    window = make_window(data, LinearRegression(random_state=0))
    view = window.presenter.data_view()
    shown_before = window.current_data_view().points.count()
    before = data_pixels(window)
    window.toolbar.validation_action.trigger()
    qtbot.waitUntil(lambda: window.current_data_view().points.count() < shown_before,
                    timeout=TIMEOUT_MS)
    assert window.current_data_view().points.count() == 160  # the 40 held out are gone
    assert view.hide_validation
    qtbot.waitUntil(lambda: np.abs(data_pixels(window) - before).sum() > 0, timeout=TIMEOUT_MS)


def test_l1_is_live_in_the_window_and_changes_the_picture(qtbot, make_window):
    data = datasets.make("moons", n_samples=200, noise=0.1, random_state=0)
    window = make_window(data, NeuralNetwork(random_state=0, hidden_layers=(8,), learning_rate=0.05,
                                             max_epochs=100_000))
    field = window.model_panel.form().fields["l1"]
    assert "l1" in window.model_panel.live_param_names()
    step(qtbot, window, 5)
    drawn(qtbot, window)
    tint_before = (255 - data_pixels(window)).mean()  # how far from white the picture is
    generation = window._generation
    field.spin.setValue(5.0)  # as the person types it: a live change
    step(qtbot, window, 20)
    assert window._generation == generation  # no reset: training went on
    # a strong L1 pulls every weight to exactly zero: the model grows unsure
    # everywhere and the surface pales (without L1 it grows surer and darker)
    drawn(qtbot, window)
    assert (255 - data_pixels(window)).mean() < tint_before * 0.8
    panel = next(v for v in window.presenter.side_views() if v.view_id == "how_it_learns").widget
    # soft thresholding sets the weights to exactly zero, as the panel shows
    qtbot.waitUntil(lambda: [row["weights"].text() for row in panel.layer_rows] == ["0", "0"], timeout=TIMEOUT_MS)
