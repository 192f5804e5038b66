"""The training toolbar: Play/Pause, Step, Reset, the speed control (Auto,
a slider from slow motion up, Max), the epoch counter and the
epochs-per-second readout, plus view toggles.

The toolbar only holds the controls; the main window connects them. Other
parts (draw mode, GIF recording) add their own actions to it.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QHBoxLayout, QLabel, QMenu, QSizePolicy, QSlider, QStyle,
                               QToolBar, QToolButton, QWidget)

from gui.pacing import AUTO

#: the slider's settings, slow motion to flat out: epochs per second, None = as fast as possible
SPEEDS: tuple[float | None, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, None)
#: what a new window trains at: each run spread over a watchable time
DEFAULT_SPEED = AUTO
#: seconds between two updates of the epochs-per-second readout while training
RATE_REFRESH = 0.25


def speed_text(speed: float | str | None, auto_rate: float | None = None) -> str:
    if speed == AUTO:
        return "auto" if not auto_rate else f"auto: {auto_rate:,.0f}/s"
    return "max" if speed is None else f"{speed:g} epochs/s"


class TrainingToolbar(QToolBar):
    """Signal ``speed_changed(object)``: epochs per second, ``"auto"`` or
    None for max.

    The speed is chosen with three controls that agree: **Auto** (the
    default: the epochs left spread over about 15 s, see
    ``gui.pacing.auto_rate``), the slider (slow motion, 1 to 1,000 epochs
    per second, and max at its right end) and **Max**. A choice stays until
    the person makes another: new data or a new model keep it.
    """

    speed_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Training", parent)
        self.setObjectName("training_toolbar")
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        style = self.style()

        self.play_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play", self)
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.setToolTip("Start training (Space). Press again to pause.")
        self.step_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Step", self)
        self.step_action.setShortcut(QKeySequence(Qt.Key.Key_Right))
        self.step_action.setToolTip("Train exactly one epoch, then pause (Right arrow).")
        self.reset_action = QAction(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Reset", self)
        self.reset_action.setShortcut(QKeySequence(Qt.Key.Key_R))
        self.reset_action.setToolTip("Start again from new initial weights: the model's seed moves on by one (R).")
        for action in (self.play_action, self.step_action, self.reset_action):
            self.addAction(action)
        self.addSeparator()

        speed_box = QWidget()
        speed_layout = QHBoxLayout(speed_box)
        speed_layout.setContentsMargins(6, 0, 6, 0)
        speed_layout.setSpacing(4)
        speed_title = QLabel("Speed")
        self.auto_button = QToolButton()
        self.auto_button.setText("Auto")
        self.auto_button.setCheckable(True)
        self.auto_button.setToolTip("Pace each run to be watched: the epochs left are spread over about 15 seconds.")
        self.max_button = QToolButton()
        self.max_button.setText("Max")
        self.max_button.setCheckable(True)
        self.max_button.setToolTip("Train as fast as the machine goes; the views show what they can.")
        self._mode_group = QButtonGroup(self)
        self._mode_group.setExclusive(False)  # both may be off: a slider speed
        for button in (self.auto_button, self.max_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self._mode_group.addButton(button)
        self._mode_group.buttonClicked.connect(self._on_mode_clicked)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setPageStep(1)
        self.speed_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.speed_slider.setFixedWidth(110)
        self.speed_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows keep stepping epochs
        tip = "Training speed: slow motion (1 epoch per second) up to as fast as the machine goes."
        for widget in (speed_title, self.speed_slider):
            widget.setToolTip(tip)
        self.speed_label = QLabel()
        self.speed_label.setFixedWidth(self.speed_label.fontMetrics().horizontalAdvance("auto: 10,000/s") + 6)
        self.speed_label.setToolTip(tip)
        self.speed_slider.valueChanged.connect(self._on_speed_moved)
        for widget in (speed_title, self.auto_button, self.speed_slider, self.max_button, self.speed_label):
            speed_layout.addWidget(widget)
        speed_box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.addWidget(speed_box)
        self.addSeparator()
        self._speed: float | str | None = None
        self._auto_rate: float | None = None
        self._show_speed(DEFAULT_SPEED)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.epoch_label = QLabel()
        self.epoch_label.setFont(mono)
        self.epoch_label.setToolTip("Epochs completed: full passes over the training rows.")
        # Fixed widths: a label that changes size every frame re-lays out the toolbar.
        self.epoch_label.setFixedWidth(self.epoch_label.fontMetrics().horizontalAdvance("Epoch 10,000,000") + 8)
        self.rate_label = QLabel()
        self.rate_label.setFont(mono)
        self.rate_label.setToolTip("Training speed right now, in epochs per second.")
        self.rate_label.setFixedWidth(self.rate_label.fontMetrics().horizontalAdvance("100,000 epochs/s") + 8)
        self.addWidget(self.epoch_label)
        self.addWidget(self.rate_label)
        self._running = False
        self.set_epoch(0)
        self._rate_shown_at, self._rate_shown = -math.inf, 0.0
        self.set_rate(0.0)

        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)

        self.misclassified_action = QAction("Show mistakes", self)
        self.misclassified_action.setCheckable(True)
        self.misclassified_action.setToolTip("Ring the points the model currently gets wrong.")
        self.surface3d_action = QAction("3D view", self)
        self.surface3d_action.setCheckable(True)
        self.surface3d_action.setToolTip("Show the regression surface in 3D (drag to rotate).")
        self.discrete_action = QAction("Discretize", self)
        self.discrete_action.setCheckable(True)
        self.discrete_action.setToolTip("Colour the plane by the predicted class only, without the paler "
                                        "shades where the model is unsure.")
        self.validation_action = QAction("Validation points", self)
        self.validation_action.setCheckable(True)
        self.validation_action.setChecked(True)
        self.validation_action.setToolTip("Show the validation points (hollow): rows held out from training "
                                          "to measure how well the model generalises.")
        # The view toggles live in one "View" menu (also in the window's menu
        # bar): as toolbar buttons they pushed Record off a laptop's screen.
        self.view_menu = QMenu("&View", self)
        for action in (self.misclassified_action, self.discrete_action, self.validation_action,
                       self.surface3d_action):
            self.view_menu.addAction(action)
        self.view_button = QToolButton()
        self.view_button.setText("View")
        self.view_button.setToolTip("What the views show: mistakes ringed, the predicted class as flat colour, "
                                    "the validation points, the regression surface in 3D.")
        self.view_button.setMenu(self.view_menu)
        self.view_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.view_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.addWidget(self.view_button)

    # --- readouts -------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        if running == self._running:
            return  # called every frame: a new icon would repaint the toolbar
        self._running = running
        style = self.style()
        if running:
            self.play_action.setText("Pause")
            self.play_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPause))
            self.play_action.setToolTip("Pause training (Space).")
        else:
            self.play_action.setText("Play")
            self.play_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
            self.play_action.setToolTip("Start training (Space). Press again to pause.")

    def set_epoch(self, epoch: int) -> None:
        text = f"Epoch {epoch:,}"
        if text != self.epoch_label.text():
            self.epoch_label.setText(text)

    def set_rate(self, epochs_per_second: float) -> None:
        """Show the training speed: at once when training stops (0) or starts
        again, otherwise at most every RATE_REFRESH seconds (a number
        changing on every frame cannot be read, and each change repaints)."""
        now = time.monotonic()
        if epochs_per_second and self._rate_shown and now - self._rate_shown_at < RATE_REFRESH:
            return
        self._rate_shown_at, self._rate_shown = now, epochs_per_second
        rate = f"{epochs_per_second:,.0f}" if epochs_per_second >= 10 else f"{epochs_per_second:.1f}"
        text = f"{rate} epochs/s"
        if text != self.rate_label.text():
            self.rate_label.setText(text)

    # --- speed ----------------------------------------------------------------------
    def speed(self) -> float | str | None:
        """Epochs per second, ``"auto"`` or None (max)."""
        return self._speed

    def set_speed(self, speed: float | str | None) -> None:
        """Choose ``speed`` as the person would (emits ``speed_changed``):
        ``"auto"``, None (max), or the slider setting nearest a number."""
        if speed not in (None, AUTO):
            speed = SPEEDS[min(range(len(SPEEDS) - 1), key=lambda i: abs(SPEEDS[i] - speed))]
        if speed != self._speed:
            self._show_speed(speed)
            self.speed_changed.emit(speed)

    def show_auto_rate(self, rate: float | None) -> None:
        """With Auto on: the epochs per second it chose for this run."""
        if rate != self._auto_rate:
            self._auto_rate = rate
            if self._speed == AUTO:
                self._show_speed(AUTO)

    def _show_speed(self, speed: float | str | None) -> None:
        self._speed = speed
        self.auto_button.setChecked(speed == AUTO)
        self.max_button.setChecked(speed is None)
        if speed == AUTO:
            rate = self._auto_rate
            index = len(SPEEDS) - 1 if rate is None or rate > SPEEDS[-2] else min(
                range(len(SPEEDS) - 1), key=lambda i: abs(SPEEDS[i] - rate))
        else:
            index = SPEEDS.index(speed)
        self.speed_slider.blockSignals(True)
        self.speed_slider.setValue(index)
        self.speed_slider.blockSignals(False)
        text = speed_text(speed, self._auto_rate)
        if text != self.speed_label.text():
            self.speed_label.setText(text)

    def _on_speed_moved(self, index: int) -> None:
        self.set_speed(SPEEDS[index])

    def _on_mode_clicked(self, button) -> None:
        if button is self.auto_button:
            self.set_speed(AUTO if button.isChecked() else SPEEDS[self.speed_slider.value()])
        else:
            self.set_speed(None if button.isChecked() else SPEEDS[-2])
