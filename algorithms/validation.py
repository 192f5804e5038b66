"""Input checks shared by the models: every bad input is a ``ValueError``
that names the argument and says what to do.

The messages follow scikit-learn's wording wherever its estimator checks
look for it ("Complex data not supported", "0 feature(s) (shape=(12, 0))
while a minimum of 1 is required", "requires y to be passed, but the target
y is None", "Unknown label type", "X has 1 features, but ... is expecting 2
features as input", "The feature names should match those that were passed
during fit"), so code written against scikit-learn recognises them. NumPy
only: scipy sparse matrices and pandas DataFrames are recognised by their
attributes, never imported.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

__all__ = [
    "NotFittedError",
    "DivergedError",
    "NonNumericDataError",
    "DataConversionWarning",
    "check_X",
    "feature_names",
    "check_feature_names",
    "first_bad",
]


class NotFittedError(ValueError, AttributeError):
    """The model was used (predict, coef_, ...) before ``fit``.

    Also an ``AttributeError`` so ``hasattr(model, "coef_")`` is False before
    fitting, as in scikit-learn.
    """


class DivergedError(RuntimeError):
    """Training produced a non-finite loss; the model kept its last finite parameters."""


class NonNumericDataError(ValueError, TypeError):
    """X holds objects that are not numbers (a dict, a list in a cell, ...).

    A ``ValueError`` like every bad input here, and a ``TypeError`` as NumPy's
    own conversion error is (what scikit-learn's checks expect).
    """


class DataConversionWarning(UserWarning):
    """The input was converted: a column vector ``y`` of shape ``(n, 1)`` was
    given to a classifier, which takes 1-D labels (scikit-learn warns with a
    warning of this name and message)."""


_FLAVOURS: dict = {}


def sklearn_flavoured(ours: type, module: str, name: str) -> type:
    """``ours``, or, when scikit-learn is already imported by the caller, a
    subclass of ``ours`` and of scikit-learn's class ``module.name``, so that
    code catching (or filtering) either one catches it. scikit-learn is never
    imported here: without it, ``ours`` is all there is."""
    loaded = sys.modules.get(module)
    if loaded is None or not hasattr(loaded, name):
        return ours
    flavoured = _FLAVOURS.get(ours)
    if flavoured is None:
        theirs = getattr(loaded, name)
        # Pickled as ``ours`` (the combined class cannot be found by name).
        flavoured = _FLAVOURS[ours] = type(ours.__name__, (ours, theirs), {
            "__module__": ours.__module__, "__qualname__": ours.__qualname__,
            "__reduce__": lambda self: (ours, self.args),
        })
    return flavoured


def not_fitted_error(message: str) -> NotFittedError:
    """A ``NotFittedError`` (scikit-learn's too, when it is loaded)."""
    return sklearn_flavoured(NotFittedError, "sklearn.exceptions", "NotFittedError")(message)


def first_bad(a: np.ndarray) -> str:
    """The first non-finite value of ``a`` and its index, for messages."""
    index = np.argwhere(~np.isfinite(a))[0]
    return f"{a[tuple(index)]} at index {tuple(int(i) for i in index)}"


def is_sparse(X) -> bool:
    """A scipy.sparse matrix or array (recognised without importing scipy)."""
    module = type(X).__module__ or ""
    return module.startswith("scipy.sparse") or (hasattr(X, "toarray") and hasattr(X, "tocsr"))


def _refuse_special(values, name: str) -> None:
    if is_sparse(values):
        raise ValueError(
            f"{name} is a {type(values).__name__}: sparse matrices are not supported; use .toarray() "
            f"to pass a dense array"
        )


def _as_array(values, name: str) -> np.ndarray:
    """``np.asarray(values)`` with the conversions NumPy does silently refused."""
    _refuse_special(values, name)
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {exc}") from None
    if array.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} has dtype {array.dtype}; pass real numbers (for example "
            f"the real part, {name}.real, or the magnitude, abs({name}))"
        )
    if array.dtype.kind in "mM":
        raise ValueError(
            f"{name} holds dates or durations ({array.dtype}); convert them to numbers first, for example "
            f"days since the first date: ({name} - {name}.min()) / np.timedelta64(1, 'D')"
        )
    return array


def _to_float(array: np.ndarray, name: str) -> np.ndarray:
    """An object/string array converted to float64, with an error naming ``name``."""
    try:
        return array.astype(np.float64)
    except TypeError as exc:  # e.g. a dict or a complex number in a cell
        if "complex" in str(exc):
            raise ValueError(f"Complex data not supported: {name} contains complex numbers") from None
        raise NonNumericDataError(f"{name} must contain numbers: {exc}") from None
    except ValueError as exc:  # e.g. the string "abc"
        raise ValueError(f"{name} must contain numbers: {exc}") from None


def check_X(X, name: str = "X") -> np.ndarray:
    """``X`` as a finite 2-D float32 or float64 array ``(n_samples, n_features)``.

    float32 stays float32 (a model first fitted on float32 computes in
    float32); other numeric types become float64. A DataFrame gives its
    values (its column names are read by ``feature_names``). Refused with a
    ``ValueError``: sparse matrices, complex numbers, dates, text, NaN or
    infinity, shapes other than 2-D, no columns.
    """
    X = _as_array(X, name)
    if X.dtype.kind not in "biuf":
        X = _to_float(X, name)
    if X.ndim != 2:
        hint = (f". Reshape your data either using {name}.reshape(-1, 1) if it has a single feature or "
                f"{name}.reshape(1, -1) if it is a single sample" if X.ndim == 1 else "")
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features); got shape {X.shape}{hint}")
    if X.dtype != np.float32 and X.dtype != np.float64:
        X = X.astype(np.float64)
    if X.shape[1] == 0:
        raise ValueError(f"{name} has no features: 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinity ({first_bad(X)}); remove or impute those values")
    return X


