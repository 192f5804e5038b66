"""Weight initialisers: draw a layer's ``(fan_in, fan_out)`` weights.

Biases start at zero. The scale keeps the variance of activations (and of
back-propagated errors) roughly constant from layer to layer, which is what
lets a deep-ish network start learning at all:

- He (Kaiming) normal for ReLU-like units, which zero half their inputs:
  ``W ~ N(0, 2 / fan_in)``.
- Glorot (Xavier) uniform for tanh / sigmoid / linear units:
  ``W ~ U(-r, r)``, ``r = sqrt(6 / (fan_in + fan_out))``, i.e. variance
  ``2 / (fan_in + fan_out)``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["he_normal", "glorot_uniform", "INITIALIZERS"]


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """``(fan_in, fan_out)`` weights from ``N(0, 2 / fan_in)``."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def glorot_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """``(fan_in, fan_out)`` weights from ``U(-r, r)``, ``r = sqrt(6 / (fan_in + fan_out))``."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


INITIALIZERS = {"he": he_normal, "glorot": glorot_uniform}
