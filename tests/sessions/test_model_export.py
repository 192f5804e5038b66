"""Export model…: the weights as .npz and a JSON description beside them;
predicting from those two files with NumPy alone, as the description says,
gives the model's predictions."""

from __future__ import annotations

import json

import numpy as np
import pytest

import datasets
from algorithms import LinearRegression, LogisticRegression, NeuralNetwork
from algorithms.preprocessing import FeatureTransform
from sessions.export import export_model

ACTIVATIONS = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
               "linear": lambda z: z, "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}


def _predict_from_files(npz_path, json_path, X_raw):
    """What a person would write from the description alone."""
    about = json.loads(json_path.read_text())
    with np.load(npz_path, allow_pickle=False) as files:
        weights = dict(files)
    x = X_raw
    if about["input_transform"] is not None:
        x = FeatureTransform(**about["input_transform"]).transform(X_raw)
    a = (x - weights["x_mean"]) / weights["x_scale"]
    layers = len(about["layer_sizes"]) - 1
    for layer in range(layers):
        z = a @ weights[f"coefs_{layer}"] + weights[f"intercepts_{layer}"]
        a = ACTIVATIONS[about["activation"]](z) if layer < layers - 1 else z
    if about["output"] == "sigmoid":
        p = 1 / (1 + np.exp(-a[:, 0]))
        return np.column_stack([1 - p, p]), about
    if about["output"] == "softmax":
        e = np.exp(a - a.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True), about
    return a * weights["y_scale"] + weights["y_mean"], about


@pytest.mark.parametrize("model, data, transform", [
    (NeuralNetwork(hidden_layers=(6, 4), activation="relu", max_epochs=30, random_state=0), "blobs",
     FeatureTransform(features=("x1", "x2", "x1^2"))),
    (NeuralNetwork(hidden_layers=(5,), max_epochs=30, random_state=0), "moons", None),
    (LogisticRegression(max_epochs=30), "moons", None),
    (LinearRegression(max_epochs=30), "plane", None),
    (NeuralNetwork(hidden_layers=(5,), activation="sigmoid", task="regression", max_epochs=30, random_state=0),
     "bumps", None),
])
def test_the_exported_files_predict_like_the_model(tmp_path, model, data, transform):
    dataset = datasets.make(data, n_samples=120, random_state=0)
    inputs = dataset.X if transform is None else transform.transform(dataset.X)
    model.fit(inputs, dataset.y)
    npz_path, json_path = export_model(model, tmp_path / "model", feature_names=dataset.feature_names,
                                       transform=transform, class_names=dataset.class_names, epoch=30)
    assert (npz_path.name, json_path.name) == ("model.npz", "model.json")
    predicted, about = _predict_from_files(npz_path, json_path, dataset.X)
    expected = model.predict_proba(inputs) if hasattr(model, "predict_proba") else model.predict(inputs)
    np.testing.assert_allclose(predicted.reshape(len(inputs), -1), expected.reshape(len(inputs), -1), atol=1e-9)
    assert about["format"] == "mlfs-model" and about["epoch"] == 30
    assert about["params"] == json.loads(json.dumps(model.get_params()))
    assert about["predict"][-1]  # the formulas in words
    if "classes_" in model.__dict__:
        assert about["classes"] == model.classes_.tolist()
        assert about["class_names"] == [dataset.class_names[c] for c in model.classes_]
