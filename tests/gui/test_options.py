"""The shared command-line options: argument parsing and the dataset/model they build.

Pure argparse + NumPy: no Qt is needed to parse options or build a run, which is
what lets ``main.py --help`` and option errors answer instantly.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import datasets
from algorithms import MODELS, LinearRegression, LogisticRegression, NeuralNetwork
from gui.options import add_run_arguments, build_run, seed_range

REPO = Path(__file__).resolve().parents[2]


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    return parser.parse_args(list(argv))


def test_defaults_build_a_spiral_and_a_network():
    dataset, model, transform = build_run(parse())
    assert dataset.task == "classification"
    assert dataset.name == "spiral" or "spiral" in dataset.name.lower()
    assert isinstance(model, NeuralNetwork)
    assert model.task == "classification"
    assert transform is None


def test_generator_options_reach_the_generator():
    dataset, _, _ = build_run(parse("--dataset", "blobs", "--samples", "120", "--classes", "4", "--seed", "3"))
    assert dataset.n_samples == 120
    assert set(np.unique(dataset.y)) == {0, 1, 2, 3}
    again, _, _ = build_run(parse("--dataset", "blobs", "--samples", "120", "--classes", "4", "--seed", "3"))
    np.testing.assert_array_equal(dataset.X, again.X)


def test_network_options_reach_the_model():
    _, model, _ = build_run(
        parse("--hidden", "8,4", "--activation", "relu", "--optimizer", "sgd", "--lr", "0.2",
              "--batch-size", "32", "--epochs", "77", "--l2", "0.01", "--param", "early_stopping=true")
    )
    assert model.hidden_layers == (8, 4)
    assert model.activation == "relu"
    assert model.optimizer == "sgd"
    assert model.learning_rate == 0.2
    assert model.batch_size == 32
    assert model.max_epochs == 77
    assert model.l2 == 0.01
    assert model.early_stopping is True
    _, full, _ = build_run(parse("--batch-size", "full", "--hidden", ""))
    assert full.batch_size is None
    assert full.hidden_layers == ()


def test_regression_dataset_gives_a_regression_network_and_linear_model():
    _, model, _ = build_run(parse("--dataset", "sine"))
    assert model.task == "regression"
    _, linear, _ = build_run(parse("--dataset", "line", "--model", "linear"))
    assert isinstance(linear, LinearRegression)
    _, logistic, _ = build_run(parse("--dataset", "moons", "--model", "logistic"))
    assert isinstance(logistic, LogisticRegression)


def test_feature_transform_for_the_network():
    _, _, transform = build_run(parse("--dataset", "circles", "--features", "x1,x2,x1^2,x2^2"))
    out = transform.transform(np.array([[2.0, 3.0]]))
    np.testing.assert_allclose(out, [[2.0, 3.0, 4.0, 9.0]])


def test_feature_transform_for_logistic_and_linear_regression():
    _, model, transform = build_run(parse("--dataset", "circles", "--model", "logistic", "--features", "x1^2,x2^2"))
    assert isinstance(model, LogisticRegression) and transform.names == ("x1^2", "x2^2")
    _, _, transform = build_run(parse("--dataset", "moons", "--model", "logistic", "--degree", "3"))
    assert transform.names[:2] == ("x1", "x2") and len(transform.names) == 9


def test_polynomial_degree_for_one_feature_linear_regression():
    dataset, model, transform = build_run(parse("--dataset", "sine", "--model", "linear", "--degree", "3"))
    assert isinstance(model, LinearRegression) and dataset.n_features == 1
    assert transform.names == ("x1", "x1^2", "x1^3")
    np.testing.assert_allclose(transform.transform(np.array([[2.0]])), [[2.0, 4.0, 8.0]])
    _, _, sines = build_run(parse("--dataset", "sine", "--features", "x1,sin(x1)"))
    assert sines.names == ("x1", "sin(x1)")


def test_csv_and_builtin_sources(tmp_path):
    source = datasets.make("moons", n_samples=40, noise=0.1, random_state=1)
    path = tmp_path / "moons.csv"
    datasets.save_csv(source, path)
    loaded, _, _ = build_run(parse("--csv", str(path)))
    np.testing.assert_array_equal(loaded.X, source.X)
    iris, _, _ = build_run(parse("--builtin", "iris"))
    assert iris.X.shape == (150, 4)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--dataset", "nope"], "--dataset"),
        (["--model", "svm"], "--model"),
        (["--dataset", "sine", "--model", "logistic"], "cannot learn"),
        (["--dataset", "spiral", "--classes", "3", "--model", "logistic"], "cannot learn"),
        (["--dataset", "moons", "--classes", "3"], "--classes"),
        (["--model", "logistic", "--hidden", "4"], "--hidden"),
        (["--param", "nonsense=1"], "nonsense"),
        (["--param", "early_stopping=maybe"], "early_stopping"),
        (["--data-option", "margin"], "KEY=VALUE"),
        (["--dataset", "moons", "--csv", "x.csv"], "only one"),
        (["--builtin", "titanic"], "--builtin"),
        (["--builtin", "iris", "--features", "x1,x1^2"], "2 features"),
        (["--dataset", "sine", "--features", "x1,x2"], "--features: 'x2' needs a second input"),
        (["--dataset", "moons", "--degree", "11"], "--degree: degree must be within"),
        (["--lr", "-1"], "learning_rate"),
    ],
)
def test_bad_options_raise_value_error_naming_the_option(argv, fragment):
    with pytest.raises(ValueError, match=fragment.replace("^", r"\^")):
        dataset, model, _ = build_run(parse(*argv))
        # Hyperparameter values are validated by the model itself, at fit time.
        model.fit(dataset.X, dataset.y)


def test_main_help_lists_every_subcommand_and_option():
    out = subprocess.run([sys.executable, "main.py", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert "window" in out.stdout and "gif" in out.stdout
    sub = subprocess.run([sys.executable, "main.py", "window", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60)
    for option in ("--dataset", "--csv", "--builtin", "--model", "--hidden", "--lr", "--epochs", "--features"):
        assert option in sub.stdout


def test_main_rejects_an_unknown_option_with_one_line():
    out = subprocess.run([sys.executable, "main.py", "--bogus"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "--bogus" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--epochs", "-1"], "--epochs: max_epochs=-1 is invalid: must be positive (>= 1)"),
        (["--lr", "0"], "--lr: learning_rate=0.0 is invalid: must be positive (>= 1e-06)"),
        (["--hidden", "0"], "--hidden: hidden_layers=(0,) is invalid: layer width 0 must be a positive integer"),
        (["--hidden", "4,0"], "--hidden: hidden_layers=(4, 0) is invalid: layer width 0 must be a positive integer"),
        (["--l2", "-1"], "--l2: l2=-1.0 is invalid: must be >= 0"),
        (["--batch-size", "0"], "--batch-size: batch_size=0 is invalid: must be positive (>= 1)"),
        (["--param", "patience=0"], "--param patience: patience=0 is invalid: must be positive (>= 1)"),
        (["--seed", "3000000000"], "--seed must be between 0 and 2147483647, got 3000000000"),
        (["--seed", "-1"], "--seed must be between 0 and 2147483647, got -1"),
        (["--target", "label"], "--target names a column of --csv FILE; give --csv too"),
    ],
)
def test_the_window_rejects_what_the_gif_command_rejects(argv, message):
    """``python main.py ...`` used to open the window with these clamped
    into the form's ranges (--epochs -1 became 1), or crash (--seed 3e9)."""
    with pytest.raises(ValueError) as raised:
        build_run(parse(*argv))
    assert str(raised.value) == message
    out = subprocess.run([sys.executable, "main.py", *argv], cwd=REPO, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 2
    assert out.stderr.splitlines() == [f"main.py: error: {message}"]


def test_every_seed_in_the_range_builds_and_the_range_is_the_models():
    low, high = seed_range()
    assert (low, high) == (0, 2**31 - 1)  # the largest value a Qt spin box holds
    for cls in MODELS.values():
        declared = {param.name: param for param in cls.PARAMS}["random_state"]
        assert (declared.low, declared.high) == (low, high)
    dataset, model, _ = build_run(parse("--seed", str(high), "--dataset", "moons", "--samples", "40"))
    assert model.random_state == high
    model.set_params(max_epochs=2).fit(dataset.X, dataset.y)
    with pytest.raises(ValueError, match="random_state"):
        NeuralNetwork(random_state=high + 1, max_epochs=1).fit(dataset.X, dataset.y)
