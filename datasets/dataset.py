"""The ``Dataset`` value: inputs, targets and their names, immutable.

Every generator, the CSV reader, the bundled tables and the drawing editor
produce a ``Dataset``; models and views consume its arrays. It validates itself
on construction, so any ``Dataset`` that exists is consistent: a view or a
model never has to re-check shapes, codes or finiteness.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

TASKS = ("classification", "regression")


#: Most classes a dataset of the app may have: the views have eight class
#: colours. The generators, the drawing editor and the views all use this.
MAX_CLASSES = 8


def default_class_names(n_classes: int) -> tuple[str, ...]:
    """Names ``("class 0", "class 1", ...)`` for ``n_classes`` classes.

    Generators and the drawing editor use them. They sort in code order for up
    to ten classes, which keeps a CSV round trip exact (the reader numbers
    classes in sorted name order).
    """
    return tuple(f"class {code}" for code in range(n_classes))


def _frozen_array(value, dtype, name: str) -> np.ndarray:
    """``value`` as a C-contiguous read-only array of ``dtype`` that no one else can write.

    An array that is already read-only, of the right dtype and owns its memory
    (what this function returns) is kept as is, so ``dataclasses.replace`` does
    not copy the arrays it does not change. Anything else is copied: the caller
    may go on mutating what it passed.
    """
    if (
        isinstance(value, np.ndarray)
        and value.dtype == dtype
        and not value.flags.writeable
        and value.flags.owndata
        and value.flags.c_contiguous
    ):
        return value
    try:
        array = np.array(value, dtype=dtype, copy=True, order="C")
    except (TypeError, ValueError, OverflowError) as error:
        raise ValueError(f"{name} must be numeric array data, got {_describe(value)}: {error}") from None
    array.flags.writeable = False
    return array


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _names(value, field: str) -> tuple[str, ...]:
    """A tuple of distinct non-empty strings, or ValueError naming ``field``."""
    if isinstance(value, str):
        raise ValueError(f"{field} must be a sequence of strings, not the single string {value!r}")
    try:
        names = tuple(value)
    except TypeError:
        raise ValueError(f"{field} must be a sequence of strings, got {_describe(value)}") from None
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{field} must hold non-empty strings, got {name!r} in {names!r}")
    if len(set(names)) != len(names):
        duplicate = next(name for name in names if names.count(name) > 1)
        raise ValueError(f"{field} must be distinct, but {duplicate!r} appears twice in {names!r}")
    return names


@dataclass(frozen=True, eq=False)
class Dataset:
    """A supervised dataset: ``n`` samples of ``d`` features and their targets.

    Attributes
    ----------
    X : ndarray of shape (n, d), float64, read-only
        Inputs; finite. ``n = 0`` is valid (the blank drawing canvas).
    y : ndarray, read-only
        classification: shape (n,), int64 class codes in ``0..k-1`` where
        ``k = len(class_names)``; regression: shape (n,) or (n, k) float64
        targets, finite.
    task : str
        ``"classification"`` or ``"regression"``.
    feature_names : tuple of str
        ``d`` distinct names, one per column of ``X``.
    class_names : tuple of str
        classification: ``k >= 1`` distinct names; code ``c`` means
        ``class_names[c]``. A class may have no sample (a drawn dataset with an
        empty class). Regression: ``()``.
    name : str
        Human name ("moons", "iris", a file stem), for titles.
    time : ndarray of shape (n,), float64, read-only, or None
        Time-series data only: the time index of each target ``y[i]``, for the
        time-series view. ``None`` otherwise.
    notes : tuple of str
        What a person should know about how the data was made, one sentence
        each: rows a CSV reader dropped, columns it left out or turned into
        indicator features. ``()`` for most datasets.

    A ``Dataset`` is immutable: arrays are read-only copies owned by the value,
    and edits build a new value (``dataclasses.replace(ds, ...)`` re-validates).
    Two datasets compare equal when every field but ``notes`` holds the same
    values: the notes tell where the data came from, not what it is (a file
    saved from a dataset loads back equal, though the new file needed no notes).
    """

    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()
    name: str = ""
    time: np.ndarray | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Frozen: the validated, normalised values go in through object.__setattr__.
        set_field = object.__setattr__
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")
        if not isinstance(self.name, str):
            raise ValueError(f"name must be a string, got {_describe(self.name)}")
        if isinstance(self.notes, str):
            raise ValueError(f"notes must be a sequence of strings, not the single string {self.notes!r}")
        try:
            notes = tuple(self.notes)
        except TypeError:
            raise ValueError(f"notes must be a sequence of strings, got {_describe(self.notes)}") from None
        if not all(isinstance(note, str) for note in notes):
            raise ValueError(f"notes must hold strings, got {notes!r}")
        set_field(self, "notes", notes)

        X = _frozen_array(self.X, np.float64, "X")
        if X.ndim != 2:
            raise ValueError(f"X must have shape (n_samples, n_features), got shape {X.shape}")
        n_samples, n_features = X.shape
        if n_features < 1:
            raise ValueError(f"X must have at least one feature column, got shape {X.shape}")
        if not np.isfinite(X).all():
            row = int(np.argwhere(~np.isfinite(X))[0, 0])
            raise ValueError(f"X must be finite, but row {row} is {X[row].tolist()}")
        set_field(self, "X", X)

        feature_names = _names(self.feature_names, "feature_names")
        if len(feature_names) != n_features:
            raise ValueError(
                f"feature_names has {len(feature_names)} names {feature_names!r} "
                f"but X has {n_features} columns"
            )
        set_field(self, "feature_names", feature_names)

        if self.task == "classification":
            self._check_classification(n_samples)
        else:
            self._check_regression(n_samples)

        if self.time is not None:
            time = _frozen_array(self.time, np.float64, "time")
            if time.shape != (n_samples,):
                raise ValueError(f"time must have shape ({n_samples},) like the rows of X, got {time.shape}")
            if not np.isfinite(time).all():
                raise ValueError("time must be finite")
            set_field(self, "time", time)

    def _check_classification(self, n_samples: int) -> None:
        class_names = _names(self.class_names, "class_names")
        if not class_names:
            raise ValueError("class_names must name at least one class for a classification dataset")
        object.__setattr__(self, "class_names", class_names)
        try:
            probe = np.asarray(self.y)
        except (TypeError, ValueError):
            raise ValueError(f"y must be an array of class codes, got {_describe(self.y)}") from None
        if probe.size and probe.dtype.kind not in "iubf":
            raise ValueError(
                f"y must hold integer class codes 0..k-1 for classification, got {_describe(self.y)}; "
                f"map labels to codes with class_names"
            )
        # Integral floats (3.0) are accepted as codes; 2.5 is not a class.
        if probe.dtype.kind == "f" and (not np.isfinite(probe).all() or (probe != np.round(probe)).any()):
            raise ValueError("y must hold integer class codes for classification, got non-integer values")
        y = _frozen_array(self.y, np.int64, "y")
        if y.shape != (n_samples,):
            raise ValueError(f"y must have shape ({n_samples},) for classification, got {y.shape}")
        if n_samples and (y.min() < 0 or y.max() >= len(class_names)):
            bad = int(y[(y < 0) | (y >= len(class_names))][0])
            raise ValueError(
                f"y holds class code {bad}, outside 0..{len(class_names) - 1} "
                f"for the {len(class_names)} class_names {class_names!r}"
            )
        object.__setattr__(self, "y", y)

    def _check_regression(self, n_samples: int) -> None:
        class_names = tuple(self.class_names) if not isinstance(self.class_names, str) else self.class_names
        if class_names != ():
            raise ValueError(f"class_names must be () for a regression dataset, got {self.class_names!r}")
        object.__setattr__(self, "class_names", ())
        y = _frozen_array(self.y, np.float64, "y")
        if y.ndim not in (1, 2) or y.shape[0] != n_samples or (y.ndim == 2 and y.shape[1] < 1):
            raise ValueError(f"y must have shape ({n_samples},) or ({n_samples}, k) for regression, got {y.shape}")
        if not np.isfinite(y).all():
            raise ValueError("y must be finite for regression")
        object.__setattr__(self, "y", y)

    # ----------------------------------------------------------------- sizes

    @property
    def n_samples(self) -> int:
        """Number of rows ``n``."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """Number of input columns ``d``."""
        return self.X.shape[1]

    @property
    def n_classes(self) -> int:
        """``len(class_names)`` (classes without samples count); 0 for regression."""
        return len(self.class_names)

    @property
    def n_targets(self) -> int:
        """Number of target columns: 1 for classification and 1-D regression targets, else ``k``."""
        return 1 if self.y.ndim == 1 else self.y.shape[1]

    @property
    def is_empty(self) -> bool:
        """True when there are no samples (``n == 0``)."""
        return self.n_samples == 0

    @property
    def is_classification(self) -> bool:
        return self.task == "classification"

    # ----------------------------------------------------------- constructors

    @classmethod
    def empty(
        cls,
        task: str = "classification",
        n_features: int = 2,
        class_names: tuple[str, ...] | None = None,
        feature_names: tuple[str, ...] | None = None,
        name: str = "",
    ) -> Dataset:
        """A dataset with no samples: the blank drawing canvas.

        Classification gets two classes ``("class 0", "class 1")`` unless
        ``class_names`` is given; features are named ``x1, x2, ...``.
        """
        if task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {task!r}")
        if isinstance(n_features, bool) or not isinstance(n_features, int) or n_features < 1:
            raise ValueError(f"n_features must be an integer >= 1, got {n_features!r}")
        if feature_names is None:
            feature_names = tuple(f"x{j + 1}" for j in range(n_features))
        if class_names is None:
            class_names = default_class_names(2) if task == "classification" else ()
        y = np.zeros(0, dtype=np.int64 if task == "classification" else np.float64)
        return cls(np.zeros((0, n_features)), y, task, feature_names, class_names, name)

    # ----------------------------------------------------------------- edits

    def replace(self, **changes) -> Dataset:
        """A new dataset with ``changes`` applied (``dataclasses.replace``, re-validated)."""
        return dataclasses.replace(self, **changes)

    def take(self, indices) -> Dataset:
        """The rows ``indices`` (an index array or a boolean mask of length n), in that order."""
        rows = np.asarray(indices)
        if rows.size == 0 and rows.dtype != bool:
            rows = rows.astype(np.int64)  # np.asarray([]) is float64, not an index
        time = None if self.time is None else self.time[rows]
        return dataclasses.replace(self, X=self.X[rows], y=self.y[rows], time=time)

    def class_counts(self) -> np.ndarray:
        """Samples per class: int64 array of shape (n_classes,) (classification only)."""
        if self.task != "classification":
            raise ValueError("class_counts() needs a classification dataset, this one is regression")
        return np.bincount(self.y, minlength=self.n_classes)

    # ------------------------------------------------------ value semantics

    def __eq__(self, other) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        if (self.task, self.feature_names, self.class_names, self.name) != (
            other.task,
            other.feature_names,
            other.class_names,
            other.name,
        ):
            return False
        if (self.time is None) != (other.time is None):
            return False
        same_time = self.time is None or np.array_equal(self.time, other.time)
        return same_time and np.array_equal(self.X, other.X) and np.array_equal(self.y, other.y)

    # Arrays are not hashable and equality is by value: no hash.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # The default repr would print every array: keep it to one line.
        parts = [f"name={self.name!r}", f"task={self.task!r}", f"n_samples={self.n_samples}",
                 f"feature_names={self.feature_names!r}"]
        if self.task == "classification":
            parts.append(f"class_names={self.class_names!r}")
        elif self.y.ndim == 2:
            parts.append(f"n_targets={self.n_targets}")
        if self.time is not None:
            parts.append("time=...")
        if self.notes:
            parts.append(f"notes={len(self.notes)}")
        return f"Dataset({', '.join(parts)})"
