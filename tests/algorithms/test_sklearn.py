"""The models in scikit-learn's ecosystem: its own estimator test suite
(``check_estimator``, one pytest case per check), and the tools people plug
models into (``clone``, ``cross_val_score``, ``GridSearchCV``, pipelines).

scikit-learn is a test dependency only (the ``test`` extra): ``algorithms``
imports NumPy alone (``test_imports.py``) and provides the estimator tags
lazily.
"""

import warnings

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn", reason="scikit-learn is in the test extra: pip install -e '.[test]'")

from sklearn.base import clone, is_classifier, is_regressor  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork  # noqa: E402

from .helpers import spiral, two_moons  # noqa: E402

# Small enough to keep the suite fast, large enough for scikit-learn's
# accuracy (> 0.83 on blobs) and R^2 (> 0.5) thresholds.
ESTIMATORS = [
    LinearRegression(max_epochs=200),
    LogisticRegression(max_epochs=200),
    NeuralNetwork(hidden_layers=(8,), max_epochs=200, learning_rate=0.05),
    NeuralNetwork(hidden_layers=(8,), max_epochs=200, learning_rate=0.05, task="regression"),
]

# Every check runs; none is skipped or expected to fail. The one warning
# silenced is scikit-learn's note that these classes do not inherit from its
# BaseEstimator: on purpose, as algorithms/ must not import scikit-learn.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit from `sklearn.base.BaseEstimator`")
    _checks = parametrize_with_checks(ESTIMATORS)


@_checks
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_estimator_type_follows_the_task():
    assert is_regressor(LinearRegression()) and not is_classifier(LinearRegression())
    assert is_classifier(LogisticRegression())
    assert is_classifier(NeuralNetwork()) and is_regressor(NeuralNetwork(task="regression"))


def test_clone_copies_hyperparameters_not_learned_state():
    X, y = two_moons(60, 0.1, np.random.default_rng(0))
    model = NeuralNetwork(hidden_layers=(5,), max_epochs=5, random_state=0).fit(X, y)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "classes_") and not hasattr(copy, "history_")


def test_cross_val_score_and_grid_search():
    X, y = spiral(300, 3, 0.05, np.random.default_rng(1))
    network = NeuralNetwork(hidden_layers=(32,), max_epochs=300, learning_rate=0.05, random_state=0)
    scores = cross_val_score(network, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.8
    search = GridSearchCV(network, {"hidden_layers": [(2,), (32,)], "l2": [0.0, 1e-3]}, cv=3).fit(X, y)
    assert search.best_params_["hidden_layers"] == (32,)  # two units cannot draw three spiral arms
    assert search.best_estimator_.score(X, y) > 0.85
    assert search.best_estimator_.classes_.tolist() == [0, 1, 2]


def test_pipeline_with_a_scaler_sets_its_own_attributes_on_refit():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 3)) * [1.0, 100.0, 0.01]
    y = X @ [1.0, 0.02, 50.0] + 3.0
    pipeline = make_pipeline(StandardScaler(), LinearRegression(normalize=False, max_epochs=500))
    assert pipeline.fit(X, y).score(X, y) > 0.999
    assert pipeline.fit(X, y).score(X, y) > 0.999  # refitting keeps what the pipeline set


def test_grid_search_on_a_pipeline():
    X, y = two_moons(200, 0.1, np.random.default_rng(3))
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_epochs=100))
    search = GridSearchCV(pipeline, {"logisticregression__l2": [1e-4, 1.0]}, cv=3).fit(X, y)
    assert search.best_params_ == {"logisticregression__l2": 1e-4}
    assert search.predict_proba(X).shape == (200, 2)
