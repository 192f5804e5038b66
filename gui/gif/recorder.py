"""Recording frames of the views while a model trains.

``FrameRecorder`` grabs the data view (and optionally the loss curve beside
it), downscales the picture once at capture, stamps the epoch and the loss in
the bottom-right corner (on a caption strip under the picture) and keeps it, zlib-compressed, in a bounded buffer:

- one frame every ``every`` epochs (plus the state when training stops);
- when the buffer holds more than ``max_frames``, every other frame is dropped
  (the first and the newest stay) and ``every`` doubles, so the frames always
  cover the whole run and memory stays bounded however long it goes.

Compression matters: a 480x560 RGB frame is 0.8 MB raw but ~40-60 kB through
``zlib`` level 1 (plots are mostly flat colour), which costs ~3 ms.

The recorder knows nothing of the window. ``install_recorder(window)`` wires it
to the window's hooks (``frame_drawn``, ``training_stopped``,
``training_reset``, ``current_data_view()``, ``loss_view``, ``toolbar``); the
headless ``python main.py gif`` command calls :meth:`FrameRecorder.capture`
itself, so both stamp and scale frames the same way.
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from gui.gif.encoder import MAX_FRAMES

LAYOUTS = ("data", "data+loss")
LAYOUT_LABELS = {"data": "Data view only", "data+loss": "Data view + loss curve"}
DEFAULT_MAX_FRAMES = MAX_FRAMES  # ~15-20 MB compressed at 480 px high; 10-20 s of GIF
DEFAULT_TARGET_FRAMES = 250  # what the automatic "every" aims at when max_epochs is known
DEFAULT_FRAME_HEIGHT = 480  # pictures are downscaled to at most this many pixels high
EVERY_CHOICES = (1, 2, 5, 10, 20, 50, 100)  # the Record menu's fixed choices (plus Auto)
# A capture costs ~10-20 ms of the GUI thread (grab, scale, stamp, compress):
# at most this many per second keeps the window responsive while recording.
MIN_CAPTURE_INTERVAL = 0.04


# --- QImage helpers (pure functions) ------------------------------------------


def qimage_to_array(image: QImage) -> np.ndarray:
    """``(height, width, 3)`` uint8 RGB copy of ``image`` (any format)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    height, width, stride = rgb.height(), rgb.width(), rgb.bytesPerLine()
    # Rows are padded to a multiple of 4 bytes: read whole rows, then cut.
    raw = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=height * stride)
    return raw.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def array_to_qimage(frame: np.ndarray) -> QImage:
    """A ``QImage`` (own copy of the pixels) of an ``(h, w, 3)`` uint8 RGB array."""
    frame = np.ascontiguousarray(frame, dtype=np.uint8)
    height, width = frame.shape[:2]
    return QImage(frame.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def grab_widget(widget: QWidget) -> QImage:
    """The widget as it is drawn now, in physical pixels (device pixel ratio 1)."""
    image = widget.grab().toImage()
    image.setDevicePixelRatio(1.0)
    return image


def compose(images: Sequence[QImage], max_side_ratio: float = 1.2) -> QImage:
    """Images side by side on white, all at the height of the first.

    A later image is scaled to that height keeping its aspect, but no wider than
    ``max_side_ratio`` times the first image (a wide, short loss strip is then
    centred vertically instead of making the frame very wide).
    """
    first = images[0]
    height = first.height()
    parts = [first]
    for image in images[1:]:
        if image.isNull() or image.height() == 0:
            continue
        factor = height / image.height()
        if image.width() * factor > max_side_ratio * first.width():
            factor = max_side_ratio * first.width() / image.width()
        size = QSize(round(image.width() * factor), round(image.height() * factor))
        smooth = Qt.TransformationMode.SmoothTransformation
        parts.append(image.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio, smooth))
    if len(parts) == 1:
        return first
    canvas = QImage(sum(part.width() for part in parts), height, QImage.Format.Format_RGB32)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    x = 0
    for part in parts:
        painter.drawImage(QPoint(x, (height - part.height()) // 2), part)
        x += part.width()
    painter.end()
    return canvas


def fit_frame(image: QImage, size: QSize) -> QImage:
    """``image`` scaled to fit ``size`` keeping its aspect, centred on white."""
    if image.size() == size:
        return image.convertToFormat(QImage.Format.Format_RGB32)
    scaled = image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    canvas = QImage(size, QImage.Format.Format_RGB32)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    painter.drawImage(QPoint((size.width() - scaled.width()) // 2, (size.height() - scaled.height()) // 2), scaled)
    painter.end()
    return canvas


def frame_size_for(natural: QSize, max_height: int | None) -> QSize:
    """The recording's frame size: ``natural`` scaled down (never up) to at most
    ``max_height`` pixels high."""
    if max_height is None or natural.height() <= max_height:
        return QSize(natural)
    factor = max_height / natural.height()
    return QSize(max(1, round(natural.width() * factor)), max_height)


def stamp_text(epoch: int, loss: float) -> str:
    """``"epoch 120 · loss 0.3452"`` (``"loss –"`` while there is none)."""
    loss_text = f"{loss:.4g}" if loss is not None and math.isfinite(loss) else "–"
    return f"epoch {int(epoch)} · loss {loss_text}"


def settings_caption(model) -> str:
    """The settings that made a run, for the caption line: ``"Neural network ·
    layers 16-16 · tanh · adam · lr 0.01 · L2 0.0001"`` (a model's class and
    hyperparameters; penalties only when on)."""
    params = model.get_params()
    parts = [getattr(type(model), "LABEL", type(model).__name__)]
    if "hidden_layers" in params:
        layers = params["hidden_layers"]
        parts.append("layers " + ("-".join(str(width) for width in layers) if layers else "none"))
        parts.append(str(params["activation"]))
    parts.append(str(params.get("optimizer", "sgd")))
    parts.append(f"lr {params['learning_rate']:g}")
    for name in ("l2", "l1"):
        if params.get(name):
            parts.append(f"{name.upper()} {params[name]:g}")
    return " · ".join(parts)


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def caption_height(frame_height: int) -> int:
    """Pixels of the caption strip under a picture ``frame_height`` high."""
    return 2 * _caption_font_size(frame_height)


def _caption_font_size(frame_height: int) -> int:
    return max(11, round(frame_height * 0.034))


def stamp(image: QImage, epoch: int, loss: float, caption: str | None = None) -> QImage:
    """``image`` with a caption strip added below it, the epoch and loss in its
    bottom-right corner (dark bold text on white) and ``caption`` (the
    settings, :func:`settings_caption`) on its left, in grey, cut with "…"
    where it would reach the epoch.

    A strip rather than text over the picture: the views have legends, axis
    labels and readouts in every corner, and the stamp must hide none of them.
    The font is sized from the picture height, so it stays readable when the
    GIF is scaled down.
    """
    font = QFont()
    font.setPixelSize(_caption_font_size(image.height()))
    font.setBold(True)
    strip = caption_height(image.height())
    framed = QImage(image.width(), image.height() + strip, QImage.Format.Format_RGB32)
    framed.fill(QColor("white"))
    painter = QPainter(framed)
    painter.drawImage(QPoint(0, 0), image)
    painter.setPen(QPen(QColor(215, 215, 215), 1))
    painter.drawLine(0, image.height(), image.width(), image.height())
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setFont(font)
    painter.setPen(QColor(20, 20, 20))
    margin = font.pixelSize() // 2
    text_box = QRect(0, image.height(), image.width() - margin, strip)
    epoch_text = stamp_text(epoch, loss)
    painter.drawText(text_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, epoch_text)
    painter.end()
    if caption:
        _draw_caption(framed, image.height(), caption, epoch_text)
    return framed


def _draw_caption(framed: QImage, picture_height: int, caption: str, epoch_text: str) -> None:
    """Write ``caption`` on the left of the strip under a picture
    ``picture_height`` high in ``framed`` (a :func:`stamp` result), in grey,
    cut with "…" where it would reach the epoch."""
    font = QFont()
    font.setPixelSize(_caption_font_size(picture_height))
    margin = font.pixelSize() // 2
    painter = QPainter(framed)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setFont(font)
    painter.setPen(QColor(90, 90, 90))
    metrics = painter.fontMetrics()
    room = framed.width() - 3 * margin - QFontMetrics(_bold(font)).horizontalAdvance(epoch_text) - margin
    if room > metrics.horizontalAdvance("…") * 4:
        text = metrics.elidedText(caption, Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRect(margin, picture_height, room, framed.height() - picture_height),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    painter.end()


# --- the buffer ------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedFrame:
    epoch: int
    loss: float
    shape: tuple[int, int, int]  # (height, width, 3)
    data: bytes  # zlib-compressed RGB bytes, stamped with the epoch and loss
    caption: str | None = None  # the settings, written on the strip when the frame is read with captions
    picture_height: int = 0  # rows above the stamp's strip

    @classmethod
    def from_array(cls, frame: np.ndarray, epoch: int, loss: float, caption: str | None = None,
                   picture_height: int = 0) -> RecordedFrame:
        return cls(int(epoch), float(loss), tuple(frame.shape), zlib.compress(frame.tobytes(), 1), caption,
                   picture_height)

    def array(self, caption: bool = False) -> np.ndarray:
        """``(h, w, 3)`` uint8 RGB; with ``caption``, the settings written on
        its strip (when it has them)."""
        frame = np.frombuffer(zlib.decompress(self.data), dtype=np.uint8).reshape(self.shape)
        if not caption or not self.caption:
            return frame
        image = array_to_qimage(frame).convertToFormat(QImage.Format.Format_RGB32)
        _draw_caption(image, self.picture_height, self.caption, stamp_text(self.epoch, self.loss))
        return qimage_to_array(image)


class FrameSequence(Sequence):
    """A read-only, decompress-on-access sequence of recorded frames: what
    ``gui.gif.encoder`` takes (``len`` and ``[i]`` giving ``(h, w, 3)`` arrays).
    ``captions``: each frame with its settings caption written on its strip
    (the frames keep the text, so it is an export-time choice)."""

    def __init__(self, frames: Sequence[RecordedFrame], captions: bool = False):
        self._frames = tuple(frames)
        self.captions = captions

    def with_captions(self, on: bool) -> FrameSequence:
        return FrameSequence(self._frames, captions=on)

    @property
    def has_captions(self) -> bool:
        """Whether the frames carry a settings caption to write."""
        return any(frame.caption for frame in self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return FrameSequence(self._frames[index], self.captions)
        return self._frames[index].array(self.captions)

    @property
    def epochs(self) -> list[int]:
        return [frame.epoch for frame in self._frames]

    @property
    def losses(self) -> list[float]:
        return [frame.loss for frame in self._frames]

    @property
    def frame_shape(self) -> tuple[int, int, int] | None:
        return self._frames[0].shape if self._frames else None

    @property
    def nbytes(self) -> int:
        """Memory the compressed frames take."""
        return sum(len(frame.data) for frame in self._frames)


def halve(frames: list, keep_last: bool = True) -> list:
    """Every other element (indices 0, 2, 4, ...), plus the last one."""
    kept = frames[::2]
    if keep_last and frames and (len(frames) - 1) % 2:
        kept.append(frames[-1])
    return kept


def auto_every(max_epochs: int | None, target_frames: int = DEFAULT_TARGET_FRAMES) -> int:
    """Epochs between frames so that ``max_epochs`` give about ``target_frames``
    frames: ``ceil(max_epochs / target_frames)``, at least 1 (1 when unknown)."""
    if not max_epochs or max_epochs <= 0:
        return 1
    return max(1, math.ceil(max_epochs / target_frames))


class FrameRecorder(QObject):
    """Grabs stamped, downscaled frames of the views into a bounded buffer.

    Parameters
    ----------
    data_view : callable returning the data view widget to grab now (the view
        changes with the dataset, so it is asked at every capture).
    loss_view : the loss curve widget, grabbed beside the data view when
        ``layout == "data+loss"``; None if there is none.
    max_frames : the buffer limit; over it, every other frame is dropped and
        ``every`` doubles.
    frame_height : the grabbed picture is scaled down (never up) to at most
        this height, before the caption strip (~7 % more) is added under it;
        None keeps the grabbed size.
    min_interval : seconds that must pass between two captures driven by
        :meth:`on_frame_drawn` (0 for none; the headless CLI uses 0).

    Signals
    -------
    frames_changed(int): the number of frames now held.
    recording_changed(bool): recording started (True) or stopped (False).
    every_changed(int): the epochs between frames changed (the window's
        worker then holds training at each epoch divisible by it).

    ``paced``: the frames are paced by the training worker (the window): it
    stops at every epoch a frame is due and waits until it is drawn, so
    every due epoch is captured, without ``min_interval``.
    """

    frames_changed = Signal(int)
    recording_changed = Signal(bool)
    every_changed = Signal(int)

    def __init__(
        self,
        data_view: Callable[[], QWidget | None],
        loss_view: QWidget | None = None,
        *,
        layout: str = "data",
        every: int | None = None,
        max_frames: int = DEFAULT_MAX_FRAMES,
        frame_height: int | None = DEFAULT_FRAME_HEIGHT,
        min_interval: float = MIN_CAPTURE_INTERVAL,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if max_frames < 2:
            raise ValueError(f"max_frames must be at least 2, got {max_frames!r}")
        self._data_view = data_view
        self._loss_view = loss_view
        self.set_layout(layout)
        self.max_frames = int(max_frames)
        self.frame_height = frame_height
        self.min_interval = float(min_interval)
        self.max_epochs: int | None = None  # feeds the automatic "every" when known
        self._frames: list[RecordedFrame] = []
        self._frame_size: QSize | None = None  # fixed by the first frame of a recording
        self._recording = False
        self._next_epoch = 0
        self._every_setting: int | None = None  # None = automatic
        #: what gives the settings caption of each frame (None: no caption);
        #: the window's reads the model panel, the GIF command's is fixed
        self.caption: Callable[[], str | None] | None = None
        self.set_every(every)
        self._force_next = False
        self.paced = False
        self._last_capture_time = -math.inf
        self._last_epoch = 0  # what the views show now (from frame_drawn)
        self._last_loss = math.nan

    # --- settings ------------------------------------------------------------
    @property
    def layout(self) -> str:
        return self._layout

    def set_layout(self, layout: str) -> None:
        """``"data"`` (data view only) or ``"data+loss"`` (loss curve beside it).
        Takes effect with the next recording (a recording keeps one frame size)."""
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
        self._layout = layout

    @property
    def every(self) -> int:
        """Epochs between frames now (doubles each time the buffer is halved)."""
        return self._every

    @property
    def every_setting(self) -> int | None:
        """The chosen epochs between frames; None for automatic."""
        return self._every_setting

    def set_every(self, every: int | None) -> None:
        """Epochs between frames, from now on; None = automatic (from
        ``max_epochs`` when known, else 1 and let the halving thin it)."""
        if every is not None and (not isinstance(every, (int, np.integer)) or every < 1):
            raise ValueError(f"every must be a positive integer or None, got {every!r}")
        self._every_setting = None if every is None else int(every)
        self._set_every(self._every_setting or auto_every(self.max_epochs))
        if self._frames:
            self._next_epoch = self._frames[-1].epoch + self._every

    def set_max_epochs(self, max_epochs: int | None, epoch: int = 0) -> None:
        """The run's epoch limit (and the epoch it is at now), for the automatic
        ``every``: the epochs left are spread over about
        ``DEFAULT_TARGET_FRAMES`` frames. Applies to the current recording
        unless the buffer was already halved."""
        self.max_epochs = max_epochs
        if self._every_setting is not None or len(self._frames) > self.max_frames // 2:
            return
        self._set_every(auto_every(None if max_epochs is None else max(1, max_epochs - epoch)))
        if self._frames:
            self._next_epoch = self._frames[-1].epoch + self._every

    def _set_every(self, every: int) -> None:
        if every != getattr(self, "_every", None):
            self._every = every
            self.every_changed.emit(every)

    # --- state -----------------------------------------------------------------
    @property
    def is_recording(self) -> bool:
        return self._recording

    def __len__(self) -> int:
        return len(self._frames)

    def frames(self) -> FrameSequence:
        """A snapshot of the recorded frames (later captures don't change it),
        read with their settings caption (``with_captions(False)``: without)."""
        return FrameSequence(self._frames, captions=True)

    @property
    def frame_size(self) -> QSize | None:
        return None if self._frame_size is None else QSize(self._frame_size)

    def clear(self) -> None:
        """Drop every frame; the next capture fixes a new frame size."""
        self._frames.clear()
        self._frame_size = None
        self._set_every(self._every_setting or auto_every(self.max_epochs))
        self._next_epoch = 0
        self.frames_changed.emit(0)

    def start(self) -> None:
        """Start a new recording (previous frames are dropped) and capture what
        the views show now, so the GIF starts from the current state."""
        self.clear()
        self._recording = True
        self.recording_changed.emit(True)
        self.capture(self._last_epoch, self._last_loss)

    def stop(self) -> None:
        """Stop recording; the frames stay for export."""
        if not self._recording:
            return
        self._recording = False
        self.recording_changed.emit(False)

    def set_recording(self, on: bool) -> None:
        if on and not self._recording:
            self.start()
        elif not on:
            self.stop()

    # --- window hooks ------------------------------------------------------------
    def is_due(self, epoch: int) -> bool:
        """Whether a frame of ``epoch`` would be kept now: ``every`` epochs
        after the last one (or the final state after a stop), and at least
        ``min_interval`` seconds after the last capture."""
        if self._force_next:
            return True
        if self.paced:
            return epoch >= self._next_epoch
        return epoch >= self._next_epoch and time.monotonic() - self._last_capture_time >= self.min_interval

    def on_frame_drawn(self, epoch: int, loss: float) -> None:
        """The views now show ``epoch``: capture if a frame is due."""
        self._last_epoch, self._last_loss = int(epoch), float(loss)
        if self._recording and self.is_due(epoch):
            self.capture(epoch, loss)

    def on_training_stopped(self, reason: str = "") -> None:
        """Training stopped (or paused): the final state is captured whatever
        ``every`` says. The window may announce the stop just before
        ``frame_drawn`` for the last epoch (both come from one report), so the
        next ``frame_drawn`` is captured, and if none comes before control
        returns to the event loop, the views are captured as they are."""
        if not self._recording:
            return
        self._force_next = True
        QTimer.singleShot(0, self, self._capture_final_state)

    def _capture_final_state(self) -> None:
        if self._recording and self._force_next:
            self.capture(self._last_epoch, self._last_loss, replace_same_epoch=True)

    def on_training_reset(self) -> None:
        """The model was re-initialised: epochs restart at 0. The recording goes
        on (the GIF shows what the window showed); the next frame is captured."""
        self._last_epoch, self._last_loss = 0, math.nan
        self._next_epoch = 0

    # --- capturing -------------------------------------------------------------
    def grab(self) -> QImage | None:
        """The chosen views composed into one image at their drawn size (None
        when there is no data view to grab)."""
        view = self._data_view()
        if view is None:
            return None
        images = [grab_widget(view)]
        if self._layout == "data+loss" and self._loss_view is not None:
            redraw = getattr(self._loss_view, "redraw", None)
            if redraw is not None:
                redraw()  # epochs the window's rate limit has not drawn yet
            images.append(grab_widget(self._loss_view))
        return compose(images)

    def capture(self, epoch: int, loss: float, *, replace_same_epoch: bool = False) -> bool:
        """Grab, scale, stamp and keep one frame now. Returns whether a frame
        was kept (False when there is nothing to grab)."""
        image = self.grab()
        if image is None or image.isNull():
            return False
        if self._frame_size is None:
            self._frame_size = frame_size_for(image.size(), self.frame_height)
        caption = self.caption() if self.caption is not None else None
        picture = fit_frame(image, self._frame_size)
        frame_image = stamp(picture, epoch, loss)  # the caption is written when read (an export choice)
        frame = RecordedFrame.from_array(qimage_to_array(frame_image), epoch, loss, caption, picture.height())
        if replace_same_epoch and self._frames and self._frames[-1].epoch == frame.epoch:
            self._frames[-1] = frame
        else:
            self._frames.append(frame)
        self._last_capture_time = time.monotonic()
        self._force_next = False
        if len(self._frames) > self.max_frames:
            self._frames = halve(self._frames)
            self._set_every(self._every * 2)
        self._next_epoch = int(epoch) + self._every
        self.frames_changed.emit(len(self._frames))
        return True


# --- wiring into the main window -------------------------------------------------


def install_recorder(window, **recorder_options) -> FrameRecorder:
    """Add Record (with a menu: layout, epochs between frames) and Export GIF…
    to ``window.toolbar`` and connect a new ``FrameRecorder`` to the window's
    hooks. Returns the recorder (its parent is the window).

    Uses only: ``window.toolbar``, ``window.current_data_view()``,
    ``window.loss_view``, and the signals ``frame_drawn(int, float)``,
    ``training_stopped(str)``, ``training_reset()``.
    """
    recorder = FrameRecorder(
        window.current_data_view, getattr(window, "loss_view", None), parent=window, **recorder_options
    )
    model_panel = getattr(window, "model_panel", None)
    if model_panel is not None:  # the caption names the settings of the model being recorded
        recorder.caption = lambda: settings_caption(model_panel.build_model())
    controller = getattr(window, "controller", None)
    if controller is not None and hasattr(controller, "set_recording"):
        # Recording is by epoch, not by screen frame: the worker stops at each
        # epoch a frame is due (at any speed) until the window has drawn it.
        recorder.paced = True
        pace = _WorkerPacing(recorder, controller)
        recorder.recording_changed.connect(pace.update)
        recorder.every_changed.connect(pace.update)
    window.frame_drawn.connect(recorder.on_frame_drawn)
    window.training_stopped.connect(recorder.on_training_stopped)
    window.training_reset.connect(recorder.on_training_reset)
    recorder.controls = RecorderControls(recorder, window)
    return recorder


class _WorkerPacing(QObject):
    """Tells the training worker which epochs the recording wants."""

    def __init__(self, recorder: FrameRecorder, controller) -> None:
        super().__init__(recorder)
        self._recorder, self._controller = recorder, controller

    def update(self, *_args) -> None:
        recorder = self._recorder
        self._controller.set_recording(recorder.every if recorder.is_recording else None)


def _ask_max_epochs(window) -> None:
    """For the automatic ``every``: ask the training controller for the model's
    ``max_epochs`` (answered asynchronously by ``params_reported``)."""
    controller = getattr(window, "controller", None)
    if controller is not None and hasattr(controller, "query_params"):
        controller.query_params()


class RecorderControls(QObject):
    """The toolbar items: a checkable Record button with a settings menu, and
    Export GIF…. Kept as ``recorder.controls``."""

    def __init__(self, recorder: FrameRecorder, window) -> None:
        super().__init__(recorder)
        self._recorder = recorder
        self._window = window
        toolbar = window.toolbar

        self.record_action = QAction("● Record", window)
        self.record_action.setCheckable(True)
        self.record_action.setToolTip(
            "Record frames of the views while training runs, for Export GIF… "
            "(starting a new recording discards the previous one)"
        )
        self.record_action.toggled.connect(self._on_record_toggled)

        menu = QMenu(window)
        layout_group = QActionGroup(menu)
        self.layout_actions: dict[str, QAction] = {}
        for layout in LAYOUTS:
            action = menu.addAction(LAYOUT_LABELS[layout])
            action.setCheckable(True)
            action.setChecked(layout == recorder.layout)
            action.setData(layout)
            layout_group.addAction(action)
            self.layout_actions[layout] = action
        layout_group.triggered.connect(self._on_layout_chosen)
        every_menu = menu.addMenu("Capture every")
        every_group = QActionGroup(every_menu)
        self.every_actions: dict[int | None, QAction] = {}
        for every in (None, *EVERY_CHOICES):
            label = "Auto (a few hundred frames per run)" if every is None else f"{every} epoch{'s' * (every > 1)}"
            action = every_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(every == recorder.every_setting)
            action.setData(0 if every is None else every)
            every_group.addAction(action)
            self.every_actions[every] = action
        every_group.triggered.connect(self._on_every_chosen)
        self.menu = menu

        self.record_button = QToolButton(toolbar)
        self.record_button.setDefaultAction(self.record_action)
        self.record_button.setMenu(menu)
        self.record_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        toolbar.addSeparator()
        toolbar.addWidget(self.record_button)

        self.export_action = QAction("Export GIF…", window)
        self.export_action.setToolTip("Write the recorded frames to an animated GIF")
        self.export_action.setEnabled(False)
        self.export_action.triggered.connect(self.open_export_dialog)
        toolbar.addAction(self.export_action)
        self.dialog = None

        recorder.frames_changed.connect(self._on_frames_changed)
        recorder.recording_changed.connect(self._on_recording_changed)
        controller = getattr(window, "controller", None)
        if controller is not None and hasattr(controller, "params_reported"):
            controller.params_reported.connect(self._on_params_reported)

    def _on_record_toggled(self, checked: bool) -> None:
        self._recorder.set_recording(checked)

    def _on_recording_changed(self, recording: bool) -> None:
        if recording:
            _ask_max_epochs(self._window)
        if self.record_action.isChecked() != recording:
            self.record_action.setChecked(recording)
        self.record_action.setText("■ Stop recording" if recording else "● Record")
        for action in self.layout_actions.values():
            # one frame size per recording: the layout is chosen before it starts
            action.setEnabled(not recording)
        if not recording and len(self._recorder):
            self._show_status(f"Recorded {len(self._recorder)} frames: Export GIF… writes them to a file")

    def _on_params_reported(self, params: dict) -> None:
        if self._recorder.is_recording and params.get("max_epochs"):
            self._recorder.set_max_epochs(int(params["max_epochs"]), int(params.get("epoch", 0)))

    def _on_layout_chosen(self, action: QAction) -> None:
        self._recorder.set_layout(action.data())

    def _on_every_chosen(self, action: QAction) -> None:
        self._recorder.set_every(action.data() or None)

    def _on_frames_changed(self, count: int) -> None:
        self.export_action.setEnabled(count > 0)
        self.export_action.setToolTip(
            f"Write the {count} recorded frames to an animated GIF" if count else "Record frames first"
        )

    def _show_status(self, message: str) -> None:
        status_bar = getattr(self._window, "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(message, 8000)

    def open_export_dialog(self):
        """Open (non-modal) the Export GIF… dialog on a snapshot of the frames;
        returns the dialog."""
        from gui.gif.dialog import ExportGifDialog

        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = ExportGifDialog(self._recorder.frames(), parent=self._window)
        self.dialog.exported.connect(self._on_exported)
        self.dialog.open()
        return self.dialog

    def _on_exported(self, info) -> None:
        from gui.gif.encoder import describe_size

        self._show_status(f"GIF saved: {info.path} ({info.n_frames} frames, {describe_size(info.size_bytes)})")
