"""Export as Python: the script runs with NumPy alone, in a subprocess, and
gives the app's predictions (trained weights) and, trained from the same
seed, the app's loss curve, both to 1e-6."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import numpy as np
import pytest

import datasets
from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, Trainer
from algorithms.preprocessing import FeatureTransform
from sessions.python_export import export_python


def _case(kind):
    """(model, dataset, transform, split, epochs)"""
    if kind == "nn-binary-adam-minibatch-l1":
        return (NeuralNetwork(hidden_layers=(8, 8), batch_size=32, l1=1e-3, random_state=0),
                datasets.make("spiral", n_samples=200, noise=0.1, random_state=0), None, None, 60)
    if kind == "nn-softmax-relu-momentum-features":
        return (NeuralNetwork(hidden_layers=(12,), activation="relu", optimizer="momentum", learning_rate=0.05,
                              l2=1e-3, batch_size=16, random_state=3),
                datasets.make("blobs", n_samples=150, random_state=1),
                FeatureTransform(features=("x1", "x2", "sin(x1)"), degree=3), None, 40)
    if kind == "nn-regression-two-outputs-sgd-leaky":
        data = datasets.make("bumps", n_samples=120, random_state=2)
        two = data.replace(y=np.column_stack([data.y, np.sin(data.y)]))
        return (NeuralNetwork(hidden_layers=(7, 5), activation="leaky_relu", task="regression", optimizer="sgd",
                              learning_rate=0.05, batch_size=25, random_state=7), two, None, None, 40)
    if kind == "nn-sigmoid-early-stopping":
        return (NeuralNetwork(hidden_layers=(6,), activation="sigmoid", early_stopping=True, patience=3, tol=1e-2,
                              random_state=1),
                datasets.make("circles", n_samples=160, random_state=0), None, None, 500)
    if kind == "logistic-l1":
        return (LogisticRegression(l1=1e-3, l2=0.0, random_state=0),
                datasets.make("moons", n_samples=150, random_state=4), FeatureTransform(features=("x1", "x2", "x1*x2")),
                None, 80)
    if kind == "linear-plane":
        return (LinearRegression(learning_rate=0.05, l1=1e-3, random_state=0),
                datasets.make("plane", n_samples=100, random_state=5), None, None, 50)
    if kind == "time-series-last-split":
        data = datasets.make("time_series", n_samples=120, random_state=0)
        return (NeuralNetwork(hidden_layers=(6,), task="regression", random_state=2), data, None, "last", 30)
    raise KeyError(kind)


KINDS = ["nn-binary-adam-minibatch-l1", "nn-softmax-relu-momentum-features", "nn-regression-two-outputs-sgd-leaky",
         "nn-sigmoid-early-stopping", "logistic-l1", "linear-plane", "time-series-last-split"]


def _train_in_the_app(model, dataset, transform, split, epochs):
    """The library's run as the window makes it (its split, every epoch kept)."""
    inputs = dataset.X if transform is None else transform.transform(dataset.X)
    trainer = Trainer(model, inputs, dataset.y, validation_fraction=model.validation_fraction, split=split,
                      max_epochs=epochs)
    while not trainer.done:
        trainer.step()
    return model.history_


