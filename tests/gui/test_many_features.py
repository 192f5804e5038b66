"""Data with more than two features in the window (issue 12): the picture
says it is a slice, can become the whole model (train on the two shown
features only), the axes carry the feature names, and the same feature is
never offered for both axes."""

from __future__ import annotations

import numpy as np


from .conftest import TIMEOUT_MS
from .test_window import select_source


def test_a_slice_says_so_on_the_plot_and_can_become_the_whole_model(qtbot, window):
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        select_source(window, "iris")
    view = window.current_data_view()
    assert view.caption.isVisibleTo(window)
    assert "slice" in view.caption.text() and "petal length" in view.caption.text()
    assert view.plot_item.getAxis("bottom").labelText == "sepal length (cm)"
    generation = window._generation
    window.dataset_panel.two_features_check.setChecked(True)
    qtbot.waitUntil(lambda: window._generation > generation, timeout=TIMEOUT_MS)
    trained = window.controller._worker.state.X
    np.testing.assert_array_equal(trained, window.dataset.X[:, [0, 1]])
    assert not view.caption.isVisibleTo(window)
    assert window.dataset.n_features == 4  # the dataset itself is whole
    # other axes: trained on those two now
    generation = window._generation
    window.dataset_panel.set_shown_features(2, 3)
    qtbot.waitUntil(lambda: window._generation > generation, timeout=TIMEOUT_MS)
    np.testing.assert_array_equal(window.controller._worker.state.X, window.dataset.X[:, [2, 3]])
    assert view.plot_item.getAxis("left").labelText == "petal width (cm)"
    window.dataset_panel.two_features_check.setChecked(False)
    qtbot.waitUntil(lambda: window.controller._worker.state.X.shape[1] == 4, timeout=TIMEOUT_MS)
    assert view.caption.isVisibleTo(window)


def test_the_same_feature_is_never_offered_for_both_axes(qtbot, window):
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        select_source(window, "wine")
    panel = window.dataset_panel
    x_model, y_model = panel.x_combo.model(), panel.y_combo.model()
    assert not x_model.item(panel.y_combo.currentIndex()).isEnabled()
    assert not y_model.item(panel.x_combo.currentIndex()).isEnabled()
    panel.x_combo.setCurrentIndex(5)
    assert not y_model.item(5).isEnabled() and y_model.item(0).isEnabled()


def test_regression_heatmap_axes_carry_the_feature_names(qtbot, window):
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        select_source(window, "diabetes")
    view = window.current_data_view()
    names = window.dataset.feature_names
    assert view.plot_item.getAxis("bottom").labelText == names[0]
    assert view.plot_item.getAxis("left").labelText == names[1]
