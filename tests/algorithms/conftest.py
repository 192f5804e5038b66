"""scikit-learn runs its array-API estimator checks only when SciPy's array
API support is switched on, which must happen before SciPy is imported: so
``test_sklearn.py`` runs them (with NumPy inputs) instead of skipping them."""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
