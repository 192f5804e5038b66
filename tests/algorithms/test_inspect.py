"""``algorithms.inspect.training_terms`` against an independent forward and
backward pass written here in plain NumPy (sample-major, textbook form)."""

import numpy as np
import pytest

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, Trainer
from algorithms.inspect import LayerNorms, TrainingTerms, training_terms

from .helpers import sine, spiral, two_moons


def _reference(Ws, bs, A0, targets, output, activation, l2, l1):
    """Loss terms and gradients of a dense network, from scratch.

    ``A0`` (n, d) standardised inputs; ``targets``: 0/1 (n,) for "sigmoid",
    one-hot (n, k) for "softmax", standardised values (n, k) for "identity".
    """
    act, act_grad = {
        "tanh": (np.tanh, lambda a: 1 - a**2),
        "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(float)),
    }[activation]
    activations = [A0]
    for W, b in zip(Ws[:-1], bs[:-1]):
        activations.append(act(activations[-1] @ W + b))
    Z = activations[-1] @ Ws[-1] + bs[-1]  # (n, k)
    n = len(A0)
    if output == "sigmoid":
        z, t = Z[:, 0], targets
        data = np.mean(np.logaddexp(0, z) - t * z)
        dZ = ((1 / (1 + np.exp(-z)) - t) / n)[:, None]
    elif output == "softmax":
        shifted = Z - Z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        data = -np.mean(np.sum(targets * log_p, axis=1))
        dZ = (np.exp(log_p) - targets) / n
    else:
        data = np.mean((Z - targets) ** 2)
        dZ = 2 * (Z - targets) / Z.size
    grads_W, grads_b = [None] * len(Ws), [None] * len(Ws)
    delta = dZ
    for layer in range(len(Ws) - 1, -1, -1):
        grads_W[layer] = activations[layer].T @ delta + l2 * Ws[layer]
        grads_b[layer] = delta.sum(axis=0)
        if layer:
            delta = (delta @ Ws[layer].T) * act_grad(activations[layer])
    l2_term = 0.5 * l2 * sum(np.sum(W**2) for W in Ws)
    l1_term = l1 * sum(np.sum(np.abs(W)) for W in Ws)
    return data, l2_term, l1_term, grads_W, grads_b


def _check(terms, model, reference):
    data, l2_term, l1_term, grads_W, grads_b = reference
    assert isinstance(terms, TrainingTerms)
    assert terms.data_loss == pytest.approx(data, rel=1e-10)
    assert terms.l2_term == pytest.approx(l2_term, rel=1e-10)
    assert terms.l1_term == pytest.approx(l1_term, rel=1e-10)
    assert terms.total == pytest.approx(data + l2_term + l1_term, rel=1e-10)
    assert len(terms.gradient_norms) == len(grads_W) == len(terms.parameter_norms)
    for norms, gW, gb in zip(terms.gradient_norms, grads_W, grads_b):
        assert isinstance(norms, LayerNorms)
        assert norms.weights == pytest.approx(np.linalg.norm(gW), rel=1e-9)
        assert norms.biases == pytest.approx(np.linalg.norm(gb), rel=1e-9, abs=1e-15)


def _standardised(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


@pytest.mark.parametrize("case", ["binary tanh", "three classes relu"])
def test_network_classification_terms(case):
    rng = np.random.default_rng(0)
    if case == "binary tanh":
        X, y = two_moons(150, 0.1, rng)
        model = NeuralNetwork(hidden_layers=(6, 5), activation="tanh", l2=0.01, l1=0.002, max_epochs=30,
                              random_state=0)
        output, targets = "sigmoid", y.astype(float)
    else:
        X, y = spiral(150, 3, 0.1, rng)
        model = NeuralNetwork(hidden_layers=(7,), activation="relu", l2=0.02, l1=0.001, batch_size=32,
                              max_epochs=30, random_state=0)
        output, targets = "softmax", np.eye(3)[y]
    model.fit(X, y)  # all rows: the scaling is the data's own mean and deviation
    terms = training_terms(model.snapshot(), X, y)
    reference = _reference(model.coefs_, model.intercepts_, _standardised(X), targets, output,
                           model.activation, model.l2, model.l1)
    _check(terms, model, reference)
    for norms, W, b in zip(terms.parameter_norms, model.coefs_, model.intercepts_):
        assert norms.weights == pytest.approx(np.linalg.norm(W), rel=1e-12)
        assert norms.biases == pytest.approx(np.linalg.norm(b), rel=1e-12)


def test_regression_terms_are_in_standardised_target_units():
    X, y = sine(120, 0.1, np.random.default_rng(1))
    y = np.column_stack([y, 10 * y + 3])
    model = NeuralNetwork(hidden_layers=(5,), task="regression", l2=0.05, max_epochs=20, random_state=0).fit(X, y)
    targets = (y - y.mean(axis=0)) / y.std(axis=0)
    reference = _reference(model.coefs_, model.intercepts_, _standardised(X), targets, "identity", "tanh", 0.05, 0.0)
    _check(training_terms(model, X, y), model, reference)


def test_linear_and_logistic_terms():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(100, 3)) * [1.0, 5.0, 0.1]
    y = X @ [1.0, 0.2, -3.0] + rng.normal(size=100)
    linear = LinearRegression(l1=0.01, max_epochs=10).fit(X, y)
    W = (linear._network.weights[0].copy(),)
    b = (linear._network.biases[0].copy(),)
    reference = _reference(W, b, _standardised(X), ((y - y.mean()) / y.std())[:, None], "identity", "tanh",
                           0.0, 0.01)
    _check(training_terms(linear, X, y), linear, reference)
    labels = (y > 0).astype(int)
    logistic = LogisticRegression(l2=0.1, max_epochs=10).fit(X, labels)
    W, b = (logistic._network.weights[0].copy(),), (logistic._network.biases[0].copy(),)
    reference = _reference(W, b, _standardised(X), labels.astype(float), "sigmoid", "tanh", 0.1, 0.0)
    _check(training_terms(logistic, X, labels), logistic, reference)


def test_the_total_is_what_the_next_full_batch_epoch_reports_and_training_is_not_disturbed():
    X, y = two_moons(100, 0.1, np.random.default_rng(3))
    model = NeuralNetwork(hidden_layers=(4,), l2=0.01, l1=0.001, random_state=0)
    trainer = Trainer(model, X, y)
    trainer.step()
    theta, grad = model._network.theta.copy(), model._network.grad.copy()
    terms = training_terms(model, X, y)  # on the model itself, between two epochs
    np.testing.assert_array_equal(model._network.theta, theta)
    np.testing.assert_array_equal(model._network.grad, grad)
    assert trainer.step().loss == pytest.approx(terms.total, rel=1e-12)


def test_errors():
    X, y = two_moons(40, 0.1, np.random.default_rng(4))
    with pytest.raises(ValueError, match="not fitted"):
        training_terms(NeuralNetwork(), X, y)
    model = NeuralNetwork(hidden_layers=(3,), max_epochs=2).fit(X, y)
    with pytest.raises(ValueError, match=r"y has labels \[5\] not among the model's classes_ \[0, 1\]"):
        training_terms(model, X, np.full(40, 5))
    with pytest.raises(ValueError, match="X has 3 features, but NeuralNetwork is expecting 2"):
        training_terms(model, np.zeros((40, 3)), y)
