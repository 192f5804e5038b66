"""Hidden-layer activation functions, each with its derivative beside it.

Every activation has two faces:

- ``fn(z)`` / ``grad(z)``: the readable definition, allocating new arrays.
  ``grad`` is the elementwise derivative ``f'(z)``.
- ``forward_(z, tmp)`` / ``backward_(delta, a, tmp)``: the in-place versions
  the network's training loop calls on preallocated buffers. ``backward_``
  multiplies the back-propagated error by ``f'(z)`` expressed through the
  activation's *output* ``a = f(z)`` (``1 - a**2`` for tanh), so the forward
  pass need not keep ``z``.

Arrays may have any shape; the network passes ``(n_units, n_samples)``
buffers. The tests check ``grad`` against central finite differences of
``fn`` and the in-place versions against the readable ones.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Activation", "Identity", "Tanh", "Sigmoid", "ReLU", "LeakyReLU", "ACTIVATIONS", "get_activation"]


class Activation:
    """Base class: ``a = f(z)`` applied elementwise."""

    name: str = ""
    #: weight initialisation that keeps activations' variance stable through
    #: layers of this activation: "he" (ReLU family) or "glorot" (the rest)
    init: str = "glorot"
    #: whether ``forward_`` needs its ``tmp`` scratch (prediction buffers skip it otherwise)
    forward_uses_tmp: bool = False

    def fn(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def grad(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def forward_(self, z: np.ndarray, tmp: np.ndarray) -> None:
        """Overwrite ``z`` with ``f(z)``; ``tmp`` is scratch of the same shape."""
        np.copyto(z, self.fn(z))

    def backward_(self, delta: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> None:
        """``delta <- delta * f'(z)`` given ``a = f(z)``; ``tmp`` is scratch."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Identity(Activation):
    """``f(z) = z``, ``f'(z) = 1`` (called "linear" in the GUI)."""

    name = "linear"

    def fn(self, z):
        return np.array(z, copy=True)

    def grad(self, z):
        return np.ones_like(z)

    def forward_(self, z, tmp):
        pass  # nothing to do: the layer's output is its pre-activation

    def backward_(self, delta, a, tmp):
        pass


class Tanh(Activation):
    """``f(z) = tanh(z)``, ``f'(z) = 1 - tanh(z)**2 = 1 - a**2``."""

    name = "tanh"

    def fn(self, z):
        return np.tanh(z)

    def grad(self, z):
        return 1.0 - np.tanh(z) ** 2

    def forward_(self, z, tmp):
        np.tanh(z, out=z)

    def backward_(self, delta, a, tmp):
        np.multiply(a, a, out=tmp)
        np.subtract(1.0, tmp, out=tmp)
        np.multiply(delta, tmp, out=delta)


class Sigmoid(Activation):
    """``f(z) = 1 / (1 + exp(-z)) = (1 + tanh(z / 2)) / 2``, ``f'(z) = a (1 - a)``.

    Computed through tanh, which never overflows (``exp(-z)`` does for
    ``z < -709`` in float64 and warns).
    """

    name = "sigmoid"

    def fn(self, z):
        return 0.5 * np.tanh(0.5 * z) + 0.5

    def grad(self, z):
        a = self.fn(z)
        return a * (1.0 - a)

    def forward_(self, z, tmp):
        np.multiply(z, 0.5, out=z)
        np.tanh(z, out=z)
        np.multiply(z, 0.5, out=z)
        np.add(z, 0.5, out=z)

    def backward_(self, delta, a, tmp):
        np.subtract(1.0, a, out=tmp)
        np.multiply(tmp, a, out=tmp)
        np.multiply(delta, tmp, out=delta)


class ReLU(Activation):
    """``f(z) = max(z, 0)``, ``f'(z) = 1 if z > 0 else 0`` (so ``a > 0``)."""

    name = "relu"
    init = "he"

    def fn(self, z):
        return np.maximum(z, 0.0)

    def grad(self, z):
        return (z > 0).astype(np.result_type(z, np.float32))

    def forward_(self, z, tmp):
        np.maximum(z, 0.0, out=z)

    def backward_(self, delta, a, tmp):
        np.greater(a, 0.0, out=tmp)  # bool -> float 0/1 through out=
        np.multiply(delta, tmp, out=delta)


class LeakyReLU(Activation):
    """``f(z) = z if z > 0 else alpha z``, ``f'(z) = 1 if z > 0 else alpha``.

    ``alpha`` in (0, 1), so ``f(z) = max(z, alpha z)`` and ``a > 0`` exactly
    when ``z > 0``.
    """

    name = "leaky_relu"
    init = "he"
    forward_uses_tmp = True

    def __init__(self, alpha: float = 0.01):
        self.alpha = float(alpha)

    def fn(self, z):
        return np.where(z > 0, z, self.alpha * z)

    def grad(self, z):
        return np.where(z > 0, 1.0, self.alpha).astype(np.result_type(z, np.float32))

    def forward_(self, z, tmp):
        np.multiply(z, self.alpha, out=tmp)
        np.maximum(z, tmp, out=z)

    def backward_(self, delta, a, tmp):
        np.greater(a, 0.0, out=tmp)  # 1 where z > 0, else 0
        np.multiply(tmp, 1.0 - self.alpha, out=tmp)
        np.add(tmp, self.alpha, out=tmp)  # 1 or alpha
        np.multiply(delta, tmp, out=delta)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


ACTIVATIONS: dict[str, Activation] = {
    act.name: act for act in (ReLU(), Tanh(), Sigmoid(), Identity(), LeakyReLU())
}


def get_activation(name: str) -> Activation:
    """The activation called ``name``; ``ValueError`` naming it if unknown."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"activation={name!r} is unknown: expected one of {', '.join(map(repr, ACTIVATIONS))}"
        ) from None
