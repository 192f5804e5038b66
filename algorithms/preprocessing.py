"""Input feature transforms for 1-D and 2-D data, as TensorFlow Playground
offers them.

A plain logistic regression on ``(x1, x2)`` can only draw a straight boundary;
given ``x1^2`` and ``x2^2`` as extra inputs it learns a circle
(``w1 x1^2 + w2 x2^2 + b = 0``). On one input, "linear" regression on
``(x, x^2, ..., x^d)`` fits a polynomial curve while staying linear in its
weights. :class:`FeatureTransform` builds those columns from raw inputs, so a
model pipeline sees the expanded inputs while the GUI keeps passing raw
coordinates.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

#: The named features a user can tick, in display order.
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")

#: Name -> function of the two input columns ``(x1, x2)`` (each (n,)) returning (n,).
_FEATURE_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}

#: The named features that need the first input only (what one input column offers).
FEATURES_1D = ("x1", "x1^2", "sin(x1)")

#: Highest polynomial degree accepted: x^10 of an input of 10 is already 1e10.
MAX_DEGREE = 10


def _power_name(variable: str, power: int) -> str:
    return "" if power == 0 else variable if power == 1 else f"{variable}^{power}"


def monomial_name(power1: int, power2: int) -> str:
    """Name of ``x1^a * x2^b``, matching ``FEATURES`` (``"x1^2"``, ``"x1*x2"``, ``"x1^2*x2"``)."""
    return "*".join(part for part in (_power_name("x1", power1), _power_name("x2", power2)) if part)


def polynomial_terms(degree: int, n_inputs: int = 2) -> list[tuple[int, int]]:
    """Exponents ``(a, b)`` of every monomial ``x1^a x2^b`` with ``2 <= a + b <= degree``.

    Ordered by total degree, then by decreasing power of ``x1`` (the order of
    scikit-learn's ``PolynomialFeatures``): degree 3 gives
    ``(2,0), (1,1), (0,2), (3,0), (2,1), (1,2), (0,3)``. With ``n_inputs=1``
    only the powers of ``x1``: ``(2,0), (3,0)``.
    """
    if n_inputs == 1:
        return [(total, 0) for total in range(2, degree + 1)]
    return [(total - power2, power2) for total in range(2, degree + 1) for power2 in range(total + 1)]


@dataclass(frozen=True)
class FeatureTransform:
    """Map raw 1-D or 2-D inputs to chosen features plus polynomial terms.

    Parameters
    ----------
    features : sequence of str, or None
        Names from ``FEATURES`` (``FEATURES_1D`` for one input), in the
        output order; no repeats. None (the default): the raw inputs,
        ``("x1", "x2")``, or ``("x1",)`` for one input.
    degree : int, 1..10
        When ``degree > 1``, every monomial ``x1^a x2^b`` with total degree
        ``2 <= a + b <= degree`` (one input: ``x1^a``, ``2 <= a <= degree``)
        that is not already among ``features`` is appended (order of
        :func:`polynomial_terms`). Degree-1 terms are never added: ``x1`` and
        ``x2`` appear only if chosen.
    n_inputs : 1 or 2
        Columns of the raw input ``X``. One input has no ``x2``: a
        polynomial ``x, x^2, ..., x^d`` of a single feature.

    ``transform(X)`` maps ``X`` of shape (n, n_inputs) to shape (n, m), column ``j``
    being the feature ``names[j]``:

    - ``x1``, ``x2``: the inputs; ``x1^2 = x1 * x1``; ``x1*x2 = x1 * x2``;
    - ``sin(x1)``, ``sin(x2)``: sines of the inputs (radians);
    - polynomial term ``x1^a*x2^b = x1**a * x2**b``.

    Stateless: the output is a pure function of ``X`` (``fit`` learns nothing
    and returns ``self``), so the same transform serves training and the plot
    grid. Raises ValueError for unknown or repeated names, a feature of
    ``x2`` with one input, a bad degree or number of inputs, or no output
    column at all.
    """

    features: tuple[str, ...] | None = None
    degree: int = 1
    n_inputs: int = 2
    names: tuple[str, ...] = field(init=False)
    _terms: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.n_inputs, bool) or self.n_inputs not in (1, 2):
            raise ValueError(f"n_inputs must be 1 or 2, got {self.n_inputs!r}")
        n_inputs = int(self.n_inputs)
        if self.features is None:
            object.__setattr__(self, "features", ("x1", "x2")[:n_inputs])
        if isinstance(self.features, str):
            raise ValueError(f"features must be a sequence of names, not the string {self.features!r}")
        features = tuple(self.features)
        allowed = FEATURES if n_inputs == 2 else FEATURES_1D
        for name in features:
            if name in FEATURES and name not in allowed:
                raise ValueError(f"features: {name!r} needs a second input; with one input choose from "
                                 f"{', '.join(allowed)}")
            if name not in FEATURES:
                raise ValueError(f"features: unknown feature {name!r}; choose from {', '.join(allowed)}")
        if len(set(features)) != len(features):
            duplicate = next(name for name in features if features.count(name) > 1)
            raise ValueError(f"features: {duplicate!r} is listed twice in {features!r}")
        if isinstance(self.degree, bool) or not isinstance(self.degree, numbers.Integral):
            raise ValueError(f"degree must be an integer in [1, {MAX_DEGREE}], got {self.degree!r}")
        if not 1 <= self.degree <= MAX_DEGREE:
            raise ValueError(f"degree must be within [1, {MAX_DEGREE}], got {self.degree!r}")
        # Each term is ("named", name) or ("power", a, b); built once, used per transform.
        terms = [("named", name) for name in features]
        names = list(features)
        if self.degree > 1:
            for power1, power2 in polynomial_terms(int(self.degree), n_inputs):
                name = monomial_name(power1, power2)
                if name not in names:
                    terms.append(("power", power1, power2))
                    names.append(name)
        if not names:
            raise ValueError("features: choose at least one feature (or degree > 1)")
        object.__setattr__(self, "features", features)
        object.__setattr__(self, "degree", int(self.degree))
        object.__setattr__(self, "n_inputs", n_inputs)
        object.__setattr__(self, "names", tuple(names))
        object.__setattr__(self, "_terms", tuple(terms))

    @property
    def n_output_features(self) -> int:
        """Number of output columns ``m = len(names)``."""
        return len(self.names)

    @property
    def is_identity(self) -> bool:
        """True when ``transform(X)`` returns ``X`` unchanged (the raw inputs, degree 1)."""
        return self.names == ("x1", "x2")[: self.n_inputs]

    def fit(self, X=None, y=None) -> FeatureTransform:
        """Nothing to learn; returns ``self`` (for pipeline symmetry)."""
        return self

    def transform(self, X) -> np.ndarray:
        """Expanded features: ``X`` (n, n_inputs) -> (n, m) float64, columns in ``names`` order."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"X must have shape (n_samples, {self.n_inputs}) for this feature transform, "
                             f"got {X.shape}")
        x1 = X[:, 0]
        x2 = X[:, 1] if self.n_inputs == 2 else None  # no feature of one input reads it
        out = np.empty((X.shape[0], len(self._terms)))  # (n, m)
        for column, term in enumerate(self._terms):
            if term[0] == "named":
                out[:, column] = _FEATURE_FUNCTIONS[term[1]](x1, x2)
            else:
                _, power1, power2 = term
                out[:, column] = x1**power1 if power2 == 0 else x1**power1 * x2**power2
        return out

    def fit_transform(self, X, y=None) -> np.ndarray:
        """Same as ``transform(X)``."""
        return self.transform(X)

    __call__ = transform
