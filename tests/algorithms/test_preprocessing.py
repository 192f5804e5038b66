"""Feature transforms: each named feature, polynomial terms, names, validation."""

import numpy as np
import pytest

from algorithms.preprocessing import FEATURES, FEATURES_1D, FeatureTransform, monomial_name, polynomial_terms

X = np.array([[1.0, 2.0], [-0.5, 3.0], [0.0, -1.5]])
x1, x2 = X[:, 0], X[:, 1]


def test_feature_list_is_the_contract():
    assert FEATURES == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


def test_default_is_the_identity():
    transform = FeatureTransform()
    assert transform.names == ("x1", "x2") and transform.is_identity
    out = transform.transform(X)
    assert out.dtype == np.float64 and np.array_equal(out, X)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("x1", x1),
        ("x2", x2),
        ("x1^2", x1**2),
        ("x2^2", x2**2),
        ("x1*x2", x1 * x2),
        ("sin(x1)", np.sin(x1)),
        ("sin(x2)", np.sin(x2)),
    ],
)
def test_each_named_feature(name, expected):
    out = FeatureTransform(features=(name,)).transform(X)
    assert out.shape == (3, 1)
    assert np.allclose(out[:, 0], expected)


def test_all_features_in_the_given_order():
    transform = FeatureTransform(features=("sin(x2)", "x1", "x1*x2"))
    assert transform.names == ("sin(x2)", "x1", "x1*x2")
    assert np.allclose(transform.transform(X), np.column_stack([np.sin(x2), x1, x1 * x2]))
    assert FeatureTransform(features=FEATURES).transform(X).shape == (3, 7)


def test_polynomial_terms_order_and_names():
    assert polynomial_terms(1) == []
    assert polynomial_terms(3) == [(2, 0), (1, 1), (0, 2), (3, 0), (2, 1), (1, 2), (0, 3)]
    assert [monomial_name(a, b) for a, b in polynomial_terms(3)] == [
        "x1^2", "x1*x2", "x2^2", "x1^3", "x1^2*x2", "x1*x2^2", "x2^3",
    ]
    assert len(polynomial_terms(10)) == sum(d + 1 for d in range(2, 11))


def test_degree_adds_the_missing_polynomial_terms():
    transform = FeatureTransform(features=("x1", "x2", "x1^2"), degree=3)
    assert transform.names == ("x1", "x2", "x1^2", "x1*x2", "x2^2", "x1^3", "x1^2*x2", "x1*x2^2", "x2^3")
    out = transform.transform(X)
    expected = np.column_stack([x1, x2, x1**2, x1 * x2, x2**2, x1**3, x1**2 * x2, x1 * x2**2, x2**3])
    assert np.allclose(out, expected)
    assert transform.n_output_features == 9 and not transform.is_identity


def test_degree_without_named_features():
    transform = FeatureTransform(features=(), degree=2)
    assert transform.names == ("x1^2", "x1*x2", "x2^2")


def test_degree_two_lets_a_linear_model_separate_circles():
    # Circles are not linearly separable in (x1, x2) but are in (x1^2, x2^2):
    # least squares on the expanded features classifies them almost perfectly.
    import datasets

    ds = datasets.make("circles", n_samples=600, noise=0.05, random_state=0)
    target = np.where(ds.y == 1, 1.0, -1.0)

    def accuracy(transform):
        design = np.column_stack([transform.transform(ds.X), np.ones(ds.n_samples)])
        weights, *_ = np.linalg.lstsq(design, target, rcond=None)
        return np.mean(np.sign(design @ weights) == target)

    assert accuracy(FeatureTransform()) < 0.7
    assert accuracy(FeatureTransform(features=("x1", "x2", "x1^2", "x2^2"))) > 0.97


def test_stateless_and_equal_by_value():
    transform = FeatureTransform(features=["x1", "x2^2"], degree=2)
    assert transform.features == ("x1", "x2^2")  # lists become tuples
    assert transform.fit(X) is transform
    assert np.array_equal(transform.fit_transform(X), transform(X))
    assert transform == FeatureTransform(features=("x1", "x2^2"), degree=2)
    assert transform.transform(np.zeros((0, 2))).shape == (0, 4)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"features": ("x3",)}, "unknown feature 'x3'"),
        ({"features": ("x1", "x1")}, "'x1' is listed twice"),
        ({"features": "x1"}, "not the string"),
        ({"features": ()}, "at least one feature"),
        ({"degree": 0}, r"degree must be within \[1, 10\], got 0"),
        ({"degree": 11}, "got 11"),
        ({"degree": 2.0}, "got 2.0"),
        ({"degree": True}, "got True"),
    ],
)
def test_invalid_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FeatureTransform(**kwargs)


@pytest.mark.parametrize("shape", [(3,), (3, 1), (3, 3), (2, 2, 2)])
def test_input_must_have_two_columns(shape):
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        FeatureTransform().transform(np.zeros(shape))


# -- one input column: a polynomial of one feature ----------------------------------

x = np.array([[2.0], [-1.0], [0.5], [3.0]])


def test_one_input_defaults_to_the_identity():
    transform = FeatureTransform(n_inputs=1)
    assert transform.features == ("x1",) and transform.names == ("x1",) and transform.is_identity
    assert np.array_equal(transform.transform(x), x)
    assert FeatureTransform(n_inputs=1) == FeatureTransform(features=("x1",), n_inputs=1)
    assert FeatureTransform() == FeatureTransform(features=("x1", "x2"))


def test_one_input_polynomial_is_every_power_up_to_the_degree():
    transform = FeatureTransform(n_inputs=1, degree=4)
    assert polynomial_terms(4, n_inputs=1) == [(2, 0), (3, 0), (4, 0)]
    assert transform.names == ("x1", "x1^2", "x1^3", "x1^4") and not transform.is_identity
    np.testing.assert_array_equal(transform.transform(x), np.column_stack([x[:, 0] ** p for p in range(1, 5)]))


def test_one_input_named_features():
    assert FEATURES_1D == ("x1", "x1^2", "sin(x1)")
    transform = FeatureTransform(features=("sin(x1)", "x1^2"), n_inputs=1, degree=3)
    assert transform.names == ("sin(x1)", "x1^2", "x1^3")
    np.testing.assert_allclose(transform.transform(x), np.column_stack([np.sin(x[:, 0]), x[:, 0] ** 2, x[:, 0] ** 3]))


def test_degree_lets_linear_least_squares_fit_a_cubic_of_one_input():
    t = np.linspace(-2, 2, 50).reshape(-1, 1)
    y = 0.5 * t[:, 0] ** 3 - t[:, 0] + 2.0
    design = np.column_stack([FeatureTransform(n_inputs=1, degree=3).transform(t), np.ones(len(t))])
    weights, *_ = np.linalg.lstsq(design, y, rcond=None)
    np.testing.assert_allclose(weights, [-1.0, 0.0, 0.5, 2.0], atol=1e-10)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"features": ("x2",), "n_inputs": 1}, "'x2' needs a second input"),
        ({"features": ("x1", "x1*x2"), "n_inputs": 1}, "'x1\\*x2' needs a second input"),
        ({"n_inputs": 3}, "n_inputs must be 1 or 2, got 3"),
        ({"n_inputs": True}, "n_inputs must be 1 or 2, got True"),
    ],
)
def test_invalid_one_input_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FeatureTransform(**kwargs)


def test_one_input_transform_needs_one_column():
    with pytest.raises(ValueError, match=r"shape \(n_samples, 1\)"):
        FeatureTransform(n_inputs=1, degree=2).transform(np.zeros((3, 2)))
