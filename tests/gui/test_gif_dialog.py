"""The Export GIF… dialog: options, live estimate, writing, and a failed write
that keeps the recorded frames."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gui.gif.dialog import ExportGifDialog, default_path
from gui.gif.recorder import FrameRecorder, RecordedFrame, FrameSequence

from .test_gif_encoder import moving_frames
from .test_gif_recorder import StandInWindow, record


@pytest.fixture
def frames():
    return FrameSequence([RecordedFrame.from_array(f, epoch, 1.0 / (epoch + 1))
                          for epoch, f in enumerate(moving_frames(20, height=90, width=120))])


@pytest.fixture
def dialog(qtbot, frames, tmp_path):
    dialog = ExportGifDialog(frames, path=tmp_path / "run.gif")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_defaults_and_estimate(dialog):
    assert dialog.width_spin.value() == dialog.width_spin.maximum() == 120
    assert dialog.loop_check.isChecked()
    text = dialog.estimate_label.text()
    assert "20 frames" in text and "about" in text and "120x90" in text


def test_estimate_follows_the_options(qtbot, dialog):
    dialog.fps_spin.setValue(10)
    dialog.hold_spin.setValue(1.0)
    assert "3.0 s" in dialog.estimate_label.text()  # length at once: 20 x 0.1 s + 1 s
    dialog.width_spin.setValue(60)
    qtbot.waitUntil(lambda: "60x45" in dialog.estimate_label.text() and "about" in dialog.estimate_label.text())


def test_export_writes_what_the_dialog_says(qtbot, dialog, tmp_path):
    dialog.fps_spin.setValue(20)
    dialog.width_spin.setValue(60)
    dialog.loop_check.setChecked(False)
    dialog.hold_spin.setValue(0.5)
    with qtbot.waitSignal(dialog.exported) as exported:
        dialog.export_button.click()
    info = exported.args[0]
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == info.n_frames == 20
        assert gif.size == (60, 45)
        assert "loop" not in gif.info
        gif.seek(19)
        assert gif.info["duration"] == 50 + 500
    assert "run.gif" in dialog.result_label.text()
    assert dialog.isVisible()  # stays open showing where it went


def test_unwritable_path_shows_an_error_and_keeps_the_frames(qtbot, dialog, frames, tmp_path):
    bad = tmp_path / "no-such-folder" / "run.gif"
    dialog.path_edit.setText(str(bad))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.error_box is not None and dialog.error_box.isVisible())
    assert dialog.error_box.icon() == QMessageBox.Icon.Critical
    assert str(bad) in dialog.error_box.text() and "kept" in dialog.error_box.text()
    assert not bad.exists() and dialog.result_info is None
    assert len(frames) == 20 and dialog.isVisible()
    dialog.error_box.accept()
    # the same frames can still be written elsewhere
    dialog.path_edit.setText(str(tmp_path / "second try"))  # no suffix: .gif is added
    assert dialog.export() is not None
    with Image.open(tmp_path / "second try.gif") as gif:
        assert gif.n_frames == 20


def test_a_write_failing_midway_shows_a_plain_error_and_keeps_the_old_file(qtbot, dialog, frames, tmp_path,
                                                                          monkeypatch):
    import errno
    import os

    from .test_gif_encoder import _FailingFile

    # A name that would be bold if the message box read it as HTML.
    target = tmp_path / "<b>bold<i>run.gif"
    dialog.path_edit.setText(str(target))
    assert dialog.export() is not None
    old = target.read_bytes()
    dialog.fps_spin.setValue(5)  # a different file this time
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: _FailingFile(real_fdopen(*args, **kwargs), 2_000))
    assert dialog.export() is None
    qtbot.waitUntil(lambda: dialog.error_box is not None and dialog.error_box.isVisible())
    box = dialog.error_box
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert str(target) in box.text() and os.strerror(errno.ENOSPC) in box.text()
    assert "unchanged" in box.text() and "kept" in box.text()
    assert target.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no partial file
    box.accept()
    monkeypatch.undo()
    assert dialog.export() is not None  # the frames are all there to try again
    with Image.open(target) as gif:
        assert gif.n_frames == 20 and gif.info["duration"] == 200


def test_export_action_in_the_window_and_the_recorder_keeps_its_frames(qtbot, tmp_path):
    window = StandInWindow()
    qtbot.addWidget(window)
    window.show()
    recorder = record(window, every=1)
    for epoch in range(1, 8):
        window.draw(epoch, 0.1)
    controls = recorder.controls
    assert controls.export_action.isEnabled()
    controls.export_action.trigger()
    dialog = controls.dialog
    qtbot.waitExposed(dialog)
    assert "8 frames" in dialog.estimate_label.text()
    window.draw(8, 0.1)  # recording goes on: the dialog keeps its snapshot
    assert len(recorder) == 9 and "8 frames" in dialog.estimate_label.text()

    dialog.path_edit.setText(str(tmp_path))  # a folder: cannot be written as a file
    assert dialog.export() is None
    qtbot.waitUntil(lambda: dialog.error_box.isVisible())
    dialog.error_box.accept()
    assert len(recorder) == 9

    dialog.path_edit.setText(str(tmp_path / "window.gif"))
    assert dialog.export() is not None
    assert str(tmp_path / "window.gif") in window.statusBar().currentMessage()
    dialog.close()


def test_default_path_does_not_overwrite(tmp_path):
    assert default_path(tmp_path) == tmp_path / "training.gif"
    (tmp_path / "training.gif").write_bytes(b"")
    assert default_path(tmp_path) == tmp_path / "training-2.gif"


def test_dialog_needs_frames():
    with pytest.raises(ValueError, match="frames"):
        ExportGifDialog(FrameSequence([]))
    assert len(FrameRecorder(lambda: None).frames()) == 0


def test_the_settings_caption_is_an_export_choice(qtbot, tmp_path):
    """Frames keep their settings caption as text; the dialog writes it on
    their strip, or not."""
    from PySide6.QtGui import QImage

    from gui.gif.recorder import FrameSequence, RecordedFrame, array_to_qimage, qimage_to_array, stamp

    picture = QImage(200, 120, QImage.Format.Format_RGB32)
    picture.fill(0xFFFFFF)
    stamped = qimage_to_array(stamp(picture, 10, 0.5))
    frames = FrameSequence([RecordedFrame.from_array(stamped, 10, 0.5, "Neural network · 16-16 tanh", 120)] * 3,
                           captions=True)
    assert frames.has_captions
    with_caption, without = frames[0], frames.with_captions(False)[0]
    np.testing.assert_array_equal(without, stamped)
    strip = np.abs(with_caption.astype(int) - without.astype(int))[120:]
    assert strip[:, :60].sum() > 0  # text on the left of the strip
    assert (with_caption[:120] == without[:120]).all()  # the picture itself untouched
    dialog = ExportGifDialog(frames, path=tmp_path / "a.gif")
    qtbot.addWidget(dialog)
    assert dialog.caption_check.isVisibleTo(dialog) and dialog.caption_check.isChecked()
    dialog.caption_check.setChecked(False)
    np.testing.assert_array_equal(dialog._chosen_frames()[0], without)
    assert array_to_qimage(with_caption).width() == 200
