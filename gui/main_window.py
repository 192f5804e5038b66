"""The main window: panels on the left, the data view in the centre, the
loss curves and, under them, the side views that apply (as tabs: e.g. a
confusion matrix or predicted-vs-actual plot for data with many features) on
the right, the training toolbar on top. Which views show is decided by the
presenter from the view registry (``gui.views.registry``).

The window wires the parts together and is the only place that talks to the
training controller. Panels announce changes with signals and never reach
into each other.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import time

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import datasets
from gui import views
from gui.help import install_help_menu
from gui.panels import DatasetPanel, ModelPanel, TrainingToolbar
from gui.panels.banner import Banner
from gui.panels.dataset_panel import dataset_title
from gui.panels.messages import plain_label, show_error
from gui.presenter import DataPresenter
from gui.worker import CANNOT_TRAIN, Report, TrainingController

PANEL_WIDTH = 360
STATUS_TIMEOUT_MS = 8000
#: largest magnitude of a feature or target value the window takes: beyond
#: it the views' ranges and the models' squared statistics overflow
MAX_MAGNITUDE = 1e150
#: the loss view is redrawn at most this often while training runs (it still
#: receives every epoch). It is about 40% of the GUI thread's work per frame,
#: and every millisecond of it is one the training thread waits for the
#: interpreter lock; a growing curve looks no different at 20 redraws a
#: second, while the decision surface goes on at full frame rate.
LOSS_REDRAW_INTERVAL = 1.0 / 20.0
#: live hyperparameters whose changes are marked on the loss chart, as named there
MARK_NAMES = {"learning_rate": "lr", "l2": "L2", "l1": "L1"}
#: the views that judge the loss curves (training health) get them at most this often
HISTORY_INTERVAL = 0.25


def default_run():
    """``(dataset, model, transform)`` of ``python main.py`` without options."""
    from gui.options import add_run_arguments, build_run

    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    return build_run(parser.parse_args([]))


class MainWindow(QMainWindow):
    """The application window. See the module docstring for the layout.

    Hooks for draw mode and GIF recording: ``toolbar``, ``controller``,
    ``data_view_container``, ``current_data_view()``, ``loss_view``,
    ``dataset``, ``set_dataset(ds, keep_model=...)`` and the signals below.
    """

    frame_drawn = Signal(int, float)  # after the views drew a report: epoch, loss
    dataset_changed = Signal(object)  # the new Dataset
    training_reset = Signal()  # the model was re-initialised (epoch back to 0)
    training_stopped = Signal(str)  # "max_epochs", "early_stopping", "diverged", "error", "paused"

    def __init__(self, dataset=None, model=None, transform=None, parent: QWidget | None = None, *,
                 dtype: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ML from scratch — watch it learn")
        self._dataset = None
        self._trained = None  # what the model trains on: the dataset, or its two shown features
        self._generation = 0
        self._epoch = 0
        self._last_loss = math.nan
        self._closed = False
        self._restoring = None  # (command number, session) of a session being opened, until its run reports
        self._run_settings: dict | None = None  # what the run shown started with (gui.compare), for ghost labels
        self._rewinding: tuple | None = None  # (command number, epoch) of a restart from an earlier epoch
        self._view_seq = 0  # the last command that changed what the views need
        self._last_stop: str | None = None  # why training last stopped (report.stopped), None since a reset
        self._history_since = 0  # epochs shown before the last change of data or learning rate
        self._live_values: dict = {}  # the live hyperparameters' values now, to mark their changes
        self._history_checked_at = -math.inf  # time.monotonic() the views last got the history
        # What the worker's model knows, to keep it through Draw-mode edits
        # that leave it valid (a rename, an empty class): the class codes it
        # was initialised with, as sent with it and then as reported by it.
        self._model_labels: frozenset | None = None
        self._model_seq = 0  # the command that sent the current model
        self._model_trains = False  # the last report had a trainer (the data can be trained)
        self._n_validation = 0  # validation rows of the worker's split (from its val_mask)
        # The split comes once, with the report after it changed; when that
        # report's frames are skipped (the views' specs changed meanwhile),
        # the views still need it: it waits here for the next current report.
        self._pending_val_mask: np.ndarray | None = None
        self.error_box = None  # the last error box shown (data the window could not take)
        self._loss_drawn_at = -math.inf  # time.monotonic() of the last loss-view redraw
        self._loss_timer = QTimer(self)  # draws epochs left waiting by the rate limit
        self._loss_timer.setSingleShot(True)
        self._loss_timer.timeout.connect(self._redraw_loss)

        self.controller = TrainingController(self)
        try:
            self._build(dataset, model, transform, dtype)
        except BaseException:
            self.controller.stop()  # never leave the thread running behind a failed window
            raise

    def _build(self, dataset, model, transform, dtype) -> None:
        self.controller.report_received.connect(self._on_report_received)
        self.presenter = DataPresenter(self)

        self.toolbar = TrainingToolbar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        # The epoch and rate readouts change text every frame. Qt stops a
        # label's re-layout request at the label only when its width AND
        # height are fixed (the toolbar fixes the widths); otherwise the
        # toolbar and then the whole window re-lay out on every frame.
        for label in (self.toolbar.epoch_label, self.toolbar.rate_label):
            label.setFixedHeight(label.sizeHint().height())
        self.dataset_panel = DatasetPanel()
        self.model_panel = ModelPanel()
        self.loss_view = views.LossView()
        self._build_layout()
        self._connect()
        self._build_file_menu()
        self.menuBar().addMenu(self.toolbar.view_menu)
        self.help_menu = install_help_menu(self)
        self._build_timeline()

        if dataset is None:
            dataset, model, transform = default_run()
        self._show_source(dataset)
        n_classes = dataset.n_classes if dataset.task == "classification" else None
        self.model_panel.set_task(dataset.task, n_classes, dataset.n_features)
        if model is not None:
            self.model_panel.set_model(model, transform)
        if dtype is not None:  # else the panel's default, float32
            self.model_panel.set_dtype(dtype)
        self.controller.set_speed(self.toolbar.speed())
        self._apply_dataset(dataset, keep_model=False)
        self.resize(1440, 880)

    # --- layout ---------------------------------------------------------------
    def _build_layout(self) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 6, 8, 6)
        left_layout.setSpacing(6)
        data_box = QGroupBox("Data")
        QVBoxLayout(data_box).addWidget(self.dataset_panel)
        model_box = QGroupBox("Model")
        QVBoxLayout(model_box).addWidget(self.model_panel)
        left_layout.addWidget(data_box)
        left_layout.addWidget(model_box)
        left_layout.addStretch(1)
        self._left_layout = left_layout
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Wide enough for the widest row of the panels plus the scroll bar:
        # nothing may be cut off on the right.
        needed = left.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4
        scroll.setMinimumWidth(max(PANEL_WIDTH, needed))
        scroll.setMaximumWidth(max(PANEL_WIDTH, needed) + 80)
        self.panel_scroll = scroll

        # centre: the data view, with a banner and a note above it
        self.data_view_container = QWidget()
        centre = QVBoxLayout(self.data_view_container)
        centre.setContentsMargins(4, 8, 4, 4)
        centre.setSpacing(6)
        self.view_title = plain_label(QLabel())
        font = self.view_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.view_title.setFont(font)
        self.view_title.setWordWrap(True)  # a long dataset title must not widen the window
        self.banner = Banner()
        self.view_note = plain_label(QLabel())
        self.view_note.setWordWrap(True)
        self.view_note.setStyleSheet("color: #8a5a00;")
        self.view_note.hide()
        centre.addWidget(self.view_title)
        centre.addWidget(self.banner)
        centre.addWidget(self.view_note)
        centre.addWidget(self.presenter.widget, 1)

        # right: loss curves, and the many-features view under them
        right = QSplitter(Qt.Orientation.Vertical)
        loss_box = QWidget()
        loss_layout = QVBoxLayout(loss_box)
        loss_layout.setContentsMargins(4, 8, 8, 4)
        loss_title = QLabel("Loss and score per epoch")
        loss_title.setFont(font)
        loss_layout.addWidget(loss_title)
        # the status views (e.g. training health): banners above the curves
        self.status_box = QWidget()
        self._status_layout = QVBoxLayout(self.status_box)
        self._status_layout.setContentsMargins(0, 0, 0, 0)
        self._status_layout.setSpacing(4)
        loss_layout.addWidget(self.status_box)
        loss_layout.addWidget(self.loss_view, 1)
        right.addWidget(loss_box)
        # the side views (registry slot "side"), one tab each
        self.secondary_box = QWidget()
        secondary_layout = QVBoxLayout(self.secondary_box)
        secondary_layout.setContentsMargins(4, 4, 8, 4)
        self.side_tabs = QTabWidget()
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.currentChanged.connect(self._on_side_tab_changed)
        secondary_layout.addWidget(self.side_tabs)
        self.secondary_box.hide()
        right.addWidget(self.secondary_box)
        right.setMinimumWidth(380)  # the loss readout and the side tabs' tables
        self.right_splitter = right

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self.data_view_container)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([PANEL_WIDTH, 640, 440])
        self.splitter = splitter
        self.setCentralWidget(splitter)

        self.samples_label = QLabel()
        self.samples_label.setToolTip("Rows the model sees: those it trains on and those held out to validate it.")
        self.statusBar().addPermanentWidget(self.samples_label)
        self.statusBar().setSizeGripEnabled(False)

    def _connect(self) -> None:
        toolbar = self.toolbar
        toolbar.play_action.triggered.connect(self._on_play_triggered)
        toolbar.step_action.triggered.connect(self.step)
        toolbar.reset_action.triggered.connect(self.reset)
        toolbar.speed_changed.connect(self._on_speed_changed)
        toolbar.misclassified_action.toggled.connect(self._on_misclassified_toggled)
        toolbar.surface3d_action.toggled.connect(self._on_surface3d_toggled)
        toolbar.discrete_action.toggled.connect(self._on_discrete_toggled)
        toolbar.validation_action.toggled.connect(self._on_validation_toggled)
        self.dataset_panel.dataset_chosen.connect(self._on_dataset_chosen)
        self.dataset_panel.features_chosen.connect(self._on_features_chosen)
        self.dataset_panel.two_features_toggled.connect(self._on_two_features_toggled)
        self.model_panel.model_changed.connect(self._on_model_changed)
        self.model_panel.live_params_changed.connect(self._on_live_params_changed)
        self.presenter.specs_changed.connect(self._on_specs_changed)
        self.presenter.side_views_changed.connect(self._on_side_views_changed)
        self.presenter.focus_changed.connect(self._update_view_chrome)  # the title names the unit shown

    def add_panel_section(self, title: str, widget: QWidget) -> QGroupBox:
        """A titled section at the top of the side panel (which scrolls:
        it never widens the window), e.g. Draw mode's class list. Returns the
        section, for the caller to show and hide."""
        box = QGroupBox(title)
        QVBoxLayout(box).addWidget(widget)
        self._left_layout.insertWidget(0, box)
        return box

    def sizeHint(self) -> QSize:
        return QSize(1440, 880)

    # --- hooks ------------------------------------------------------------------
    @property
    def dataset(self):
        """The current Dataset."""
        return self._dataset

    @property
    def epoch(self) -> int:
        """Epochs completed, as last reported by the worker."""
        return self._epoch

    def current_data_view(self) -> QWidget:
        """The data view now shown (ClassificationView, Regression1DView, ...)."""
        return self.presenter.current_view()

    def set_dataset(self, dataset, *, keep_model: bool = False) -> None:
        """Show and train on ``dataset``.

        keep_model=True (drawn points while training): the worker swaps the
        rows in at its next epoch without resetting; it falls back to a reset,
        and says so, when the model cannot take them (new features or classes).
        """
        reason = self.unshowable_reason(dataset)
        if reason is not None:
            raise ValueError(reason)
        self._show_source(dataset)
        reset = self._apply_dataset(dataset, keep_model=keep_model)
        if keep_model and reset is None:
            self._history_since = self.loss_view.n_epochs  # the new points' loss jump is not a blow-up
            last = self.loss_view.marks.marks[-1] if self.loss_view.marks.marks else None
            if self.loss_view.n_epochs and not (last and last[1] == "data edited" and self._epoch - last[0] < 20):
                self.loss_view.add_mark(self._epoch, "data edited")  # one mark per stroke-burst
        if not keep_model:
            self._status("New data: the model starts again from epoch 0.")
        elif reset is not None and self._model_trains:  # nothing to say when nothing was training
            self._status(f"Model reset: {reset}, so the model starts again from epoch 0{self._learns(dataset)}.")

    @staticmethod
    def unshowable_reason(dataset) -> str | None:
        """Why the window cannot show and train on ``dataset``, or None."""
        if dataset.task == "classification" and dataset.n_classes > datasets.MAX_CLASSES:
            return (
                f"{dataset.name or 'this dataset'} has {dataset.n_classes} classes; "
                f"the app shows at most {datasets.MAX_CLASSES}"
            )
        columns = [(dataset.X, dataset.feature_names)]
        if dataset.task == "regression":
            columns.append((dataset.y.reshape(dataset.n_samples, -1), ("the target",) * dataset.n_targets))
        for values, names in columns:
            if values.size and np.abs(values).max() > MAX_MAGNITUDE:
                j = int(np.argmax(np.abs(values).max(axis=0)))
                largest = float(np.abs(values[:, j]).max())
                name = names[j] if names[j] == "the target" else f"column {names[j]!r}"
                return (f"{name} holds values as large as {largest:.3g}; the app draws and trains on values "
                        f"up to {MAX_MAGNITUDE:.0e} in size: rescale it")
        return None

    def _show_source(self, dataset) -> None:
        """Select the dataset's generator in the panel when it came from one."""
        if dataset.name in datasets.GENERATORS:
            self.dataset_panel.select_source("generator", dataset.name, emit=False)
        elif dataset.name in datasets.BUILTINS:
            self.dataset_panel.select_source("builtin", dataset.name, emit=False)

    # --- training commands ----------------------------------------------------------
    def play(self) -> None:
        self._leave_replay()
        self.banner.hide()
        self._raise_limit_if_reached()
        if self._last_stop in ("max_epochs", "early_stopping") and self.loss_view.n_epochs:
            self.loss_view.add_mark(self._epoch, "trained on")  # past where it had stopped
        self._last_stop = None
        self.controller.play()
        self.toolbar.set_running(True)

    def pause(self) -> None:
        self.controller.pause()
        self.toolbar.set_running(False)
        self.training_stopped.emit("paused")

    def toggle_play(self) -> None:
        if self.controller.is_running:
            self.pause()
        else:
            self.play()

    def step(self) -> None:
        """Train exactly one epoch (pausing first when playing)."""
        if self.controller.is_running:
            self.pause()
        self._leave_replay()
        self.banner.hide()
        self.controller.step()

    def reset(self) -> None:
        """New initial weights: the model's seed moves on by one."""
        seed = self.model_panel.next_seed()
        self._send_model()
        self.banner.hide()
        self._status("Model reset with new initial weights" + (f" (seed {seed})." if seed is not None else "."))

    def _send_model(self) -> None:
        """A new model (and input transform) for the worker, with the specs of
        the views that apply to it: they travel in one command, so no frame
        is ever computed by a view made for another model."""
        model = self.model_panel.build_model()
        self._live_values = model.get_params()
        self.presenter.set_model(model, notify=False)
        self._update_view_chrome()
        self._view_seq = self.controller.configure(model=model, transform=self.model_panel.build_transform(),
                                                   dtype=self.model_panel.dtype, specs=self.presenter.specs())

    def _apply_dataset(self, dataset, *, keep_model: bool, model=None, resume=None) -> str | None:
        """Show ``dataset`` and hand it to the worker. With ``keep_model``
        (Draw-mode edits) the model goes on training unless the data no
        longer fit it; returns why it was reset then (None: kept).
        ``model`` and ``resume`` (a session being opened): that model, and
        the ``Trainer.state_dict()`` it continues from, instead of a new one."""
        previous = self._trained
        self._dataset = dataset
        self.dataset_panel.set_current(dataset, edited=keep_model)
        dataset, shown = self._trained_data(dataset)  # what the model sees and the views show
        self._trained = dataset
        n_classes = dataset.n_classes if dataset.task == "classification" else None
        model_before = self.model_panel.model_class
        model_changed = self.model_panel.set_task(dataset.task, n_classes, dataset.n_features)
        reset = None
        if keep_model:
            reset = self._why_reset(previous, dataset)
            if model_changed:
                what = f"{n_classes} classes" if n_classes else dataset.task
                reset = (f"the model changed to {self.model_panel.model_class.LABEL.lower()} "
                         f"({model_before.LABEL.lower()} cannot learn {what})")
        # a time series validates on its end: no future leaking into training
        fields = {"X": dataset.X, "y": dataset.y, "keep_model": keep_model,
                  "split": "last" if dataset.time is not None else None}
        new_model = not keep_model or reset is not None
        if new_model:
            fields["model"] = self.model_panel.build_model() if model is None else model
            fields["transform"] = self.model_panel.build_transform()
            fields["dtype"] = self.model_panel.dtype
            fields["keep_model"] = False
            if resume is not None:
                fields["resume"] = resume
            self._live_values = fields["model"].get_params()
            self.presenter.set_model(fields["model"], notify=False)
        self.presenter.set_dataset(dataset, shown)
        self._update_view_chrome()
        fields["specs"] = self.presenter.specs()
        self._view_seq = self.controller.configure(**fields)
        if new_model:
            self._model_seq = self._view_seq
            self._model_labels = _labels(dataset)
        self.samples_label.setText(f"{dataset.n_samples:,} rows")
        self.dataset_changed.emit(self._dataset)
        return reset

    def _trained_data(self, dataset):
        """``(data, shown)``: what the model trains on and the views show, and
        the two features on the axes. With "train on these two features
        only" (data with more than two), the two shown columns alone: the
        picture is then the whole model, not a slice."""
        shown = self.dataset_panel.shown_features()
        if (not self.dataset_panel.two_features_check.isChecked() or dataset.n_features <= 2
                or dataset.time is not None):
            return dataset, shown
        names = dataset.feature_names
        two = dataclasses.replace(dataset, X=dataset.X[:, list(shown)], feature_names=(names[shown[0]], names[shown[1]]))
        return two, (0, 1)

    def _why_reset(self, previous, dataset) -> str | None:
        """Why the model training on ``previous`` cannot go on with the edited
        ``dataset`` (in words, for the status line), or None when it can:
        renaming a class or adding an empty one leaves it valid."""
        if previous is None or self._model_labels is None:
            return "new data"
        if previous.task != dataset.task:
            return f"the data changed from {previous.task} to {dataset.task}"
        if previous.n_features != dataset.n_features:
            return f"the data now have {dataset.n_features} features"
        if dataset.task == "regression":
            if previous.n_targets != dataset.n_targets:
                return f"the data now have {dataset.n_targets} targets"
            return None
        # Class codes keep their meaning when classes are renamed (same
        # count) or added or removed at the end; removing one in the middle
        # renumbers those after it.
        old, new = previous.class_names, dataset.class_names
        shared = min(len(old), len(new))
        if len(old) != len(new) and old[:shared] != new[:shared]:
            return "the classes were renumbered"
        unknown = sorted(_labels(dataset) - self._model_labels)
        if len(unknown) > 1:
            return " and ".join(f"“{new[code]}”" for code in unknown) + " have their first points"
        if unknown:
            some = "points" if np.count_nonzero(dataset.y == unknown[0]) > 1 else "point"
            return f"“{new[unknown[0]]}” has its first {some}"
        return None

    @staticmethod
    def _learns(dataset) -> str:
        """" to learn 3 classes": what the new model learns, for the status line."""
        n_classes = len(_labels(dataset))
        return f" to learn {n_classes} classes" if n_classes >= 2 else ""

    def _update_view_chrome(self) -> None:
        """Titles, notes and toggles for what is shown."""
        dataset = self._dataset
        title = f"{self.presenter.title()} — {dataset_title(dataset)}"
        self.view_title.setText(title)
        regression_2d = dataset.task == "regression" and dataset.time is None and dataset.n_features >= 2
        self.toolbar.surface3d_action.setVisible(regression_2d)
        self.toolbar.misclassified_action.setVisible(dataset.task == "classification" and dataset.time is None)
        self.toolbar.discrete_action.setVisible(dataset.task == "classification" and dataset.time is None)
        self.toolbar.validation_action.setVisible(dataset.time is None)
        if regression_2d and self.toolbar.surface3d_action.isChecked() and not self.presenter.uses_3d:
            self.view_note.setText(
                "The 3D view needs OpenGL, which is not available here: showing the heatmap instead."
            )
            self.view_note.show()
        else:
            self.view_note.hide()

    @Slot(int)
    def _on_side_tab_changed(self, index: int) -> None:
        """A tab that wants more of the right column (``View.tab_share``) gets
        it while it is chosen; the others give the loss curves back their part."""
        views_ = {view.widget: view for view in self.presenter.side_views("side")}
        view = views_.get(self.side_tabs.widget(index))
        if view is None:
            return
        share = view.tab_share or 0.45
        total = max(self.right_splitter.height(), 600)
        self.right_splitter.setSizes([round(total * (1 - share)), round(total * share)])

    @Slot(object)
    def _on_side_views_changed(self, views_: list) -> None:
        """Show the views that now apply: side views one tab each, status
        views in the strip above the loss curves."""
        layout = self._status_layout
        while layout.count():
            widget = layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.setParent(self.presenter.widget)  # still owned by Qt
        for view in views_:
            if view.slot == "status":
                layout.addWidget(view.widget)
        side_views = [view for view in views_ if view.slot == "side"]
        was_visible = self.secondary_box.isVisibleTo(self)
        tabs = self.side_tabs
        while tabs.count():
            tabs.removeTab(0)  # the widgets stay owned by their views
        for view in side_views:
            tabs.addTab(view.widget, view.title)
        if side_views and not was_visible:
            total = max(self.right_splitter.height(), 600)
            self.right_splitter.setSizes([total * 11 // 20, total * 9 // 20])
        self.secondary_box.setVisible(bool(side_views))

    # --- slots: toolbar --------------------------------------------------------------
    @Slot()
    def _on_play_triggered(self) -> None:
        self.toggle_play()

    @Slot(object)
    def _on_speed_changed(self, speed) -> None:
        self.controller.set_speed(speed)

    @Slot(bool)
    def _on_misclassified_toggled(self, on: bool) -> None:
        self.presenter.set_highlight_misclassified(on)  # the views' specs change: specs_changed

    @Slot(bool)
    def _on_discrete_toggled(self, on: bool) -> None:
        self.presenter.set_option("discrete", on)  # the surface's spec changes: specs_changed

    @Slot(bool)
    def _on_validation_toggled(self, on: bool) -> None:
        self.presenter.set_option("hide_validation", not on)

    @Slot(bool)
    def _on_surface3d_toggled(self, on: bool) -> None:
        self.presenter.set_3d(on)  # another data view: specs_changed
        self._update_view_chrome()

    # --- slots: panels -------------------------------------------------------------------
    @Slot(object)
    def _on_dataset_chosen(self, dataset) -> None:
        previous = self._dataset
        reason = self.unshowable_reason(dataset)
        if reason is None:
            try:
                self._apply_dataset(dataset, keep_model=False)
            except (ValueError, ArithmeticError) as error:  # a view or the model could not take it
                reason = str(error)
                self._apply_dataset(previous, keep_model=False)
        if reason is not None:
            self._show_source(previous)  # the current data stays
            self.dataset_panel.set_current(previous)
            self.error_box = show_error(self, "Cannot show this dataset", reason)
            return
        notes = " ".join(f"{note[:1].upper()}{note[1:]}." for note in dataset.notes)
        self._status(f"New data ({dataset_title(dataset)}): the model starts again from epoch 0. {notes}".strip())

    @Slot(int, int)
    def _on_features_chosen(self, first: int, second: int) -> None:
        if self._trained is not self._dataset:  # training on the shown two: two new ones, a new model
            self._apply_dataset(self._dataset, keep_model=False)
            self._status(f"Training on {self._trained.feature_names[0]} and {self._trained.feature_names[1]} "
                         f"only: the model starts again from epoch 0.")
            return
        self.presenter.set_dataset(self._dataset, (first, second))
        self._update_view_chrome()
        self._on_specs_changed()

    @Slot(bool)
    def _on_two_features_toggled(self, on: bool) -> None:
        if self._dataset is None or self._dataset.n_features <= 2:
            return
        self._apply_dataset(self._dataset, keep_model=False)
        if on:
            self._status(f"Training on {self._trained.feature_names[0]} and {self._trained.feature_names[1]} only: "
                         f"the picture is the whole model now. The model starts again from epoch 0.")
        else:
            self._status(f"Training on all {self._dataset.n_features} features: the picture is a slice. "
                         f"The model starts again from epoch 0.")

    @Slot()
    def _on_specs_changed(self) -> None:
        """The views want other frames (a pan or zoom of a locked frame,
        other shown features, a display option): frames made for the old
        specs are skipped from now on."""
        self._view_seq = self.controller.configure(specs=self.presenter.specs())

    @Slot(str)
    def _on_model_changed(self, reason: str) -> None:
        self._send_model()
        self.banner.hide()
        self._status(f"Model reset: {reason}.")

    @Slot(dict)
    def _on_live_params_changed(self, params: dict) -> None:
        self.controller.set_live_params(params)
        self.presenter.params_changed(params)
        changes = [f"{MARK_NAMES[name]} {self._live_values.get(name, '?'):g}→{value:g}"
                   for name, value in params.items() if name in MARK_NAMES and self._live_values.get(name) is not None]
        if changes and self.loss_view.n_epochs:
            self.loss_view.add_mark(self._epoch, ", ".join(changes))
        self._live_values.update(params)
        if "learning_rate" in params:
            self._history_since = self.loss_view.n_epochs  # judge the curves from here on
        text = ", ".join(f"{name.replace('_', ' ')} = {value:g}" for name, value in params.items())
        self._status(f"{text[:1].upper()}{text[1:]}: applied from the next epoch, training goes on.")

    # --- reports -----------------------------------------------------------------------------
    @Slot(object)
    def _on_report_received(self, report: Report) -> None:
        if self._closed:
            return
        if report.replay_epoch is not None:  # the timeline's earlier epoch: its frames only
            self._show_replay(report)
            return
        if report.generation != self._generation:
            self._generation = report.generation
            self._last_stop = None
            self._keep_ghost()
            self.loss_view.reset("accuracy" if self._dataset.task == "classification" else "R²")
            self._history_since = 0
            self.presenter.new_run()
            self._last_loss = math.nan
            self.training_reset.emit()
            self._on_new_run(report)
        # Outputs made before the views' last change belong to the old grid
        # or data: skip them (the next report brings matching ones).
        current = report.command_seq >= self._view_seq
        if report.classes is not None and report.command_seq >= self._model_seq:
            self._model_labels = frozenset(np.asarray(report.classes).tolist())
        self._model_trains = report.n_samples > 0
        if report.val_mask is not None:
            self._n_validation = int(np.count_nonzero(report.val_mask))
            self._pending_val_mask = report.val_mask
        if current and self._pending_val_mask is not None:
            self.presenter.set_val_mask(self._pending_val_mask)
            self._pending_val_mask = None
        if current and not report.n_samples:
            self.presenter.clear_frames()  # no model trains on these data: the last one's picture must go
        if report.epochs.size:
            # While Play runs, redraw the loss view at most every
            # LOSS_REDRAW_INTERVAL; a step, a pause or a stop shows at once.
            wait = LOSS_REDRAW_INTERVAL - (time.monotonic() - self._loss_drawn_at)
            redraw = not report.running or wait <= 0
            self.loss_view.append(report.epochs, report.loss, report.val_loss, report.score, report.val_score,
                                  redraw=redraw)
            if redraw:
                self._loss_drawn()
            elif not self._loss_timer.isActive():
                self._loss_timer.start(max(1, int(wait * 1000)))
            self._last_loss = float(report.loss[-1])
            now = time.monotonic()
            if report.stopped is not None or now - self._history_checked_at >= HISTORY_INTERVAL:
                self._history_checked_at = now
                history = {name: self.loss_view.data(name) for name in ("loss", "val_loss", "score")}
                self.presenter.history_changed(history, self._history_since)
        if current and self.timeline.viewing is None:  # (the timeline shows an earlier epoch)
            self.presenter.show_frames(report.frames, report.epoch, report.generation)
        self._epoch = report.epoch
        self._update_timeline(report)
        self.toolbar.set_epoch(report.epoch)
        self.toolbar.set_rate(report.epochs_per_second)
        self.toolbar.show_auto_rate(report.auto_rate)
        self._set_label(self.samples_label, self._rows_text(report))
        if report.stopped is not None:
            self._on_training_stopped(report)
        elif report.message:
            self._status(report.message)
        elif report.n_samples and self.banner.text().startswith(CANNOT_TRAIN):
            # The data became trainable (e.g. a second class drawn): the
            # notice that they were not is stale now.
            self.banner.hide()
        if report.n_samples and self.statusBar().currentMessage().startswith(CANNOT_TRAIN):
            self._status("Ready to train: press Play." if not report.running else "")
        self.toolbar.set_running(self.controller.is_running)
        self.frame_drawn.emit(report.epoch, self._last_loss)

    def _rows_text(self, report: Report) -> str:
        """"300 rows: training 240, validation 60" (the worker's split), or
        "... rows: not training" when the data cannot be trained."""
        if not report.n_samples:
            return f"{self._dataset.n_samples:,} rows: not training"
        n_validation = self._n_validation if self._n_validation < report.n_samples else 0
        split = f"validation {n_validation:,}" if n_validation else "no validation"
        return f"{report.n_samples:,} rows: training {report.n_samples - n_validation:,}, {split}"

    def _redraw_loss(self) -> None:
        if self.loss_view.stale:
            self.loss_view.redraw()
            self._loss_drawn()

    def _loss_drawn(self) -> None:
        self._loss_drawn_at = time.monotonic()
        self._loss_timer.stop()

    def _raise_limit_if_reached(self) -> None:
        """Play after training stopped at Max epochs trains another Max
        epochs: the field is raised to say so (1,000 -> 2,000), and the
        worker stops at what it says."""
        field = self.model_panel.form().fields.get("max_epochs")
        if field is None or self._last_stop != "max_epochs" or self._epoch < field.value():
            return
        limit = self._epoch + field.value()
        field.set_value(limit)
        self.controller.set_live_params({"max_epochs": limit})
        self._status(f"Max epochs raised to {limit:,}: training on from epoch {self._epoch:,}.")

    def _on_training_stopped(self, report: Report) -> None:
        message = report.message or f"Training stopped ({report.stopped})."
        self._last_stop = report.stopped
        if report.kept_epoch is not None:
            self.loss_view.add_mark(report.kept_epoch, f"kept epoch {report.kept_epoch}")
        if report.stopped == "error" and message.startswith(CANNOT_TRAIN):
            self.banner.show_message(message, kind="info")  # e.g. a canvas still being drawn
        elif report.stopped in ("diverged", "error"):
            self.banner.show_message(message + "  Change the settings and press Play to start again.")
        elif report.stopped == "max_epochs":
            field = self.model_panel.form().fields.get("max_epochs")
            more = f" {field.value():,} more epochs" if field is not None else " further"
            message += f"  Press Play to train{more}."
        # Why training stopped stays on the status line until something else happens.
        self.statusBar().showMessage(message)
        if not self.controller.is_running:
            self.training_stopped.emit(report.stopped)

    @staticmethod
    def _set_label(label: QLabel, text: str) -> None:
        if label.text() != text:  # an unchanged label costs no repaint
            label.setText(text)

    def _status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)

    # --- sessions ----------------------------------------------------------------------------------
    def _build_file_menu(self) -> None:
        """The File menu: open and save sessions, export the model or a
        Python script, copy the command that replays the run
        (``gui/session_actions.py``)."""
        from gui.session_actions import SessionActions

        self.session_actions = SessionActions(self)

    def restore_session(self, session) -> None:
        """Show the saved run ``session`` (a checked ``sessions.Session``) as
        it was, paused: its data (with the generator's options when it was
        generated), model, input features, view settings and, once the
        worker reports it, its loss curves; Play continues from its epoch
        with the very next epoch the saved run would have trained.
        ``ValueError`` (and nothing changes) for data the window cannot show."""
        dataset = session.dataset
        reason = self.unshowable_reason(dataset)
        if reason is not None:
            raise ValueError(reason)
        view = session.view
        self.controller.pause()
        self.toolbar.set_running(False)
        panel = self.dataset_panel
        recipe = session.recipe
        if recipe is not None and recipe["kind"] == "generator":
            panel.select_source("generator", recipe["name"], emit=False)
            panel.generator_options(recipe["name"]).set_values(recipe["options"])
        elif recipe is not None:
            panel.select_source("builtin", recipe["name"], emit=False)
        else:  # drawn or loaded points: the panel says so
            panel.select_source("custom", "", emit=False)
        panel.set_current(dataset)  # fills the axis choices for this data
        panel.x_combo.blockSignals(True)
        panel.y_combo.blockSignals(True)
        panel.two_features_check.blockSignals(True)
        panel.x_combo.setCurrentIndex(view["shown_features"][0])
        panel.y_combo.setCurrentIndex(view["shown_features"][1])
        panel.two_features_check.setChecked(view["two_features"])
        for widget in (panel.x_combo, panel.y_combo, panel.two_features_check):
            widget.blockSignals(False)
        trained = session.trained_data()
        n_classes = trained.n_classes if trained.task == "classification" else None
        self.model_panel.set_task(trained.task, n_classes, trained.n_features)
        self.model_panel.set_model(session.model, session.transform)
        network = getattr(session.model, "_network", None)  # a fitted model goes on in the precision it has
        if network is not None:
            self.model_panel.set_dtype(network.dtype.name)
        for action, option, on in ((self.toolbar.misclassified_action, "mistakes", view["mistakes"]),
                                   (self.toolbar.surface3d_action, "3d", view["surface3d"])):
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
            self.presenter.set_option(option, on)
        self.loss_view.set_log_scale(view["log_scale"])
        self.toolbar.set_speed(view["speed"])  # the worker hears it (speed_changed)
        model = session.model if session.trainer is not None else None
        self._apply_dataset(dataset, keep_model=False, model=model, resume=session.trainer)
        self._restoring = (self._model_seq, session)

    def _keep_ghost(self) -> None:
        """A new run starts: the one shown stays as faint ghost curves,
        labelled with what changed ("lr 0.01 → 0.1"); after a change of task
        (other loss, other score) the ghosts go."""
        from gui.compare import describe_change, run_settings

        panel = self.model_panel
        settings = run_settings(panel.model_class.LABEL, panel.params(), panel.build_transform(), self._trained)
        previous, self._run_settings = self._run_settings, settings
        if previous is None:
            return
        if self._rewinding is not None:
            return  # the later epochs become a ghost in _on_new_run, with the history up to the restart
        if previous["task"] != settings["task"]:
            self.loss_view.clear_ghosts()
        elif self._restoring is None:  # an opened session is another run, not a change of this one
            self.loss_view.keep_as_ghost(describe_change(previous, settings))

    def _on_new_run(self, report: Report) -> None:
        """A new generation has reported: an opened session's curves, or
        after a restart from an earlier epoch the curves up to it (the later
        ones stay as a ghost); the timeline back at the newest epoch."""
        self._leave_replay(tell_worker=False)
        if self._restoring is not None and report.command_seq >= self._restoring[0]:
            self._show_restored_curves(self._restoring[1])
        if self._rewinding is not None and report.command_seq >= self._rewinding[0]:
            self._rewinding = None
            history, marks = self._rewound_history
            self._rewound_history = None
            self.loss_view.restore_history(history, marks)
            self._history_since = self.loss_view.n_epochs

    # --- replaying earlier epochs (the timeline) ------------------------------------------------
    def _build_timeline(self) -> None:
        """The replay slider under the views (``gui/timeline.py``)."""
        from gui.timeline import Timeline

        self.timeline = Timeline()
        self.data_view_container.layout().addWidget(self.timeline)
        self.timeline.epoch_chosen.connect(self._on_timeline_epoch_chosen)
        self.timeline.latest_requested.connect(self._on_timeline_latest)
        self.timeline.restart_requested.connect(self._on_timeline_restart)
        self._rewound_history = None

    def _update_timeline(self, report: Report) -> None:
        if report.timeline is not None:
            self.timeline.set_epochs(report.timeline, report.epoch)
        else:
            self.timeline.set_latest(report.epoch)

    @Slot(int)
    def _on_timeline_epoch_chosen(self, epoch: int) -> None:
        """Show the model of a recorded epoch: training pauses, every view
        gets that epoch's frame, the loss curves a cursor there."""
        if self.controller.is_running:
            self.pause()
        self.controller.replay(epoch)
        self.loss_view.set_cursor(epoch)
        self._status(f"Showing epoch {epoch:,}. Latest (or Play) goes back to epoch {self._epoch:,}; "
                     f"Restart here trains on from epoch {epoch:,}.")

    @Slot()
    def _on_timeline_latest(self) -> None:
        self.controller.replay(None)
        self.loss_view.set_cursor(None)

    @Slot(int)
    def _on_timeline_restart(self, epoch: int) -> None:
        """Train on from a recorded epoch; the epochs after it stay as a ghost."""
        self.loss_view.set_cursor(None)
        self.loss_view.keep_as_ghost(f"before going back to epoch {epoch:,}")
        self._rewound_history = self.loss_view.truncated_history(epoch)
        self._rewinding = (self.controller.rewind(epoch), epoch)

    def _leave_replay(self, tell_worker: bool = True) -> None:
        """Back to the newest epoch (Play, Step, a new run)."""
        if self.timeline.viewing is not None:
            self.timeline.show_latest()
            if tell_worker:
                self.controller.replay(None)
        self.loss_view.set_cursor(None)

    def _show_replay(self, report: Report) -> None:
        """A replay report: the frames of the earlier epoch the timeline shows."""
        if self.timeline.viewing is not None and report.command_seq >= self._view_seq:
            self.presenter.show_frames(report.frames, report.replay_epoch, report.generation)

    def _show_restored_curves(self, session) -> None:
        """The opened session's run has reported: show its curves, marks and
        why it had stopped."""
        self._restoring = None
        self.loss_view.clear_ghosts()
        if session.history is not None and session.trainer is not None:
            self.loss_view.restore_history(session.history, session.view["marks"])
        self._last_stop = session.stop_reason
        self._history_since = self.loss_view.n_epochs

    # --- closing ----------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the training thread and wait for it (idempotent)."""
        self._closed = True
        self._loss_timer.stop()
        self.dataset_panel.shutdown()
        self.controller.stop()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)


def _labels(dataset) -> frozenset:
    """The class codes that have samples (empty for regression). A count
    per code, not a sort: this runs on every announced stroke of a drawing."""
    if dataset.task != "classification":
        return frozenset()
    return frozenset(np.flatnonzero(np.bincount(dataset.y, minlength=dataset.n_classes)).tolist())


__all__ = ["MainWindow", "default_run"]
