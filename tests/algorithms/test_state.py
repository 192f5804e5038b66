"""``model_state`` / ``model_from_state`` and ``Trainer.state_dict`` /
``Trainer(resume=...)``: a model saved as JSON and arrays and restored
continues bit for bit; every malformed field is a ValueError naming it."""

import copy
import json

import numpy as np
import pytest

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, Trainer
from algorithms.state import model_from_state, model_state

from .helpers import sine, spiral, two_moons


def _case(kind):
    rng = np.random.default_rng(0)
    if kind == "linear":
        X, y = sine(200, 0.1, rng)
        return LinearRegression(max_epochs=50, l1=1e-3, random_state=0), np.column_stack([X, X**2]), y
    if kind == "logistic":
        X, y = two_moons(200, 0.1, rng)
        return LogisticRegression(max_epochs=50, random_state=0), X, np.where(y == 1, "yes", "no")
    if kind == "nn-adam-minibatch":
        X, y = spiral(300, 3, 0.1, rng)
        return NeuralNetwork(hidden_layers=(8, 8), batch_size=32, max_epochs=50, early_stopping=True,
                             random_state=0), X, y
    if kind == "nn-momentum-regression":
        X, y = sine(200, 0.1, rng)
        return NeuralNetwork(hidden_layers=(8,), task="regression", optimizer="momentum", l1=1e-3,
                             max_epochs=50, random_state=0), X, np.column_stack([y, -y])
    X, y = two_moons(200, 0.1, rng)
    return NeuralNetwork(hidden_layers=(6,), activation="relu", optimizer="sgd", batch_size=50,
                         max_epochs=50, random_state=3), X.astype(np.float32), y


KINDS = ["linear", "logistic", "nn-adam-minibatch", "nn-momentum-regression", "nn-float32-sgd"]


def _through_json(description, arrays):
    """What a file gives back: JSON text and fresh arrays."""
    return json.loads(json.dumps(description)), {name: np.array(value) for name, value in arrays.items()}


@pytest.mark.parametrize("kind", KINDS)
def test_a_resumed_trainer_continues_bit_for_bit(kind):
    model, X, y = _case(kind)
    trainer = Trainer(model, X, y, validation_fraction=0.2, keep_history=False)
    for _ in range(7):
        trainer.step()
    description, arrays = _through_json(*model_state(model))
    trainer_description, trainer_arrays = _through_json(*trainer.state_dict())
    restored = model_from_state(description, arrays)
    resumed = Trainer(restored, X, y, validation_fraction=0.2, keep_history=False,
                      resume=(trainer_description, trainer_arrays))
    assert resumed.epoch == trainer.epoch == 7
    np.testing.assert_array_equal(resumed.val_index, trainer.val_index)
    np.testing.assert_array_equal(restored._network.theta, model._network.theta)
    for _ in range(5):
        expected, got = trainer.step(), resumed.step()
        assert got == expected  # same epoch number, loss, scores, stop
    np.testing.assert_array_equal(restored._network.theta, model._network.theta)
    assert restored._network.theta.dtype == model._network.theta.dtype


