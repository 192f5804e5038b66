"""A model's complete state as plain data: a JSON-able description and named
NumPy arrays, and back. No pickle.

``model_state(model)`` returns ``(description, arrays)``:

- ``description``: a dict of JSON values only (str, int, float, bool, None,
  lists, dicts): which model (its key in ``algorithms.MODELS``), every
  hyperparameter, and the learned state that is not an array (the network's
  layer sizes, activation and loss, the optimiser's step count, the random
  generator's state, the number of input features, ...);
- ``arrays``: name -> ``np.ndarray`` of numbers or fixed-width strings
  (never ``dtype=object``), copies: the parameter vector ``theta``, the
  optimiser's moments, the standardisation, ``classes``, the history.

``model_from_state(description, arrays)`` rebuilds the model from them after
checking every field: a model that continues training exactly where the
original was (same parameters, optimiser moments and random stream: the next
``partial_fit``, or the next epoch of a ``Trainer`` resumed from
``Trainer.state_dict()``, is bit for bit the original's). Anything
inconsistent or out of range is a ``ValueError`` naming the field, so state
read from a file written by someone else can be loaded safely.

The two together are what a session file or an exported model stores (see
``docs/session-format.md``); ``pickle`` keeps working too (``base.py``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np

from .activations import ACTIVATIONS
from .losses import MeanSquaredError, SigmoidCrossEntropy, SoftmaxCrossEntropy
from .network import DenseNetwork
from .optimizers import OPTIMIZERS, Adam, Momentum, make_optimizer
from .params import MAX_PARAMETERS, count_parameters, validate_param

__all__ = ["STATE_VERSION", "model_state", "model_from_state", "params_to_json", "params_from_json",
           "check_model_description", "checkpoint", "from_checkpoint", "check_keys"]

#: Version of the description's layout; ``model_from_state`` refuses others.
STATE_VERSION = 1

LOSSES = {cls.name: cls for cls in (MeanSquaredError, SigmoidCrossEntropy, SoftmaxCrossEntropy)}
#: dtypes a model computes in
DTYPES = ("float32", "float64")
#: kinds of class labels that can be stored without pickle: bool, integers, floats, strings
LABEL_KINDS = "biufU"


def _models() -> dict:
    from . import MODELS  # the package imports this module's users

    return MODELS


def _model_key(model) -> str:
    for key, cls in _models().items():
        if type(model) is cls:
            return key
    raise ValueError(f"cannot describe a {type(model).__name__}: only {', '.join(_models())} models are known")


# -- JSON helpers -------------------------------------------------------------------
def _json_value(value):
    """``value`` as plain JSON data (tuples as lists, NumPy scalars as Python ones)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (tuple, list)):
        return [_json_value(item) for item in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot store the non-finite number {value!r}")
        return value
    raise ValueError(f"cannot store a value of type {type(value).__name__}: {value!r}")


def params_to_json(model) -> dict:
    """The model's hyperparameters (``get_params()``) as JSON values."""
    return {name: _json_value(value) for name, value in model.get_params().items()}


def params_from_json(cls, values, where: str = "params") -> dict:
    """Hyperparameters of ``cls`` from JSON ``values``: every declared name
    present, no other, each validated (``ValueError`` naming it)."""
    if not isinstance(values, Mapping):
        raise ValueError(f"{where} must be an object of hyperparameters, got {_kind(values)}")
    declared = {param.name: param for param in cls.PARAMS}
    check_keys(values, declared, where, f"hyperparameter of {cls.__name__}")
    params = {}
    for name, param in declared.items():
        value = values[name]
        if param.kind == "layers" and isinstance(value, list):
            value = tuple(value)
        try:
            params[name] = validate_param(param, value)
        except ValueError as error:
            raise ValueError(f"{where}.{error}") from None
    return params


def check_keys(mapping, expected, where: str, noun: str) -> None:
    """``ValueError`` unless ``mapping`` has exactly the keys ``expected``:
    "where: unknown noun 'x'" or "where: the noun 'y' is missing"."""
    unknown = sorted(set(mapping) - set(expected), key=str)
    if unknown:
        raise ValueError(f"{where}: unknown {noun} {unknown[0]!r}")
    missing = [name for name in expected if name not in mapping]
    if missing:
        raise ValueError(f"{where}: the {noun} {missing[0]!r} is missing")


def _kind(value) -> str:
    return "null" if value is None else type(value).__name__


# -- checks of the description -----------------------------------------------------------
def _field(mapping, name: str, where: str):
    if not isinstance(mapping, Mapping):
        raise ValueError(f"{where} must be an object, got {_kind(mapping)}")
    if name not in mapping:
        raise ValueError(f"{where}.{name} is missing")
    return mapping[name]


def _int(mapping, name: str, where: str, low: int = 0, high: int | None = None) -> int:
    value = _field(mapping, name, where)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{where}.{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{where}.{name} must be {bounds}, got {value}")
    return int(value)


def _float(mapping, name: str, where: str, low: float, high: float, open_low: bool = False) -> float:
    value = _field(mapping, name, where)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{where}.{name} must be a finite number, got {value!r}")
    if value < low or value > high or (open_low and value == low):
        raise ValueError(f"{where}.{name} must be within {'(' if open_low else '['}{low:g}, {high:g}], got {value!r}")
    return float(value)


def _bool(mapping, name: str, where: str) -> bool:
    value = _field(mapping, name, where)
    if not isinstance(value, bool):
        raise ValueError(f"{where}.{name} must be true or false, got {value!r}")
    return value


def _choice(mapping, name: str, where: str, choices) -> str:
    value = _field(mapping, name, where)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{where}.{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _array(arrays: Mapping, name: str, shape: tuple, kinds: str, where: str = "arrays",
           finite: bool = False) -> np.ndarray:
    """``arrays[name]`` checked: an ndarray of ``shape`` (None: any length
    on that axis) whose dtype kind is in ``kinds``."""
    if name not in arrays:
        raise ValueError(f"{where}: the array {name!r} is missing")
    array = arrays[name]
    if not isinstance(array, np.ndarray):
        raise ValueError(f"{where}: {name!r} must be an array, got {_kind(array)}")
    if array.dtype.kind not in kinds or array.dtype.hasobject:
        raise ValueError(f"{where}: {name!r} has dtype {array.dtype}, expected {_kind_names(kinds)}")
    if array.ndim != len(shape) or any(want is not None and have != want for have, want in zip(array.shape, shape)):
        wanted = "(" + ", ".join("n" if want is None else str(want) for want in shape) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{where}: {name!r} has shape {array.shape}, expected {wanted}")
    if finite and array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"{where}: {name!r} holds NaN or infinite values")
    return array


def _kind_names(kinds: str) -> str:
    names = {"b": "booleans", "i": "integers", "u": "integers", "f": "floats", "U": "strings"}
    return " or ".join(dict.fromkeys(names[kind] for kind in kinds))


def check_model_description(description) -> type:
    """The model class a description names (``ValueError`` if it is not one
    or the format version is not ``STATE_VERSION``): a quick look, before
    ``model_from_state`` checks everything."""
    version = _field(description, "version", "model")
    if version != STATE_VERSION:
        raise ValueError(f"model.version is {version!r}; this version of the app reads model state version "
                         f"{STATE_VERSION}")
    key = _choice(description, "model", "model", tuple(_models()))
    return _models()[key]


# -- writing ---------------------------------------------------------------------------
def model_state(model) -> tuple[dict, dict[str, np.ndarray]]:
    """``(description, arrays)``: everything ``model_from_state`` needs to
    rebuild ``model`` exactly (see the module docstring). The arrays are
    copies. ``ValueError`` for a model of another kind or with class labels
    that cannot be stored as numbers or strings."""
    description = {"version": STATE_VERSION, "model": _model_key(model), "params": params_to_json(model),
                   "fitted": model._is_fitted()}
    arrays: dict[str, np.ndarray] = {}
    if not description["fitted"]:
        return description, arrays
    state = model.__dict__
    network: DenseNetwork = model._network
    description.update(
        n_features=int(model.n_features_in_),
        feature_names=None if "feature_names_in_" not in state else [str(name) for name in model.feature_names_in_],
        task="classification" if "classes_" in state else "regression",
        layer_sizes=list(network.layer_sizes),
        activation=network.activation.name,
        loss=network.loss.name,
        dtype=network.dtype.name,
        normalize=bool(model._normalize),
        structure=_json_value(list(model._structure)),
    )
    arrays["theta"] = network.theta.copy()
    arrays["x_mean"] = np.array(model._x_mean, dtype=np.float64)
    arrays["x_scale"] = np.array(model._x_scale, dtype=np.float64)
    if "classes_" in state:
        classes = np.asarray(model.classes_)
        if classes.dtype.kind not in LABEL_KINDS:
            raise ValueError(f"cannot store class labels of dtype {classes.dtype} (mixed or object labels); "
                             f"use numbers or strings")
        arrays["classes"] = classes.copy()
    else:
        description["n_outputs"] = int(model.n_outputs_)
        description["y_ndim"] = int(model._y_ndim)
        arrays["y_mean"] = np.array(model._y_mean, dtype=np.float64)
        arrays["y_scale"] = np.array(model._y_scale, dtype=np.float64)
    optimizer = state.get("_optimizer")
    if optimizer is None:  # a snapshot for prediction: nothing to continue with
        description["optimizer"] = None
    else:
        about = {"name": optimizer.name}
        if isinstance(optimizer, Momentum):
            about["beta"] = float(optimizer.beta)
            arrays["optimizer.velocity"] = optimizer.velocity.copy()
        elif isinstance(optimizer, Adam):
            about.update(beta1=float(optimizer.beta1), beta2=float(optimizer.beta2), eps=float(optimizer.eps),
                         t=int(optimizer.t))
            arrays["optimizer.m"] = optimizer.m.copy()
            arrays["optimizer.v"] = optimizer.v.copy()
        description["optimizer"] = about
    rng = state.get("_rng")
    description["rng"] = None if rng is None else _rng_state(rng)
    history = state.get("history_")
    if history is not None:
        description["history"] = list(history)
        for key, values in history.items():
            arrays[f"history.{key}"] = np.array(values, dtype=np.float64)
    else:
        description["history"] = None
    return description, arrays


def checkpoint(model) -> dict:
    """What training changes in a fitted model, copied in microseconds (for
    a timeline of a run): the parameter vector, the optimiser's vectors and
    step count, the random generator's state, and the standardisation (by
    reference: training replaces those arrays, never writes into them).
    ``checkpoint["nbytes"]``: the memory the copies take.
    ``from_checkpoint`` makes the model of that moment."""
    model._require_fitted()
    state = model.__dict__
    optimizer = state.get("_optimizer")
    vectors = [] if optimizer is None else [vector.copy() for vector, _power in optimizer.state()]
    theta = model._network.theta.copy()
    rng = state.get("_rng")
    return {"theta": theta, "optimizer": vectors, "t": getattr(optimizer, "t", None),
            "rng": None if rng is None else rng.bit_generator.state,
            "scaling": {name: state[name] for name in ("_x_mean", "_x_scale", "_y_mean", "_y_scale") if name in state},
            "nbytes": theta.nbytes + sum(vector.nbytes for vector in vectors)}


def from_checkpoint(model, checkpoint: dict):
    """A new model like ``model`` (its hyperparameters, structure and
    classes) with the parameters, optimiser state, random stream and
    standardisation of ``checkpoint`` (from ``checkpoint(model)`` earlier in
    the same run): it predicts, and trains on, as the model did then."""
    description, arrays = model_state(model)
    arrays["theta"] = checkpoint["theta"]
    names = {"momentum": ("optimizer.velocity",), "adam": ("optimizer.m", "optimizer.v")}.get(
        (description.get("optimizer") or {}).get("name"), ())
    for name, vector in zip(names, checkpoint["optimizer"]):
        arrays[name] = vector
    if checkpoint["t"] is not None and description.get("optimizer"):
        description["optimizer"]["t"] = int(checkpoint["t"])
    if checkpoint["rng"] is not None:
        description["rng"] = _rng_state_of(checkpoint["rng"])
    for name, value in checkpoint["scaling"].items():
        arrays[name[1:]] = np.asarray(value, dtype=np.float64)
    return model_from_state(description, arrays)


def _rng_state_of(state: dict) -> dict:
    return {"bit_generator": state["bit_generator"], "state": int(state["state"]["state"]),
            "inc": int(state["state"]["inc"]), "has_uint32": int(state["has_uint32"]),
            "uinteger": int(state["uinteger"])}


def _rng_state(rng: np.random.Generator) -> dict:
    state = rng.bit_generator.state
    if state.get("bit_generator") != "PCG64":
        raise ValueError(f"cannot store a random generator of type {state.get('bit_generator')!r}")
    return {"bit_generator": "PCG64", "state": int(state["state"]["state"]), "inc": int(state["state"]["inc"]),
            "has_uint32": int(state["has_uint32"]), "uinteger": int(state["uinteger"])}


# -- reading -------------------------------------------------------------------------------
def model_from_state(description, arrays: Mapping[str, np.ndarray]):
    """The model ``model_state`` described: a new instance with the same
    hyperparameters and (when fitted) the same parameters, optimiser state,
    random stream, standardisation, classes and history.

    Every field is checked; ``ValueError`` names the first that is missing,
    of the wrong type or shape, out of range or inconsistent with the others
    (e.g. ``theta`` not matching the layer sizes, an unknown activation).
    Arrays not described are refused too.
    """
    if not isinstance(arrays, Mapping):
        raise ValueError(f"arrays must be a mapping of names to arrays, got {_kind(arrays)}")
    cls = check_model_description(description)
    params = params_from_json(cls, _field(description, "params", "model"), "model.params")
    model = cls(**params)
    if not _bool(description, "fitted", "model"):
        _no_extra(arrays, set())
        return model
    where = "model"
    n_features = _int(description, "n_features", where, 1, MAX_PARAMETERS)
    names = _field(description, "feature_names", where)
    if names is not None:
        if not isinstance(names, list) or len(names) != n_features or not all(isinstance(n, str) for n in names):
            raise ValueError(f"model.feature_names must be null or a list of {n_features} strings")
    task = _choice(description, "task", where, ("classification", "regression"))
    if task != model._declared_task() and not (cls.__name__ == "NeuralNetwork"):
        raise ValueError(f"model.task is {task!r} but a {cls.__name__} does {model._declared_task()}")
    dtype = np.dtype(_choice(description, "dtype", where, DTYPES))
    normalize = _bool(description, "normalize", where)
    sizes = _field(description, "layer_sizes", where)
    if (not isinstance(sizes, list) or len(sizes) < 2
            or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes)):
        raise ValueError(f"model.layer_sizes must be a list of at least two positive integers, got {sizes!r}")
    if len(sizes) > 2 and cls.__name__ != "NeuralNetwork":
        raise ValueError(f"model.layer_sizes: a {cls.__name__} has one layer, got {sizes!r}")
    if count_parameters(sizes) > MAX_PARAMETERS:
        raise ValueError(f"model.layer_sizes {sizes!r} has more than {MAX_PARAMETERS:,} parameters")
    if sizes[0] != n_features:
        raise ValueError(f"model.layer_sizes starts with {sizes[0]} inputs but n_features is {n_features}")
    activation = ACTIVATIONS[_choice(description, "activation", where, tuple(ACTIVATIONS))]
    if cls.__name__ != "NeuralNetwork" and activation.name != "linear":
        raise ValueError(f"model.activation of a {cls.__name__} must be 'linear', got {activation.name!r}")
    loss_name = _choice(description, "loss", where, tuple(LOSSES))
    structure = _tuple_of(_field(description, "structure", where), "model.structure")

    expected = {"theta", "x_mean", "x_scale"}
    if task == "classification":
        classes = _array(arrays, "classes", (None,), LABEL_KINDS, finite=True)
        if len(classes) < 2:
            raise ValueError(f"arrays: 'classes' must hold at least two labels, got {len(classes)}")
        if not np.array_equal(np.unique(classes), classes):
            raise ValueError("arrays: 'classes' must be sorted and distinct")
        n_outputs = 1 if len(classes) == 2 else len(classes)
        wanted_loss = "sigmoid_cross_entropy" if n_outputs == 1 else "softmax_cross_entropy"
        expected.add("classes")
    else:
        n_outputs = _int(description, "n_outputs", where, 1, MAX_PARAMETERS)
        y_ndim = _int(description, "y_ndim", where, 1, 2)
        if y_ndim == 1 and n_outputs != 1:
            raise ValueError(f"model.y_ndim is 1 but n_outputs is {n_outputs}")
        wanted_loss = "mse"
        expected.update({"y_mean", "y_scale"})
    if loss_name != wanted_loss:
        raise ValueError(f"model.loss is {loss_name!r}; a {task} model with {n_outputs} output(s) uses {wanted_loss!r}")
    if sizes[-1] != n_outputs:
        raise ValueError(f"model.layer_sizes ends with {sizes[-1]} outputs, expected {n_outputs}")

    network = DenseNetwork(sizes, activation, LOSSES[loss_name](), dtype)
    theta = _array(arrays, "theta", (network.n_params,), "f", finite=True)
    if theta.dtype != dtype:
        raise ValueError(f"arrays: 'theta' has dtype {theta.dtype} but model.dtype is {dtype}")
    network.theta[...] = theta
    x_mean, x_scale = _scaling(arrays, "x", n_features)

    optimizer_about = _field(description, "optimizer", where)
    optimizer = None
    if optimizer_about is not None:
        name = _choice(optimizer_about, "name", "model.optimizer", tuple(OPTIMIZERS))
        optimizer = make_optimizer(name, network.n_params, dtype)
        if isinstance(optimizer, Momentum):
            optimizer.beta = _float(optimizer_about, "beta", "model.optimizer", 0.0, 1.0)
            optimizer.velocity[...] = _array(arrays, "optimizer.velocity", (network.n_params,), "f", finite=True)
            expected.add("optimizer.velocity")
        elif isinstance(optimizer, Adam):
            optimizer.beta1 = _float(optimizer_about, "beta1", "model.optimizer", 0.0, 1.0)
            optimizer.beta2 = _float(optimizer_about, "beta2", "model.optimizer", 0.0, 1.0)
            if optimizer.beta1 == 1.0 or optimizer.beta2 == 1.0:
                raise ValueError("model.optimizer: beta1 and beta2 must be below 1")
            optimizer.eps = _float(optimizer_about, "eps", "model.optimizer", 0.0, 1.0, open_low=True)
            optimizer.t = _int(optimizer_about, "t", "model.optimizer", 0, 2**62)
            optimizer.m[...] = _array(arrays, "optimizer.m", (network.n_params,), "f", finite=True)
            v = _array(arrays, "optimizer.v", (network.n_params,), "f", finite=True)
            if (v < 0).any():
                raise ValueError("arrays: 'optimizer.v' (squared gradients) holds negative values")
            optimizer.v[...] = v
            expected.update({"optimizer.m", "optimizer.v"})
    rng_about = _field(description, "rng", where)
    rng = None if rng_about is None else _rng_from(rng_about)

    history_keys = _field(description, "history", where)
    score = "accuracy" if task == "classification" else "r2"
    history = None
    if history_keys is not None:
        wanted_keys = ["loss", "val_loss", score, "val_" + score]
        if history_keys != wanted_keys:
            raise ValueError(f"model.history must list {wanted_keys}, got {history_keys!r}")
        history = {}
        for key in wanted_keys:
            history[key] = _array(arrays, f"history.{key}", (None,), "f").tolist()
            expected.add(f"history.{key}")
        if len({len(values) for values in history.values()}) > 1:
            raise ValueError("arrays: the history arrays must have the same length")

    state = model.__dict__
    state["_network"] = network
    if optimizer is not None:
        state["_optimizer"] = optimizer
    if rng is not None:
        state["_rng"] = rng
    state["_dtype"] = dtype
    state["n_features_in_"] = n_features
    if names is not None:
        state["feature_names_in_"] = np.array(names, dtype=object)
    if task == "classification":
        state["classes_"] = classes.copy()
    else:
        state["n_outputs_"] = n_outputs
        state["_y_ndim"] = y_ndim
        state["_y_mean"], state["_y_scale"] = _scaling(arrays, "y", n_outputs)
    state["_normalize"] = normalize
    state["_x_mean"], state["_x_scale"] = x_mean, x_scale
    state["_structure"] = structure
    if history is not None:
        state["history_"] = history
    _no_extra(arrays, expected)
    return model


def _scaling(arrays, prefix: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    mean = _array(arrays, f"{prefix}_mean", (n,), "f", finite=True).astype(np.float64)
    scale = _array(arrays, f"{prefix}_scale", (n,), "f", finite=True).astype(np.float64)
    if (scale <= 0).any():
        raise ValueError(f"arrays: '{prefix}_scale' must be positive")
    return mean, scale


def _no_extra(arrays: Mapping, expected: set) -> None:
    extra = sorted(set(arrays) - expected)
    if extra:
        raise ValueError(f"arrays: {extra[0]!r} is not part of this model's state")


def _tuple_of(value, where: str):
    """JSON lists as tuples, recursively (the structure key is compared as a tuple)."""
    if isinstance(value, list):
        return tuple(_tuple_of(item, where) for item in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(f"{where} holds a value of type {_kind(value)}")


def _rng_from(about) -> np.random.Generator:
    where = "model.rng"
    _choice(about, "bit_generator", where, ("PCG64",))
    state = {"bit_generator": "PCG64",
             "state": {"state": _int(about, "state", where, 0, 2**128 - 1),
                       "inc": _int(about, "inc", where, 0, 2**128 - 1)},
             "has_uint32": _int(about, "has_uint32", where, 0, 1),
             "uinteger": _int(about, "uinteger", where, 0, 2**32 - 1)}
    generator = np.random.PCG64()
    try:
        generator.state = state
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where} is not a valid PCG64 state: {error}") from None
    return np.random.Generator(generator)
