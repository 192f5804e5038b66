"""Output layers fused with their losses, all computed from logits.

Shapes: ``z`` and ``y`` are ``(n_samples, n_outputs)``; a loss is the mean
over samples. Each loss keeps its gradient beside it:

- ``loss(z, y) -> float`` and ``grad(z, y) -> dL/dz`` (readable, allocating);
- ``grad_(z, y, out, scratch)``: the same gradient written into ``out``, which
  the training loop calls on preallocated buffers (``scratch`` is a pair of
  ``(n_samples, 1)`` arrays, used by the softmax);
- ``output(z)``: what the model reports (probabilities or values).

Fusing the link with its loss gives the simple, exact gradient ``p - y`` and
lets every formula avoid ``log(0)`` and ``exp`` overflow: no
``RuntimeWarning`` for any finite ``z``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid",
    "softplus",
    "softmax",
    "log_softmax",
    "Loss",
    "MeanSquaredError",
    "SigmoidCrossEntropy",
    "SoftmaxCrossEntropy",
]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` without overflow.

    With ``e = exp(-|z|)`` (in (0, 1]): ``sigmoid(z) = 1 / (1 + e)`` for
    ``z >= 0`` and ``e / (1 + e)`` for ``z < 0``; full relative precision in
    both tails.
    """
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def softplus(z: np.ndarray) -> np.ndarray:
    """``log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|))`` without overflow."""
    z = np.asarray(z)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """``z - logsumexp(z)``, shifting by the row maximum so ``exp`` never overflows."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """``exp(z_j) / sum_k exp(z_k)`` per row, computed on ``z - max(z)``."""
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


class Loss:
    """Base class of an output activation fused with its loss."""

    name: str = ""

    def loss(self, z: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def grad(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def grad_(self, z, y, out, scratch) -> None:
        np.copyto(out, self.grad(z, y))

    def output(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MeanSquaredError(Loss):
    """Identity output with mean squared error.

    ``L = 1/(n k) * sum_ij (z_ij - y_ij)**2`` over ``n`` samples and ``k``
    outputs; ``dL/dz = 2 (z - y) / (n k)``.
    """

    name = "mse"

    def loss(self, z, y):
        residual = np.asarray(z) - y
        return float(np.add.reduce(residual * residual, axis=None)) / residual.size

    def grad(self, z, y):
        z = np.asarray(z)
        return 2.0 * (z - y) / z.size

    def grad_(self, z, y, out, scratch):
        np.subtract(z, y, out=out)
        np.multiply(out, 2.0 / z.size, out=out)

    def output(self, z):
        return np.array(z, copy=True)


class SigmoidCrossEntropy(Loss):
    """One sigmoid output unit with binary cross-entropy (two classes).

    ``p = sigmoid(z)``; ``L = -1/n sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)]``,
    computed as ``1/n sum_i [softplus(z_i) - y_i z_i]`` (the same value, with
    no ``log(0)``); ``dL/dz = (p - y) / n``. ``y`` holds 0/1 in one column.
    """

    name = "sigmoid_cross_entropy"

    def loss(self, z, y):
        z = np.asarray(z)
        # ufunc.reduce, not np.mean: this runs once per epoch on the hot path
        return float(np.add.reduce(softplus(z) - y * z, axis=None)) / z.size

    def grad(self, z, y):
        z = np.asarray(z)
        return (sigmoid(z) - y) / z.shape[0]

    def grad_(self, z, y, out, scratch):
        # sigmoid(z) = (1 + tanh(z / 2)) / 2: four in-place calls, no overflow.
        np.multiply(z, 0.5, out=out)
        np.tanh(out, out=out)
        np.multiply(out, 0.5, out=out)
        np.add(out, 0.5, out=out)
        np.subtract(out, y, out=out)
        np.multiply(out, 1.0 / z.shape[0], out=out)

    def output(self, z):
        return sigmoid(z)

    def loss_and_correct(self, z, y) -> tuple[float, int]:
        """``(loss(z, y), number of rows where (z > 0) matches y == 1)``."""
        z = np.asarray(z)
        correct = np.count_nonzero(np.greater(z, 0.0) == np.greater(y, 0.5))
        return self.loss(z, y), correct


class SoftmaxCrossEntropy(Loss):
    """Softmax over ``k`` outputs with categorical cross-entropy.

    ``p = softmax(z)``; ``L = -1/n sum_ij y_ij log p_ij
    = 1/n sum_i [logsumexp(z_i) - sum_j y_ij z_ij]`` (rows of ``y`` sum to 1,
    one-hot for hard labels); ``dL/dz = (p - y) / n``.
    """

    name = "softmax_cross_entropy"

    def loss(self, z, y):
        return self.loss_and_correct(z, y)[0]

    def loss_and_correct(self, z, y) -> tuple[float, int]:
        """``(loss(z, y), number of rows whose largest logit is the labelled
        class)`` for one-hot ``y``; both from the same row maxima."""
        z = np.asarray(z)
        row_max = np.maximum.reduce(z, axis=1)  # (n,)
        labelled = np.einsum("ij,ij->i", y, z)  # sum_j y_ij z_ij: the labelled logit
        log_sum = np.log(np.add.reduce(np.exp(z - row_max[:, None]), axis=1)) + row_max
        loss = (np.add.reduce(log_sum) - np.add.reduce(labelled)) / z.shape[0]
        correct = np.count_nonzero(labelled >= row_max)
        if np.count_nonzero(z == row_max[:, None]) > z.shape[0]:
            # Tied maxima: count as argmax does (the first maximal class wins).
            correct = np.count_nonzero(np.argmax(z, axis=1) == np.argmax(y, axis=1))
        return float(loss), int(correct)

    def grad(self, z, y):
        z = np.asarray(z)
        return (softmax(z, axis=1) - y) / z.shape[0]

    def grad_(self, z, y, out, scratch):
        row_max, row_sum = scratch  # (n, 1) each
        np.maximum.reduce(z, axis=1, out=row_max, keepdims=True)
        np.subtract(z, row_max, out=out)
        np.exp(out, out=out)
        np.add.reduce(out, axis=1, out=row_sum, keepdims=True)
        np.divide(out, row_sum, out=out)
        np.subtract(out, y, out=out)
        np.multiply(out, 1.0 / z.shape[0], out=out)

    def output(self, z):
        return softmax(z, axis=1)