def _run(script, *options, cwd):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-I", str(script), *options], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("kind", KINDS)
def test_the_exported_script_predicts_and_trains_like_the_app(tmp_path, kind):
    model, dataset, transform, split, epochs = _case(kind)
    history = _train_in_the_app(model, dataset, transform, split, epochs)
    trained_epochs = len(history["loss"])
    script = export_python(model, dataset, tmp_path / "exported.py", transform=transform, epochs=trained_epochs,
                           split=split)[0]

    # predictions of the app's weights, on the data and on points beyond them
    rng = np.random.default_rng(0)
    low, high = dataset.X.min(axis=0), dataset.X.max(axis=0)
    points = np.vstack([dataset.X, rng.uniform(low - 1, high + 1, size=(300, dataset.n_features))])
    np.savetxt(tmp_path / "points.csv", points, delimiter=",", fmt="%.17g",
               header=",".join(dataset.feature_names), comments="")
    _run(script, "--predict", "points.csv", "--out", "predicted.csv", cwd=tmp_path)
    predicted = np.loadtxt(tmp_path / "predicted.csv", delimiter=",", ndmin=2)
    inputs = points if transform is None else transform.transform(points)
    expected = model.predict_proba(inputs) if hasattr(model, "predict_proba") else model.predict(inputs)
    np.testing.assert_allclose(predicted, expected.reshape(len(points), -1), rtol=0, atol=1e-6)

    # trained from the same seed: the same loss curve, epoch by epoch
    result = _run(script, "--train", "--loss-curve", "curve.csv", cwd=tmp_path)
    assert "Trained here" in result.stdout
    curve = np.loadtxt(tmp_path / "curve.csv", delimiter=",", skiprows=1, ndmin=2)
    score = "accuracy" if "accuracy" in history else "r2"
    assert curve.shape == (trained_epochs, 5)
    np.testing.assert_array_equal(curve[:, 0], np.arange(1, trained_epochs + 1))
    for column, key in ((1, "loss"), (2, "val_loss"), (3, score), (4, "val_" + score)):
        np.testing.assert_allclose(curve[:, column], history[key], rtol=1e-6, atol=1e-9, err_msg=key)


def test_large_data_go_to_a_csv_beside_the_script(tmp_path):
    model = NeuralNetwork(hidden_layers=(4,), random_state=0)
    dataset = datasets.make("moons", n_samples=300, random_state=0)
    history = _train_in_the_app(model, dataset, None, None, 5)
    paths = export_python(model, dataset, tmp_path / "big", epochs=5, embed_limit=100)
    assert [path.name for path in paths] == ["big.py", "big.csv"]
    assert "DATA_FILE = 'big.csv'" in paths[0].read_text()
    elsewhere = tmp_path / "run_from_here"
    elsewhere.mkdir()
    _run(paths[0], "--train", "--loss-curve", "curve.csv", cwd=elsewhere)  # finds its CSV beside itself
    curve = np.loadtxt(elsewhere / "curve.csv", delimiter=",", skiprows=1)
    np.testing.assert_allclose(curve[:, 1], history["loss"], rtol=1e-6)


def test_the_script_imports_numpy_and_the_standard_library_only(tmp_path):
    model, dataset, transform, split, epochs = _case("nn-softmax-relu-momentum-features")
    _train_in_the_app(model, dataset, transform, split, 3)
    script = export_python(model, dataset, tmp_path / "m.py", transform=transform, epochs=3)[0]
    tree = ast.parse(script.read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"argparse", "sys", "os", "numpy"}
    text = script.read_text()
    # the textbook form, with the math beside it
    for words in ("def forward(", "def backward(", "dL/dW_l = a_(l-1)^T delta_l", "class Optimizer",
                  "v <- beta v + g", "x_s = (x - mean) / std", "TRAINED = {"):
        assert words in text


def test_names_from_a_stranger_cannot_break_out_of_the_script(tmp_path):
    evil = '"""\nimport os; os.system("touch pwned")\n"""\\'
    dataset = datasets.make("moons", n_samples=60, random_state=0).replace(name=evil, feature_names=(evil, "b'\""))
    model = NeuralNetwork(hidden_layers=(3,), max_epochs=2, random_state=0).fit(dataset.X, dataset.y)
    script = export_python(model, dataset, tmp_path / 'run"""x.py', epochs=2)[0]
    _run(script, cwd=tmp_path)
    assert not (tmp_path / "pwned").exists()
    namespace = {}
    exec(compile(script.read_text(), str(script), "exec"), namespace)  # noqa: S102 - the test's own file
    assert namespace["FEATURE_NAMES"] == [evil, "b'\""]
