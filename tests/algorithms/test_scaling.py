"""Features and targets on any scale a float64 holds: standardisation sees
tiny and huge units alike, and what cannot be computed is refused, never fit
silently into NaN."""

import numpy as np
import pytest

from algorithms import DivergedError, LinearRegression, LogisticRegression, NeuralNetwork
from algorithms.base import column_statistics

from .helpers import sine, two_moons


def _linear_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) + [1.0, -2.0, 0.5]
    return X, X @ [1.5, -0.5, 2.0] + 1.0 + 0.1 * rng.normal(size=200)


SCALES = [1e-13, 1e-200, 1e-300, 1e150, 1e300]


@pytest.mark.parametrize("scale", SCALES)
def test_linear_regression_scores_the_same_whatever_the_unit_of_X(scale):
    X, y = _linear_data()
    reference = LinearRegression(max_epochs=300).fit(X, y).score(X, y)
    model = LinearRegression(max_epochs=300).fit(X * scale, y)
    assert reference > 0.99
    assert model.score(X * scale, y) == pytest.approx(reference, rel=1e-9)
    np.testing.assert_allclose(model.coef_ * scale, LinearRegression(max_epochs=300).fit(X, y).coef_, rtol=1e-9)


@pytest.mark.parametrize("scale", SCALES)
def test_classifiers_score_the_same_whatever_the_unit_of_X(scale):
    X, y = two_moons(200, 0.1, np.random.default_rng(1))
    for make in (lambda: LogisticRegression(max_epochs=100),
                 lambda: NeuralNetwork(hidden_layers=(8,), max_epochs=100, random_state=0)):
        reference = make().fit(X, y)
        model = make().fit(X * scale, y)
        np.testing.assert_allclose(model.predict_proba(X * scale), reference.predict_proba(X), rtol=1e-6, atol=1e-9)
        assert model.score(X * scale, y) == reference.score(X, y) > 0.8


@pytest.mark.parametrize("scale", [1e-200, 1e160, 1e200, 1e300])
def test_targets_on_any_scale_fit_as_well(scale):
    X, y = _linear_data()
    reference = LinearRegression(max_epochs=300).fit(X, y)
    model = LinearRegression(max_epochs=300).fit(X, y * scale)
    predicted = model.predict(X)
    assert np.isfinite(predicted).all()
    np.testing.assert_allclose(predicted / scale, reference.predict(X), rtol=1e-9)
    assert model.score(X, y * scale) == pytest.approx(reference.score(X, y), rel=1e-9)
    assert model.intercept_ / scale == pytest.approx(reference.intercept_, rel=1e-9)
    X1, y1 = sine(200, 0.1, np.random.default_rng(2))
    network = NeuralNetwork(hidden_layers=(8,), task="regression", max_epochs=50, random_state=0)
    score = network.fit(X1, y1 * scale).score(X1, y1 * scale)
    assert score == pytest.approx(network.fit(X1, y1).score(X1, y1), rel=1e-9)


def test_huge_targets_without_normalisation_are_refused_with_the_reason():
    X, y = _linear_data()
    with pytest.raises(DivergedError, match="Training cannot start: the loss is inf at the initial parameters, because "
                                            "the targets or inputs are too large to square"):
        LinearRegression(normalize=False).fit(X, y * 1e200)


def test_column_statistics_without_overflow_or_underflow():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(1000, 2)) + [3.0, -1.0]
    mean, std = values.mean(axis=0), values.std(axis=0)
    for scale in (1e300, 1e-300, 1e-13, 1.0):
        got_mean, got_std = column_statistics(values * scale)
        np.testing.assert_allclose(got_mean, mean * scale, rtol=1e-12)
        np.testing.assert_allclose(got_std, std * scale, rtol=1e-12)


def test_constant_columns_are_judged_relative_to_their_values():
    n = 500
    rng = np.random.default_rng(4)
    tiny = 1e-13 * rng.normal(size=n)  # varies: a feature in very small units
    values = np.column_stack([np.full(n, 1e300), np.full(n, 0.1), np.zeros(n), tiny, 1e9 + rng.normal(size=n)])
    mean, std = column_statistics(values)
    assert std[0] == std[1] == std[2] == 1.0  # constants: standardise to 0, no division by ~0
    assert std[3] == pytest.approx(tiny.std(), rel=1e-12)
    assert 0.9 < std[4] < 1.1
    X = np.column_stack([rng.normal(size=n), np.full(n, 7.0)])
    model = LinearRegression(max_epochs=200).fit(X, 2 * X[:, 0] + 1)
    assert model.coef_[1] == 0.0 and model.score(X, 2 * X[:, 0] + 1) > 0.9999
