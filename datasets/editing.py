"""An undoable editor for drawn datasets (pure Python + NumPy, no Qt).

The drawing tools of the GUI translate mouse gestures into calls on an
:class:`Editor`; the editor turns each call into a new immutable ``Dataset``
and remembers the previous ones for undo. Because datasets are immutable,
history is a stack of whole values: undo is a pointer swap, never a replay.
"""

from __future__ import annotations

import numbers

import numpy as np

from datasets.dataset import MAX_CLASSES, Dataset


class Editor:
    """Edit a dataset point by point, with undo and redo.

    ``editor.dataset`` is the current value. Every edit method returns the new
    Dataset (``erase`` returns the number of points removed) and is one undo
    step; an edit that changes nothing (erasing where there are no points,
    renaming a class to its own name) records no step. A new edit clears the
    redo history. Edits between ``begin_group()`` and ``end_group()`` form a
    single undo step (one brush stroke, one drag); groups nest.

    Labels: for classification a class code ``0 <= label < n_classes``; for
    regression the target value (a float, or a sequence of ``k`` floats when
    y has shape (n, k)). Positions (``xy``, ``center``, ``delta``) have one
    coordinate per feature, shape (d,).

    Rows added to a dataset with a ``time`` column (a time series) have no
    time, so adding points drops the column; removing, moving and relabelling
    keep it.

    History is bounded: when the undo steps hold more than ``history_bytes``
    of arrays, the oldest are forgotten (a million-point dataset keeps about
    ten steps, a drawing of a few thousand points thousands).
    """

    #: Most classes ``add_class`` creates (the views have eight class colours).
    MAX_CLASSES = MAX_CLASSES

    def __init__(self, dataset: Dataset | None = None, *, history_bytes: int = 256 * 2**20):
        if dataset is None:
            dataset = Dataset.empty()
        if not isinstance(dataset, Dataset):
            raise ValueError(f"dataset must be a Dataset, got {type(dataset).__name__}")
        self._dataset = dataset
        self._undo: list[Dataset] = []
        self._redo: list[Dataset] = []
        self._history_bytes = history_bytes
        self._group_depth = 0
        self._group_start: Dataset | None = None

    # ---------------------------------------------------------------- state

    @property
    def dataset(self) -> Dataset:
        """The current dataset."""
        return self._dataset

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) or (self._group_depth > 0 and self._dataset is not self._group_start)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def in_group(self) -> bool:
        """True between ``begin_group()`` and the matching ``end_group()``."""
        return self._group_depth > 0

    # --------------------------------------------------------------- history

    def begin_group(self) -> None:
        """Start a group: every edit until the matching ``end_group()`` is one undo step."""
        if self._group_depth == 0:
            self._group_start = self._dataset
        self._group_depth += 1

    def end_group(self) -> None:
        """Close the innermost group; closing the outermost records the step (if anything changed)."""
        if self._group_depth == 0:
            raise ValueError("end_group() called without a matching begin_group()")
        self._group_depth -= 1
        if self._group_depth == 0:
            start, self._group_start = self._group_start, None
            if start is not self._dataset:
                self._push_undo(start)

    def undo(self) -> Dataset:
        """Go back one step (closing any open group first); no-op when there is nothing to undo."""
        self._close_groups()
        if self._undo:
            self._redo.append(self._dataset)
            self._dataset = self._undo.pop()
        return self._dataset

    def redo(self) -> Dataset:
        """Re-apply the last undone step; no-op when there is nothing to redo."""
        self._close_groups()
        if self._redo:
            self._push_undo(self._dataset)
            self._dataset = self._redo.pop()
        return self._dataset

    def set_dataset(self, dataset: Dataset) -> Dataset:
        """Replace the whole dataset (a new starting point); undoable like any edit."""
        if not isinstance(dataset, Dataset):
            raise ValueError(f"dataset must be a Dataset, got {type(dataset).__name__}")
        return self._commit(dataset)

    def _close_groups(self) -> None:
        while self._group_depth:
            self.end_group()

    def _commit(self, new: Dataset) -> Dataset:
        """Make ``new`` current as one edit (or part of the open group)."""
        if new is self._dataset:
            return new
        if self._group_depth == 0:
            self._push_undo(self._dataset)
        self._redo.clear()
        self._dataset = new
        return new

    def _push_undo(self, dataset: Dataset) -> None:
        self._undo.append(dataset)
        # Forget the oldest steps beyond the memory budget (always keep the newest).
        total = sum(_nbytes(step) for step in self._undo)
        while total > self._history_bytes and len(self._undo) > 1:
            total -= _nbytes(self._undo.pop(0))

    # ---------------------------------------------------------------- points

    def add_point(self, xy, label) -> Dataset:
        """Append one sample at ``xy`` (d,) with ``label`` (class code or target value)."""
        point = self._position(xy, "xy")
        return self._commit(self._append(point[None, :], label))

    def spray(self, center, radius, n, label, rng=None) -> Dataset:
        """Append ``n`` samples spread normally around ``center`` with ``label``.

        Each point is ``center + N(0, (radius / 2)^2)`` per coordinate, so about
        86% of a 2-D spray falls within ``radius`` of the centre.
        ``rng``: a ``numpy.random.Generator``, a seed, or None.
        """
        centre = self._position(center, "center")
        radius = _non_negative(radius, "radius")
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
            raise ValueError(f"n must be an integer >= 0, got {n!r}")
        self._label(label)  # validate even when n == 0
        if n == 0:
            return self._dataset
        try:
            generator = np.random.default_rng(rng)  # a Generator passes through unchanged
        except (TypeError, ValueError):
            raise ValueError(f"rng must be None, an integer seed >= 0 or a numpy Generator, got {rng!r}") from None
        points = centre + generator.normal(0.0, radius / 2, size=(int(n), centre.size))  # (n, d)
        return self._commit(self._append(points, label))

    def erase(self, center, radius) -> int:
        """Delete every sample within ``radius`` of ``center`` (Euclidean, all features); return how many."""
        centre = self._position(center, "center")
        radius = _non_negative(radius, "radius")
        X = self._dataset.X
        inside = ((X - centre) ** 2).sum(axis=1) <= radius * radius  # (n,)
        removed = int(inside.sum())
        if removed:
            self._commit(self._dataset.take(~inside))
        return removed

    def move(self, indices, delta) -> Dataset:
        """Shift the samples ``indices`` by ``delta`` (d,)."""
        rows = self._indices(indices)
        shift = self._position(delta, "delta")
        if rows.size == 0 or not shift.any():
            return self._dataset
        X = self._dataset.X.copy()
        X[rows] += shift
        return self._commit(self._dataset.replace(X=X))

    def relabel(self, indices, label) -> Dataset:
        """Give the samples ``indices`` the class code (or target value) ``label``."""
        rows = self._indices(indices)
        value = self._label(label)
        if rows.size == 0 or (self._dataset.y[rows] == value).all():
            return self._dataset
        y = self._dataset.y.copy()
        y[rows] = value
        return self._commit(self._dataset.replace(y=y))

    def delete(self, indices) -> Dataset:
        """Remove the samples ``indices``."""
        rows = self._indices(indices)
        if rows.size == 0:
            return self._dataset
        keep = np.ones(self._dataset.n_samples, dtype=bool)
        keep[rows] = False
        return self._commit(self._dataset.take(keep))

    def clear(self) -> Dataset:
        """Remove every sample; classes and feature names stay."""
        if self._dataset.is_empty:
            return self._dataset
        return self._commit(self._dataset.take(np.zeros(0, dtype=np.int64)))

    # --------------------------------------------------------------- classes

    def add_class(self, name: str | None = None) -> Dataset:
        """Append a class (code ``n_classes``), named ``name`` or ``"class j"`` for the first free ``j``."""
        dataset = self._classification("add_class")
        names = dataset.class_names
        if len(names) >= self.MAX_CLASSES:
            raise ValueError(f"cannot add a class: at most {self.MAX_CLASSES} classes, there are {len(names)}")
        if name is None:
            # Counting from n_classes keeps default names in code order, so a
            # saved CSV (whose reader sorts class names) reads back the same codes.
            index = len(names)
            while f"class {index}" in names:
                index += 1
            name = f"class {index}"
        name = self._class_name(name, names)
        return self._commit(dataset.replace(class_names=(*names, name)))

    def remove_class(self, code) -> Dataset:
        """Delete class ``code`` and its samples; codes above it shift down by one."""
        dataset = self._classification("remove_class")
        code = self._code(code)
        if dataset.n_classes == 1:
            raise ValueError("cannot remove the last class: a classification dataset needs at least one")
        keep = dataset.y != code
        y = dataset.y[keep]
        y[y > code] -= 1
        names = dataset.class_names[:code] + dataset.class_names[code + 1 :]
        time = None if dataset.time is None else dataset.time[keep]
        return self._commit(dataset.replace(X=dataset.X[keep], y=y, class_names=names, time=time))

    def rename_class(self, code, name: str) -> Dataset:
        """Rename class ``code`` (names are stripped, non-empty and distinct)."""
        dataset = self._classification("rename_class")
        code = self._code(code)
        others = dataset.class_names[:code] + dataset.class_names[code + 1 :]
        name = self._class_name(name, others)
        if name == dataset.class_names[code]:
            return dataset
        names = (*dataset.class_names[:code], name, *dataset.class_names[code + 1 :])
        return self._commit(dataset.replace(class_names=names))

    # ------------------------------------------------------------ validation

    def _classification(self, operation: str) -> Dataset:
        if self._dataset.task != "classification":
            raise ValueError(f"{operation}() needs a classification dataset; this one is regression")
        return self._dataset

    def _code(self, code) -> int:
        n_classes = self._dataset.n_classes
        if isinstance(code, bool) or not isinstance(code, numbers.Integral) or not 0 <= code < n_classes:
            raise ValueError(f"class code must be an integer in 0..{n_classes - 1}, got {code!r}")
        return int(code)

    @staticmethod
    def _class_name(name, taken) -> str:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"class name must be a non-empty string, got {name!r}")
        name = name.strip()
        if name in taken:
            raise ValueError(f"class name {name!r} is already used by another class")
        return name

    def _position(self, value, what: str) -> np.ndarray:
        """``value`` as a finite (d,) float64 vector, d = n_features."""
        try:
            point = np.asarray(value, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be {self._dataset.n_features} numbers, got {value!r}") from None
        if point.size != self._dataset.n_features or not np.isfinite(point).all():
            raise ValueError(f"{what} must be {self._dataset.n_features} finite numbers, got {value!r}")
        return point

    def _label(self, label):
        """A validated label: an int code, a float target, or a (k,) target vector."""
        dataset = self._dataset
        if dataset.task == "classification":
            if isinstance(label, bool) or not isinstance(label, numbers.Integral):
                raise ValueError(
                    f"label must be a class code in 0..{dataset.n_classes - 1} for classification, got {label!r}"
                )
            return self._code(label)
        if dataset.y.ndim == 2:
            try:
                value = np.asarray(label, dtype=np.float64).reshape(-1)
            except (TypeError, ValueError):
                value = None
            if value is None or value.size != dataset.y.shape[1] or not np.isfinite(value).all():
                raise ValueError(f"label must be {dataset.y.shape[1]} finite target values, got {label!r}")
            return value
        if isinstance(label, bool) or not isinstance(label, numbers.Real) or not np.isfinite(label):
            raise ValueError(f"label must be a finite target value for regression, got {label!r}")
        return float(label)

    def _indices(self, indices) -> np.ndarray:
        """Row indices (unique, sorted int64) from an index sequence or a boolean mask."""
        n_samples = self._dataset.n_samples
        rows = np.asarray(indices)
        if rows.dtype == bool:
            if rows.shape != (n_samples,):
                raise ValueError(f"a boolean mask of indices must have shape ({n_samples},), got {rows.shape}")
            return np.flatnonzero(rows)
        if rows.size == 0:
            return np.zeros(0, dtype=np.int64)
        if rows.dtype.kind not in "iu" or rows.ndim != 1:
            raise ValueError(f"indices must be a 1-D sequence of row numbers or a boolean mask, got {indices!r}")
        if rows.min() < 0 or rows.max() >= n_samples:
            raise ValueError(f"indices must be within 0..{n_samples - 1}, got {rows.min()}..{rows.max()}")
        return np.unique(rows).astype(np.int64)

    def _append(self, points: np.ndarray, label) -> Dataset:
        """The dataset with ``points`` (m, d) appended, all with ``label``."""
        dataset = self._dataset
        value = self._label(label)
        m = points.shape[0]
        if dataset.y.ndim == 2:
            new_y = np.broadcast_to(value, (m, dataset.y.shape[1]))
        else:
            new_y = np.full(m, value, dtype=dataset.y.dtype)
        return dataset.replace(
            X=np.concatenate([dataset.X, points]),
            y=np.concatenate([dataset.y, new_y]),
            time=None,  # new rows have no time index
        )


def _nbytes(dataset: Dataset) -> int:
    return dataset.X.nbytes + dataset.y.nbytes + (0 if dataset.time is None else dataset.time.nbytes)


def _non_negative(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a finite number >= 0, got {value!r}")
    return float(value)
