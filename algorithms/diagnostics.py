"""Training health: is a run exploding, stalled or overfitting, are units dead
or saturated? Each check is a pure function of arrays that returns a list of
``Finding``s, each with a plain-words message for a learner (what happens,
the numbers that show it, what to try) and the evidence behind it.

- ``check_history(history)``: the loss curves (``model.history_``, or the
  arrays a window keeps): **exploding**, **stalled**, **overfitting**.
- ``check_units(hidden, activation)``: the hidden layers' outputs on the data
  rows (``model.layer_activations(X)[1:-1]``): **dead units** (ReLU and
  leaky ReLU), **saturated** units (tanh and sigmoid).
- ``check_weights(weights)``: the weight matrices: **exploding** weights.
- ``check_model(model, X)``: all of the above for a fitted model.

Each is cheap enough to run every frame: the history checks are a few
vectorised passes over the curves (measured: 0.07 ms for 1,000 epochs,
about 1 ms for 100,000), the unit checks a few comparisons per activation
(0.02 ms for two layers of 16 units over 300 rows). Inputs may be float32
or float64 (or Python lists, slower to convert); nothing warns on huge,
infinite or NaN values.

NumPy and the standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Finding",
    "Thresholds",
    "DEFAULT_THRESHOLDS",
    "check_history",
    "check_units",
    "check_weights",
    "check_model",
]

#: what a finding can be about
KINDS = ("exploding", "stalled", "overfitting", "dead_units", "saturated")
#: "error": training cannot succeed like this; "warning": worth a look
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a run."""

    kind: str  # one of KINDS
    severity: str  # "error" (cannot succeed like this) or "warning" (worth a look)
    message: str  # for a person: what happens, the numbers that show it, what to try
    # those numbers by name (epochs are 1-based); left out of the hash, so a
    # finding can go in a set (to tell a new one from one already shown)
    evidence: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Thresholds:
    """Where each check draws the line. The defaults keep every check quiet
    on the app's default runs (tests/algorithms/test_diagnostics.py) and fire
    on the runs that go wrong there."""

    # exploding: the latest loss is at least this many times the lowest loss
    # before it (two orders of magnitude) and above the first epoch's loss
    explode_factor: float = 100.0
    # exploding weights: the largest |weight| of a network on standardised
    # inputs (healthy ones stay below ~100; a blown-up one reaches 1e10)
    weight_limit: float = 1e3
    # stalled: no new lowest loss by more than this fraction ...
    stall_improvement: float = 0.01
    # ... for this many epochs ...
    stall_epochs: int = 100
    # ... while the training accuracy (or R^2) is below this
    good_score: float = 0.8
    # overfitting: the recent validation loss is this fraction above its lowest ...
    overfit_rise: float = 0.25
    # ... reached at least this many epochs ago ...
    overfit_epochs: int = 20
    # ... while the training loss fell by at least this fraction since then
    overfit_fall: float = 0.1
    # "recent" = the mean over this many epochs (mini-batch losses are noisy)
    recent_epochs: int = 10
    # a unit is saturated on a sample when it passes at most this share of
    # the gradient it passes at its steepest (tanh: |a| >= 0.99; sigmoid:
    # a <= 0.005 or a >= 0.995)
    pinned_gradient: float = 0.02
    # ... and counts as saturated (or dead) when that holds on this share of the samples
    pinned_samples: float = 0.95
    # a layer is reported when at least this share of its units is dead or saturated
    unit_fraction: float = 0.25


DEFAULT_THRESHOLDS = Thresholds()


