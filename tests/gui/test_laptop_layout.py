"""Every mode of the window works on a 1280x720 laptop screen (issue 12):
the minimum size fits in every mode (Draw mode included), the loss readout
is never cut, and screenshots at that size are saved for a person to look
at (WINDOW_SCREENSHOTS=<folder> keeps them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import datasets
from algorithms import NeuralNetwork

from .conftest import TIMEOUT_MS
from .test_window import select_source

LAPTOP = (1280, 720)


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("WINDOW_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)

    def save(window, name):
        path = folder / f"window_{name}.png"
        assert window.grab().save(str(path))
        return path

    return save


def fits_a_laptop(window) -> None:
    hint = window.minimumSizeHint()
    assert hint.width() <= LAPTOP[0] and hint.height() <= LAPTOP[1], hint
    window.resize(*LAPTOP)
    assert (window.width(), window.height()) == LAPTOP
    readout = window.loss_view.readout
    lines = readout.lines(readout.width())
    assert readout.height() >= len(lines) * readout.line_height()  # nothing cut


@pytest.mark.parametrize("source", ["spiral", "iris", "diabetes", "bumps", "time_series", "sine", "wine"])
def test_each_kind_of_data_fits_a_laptop_screen(qtbot, make_window, shots, source):
    from gui.draw import install_draw_mode
    from gui.gif.recorder import install_recorder

    window = make_window(datasets.make("spiral", n_samples=200, noise=0.1, random_state=0),
                         NeuralNetwork(random_state=0, max_epochs=100_000))
    window.draw_mode = install_draw_mode(window)
    window.recorder = install_recorder(window)
    if source != "spiral":
        with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
            select_source(window, source)
    fits_a_laptop(window)
    window.toolbar.set_speed(None)
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch >= 30, timeout=TIMEOUT_MS)
    fits_a_laptop(window)
    shots(window, source)
    if window.dataset.n_features <= 2 and window.dataset.time is None:
        window.draw_mode.action.trigger()  # Draw mode: its toolbar and class list
        assert window.draw_mode.active
        fits_a_laptop(window)
        shots(window, f"{source}_draw")
        window.draw_mode.action.trigger()
