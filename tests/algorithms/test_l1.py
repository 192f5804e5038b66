"""L1 regularisation by proximal gradient (soft thresholding after each
optimiser step): the penalty and its (sub)gradient against finite
differences, exact zeros on irrelevant features, the loss it reports, and
``l1`` as a live hyperparameter."""

import numpy as np
import pytest

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, Trainer
from algorithms.activations import get_activation
from algorithms.losses import MeanSquaredError, SigmoidCrossEntropy, SoftmaxCrossEntropy
from algorithms.network import DenseNetwork, TrainingPlan
from algorithms.optimizers import make_optimizer

from .helpers import numerical_gradient


def _network(sizes, activation, loss, seed=0):
    net = DenseNetwork(sizes, get_activation(activation), loss)
    net.initialize(np.random.default_rng(seed), get_activation(activation).init)
    net.theta += 0.1 * np.random.default_rng(seed + 1).normal(size=net.n_params)
    return net


def _problem(sizes, loss, rng, n=11):
    x = np.vstack([rng.normal(size=(sizes[0], n)), np.ones((1, n))])
    k = sizes[-1]
    if isinstance(loss, MeanSquaredError):
        return x, rng.normal(size=(k, n))
    if isinstance(loss, SigmoidCrossEntropy):
        return x, rng.integers(0, 2, (1, n)).astype(float)
    return x, np.eye(k)[rng.integers(0, k, n)].T.copy()


@pytest.mark.parametrize("sizes, activation, loss", [
    ((3, 5, 4, 1), "tanh", SigmoidCrossEntropy()),
    ((2, 6, 3), "relu", SoftmaxCrossEntropy()),
    ((4, 3, 2), "linear", MeanSquaredError()),
], ids=["tanh-sigmoid", "relu-softmax", "linear-mse"])
def test_l1_value_and_subgradient_against_central_differences(sizes, activation, loss):
    # Away from zero, |w| is differentiable: d/dW (loss + l2/2 |W|^2 + l1 |W|_1)
    # = grad (the smooth part, which loss_and_gradient fills) + l1 sign(W).
    rng = np.random.default_rng(0)
    net = _network(sizes, activation, loss)
    assert np.all(np.abs(net.theta) > 1e-4)  # no weight where |w| has a kink
    x, targets = _problem(sizes, loss, rng)
    l2, l1 = 0.2, 0.3
    value = net.loss_and_gradient(x, targets, l2, l1)
    smooth_value = net.loss_and_gradient(x, targets, l2)
    assert value - smooth_value == pytest.approx(l1 * np.abs(net.theta * net.weight_mask).sum(), rel=1e-12)
    smooth = net.grad.copy()
    numeric = numerical_gradient(lambda: net.loss_and_gradient(x, targets, l2, l1), net.theta)
    np.testing.assert_allclose(smooth + l1 * np.sign(net.theta) * net.weight_mask, numeric, rtol=1e-5, atol=1e-7)
    # the smooth part alone is the gradient in grad
    numeric_smooth = numerical_gradient(lambda: net.loss_and_gradient(x, targets, l2), net.theta)
    np.testing.assert_allclose(smooth, numeric_smooth, rtol=1e-5, atol=1e-7)


def test_an_epoch_is_a_gradient_step_then_soft_thresholding_of_the_weights():
    loss = SigmoidCrossEntropy()
    net = _network((3, 4, 1), "tanh", loss)
    rng = np.random.default_rng(1)
    x, targets = _problem((3, 4, 1), loss, rng, n=30)
    l1, lr = 0.4, 0.5
    expected_loss = net.loss_and_gradient(x, targets, 0.0, l1)
    stepped = net.theta - lr * net.grad
    threshold = lr * l1 * net.weight_mask  # 0 on biases
    expected = np.sign(stepped) * np.maximum(np.abs(stepped) - threshold, 0.0)
    plan = TrainingPlan(net, x, targets, batch_size=None)
    loss_value, _ = net.train_epoch(plan, make_optimizer("sgd", net.n_params), lr, 0.0, rng, l1)
    assert loss_value == pytest.approx(expected_loss, rel=1e-12)  # the reported loss includes l1 |W|_1
    np.testing.assert_allclose(net.theta, expected, rtol=1e-12, atol=1e-15)
    assert np.count_nonzero(net.theta[net.weight_mask == 1] == 0.0) > 0  # some weights are exactly zero
    biases = net.weight_mask == 0
    np.testing.assert_array_equal(net.theta[biases], stepped[biases])  # biases are not thresholded


