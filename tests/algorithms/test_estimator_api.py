"""The estimator API others build on, without scikit-learn installed: what
fit forgets, which methods exist, feature names from DataFrames,
partial_fit's classes, and the pure-NumPy guarantee."""

import warnings

import numpy as np
import pytest

import algorithms
from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, Trainer

from .helpers import spiral, two_moons

X_MOONS, Y_MOONS = two_moons(80, 0.1, np.random.default_rng(0))


class Frame:
    """The part of a pandas DataFrame the models use: ``columns`` and ``__array__``."""

    def __init__(self, values, columns):
        self.values, self.columns = np.asarray(values), list(columns)

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)

    def __len__(self):
        return len(self.values)


# -- fit forgets only what fit learned ------------------------------------------------
@pytest.mark.parametrize("cls", [LinearRegression, LogisticRegression, NeuralNetwork])
def test_fit_keeps_attributes_that_others_set(cls):
    y = Y_MOONS.astype(float) if cls is LinearRegression else Y_MOONS
    model = cls(max_epochs=3, random_state=0)
    # What scikit-learn's metadata routing, set_output or a user may attach.
    model._metadata_request = {"fit": {}}
    model._sklearn_output_config = {"transform": "default"}
    model.note = "kept"
    model.fit(X_MOONS, y)
    model.fit(X_MOONS, y)
    assert model._metadata_request == {"fit": {}} and model._sklearn_output_config == {"transform": "default"}
    assert model.note == "kept"
    assert len(model.history_["loss"]) == 3  # learned state was replaced, not accumulated


def test_fit_forgets_learned_state_of_another_task():
    X, y = spiral(90, 3, 0.1, np.random.default_rng(1))
    model = NeuralNetwork(hidden_layers=(4,), max_epochs=2, random_state=0).fit(X, y)
    model.set_params(task="regression").fit(X, y.astype(float))
    assert not hasattr(model, "classes_") and model.n_outputs_ == 1


# -- predict_proba only where there are probabilities --------------------------------------
def test_only_classifiers_have_predict_proba():
    assert hasattr(LogisticRegression(), "predict_proba")
    assert hasattr(NeuralNetwork(), "predict_proba")
    assert not hasattr(NeuralNetwork(task="regression"), "predict_proba")
    assert not hasattr(LinearRegression(), "predict_proba")
    network = NeuralNetwork(task="regression")
    network.set_params(task="classification")
    assert hasattr(network, "predict_proba")  # it follows the task at the time of asking


def test_is_classifier():
    assert algorithms.is_classifier(LogisticRegression())
    assert algorithms.is_classifier(NeuralNetwork())
    assert not algorithms.is_classifier(NeuralNetwork(task="regression"))
    assert not algorithms.is_classifier(LinearRegression())
    assert not algorithms.is_classifier(object())
    model = NeuralNetwork(hidden_layers=(3,), max_epochs=2, random_state=0).fit(X_MOONS, Y_MOONS)
    assert algorithms.is_classifier(model) and algorithms.is_classifier(model.snapshot())


# -- hyperparameters: scikit-learn's conventions ------------------------------------------
def test_set_params_stores_values_as_given_and_fit_validates():
    model = NeuralNetwork()
    layers = [8, 4]
    assert model.set_params(hidden_layers=layers).hidden_layers is layers
    assert model.get_params()["hidden_layers"] is layers
    model.set_params(learning_rate=-np.inf)  # scikit-learn's check_set_params tries such values
    with pytest.raises(ValueError, match="learning_rate=-inf is invalid"):
        model.fit(X_MOONS, Y_MOONS)


def test_constructor_and_set_params_accept_anything_and_repr_survives():
    for value in (-1, 3.0, "helloworld", np.array([1.0, 4.0]), [1], {}, []):
        params = {name: value for name in NeuralNetwork().get_params()}
        model = NeuralNetwork(**params)
        model.set_params(**params)
        assert repr(model).startswith("NeuralNetwork(")


# -- n_features_in_, feature_names_in_ --------------------------------------------------------
def test_feature_names_from_a_dataframe_like_input():
    frame = Frame(X_MOONS, ["width", "height"])
    model = LogisticRegression(max_epochs=3).fit(frame, Y_MOONS)
    assert model.n_features_in_ == 2
    assert model.feature_names_in_.dtype == object and model.feature_names_in_.tolist() == ["width", "height"]
    plain = LogisticRegression(max_epochs=3).fit(X_MOONS, Y_MOONS)
    np.testing.assert_array_equal(model.predict_proba(frame), plain.predict_proba(X_MOONS))
    with pytest.raises(ValueError, match="Feature names must be in the same order as they were in fit"):
        model.predict(Frame(X_MOONS, ["height", "width"]))
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- depth\n"):
        model.predict(Frame(X_MOONS, ["width", "depth"]))
    with pytest.warns(UserWarning, match="X does not have valid feature names, but LogisticRegression was fitted"):
        model.predict(X_MOONS)
    assert model.snapshot().feature_names_in_.tolist() == ["width", "height"]
    model.fit(X_MOONS, Y_MOONS)  # refit on a plain array: the names go
    assert not hasattr(model, "feature_names_in_")
    with pytest.warns(UserWarning, match="X has feature names, but LogisticRegression was fitted without"):
        model.predict(frame)


