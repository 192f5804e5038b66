"""Parity with closed-form / independent solutions and convergence on
standard problems; model-specific behaviour (labels, shapes, dtypes)."""

import numpy as np
import pytest

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, NotFittedError

from .helpers import sine, spiral, two_moons


# -- linear regression ------------------------------------------------------------
def _regression_data(rng, n=300, n_outputs=None):
    # features of very different scales and offsets, mildly correlated
    base = rng.normal(size=(n, 3))
    base[:, 1] += 0.5 * base[:, 0]
    X = base * [1.0, 20.0, 0.05] + [5.0, -30.0, 100.0]
    coef = np.array([2.0, -0.1, 30.0]) if n_outputs is None else rng.normal(size=(3, n_outputs))
    y = X @ coef + 7.0 + 0.3 * rng.normal(size=(n,) if n_outputs is None else (n, n_outputs))
    return X, y


def _lstsq(X, y):
    solution = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)[0]
    return solution[:-1], solution[-1]


def test_linear_regression_matches_lstsq_in_raw_units():
    X, y = _regression_data(np.random.default_rng(0))
    model = LinearRegression(learning_rate=0.3, max_epochs=3000, validation_fraction=0.0).fit(X, y)
    coef, intercept = _lstsq(X, y)
    assert model.coef_.shape == (3,)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-7)
    assert model.intercept_ == pytest.approx(intercept, rel=1e-7)
    np.testing.assert_allclose(model.predict(X), X @ coef + intercept, rtol=1e-8)
    residual = y - (X @ coef + intercept)
    assert model.score(X, y) == pytest.approx(1 - residual @ residual / np.sum((y - y.mean()) ** 2), rel=1e-9)
    assert model.history_["r2"][-1] == pytest.approx(model.score(X, y), rel=1e-6)


def test_linear_regression_without_normalisation_matches_lstsq():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 2))
    y = X @ [1.5, -0.5] - 2.0 + 0.1 * rng.normal(size=200)
    model = LinearRegression(normalize=False, learning_rate=0.2, max_epochs=2000, validation_fraction=0).fit(X, y)
    coef, intercept = _lstsq(X, y)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-7)
    assert model.intercept_ == pytest.approx(intercept, rel=1e-7)


def test_linear_regression_with_several_outputs():
    X, y = _regression_data(np.random.default_rng(2), n_outputs=2)
    model = LinearRegression(learning_rate=0.3, max_epochs=3000, validation_fraction=0).fit(X, y)
    coef, intercept = _lstsq(X, y)
    assert model.coef_.shape == (2, 3) and model.intercept_.shape == (2,)
    np.testing.assert_allclose(model.coef_, coef.T, rtol=1e-6)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-6)
    assert model.predict(X).shape == (300, 2)


def test_linear_regression_float32_inputs_train_in_float32():
    X, y = _regression_data(np.random.default_rng(3))
    model = LinearRegression(learning_rate=0.3, max_epochs=2000, validation_fraction=0).fit(X.astype(np.float32), y)
    coef, _ = _lstsq(X, y)
    assert model._network.theta.dtype == np.float32
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-3)
    np.testing.assert_allclose(model.predict(X), X @ coef + _lstsq(X, y)[1], rtol=1e-4)


# -- logistic regression ------------------------------------------------------------
def _newton_logistic(X, y01, l2, iterations=50):
    """Minimise 1/n sum[softplus(z) - y z] + l2/2 ||w||^2, z = X w + b, by Newton's method."""
    n, d = X.shape
    A = np.column_stack([X, np.ones(n)])
    theta = np.zeros(d + 1)
    penalty = np.diag([l2] * d + [0.0])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(A @ theta)))
        gradient = A.T @ (p - y01) / n + penalty @ theta
        hessian = (A * (p * (1 - p))[:, None]).T @ A / n + penalty
        theta -= np.linalg.solve(hessian, gradient)
    return theta[:-1], theta[-1]


