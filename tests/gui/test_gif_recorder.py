"""gui.gif.recorder against a stand-in window that has the contract's hooks
(toolbar, current_data_view(), loss_view, frame_drawn, training_stopped,
training_reset): capturing every k epochs, the bounded buffer, the final
state, the stamp and the frame size."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QWidget

from gui.gif.recorder import (
    FrameRecorder,
    array_to_qimage,
    auto_every,
    caption_height,
    halve,
    install_recorder,
    qimage_to_array,
    stamp_text,
)


class ColourView(QWidget):
    """Fills itself with a colour that depends on the epoch shown."""

    def __init__(self, base: tuple[int, int, int], size=(300, 240)):
        super().__init__()
        self.base = base
        self.epoch = 0
        self.setFixedSize(*size)

    def paintEvent(self, event):  # noqa: N802 - Qt override
        painter = QPainter(self)
        r, g, b = self.base
        painter.fillRect(self.rect(), QColor(r, (g + 3 * self.epoch) % 256, b))
        painter.end()


class StandInWindow(QMainWindow):
    frame_drawn = Signal(int, float)
    training_stopped = Signal(str)
    training_reset = Signal()

    def __init__(self):
        super().__init__()
        self.toolbar = self.addToolBar("training")
        self.data_view = ColourView((40, 60, 200))
        self.loss_view = ColourView((200, 200, 40), size=(200, 240))
        central = QWidget()
        row = QHBoxLayout(central)
        row.addWidget(self.data_view)
        row.addWidget(self.loss_view)
        self.setCentralWidget(central)

    def current_data_view(self):
        return self.data_view

    def draw(self, epoch: int, loss: float = 1.0):
        """What the real window does for a report: update the views, then say so."""
        self.data_view.epoch = epoch
        self.data_view.update()
        self.frame_drawn.emit(epoch, loss)


@pytest.fixture
def window(qtbot):
    window = StandInWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def record(window, **options):
    options.setdefault("min_interval", 0.0)
    recorder = install_recorder(window, **options)
    recorder.controls.record_action.trigger()
    assert recorder.is_recording
    return recorder


def test_toolbar_gets_record_and_export(window):
    recorder = install_recorder(window)
    controls = recorder.controls
    assert controls.record_button.parent() is window.toolbar
    assert controls.export_action in window.toolbar.actions()
    assert not controls.export_action.isEnabled()
    controls.record_action.trigger()
    assert recorder.is_recording and len(recorder) == 1  # the state when recording started
    assert controls.export_action.isEnabled()
    controls.record_action.trigger()
    assert not recorder.is_recording and len(recorder) == 1


def test_captures_every_k_epochs(window):
    recorder = record(window, every=5)
    for epoch in range(1, 41):
        window.draw(epoch, 1 / epoch)
    assert recorder.frames().epochs == list(range(0, 41, 5))
    assert recorder.frames().losses[1] == pytest.approx(1 / 5)


def test_reports_that_skip_epochs_still_give_one_frame_per_k(window):
    recorder = record(window, every=10)
    for epoch in (3, 7, 12, 14, 19, 23, 31, 33, 46):
        window.draw(epoch)
    assert recorder.frames().epochs == [0, 12, 23, 33, 46]


def test_full_buffer_drops_every_other_frame_and_doubles_k(window):
    recorder = record(window, every=1, max_frames=6)
    for epoch in range(1, 101):
        window.draw(epoch)
        assert len(recorder) <= 6
    epochs = recorder.frames().epochs
    assert epochs[0] == 0  # the start of the run stays
    assert epochs[-1] >= 100 - recorder.every  # ... and so does its end
    assert recorder.every >= 16
    gaps = np.diff(epochs)
    assert gaps.min() >= recorder.every // 2  # spread over the whole run


def test_final_state_is_captured_when_training_stops(window, qtbot):
    recorder = record(window, every=50)
    for epoch in range(1, 31):
        window.draw(epoch, 0.5)
    # The real window announces the stop, then draws the last report.
    window.training_stopped.emit("max_epochs")
    window.draw(31, 0.25)
    qtbot.waitUntil(lambda: recorder.frames().epochs[-1] == 31)
    assert recorder.frames().epochs == [0, 31]
    assert recorder.frames().losses[-1] == 0.25


def test_stop_without_a_new_frame_captures_the_views_as_they_are(window, qtbot):
    recorder = record(window, every=50)
    window.draw(7, 0.5)
    window.training_stopped.emit("paused")
    qtbot.waitUntil(lambda: recorder.frames().epochs == [0, 7])
    # a second stop at the same epoch replaces the frame instead of adding one
    window.training_stopped.emit("paused")
    qtbot.waitUntil(lambda: not recorder._force_next)
    assert recorder.frames().epochs == [0, 7]


def test_reset_keeps_recording_from_epoch_zero(window):
    recorder = record(window, every=5)
    for epoch in range(1, 21):
        window.draw(epoch)
    window.training_reset.emit()
    window.draw(0)
    window.draw(3)
    window.draw(5)
    assert recorder.frames().epochs == [0, 5, 10, 15, 20, 0, 5]


def test_new_recording_discards_the_previous_one(window):
    recorder = record(window, every=1)
    for epoch in range(1, 6):
        window.draw(epoch)
    recorder.controls.record_action.trigger()  # stop
    assert len(recorder) == 6
    recorder.controls.record_action.trigger()  # start again
    assert recorder.frames().epochs == [5]


def test_not_recording_captures_nothing(window):
    recorder = install_recorder(window, min_interval=0.0)
    for epoch in range(1, 6):
        window.draw(epoch)
    window.training_stopped.emit("max_epochs")
    assert len(recorder) == 0


def test_frames_show_the_view_with_a_caption(window):
    recorder = record(window, every=1)
    window.draw(1, 0.5)
    frame = recorder.frames()[-1]
    view_width, view_height = window.data_view.width(), window.data_view.height()
    strip = caption_height(view_height)
    assert frame.shape == (view_height + strip, view_width, 3)
    # The picture is the view at epoch 1, untouched in every corner.
    for y, x in ((2, 2), (2, view_width - 3), (view_height - 3, 2), (view_height - 3, view_width - 3)):
        assert tuple(frame[y, x]) == (40, 63, 200)
    # Under it, the caption: dark text on white, in the bottom-right corner.
    caption = frame[view_height + 1 :].reshape(-1, 3).astype(int).sum(axis=1)
    assert (caption > 750).mean() > 0.7
    right = frame[view_height + 1 :, view_width // 2 :].reshape(-1, 3).astype(int).sum(axis=1)
    left = frame[view_height + 1 :, : view_width // 5].reshape(-1, 3).astype(int).sum(axis=1)
    assert (right < 200).any() and not (left < 200).any()


def test_data_and_loss_side_by_side(window):
    recorder = record(window, every=1, layout="data+loss")
    frame = recorder.frames()[0]
    data_width, loss_width = window.data_view.width(), window.loss_view.width()
    height = window.data_view.height()
    assert frame.shape[:2] == (height + caption_height(height), data_width + loss_width)
    assert tuple(frame[height - 5, 5]) == (40, 60, 200)
    assert tuple(frame[height - 5, data_width + 5]) == (200, 200, 40)


def test_frames_are_downscaled_at_capture_and_keep_one_size(window, qtbot):
    recorder = record(window, every=1, frame_height=120)
    assert recorder.frame_size == QSize(150, 120)
    window.data_view.setFixedSize(500, 200)  # the user resizes the window mid-recording
    window.draw(1)
    frames = recorder.frames()
    assert frames[0].shape == frames[1].shape == (120 + caption_height(120), 150, 3)
    assert tuple(frames[1][115, 75]) == (255, 255, 255)  # letterboxed, not stretched
    assert tuple(frames[1][60, 75]) == (40, 63, 200)


def test_recorder_survives_a_missing_view(window):
    recorder = FrameRecorder(lambda: None, min_interval=0.0)
    recorder.start()
    recorder.on_frame_drawn(3, 0.1)
    assert len(recorder) == 0


def test_bad_settings_name_the_parameter(window):
    with pytest.raises(ValueError, match="layout"):
        FrameRecorder(window.current_data_view, layout="both")
    with pytest.raises(ValueError, match="every"):
        FrameRecorder(window.current_data_view, every=0)
    with pytest.raises(ValueError, match="max_frames"):
        FrameRecorder(window.current_data_view, max_frames=1)


def test_automatic_every_from_max_epochs(window):
    recorder = record(window)  # every=None: automatic
    assert recorder.every == 1
    recorder.set_max_epochs(5000, epoch=0)
    assert recorder.every == auto_every(5000) == 20
    assert auto_every(None) == 1 and auto_every(100) == 1


def test_helpers():
    assert halve([0, 1, 2, 3, 4]) == [0, 2, 4]
    assert halve([0, 1, 2, 3, 4, 5]) == [0, 2, 4, 5]
    assert stamp_text(12, 0.123456) == "epoch 12 · loss 0.1235"
    assert stamp_text(0, math.nan) == "epoch 0 · loss –"
    # odd widths: QImage rows are padded to 4 bytes
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (7, 13, 3), dtype=np.uint8)
    image = array_to_qimage(frame)
    assert image.format() == QImage.Format.Format_RGB888
    assert np.array_equal(qimage_to_array(image), frame)
    assert np.array_equal(qimage_to_array(image.convertToFormat(QImage.Format.Format_ARGB32)), frame)


def test_a_grab_of_data_and_loss_draws_the_epochs_the_loss_view_still_holds_back(qtbot):
    import numpy as np
    from PySide6.QtWidgets import QLabel

    from gui.views import LossView

    data = QLabel("data")
    loss = LossView()
    for widget in (data, loss):
        qtbot.addWidget(widget)
        widget.resize(300, 300)
        widget.show()
    nan = np.full(5, np.nan)
    loss.append(np.arange(1, 6), np.linspace(1, 0.5, 5), nan, np.linspace(0, 1, 5), nan, redraw=False)
    assert loss.stale
    recorder = FrameRecorder(lambda: data, loss, layout="data+loss", min_interval=0.0)
    image = recorder.grab()
    assert image is not None and not image.isNull()
    assert not loss.stale and loss.curves["loss"].getData()[0][-1] == 5
