"""Comparing runs: Reset or a change that restarts training keeps the
previous run's curves as faint ghosts labelled with what changed (at most
three, a button clears them); Copy command gives the ``main.py gif``
command that replays the run."""

from __future__ import annotations

import shlex
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication

import datasets
from algorithms import NeuralNetwork
from gui.compare import describe_change, run_settings

from .conftest import TIMEOUT_MS
from .test_window import pause_and_settle, play_until


def restart(qtbot, window, change) -> None:
    """Make ``change`` and wait until the new run has reported."""
    generation = window._generation
    change()
    qtbot.waitUntil(lambda: window._generation > generation, timeout=TIMEOUT_MS)


def test_a_restart_keeps_the_previous_run_as_a_labelled_ghost(qtbot, window):
    window.toolbar.set_speed(None)
    play_until(qtbot, window, 30)
    pause_and_settle(qtbot, window)
    form = window.model_panel.form()
    form.fields["learning_rate"].spin.setValue(0.1)  # live: the run goes on, no ghost yet
    assert window.loss_view.ghosts == []
    first_run = {name: window.loss_view.data(name) for name in ("epoch", "loss", "val_loss")}
    restart(qtbot, window, window.reset)
    (label, epochs, values), = window.loss_view.ghosts
    assert label == "lr 0.01 → 0.1, seed 0 → 1"  # against what the previous run started with
    np.testing.assert_array_equal(epochs, first_run["epoch"])
    np.testing.assert_array_equal(values[0], first_run["loss"])
    np.testing.assert_array_equal(values[1], first_run["val_loss"])
    bar = window.loss_view.ghost_bar
    assert bar.isVisibleTo(window) and "lr 0.01 → 0.1, seed 0 → 1" in bar.text.text()
    ghost_curve = window.loss_view._ghosts._curves[0][0]
    assert ghost_curve.getData()[0].size == epochs.size and ghost_curve.pen().style().name == "DashLine"

    play_until(qtbot, window, 5)
    restart(qtbot, window, lambda: form.fields["activation"].set_value("relu") or form.fields[
        "activation"].changed.emit())
    assert [ghost[0] for ghost in window.loss_view.ghosts] == ["lr 0.01 → 0.1, seed 0 → 1", "activation tanh → relu"]

    # at most three: the oldest goes
    for seed in range(2):
        play_until(qtbot, window, 3)
        restart(qtbot, window, window.reset)
    labels = [ghost[0] for ghost in window.loss_view.ghosts]
    assert len(labels) == 3 and labels[0] == "activation tanh → relu"

    window.loss_view.ghost_bar.clear_button.click()
    assert window.loss_view.ghosts == [] and not bar.isVisibleTo(window)
    assert window.loss_view._ghosts._curves[0][0].getData()[0] is None


def test_a_run_on_another_task_clears_the_ghosts(qtbot, window):
    play_until(qtbot, window, 5)
    restart(qtbot, window, window.reset)
    assert len(window.loss_view.ghosts) == 1
    restart(qtbot, window, lambda: window.set_dataset(datasets.make("sine", n_samples=100, random_state=0)))
    assert window.loss_view.ghosts == []


def test_describe_change_names_what_differs():
    moons = datasets.make("moons", n_samples=100, random_state=0)
    params = NeuralNetwork().get_params()
    before = run_settings("Neural network", params, None, moons)
    assert describe_change(before, run_settings("Neural network", params, None, moons)) == "same settings"
    after = run_settings("Neural network", {**params, "hidden_layers": (32,), "batch_size": 16}, None, moons)
    assert describe_change(before, after) == "hidden (16, 16) → (32), batch full → 16"
    other = datasets.make("moons", n_samples=100, random_state=1)
    assert describe_change(before, run_settings("Neural network", params, None, other)) == "new data"
    circles = datasets.make("circles", n_samples=100, random_state=0)
    assert describe_change(before, run_settings("Logistic regression", {}, None, circles)) == (
        "Neural network → Logistic regression, data moons → circles")


# -- Copy command ----------------------------------------------------------------------------


def _parse(command: str):
    import main
    from gui.options import build_run

    words = shlex.split(command)
    assert words[:3] == ["python", "main.py", "gif"]
    return build_run(main.build_parser().parse_args(words[2:]))


def test_copy_command_replays_the_run(qtbot, make_window, tmp_path):
    dataset = datasets.make("spiral", n_samples=150, noise=0.15, random_state=4, n_classes=3)
    window = make_window(dataset, NeuralNetwork(hidden_layers=(9,), learning_rate=0.02, batch_size=20,
                                                random_state=6, max_epochs=100_000))
    window.dataset_panel.generator_options("spiral").set_values(
        {"n_samples": 150, "noise": 0.15, "random_state": 4, "n_classes": 3})
    window.model_panel.feature_checks["sin(x1)"].setChecked(True)
    window.toolbar.set_speed(None)
    play_until(qtbot, window, 12)
    epoch = pause_and_settle(qtbot, window)
    text = window.session_actions.copy_command()
    assert QGuiApplication.clipboard().text() == text
    assert text == ("python main.py gif --dataset spiral --samples 150 --noise 0.15 --classes 3 --model nn --seed 4 "
                    f"--hidden 9 --lr 0.02 --batch-size 20 --param random_state=6 --features 'x1,x2,sin(x1)' "
                    f"--epochs {epoch}")
    replayed, model, transform = _parse(text)
    assert replayed == dataset
    expected = {**window.model_panel.params(), "max_epochs": epoch}
    assert model.get_params() == expected
    assert transform == window.model_panel.build_transform()
    # and it runs
    output = tmp_path / "replay.gif"
    words = shlex.split(text)[1:] + ["--frames", "3", "--layout", "data", "--output", str(output)]
    from .test_gif_cli import HEADLESS_ENV, REPO

    result = subprocess.run([sys.executable, *words], cwd=REPO, env=HEADLESS_ENV, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert output.exists()


def test_copy_command_for_drawn_data_needs_the_session(qtbot, make_window, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    drawn = datasets.Dataset(X=X, y=(X[:, 0] > 0).astype(np.int64), task="classification",
                             feature_names=("x1", "x2"), class_names=("a", "b"), name="drawn")
    window = make_window(drawn, NeuralNetwork(random_state=0))
    assert window.session_actions.copy_command() is None
    assert "Save the session" in window.statusBar().currentMessage()
    path = tmp_path / "drawn.mlfs"
    with qtbot.waitSignal(window.session_actions.finished, timeout=TIMEOUT_MS):
        window.session_actions.save_session(str(path))
    assert window.session_actions.copy_command() == f"python main.py gif --session {path}"


@pytest.mark.parametrize("name", ["iris", "diabetes"])
def test_copy_command_for_bundled_tables(qtbot, make_window, name):
    dataset = datasets.load_builtin(name)
    window = make_window(dataset)
    window._show_source(dataset)
    text = window.session_actions.command()
    assert f"--builtin {name}" in text
    replayed, model, _ = _parse(text)
    assert replayed == dataset and model.get_params() == {**window.model_panel.params(), "max_epochs": model.max_epochs}
