"""The Draw toolbar: tool buttons, brush radius and density, undo/redo,
selection actions, Clear, and the canvas file actions (new empty canvas,
Save CSV…, Load CSV…).

It is a thin view of a :class:`DrawController`: buttons call the controller,
and the controller's signals keep the buttons in step (a signal blocker stops
the feedback loop when the controller changes a value the toolbar shows).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QSpinBox,
    QToolBar,
    QWidget,
)

import datasets
from datasets import Dataset
from gui.panels.csv_loader import CsvLoader, CsvLoadProgress
from gui.panels.messages import plain_label, show_error

from . import icons
from .controller import MAX_CLASSES, DrawController, Tool, drawable_reason

TOOL_INFO = {
    # tool: (text, tooltip, icon factory)
    Tool.PUT: ("Put", "Put: click to add one point of the current class\n"
               "(right-click or Shift+click: the other class).\n"
               "In a 1-feature regression a click adds the point (x, y).", icons.put_icon),
    Tool.BRUSH: ("Brush", "Brush: press and drag to spray points around the cursor\n"
                 "(right-click or Shift+drag: the other class). One stroke is one undo step.",
                 icons.brush_icon),
    Tool.ERASE: ("Erase", "Erase: click or drag to remove the points under the circle.", icons.erase_icon),
    Tool.MOVE: ("Move", "Move: drag a point, or drag a selected point to move the whole selection.",
                icons.move_icon),
    Tool.SELECT: ("Select", "Select: drag a rectangle (Shift: add to the selection), then\n"
                  "Delete/Backspace deletes and Relabel gives the points the current class.",
                  icons.select_icon),
}

CSV_FILTER = "CSV files (*.csv *.tsv *.txt);;All files (*)"


def new_canvas_dataset() -> Dataset:
    """The blank canvas: no points, two classes, features x1 and x2."""
    return Dataset.empty("classification", n_features=2, name="drawn")


class DrawToolbar(QToolBar):
    """Tools and actions of Draw mode, bound to ``controller``.

    Attributes
    ----------
    tool_actions : dict[Tool, QAction]
        Checkable, mutually exclusive.
    radius_spin, density_spin, target_spin
        Brush/eraser radius (pixels), points per brush dab, and the target
        value of drawn points in a 2-feature regression (shown only then).
    undo_action, redo_action, relabel_action, delete_action, clear_action,
    new_action, save_action, load_action : QAction
    error_box : QMessageBox or None
        The last error dialog (non-blocking, plain text), e.g. a bad CSV file.
    csv_loader : CsvLoader
        Loads files off the GUI thread (progress bar and Cancel in the toolbar).
    dataset_check : callable(Dataset) -> str or None
        Why a loaded dataset cannot be used (Draw mode sets it to the
        window's), checked before it replaces the drawn points.

    Signals
    -------
    load_finished(bool)
        A Load CSV ended: True when its points replaced the data, False when
        it failed or was cancelled (the data stayed).
    """

    load_finished = Signal(bool)

    def __init__(self, controller: DrawController, parent: QWidget | None = None):
        super().__init__("Draw tools", parent)
        self.setObjectName("draw_toolbar")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setMovable(False)
        self.controller = controller
        self.error_box: QMessageBox | None = None
        self._last_dir = str(Path.home())

        self._tool_group = QActionGroup(self)
        self._tool_group.setExclusive(True)
        self.tool_actions: dict[Tool, QAction] = {}
        for tool, (text, tip, make_icon) in TOOL_INFO.items():
            action = QAction(make_icon(), text, self)
            action.setCheckable(True)
            action.setToolTip(tip)
            action.setData(tool.value)
            self._tool_group.addAction(action)
            self.addAction(action)
            self.tool_actions[tool] = action
        self.tool_actions[controller.tool].setChecked(True)
        self._tool_group.triggered.connect(self._on_tool_triggered)

        self.addSeparator()
        self.radius_label = QLabel(" Radius ")
        self.addWidget(self.radius_label)
        self.radius_spin = QSpinBox()
        self.radius_spin.setRange(4, 200)
        self.radius_spin.setSuffix(" px")
        self.radius_spin.setValue(round(controller.radius))
        self.radius_spin.setToolTip("Radius of the brush and the eraser, in screen pixels.")
        self.radius_spin.valueChanged.connect(self._on_radius_changed)
        self.addWidget(self.radius_spin)
        self.density_label = QLabel(" Density ")
        self.addWidget(self.density_label)
        self.density_spin = QSpinBox()
        self.density_spin.setRange(1, 50)
        self.density_spin.setValue(controller.density)
        self.density_spin.setToolTip(
            "Points the brush sprays each time it moves half a radius\n(and when pressed)."
        )
        self.density_spin.valueChanged.connect(self._on_density_changed)
        self.addWidget(self.density_spin)
        self.target_label = QLabel(" Target ")
        self.target_spin = QDoubleSpinBox()
        self.target_spin.setRange(-1e6, 1e6)
        self.target_spin.setDecimals(2)
        self.target_spin.setSingleStep(0.1)
        self.target_spin.setValue(controller.target_value)
        self.target_spin.setToolTip(
            "Target value of the points drawn in a 2-feature regression\n(right-click: its negative)."
        )
        self.target_spin.valueChanged.connect(self._on_target_changed)
        self._target_label_action = self.addWidget(self.target_label)
        self.target_action = self.addWidget(self.target_spin)

        self.addSeparator()
        self.undo_action = self._action("Undo", "Undo the last edit (Ctrl+Z)", controller.undo)
        self.redo_action = self._action("Redo", "Redo (Ctrl+Shift+Z)", controller.redo)
        self.addSeparator()
        self.relabel_action = self._action(
            "Relabel", "Give the selected points the current class", controller.relabel_selection
        )
        self.delete_action = self._action(
            "Delete", "Delete the selected points (Delete / Backspace)", controller.delete_selection
        )
        self.clear_action = self._action("Clear", "Remove every point (undoable)", controller.clear)
        self.addSeparator()
        self.new_action = self._action(
            "New canvas", "Start from an empty canvas with 2 classes (undoable)", self.new_canvas
        )
        self.save_action = self._action("Save CSV…", "Save the points to a CSV file", self.save_csv)
        self.load_action = self._action(
            "Load CSV…", "Load points from a CSV file (the last column is the target)", self.load_csv
        )
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        for action in (self.undo_action, self.redo_action):
            # The window-wide shortcuts are DrawMode's; these only show in tooltips/menus.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

        self.load_progress = CsvLoadProgress()
        self._load_progress_action = self.addWidget(self.load_progress)
        self._load_progress_action.setVisible(False)
        self.dataset_check = self._too_many_classes
        self.csv_loader = CsvLoader(self, self.load_progress, check=self._check_loaded,
                                    error_title="Could not load the CSV file")
        self.csv_loader.loaded.connect(self._on_csv_loaded)
        self.csv_loader.failed.connect(self._on_csv_not_loaded)
        self.csv_loader.cancelled.connect(self._on_csv_not_loaded)
        self.csv_loader.busy_changed.connect(self._on_loading_changed)

        self.message_label = plain_label(QLabel())
        self.message_label.setStyleSheet("color: #a04000; padding-left: 8px;")
        self.message_label.setWordWrap(False)
        self._message_action = self.addWidget(self.message_label)

        controller.tool_changed.connect(self._on_tool_changed)
        controller.radius_changed.connect(self._on_controller_radius_changed)
        controller.density_changed.connect(self._on_controller_density_changed)
        controller.history_changed.connect(self._on_history_changed)
        controller.selection_changed.connect(self._on_selection_changed)
        controller.classes_changed.connect(self._on_classes_changed)
        controller.drawable_changed.connect(self._on_drawable_changed)
        controller.dataset_edited.connect(self._on_history_changed)
        self._on_history_changed()
        self._on_selection_changed(len(controller.selection))
        self._on_classes_changed()

    def _action(self, text: str, tip: str, slot) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        # triggered(bool) would pass `checked` as the slot's first argument.
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    # ------------------------------------------------------------ file actions
    def new_canvas(self) -> None:
        """Replace the data by an empty 2-class canvas (undoable)."""
        self.controller.replace_dataset(new_canvas_dataset())

    def save_csv(self, path: str | None = None) -> bool:
        """Write the current points with ``datasets.save_csv``; asks for a path
        when none is given. False (and an error dialog) on failure."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "Save drawn dataset", str(Path(self._last_dir) / "drawn.csv"), CSV_FILTER
            )
            if not path:
                return False
        try:
            datasets.save_csv(self.controller.dataset, path)
        except (OSError, ValueError) as error:
            self._show_error("Could not save the CSV file", f"{path}\n\n{error}")
            return False
        self._last_dir = str(Path(path).parent)
        return True

    def load_csv(self, path: str | None = None, **options) -> bool:
        """Load points from a CSV file and start from them (undoable).

        Without ``path``: ask for a file, then show the import dialog. With
        ``path``: load it with ``options`` (as for ``datasets.load_csv``,
        default the last column as target). Either way the file is read off
        the GUI thread; ``load_finished`` tells how it ended. A bad file, or
        data the window cannot show (e.g. more classes than colours), shows
        an error box and keeps the current data. Returns whether a load
        started.
        """
        ask = path is None
        if ask:
            path, _ = QFileDialog.getOpenFileName(self, "Load dataset", self._last_dir, CSV_FILTER)
            if not path:
                return False
        self._last_dir = str(Path(path).parent)
        self.csv_loader.start(path, ask=ask, **options)
        return True

    @staticmethod
    def _too_many_classes(dataset: Dataset) -> str | None:
        if dataset.task == "classification" and dataset.n_classes > MAX_CLASSES:
            return f"{dataset.n_classes} classes; Draw mode and the views show at most {MAX_CLASSES}"
        return None

    def _check_loaded(self, dataset: Dataset) -> str | None:
        return self.dataset_check(dataset) if self.dataset_check is not None else None

    def _on_csv_loaded(self, dataset: Dataset) -> None:
        self.controller.replace_dataset(dataset)
        self.load_finished.emit(True)

    def _on_csv_not_loaded(self, *_args) -> None:
        self.error_box = self.csv_loader.error_box
        self.load_finished.emit(False)

    def _on_loading_changed(self, busy: bool) -> None:
        self._load_progress_action.setVisible(busy)
        self.load_action.setEnabled(not busy)

    def _show_error(self, title: str, text: str) -> None:
        if self.error_box is not None:
            self.error_box.close()
        self.error_box = show_error(self.window(), title, text)

    # -------------------------------------------------------------- slots
    def _on_tool_triggered(self, action: QAction) -> None:
        self.controller.set_tool(Tool(action.data()))

    def _on_tool_changed(self, tool: Tool) -> None:
        self.tool_actions[tool].setChecked(True)
        self._update_enabled()

    def _on_radius_changed(self, value: int) -> None:
        self.controller.set_radius(value)

    def _on_controller_radius_changed(self, value: float) -> None:
        with QSignalBlocker(self.radius_spin):
            self.radius_spin.setValue(round(value))

    def _on_density_changed(self, value: int) -> None:
        self.controller.set_density(value)

    def _on_controller_density_changed(self, value: int) -> None:
        with QSignalBlocker(self.density_spin):
            self.density_spin.setValue(value)

    def _on_target_changed(self, value: float) -> None:
        self.controller.target_value = value

    def _on_history_changed(self, *_args) -> None:
        self.undo_action.setEnabled(self.controller.editor.can_undo)
        self.redo_action.setEnabled(self.controller.editor.can_redo)
        self.clear_action.setEnabled(self.controller.dataset.n_samples > 0)

    def _on_selection_changed(self, count: int) -> None:
        classification = self.controller.dataset.task == "classification"
        self.delete_action.setEnabled(count > 0)
        self.relabel_action.setEnabled(count > 0 and classification)
        suffix = f" ({count})" if count else ""
        self.delete_action.setText(f"Delete{suffix}")

    def _on_classes_changed(self) -> None:
        dataset = self.controller.dataset
        two_feature_regression = dataset.task == "regression" and dataset.n_features == 2
        self._target_label_action.setVisible(two_feature_regression)
        self.target_action.setVisible(two_feature_regression)
        self.relabel_action.setVisible(dataset.task == "classification")
        self._on_selection_changed(len(self.controller.selection))
        self._on_drawable_changed(drawable_reason(dataset) is None, drawable_reason(dataset) or "")

    def _on_drawable_changed(self, drawable: bool, reason: str) -> None:
        self.set_message("" if drawable else reason)

    def set_message(self, text: str) -> None:
        """Say why the tools cannot draw now (and disable them), or clear it."""
        self.message_label.setText(text)
        self._message_action.setVisible(bool(text))
        self._update_enabled()

    def _update_enabled(self) -> None:
        drawable = self.controller.drawable and not self.message_label.text()
        for action in self.tool_actions.values():
            action.setEnabled(drawable)
        brush_like = self.controller.tool in (Tool.BRUSH, Tool.ERASE)
        self.radius_spin.setEnabled(drawable and brush_like)
        self.density_spin.setEnabled(drawable and self.controller.tool == Tool.BRUSH)