# -- history -----------------------------------------------------------------------
def check_history(history: Mapping[str, Sequence[float]], *, learning_rate: float | None = None, since: int = 0,
                  thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """Findings about the loss curves, most severe first.

    Parameters
    ----------
    history : mapping of name to a sequence of per-epoch values
        ``"loss"`` (required), ``"val_loss"`` (NaN where there is no
        validation split), and the training score as ``"accuracy"``,
        ``"r2"`` or ``"score"``: ``model.history_`` as it is, or the arrays
        a window keeps (NumPy arrays: converting a list of 100,000 floats
        costs milliseconds). Epoch ``i + 1`` is at index ``i``.
    learning_rate : float, optional
        Named in the messages ("the learning rate 10 is too high").
    since : int
        Judge only the epochs from index ``since`` on: pass the index of the
        first epoch after new data or a live change of the learning rate, so
        that the loss jump of freshly drawn points is not taken for a
        blow-up. Epochs in messages still count from the first.
    thresholds : Thresholds

    Checks
    ------
    exploding (error)
        Some epoch's loss ``L_t >= explode_factor * min(L_s, s < t)`` and
        ``L_t > L_since``: the loss grew by orders of magnitude past where it
        started (the worst such epoch is reported, even if the loss has come
        down since, unless it is back below its lowest before). Fires while
        the loss is still finite, epochs before a NaN would stop training.
    stalled (warning)
        No loss in the last ``stall_epochs`` epochs is below
        ``(1 - stall_improvement)`` times the lowest loss before them, and
        the latest training score is below ``good_score`` (without a score:
        the lowest loss is still above half the first). Not reported while
        exploding (that says why).
    overfitting (warning)
        On means over blocks of ``recent_epochs`` epochs (the last block
        ending at the latest epoch): with ``v*`` the lowest block mean of the
        validation loss (at least ``overfit_epochs`` before the latest
        block) and ``L*`` the training loss's mean over the same block, the
        latest block's validation mean is ``>= (1 + overfit_rise) v*`` and
        its training mean ``<= (1 - overfit_fall) L*``.
    """
    if "loss" not in history:
        raise ValueError(f"history must have a 'loss' entry; it has {sorted(history)}")
    if isinstance(since, bool) or not isinstance(since, (int, np.integer)) or since < 0:
        raise ValueError(f"since must be an integer >= 0, got {since!r}")
    _check_learning_rate(learning_rate)
    loss = _curve(history["loss"], "loss")
    offset = int(since)
    loss = loss[offset:]
    findings = []
    with np.errstate(all="ignore"):  # inf/NaN losses compare; they must not warn
        exploding = _exploding(loss, offset, learning_rate, thresholds)
        if exploding is not None:
            findings.append(exploding)
        else:
            score_key = next((key for key in ("accuracy", "r2", "score") if key in history), None)
            score = None if score_key is None else _curve(history[score_key], score_key)[offset:]
            stalled = _stalled(loss, score, score_key, offset, learning_rate, thresholds)
            if stalled is not None:
                findings.append(stalled)
            if "val_loss" in history:
                val_loss = _curve(history["val_loss"], "val_loss")[offset:]
                overfitting = _overfitting(loss, val_loss, offset, thresholds)
                if overfitting is not None:
                    findings.append(overfitting)
    return _by_severity(findings)


def _curve(values, name: str) -> np.ndarray:
    try:
        curve = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"history[{name!r}] must be a sequence of numbers") from None
    if curve.ndim != 1:
        raise ValueError(f"history[{name!r}] must be one value per epoch (1-D); got shape {curve.shape}")
    return curve


