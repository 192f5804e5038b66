"""Gradient-descent optimisers acting in place on one flat parameter vector.

All of a network's weights and biases are views into one flat array
``theta`` and all gradients views into one flat ``grad`` (see
``network.py``), so an update is a handful of in-place ufunc calls on two
arrays, whatever the number of layers: per-call overhead dominates small
networks, not arithmetic.

``step(theta, grad, learning_rate)`` takes the learning rate on every call,
so a change made while training applies to the next step and the state
(velocity, moment estimates) is kept.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Optimizer", "SGD", "Momentum", "Adam", "OPTIMIZERS", "make_optimizer"]


class Optimizer:
    """Base class. ``n_params`` and ``dtype`` size the state buffers."""

    name = ""

    def __init__(self, n_params: int, dtype=np.float64):
        self._tmp = np.zeros(n_params, dtype=dtype)  # scratch, reused every step

    # Pickling keeps the state (velocity, moments, step count), not the scratch.
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        tmp = state.pop("_tmp")
        state["_tmp_spec"] = (tmp.size, tmp.dtype)
        return state

    def __setstate__(self, state: dict) -> None:
        size, dtype = state.pop("_tmp_spec")
        self.__dict__.update(state)
        self._tmp = np.zeros(size, dtype=dtype)

    def step(self, theta: np.ndarray, grad: np.ndarray, learning_rate: float) -> None:
        raise NotImplementedError

    def state(self) -> list[tuple[np.ndarray, int]]:
        """State vectors and the power of the gradient each scales with.

        When parameters are multiplied by ``c`` (a change of units), their
        gradients are divided by ``c``: a state vector of power ``k`` must be
        divided by ``c**k`` to stay consistent.
        """
        return []


class SGD(Optimizer):
    """Plain gradient descent: ``theta <- theta - lr * g``."""

    name = "sgd"

    def step(self, theta, grad, learning_rate):
        np.multiply(grad, learning_rate, out=self._tmp)
        np.subtract(theta, self._tmp, out=theta)


class Momentum(Optimizer):
    """Heavy-ball momentum: ``v <- beta v + g``; ``theta <- theta - lr v``.

    ``v`` accumulates gradients (not steps), so changing ``lr`` mid-training
    rescales the very next step and nothing else.
    """

    name = "momentum"

    def __init__(self, n_params, dtype=np.float64, beta: float = 0.9):
        super().__init__(n_params, dtype)
        self.beta = beta
        self.velocity = np.zeros(n_params, dtype=dtype)

    def step(self, theta, grad, learning_rate):
        velocity, tmp = self.velocity, self._tmp
        np.multiply(velocity, self.beta, out=velocity)
        np.add(velocity, grad, out=velocity)
        np.multiply(velocity, learning_rate, out=tmp)
        np.subtract(theta, tmp, out=theta)

    def state(self):
        return [(self.velocity, 1)]


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction.

    Textbook form: ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g**2``,
    ``theta <- theta - lr m_hat / (sqrt(v_hat) + eps)`` with
    ``m_hat = m / (1 - b1**t)`` and ``v_hat = v / (1 - b2**t)``.

    Stored instead: ``M = m / (1 - b1)`` and ``V = v / (1 - b2)``, so that
    ``M <- b1 M + g`` and ``V <- b2 V + g**2`` (two calls each, no scaling of
    ``g``), and the same update reads ``theta <- theta - s M / (sqrt(V) + e)``
    with ``r = sqrt((1 - b2) / (1 - b2**t))``, ``s = lr (1 - b1) / ((1 - b1**t) r)``
    and ``e = eps / r``: 10 in-place ufunc calls per step.
    """

    name = "adam"

    def __init__(self, n_params, dtype=np.float64, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(n_params, dtype)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(n_params, dtype=dtype)  # M = m / (1 - b1)
        self.v = np.zeros(n_params, dtype=dtype)  # V = v / (1 - b2)
        self.t = 0

    def step(self, theta, grad, learning_rate):
        m, v, tmp = self.m, self.v, self._tmp
        self.t = t = self.t + 1
        beta1, beta2 = self.beta1, self.beta2
        r = math.sqrt((1.0 - beta2) / (1.0 - beta2**t))
        np.multiply(m, beta1, out=m)
        np.add(m, grad, out=m)
        np.multiply(grad, grad, out=tmp)
        np.multiply(v, beta2, out=v)
        np.add(v, tmp, out=v)
        np.sqrt(v, out=tmp)
        np.add(tmp, self.eps / r, out=tmp)
        np.divide(m, tmp, out=tmp)
        np.multiply(tmp, learning_rate * (1.0 - beta1) / ((1.0 - beta1**t) * r), out=tmp)
        np.subtract(theta, tmp, out=theta)

    def state(self):
        return [(self.m, 1), (self.v, 2)]


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Adam)}


def make_optimizer(name: str, n_params: int, dtype=np.float64) -> Optimizer:
    """A fresh optimiser called ``name``; ``ValueError`` naming it if unknown."""
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"optimizer={name!r} is unknown: expected one of {', '.join(map(repr, OPTIMIZERS))}"
        ) from None
    return cls(n_params, dtype)
