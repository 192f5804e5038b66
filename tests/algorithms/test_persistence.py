"""pickle and copy.deepcopy: a restored model predicts and keeps learning
exactly as the original would, and its pickle holds parameters, not buffers."""

import copy
import pickle

import numpy as np
import pytest

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, Trainer

from .helpers import sine, spiral, two_moons


def _case(kind):
    rng = np.random.default_rng(0)
    if kind == "linear":
        X, y = sine(200, 0.1, rng)
        X = np.column_stack([X, X**2])
        return LinearRegression(max_epochs=20, random_state=0), X, y
    if kind == "logistic":
        X, y = two_moons(200, 0.1, rng)
        return LogisticRegression(max_epochs=20, l1=1e-3, random_state=0), X, y
    if kind == "nn-adam":
        X, y = spiral(300, 3, 0.1, rng)
        return NeuralNetwork(hidden_layers=(8, 8), batch_size=32, max_epochs=10, random_state=0), X, y
    X, y = sine(200, 0.1, rng)
    return NeuralNetwork(hidden_layers=(8,), task="regression", optimizer="momentum", max_epochs=10,
                         random_state=0), X, y


KINDS = ["linear", "logistic", "nn-adam", "nn-momentum-regression"]
ROUND_TRIPS = {"pickle": lambda model: pickle.loads(pickle.dumps(model)), "deepcopy": copy.deepcopy}


@pytest.mark.parametrize("round_trip", list(ROUND_TRIPS))
@pytest.mark.parametrize("kind", KINDS)
def test_a_restored_model_keeps_learning_exactly_like_the_original(kind, round_trip):
    model, X, y = _case(kind)
    model.fit(X, y)
    model.predict(X)  # prediction buffers exist now
    restored = ROUND_TRIPS[round_trip](model)
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    for _ in range(30):
        model.partial_fit(X, y)
        restored.partial_fit(X, y)
    # Same parameters, optimiser state and random stream: bit for bit.
    np.testing.assert_array_equal(restored._network.theta, model._network.theta)
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    np.testing.assert_equal(restored.history_, model.history_)  # NaN where there is no validation
    # Every layer array is still a view into the vector the optimiser updates.
    network = restored._network
    for block, weights, biases in zip(network.blocks, network.weights, network.biases):
        assert np.shares_memory(block, network.theta)
        assert np.shares_memory(weights, network.theta) and np.shares_memory(biases, network.theta)
    assert not np.shares_memory(network.theta, model._network.theta)


def test_linear_regression_trained_after_a_round_trip_fits_as_well_as_the_original():
    # The bug this guards against: unpickling made the layer arrays copies, so
    # training moved theta while predict read stale weights (R^2 0.71 vs 1.0).
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3))
    y = X @ [1.0, -2.0, 0.5] + 4.0
    model = LinearRegression(max_epochs=3, learning_rate=0.05).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    for _ in range(100):
        restored.partial_fit(X, y)
        model.partial_fit(X, y)
    assert restored.score(X, y) == model.score(X, y) > 0.99


def test_a_network_fitted_on_many_rows_pickles_to_about_its_parameter_size():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50_000, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = NeuralNetwork(hidden_layers=(64, 64), max_epochs=2, random_state=0).fit(X, y)
    model.predict_proba(X)
    model.partial_fit(X, y)  # partial_fit keeps its loop and a copy of the rows between calls
    parameter_bytes = model._network.theta.nbytes  # 4,609 parameters, 36.9 kB
    size = len(pickle.dumps(model))
    # The parameters plus Adam's two moment vectors plus small learned state
    # (scaling, classes, history): no buffer of 50,000 rows goes with it.
    assert 3 * parameter_bytes < size < 3 * parameter_bytes + 20_000
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X[:100]), model.predict_proba(X[:100]))


def test_a_snapshot_pickles_without_training_state():
    model, X, y = _case("nn-adam")
    model.fit(X, y)
    snapshot = model.snapshot()
    size = len(pickle.dumps(snapshot))
    assert size < model._network.theta.nbytes + 5_000
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(snapshot)).predict_proba(X), model.predict_proba(X))


def test_an_unfitted_model_and_a_trainer_built_on_a_restored_model():
    assert pickle.loads(pickle.dumps(NeuralNetwork(l1=0.1))).get_params() == NeuralNetwork(l1=0.1).get_params()
    model, X, y = _case("logistic")
    model.fit(X, y)
    restored = copy.deepcopy(model)
    trainer = Trainer(restored, X, y)  # continues from the restored parameters
    assert trainer.epoch == 20
    trainer.step()
    assert len(restored.history_["loss"]) == 21 and len(model.history_["loss"]) == 20