@pytest.mark.parametrize("kind", KINDS)
def test_a_restored_model_predicts_and_partial_fits_like_the_original(kind):
    model, X, y = _case(kind)
    model.fit(X, y)
    restored = model_from_state(*_through_json(*model_state(model)))
    outputs = (lambda m: m.predict_proba(X)) if hasattr(model, "classes_") else (lambda m: m.predict(X))
    np.testing.assert_array_equal(outputs(restored), outputs(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    np.testing.assert_equal(restored.history_, model.history_)
    assert restored.get_params() == model.get_params()
    for _ in range(3):
        model.partial_fit(X, y)
        restored.partial_fit(X, y)
    np.testing.assert_array_equal(restored._network.theta, model._network.theta)


def test_an_unfitted_model_round_trips_its_hyperparameters():
    model = NeuralNetwork(hidden_layers=(3, 4), activation="relu", batch_size=None, random_state=None)
    description, arrays = model_state(model)
    assert arrays == {} and description["fitted"] is False
    restored = model_from_state(*_through_json(description, arrays))
    assert restored.get_params() == model.get_params()
    assert not restored._is_fitted()


def test_the_state_is_plain_json_and_number_or_string_arrays():
    model, X, y = _case("logistic")
    model.fit(X, y)
    description, arrays = model_state(model)
    json.dumps(description, allow_nan=False)  # no NaN, no infinity, nothing but JSON values
    assert all(isinstance(a, np.ndarray) and not a.dtype.hasobject for a in arrays.values())
    assert arrays["classes"].dtype.kind == "U"
    model._network.theta[0] += 1.0  # copies, not views
    assert arrays["theta"][0] != model._network.theta[0]


def _fitted_state():
    model, X, y = _case("nn-adam-minibatch")
    model.fit(X, y)
    return model_state(model)


def _broken(change):
    description, arrays = _fitted_state()
    description, arrays = copy.deepcopy(description), dict(arrays)
    change(description, arrays)
    return description, arrays


BAD_STATES = {
    "unknown model": (lambda d, a: d.update(model="svm"), "model.model"),
    "other version": (lambda d, a: d.update(version=99), "model.version"),
    "unknown hyperparameter": (lambda d, a: d["params"].update(gamma=1), "gamma"),
    "missing hyperparameter": (lambda d, a: d["params"].pop("activation"), "activation"),
    "bad hyperparameter": (lambda d, a: d["params"].update(learning_rate=-1), "learning_rate"),
    "layers as text": (lambda d, a: d["params"].update(hidden_layers="8,8"), "hidden_layers"),
    "theta too short": (lambda d, a: a.update(theta=a["theta"][:-1]), "'theta'"),
    "theta of strings": (lambda d, a: a.update(theta=a["theta"].astype(str)), "'theta'"),
    "theta with NaN": (lambda d, a: a["theta"].__setitem__(0, np.nan), "'theta'"),
    "theta missing": (lambda d, a: a.pop("theta"), "'theta'"),
    "an extra array": (lambda d, a: a.update(extra=np.zeros(2)), "'extra'"),
    "zero scale": (lambda d, a: a.update(x_scale=np.zeros(2)), "x_scale"),
    "negative second moment": (lambda d, a: a.update({"optimizer.v": -np.ones_like(a["optimizer.v"])}),
                               "optimizer.v"),
    "unknown activation": (lambda d, a: d.update(activation="swish"), "model.activation"),
    "wrong loss": (lambda d, a: d.update(loss="mse"), "model.loss"),
    "layers not matching inputs": (lambda d, a: d.update(layer_sizes=[3, 8, 8, 3]), "layer_sizes"),
    "huge layers": (lambda d, a: d.update(layer_sizes=[2, 10**6, 10**6, 3]), "layer_sizes"),
    "unsorted classes": (lambda d, a: a.update(classes=a["classes"][::-1].copy()), "classes"),
    "one class": (lambda d, a: a.update(classes=a["classes"][:1].copy()), "classes"),
    "bad generator state": (lambda d, a: d["rng"].update(state=-1), "model.rng.state"),
    "other generator": (lambda d, a: d["rng"].update(bit_generator="MT19937"), "model.rng.bit_generator"),
    "adam step count as text": (lambda d, a: d["optimizer"].update(t="3"), "model.optimizer.t"),
    "history keys": (lambda d, a: d.update(history=["loss"]), "model.history"),
    "history lengths": (lambda d, a: a.update({"history.loss": np.zeros(1)}), "history"),
    "feature names": (lambda d, a: d.update(feature_names=[1, 2]), "feature_names"),
    "description not an object": (lambda d, a: d.update(optimizer=[1]), "model.optimizer"),
}


@pytest.mark.parametrize("name", list(BAD_STATES))
def test_every_malformed_field_is_a_value_error_naming_it(name):
    change, words = BAD_STATES[name]
    description, arrays = _broken(change)
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(".", r"\.")):
        model_from_state(description, arrays)


def test_a_valid_state_loads():
    model_from_state(*_fitted_state())  # the fixture behind BAD_STATES is itself valid


BAD_TRAINER_STATES = {
    "epoch negative": (lambda d, a: d.update(epoch=-1), "trainer.epoch"),
    "unknown field": (lambda d, a: d.update(speed=3), "trainer.speed"),
    "done without reason": (lambda d, a: d.update(done=True), "stop_reason"),
    "unknown reason": (lambda d, a: d.update(done=True, stop_reason="bored"), "stop_reason"),
    "rows out of range": (lambda d, a: a.update(val_index=a["val_index"] + 1000), "val_index"),
    "rows overlapping": (lambda d, a: a.update(val_index=a["train_index"][:3].copy()), "split"),
    "rows as floats": (lambda d, a: a.update(train_index=a["train_index"].astype(float)), "train_index"),
    "best as text": (lambda d, a: d.update(best="low"), "trainer.best"),
}


@pytest.mark.parametrize("name", list(BAD_TRAINER_STATES))
def test_every_malformed_trainer_field_is_a_value_error(name):
    change, words = BAD_TRAINER_STATES[name]
    model, X, y = _case("nn-adam-minibatch")
    trainer = Trainer(model, X, y, validation_fraction=0.2)
    trainer.step()
    description, arrays = trainer.state_dict()
    arrays = dict(arrays)
    change(description, arrays)
    with pytest.raises(ValueError, match=words):
        Trainer(model, X, y, validation_fraction=0.2, resume=(description, arrays))


def test_resuming_on_data_the_model_cannot_take_is_refused_not_reinitialised():
    model, X, y = _case("nn-adam-minibatch")
    trainer = Trainer(model, X, y, validation_fraction=0.2)
    trainer.step()
    theta = model._network.theta.copy()
    with pytest.raises(ValueError, match="cannot resume training: X has 3 features"):
        Trainer(model, np.column_stack([X, X[:, 0]]), y, validation_fraction=0.2, resume=trainer.state_dict())
    np.testing.assert_array_equal(model._network.theta, theta)


def test_a_stopped_trainer_resumes_stopped_and_extends_like_the_original():
    model, X, y = _case("nn-adam-minibatch")
    model.set_params(early_stopping=False, max_epochs=4)
    trainer = Trainer(model, X, y, validation_fraction=0.2)
    while not trainer.done:
        trainer.step()
    restored = model_from_state(*model_state(model))
    resumed = Trainer(restored, X, y, validation_fraction=0.2, resume=trainer.state_dict())
    assert resumed.done and resumed.stop_reason == "max_epochs" and resumed.epoch == 4
    with pytest.raises(RuntimeError):
        resumed.step()
    trainer.extend(3)
    resumed.extend(3)
    assert [resumed.step() for _ in range(3)] == [trainer.step() for _ in range(3)]


@pytest.mark.parametrize("kind", KINDS)
def test_a_checkpoint_gives_back_the_model_of_that_epoch(kind):
    from algorithms.state import checkpoint, from_checkpoint

    model, X, y = _case(kind)
    trainer = Trainer(model, X, y, validation_fraction=0.2)
    for _ in range(4):
        trainer.step()
    saved, loop = checkpoint(model), trainer.loop_state()
    theta = model._network.theta.copy()
    later = [trainer.step() for _ in range(3)]
    earlier = from_checkpoint(model, saved)
    np.testing.assert_array_equal(earlier._network.theta, theta)
    # trained on from there, it takes the very steps the original took
    resumed = Trainer(earlier, X, y, validation_fraction=0.2,
                      resume=(loop, {"train_index": trainer.train_index, "val_index": trainer.val_index}))
    assert [resumed.step() for _ in range(3)] == later
    np.testing.assert_array_equal(earlier._network.theta, model._network.theta)


def test_the_loop_state_is_taken_between_epochs_only():
    model, X, y = _case("nn-adam-minibatch")
    trainer = Trainer(model, X, y, validation_fraction=0.2)
    assert trainer.step_batches(2) is None and trainer.in_epoch
    with pytest.raises(RuntimeError, match="epoch is in progress"):
        trainer.state_dict()
    trainer.step()  # finishes the epoch
    assert trainer.loop_state()["epoch"] == 1
