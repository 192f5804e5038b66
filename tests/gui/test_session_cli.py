"""``--session`` on the command line: ``main.py gif --session run.mlfs``
replays a saved run headless; a bad file or options beside it are one line
on stderr and exit code 2."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import datasets
from algorithms import NeuralNetwork, Trainer
from gui.options import given_run_options
from sessions import Session, write_session

from .test_gif_cli import HEADLESS_ENV, REPO, read_gif, run_gif


@pytest.fixture
def drawn_session(tmp_path):
    """A session of drawn points (no recipe: the points themselves), trained 30 epochs."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    dataset = datasets.Dataset(X=X, y=(X[:, 0] * X[:, 1] > 0).astype(np.int64), task="classification",
                               feature_names=("x1", "x2"), class_names=("a", "b"), name="drawn")
    model = NeuralNetwork(hidden_layers=(6,), learning_rate=0.05, random_state=1)
    trainer = Trainer(model, dataset.X, dataset.y, validation_fraction=0.2, keep_history=False)
    for _ in range(30):
        trainer.step()
    path = tmp_path / "drawn.mlfs"
    write_session(path, Session(dataset=dataset, model=model, trainer=trainer.state_dict()))
    return path


def test_gif_replays_a_saved_session(tmp_path, drawn_session):
    output = tmp_path / "replay.gif"
    result = run_gif("--session", str(drawn_session), "--frames", "4", "--layout", "data", "--width", "200",
                     "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert "4 frames" in result.stdout
    size, _durations, _info, pictures = read_gif(output)
    assert len(pictures) == 4 and size[0] == 200


@pytest.mark.parametrize("extra, mentions", [
    (("--dataset", "moons"), "drop --dataset"),
    (("--lr", "0.1", "--seed", "3"), "drop --seed, --lr"),
])
def test_session_with_run_options_is_refused(tmp_path, drawn_session, extra, mentions):
    result = run_gif("--session", str(drawn_session), *extra, "--output", str(tmp_path / "x.gif"))
    assert result.returncode == 2
    assert mentions in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["gif"], []])
def test_a_bad_session_file_is_one_line_and_exit_2(tmp_path, command):
    bad = tmp_path / "bad.mlfs"
    bad.write_bytes(b"not a zip")
    output = ["--output", str(tmp_path / "x.gif")] if command else []
    env = dict(HEADLESS_ENV, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "main.py", *command, "--session", str(bad), *output], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot open bad.mlfs: not a session file" in lines[0]


def test_given_run_options_lists_what_differs_from_the_defaults():
    import argparse

    from gui.options import add_run_arguments

    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    assert given_run_options(parser.parse_args(["--session", "x.mlfs"])) == []
    assert given_run_options(parser.parse_args(["--hidden", "4", "--param", "l1=0.1"])) == ["--hidden", "--param"]
