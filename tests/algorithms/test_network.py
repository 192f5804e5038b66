"""The whole network's backward pass against central finite differences, and
one training epoch against the plain gradient-descent update it must equal."""

import numpy as np
import pytest

from algorithms.activations import get_activation
from algorithms.losses import MeanSquaredError, SigmoidCrossEntropy, SoftmaxCrossEntropy
from algorithms.network import DenseNetwork, TrainingPlan
from algorithms.optimizers import make_optimizer

from .helpers import numerical_gradient

# (layer sizes, activation, loss, l2)
ARCHITECTURES = [
    ((3, 5, 4, 1), "tanh", SigmoidCrossEntropy(), 0.0),
    ((3, 5, 4, 1), "sigmoid", SigmoidCrossEntropy(), 0.3),
    ((2, 6, 3), "relu", SoftmaxCrossEntropy(), 0.1),
    ((2, 4, 4, 4, 5), "leaky_relu", SoftmaxCrossEntropy(), 0.0),
    ((4, 3, 2), "linear", MeanSquaredError(), 0.05),
    ((2, 7, 3), "tanh", MeanSquaredError(), 0.2),
    ((3, 1), "tanh", SigmoidCrossEntropy(), 0.5),  # no hidden layer
    ((3, 4), "relu", SoftmaxCrossEntropy(), 0.0),
]


def _problem(sizes, loss, rng, n=11):
    x = np.vstack([rng.normal(size=(sizes[0], n)), np.ones((1, n))])  # (n_in + 1, n) with the ones row
    k = sizes[-1]
    if isinstance(loss, MeanSquaredError):
        targets = rng.normal(size=(k, n))
    elif isinstance(loss, SigmoidCrossEntropy):
        targets = rng.integers(0, 2, (1, n)).astype(float)
    else:
        targets = np.eye(k)[rng.integers(0, k, n)].T.copy()
    return x, targets


def _network(sizes, activation, loss, seed=0):
    net = DenseNetwork(sizes, get_activation(activation), loss)
    net.initialize(np.random.default_rng(seed), get_activation(activation).init)
    net.theta += 0.1 * np.random.default_rng(seed + 1).normal(size=net.n_params)  # non-zero biases too
    return net


@pytest.mark.parametrize("sizes, activation, loss, l2", ARCHITECTURES,
                         ids=[f"{a[1]}-{a[2].name}-{'-'.join(map(str, a[0]))}-l2={a[3]}" for a in ARCHITECTURES])
def test_backward_matches_central_differences(sizes, activation, loss, l2):
    rng = np.random.default_rng(42)
    net = _network(sizes, activation, loss)
    x, targets = _problem(sizes, loss, rng)
    net.loss_and_gradient(x, targets, l2)
    analytic = net.grad.copy()
    numeric = numerical_gradient(lambda: net.loss_and_gradient(x, targets, l2), net.theta)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
    assert np.abs(analytic).max() > 1e-3  # the check is not vacuous


def test_parameters_are_views_into_one_flat_vector():
    net = _network((2, 3, 4), "tanh", SoftmaxCrossEntropy())
    assert net.n_params == (2 + 1) * 3 + (3 + 1) * 4
    net.theta[:] = np.arange(net.n_params)
    np.testing.assert_array_equal(net.weights[0], np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(net.biases[0], [6, 7, 8])
    np.testing.assert_array_equal(net.weights[1], np.arange(9, 21).reshape(3, 4))
    np.testing.assert_array_equal(net.biases[1], [21, 22, 23, 24])
    for view in (*net.weights, *net.biases):
        assert np.shares_memory(view, net.theta)
    assert net.weight_mask.sum() == 2 * 3 + 3 * 4


@pytest.mark.parametrize("loss", [SigmoidCrossEntropy(), SoftmaxCrossEntropy(), MeanSquaredError()],
                         ids=lambda l: l.name)
def test_full_batch_epoch_is_one_gradient_descent_step(loss):
    sizes = (3, 6, 1 if isinstance(loss, SigmoidCrossEntropy) else 3)
    rng = np.random.default_rng(3)
    net = _network(sizes, "tanh", loss)
    x, targets = _problem(sizes, loss, rng, n=20)
    expected_loss = net.loss_and_gradient(x, targets, 0.1)
    expected_theta = net.theta - 0.05 * net.grad
    plan = TrainingPlan(net, x, targets, batch_size=None)
    loss_value, _ = net.train_epoch(plan, make_optimizer("sgd", net.n_params), 0.05, 0.1, rng)
    assert loss_value == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_allclose(net.theta, expected_theta, rtol=1e-12, atol=1e-14)


def test_mini_batch_epoch_visits_every_sample_once_per_step_sequence():
    # With a linear model and MSE, summing per-batch SGD steps from the same
    # start equals the full gradient when the learning rate is tiny.
    loss = MeanSquaredError()
    net = _network((2, 1), "linear", loss)
    rng = np.random.default_rng(5)
    x, targets = _problem((2, 1), loss, rng, n=40)
    start = net.theta.copy()
    net.loss_and_gradient(x, targets)
    full = net.grad.copy()
    plan = TrainingPlan(net, x, targets, batch_size=8)
    assert [b[0].shape[1] for b in plan.batches] == [8] * 5
    lr = 1e-7
    net.train_epoch(plan, make_optimizer("sgd", net.n_params), lr, 0.0, rng)
    # sum of batch means = 5 * full mean
    np.testing.assert_allclose((start - net.theta) / lr, 5 * full, rtol=1e-5)
    # the data were permuted, not changed
    np.testing.assert_allclose(np.sort(plan.x[0]), np.sort(x[0]))


def test_last_mini_batch_holds_the_remainder_and_buffers_stay_bounded():
    loss = SoftmaxCrossEntropy()
    net = _network((2, 4, 3), "relu", loss)
    rng = np.random.default_rng(6)
    x, targets = _problem((2, 4, 3), loss, rng, n=42)
    plan = TrainingPlan(net, x, targets, batch_size=8)
    assert [b[0].shape[1] for b in plan.batches] == [8, 8, 8, 8, 8, 2]
    loss_value, accuracy = net.train_epoch(plan, make_optimizer("adam", net.n_params), 0.01, 0.0, rng)
    assert np.isfinite(loss_value) and 0.0 <= accuracy <= 1.0
    for n in range(10, 60):  # e.g. points drawn one by one while training
        TrainingPlan(net, *_problem((2, 4, 3), loss, rng, n=n), batch_size=None)
        net.predict_raw(_problem((2, 4, 3), loss, rng, n=n)[0])
    assert len(net._buffers["train"]) <= 3 and len(net._buffers["predict"]) <= 4


def test_predictions_are_fresh_arrays():
    net = _network((2, 3, 1), "tanh", SigmoidCrossEntropy())
    rng = np.random.default_rng(7)
    first_input, second_input = (_problem((2, 3, 1), net.loss, rng, n=5)[0] for _ in range(2))
    first = net.predict_raw(first_input)
    kept = first.copy()
    net.predict_raw(second_input)
    np.testing.assert_array_equal(first, kept)
