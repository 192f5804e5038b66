"""Every bad input is a ValueError whose message names the argument and the value."""

import numpy as np
import pytest

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, NotFittedError, Trainer

from .helpers import two_moons

X_OK, Y_OK = two_moons(40, 0.1, np.random.default_rng(0))


@pytest.fixture(params=["linear", "logistic", "nn"])
def model(request):
    return {"linear": LinearRegression, "logistic": LogisticRegression, "nn": NeuralNetwork}[request.param](
        max_epochs=2, random_state=0)


def _y(model):
    return Y_OK.astype(float) if isinstance(model, LinearRegression) else Y_OK


@pytest.mark.parametrize("bad, where", [(np.nan, "nan"), (np.inf, "inf"), (-np.inf, "-inf")])
def test_non_finite_X_is_rejected_at_fit_and_predict(model, bad, where):
    X = X_OK.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match=rf"X contains NaN or infinity \({where} at index \(3, 1\)\)"):
        model.fit(X, _y(model))
    model.fit(X_OK, _y(model))
    with pytest.raises(ValueError, match="X contains NaN or infinity"):
        model.predict(X)


def test_non_finite_targets_are_rejected():
    y = Y_OK.astype(float)
    y[5] = np.nan
    with pytest.raises(ValueError, match=r"y contains NaN or infinity \(nan at index \(5,\)\)"):
        LinearRegression().fit(X_OK, y)
    with pytest.raises(ValueError, match="y contains NaN"):
        NeuralNetwork().fit(X_OK, y)  # classification labels


def test_mismatched_lengths(model):
    with pytest.raises(ValueError, match="X has 40 samples but y has 39 samples"):
        model.fit(X_OK, _y(model)[:39])
    with pytest.raises(ValueError, match="X has 40 samples but y has a scalar"):
        model.fit(X_OK, 1.0)


def test_empty_data(model):
    with pytest.raises(ValueError, match=r"X is empty: 0 sample\(s\) \(shape=\(0, 2\)\) while a minimum of 1"):
        model.fit(np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(ValueError, match=r"X has no features: 0 feature\(s\) \(shape=\(5, 0\)\) while a minimum"):
        model.fit(np.zeros((5, 0)), np.zeros(5))


def test_wrong_dimensions_and_types(model):
    with pytest.raises(ValueError, match=r"X must be a 2-D array .* got shape \(40,\) \(reshape"):
        model.fit(X_OK[:, 0], _y(model))
    with pytest.raises(ValueError, match=r"got shape \(40, 2, 1\)"):
        model.fit(X_OK[:, :, None], _y(model))
    with pytest.raises(ValueError, match="X must contain numbers"):
        model.fit(np.array([["a", "b"]] * 40), _y(model))
    with pytest.raises(ValueError, match=f"{type(model).__name__} requires y to be passed, but the target y is None"):
        model.fit(X_OK, None)


@pytest.mark.parametrize("cls", [LogisticRegression, NeuralNetwork])
def test_one_class_only(cls):
    with pytest.raises(ValueError, match=r"y has only one class \(1\): classification needs samples of at least two"):
        cls().fit(X_OK, np.ones(40, int))


def test_classification_label_problems():
    with pytest.raises(ValueError, match=r"non-integer values \(e.g. 0.5\).*regression"):
        NeuralNetwork().fit(X_OK, Y_OK + 0.5)
    with pytest.raises(ValueError, match="y must be a 1-D array of class labels; got shape"):
        NeuralNetwork().fit(X_OK, np.column_stack([Y_OK, Y_OK]))
    with pytest.raises(ValueError, match="mixes label types"):
        NeuralNetwork().fit(X_OK, np.array([1, "a"] * 20, dtype=object))
    with pytest.raises(ValueError, match="y must contain numbers for regression"):
        LinearRegression().fit(X_OK, np.array(["a", "b"] * 20))


@pytest.mark.parametrize("kwargs, message", [
    ({"activation": "swish"}, "activation='swish' is invalid: expected one of 'relu', 'tanh'"),
    ({"optimizer": "rmsprop"}, "optimizer='rmsprop' is invalid: expected one of 'sgd', 'momentum', 'adam'"),
    ({"task": "ranking"}, "task='ranking' is invalid"),
    ({"learning_rate": 0.0}, r"learning_rate=0.0 is invalid: must be positive"),
    ({"learning_rate": -0.1}, r"learning_rate=-0.1 is invalid: must be positive"),
    ({"learning_rate": float("nan")}, r"learning_rate=nan is invalid: expected a finite number"),
    ({"learning_rate": "fast"}, r"learning_rate='fast' is invalid: expected a number"),
    ({"hidden_layers": (16, 0)}, r"hidden_layers=\(16, 0\) is invalid: layer width 0 must be a positive integer"),
    ({"hidden_layers": (-3,)}, r"hidden_layers=\(-3,\) is invalid: layer width -3"),
    ({"hidden_layers": (4.5,)}, r"layer width 4.5 is not an integer"),
    ({"hidden_layers": 16}, r"hidden_layers=16 is invalid: expected a tuple of layer widths"),
    ({"batch_size": 0}, r"batch_size=0 is invalid: must be positive"),
    ({"max_epochs": 0}, r"max_epochs=0 is invalid"),
    ({"patience": 0}, r"patience=0 is invalid"),
    ({"l2": -1.0}, r"l2=-1.0 is invalid: must be >= 0"),
    ({"validation_fraction": 0.9}, r"validation_fraction=0.9 is invalid: must be <= 0.5"),
    ({"early_stopping": "yes"}, r"early_stopping='yes' is invalid: expected True or False"),
    ({"random_state": 1.5}, r"random_state=1.5 is invalid: expected an integer"),
    ({"normalize": None}, r"normalize=None is invalid: a value is required"),
])
def test_bad_hyperparameters_name_parameter_and_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NeuralNetwork(**kwargs).fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match=message):  # stored by set_params, refused by the next fit
        NeuralNetwork().set_params(**kwargs).partial_fit(X_OK, Y_OK)


def test_trainer_validates_like_fit():
    with pytest.raises(ValueError, match="learning_rate=-1"):
        Trainer(LinearRegression(learning_rate=-1), X_OK, Y_OK.astype(float))
    with pytest.raises(ValueError, match="X has 40 samples but y has 3 samples"):
        Trainer(NeuralNetwork(), X_OK, Y_OK[:3])


def test_wrong_feature_count_at_predict(model):
    model.fit(X_OK, _y(model))
    with pytest.raises(ValueError, match=f"X has 3 features, but {type(model).__name__} is expecting 2 features as input"):
        model.predict(np.zeros((4, 3)))


def test_prediction_before_fit_and_partial_fit_on_incompatible_data():
    with pytest.raises(NotFittedError, match="LinearRegression is not fitted yet: call fit"):
        LinearRegression().predict(X_OK)
    with pytest.raises(NotFittedError):
        LinearRegression().coef_
    model = NeuralNetwork(random_state=0).partial_fit(X_OK, Y_OK)
    with pytest.raises(ValueError, match=r"partial_fit cannot continue: y has labels \[7\]"):
        model.partial_fit(X_OK, np.full(40, 7))
