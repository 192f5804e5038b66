"""The model panel's input features for every model: logistic and linear
regression get the network's feature box, and one-feature data gets a
polynomial (x, x², …, xᵈ)."""

from __future__ import annotations

import numpy as np

from algorithms import LinearRegression, LogisticRegression
from algorithms.preprocessing import FeatureTransform
from gui.panels.model_panel import ModelPanel


def shown_checks(panel):
    return [name for name, check in panel.feature_checks.items() if check.isVisibleTo(panel)]


def test_logistic_regression_gets_the_feature_box_and_its_transform(qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_task("classification", 2, 2)
    panel.set_model(LogisticRegression())
    assert panel.model_key == "logistic"
    assert panel.features_box.isVisibleTo(panel)
    assert panel.build_transform() is None  # x1, x2: the raw inputs
    with qtbot.waitSignal(panel.model_changed):
        panel.feature_checks["x1^2"].setChecked(True)
    panel.feature_checks["x2^2"].setChecked(True)
    transform = panel.build_transform()
    assert transform == FeatureTransform(features=("x1", "x2", "x1^2", "x2^2"))
    np.testing.assert_allclose(transform.transform(np.array([[2.0, -3.0]])), [[2.0, -3.0, 4.0, 9.0]])


def test_one_feature_linear_regression_gets_a_polynomial_degree(qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_task("regression", None, 1)
    panel.set_model(LinearRegression())
    assert panel.features_box.isVisibleTo(panel)
    assert shown_checks(panel) == ["x1", "x1^2", "sin(x1)"]
    assert panel.build_transform() is None
    with qtbot.waitSignal(panel.model_changed):
        panel.degree_spin.setValue(3)
    transform = panel.build_transform()
    assert transform.n_inputs == 1 and transform.names == ("x1", "x1^2", "x1^3")
    np.testing.assert_allclose(transform.transform(np.array([[2.0]])), [[2.0, 4.0, 8.0]])


def test_two_feature_choices_fall_back_to_the_raw_input_on_one_feature(qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_task("classification", 2, 2)
    panel.feature_checks["x2"].setChecked(True)
    panel.feature_checks["x1"].setChecked(False)  # only x2 now
    panel.set_task("regression", None, 1)
    assert panel.feature_checks["x1"].isChecked()  # x2 does not exist: the model sees x1, ticked
    assert panel.build_transform() is None
    panel.feature_checks["sin(x1)"].setChecked(True)
    panel.feature_checks["x1"].setChecked(False)
    assert panel.build_transform().names == ("sin(x1)",)
    # unticking the last offered feature is undone: a model needs an input
    panel.feature_checks["sin(x1)"].setChecked(False)
    assert panel.feature_checks["sin(x1)"].isChecked()


def test_no_feature_box_beyond_two_features(qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.set_task("classification", 3, 4)
    assert not panel.features_box.isVisibleTo(panel)
    assert panel.build_transform() is None
