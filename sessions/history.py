"""The loss curves' history as a session stores it: the state of the loss
view's bounded min/max history (``gui/views/_history.py``), level by level,
checked so that a history read from a file can be appended to and drawn
like the one that was saved.

A history of ``size`` samples of ``rows`` series (x = the epoch) has:

- level 0: the newest samples as they are, ``x (m,)`` and ``values (rows, m)``,
  absolute entries ``[base, size)`` with ``m >= min(size, raw_limit)``;
- level ``j >= 1`` (while level ``j - 1`` has more than one entry): blocks of
  ``2**j`` samples, ``ceil(size / 2**j)`` of them in all, the newest
  ``m >= min(that, block_limit)`` kept as ``x (m,)`` (each block's first
  epoch), ``low (rows, m)`` and ``high (rows, m)`` (its minimum and maximum).

x is finite and increasing in every level; values may be NaN (no
validation rows) or infinite.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["HistoryLevel", "HistoryState"]

MAX_ROWS = 16
MAX_LIMIT = 2**24
#: the metrics the loss view's lower plot shows
METRICS = ("accuracy", "R²")


@dataclass(frozen=True, eq=False)
class HistoryLevel:
    """One level: absolute entries ``[base, end)`` held; ``high is low`` on level 0."""

    base: int
    end: int
    x: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True, eq=False)
class HistoryState:
    """A checked history (see the module docstring) and the metric it shows."""

    metric: str
    rows: int
    raw_limit: int
    block_limit: int
    size: int
    first_x: float
    levels: tuple[HistoryLevel, ...]

    def to_document(self) -> tuple[dict, dict[str, np.ndarray]]:
        """``(JSON description, arrays)`` for a session file."""
        description = {"metric": self.metric, "rows": self.rows, "raw_limit": self.raw_limit,
                       "block_limit": self.block_limit, "size": self.size,
                       "first_x": self.first_x if math.isfinite(self.first_x) else None,
                       "levels": [{"base": level.base, "end": level.end} for level in self.levels]}
        arrays = {}
        for number, level in enumerate(self.levels):
            arrays[f"level{number}.x"] = level.x
            if number == 0:
                arrays["level0.values"] = level.low
            else:
                arrays[f"level{number}.low"] = level.low
                arrays[f"level{number}.high"] = level.high
        return description, arrays

    @classmethod
    def from_document(cls, description, arrays) -> "HistoryState":
        """The history a session file describes, every invariant checked
        (``ValueError`` naming the first that fails)."""
        where = "history"
        if not isinstance(description, dict):
            raise ValueError(f"{where} must be an object")
        unknown = sorted(set(description) - {"metric", "rows", "raw_limit", "block_limit", "size", "first_x",
                                             "levels"})
        if unknown:
            raise ValueError(f"{where}.{unknown[0]} is not part of a history")
        metric = description.get("metric")
        if metric not in METRICS:
            raise ValueError(f"{where}.metric must be one of {', '.join(map(repr, METRICS))}, got {metric!r}")
        rows = _integer(description, "rows", 1, MAX_ROWS)
        raw_limit = _integer(description, "raw_limit", 4, MAX_LIMIT)
        block_limit = _integer(description, "block_limit", 4, MAX_LIMIT)
        size = _integer(description, "size", 0, 2**62)
        levels_about = description.get("levels")
        if not isinstance(levels_about, list) or not levels_about:
            raise ValueError(f"{where}.levels must be a non-empty list")
        wanted_levels = 1
        end = size
        while end > 1:  # a level above each one with more than one entry
            end = -(-end // 2)
            wanted_levels += 1
        if len(levels_about) != wanted_levels:
            raise ValueError(f"{where}.levels has {len(levels_about)} levels; {size} samples need {wanted_levels}")
        expected_arrays = set()
        levels = []
        for number, about in enumerate(levels_about):
            here = f"{where}.levels[{number}]"
            if not isinstance(about, dict) or set(about) != {"base", "end"}:
                raise ValueError(f"{here} must be an object with base and end")
            level_end = -(-size // 2**number)
            base = _integer(about, "base", 0, level_end, here)
            if _integer(about, "end", 0, 2**62, here) != level_end:
                raise ValueError(f"{here}.end must be {level_end} for {size} samples")
            held = level_end - base
            limit = raw_limit if number == 0 else block_limit
            if held < min(level_end, limit):
                raise ValueError(f"{here} holds {held} entries; at least {min(level_end, limit)} are needed")
            x = _vector(arrays, f"level{number}.x", (held,))
            if held and (not np.isfinite(x).all() or (np.diff(x) <= 0).any()):
                raise ValueError(f"arrays: 'level{number}.x' must be finite and increasing")
            if number == 0:
                low = high = _vector(arrays, "level0.values", (rows, held))
                expected_arrays |= {"level0.x", "level0.values"}
            else:
                low = _vector(arrays, f"level{number}.low", (rows, held))
                high = _vector(arrays, f"level{number}.high", (rows, held))
                expected_arrays |= {f"level{number}.x", f"level{number}.low", f"level{number}.high"}
            levels.append(HistoryLevel(base, level_end, x, low, high))
        extra = sorted(set(arrays) - expected_arrays)
        if extra:
            raise ValueError(f"arrays: {extra[0]!r} is not part of a history")
        first_x = description.get("first_x")
        if size:
            if isinstance(first_x, bool) or not isinstance(first_x, numbers.Real) or not math.isfinite(first_x):
                raise ValueError(f"{where}.first_x must be a number, got {first_x!r}")
            level0 = levels[0]
            if level0.base == 0 and float(first_x) != float(level0.x[0]):
                raise ValueError(f"{where}.first_x must be the first epoch held, {level0.x[0]:g}")
            if float(first_x) > float(level0.x[0]):
                raise ValueError(f"{where}.first_x is after the epochs held")
            first_x = float(first_x)
        else:
            if first_x is not None:
                raise ValueError(f"{where}.first_x must be null for an empty history")
            first_x = math.nan
        return cls(metric, rows, raw_limit, block_limit, size, first_x, tuple(levels))


def _integer(mapping: dict, name: str, low: int, high: int, where: str = "history") -> int:
    value = mapping.get(name)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise ValueError(f"{where}.{name} must be an integer between {low} and {high}, got {value!r}")
    return int(value)


def _vector(arrays, name: str, shape: tuple) -> np.ndarray:
    array = arrays.get(name)
    if not isinstance(array, np.ndarray):
        raise ValueError(f"arrays: the history array {name!r} is missing")
    if array.dtype != np.float64 or array.shape != shape:
        raise ValueError(f"arrays: {name!r} must be float64 of shape {shape}, got {array.dtype} {array.shape}")
    return array
