"""The Export GIF… dialog: frame rate, width, loop, hold on the last frame,
with a live estimate of the file size and play length; writes the file with
``gui.gif.encoder`` and says where it went.

The dialog works on a snapshot of the recorded frames and never changes the
recorder: a failed write (an unwritable folder, a full disk) shows a
plain-text error, leaves any file already at the path as it was (the encoder
writes beside it and renames), and keeps every frame to try again.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.panels.messages import show_error
from gui.gif.encoder import (
    MAX_FPS,
    MIN_FPS,
    MIN_WIDTH,
    GifInfo,
    GifOptions,
    default_fps,
    describe_size,
    estimate_gif,
    frame_delay_ms,
    write_gif,
)

ESTIMATE_DELAY_MS = 150  # the estimate encodes a few frames: wait until the user pauses


def default_path(directory: str | Path | None = None, stem: str = "training") -> Path:
    """``<Pictures or home>/training.gif``, or ``training-2.gif``... if taken."""
    if directory is None:
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        directory = pictures if pictures and Path(pictures).is_dir() else Path.home()
    directory = Path(directory)
    path = directory / f"{stem}.gif"
    counter = 2
    while path.exists():
        path = directory / f"{stem}-{counter}.gif"
        counter += 1
    return path


class ExportGifDialog(QDialog):
    """Export recorded frames to an animated GIF.

    ``frames``: a sequence of ``(h, w, 3)`` uint8 RGB arrays (a
    ``FrameSequence`` snapshot from the recorder). Emits ``exported(GifInfo)``
    after a successful write; the dialog then shows the path and stays open
    (Close dismisses it). On failure ``error_box`` is the (non-blocking)
    message box shown.
    """

    exported = Signal(object)  # GifInfo

    def __init__(self, frames, parent: QWidget | None = None, path: str | Path | None = None) -> None:
        super().__init__(parent)
        if len(frames) == 0:
            raise ValueError("frames is empty: record some frames before exporting")
        self.setWindowTitle("Export GIF")
        self._frames = frames
        height, width = frames[0].shape[:2]
        self._recorded_width = width
        self.result_info: GifInfo | None = None
        self.error_box: QMessageBox | None = None

        self.path_edit = QLineEdit(str(Path(path) if path else default_path()))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        self.fps_spin = QSpinBox()
        self.fps_spin.setRange(int(MIN_FPS), int(MAX_FPS))
        self.fps_spin.setValue(int(default_fps(len(frames))))
        self.fps_spin.setSuffix(" fps")
        self.fps_spin.setToolTip("Frames per second (GIF stores delays in 10 ms steps)")

        self.width_spin = QSpinBox()
        self.width_spin.setRange(min(MIN_WIDTH, width), width)
        self.width_spin.setValue(width)
        self.width_spin.setSuffix(" px")
        self.width_spin.setToolTip(f"Output width; recorded at {width}x{height} (the height follows)")

        # The settings line under each frame (model, layers, activation, ...)
        # when the recording has one: written as the frames are exported.
        self.caption_check = QCheckBox("Caption with the settings")
        self.caption_check.setChecked(True)
        self.caption_check.setToolTip("A line under each frame naming the model and its settings "
                                      "(layers, activation, learning rate, optimizer)")
        self.caption_check.setVisible(bool(getattr(frames, "has_captions", False)))

        self.loop_check = QCheckBox("Loop forever")
        self.loop_check.setChecked(True)
        self.loop_check.setToolTip("Unchecked: the GIF plays once and stays on the last frame")

        self.hold_spin = QDoubleSpinBox()
        self.hold_spin.setRange(0.0, 10.0)
        self.hold_spin.setSingleStep(0.5)
        self.hold_spin.setDecimals(1)
        self.hold_spin.setValue(2.0)
        self.hold_spin.setSuffix(" s")
        self.hold_spin.setToolTip("How long the final frame stays before the GIF ends or starts again")

        self.estimate_label = QLabel()
        self.estimate_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("File", path_row)
        form.addRow("Frame rate", self.fps_spin)
        form.addRow("Width", self.width_spin)
        form.addRow("", self.caption_check)
        form.addRow("", self.loop_check)
        form.addRow("Hold last frame", self.hold_spin)
        form.addRow("Estimate", self.estimate_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.export_button.setText("Export")
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{len(frames)} recorded frames, {width}x{height}"))
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(ESTIMATE_DELAY_MS)
        self._estimate_timer.timeout.connect(self.update_estimate)
        for spin in (self.fps_spin, self.width_spin):
            spin.valueChanged.connect(self._on_options_changed)
        self.hold_spin.valueChanged.connect(self._on_options_changed)
        self.loop_check.toggled.connect(self._on_options_changed)
        self.caption_check.toggled.connect(self._on_options_changed)
        self.update_estimate()

    # --- options -----------------------------------------------------------------
    def _chosen_frames(self):
        """The frames, with their settings caption or without, as chosen."""
        with_captions = getattr(self._frames, "with_captions", None)
        return self._frames if with_captions is None else with_captions(self.caption_check.isChecked())

    def options(self) -> GifOptions:
        width = self.width_spin.value()
        return GifOptions(
            fps=float(self.fps_spin.value()),
            loop=self.loop_check.isChecked(),
            hold_last=float(self.hold_spin.value()),
            width=None if width == self._recorded_width else width,
        )

    def _on_options_changed(self, *args) -> None:
        # Length follows at once (arithmetic); the size estimate encodes a few
        # frames, so it waits until the user stops changing values.
        self._show_estimate(None)
        self._estimate_timer.start()

    def update_estimate(self) -> GifInfo:
        """Recompute the size estimate now (also what the timer calls)."""
        self._estimate_timer.stop()
        info = estimate_gif(self._chosen_frames(), self.options())
        self._show_estimate(info)
        return info

    def _show_estimate(self, info: GifInfo | None) -> None:
        options = self.options()
        n_frames = len(self._frames)
        seconds = (n_frames * frame_delay_ms(options.fps) + round(options.hold_last * 100) * 10) / 1000
        width, height = (info.width, info.height) if info else (self.width_spin.value(), None)
        size_text = f"about {describe_size(info.size_bytes)}" if info else "estimating…"
        dims = f"{width}x{height}" if height else f"{width} px wide"
        self.estimate_label.setText(f"{n_frames} frames · {seconds:.1f} s · {dims} · {size_text}")

    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export GIF", self.path_edit.text(), "GIF images (*.gif)")
        if path:
            if not path.lower().endswith(".gif"):
                path += ".gif"
            self.path_edit.setText(path)

    # --- writing -------------------------------------------------------------------
    def export(self) -> GifInfo | None:
        """Write the GIF to the chosen path. Returns what was written, or None
        after showing an error (the frames are untouched either way)."""
        text = self.path_edit.text().strip()
        if not text:
            self._show_error("Choose a file to write the GIF to.")
            return None
        path = Path(text).expanduser()
        if path.is_dir():
            self._show_error(f"{path} is a folder: add a file name, such as {path / 'training.gif'}.")
            return None
        if path.suffix.lower() != ".gif":
            path = path.with_name(path.name + ".gif")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            info = write_gif(self._chosen_frames(), path, self.options())
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            unchanged = "The file already there is unchanged. " if path.is_file() else ""
            self._show_error(f"Could not write the GIF to {path}:\n{reason}\n\n{unchanged}The recorded frames "
                             "are kept: choose another file and try again.")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.result_info = info
        self.path_edit.setText(str(path))
        self.result_label.setText(
            f"Saved <b>{info.n_frames}</b> frames ({info.width}x{info.height}, {info.duration:.1f} s, "
            f"{describe_size(info.size_bytes)}) to<br><code>{html.escape(str(path.resolve()))}</code>"
        )
        self.exported.emit(info)
        return info

    def _show_error(self, message: str) -> None:
        if self.error_box is not None:
            self.error_box.close()
        # plain text, non-blocking: the dialog and its frames stay
        self.error_box = show_error(self, "Export GIF", message, icon=QMessageBox.Icon.Critical)
