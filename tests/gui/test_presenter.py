"""The presenter (outputs and view choice) and the model form built from the
models' hyperparameter declarations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import datasets
from algorithms import MODELS, LinearRegression, LogisticRegression, NeuralNetwork, Param
from algorithms.preprocessing import FeatureTransform
from gui.panels.fields import BoolField, ChoiceField, FloatField, IntField, LayersField, nice_log_steps
from gui.panels.model_panel import ModelPanel
from gui.presenter import DataPresenter
from gui.views.frame import FrameComputer, FrameSpec, model_output


# --- FrameComputer (what the render process, the render thread and the GIF command run) ------
class Outputs(FrameSpec):
    def __init__(self, points, rows=False):
        self._points, self.rows = points, rows

    def points(self):
        return self._points

    def compute(self, model, inputs):
        grid = None if inputs.points is None or not len(inputs.points) else model_output(model, inputs.points)
        return grid, inputs.rows_output(model) if self.rows else None


def frames_of(model, transform, X, y, specs):
    computer = FrameComputer()
    computer.set_data(X, y, transform)
    computer.set_specs(specs)
    return computer.compute(model)


def test_frame_inputs_give_classifiers_probabilities():
    ds = datasets.make("moons", n_samples=120, random_state=0)
    model = LogisticRegression(max_epochs=5).fit(ds.X, ds.y)
    grid = np.random.default_rng(0).uniform(-1, 2, size=(50, 2))
    grid_out, sample_out = frames_of(model, None, ds.X, ds.y, {"a": Outputs(grid, rows=True)})["a"]
    assert grid_out.shape == (50, 2) and sample_out.shape == (120, 2)
    assert np.allclose(grid_out.sum(axis=1), 1)


def test_frame_inputs_go_through_the_feature_transform():
    ds = datasets.make("circles", n_samples=150, random_state=0)
    transform = FeatureTransform(features=("x1", "x2", "x1^2", "x2^2"))
    model = NeuralNetwork(hidden_layers=(4,), task="classification", max_epochs=3, random_state=0)
    model.fit(transform.transform(ds.X), ds.y)
    grid_out, sample_out = frames_of(model, transform, ds.X, ds.y, {"a": Outputs(ds.X[:10])})["a"]
    assert sample_out is None
    assert np.allclose(grid_out, model.predict_proba(transform.transform(ds.X[:10])))


def test_frame_inputs_regressor_and_empty_points():
    ds = datasets.make("line", n_samples=60, random_state=0)
    model = LinearRegression(max_epochs=5).fit(ds.X, ds.y)
    grid_out, sample_out = frames_of(model, None, ds.X, ds.y, {"a": Outputs(np.zeros((0, 1)), rows=True)})["a"]
    assert grid_out is None
    assert sample_out.shape == (60,)


def test_rows_are_predicted_once_per_frame_whatever_the_number_of_views():
    ds = datasets.make("moons", n_samples=80, random_state=0)
    model = LogisticRegression(max_epochs=5).fit(ds.X, ds.y)
    calls = []
    original = model.predict_proba

    def counted(X):
        calls.append(len(X))
        return original(X)

    model.predict_proba = counted
    frames = frames_of(model, None, ds.X, ds.y, {"a": Outputs(None, rows=True), "b": Outputs(None, rows=True)})
    assert calls == [80]
    assert frames["a"][1] is frames["b"][1]


def needs_rows(presenter) -> bool:
    return any(spec.rows for spec in presenter.specs().values())


# --- DataPresenter -----------------------------------------------------------------------
@pytest.fixture
def presenter(qtbot):
    presenter = DataPresenter()
    qtbot.addWidget(presenter.widget)
    return presenter


@pytest.mark.parametrize(
    "name, view",
    [
        ("moons", "ClassificationView"),
        ("sine", "Regression1DView"),
        ("bumps", "RegressionHeatmapView"),
        ("time_series", "TimeSeriesView"),
    ],
)
def test_presenter_picks_the_view_that_suits_the_data(presenter, name, view):
    ds = datasets.make(name, n_samples=80, random_state=0)
    presenter.set_dataset(ds)
    assert type(presenter.current_view()).__name__ == view
    assert presenter.widget.currentWidget() is presenter.current_view()
    grid = presenter.grid_points()
    if name == "time_series":
        assert grid is None
        assert needs_rows(presenter)
    elif ds.n_features == 1:
        assert grid.shape[1] == 1 and len(grid) >= 100
    else:
        assert grid.shape[1] == ds.n_features and len(grid) >= 200 * 200


def test_presenter_shows_frames_in_the_classification_view(presenter):
    ds = datasets.make("blobs", n_samples=90, n_classes=3, random_state=0)
    presenter.set_dataset(ds)
    presenter.set_highlight_misclassified(True)
    assert needs_rows(presenter)
    model = NeuralNetwork(hidden_layers=(4,), max_epochs=3, random_state=0).fit(ds.X, ds.y)
    frames = frames_of(model, None, ds.X, ds.y, presenter.specs())
    presenter.show_frames(frames)
    view = presenter.current_view()
    assert view.surface_item.isVisible()
    np.testing.assert_array_equal(view.surface_item.image, frames["decision_surface"].picture.bgra)
    assert view.ring_item.isVisible()
    assert len(view.ring_item.data) == int(np.sum(model.predict(ds.X) != ds.y))
    presenter.set_highlight_misclassified(False)
    assert not needs_rows(presenter) and not view.ring_item.isVisible()


def test_presenter_many_features_hold_the_others_at_their_mean(presenter):
    ds = datasets.load_builtin(next(iter(datasets.BUILTINS)))
    presenter.set_dataset(ds, shown_features=(1, 3))
    grid = presenter.grid_points()
    means = ds.X.mean(axis=0)
    others = [j for j in range(ds.n_features) if j not in (1, 3)]
    assert np.allclose(grid[:, others], means[others])
    assert presenter.secondary_view() is not None
    assert needs_rows(presenter)


def test_presenter_regression_with_many_features_shows_predicted_vs_actual(presenter):
    regression = [name for name in datasets.BUILTINS if datasets.load_builtin(name).task == "regression"]
    if not regression:
        pytest.skip("no bundled regression table")
    ds = datasets.load_builtin(regression[0])
    presenter.set_dataset(ds)
    assert type(presenter.secondary_view()).__name__ == "PredictedActualView"
    model = LinearRegression(max_epochs=20).fit(ds.X, ds.y)
    presenter.show_frames(frames_of(model, None, ds.X, ds.y, presenter.specs()))
    view = presenter.secondary_view()
    np.testing.assert_allclose(view.points_item.getData()[1], model.predict(ds.X))


# --- the form built from PARAMS -----------------------------------------------------------
EXPECTED_FIELD = {int: IntField, float: FloatField, bool: BoolField, str: ChoiceField, "layers": LayersField}


@pytest.mark.parametrize("key", list(MODELS))
def test_model_form_has_one_field_per_declared_param(qtbot, key):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    form = panel.form(key)
    for param in MODELS[key].PARAMS:
        if param.name == "task":
            assert param.name not in form.fields  # follows the dataset
            continue
        field = form.fields[param.name]
        assert isinstance(field, EXPECTED_FIELD[param.kind]), param.name
        assert field.value() == param.default, param.name
        assert param.help in field.toolTip()
        if param.log:
            assert field.slider is not None
    model = MODELS[key](**{k: v for k, v in form.values().items()})
    assert model.get_params()["random_state"] == form.values()["random_state"]


def test_a_new_param_appears_in_the_form_without_gui_code(qtbot):
    class Extended(LogisticRegression):
        PARAMS = LogisticRegression.PARAMS + (
            Param("momentum_hint", float, 0.5, "Momentum hint", "A made-up parameter.", 0.0, 1.0),
            Param("shuffle_every", int, None, "Shuffle every", "Another one.", 1, 10, optional=True),
        )

    panel = ModelPanel(models={"logistic": Extended})
    qtbot.addWidget(panel)
    panel.set_task("classification", 2, 2)
    fields = panel.form().fields
    assert isinstance(fields["momentum_hint"], FloatField) and fields["momentum_hint"].value() == 0.5
    assert fields["shuffle_every"].value() is None
    fields["shuffle_every"].spin.setValue(3)
    assert fields["shuffle_every"].value() == 3


def test_live_and_non_live_changes_are_told_apart(qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    live, reset = [], []
    panel.live_params_changed.connect(live.append)
    panel.model_changed.connect(reset.append)
    form = panel.form()
    form.fields["learning_rate"].spin.setValue(0.2)
    assert live == [{"learning_rate": 0.2}] and not reset
    form.fields["activation"].combo.setCurrentIndex(form.fields["activation"].combo.findData("relu"))
    assert reset and "activation" in reset[-1]
    assert panel.build_model().get_params()["activation"] == "relu"


def test_optional_batch_size_offers_full_batch(qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    field = panel.form("nn").fields["batch_size"]
    field.set_value(None)
    assert field.value() is None and field.spin.text() == "full batch"
    field.set_value(32)
    assert field.value() == 32


def test_log_spin_box_steps_along_1_2_5(qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)
    field = panel.form("nn").fields["learning_rate"]
    field.set_value(0.01)
    field.spin.stepBy(1)
    assert field.value() == pytest.approx(0.02)
    field.spin.stepBy(2)
    assert field.value() == pytest.approx(0.1)
    field.spin.stepBy(-1)
    assert field.value() == pytest.approx(0.05)
    field.slider.setValue(field.slider.value() - 1)
    assert field.value() == pytest.approx(0.02)
    assert nice_log_steps(1e-3, 1e-2) == [1e-3, 2e-3, 5e-3, 1e-2]


def test_layers_editor_adds_and_removes_layers(qtbot):
    field = LayersField((16, 16))
    qtbot.addWidget(field)
    changes = []
    field.changed.connect(lambda: changes.append(field.value()))
    field.add_button.click()
    assert field.value() == (16, 16, 16)
    field._spins[0].setValue(4)
    assert field.value() == (4, 16, 16)
    field.remove_layer(1)
    assert field.value() == (4, 16)
    assert changes == [(16, 16, 16), (4, 16, 16), (4, 16)]
    field.set_value(())
    assert field.value() == () and "no hidden layer" in field.summary.text()


def test_models_are_filtered_by_task(qtbot):
    panel = ModelPanel()
    qtbot.addWidget(panel)

    def offered():
        return [panel.model_combo.itemData(i) for i in range(panel.model_combo.count())]

    panel.set_task("classification", 2, 2)
    assert set(offered()) == {k for k, cls in MODELS.items() if cls.supports("classification", 2)}
    panel.set_task("classification", 3, 2)
    assert set(offered()) == {k for k, cls in MODELS.items() if cls.supports("classification", 3)}
    changed = panel.set_task("regression", None, 3)
    assert set(offered()) == {k for k, cls in MODELS.items() if cls.supports("regression", None)}
    assert not panel.features_box.isVisibleTo(panel)  # input features are for 1 or 2 features
    assert panel.params().get("task", "regression") == "regression"
    assert isinstance(changed, bool)


def test_dataclass_params_are_frozen():
    # the form relies on declarations being values, never mutated
    param = MODELS["nn"].PARAMS[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        param.name = "x"
