"""``python main.py gif ...`` run as a person would: a subprocess with no
display at all (no DISPLAY, no QT_QPA_PLATFORM), small fast runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gui.gif.cli import frame_epochs, render_size, thinned_every
from gui.gif.encoder import MAX_FRAMES

REPO = Path(__file__).resolve().parents[2]
HEADLESS_ENV = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}


def run_gif(*options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", "gif", *options],
        cwd=REPO,
        env=HEADLESS_ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )


def read_gif(path):
    with Image.open(path) as gif:
        info = dict(gif.info)
        durations, pictures = [], []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
            pictures.append(np.asarray(gif.convert("RGB"), dtype=np.int16))
        return gif.size, durations, info, pictures


def test_cli_writes_the_gif_the_options_ask_for(tmp_path):
    output = tmp_path / "moons.gif"
    result = run_gif(
        "--dataset", "moons", "--samples", "120", "--model", "nn", "--hidden", "8", "--lr", "0.05",
        "--epochs", "40", "--frames", "6", "--fps", "20", "--width", "320", "--hold", "0.5",
        "--layout", "data", "--output", str(output),
    )
    assert result.returncode == 0, result.stderr
    assert str(output) in result.stdout and "6 frames" in result.stdout
    assert "Traceback" not in result.stderr

    size, durations, info, pictures = read_gif(output)
    assert len(pictures) == 6
    assert size[0] == 320
    assert durations == [50] * 5 + [50 + 500]
    assert info["loop"] == 0
    # Training moved the boundary: the data view differs between the first and
    # the last frame (the caption strip at the bottom differs anyway).
    plot = slice(0, size[1] * 3 // 4)
    assert np.abs(pictures[0][plot] - pictures[-1][plot]).mean() > 2


def test_cli_every_k_epochs_play_once_and_csv(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,label\n" + "".join(f"{a:.4f},{b:.4f},{c}\n" for (a, b), c in zip(X, y)))
    output = tmp_path / "csv.gif"
    result = run_gif(
        "--csv", str(csv), "--model", "logistic", "--epochs", "30", "--every", "10",
        "--no-loop", "--hold", "0", "--fps", "10", "--output", str(output),
    )
    assert result.returncode == 0, result.stderr
    size, durations, info, pictures = read_gif(output)
    assert len(pictures) == 4  # epochs 0, 10, 20, 30
    assert durations == [100] * 4
    assert "loop" not in info
    width, height = size
    assert width == render_size("data+loss", None)[0][0] + render_size("data+loss", None)[1][0]


@pytest.mark.parametrize(
    "options, mentions",
    [
        (["--fps", "0"], "--fps"),
        (["--fps", "abc"], "--fps"),
        (["--width", "5"], "--width"),
        (["--frames", "1"], "--frames"),
        (["--frames", "1000000000"], "--frames"),  # was a 7.45 GiB allocation and a traceback
        (["--frames", "301"], "300"),
        (["--every", "0"], "--every"),
        (["--frames", "5", "--every", "2"], "--every"),
        (["--hold", "-1"], "--hold"),
        (["--layout", "side"], "--layout"),
        (["--dataset", "nope"], "--dataset"),
        (["--model", "linear"], "--model"),
        (["--output", "/no/such/folder/x.gif"], "--output"),
        (["--output", "out.png"], ".gif"),
        (["--output", "out"], ".gif"),
        (["--target", "label"], "--csv"),
        (["--seed", "3000000000"], "--seed"),
        (["--epochs", "-1"], "--epochs"),
        (["--csv", "/no/such/file.csv"], "file.csv"),
    ],
)
def test_bad_options_give_one_line_and_a_nonzero_exit(options, mentions):
    result = run_gif("--epochs", "5", *options)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("main.py gif: error:")
    assert mentions in lines[0]
    assert result.stdout == ""


def test_frame_plan():
    assert frame_epochs(500, 6, None) == [0, 100, 200, 300, 400, 500]
    assert frame_epochs(30, None, 10) == [0, 10, 20, 30]
    assert frame_epochs(4, 10, None) == [0, 1, 2, 3, 4]  # never more frames than epochs
    with pytest.raises(ValueError, match="frames"):
        frame_epochs(500, MAX_FRAMES + 1, None)


def test_every_is_thinned_like_the_window_to_at_most_max_frames():
    assert thinned_every(299, 1) == 1  # 300 frames: 0..299
    assert thinned_every(300, 1) == 2  # 301 would be one too many
    assert thinned_every(10_000, 1) == 64  # 157 frames + the last state (10000 is off the grid)
    assert thinned_every(10_000, 3) == 48
    assert thinned_every(10_000_000, 1) == 2**16
    for max_epochs, every in [(10_000, 1), (10_000_000, 7), (301, 1), (599, 2), (0, 5)]:
        plan = frame_epochs(max_epochs, None, every)
        final = 0 if plan[-1] == max_epochs else 1
        assert len(plan) + final <= MAX_FRAMES
        step = thinned_every(max_epochs, every)
        assert step % every == 0 and plan == list(range(0, max_epochs + 1, step))
        # and no coarser than needed: half the spacing would be too many
        if step > every:
            assert len(range(0, max_epochs + 1, step // 2)) + (max_epochs % (step // 2) != 0) > MAX_FRAMES


def test_every_on_a_long_run_takes_at_most_max_frames_and_says_so(tmp_path):
    output = tmp_path / "long.gif"
    result = run_gif("--dataset", "moons", "--samples", "60", "--hidden", "4", "--epochs", "301", "--every", "1",
                     "--layout", "data", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ("--every 1 would take 302 frames over 301 epochs; "
                                     "at most 300 are kept, so one every 2 epochs")
    with Image.open(output) as gif:
        assert gif.n_frames == 152  # epochs 0, 2, ..., 300 and the last one, 301
    data, loss = render_size("data+loss", 1800)
    assert data[0] + loss[0] == 1800 and loss is not None
    assert render_size("data", 300) == ((520, 460), None)  # drawn at least this big, scaled down on encode


def test_an_output_that_is_a_pipe_is_refused_at_once(tmp_path):
    pipe = tmp_path / "pipe.gif"
    os.mkfifo(pipe)
    result = run_gif("--epochs", "5", "--output", str(pipe))  # used to block on opening it
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"main.py gif: error: --output {pipe} is not a regular file (a device or a pipe); give a file name"]


def test_caption_line_names_the_settings_and_can_be_turned_off(tmp_path):
    options = ("--dataset", "moons", "--samples", "80", "--model", "nn", "--hidden", "6", "--lr", "0.05",
               "--epochs", "6", "--frames", "2", "--width", "360", "--layout", "data")
    with_caption, without = tmp_path / "with.gif", tmp_path / "without.gif"
    assert run_gif(*options, "--output", str(with_caption)).returncode == 0
    assert run_gif(*options, "--no-caption", "--output", str(without)).returncode == 0
    size, _, _, captioned = read_gif(with_caption)
    _, _, _, plain = read_gif(without)
    strip = captioned[0][-20:, : size[0] // 2]  # the caption strip's left half: the settings
    assert (strip.sum(axis=2) < 500).sum() > 30  # grey text
    assert (plain[0][-20:, : size[0] // 2].sum(axis=2) < 500).sum() == 0  # blank without a caption
    # the right half (epoch and loss) is there either way
    assert (plain[0][-20:, size[0] // 2:].sum(axis=2) < 500).sum() > 30


def test_settings_caption_text():
    from algorithms import LinearRegression, NeuralNetwork
    from gui.gif.recorder import settings_caption

    assert settings_caption(NeuralNetwork(hidden_layers=(16, 8), activation="relu", optimizer="momentum",
                                          learning_rate=0.03, l2=0.0)) == \
        "Neural network · layers 16-8 · relu · momentum · lr 0.03"
    assert settings_caption(NeuralNetwork(l1=0.001)) == \
        "Neural network · layers 16-16 · tanh · adam · lr 0.01 · L2 0.0001 · L1 0.001"
    assert settings_caption(LinearRegression()) == "Linear regression · sgd · lr 0.1"