def test_integer_or_mixed_column_names():
    model = LogisticRegression(max_epochs=2).fit(Frame(X_MOONS, [0, 1]), Y_MOONS)
    assert not hasattr(model, "feature_names_in_")  # only string names count, as in scikit-learn
    with pytest.raises(ValueError, match="only supported if all input features have string names"):
        LogisticRegression().fit(Frame(X_MOONS, ["a", 1]), Y_MOONS)


def test_pandas_dataframe():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X_MOONS, columns=["x1", "x2"])
    model = NeuralNetwork(hidden_layers=(4,), max_epochs=3, random_state=0).fit(frame, pd.Series(Y_MOONS))
    assert model.feature_names_in_.tolist() == ["x1", "x2"]
    plain = NeuralNetwork(hidden_layers=(4,), max_epochs=3, random_state=0).fit(X_MOONS, Y_MOONS)
    # pandas hands over a column-major array: sums round differently in the last bit
    np.testing.assert_allclose(model.predict_proba(frame), plain.predict_proba(X_MOONS), rtol=1e-12)
    trainer = Trainer(model, frame, Y_MOONS)  # continues; the names are checked
    with pytest.raises(ValueError, match="feature names should match"):
        trainer.set_data(frame[["x2", "x1"]], Y_MOONS)


# -- partial_fit(X, y, classes=...) ---------------------------------------------------------
def test_partial_fit_with_classes_knows_labels_not_yet_seen():
    X, y = spiral(90, 3, 0.1, np.random.default_rng(2))
    model = NeuralNetwork(hidden_layers=(6,), random_state=0)
    first = y < 2
    model.partial_fit(X[first], y[first], classes=[2, 0, 1])
    assert model.classes_.tolist() == [0, 1, 2]
    assert model.predict_proba(X).shape == (90, 3)
    model.partial_fit(X, y)  # the third class arrives: no reset
    model.partial_fit(X, y, classes=np.array([0, 1, 2]))
    assert len(model.history_["loss"]) == 3
    with pytest.raises(ValueError, match=r"classes=\[0, 1\] differs from the model's classes_ \[0, 1, 2\]"):
        model.partial_fit(X[first], y[first], classes=[0, 1])


def test_partial_fit_classes_errors():
    with pytest.raises(ValueError, match=r"y has labels \[2\] not among classes=\[0, 1\]"):
        NeuralNetwork().partial_fit(X_MOONS, np.where(np.arange(80) == 0, 2, Y_MOONS), classes=[0, 1])
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        LogisticRegression().partial_fit(X_MOONS, Y_MOONS, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="classes=.* is for classification"):
        LinearRegression().partial_fit(X_MOONS, Y_MOONS.astype(float), classes=[0, 1])
    fitted = LinearRegression().partial_fit(X_MOONS, Y_MOONS.astype(float))
    with pytest.raises(ValueError, match="classes=.* is for classification"):
        fitted.partial_fit(X_MOONS, Y_MOONS.astype(float), classes=[0, 1])
    with pytest.raises(ValueError, match="partial_fit cannot continue: y has 2 outputs but the model was initialised "
                                         "with 1"):
        fitted.partial_fit(X_MOONS, X_MOONS)
    with pytest.raises(ValueError, match="only one class"):
        NeuralNetwork().partial_fit(X_MOONS, Y_MOONS, classes=[1])


# -- scikit-learn's exception classes, when it is loaded ------------------------------------
def test_errors_are_scikit_learns_when_it_is_loaded_and_ours_always():
    sklearn_exceptions = pytest.importorskip("sklearn.exceptions")
    with pytest.raises(algorithms.NotFittedError) as caught:
        NeuralNetwork().predict(X_MOONS)
    assert isinstance(caught.value, sklearn_exceptions.NotFittedError)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, AttributeError)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        LogisticRegression(max_epochs=2).fit(X_MOONS, Y_MOONS[:, None])
    assert [type(w.message).__name__ for w in seen] == ["DataConversionWarning"]
    assert isinstance(seen[0].message, sklearn_exceptions.DataConversionWarning)
