"""Hyperparameter declarations: one ``Param`` per constructor argument.

Each model lists its full constructor as ``PARAMS: tuple[Param, ...]``. The
same declaration drives validation in ``fit``/``set_params`` and the GUI's
form (labels, tooltips, ranges, log-scale sliders, which values may change
while training), so a new hyperparameter appears in the panel without
touching ``gui/``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["Param", "validate_param", "validate_params", "MAX_PARAMETERS", "count_parameters"]

#: Most weights and biases a model may have. Training keeps about eleven
#: vectors of this length (parameters, gradient, optimiser moments, L1/L2
#: scratch, the Trainer's divergence and early-stopping copies): 20 million
#: float64 parameters are about 1.8 GB, so a stack like ``(4096,) * 64``
#: (a billion parameters) is refused with this limit named instead of
#: failing with ``MemoryError``. The GUI's layer editor reads it too.
MAX_PARAMETERS = 20_000_000


def count_parameters(layer_sizes) -> int:
    """Weights and biases of a dense network with ``layer_sizes = (n_in, h_1, ..., n_out)``:
    ``sum_l (fan_in_l + 1) * fan_out_l``."""
    sizes = [int(size) for size in layer_sizes]
    return sum((fan_in + 1) * fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))


@dataclass(frozen=True)
class Param:
    """Declaration of one hyperparameter (one constructor keyword)."""

    name: str  # constructor keyword
    kind: type | str  # int, float, bool, str, or "layers" (tuple of positive ints)
    default: object
    label: str  # human label for the GUI form
    help: str  # one sentence, used as tooltip
    low: float | None = None  # inclusive bounds for int/float
    high: float | None = None
    choices: tuple | None = None  # allowed values of a str param
    log: bool = False  # the GUI uses a log-scale control (learning_rate, l2)
    live: bool = False  # may change while training; takes effect next epoch
    optional: bool = False  # None allowed (batch_size=None means full batch)


def _plain(value: object) -> object:
    """NumPy scalars as Python ones, so messages read ``5``, not ``np.int64(5)``."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    return value


def _fail(param: Param, value: object, why: str) -> ValueError:
    return ValueError(f"{param.name}={_plain(value)!r} is invalid: {why}")


def validate_param(param: Param, value: object) -> object:
    """Check ``value`` against ``param`` and return it in canonical form.

    Canonical form: ints as ``int``, floats as ``float``, layers as a tuple of
    ints. Raises ``ValueError`` naming the parameter and the value.
    """
    if value is None:
        if param.optional:
            return None
        raise _fail(param, value, "a value is required")
    kind = param.kind
    if kind == "layers":
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise _fail(param, value, "expected a tuple of layer widths, e.g. (16, 16)")
        if iter(value) is value:
            # A generator or iterator is used up by the first read: the model
            # would silently get no hidden layers the next time.
            raise _fail(param, value, "got an iterator (e.g. a generator), which can be read only once; "
                                      "pass a tuple or list of layer widths, e.g. (16, 16)")
        if isinstance(value, (set, frozenset, dict)):
            raise _fail(param, value, "layers have an order; pass a tuple or list of widths, e.g. (16, 16)")
        widths = tuple(value)
        for width in widths:
            if isinstance(width, bool) or not isinstance(width, numbers.Integral):
                raise _fail(param, value, f"layer width {_plain(width)!r} is not an integer")
            if width < 1:
                raise _fail(param, value, f"layer width {width} must be a positive integer")
            if param.high is not None and width > param.high:
                raise _fail(param, value, f"layer width {width} exceeds {param.high:g}")
        widths = tuple(int(width) for width in widths)
        # The hidden stack alone (inputs and outputs are known at fit, where
        # the whole network is checked again).
        n_hidden_params = count_parameters(widths)
        if n_hidden_params > MAX_PARAMETERS:
            raise _fail(param, value, f"the hidden layers alone have {n_hidden_params:,} weights and biases, above "
                                      f"the limit of {MAX_PARAMETERS:,} (algorithms.MAX_PARAMETERS); use fewer or "
                                      f"narrower layers")
        return widths
    if kind is bool:
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise _fail(param, value, "expected True or False")
    if kind is str:
        if not isinstance(value, str):
            raise _fail(param, value, f"expected one of {param.choices}")
        if param.choices is not None and value not in param.choices:
            raise _fail(param, value, f"expected one of {', '.join(map(repr, param.choices))}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise _fail(param, value, "expected an integer")
        value = int(value)
    elif kind is float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise _fail(param, value, "expected a number")
        value = float(value)
        if not math.isfinite(value):
            raise _fail(param, value, "expected a finite number")
    else:  # pragma: no cover - declarations are written by us
        raise TypeError(f"unknown Param kind {kind!r} for {param.name}")
    if param.low is not None and value < param.low:
        if param.low > 0 and value <= 0:
            raise _fail(param, value, f"must be positive (>= {param.low:g})")
        raise _fail(param, value, f"must be >= {param.low:g}")
    if param.high is not None and value > param.high:
        raise _fail(param, value, f"must be <= {param.high:g}")
    return value


def validate_params(params: tuple[Param, ...], values: dict) -> dict:
    """Validate every declared parameter in ``values``; return canonical values."""
    return {p.name: validate_param(p, values[p.name]) for p in params if p.name in values}


# -- declarations shared by the models ------------------------------------------
def learning_rate_param(default: float) -> Param:
    return Param(
        "learning_rate", float, default, "Learning rate",
        "Step size of each gradient-descent update; too high diverges, too low crawls.",
        low=1e-6, high=10.0, log=True, live=True,
    )


def l2_param(default: float) -> Param:
    return Param(
        "l2", float, default, "L2 penalty",
        "Weight decay: adds l2/2 * sum of squared weights to the loss, shrinking weights.",
        low=0.0, high=10.0, log=True, live=True,
    )


def l1_param(default: float) -> Param:
    return Param(
        "l1", float, default, "L1 penalty",
        "Sparsity: adds l1 * sum of absolute weights to the loss, setting small weights to exactly zero.",
        low=0.0, high=10.0, log=True, live=True,
    )


def stopping_params(max_epochs: int) -> tuple[Param, ...]:
    """max_epochs, early_stopping, patience, tol, validation_fraction, normalize, random_state."""
    return (
        Param("max_epochs", int, max_epochs, "Max epochs",
              "Training stops after this many passes over the training data.", low=1, high=10_000_000),
        Param("early_stopping", bool, False, "Early stopping",
              "Stop when the validation loss (training loss without validation) stops improving."),
        Param("patience", int, 20, "Patience",
              "Epochs without an improvement larger than tol before early stopping.", low=1, high=100_000),
        Param("tol", float, 1e-4, "Tolerance",
              "Smallest decrease of the monitored loss that counts as an improvement.", low=0.0, high=1.0),
        Param("validation_fraction", float, 0.2, "Validation fraction",
              "Share of the samples held out to measure generalisation (0 = none); fit() holds it out only "
              "for early stopping, as scikit-learn does.", low=0.0, high=0.5),
        Param("normalize", bool, True, "Normalise inputs",
              "Standardise inputs (and regression targets) to zero mean and unit variance internally."),
        Param("random_state", int, None, "Random seed",
              "Seed for initial weights, shuffling and the validation split; empty = random.",
              low=0, high=2**31 - 1, optional=True),
    )
