"""The scikit-learn-style contract, checked the same way for every model."""

import inspect

import numpy as np
import pytest

from algorithms import MODELS, LinearRegression, LogisticRegression, NeuralNetwork, NotFittedError, Param, Trainer

from .helpers import spiral, two_moons


def _regression(rng):
    X = rng.normal(size=(60, 2))
    return X, X @ [1.0, -2.0] + 0.1 * rng.normal(size=60)


def _binary(rng):
    return two_moons(60, 0.1, rng)


CASES = {
    "linear": (LinearRegression, {}, _regression),
    "logistic": (LogisticRegression, {}, _binary),
    "nn-binary": (NeuralNetwork, {"hidden_layers": (5,)}, _binary),
    "nn-3-classes": (NeuralNetwork, {"hidden_layers": (5, 4), "activation": "relu", "batch_size": 16},
                     lambda rng: spiral(60, 3, 0.1, rng)),
    "nn-regression": (NeuralNetwork, {"task": "regression", "hidden_layers": (6,), "optimizer": "momentum"},
                      _regression),
}


@pytest.fixture(params=list(CASES), name="case")
def _case(request):
    cls, kwargs, data = CASES[request.param]
    X, y = data(np.random.default_rng(0))

    def make(**extra):
        return cls(**{"max_epochs": 5, "random_state": 0, **kwargs, **extra})

    return make, X, y


def _learned(model):
    return [name for name in dir(model) if name.endswith("_") and not name.startswith("_") and hasattr(model, name)]


def _weights(model):
    if isinstance(model, NeuralNetwork):
        return np.concatenate([w.ravel() for w in model.coefs_ + model.intercepts_])
    return np.append(np.ravel(model.coef_), model.intercept_)


def test_fit_returns_self_and_learns_attributes(case):
    make, X, y = case
    model = make()
    assert model.fit(X, y) is model
    learned = _learned(model)
    assert "history_" in learned and "n_features_in_" in learned
    assert model.n_features_in_ == 2
    assert all(len(values) == 5 for values in model.history_.values())


def test_no_learned_attributes_before_fit(case):
    make, X, y = case
    model = make()
    assert _learned(model) == []
    assert set(vars(model)) == {p.name for p in type(model).PARAMS}


def test_not_fitted_error_before_fit(case):
    make, X, y = case
    model = make()
    for method in ("predict", "predict_proba", "decision_function", "layer_activations"):
        if hasattr(model, method):
            with pytest.raises(NotFittedError, match="not fitted"):
                getattr(model, method)(X)
    with pytest.raises(NotFittedError):
        model.score(X, y)


def test_partial_fit_advances_exactly_one_epoch(case):
    make, X, y = case
    model = make()
    assert model.partial_fit(X, y) is model
    assert all(len(values) == 1 for values in model.history_.values())
    before = _weights(model)
    model.partial_fit(X, y)
    assert all(len(values) == 2 for values in model.history_.values())
    assert not np.array_equal(before, _weights(model))
    assert np.isnan(model.history_["val_loss"]).all()  # no validation split in partial_fit


def test_same_seed_gives_identical_weights(case):
    make, X, y = case
    first = _weights(make(random_state=7).fit(X, y))
    second = _weights(make(random_state=7).fit(X, y))
    np.testing.assert_array_equal(first, second)
    model = make(random_state=7).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), make(random_state=7).fit(X, y).predict(X))
    if isinstance(model, NeuralNetwork):
        assert not np.array_equal(first, _weights(make(random_state=8).fit(X, y)))


def test_fit_starts_afresh(case):
    make, X, y = case
    model = make().fit(X, y)
    weights = _weights(model)
    model.fit(X, y)
    assert len(model.history_["loss"]) == 5
    np.testing.assert_array_equal(weights, _weights(model))


def test_get_params_set_params_round_trip(case):
    make, X, y = case
    model = make()
    params = model.get_params()
    assert list(params) == [p.name for p in type(model).PARAMS]
    clone = type(model)(**params)
    assert clone.get_params() == params
    assert model.set_params(learning_rate=0.05, max_epochs=3) is model
    assert model.get_params()["learning_rate"] == 0.05 and model.max_epochs == 3
    with pytest.raises(ValueError, match="'learning_rat' is not a parameter"):
        model.set_params(max_epochs=4, learning_rat=0.1)
    assert model.max_epochs == 3  # a rejected call changes nothing
    # Values are stored as given and validated when used (scikit-learn's convention).
    bad = [0.1]
    assert model.set_params(learning_rate=bad).learning_rate is bad
    with pytest.raises(ValueError, match=r"learning_rate=\[0.1\] is invalid"):
        model.fit(X, y)


def test_params_declare_every_constructor_argument(case):
    make, X, y = case
    cls = type(make())
    signature = inspect.signature(cls.__init__)
    arguments = {name: p.default for name, p in signature.parameters.items() if name != "self"}
    assert [p.name for p in cls.PARAMS] == list(arguments)
    for param in cls.PARAMS:
        assert isinstance(param, Param)
        assert param.default == arguments[param.name], param.name
        assert param.label and param.help.endswith("."), param.name
    live = {p.name for p in cls.PARAMS if p.live}
    assert live == {"learning_rate", "l2", "l1"} & set(arguments)
    assert all(p.log for p in cls.PARAMS if p.name in live)


def _invalid_value(param: Param):
    if param.kind == "layers":
        return (4, 0)
    if param.kind is bool:
        return "yes"
    if param.kind is str:
        return "nonsense"
    if param.low is not None:
        return param.low - 1
    return param.high + 1


def test_fit_validates_every_param_against_its_declaration(case):
    make, X, y = case
    for param in type(make()).PARAMS:
        model = make(**{param.name: _invalid_value(param)})
        with pytest.raises(ValueError, match=f"{param.name}="):
            model.fit(X, y)


def test_score_and_history_keys(case):
    make, X, y = case
    model = make(max_epochs=30)
    trainer = Trainer(model, X, y, validation_fraction=0.25)
    while not trainer.done:
        trainer.step()
    metric = "r2" if model._task() == "regression" else "accuracy"
    assert set(model.history_) == {"loss", "val_loss", metric, "val_" + metric}
    assert np.isfinite(model.history_["val_loss"]).all()
    score = model.score(X, y)
    assert -1.0 < score <= 1.0
    if metric == "accuracy":
        assert score == pytest.approx(np.mean(model.predict(X) == y))


def test_models_registry_labels_and_supports():
    assert MODELS == {"linear": LinearRegression, "logistic": LogisticRegression, "nn": NeuralNetwork}
    assert [cls.LABEL for cls in MODELS.values()] == ["Linear regression", "Logistic regression", "Neural network"]
    assert LinearRegression.supports("regression", None)
    assert not LinearRegression.supports("classification", 2)
    assert LogisticRegression.supports("classification", 2)
    assert not LogisticRegression.supports("classification", 3)
    assert not LogisticRegression.supports("regression", None)
    assert NeuralNetwork.supports("classification", 5) and NeuralNetwork.supports("regression", None)
    assert not NeuralNetwork.supports("classification", 1)


def test_repr_shows_changed_params():
    assert repr(NeuralNetwork(hidden_layers=(3,), learning_rate=0.1)) == \
        "NeuralNetwork(hidden_layers=(3,), learning_rate=0.1)"
