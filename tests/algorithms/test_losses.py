"""Losses from logits: gradients against central finite differences,
in-place gradients against readable ones, values against naive formulas,
and no log(0) / overflow for huge logits."""

import numpy as np
import pytest

from algorithms.losses import (
    MeanSquaredError,
    SigmoidCrossEntropy,
    SoftmaxCrossEntropy,
    log_softmax,
    sigmoid,
    softmax,
    softplus,
)

from .helpers import numerical_gradient


def _case(loss, rng, n=6):
    if isinstance(loss, MeanSquaredError):
        return rng.normal(size=(n, 3)), rng.normal(size=(n, 3))
    if isinstance(loss, SigmoidCrossEntropy):
        return rng.normal(scale=2, size=(n, 1)), rng.integers(0, 2, (n, 1)).astype(float)
    z = rng.normal(scale=2, size=(n, 4))
    return z, np.eye(4)[rng.integers(0, 4, n)]


LOSSES = [MeanSquaredError(), SigmoidCrossEntropy(), SoftmaxCrossEntropy()]


@pytest.mark.parametrize("loss", LOSSES, ids=lambda l: l.name)
def test_gradient_matches_central_differences(loss):
    rng = np.random.default_rng(0)
    z, y = _case(loss, rng)
    numeric = numerical_gradient(lambda: loss.loss(z, y), z)
    np.testing.assert_allclose(loss.grad(z, y), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("loss", LOSSES, ids=lambda l: l.name)
def test_in_place_gradient_on_feature_major_views(loss):
    # the network passes transposed views of (n_out, n) buffers
    rng = np.random.default_rng(1)
    z, y = _case(loss, rng, n=9)
    z_fm, y_fm = np.ascontiguousarray(z.T), np.ascontiguousarray(y.T)
    out = np.empty_like(z_fm)
    scratch = (np.empty((1, 9)).T, np.empty((1, 9)).T)
    loss.grad_(z_fm.T, y_fm.T, out.T, scratch)
    np.testing.assert_allclose(out.T, loss.grad(z, y), rtol=1e-12, atol=1e-15)


def test_values_match_naive_formulas():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(5, 3))
    y = np.eye(3)[[0, 2, 1, 1, 0]]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert SoftmaxCrossEntropy().loss(z, y) == pytest.approx(-np.mean(np.sum(y * np.log(p), axis=1)), rel=1e-12)
    z1, y1 = z[:, :1], y[:, :1]
    p1 = 1 / (1 + np.exp(-z1))
    expected = -np.mean(y1 * np.log(p1) + (1 - y1) * np.log(1 - p1))
    assert SigmoidCrossEntropy().loss(z1, y1) == pytest.approx(expected, rel=1e-12)
    assert MeanSquaredError().loss(z, y) == pytest.approx(np.mean((z - y) ** 2), rel=1e-12)


def test_huge_logits_are_finite_and_exact_without_warnings():
    z = np.array([[1000.0], [-1000.0], [1e300], [-1e300]])
    y = np.array([[1.0], [0.0], [0.0], [1.0]])
    bce = SigmoidCrossEntropy()
    # right with confidence: ~0 loss; wrong: loss = |z|
    assert bce.loss(z[:2], y[:2]) == 0.0
    assert bce.loss(z[2:], y[2:]) == pytest.approx(1e300)
    np.testing.assert_allclose(bce.grad(z, y)[:, 0], [0, 0, 0.25, -0.25])
    zs = np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 800.0]])
    ys = np.array([[1.0, 0, 0], [1.0, 0, 0]])
    ce = SoftmaxCrossEntropy()
    assert ce.loss(zs, ys) == pytest.approx((0.0 + 800.0 + np.log(2.0)) / 2)
    assert np.isfinite(ce.grad(zs, ys)).all()
    out = np.empty_like(zs)
    ce.grad_(zs, ys, out, (np.empty((2, 1)), np.empty((2, 1))))
    np.testing.assert_allclose(out, ce.grad(zs, ys))


def test_link_functions_are_stable():
    z = np.array([-1e4, -40.0, 0.0, 40.0, 1e4])
    p = sigmoid(z)
    np.testing.assert_allclose(p, [0.0, np.exp(-40.0) / (1 + np.exp(-40.0)), 0.5, 1 / (1 + np.exp(-40.0)), 1.0])
    assert p[1] > 0  # full relative precision in the lower tail
    np.testing.assert_allclose(softplus(z), [0.0, np.log1p(np.exp(-40.0)), np.log(2.0), 40.0, 1e4])
    rows = np.array([[1e4, 0.0], [-1e4, -1e4]])
    np.testing.assert_allclose(softmax(rows), [[1.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(log_softmax(rows), [[0.0, -1e4], [np.log(0.5), np.log(0.5)]])


def test_loss_and_correct_counts_like_argmax():
    ce = SoftmaxCrossEntropy()
    z = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    y = np.eye(3)[[0, 2, 1, 0]]
    # rows: right, wrong, tie (argmax picks class 0, label 1: wrong), all tied (class 0: right)
    loss, correct = ce.loss_and_correct(z, y)
    assert correct == 2
    assert loss == pytest.approx(ce.loss(z, y))
    bce = SigmoidCrossEntropy()
    _, correct = bce.loss_and_correct(np.array([[1.0], [-1.0], [0.0], [2.0]]), np.array([[1.0], [1.0], [0.0], [0.0]]))
    assert correct == 2
