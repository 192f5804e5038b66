"""Forecasting past the end of a time-series window dataset.

The ``time_series`` generator cuts a signal ``s_0, s_1, ...`` into windows:
row ``i`` holds ``X[i] = (s_i, ..., s_{i+w-1})`` (features ``"t-w" ..
"t-1"``, the most recent value last), its target is ``y[i] = s_{i+w}`` and
``time[i] = i + w`` is the time of that target. A model trained on it
predicts one step ahead. To see further, feed it its own predictions: the
window after the last row is ``(s_{n+1}, ..., s_{n+w})`` -- the last row's
window shifted by one with its target appended -- the model predicts
``s_{n+w+1}`` from it, that prediction is appended in turn, and so on for
``horizon`` steps.

The model sees the window values only (the time is not one of its
features), exactly as in training. NumPy and the standard library only.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from datasets.dataset import Dataset

__all__ = ["MAX_HORIZON", "forecast", "forecast_start", "roll_forward"]

#: Longest forecast offered (one model call per step).
MAX_HORIZON = 10_000


def _check_horizon(horizon) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral):
        raise ValueError(f"horizon must be an integer number of steps, got {horizon!r}")
    if not 0 <= horizon <= MAX_HORIZON:
        raise ValueError(f"horizon must be within [0, {MAX_HORIZON}], got {horizon!r}")
    return int(horizon)


def _predictor(model, transform) -> Callable[[np.ndarray], np.ndarray]:
    """``window (1, w) -> prediction``: ``model.predict`` (or ``model`` itself
    when it is a plain function), after ``transform.transform`` if given."""
    predict = model.predict if hasattr(model, "predict") else model
    if not callable(predict):
        raise ValueError(f"model must have a predict(X) method or be a function of X, got {type(model).__name__}")
    if transform is None:
        return predict
    return lambda window: predict(transform.transform(window))


def roll_forward(predict: Callable[[np.ndarray], np.ndarray], window, horizon: int) -> np.ndarray:
    """The next ``horizon`` values after ``window``, each predicted from the
    ``w`` values before it, predictions included.

    Parameters
    ----------
    predict : callable
        ``predict(X)`` with ``X`` of shape ``(1, w)`` (oldest value first)
        returns the next value: shape ``(1,)``, ``(1, 1)`` or a scalar.
    window : array-like of shape (w,)
        The last ``w`` observed values, oldest first.
    horizon : int
        Steps to forecast, ``0 .. MAX_HORIZON``.

    Returns
    -------
    ndarray of shape (horizon,), float64
        ``f_k = predict((v_{k-w}, ..., v_{k-1}))`` where ``v`` is the window
        followed by the forecast so far.
    """
    horizon = _check_horizon(horizon)
    window = np.asarray(window, dtype=np.float64)
    if window.ndim != 1 or window.size == 0:
        raise ValueError(f"window must be a non-empty 1-D array of the last values; got shape {window.shape}")
    if not np.isfinite(window).all():
        raise ValueError("window must be finite")
    w = window.size
    # One buffer holds the window and the forecast; the model's input at step
    # k is the slice of the w values before position w + k (a view, no copy).
    values = np.empty(w + horizon)
    values[:w] = window
    for k in range(horizon):
        prediction = np.asarray(predict(values[k:k + w].reshape(1, w)), dtype=np.float64)
        if prediction.size != 1:
            raise ValueError(
                f"predict must return one value for one window; got shape {prediction.shape}"
            )
        values[w + k] = prediction.reshape(())
    return values[w:].copy()


def forecast(model, dataset: Dataset, horizon: int, *, transform=None) -> tuple[np.ndarray, np.ndarray]:
    """Forecast ``horizon`` steps past the end of a time-series window dataset.

    Parameters
    ----------
    model : fitted model or callable
        Trained on ``dataset``'s windows: ``model.predict(X)`` (or
        ``model(X)``) maps windows ``(m, w)`` to next values ``(m,)``.
    dataset : Dataset
        A time-series window dataset (``dataset.time`` set, one target
        column), as the ``time_series`` generator makes. The series ends at
        its row with the latest time; rows may be in any order.
    horizon : int
        Steps to forecast, ``0 .. MAX_HORIZON``.
    transform : optional
        An input-feature transform the model was trained behind
        (``transform.transform(X)``), e.g. ``algorithms.preprocessing.FeatureTransform``.

    Returns
    -------
    (time, values) : two ndarrays of shape (horizon,)
        ``time`` continues ``dataset.time`` with its step (1 for the
        generator); ``values[k]`` is the model's prediction for that time,
        made from the window of the ``w`` values before it, the last
        observed ones replaced by earlier predictions as they run out.
    """
    horizon = _check_horizon(horizon)
    window, last_time, step = forecast_start(dataset)
    values = roll_forward(_predictor(model, transform), window, horizon)
    return last_time + step * np.arange(1, horizon + 1), values


def forecast_start(dataset: Dataset) -> tuple[np.ndarray, float, float]:
    """Where a forecast of ``dataset`` starts: ``(window, last_time, step)``,
    the ``w`` values before the first forecast step ``(w,)`` (the last row's
    window shifted by one, its target appended), the latest time, and the
    series' time step (the median gap; 1 with a single time)."""
    if not isinstance(dataset, Dataset):
        raise ValueError(f"dataset must be a Dataset, got {type(dataset).__name__}")
    if dataset.time is None or dataset.task != "regression" or dataset.y.ndim != 1:
        raise ValueError(
            f"dataset {dataset.name or '(unnamed)'!r} is not a time-series window dataset: it needs a time "
            f"column and one regression target"
        )
    if dataset.n_samples == 0:
        raise ValueError("dataset has no rows: there is no series to continue")
    last = int(np.argmax(dataset.time))
    # The window after the last row: its window shifted by one, its target appended.
    window = np.append(dataset.X[last, 1:], dataset.y[last])
    times = np.unique(dataset.time)
    step = float(np.median(np.diff(times))) if len(times) > 1 else 1.0
    return window, float(dataset.time[last]), step
