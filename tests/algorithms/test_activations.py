"""Activations: derivatives against central finite differences, in-place
versions against the readable ones, no overflow for huge inputs."""

import numpy as np
import pytest

from algorithms.activations import ACTIVATIONS, LeakyReLU, get_activation

NAMES = ["relu", "tanh", "sigmoid", "linear", "leaky_relu"]


def test_registry_has_the_five_activations():
    assert sorted(ACTIVATIONS) == sorted(NAMES)
    assert ACTIVATIONS["relu"].init == ACTIVATIONS["leaky_relu"].init == "he"
    assert ACTIVATIONS["tanh"].init == ACTIVATIONS["sigmoid"].init == ACTIVATIONS["linear"].init == "glorot"


@pytest.mark.parametrize("name", NAMES)
def test_grad_matches_central_differences(name):
    act = get_activation(name)
    rng = np.random.default_rng(0)
    z = rng.uniform(-3, 3, size=(7, 5))
    z[np.abs(z) < 1e-3] = 0.5  # stay away from the ReLU kink
    eps = 1e-6
    numeric = (act.fn(z + eps) - act.fn(z - eps)) / (2 * eps)
    np.testing.assert_allclose(act.grad(z), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_in_place_versions_match_readable_ones(name, dtype):
    act = get_activation(name)
    rng = np.random.default_rng(1)
    z = rng.normal(scale=2.0, size=(4, 9)).astype(dtype)
    delta = rng.normal(size=(4, 9)).astype(dtype)
    a = z.copy()
    act.forward_(a, np.empty_like(a))
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(a, act.fn(z), rtol=rtol, atol=rtol)
    back = delta.copy()
    act.backward_(back, a, np.empty_like(a))
    np.testing.assert_allclose(back, delta * act.grad(z), rtol=10 * rtol, atol=10 * rtol)
    assert a.dtype == back.dtype == dtype


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(get_activation("relu").fn(z), [0, 0, 3])
    np.testing.assert_allclose(LeakyReLU(0.1).fn(z), [-0.2, 0, 3])
    np.testing.assert_allclose(get_activation("sigmoid").fn(z), 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_allclose(get_activation("linear").fn(z), z)
    np.testing.assert_allclose(get_activation("leaky_relu").grad(z), [0.01, 0.01, 1.0])


@pytest.mark.parametrize("name", NAMES)
def test_huge_inputs_give_finite_values_without_warnings(name):
    # pytest turns RuntimeWarnings (overflow) into errors
    act = get_activation(name)
    z = np.array([-1e308, -800.0, -50.0, 0.0, 50.0, 800.0, 1e308])
    assert np.isfinite(act.fn(z)).all()
    assert np.isfinite(act.grad(z)).all()
    a = z.copy()
    act.forward_(a, np.empty_like(a))
    assert np.isfinite(a).all()


def test_unknown_activation_names_the_value():
    with pytest.raises(ValueError, match="activation='swish'.*'relu'"):
        get_activation("swish")