def _irrelevant_features(rng, n=400):
    X = rng.normal(size=(n, 6))
    signal = 2.0 * X[:, 0] - 1.5 * X[:, 1]  # features 2..5 are noise
    return X, signal


@pytest.mark.parametrize("make, target", [
    (lambda: LinearRegression(l1=0.05, learning_rate=0.1, max_epochs=500), "values"),
    (lambda: LogisticRegression(l1=0.02, l2=0.0, learning_rate=0.5, max_epochs=500), "labels"),
], ids=["linear", "logistic"])
def test_l1_sets_the_weights_of_irrelevant_features_to_exactly_zero(make, target):
    rng = np.random.default_rng(2)
    X, signal = _irrelevant_features(rng)
    y = signal + 0.1 * rng.normal(size=len(X)) if target == "values" else (signal > 0).astype(int)
    model = make().fit(X, y)
    coef = np.ravel(model.coef_)
    assert np.all(coef[2:] == 0.0), coef
    assert np.all(coef[:2] != 0.0)
    without = type(model)(**{**model.get_params(), "l1": 0.0}).fit(X, y)
    assert np.all(np.ravel(without.coef_)[2:] != 0.0)  # not zero without L1


def test_l1_zeroes_input_weights_of_a_network_and_the_loss_includes_it():
    rng = np.random.default_rng(3)
    X, signal = _irrelevant_features(rng)
    y = (signal > 0).astype(int)
    model = NeuralNetwork(hidden_layers=(8,), l1=3e-3, l2=0.0, optimizer="sgd", learning_rate=0.3, max_epochs=400,
                          random_state=0).fit(X, y)
    first = model.coefs_[0]  # (6, 8): rows are input features
    zero_irrelevant = np.mean(first[2:] == 0.0)
    assert zero_irrelevant > 0.6 and zero_irrelevant > np.mean(first[:2] == 0.0)
    assert model.score(X, y) > 0.95
    # the loss in the history is data loss + l1 * sum |W| (weights only, not biases)
    network = model._network
    x = model._design(X)
    targets = model._targets(y)
    expected = network.loss_and_gradient(x, targets, 0.0, 3e-3)
    trainer = Trainer(model, X, y, max_epochs=1)
    record = trainer.step()
    assert record.loss == pytest.approx(expected, rel=1e-12)


def test_l1_is_live_and_validated():
    rng = np.random.default_rng(4)
    X, signal = _irrelevant_features(rng, n=100)
    model = LinearRegression(l1=0.0, learning_rate=0.05)
    trainer = Trainer(model, X, signal)
    trainer.step()

    def loss_now(l1):  # the objective at the current parameters, measured apart
        return model._network.loss_and_gradient(model._design(X), model._targets(signal), 0.0, l1)

    model.set_params(l1=0.5)  # takes effect at the next epoch, optimiser state kept
    expected = loss_now(0.5)
    assert trainer.step().loss == pytest.approx(expected, rel=1e-9)
    model.set_params(l1=0.0)
    expected = loss_now(0.0)
    assert trainer.step().loss == pytest.approx(expected, rel=1e-9)
    model.set_params(l1=-1.0)
    with pytest.raises(ValueError, match=r"l1=-1.0 is invalid: must be >= 0"):
        trainer.step()


def test_every_model_declares_l1_like_l2():
    for cls in (LinearRegression, LogisticRegression, NeuralNetwork):
        param = {p.name: p for p in cls.PARAMS}["l1"]
        assert param.default == 0.0 and param.live and param.log and param.low == 0.0
        assert param.label == "L1 penalty"
