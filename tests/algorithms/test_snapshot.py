"""``model.snapshot()``: a cheap, independent copy of a fitted model for
prediction (the GUI predicts with it in another thread while the model
trains on)."""

import numpy as np
import pytest

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, NotFittedError, Trainer

from .helpers import sine, spiral, two_moons


def _fitted(kind: str):
    rng = np.random.default_rng(0)
    if kind == "logistic":
        X, y = two_moons(200, 0.1, rng)
        model = LogisticRegression(max_epochs=50, random_state=0)
    elif kind == "nn2":
        X, y = two_moons(200, 0.1, rng)
        model = NeuralNetwork(hidden_layers=(8, 8), max_epochs=30, random_state=0)
    elif kind == "nn3":
        X, y = spiral(300, 3, 0.1, rng)
        model = NeuralNetwork(hidden_layers=(16,), activation="relu", max_epochs=30, batch_size=32,
                              random_state=0)
    elif kind == "nn_regression":
        X, y = sine(200, 0.1, rng)
        y = np.column_stack([y, 2 * y])
        model = NeuralNetwork(hidden_layers=(8,), task="regression", max_epochs=30, random_state=0)
    else:
        X, y = sine(200, 0.1, rng)
        model = LinearRegression(max_epochs=30, random_state=0)
    return model.fit(X, y), X, y


def _outputs(model, X):
    return model.predict_proba(X) if hasattr(model, "classes_") else model.predict(X)


KINDS = ["logistic", "nn2", "nn3", "nn_regression", "linear"]


@pytest.mark.parametrize("kind", KINDS)
def test_snapshot_predicts_exactly_as_the_model(kind):
    model, X, y = _fitted(kind)
    copy = model.snapshot()
    assert type(copy) is type(model)
    np.testing.assert_array_equal(_outputs(copy, X), _outputs(model, X))
    np.testing.assert_array_equal(copy.predict(X), model.predict(X))
    assert copy.score(X, y) == model.score(X, y)
    assert copy.get_params() == model.get_params()


@pytest.mark.parametrize("kind", KINDS)
def test_snapshot_shares_no_array_and_stays_put_while_the_model_trains(kind):
    model, X, y = _fitted(kind)
    copy = model.snapshot()
    before = _outputs(copy, X).copy()
    assert not np.shares_memory(copy._network.theta, model._network.theta)
    for name in ("_x_mean", "_x_scale", "classes_"):
        if name in model.__dict__:
            assert not np.shares_memory(getattr(copy, name), getattr(model, name))
    trainer = Trainer(model, X, y)
    for _ in range(5):
        trainer.step()
    assert not np.array_equal(_outputs(model, X), before)
    np.testing.assert_array_equal(_outputs(copy, X), before)


def test_snapshot_into_a_previous_one_reuses_it():
    model, X, y = _fitted("nn3")
    first = model.snapshot()
    theta = first._network.theta
    Trainer(model, X, y).step()
    again = model.snapshot(into=first)
    assert again is first and again._network.theta is theta
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


def test_snapshot_into_another_structure_makes_a_new_one():
    model, X, _ = _fitted("nn3")
    other, _, _ = _fitted("nn2")
    old = other.snapshot()
    copy = model.snapshot(into=old)
    assert copy is not old
    np.testing.assert_array_equal(copy.predict_proba(X), model.predict_proba(X))
    assert model.snapshot(into=model.snapshot(dtype=np.float32)).predict_proba(X).dtype == np.float64


def test_float32_snapshot_of_a_float64_model():
    model, X, _ = _fitted("nn3")
    copy = model.snapshot(dtype=np.float32)
    assert copy._network.theta.dtype == np.float32
    proba = copy.predict_proba(X)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=1e-4, atol=1e-5)
    assert model._network.theta.dtype == np.float64  # the model itself is untouched


def test_snapshot_errors():
    with pytest.raises(NotFittedError):
        NeuralNetwork().snapshot()
    model, X, y = _fitted("nn2")
    with pytest.raises(ValueError, match="dtype"):
        model.snapshot(dtype=np.int32)
    copy = model.snapshot()
    with pytest.raises(ValueError, match="snapshot"):
        copy.partial_fit(X, y)
    # fit starts afresh, and the model it was taken from is not affected
    before = model.predict_proba(X)
    copy.fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), before)


def test_float32_snapshot_of_parameters_beyond_float32_keeps_float64():
    model, X, _ = _fitted("nn2")
    model._network.theta[0] = 1e300  # a model blowing up: finite in float64 only
    copy = model.snapshot(dtype=np.float32)
    assert copy._network.theta.dtype == np.float64
    assert np.isfinite(copy._network.theta).all()
