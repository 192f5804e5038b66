"""GIF recording in the real main window during real training runs (offscreen),
and exporting what was recorded: the toolbar's Record toggle, the frames it
keeps, the final state, the bounded buffer, and a failed export keeping the
frames. Waits on signals and conditions only."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from algorithms import NeuralNetwork
from gui.gif.recorder import auto_every, caption_height, install_recorder

from .conftest import TIMEOUT_MS

MAX_EPOCHS = 300
# Slow enough that a run spans a few dozen reports (the worker reports at
# screen rate), fast enough to finish in under a second.
EPOCHS_PER_SECOND = 400


@pytest.fixture
def run_window(make_window, small_spiral):
    """A window on the small spiral with a network that stops at MAX_EPOCHS,
    and its recorder (the window's own if it installs one)."""
    model = NeuralNetwork(hidden_layers=(8,), max_epochs=MAX_EPOCHS, random_state=0)
    window = make_window(small_spiral, model)
    window.controller.set_speed(EPOCHS_PER_SECOND)
    recorder = getattr(window, "recorder", None) or install_recorder(window)
    recorder.min_interval = 0.0  # frames follow epochs only, not the wall clock
    return window, recorder


def train_to_the_end(qtbot, window, recorder) -> None:
    """Press Play and wait until training stopped at MAX_EPOCHS and the final
    state was recorded."""
    with qtbot.waitSignal(
        window.training_stopped, timeout=TIMEOUT_MS, check_params_cb=lambda reason: reason == "max_epochs"
    ):
        window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: len(recorder) and recorder.frames().epochs[-1] == MAX_EPOCHS, timeout=TIMEOUT_MS)


def test_recording_a_real_run(qtbot, run_window):
    window, recorder = run_window
    recorder.set_every(20)
    recorder.controls.record_action.trigger()
    train_to_the_end(qtbot, window, recorder)
    recorder.controls.record_action.trigger()  # stop recording
    assert not recorder.is_recording

    frames = recorder.frames()
    epochs = frames.epochs
    assert epochs[0] == 0 and epochs[-1] == MAX_EPOCHS  # from the start to the final state
    assert len(epochs) == len(set(epochs))  # the final state once
    gaps = np.diff(epochs)
    assert gaps[:-1].min() >= 20  # one frame per 20 epochs at most (the final one may be closer)
    assert 3 <= len(frames) <= MAX_EPOCHS // 20 + 2
    assert np.isfinite(frames.losses[-1])
    shapes = {frames[i].shape for i in range(len(frames))}
    assert len(shapes) == 1  # one frame size for the whole recording
    height, width, _ = shapes.pop()
    assert height <= 480 + caption_height(480)  # downscaled at capture
    first, last = frames[0].astype(int), frames[-1].astype(int)
    assert np.abs(first - last).mean() > 1  # the boundary moved
    assert recorder.controls.export_action.isEnabled()


def test_tiny_buffer_halves_and_still_ends_on_the_final_state(qtbot, run_window):
    window, recorder = run_window
    recorder.max_frames = 4
    recorder.set_every(1)
    recorder.controls.record_action.trigger()
    train_to_the_end(qtbot, window, recorder)

    epochs = recorder.frames().epochs
    assert len(epochs) <= 4
    assert epochs[0] == 0 and epochs[-1] == MAX_EPOCHS
    assert recorder.every >= 2  # doubled at each halving
    assert epochs == sorted(epochs)


def test_automatic_every_comes_from_max_epochs(qtbot, run_window):
    window, recorder = run_window
    assert recorder.every_setting is None  # Auto in the Record menu
    assert recorder.controls.every_actions[None].isChecked()
    recorder.controls.record_action.trigger()
    # the controller answers the recorder's query with the model's max_epochs
    qtbot.waitUntil(lambda: recorder.every == auto_every(MAX_EPOCHS), timeout=TIMEOUT_MS)
    assert recorder.max_epochs == MAX_EPOCHS
    recorder.controls.every_actions[5].trigger()
    assert recorder.every_setting == 5