def _check_learning_rate(learning_rate) -> None:
    if learning_rate is not None and not (isinstance(learning_rate, (int, float, np.floating))
                                          and not isinstance(learning_rate, bool) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive number or None, got {learning_rate!r}")


def _rate_too_high(learning_rate: float | None, hedge: str = "") -> str:
    """"The learning rate 10 is too high", or without a rate "The learning rate is too high"."""
    rate = "" if learning_rate is None else f" {learning_rate:g}"
    return f"The learning rate{rate} is {hedge}too high"


def _exploding(loss: np.ndarray, offset: int, learning_rate, thresholds: Thresholds) -> Finding | None:
    """The worst blow-up in ``loss``: the epoch ``t`` whose loss is the most
    times the lowest before it, if that is at least ``explode_factor`` and
    above the first loss (or the loss is no longer finite). A blow-up the
    run has not fully recovered from still counts (the loss not back below
    its lowest before the blow-up): a window that checks the curves a few
    times a second must not miss a spike of a few epochs."""
    if len(loss) < 2:
        return None
    with np.errstate(all="ignore"):
        running_min = np.fmin.accumulate(loss[:-1])  # (t-1,) lowest loss before each epoch
        ratio = loss[1:] / running_min
        grown = (ratio >= thresholds.explode_factor) & (loss[1:] > loss[0])
        grown |= ~np.isfinite(loss[1:])  # an infinite or NaN loss counts as grown
    if not grown.any():
        return None
    candidates = np.where(grown, np.nan_to_num(ratio, nan=np.inf, posinf=np.inf), -np.inf)
    peak_index = 1 + int(np.argmax(candidates))
    best_index = int(np.nanargmin(loss[:peak_index])) if np.isfinite(loss[:peak_index]).any() else 0
    best, peak, last = loss[best_index], loss[peak_index], loss[-1]
    if last < best:  # back below where it was before the blow-up: a spike it got over
        return None
    epochs = peak_index - best_index
    evidence = {
        "from_epoch": offset + best_index + 1,
        "from_loss": float(best),
        "to_epoch": offset + peak_index + 1,
        "to_loss": float(peak),
        "loss_now": float(last),
        "learning_rate": learning_rate,
    }
    recovered = math.isfinite(last) and last * 10 <= peak
    now = f"; it is {last:.3g} now" if recovered else ""
    try_rate = "" if learning_rate is None else f" (try {learning_rate / 10:g})"
    message = (
        f"{_rate_too_high(learning_rate)}: the loss grew from {best:.3g} to {peak:.3g} in "
        f"{epochs} epoch{'s' if epochs != 1 else ''} (epochs {evidence['from_epoch']} to {evidence['to_epoch']})"
        f"{now}. Training {'blew' if recovered else 'is blowing'} up instead of learning. Lower the "
        f"learning rate{try_rate} and train again from new initial weights."
    )
    return Finding("exploding", "error", message, evidence)


def _stalled(loss: np.ndarray, score: np.ndarray | None, score_key: str | None, offset: int, learning_rate,
             thresholds: Thresholds) -> Finding | None:
    window = thresholds.stall_epochs
    if len(loss) <= window:
        return None
    earlier, recent = loss[:-window], loss[-window:]
    if not (np.isfinite(earlier).any() and np.isfinite(recent).any()):
        return None
    best_earlier, best_recent = np.nanmin(earlier), np.nanmin(recent)
    if best_recent < (1.0 - thresholds.stall_improvement) * best_earlier:
        return None  # still improving
    best_index = int(np.nanargmin(loss))
    first = loss[0]
    if score is not None and len(score) == len(loss) and math.isfinite(score[-1]):
        now_score = float(score[-1])
        if now_score >= thresholds.good_score:
            return None  # converged to a good fit: done, not stalled
        if score_key == "accuracy":
            how_good = f"the training accuracy is only {now_score:.0%}"
        elif score_key == "r2":
            how_good = f"R² on the training data is only {now_score:.2f}"
        else:
            how_good = f"the training score is only {now_score:.3g}"
    else:
        now_score = None
        if not best_earlier > 0.5 * first:
            return None
        how_good = f"the loss is still {best_earlier / first:.0%} of where it started"
    peak_index = int(np.nanargmax(loss))
    rate = "the learning rate" if learning_rate is None else f"the learning rate {learning_rate:g}"
    if loss[peak_index] >= 2.0 * first:
        advice = (f"On the way the loss jumped to {loss[peak_index]:.3g} (epoch {offset + peak_index + 1}): "
                  f"{rate} is probably too high; lower it and train again from new initial weights.")
    elif best_recent < (1.0 - thresholds.stall_improvement / 10) * best_earlier:
        advice = (f"It still improves, but only by {1.0 - best_recent / best_earlier:.1%} per {window} epochs: "
                  f"{rate} may be too low (try it 10 times higher).")
    elif best_earlier > 0.9 * first:
        advice = (f"The loss has barely moved from {first:.3g}: {rate} may be too low (try it 10 times "
                  f"higher), or the model too simple for these data.")
    else:
        advice = ("Try a bigger model (more units or layers) or more input features, or a different "
                  "learning rate; if the data are very noisy, this may be as good as it gets.")
    message = (
        f"Training has stalled: the loss has not improved by {thresholds.stall_improvement:.0%} in the last "
        f"{window} epochs (lowest {loss[best_index]:.3g} at epoch {offset + best_index + 1}) and {how_good}. "
        f"{advice}"
    )
    evidence = {
        "epochs_without_improvement": window,
        "best_loss": float(loss[best_index]),
        "best_epoch": offset + best_index + 1,
        "loss_now": float(loss[-1]),
        "first_loss": float(first),
        "score": now_score,
        "score_name": score_key,
        "learning_rate": learning_rate,
    }
    return Finding("stalled", "warning", message, evidence)


def _overfitting(loss: np.ndarray, val_loss: np.ndarray, offset: int, thresholds: Thresholds) -> Finding | None:
    if len(val_loss) != len(loss):
        raise ValueError(f"history['val_loss'] has {len(val_loss)} epochs but history['loss'] has {len(loss)}")
    recent = thresholds.recent_epochs
    # Only the epochs since the validation loss was last missing (NaN: no split) count.
    missing = np.flatnonzero(~np.isfinite(val_loss) | ~np.isfinite(loss))
    start = int(missing[-1]) + 1 if len(missing) else 0
    if len(loss) - start < thresholds.overfit_epochs + recent:
        return None
    # Means over blocks of `recent` epochs, the last block ending at the
    # latest epoch: one noisy low epoch of a mini-batch run is no minimum to
    # rise from (and 10x fewer values to search, every frame).
    val_mean = _block_means(val_loss[start:], recent)
    train_mean = _block_means(loss[start:], recent)
    best = int(np.argmin(val_mean))
    if (len(val_mean) - 1 - best) * recent < thresholds.overfit_epochs:
        return None
    best_val, val_now = float(val_mean[best]), float(val_mean[-1])
    train_then, train_now = float(train_mean[best]), float(train_mean[-1])
    if not (val_now >= (1.0 + thresholds.overfit_rise) * best_val
            and train_now <= (1.0 - thresholds.overfit_fall) * train_then):
        return None
    # the last epoch of the lowest block (1-based)
    best_epoch = offset + len(loss) - (len(val_mean) - 1 - best) * recent
    message = (
        f"Overfitting: the validation loss rose from {best_val:.3g} (around epoch {best_epoch}) to "
        f"{val_now:.3g} while the training loss fell from {train_then:.3g} to {train_now:.3g}. The model is "
        f"memorising the training points instead of learning the pattern. Try early stopping, more L2, a "
        f"smaller model or more data."
    )
    evidence = {
        "best_val_epoch": best_epoch,
        "best_val_loss": best_val,
        "val_loss_now": val_now,
        "train_loss_then": train_then,
        "train_loss_now": train_now,
        "averaged_over_epochs": recent,
    }
    return Finding("overfitting", "warning", message, evidence)


def _block_means(values: np.ndarray, width: int) -> np.ndarray:
    """Means of consecutive blocks of ``width`` values, the last block ending
    with the last value (leftover values at the start are dropped)."""
    n_blocks = len(values) // width
    return values[len(values) - n_blocks * width:].reshape(n_blocks, width).mean(axis=1)


# -- units -------------------------------------------------------------------------
#: what a dead or saturated unit is, per activation: (kind, words)
_UNIT_PROBLEMS = {
    "relu": ("dead_units", "output 0 for every sample (dead ReLU units), so no gradient reaches them and "
                           "they no longer learn"),
    "leaky_relu": ("dead_units", "are negative for every sample (dead leaky-ReLU units): only 1% of the "
                                 "gradient reaches them, so they barely learn"),
    "tanh": ("saturated", "are pinned at ±1 for nearly every sample (saturated tanh units): almost no "
                          "gradient passes, so they learn very slowly"),
    "sigmoid": ("saturated", "are pinned at 0 or 1 for nearly every sample (saturated sigmoid units): almost "
                             "no gradient passes, so they learn very slowly"),
}


def check_units(hidden: Sequence[np.ndarray], activation: str,
                thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """Dead or saturated hidden units, counted per layer.

    Parameters
    ----------
    hidden : sequence of arrays of shape (n_samples, width_l)
        Each hidden layer's output on the data rows:
        ``model.layer_activations(X)[1:-1]`` (that list also holds the
        inputs first and the outputs last; leave them out).
    activation : str
        The hidden layers' activation: "relu", "leaky_relu", "tanh",
        "sigmoid" or "linear" (nothing to check).

    Checks
    ------
    dead_units (ReLU, leaky ReLU)
        A unit is dead when ``a <= 0`` for every sample (``z <= 0``: ReLU
        passes no gradient there, leaky ReLU 1%).
    saturated (tanh, sigmoid)
        A unit is saturated when ``f'(z) <= pinned_gradient * max f'`` on at
        least ``pinned_samples`` of the samples: ``1 - a^2 <= 0.02`` (tanh),
        ``a (1 - a) <= 0.02 / 4`` (sigmoid).

    A layer is reported when at least ``unit_fraction`` of its units are
    (and at least one): one finding listing every such layer, an "error"
    when a whole layer is dead (the output no longer depends on the input)
    or saturated (almost no gradient gets through it), else a "warning".
    No samples: no findings.
    """
    from .activations import ACTIVATIONS

    if activation not in ACTIVATIONS:
        expected = ", ".join(map(repr, ACTIVATIONS))
        raise ValueError(f"activation={activation!r} is unknown: expected one of {expected}")
    layers = [np.asarray(layer) for layer in hidden]
    for index, layer in enumerate(layers):
        if layer.ndim != 2:
            raise ValueError(
                f"hidden[{index}] must be a 2-D array (n_samples, width); got shape {layer.shape}. Pass "
                f"model.layer_activations(X)[1:-1]"
            )
        if len(layer) != len(layers[0]):
            raise ValueError(f"hidden[{index}] has {len(layer)} samples but hidden[0] has {len(layers[0])}")
    if activation not in _UNIT_PROBLEMS or not layers or len(layers[0]) == 0:
        return []
    kind, words = _UNIT_PROBLEMS[activation]
    counts = []  # (layer number, bad units, width)
    for number, layer in enumerate(layers, start=1):
        bad = _dead(layer) if kind == "dead_units" else _saturated(layer, activation, thresholds)
        n_bad = int(np.count_nonzero(bad))
        if n_bad and n_bad >= thresholds.unit_fraction * layer.shape[1]:
            counts.append((number, n_bad, layer.shape[1]))
    if not counts:
        return []
    whole_layer = [number for number, n_bad, width in counts if n_bad == width]
    parts = [f"{n_bad} of {width} units in hidden layer {number}" for number, n_bad, width in counts]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    message = f"{listed[:1].upper()}{listed[1:]} {words}."
    if whole_layer:
        which = (f"hidden layer {whole_layer[0]}" if len(whole_layer) == 1 else
                 "hidden layers " + ", ".join(map(str, whole_layer[:-1])) + f" and {whole_layer[-1]}")
        if kind == "dead_units":
            message += f" With every unit of {which} dead, the output no longer depends on the input."
        else:
            message += f" With every unit of {which} saturated, the network can hardly learn any more."
    if kind == "dead_units":
        message += (" Try a lower learning rate, leaky_relu instead of relu, or new initial weights (a "
                    "different seed).")
    else:
        message += " Try a lower learning rate or more L2 (smaller weights), and keep inputs normalised."
    evidence = {
        "activation": activation,
        "layers": [{"layer": number, "units": n_bad, "width": width} for number, n_bad, width in counts],
        "n_samples": int(len(layers[0])),
    }
    return [Finding(kind, "error" if whole_layer else "warning", message, evidence)]


def _dead(layer: np.ndarray) -> np.ndarray:
    """(width,) bool: the unit's output is never positive."""
    return ~np.any(layer > 0, axis=0)


def _saturated(layer: np.ndarray, activation: str, thresholds: Thresholds) -> np.ndarray:
    """(width,) bool: pinned (see ``check_units``) on at least ``pinned_samples`` of the rows."""
    if activation == "tanh":
        # 1 - a^2 <= g  <=>  |a| >= sqrt(1 - g)
        pinned = np.abs(layer) >= math.sqrt(1.0 - thresholds.pinned_gradient)
    else:
        # a (1 - a) <= g / 4  <=>  |a - 1/2| >= sqrt(1 - g) / 2
        pinned = np.abs(layer - 0.5) >= 0.5 * math.sqrt(1.0 - thresholds.pinned_gradient)
    return np.count_nonzero(pinned, axis=0) >= thresholds.pinned_samples * len(layer)


# -- weights -----------------------------------------------------------------------
def check_weights(weights: Sequence[np.ndarray], *, learning_rate: float | None = None,
                  thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """Exploding weights: the largest ``|w|`` is at least ``weight_limit``
    (or not finite). An "error" finding of kind "exploding".

    ``weights``: the weight matrices, for a network on standardised inputs
    (``model.coefs_`` of a ``NeuralNetwork`` with ``normalize=True``). This
    catches a blow-up the loss hides: when every ReLU unit has died the loss
    only sees the output bias, while the weights behind it are huge.
    """
    _check_learning_rate(learning_rate)
    largest = 0.0
    for matrix in weights:
        matrix = np.asarray(matrix)
        if matrix.size:
            with np.errstate(all="ignore"):
                biggest = float(np.max(np.abs(matrix)))
            if not biggest <= largest:  # NaN wins too
                largest = biggest
    if largest < thresholds.weight_limit:
        return []
    try_rate = "" if learning_rate is None else f" (try {learning_rate / 10:g})"
    message = (
        f"{_rate_too_high(learning_rate, 'probably ')}: the weights have blown up, the largest is "
        f"{largest:.3g} (a healthy network on normalised inputs keeps them below about 100). Lower the "
        f"learning rate{try_rate} and train again from new initial weights."
    )
    return [Finding("exploding", "error", message, {"largest_weight": largest, "learning_rate": learning_rate})]


# -- all of it ---------------------------------------------------------------------
def check_model(model, X=None, *, since: int = 0, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """Every check for a fitted model, most severe first, one finding per kind.

    The history checks on ``model.history_`` (with its learning rate), the
    weight check on its network's weights (standardised units, whatever the
    model) and, for a ``NeuralNetwork`` when ``X`` is given, the unit checks
    on its hidden layers over the rows of ``X``.
    """
    model._require_fitted()
    learning_rate = float(model.learning_rate)
    findings = []
    history = getattr(model, "history_", None)  # a snapshot has none
    if history is not None:
        findings += check_history(history, learning_rate=learning_rate, since=since, thresholds=thresholds)
    if not any(finding.kind == "exploding" for finding in findings):
        findings += check_weights(model._network.weights, learning_rate=learning_rate, thresholds=thresholds)
    if X is not None and hasattr(model, "layer_activations"):
        findings += check_units(model.layer_activations(X)[1:-1], model.activation, thresholds)
    return _by_severity(findings)


def _by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings; each group in check order (stable)."""
    return sorted(findings, key=lambda finding: SEVERITIES.index(finding.severity))
