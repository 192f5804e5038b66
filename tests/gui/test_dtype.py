"""The precision the window and the GIF command train in: float32 by
default, float64 on request (the model panel's Precision box, ``--dtype``);
the models compute in the dtype of the rows they are given."""

from __future__ import annotations

import argparse
import subprocess
import sys

import numpy as np
import pytest

from gui.options import DEFAULT_DTYPE, DTYPES, add_run_arguments

from .conftest import TIMEOUT_MS
from .test_gif_cli import HEADLESS_ENV, REPO
from .test_window import pause_and_settle, play_until


def trained_dtype(window) -> np.dtype:
    """The dtype the worker's model computes in (read while paused)."""
    return window.controller._worker._model._network.theta.dtype


def test_the_option_defaults_to_float32_and_takes_float64():
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    assert DEFAULT_DTYPE == "float32" and DTYPES == ("float32", "float64")
    assert parser.parse_args([]).dtype == "float32"
    assert parser.parse_args(["--dtype", "float64"]).dtype == "float64"


@pytest.mark.parametrize("command", [[], ["gif"]], ids=["window", "gif"])
def test_an_unknown_dtype_is_one_line_and_exit_2(command):
    out = subprocess.run([sys.executable, "main.py", *command, "--dtype", "float16"], cwd=REPO,
                         capture_output=True, text=True, timeout=60, env=HEADLESS_ENV)
    assert out.returncode == 2
    (line,) = out.stderr.splitlines()
    assert "--dtype" in line and "float16" in line and "float32" in line


def test_the_window_trains_in_float32_and_in_float64_when_chosen(qtbot, window):
    panel = window.model_panel
    assert panel.dtype == "float32" and panel.dtype_combo.toolTip()
    play_until(qtbot, window, 3)
    pause_and_settle(qtbot, window)
    assert trained_dtype(window) == np.float32
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        panel.dtype_combo.setCurrentIndex(panel.dtype_combo.findData("float64"))
    assert "precision changed to float64" in window.statusBar().currentMessage()
    play_until(qtbot, window, 3)
    pause_and_settle(qtbot, window)
    assert trained_dtype(window) == np.float64
    # a new model (another architecture) keeps the precision chosen
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        panel.form().fields["hidden_layers"].add_layer(4)
    play_until(qtbot, window, 2)
    pause_and_settle(qtbot, window)
    assert trained_dtype(window) == np.float64


def test_the_window_opens_in_the_dtype_given(qtbot, make_window, small_spiral):
    from algorithms import NeuralNetwork

    window = make_window(small_spiral, NeuralNetwork(random_state=0), dtype="float64")
    assert window.model_panel.dtype == "float64"
    play_until(qtbot, window, 2)
    pause_and_settle(qtbot, window)
    assert trained_dtype(window) == np.float64
    with pytest.raises(ValueError, match="dtype must be one of float32, float64, got 'float16'"):
        window.model_panel.set_dtype("float16")


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_gif_command_trains_in_the_dtype_asked_for(qapp, dtype):
    from gui.gif.cli import add_gif_arguments, render_run
    from gui.options import build_run

    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    add_gif_arguments(parser)
    args = parser.parse_args(["--dataset", "moons", "--samples", "60", "--hidden", "4", "--epochs", "6",
                              "--frames", "3", "--layout", "data", "--dtype", dtype])
    dataset, model, transform = build_run(args)
    frames, note = render_run(dataset, model, transform, args)
    assert len(frames) == 3 and note is None
    assert model._network.theta.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_saved_session_opens_in_the_precision_it_trained_in(qtbot, make_window, small_spiral, tmp_path, dtype):
    from algorithms import NeuralNetwork

    from .test_sessions_window import open_in, save, step_once, theta

    window = make_window(small_spiral, NeuralNetwork(random_state=0, max_epochs=100_000), dtype=dtype)
    play_until(qtbot, window, 5)
    pause_and_settle(qtbot, window)
    path = tmp_path / "run.mlfs"
    save(qtbot, window, path)
    opened = open_in(qtbot, make_window, path)  # a window of the default precision
    assert opened.model_panel.dtype == dtype
    assert theta(opened).dtype == np.dtype(dtype)
    # it goes on bit for bit: its rows were not rounded to another precision
    assert step_once(qtbot, window) == step_once(qtbot, opened)
    assert theta(opened).tobytes() == theta(window).tobytes()


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_copied_command_replays_in_the_precision_of_the_window(dtype):
    from algorithms import NeuralNetwork
    from gui.options import build_run, run_command

    recipe = {"kind": "generator", "name": "moons", "options": {"n_samples": 100}}
    args = run_command(recipe, NeuralNetwork(random_state=0), epochs=50, dtype=dtype)
    assert ("--dtype" in args) == (dtype != DEFAULT_DTYPE)  # the default goes without saying
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    parsed = parser.parse_args(args[1:])  # after "gif"
    assert parsed.dtype == dtype
    build_run(parsed)


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_gif_command_replays_a_session_in_its_precision(tmp_path, dtype):
    import datasets
    from algorithms import NeuralNetwork, Trainer
    from gui.gif.cli import add_gif_arguments, session_run
    from sessions import Session, write_session

    dataset = datasets.make("moons", n_samples=80, random_state=0)
    model = NeuralNetwork(hidden_layers=(4,), random_state=1)
    trainer = Trainer(model, dataset.X.astype(dtype), dataset.y, validation_fraction=0.2, keep_history=False)
    for _ in range(5):
        trainer.step()
    path = tmp_path / "run.mlfs"
    write_session(path, Session(dataset=dataset, model=model, trainer=trainer.state_dict()))
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    add_gif_arguments(parser)
    args = parser.parse_args(["--session", str(path)])
    assert args.dtype == DEFAULT_DTYPE
    session_run(args)
    assert args.dtype == dtype  # what render_run trains in
