"""Hyperparameter declarations and their validation."""

import numpy as np
import pytest

from algorithms import MODELS, Param
from algorithms.params import validate_param


@pytest.mark.parametrize("cls", list(MODELS.values()), ids=list(MODELS))
def test_every_default_is_valid_and_canonical(cls):
    for param in cls.PARAMS:
        assert validate_param(param, param.default) == param.default
        if param.choices is not None:
            assert param.kind is str and param.default in param.choices
        if param.kind in (int, float) and param.default is not None:
            assert param.low is not None and param.low <= param.default <= param.high


def test_validation_returns_canonical_values():
    layers = Param("hidden_layers", "layers", (4,), "Hidden", "Widths.")
    assert validate_param(layers, [np.int64(3), 2]) == (3, 2)
    assert validate_param(layers, ()) == ()
    number = Param("tol", float, 0.1, "Tol", "Tolerance.", low=0.0, high=1.0)
    assert validate_param(number, 1) == 1.0 and isinstance(validate_param(number, 1), float)
    assert validate_param(number, np.float32(0.5)) == 0.5
    count = Param("n", int, 1, "N", "Count.", low=1, high=5)
    assert validate_param(count, np.int64(5)) == 5
    with pytest.raises(ValueError, match="n=True is invalid: expected an integer"):
        validate_param(count, True)
    with pytest.raises(ValueError, match="n=6 is invalid: must be <= 5"):
        validate_param(count, 6)
    flag = Param("on", bool, True, "On", "Switch.")
    assert validate_param(flag, np.bool_(False)) is False
    optional = Param("batch_size", int, None, "Batch", "Size.", low=1, high=10, optional=True)
    assert validate_param(optional, None) is None


def test_gui_metadata():
    nn = {p.name: p for p in MODELS["nn"].PARAMS}
    assert nn["learning_rate"].log and nn["learning_rate"].live
    assert nn["l2"].log and nn["l2"].live
    assert nn["batch_size"].optional and nn["random_state"].optional
    assert nn["activation"].choices == ("relu", "tanh", "sigmoid", "linear", "leaky_relu")
    assert nn["optimizer"].choices == ("sgd", "momentum", "adam")
    assert nn["task"].choices == ("classification", "regression")
    assert nn["hidden_layers"].kind == "layers" and nn["hidden_layers"].default == (16, 16)
    assert nn["activation"].default == "tanh" and nn["optimizer"].default == "adam"
    assert nn["normalize"].default is True and nn["batch_size"].default is None