def _overlapping_classes(rng, n=400):
    X = np.vstack([rng.normal([-1.0, 0.5], 1.0, size=(n // 2, 2)), rng.normal([1.0, -0.5], 1.0, size=(n // 2, 2))])
    return X, np.repeat([0, 1], n // 2)


def test_logistic_regression_matches_newton_solution():
    X, y = _overlapping_classes(np.random.default_rng(4))
    model = LogisticRegression(normalize=False, l2=0.01, learning_rate=1.0, max_epochs=3000, validation_fraction=0)
    model.fit(X, y)
    coef, intercept = _newton_logistic(X, y, 0.01)
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-6)
    assert model.intercept_ == pytest.approx(intercept, abs=1e-6)


def test_logistic_regression_normalised_with_string_labels_matches_newton():
    rng = np.random.default_rng(5)
    X, y = _overlapping_classes(rng)
    X = X * [10.0, 0.1] + [3.0, -7.0]
    labels = np.where(y == 1, "dog", "cat")
    model = LogisticRegression(l2=0.05, learning_rate=1.0, max_epochs=3000, validation_fraction=0).fit(X, labels)
    mean, std = X.mean(axis=0), X.std(axis=0)
    w, b = _newton_logistic((X - mean) / std, y, 0.05)  # the penalty acts on standardised weights
    np.testing.assert_allclose(model.coef_, w / std, rtol=1e-6)
    assert model.intercept_ == pytest.approx(b - (w / std) @ mean, abs=1e-6)
    assert list(model.classes_) == ["cat", "dog"]
    assert set(model.predict(X)) <= {"cat", "dog"}


def test_logistic_regression_any_two_labels_and_shapes():
    X, y = _overlapping_classes(np.random.default_rng(6))
    labels = np.where(y == 1, 1, -1)
    model = LogisticRegression(validation_fraction=0).fit(X, labels)
    np.testing.assert_array_equal(model.classes_, [-1, 1])
    proba = model.predict_proba(X)
    assert proba.shape == (400, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    z = model.decision_function(X)
    assert z.shape == (400,)
    np.testing.assert_allclose(z, X @ model.coef_ + model.intercept_, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X), np.where(z > 0, 1, -1))
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-z)), rtol=1e-12)
    assert model.score(X, labels) > 0.8


def test_logistic_regression_rejects_three_classes_pointing_to_neural_network():
    X = np.random.default_rng(7).normal(size=(30, 2))
    with pytest.raises(ValueError, match="3 classes.*NeuralNetwork"):
        LogisticRegression().fit(X, np.arange(30) % 3)


def test_logistic_probabilities_are_finite_for_huge_inputs():
    X, y = _overlapping_classes(np.random.default_rng(8))
    model = LogisticRegression(validation_fraction=0, max_epochs=50).fit(X, y)
    proba = model.predict_proba(np.array([[1e12, -1e12], [-1e12, 1e12], [0.0, 0.0]]))
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba[0, 1] == pytest.approx(1.0) and proba[1, 0] == pytest.approx(1.0)


# -- neural network: convergence ---------------------------------------------------
def test_network_learns_two_moons():
    X, y = two_moons(1000, 0.15, np.random.default_rng(10))
    model = NeuralNetwork(hidden_layers=(16, 16), activation="tanh", learning_rate=0.02, max_epochs=800,
                          validation_fraction=0, random_state=0).fit(X[:600], y[:600])
    assert model.score(X[600:], y[600:]) >= 0.97
    assert model.history_["accuracy"][-1] >= 0.97


def test_network_learns_three_class_spiral_with_mini_batches():
    X, y = spiral(1500, 3, 0.1, np.random.default_rng(11))
    model = NeuralNetwork(hidden_layers=(32, 32), activation="relu", learning_rate=0.02, batch_size=64,
                          max_epochs=150, validation_fraction=0, random_state=0).fit(X[:900], y[:900])
    assert model.score(X[900:], y[900:]) >= 0.95
    proba = model.predict_proba(X[900:])
    assert proba.shape == (600, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_network_fits_a_sine():
    X, y = sine(800, 0.05, np.random.default_rng(12))
    model = NeuralNetwork(hidden_layers=(32, 32), activation="tanh", task="regression", learning_rate=0.01,
                          max_epochs=1000, validation_fraction=0, random_state=0).fit(X[:400], y[:400])
    assert model.score(X[400:], y[400:]) >= 0.98
    assert model.predict(X[400:]).shape == (400,)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_reduces_the_loss(optimizer):
    X, y = two_moons(200, 0.1, np.random.default_rng(13))
    lr = {"sgd": 0.5, "momentum": 0.1, "adam": 0.02}[optimizer]
    model = NeuralNetwork(optimizer=optimizer, learning_rate=lr, max_epochs=200, batch_size=32, random_state=0)
    model.fit(X, y)
    loss = model.history_["loss"]
    assert loss[-1] < 0.5 * loss[0]
    assert model.score(X, y) > 0.85


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear", "leaky_relu"])
def test_every_activation_trains(activation):
    X, y = two_moons(200, 0.1, np.random.default_rng(14))
    model = NeuralNetwork(activation=activation, learning_rate=0.02, max_epochs=150, random_state=0).fit(X, y)
    assert model.history_["loss"][-1] < model.history_["loss"][0]
    assert model.score(X, y) > (0.8 if activation == "linear" else 0.85)


# -- neural network: shapes and state ------------------------------------------------
def test_network_shapes_layer_activations_and_initialisation():
    rng = np.random.default_rng(15)
    X, y = spiral(120, 4, 0.1, rng)
    model = NeuralNetwork(hidden_layers=(8, 5), activation="relu", max_epochs=2, random_state=0).fit(X, y)
    assert [c.shape for c in model.coefs_] == [(2, 8), (8, 5), (5, 4)]
    assert [b.shape for b in model.intercepts_] == [(8,), (5,), (4,)]
    layers = model.layer_activations(X[:7])
    assert [a.shape for a in layers] == [(7, 2), (7, 8), (7, 5), (7, 4)]
    np.testing.assert_allclose(layers[-1], model.predict_proba(X[:7]))
    assert (layers[1] >= 0).all()  # relu
    # inputs after normalisation, by the training rows' statistics
    train = model._x_mean, model._x_scale
    np.testing.assert_allclose(layers[0], (X[:7] - train[0]) / train[1])
    # He initialisation for relu: std sqrt(2 / fan_in); checked on a wide fresh layer
    wide = NeuralNetwork(hidden_layers=(400, 400), activation="relu", max_epochs=1, random_state=1)
    wide.partial_fit(X, y)
    assert np.std(wide.coefs_[1]) == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    glorot = NeuralNetwork(hidden_layers=(400, 400), activation="tanh", max_epochs=1, random_state=1)
    glorot.partial_fit(X, y)
    assert np.std(glorot.coefs_[1]) == pytest.approx(np.sqrt(2 / 800), rel=0.05)


def test_binary_network_has_one_sigmoid_output_and_two_probability_columns():
    X, y = two_moons(100, 0.1, np.random.default_rng(16))
    model = NeuralNetwork(hidden_layers=(4,), max_epochs=3, random_state=0).fit(X, np.where(y == 1, "b", "a"))
    assert model.coefs_[-1].shape == (4, 1)
    proba = model.predict_proba(X)
    assert proba.shape == (100, 2)
    np.testing.assert_allclose(proba[:, 1], model.layer_activations(X)[-1][:, 0])
    np.testing.assert_array_equal(model.predict(X), np.where(proba[:, 1] > 0.5, "b", "a"))


def test_classes_can_be_a_subset_of_codes():
    # the GUI passes codes 0..k-1 but a drawn dataset may leave a class empty
    X, y = spiral(90, 3, 0.1, np.random.default_rng(17))
    codes = np.array([0, 2, 5])[y]
    model = NeuralNetwork(max_epochs=5, random_state=0).fit(X, codes)
    np.testing.assert_array_equal(model.classes_, [0, 2, 5])
    assert model.predict_proba(X).shape == (90, 3)
    assert set(model.predict(X)) <= {0, 2, 5}


def test_network_without_hidden_layers_is_logistic_regression():
    X, y = _overlapping_classes(np.random.default_rng(18))
    net = NeuralNetwork(hidden_layers=(), optimizer="sgd", learning_rate=1.0, l2=0.01, max_epochs=3000,
                        validation_fraction=0, normalize=False).fit(X, y)
    coef, intercept = _newton_logistic(X, y, 0.01)
    np.testing.assert_allclose(net.coefs_[0][:, 0], coef, rtol=1e-6)
    assert net.intercepts_[0][0] == pytest.approx(intercept, abs=1e-6)


def test_network_regression_with_several_outputs():
    rng = np.random.default_rng(19)
    X = rng.uniform(-2, 2, size=(300, 2))
    Y = np.column_stack([np.sin(X[:, 0]), X[:, 0] * X[:, 1], 100 + 50 * X[:, 1]])
    model = NeuralNetwork(hidden_layers=(32,), task="regression", learning_rate=0.02, max_epochs=600,
                          validation_fraction=0, random_state=0).fit(X, Y)
    assert model.predict(X).shape == (300, 3)
    assert model.score(X, Y) > 0.95
    assert model.layer_activations(X)[-1].shape == (300, 3)
    assert not hasattr(model, "predict_proba")  # a regressor has no probabilities at all
    with pytest.raises(AttributeError, match="only with task='classification'"):
        model.predict_proba(X)
    model.set_params(task="classification")  # fitted for regression still: no probabilities to give
    with pytest.raises(ValueError, match="fitted for regression"):
        model.predict_proba(X)


def test_float32_network_trains_in_float32_and_agrees_with_float64():
    X, y = two_moons(300, 0.1, np.random.default_rng(20))
    m64 = NeuralNetwork(max_epochs=100, random_state=0).fit(X, y)
    m32 = NeuralNetwork(max_epochs=100, random_state=0).fit(X.astype(np.float32), y)
    assert m32._network.theta.dtype == np.float32
    np.testing.assert_allclose(m32.predict_proba(X), m64.predict_proba(X), atol=1e-3)


def test_not_fitted_error_is_a_value_error_naming_the_model():
    model = NeuralNetwork()
    with pytest.raises(NotFittedError, match="NeuralNetwork is not fitted"):
        model.predict(np.zeros((1, 2)))
    assert isinstance(NotFittedError("x"), ValueError)
    assert not hasattr(model, "coefs_")
