"""Export a trained model on its own: its weights as ``name.npz`` and a
JSON description ``name.json`` beside it, readable with NumPy alone::

    import json, numpy as np
    about = json.load(open("model.json"))
    weights = np.load("model.npz", allow_pickle=False)
    x = (X - weights["x_mean"]) / weights["x_scale"]        # standardised inputs
    for layer in range(len(about["layer_sizes"]) - 1):
        z = x @ weights[f"coefs_{layer}"] + weights[f"intercepts_{layer}"]
        x = np.tanh(z)                                       # the hidden activation; not after the last layer

The description says everything else: the model and its hyperparameters,
the layer sizes, the hidden activation, the output (sigmoid, softmax or
identity), the classes or the targets' scaling, the input features, and the
formulas in words (``"predict"``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from algorithms.state import params_to_json
from datasets.files import replacing

__all__ = ["export_model", "model_description", "MODEL_FORMAT"]

MODEL_FORMAT = "mlfs-model"

_ACTIVATION_FORMULAS = {
    "relu": "max(z, 0)",
    "tanh": "tanh(z)",
    "sigmoid": "1 / (1 + exp(-z))",
    "linear": "z",
    "leaky_relu": "z if z > 0 else 0.01 z",
}


def _output(model) -> str:
    loss = model._network.loss.name
    return {"sigmoid_cross_entropy": "sigmoid", "softmax_cross_entropy": "softmax", "mse": "identity"}[loss]


def model_description(model, *, feature_names=None, transform=None, class_names=None, epoch=None) -> dict:
    """The JSON description of a fitted ``model`` (see the module docstring).

    ``feature_names``: the raw columns' names; ``transform``: the
    ``FeatureTransform`` they go through (None: the raw columns are the
    inputs); ``class_names``: a name per class label (the app's labels are
    codes 0, 1, ...); ``epoch``: epochs trained."""
    model._require_fitted()
    network = model._network
    sizes = list(network.layer_sizes)
    output = _output(model)
    classification = "classes_" in model.__dict__
    inputs = list(transform.names) if transform is not None else (
        list(feature_names) if feature_names is not None else [f"x{j + 1}" for j in range(sizes[0])])
    activation = network.activation.name
    steps = ["x = the inputs, one row per sample: " + ", ".join(inputs)]
    if transform is not None:
        steps.insert(0, "inputs = the input features of the raw columns " + ", ".join(feature_names or ("x1", "x2"))
                     + ": " + ", ".join(transform.names))
    steps.append("a_0 = (x - x_mean) / x_scale   (standardised)")
    for layer in range(len(sizes) - 1):
        z = f"a_{layer} @ coefs_{layer} + intercepts_{layer}"
        if layer < len(sizes) - 2:
            steps.append(f"a_{layer + 1} = f({z}) with f(z) = {_ACTIVATION_FORMULAS[activation]}   "
                         f"({sizes[layer + 1]} units)")
        else:
            steps.append(f"z = {z}   ({sizes[-1]} outputs)")
    if output == "sigmoid":
        steps.append("P(classes[1]) = 1 / (1 + exp(-z)), P(classes[0]) = 1 - P(classes[1])")
    elif output == "softmax":
        steps.append("P(classes[j]) = exp(z_j) / sum_k exp(z_k)")
    else:
        steps.append("prediction = z * y_scale + y_mean   (in the targets' units)")
    description = {
        "format": MODEL_FORMAT,
        "version": 1,
        "model": type(model).__name__,
        "label": type(model).LABEL,
        "params": params_to_json(model),
        "task": "classification" if classification else "regression",
        "epoch": epoch,
        "layer_sizes": sizes,
        "activation": activation,
        "output": output,
        "normalize": bool(model._normalize),
        "raw_features": None if feature_names is None else list(feature_names),
        "input_transform": None if transform is None else {"features": list(transform.features),
                                                           "degree": transform.degree},
        "inputs": inputs,
        "arrays": {},
        "predict": steps,
    }
    if classification:
        description["classes"] = np.asarray(model.classes_).tolist()
        if class_names is not None:
            description["class_names"] = [str(class_names[int(label)]) if isinstance(label, (int, np.integer))
                                          and 0 <= int(label) < len(class_names) else str(label)
                                          for label in model.classes_]
    return description


def export_model(model, path, **about) -> tuple[Path, Path]:
    """Write the fitted ``model``'s weights to ``path`` (``.npz``) and its
    description to the same name with ``.json``; both are replaced
    atomically. ``about``: ``model_description``'s keywords. Returns the two
    paths. ``OSError`` when they cannot be written."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    description = model_description(model, **about)
    network = model._network
    arrays = {}
    for layer, (weights, biases) in enumerate(zip(network.weights, network.biases)):
        arrays[f"coefs_{layer}"] = np.array(weights, dtype=np.float64)  # (fan_in, fan_out)
        arrays[f"intercepts_{layer}"] = np.array(biases, dtype=np.float64)  # (fan_out,)
    arrays["x_mean"] = np.asarray(model._x_mean, dtype=np.float64)
    arrays["x_scale"] = np.asarray(model._x_scale, dtype=np.float64)
    if description["task"] == "classification":
        classes = np.asarray(model.classes_)
        if classes.dtype.kind in "biufU":
            arrays["classes"] = classes
    else:
        arrays["y_mean"] = np.asarray(model._y_mean, dtype=np.float64)
        arrays["y_scale"] = np.asarray(model._y_scale, dtype=np.float64)
    description["arrays"] = {name: list(array.shape) for name, array in arrays.items()}
    json_path = path.with_suffix(".json")
    with replacing(path) as handle:
        np.savez(handle, **arrays)
    with replacing(json_path, text=True) as handle:
        json.dump(description, handle, indent=1, ensure_ascii=False, allow_nan=False)
        handle.write("\n")
    return path, json_path