def test_data_and_loss_layout_is_wider(qtbot, run_window):
    window, recorder = run_window
    recorder.controls.record_action.trigger()
    data_only = recorder.frames()[0].shape
    recorder.controls.record_action.trigger()
    recorder.controls.layout_actions["data+loss"].trigger()
    recorder.controls.record_action.trigger()
    both = recorder.frames()[0].shape
    assert both[0] == data_only[0] and both[1] > data_only[1] * 1.3


def test_export_dialog_from_the_toolbar(qtbot, run_window, tmp_path):
    window, recorder = run_window
    recorder.set_every(30)
    recorder.controls.record_action.trigger()
    train_to_the_end(qtbot, window, recorder)
    n_frames = len(recorder)

    dialog = recorder.controls.open_export_dialog()
    qtbot.waitExposed(dialog)
    # unwritable: the error shows, the dialog stays, the frames are kept
    dialog.path_edit.setText(str(tmp_path / "missing-folder" / "run.gif"))
    assert dialog.export() is None
    qtbot.waitUntil(lambda: dialog.error_box is not None and dialog.error_box.isVisible(), timeout=TIMEOUT_MS)
    assert "missing-folder" in dialog.error_box.text()
    assert dialog.isVisible()
    assert len(recorder) == n_frames and recorder.frames().epochs[-1] == MAX_EPOCHS
    dialog.error_box.accept()

    dialog.path_edit.setText(str(tmp_path / "run.gif"))
    dialog.fps_spin.setValue(10)
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT_MS):
        dialog.export_button.click()
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == n_frames
        assert gif.size == (recorder.frames()[0].shape[1], recorder.frames()[0].shape[0])
        assert gif.info["duration"] == 100
    assert "run.gif" in dialog.result_label.text()
    assert str(tmp_path / "run.gif") in window.statusBar().currentMessage()
    dialog.close()


def test_recording_at_max_speed_holds_frames_spread_evenly_over_the_run(qtbot, make_window, small_spiral):
    """Recording is by epoch, not by screen frame: at full speed the worker
    stops at every epoch a frame is due until the window has drawn it."""
    model = NeuralNetwork(hidden_layers=(8,), max_epochs=MAX_EPOCHS, random_state=0)
    window = make_window(small_spiral, model)
    window.toolbar.max_button.click()
    recorder = getattr(window, "recorder", None) or install_recorder(window)
    recorder.set_every(3)
    recorder.controls.record_action.trigger()
    train_to_the_end(qtbot, window, recorder)
    epochs = recorder.frames().epochs
    assert epochs == list(range(0, MAX_EPOCHS + 1, 3))  # every one of them, none other
    # the worker no longer holds once recording stops
    recorder.controls.record_action.trigger()
    qtbot.waitUntil(lambda: window.controller._worker.state.record_every is None, timeout=TIMEOUT_MS)


def test_auto_frames_cover_a_fast_run_evenly(qtbot, make_window, small_spiral):
    model = NeuralNetwork(hidden_layers=(8,), max_epochs=1000, random_state=0)
    window = make_window(small_spiral, model)
    window.toolbar.max_button.click()
    recorder = getattr(window, "recorder", None) or install_recorder(window)
    recorder.controls.record_action.trigger()
    qtbot.waitUntil(lambda: recorder.every == auto_every(1000), timeout=TIMEOUT_MS)  # the params came back
    with qtbot.waitSignal(window.training_stopped, timeout=3 * TIMEOUT_MS,
                          check_params_cb=lambda reason: reason == "max_epochs"):
        window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: recorder.frames().epochs[-1] == 1000, timeout=TIMEOUT_MS)
    epochs = recorder.frames().epochs
    assert len(epochs) >= 200  # was 4 frames at full speed
    assert set(np.diff(epochs)) == {auto_every(1000)}
