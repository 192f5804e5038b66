"""Optimisers: in-place updates on the flat vector equal the textbook formulas."""

import math

import numpy as np
import pytest

from algorithms.optimizers import Adam, make_optimizer


def _gradients(rng, steps, size=5):
    return [rng.normal(size=size) for _ in range(steps)]


def test_sgd_step():
    theta, grad = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    make_optimizer("sgd", 2).step(theta, grad, 0.1)
    np.testing.assert_allclose(theta, [0.95, -2.025])


def test_momentum_matches_heavy_ball_with_changing_learning_rate():
    rng = np.random.default_rng(0)
    theta, reference, velocity = rng.normal(size=5), None, np.zeros(5)
    reference = theta.copy()
    opt = make_optimizer("momentum", 5)
    for t, g in enumerate(_gradients(rng, 6)):
        lr = 0.1 if t < 3 else 0.02  # a live change keeps the velocity
        opt.step(theta, g, lr)
        velocity = 0.9 * velocity + g
        reference -= lr * velocity
    np.testing.assert_allclose(theta, reference, rtol=1e-12)


def test_adam_matches_textbook_form():
    rng = np.random.default_rng(1)
    theta = rng.normal(size=5)
    reference = theta.copy()
    m = v = np.zeros(5)
    opt = make_optimizer("adam", 5)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t, g in enumerate(_gradients(rng, 8), start=1):
        lr = 0.01 if t < 5 else 0.003
        opt.step(theta, g, lr)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        reference -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    np.testing.assert_allclose(theta, reference, rtol=1e-10)
    assert opt.t == 8


def test_adam_first_step_moves_every_parameter_by_the_learning_rate():
    theta = np.zeros(3)
    Adam(3).step(theta, np.array([1e-3, -5.0, 20.0]), 0.1)
    np.testing.assert_allclose(theta, [-0.1, 0.1, -0.1], rtol=1e-4)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_float32_state_stays_float32(name):
    opt = make_optimizer(name, 4, np.float32)
    theta = np.ones(4, np.float32)
    opt.step(theta, np.full(4, 0.5, np.float32), 0.1)
    assert theta.dtype == np.float32
    assert all(vector.dtype == np.float32 for vector, _ in opt.state())
    assert math.isfinite(float(theta.sum()))


def test_unknown_optimizer_names_the_value():
    with pytest.raises(ValueError, match="optimizer='rmsprop'.*'adam'"):
        make_optimizer("rmsprop", 3)