def check_y(y, n_samples: int, estimator: str) -> np.ndarray:
    """``y`` as an array of ``n_samples`` rows (labels or values, not yet
    interpreted); refuses None, sparse, complex, dates and a length mismatch."""
    if y is None:
        raise ValueError(f"{estimator} requires y to be passed, but the target y is None")
    given = y
    y = _as_array(y, "y")
    if y.ndim == 0 or y.shape[0] != n_samples:
        length = "a scalar" if y.ndim == 0 else f"{y.shape[0]} samples"
        raise ValueError(f"X has {n_samples} samples but y has {length}: they must have the same length")
    if y.dtype.kind == "O" or (y.dtype.kind in "US" and not isinstance(given, np.ndarray)):
        # A list of strings with a NaN becomes strings, "nan" among them: look at the objects given.
        labels = y if y.dtype.kind == "O" else np.asarray(given, dtype=object)
        missing = [i for i, value in enumerate(labels.reshape(len(labels), -1)[:, 0]) if _is_missing(value)]
        if missing:
            value = labels.reshape(len(labels), -1)[missing[0], 0]
            value = value.item() if isinstance(value, np.generic) else value
            raise ValueError(
                f"y contains missing values ({value!r} at index {missing[0]}"
                f"{f' and {len(missing) - 1} more' if len(missing) > 1 else ''}); remove those samples"
            )
    return y


def _is_missing(value) -> bool:
    """None or a floating-point NaN (any float type), as pandas marks missing cells."""
    if value is None:
        return True
    return isinstance(value, (float, np.floating)) and value != value


def column_vector_to_labels(y: np.ndarray) -> np.ndarray:
    """A ``(n, 1)`` label column as ``(n,)``, with scikit-learn's warning."""
    warning = sklearn_flavoured(DataConversionWarning, "sklearn.exceptions", "DataConversionWarning")
    warnings.warn(
        warning(
            "A column-vector y was passed when a 1d array was expected. Please change the shape of y to "
            "(n_samples,), for example using ravel()."
        ),
        stacklevel=4,
    )
    return y[:, 0]


# -- feature names (pandas DataFrames, duck-typed) ---------------------------------
def feature_names(X) -> np.ndarray | None:
    """Column names of a DataFrame-like ``X`` (anything with ``columns``) as an
    object array, when every name is a string; None otherwise (plain arrays,
    integer column labels). Mixed string and non-string names are refused, as
    scikit-learn does."""
    columns = getattr(X, "columns", None)
    if columns is None or isinstance(X, np.ndarray):
        return None
    names = np.asarray(list(columns), dtype=object)
    if len(names) == 0:
        return None
    types = sorted({type(name).__qualname__ for name in names})
    if len(types) > 1 and "str" in types:
        raise NonNumericDataError(
            f"Feature names are only supported if all input features have string names, but your input has "
            f"{types} as feature name / column name types. Convert them all to strings (X.columns = "
            f"X.columns.astype(str)) or remove the column names."
        )
    return names if types == ["str"] else None


def check_feature_names(model, names: np.ndarray | None) -> None:
    """Compare the column names of new data with ``model.feature_names_in_``
    (set when the model was fitted on a DataFrame).

    Mismatched names are a ``ValueError`` listing the unseen and missing
    names (scikit-learn's message); names on one side only give a
    ``UserWarning``, as in scikit-learn.
    """
    fitted = model.__dict__.get("feature_names_in_")
    if fitted is None and names is None:
        return
    cls = type(model).__name__
    if fitted is None:
        warnings.warn(f"X has feature names, but {cls} was fitted without feature names", UserWarning, stacklevel=4)
        return
    if names is None:
        warnings.warn(f"X does not have valid feature names, but {cls} was fitted with feature names", UserWarning,
                      stacklevel=4)
        return
    if len(fitted) == len(names) and np.all(fitted == names):
        return
    message = "The feature names should match those that were passed during fit.\n"
    unexpected = sorted(set(names) - set(fitted))
    missing = sorted(set(fitted) - set(names))

    def listing(values) -> str:
        lines = [f"- {value}\n" for value in values[:5]]
        return "".join(lines) + ("- ...\n" if len(values) > 5 else "")

    if unexpected:
        message += "Feature names unseen at fit time:\n" + listing(unexpected)
    if missing:
        message += "Feature names seen at fit time, yet now missing:\n" + listing(missing)
    if not unexpected and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    raise ValueError(message)
