"""The class list of Draw mode: one row per class with its palette colour,
number key, name (double-click or Rename to edit) and point count; Add (up to
8 classes) and Remove; the selected row is the class new points get.

A view of a :class:`DrawController`: it edits through the controller and
follows it (current class, classes, counts) through its signals.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.views.colors import PALETTE

from .controller import MAX_CLASSES, DrawController
from .icons import swatch_icon

KEY_COLUMN, NAME_COLUMN, COUNT_COLUMN = range(3)


class ClassListWidget(QWidget):
    """Classes of the drawn dataset, bound to ``controller``.

    Attributes
    ----------
    tree : QTreeWidget
        Row ``c`` is class code ``c``.
    add_button, remove_button, rename_button : QPushButton
    hint_label : QLabel
        Shown instead of the list for regression datasets.
    """

    def __init__(self, controller: DrawController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller

        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Key", "Class", "Points"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setEditTriggers(QTreeWidget.EditTrigger.NoEditTriggers)  # only the name, see below
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(KEY_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COUNT_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        # A pale highlight: the default blue one swallows the blue class-0 swatch.
        palette = self.tree.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Highlight, QColor(222, 228, 238))
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(20, 20, 20))
        self.tree.setPalette(palette)
        self.tree.setToolTip("Pick the class new points get (keys 1-8).\nDouble-click a name to rename it.")

        self.add_button = QPushButton("Add")
        self.add_button.setToolTip(f"Add a class (at most {MAX_CLASSES})")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected class and its points (undoable)")
        self.rename_button = QPushButton("Rename")
        self.rename_button.setToolTip("Rename the selected class")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_button, self.remove_button, self.rename_button):
            buttons.addWidget(button)

        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet("color: #555;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        layout.addWidget(self.hint_label)

        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.rename_button.clicked.connect(self._on_rename_clicked)
        self.tree.currentItemChanged.connect(self._on_current_item_changed)
        self.tree.itemDoubleClicked.connect(self._on_item_double_clicked)
        self.tree.itemChanged.connect(self._on_item_changed)
        controller.classes_changed.connect(self._rebuild)
        controller.current_class_changed.connect(self._on_current_class_changed)
        controller.dataset_edited.connect(self._update_counts)
        controller.dataset_replaced.connect(self._rebuild)
        self._rebuild()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        # Narrow, and no taller than eight classes need: it sits in the
        # window's side panel above the data and model settings.
        return QSize(210, 220)

    # --------------------------------------------------------------- reading
    def class_names(self) -> list[str]:
        return [self.tree.topLevelItem(row).text(NAME_COLUMN) for row in range(self.tree.topLevelItemCount())]

    # --------------------------------------------------------------- following
    def _rebuild(self, *_args) -> None:
        dataset = self.controller.dataset
        classification = dataset.task == "classification"
        with QSignalBlocker(self.tree):
            self.tree.clear()
            for code, name in enumerate(dataset.class_names if classification else ()):
                item = QTreeWidgetItem()
                item.setText(KEY_COLUMN, str(code + 1) if code < MAX_CLASSES else "")
                item.setTextAlignment(KEY_COLUMN, Qt.AlignmentFlag.AlignCenter)
                item.setIcon(NAME_COLUMN, swatch_icon(PALETTE[code % len(PALETTE)]))
                item.setText(NAME_COLUMN, name)
                item.setTextAlignment(COUNT_COLUMN, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                self.tree.addTopLevelItem(item)
            current = self.tree.topLevelItem(self.controller.current_class)
            if current is not None:
                self.tree.setCurrentItem(current)
        self._mark_current()
        self._update_counts()
        self.tree.setVisible(classification)
        for button in (self.add_button, self.remove_button, self.rename_button):
            button.setVisible(classification)
        self.add_button.setEnabled(classification and dataset.n_classes < MAX_CLASSES)
        self.remove_button.setEnabled(classification and dataset.n_classes > 1)
        if classification:
            self.hint_label.setText(
                "Left button: the selected class. Right button or Shift: the "
                + ("other class." if dataset.n_classes == 2 else "previously picked class.")
            )
        elif dataset.n_features == 1:
            self.hint_label.setText("Regression: a click puts a point at (x, y) = (feature, target).")
        else:
            self.hint_label.setText("Regression: drawn points get the Target value from the toolbar.")

    def _update_counts(self, *_args) -> None:
        dataset = self.controller.dataset
        if dataset.task != "classification" or self.tree.topLevelItemCount() != dataset.n_classes:
            return
        counts = np.bincount(dataset.y, minlength=dataset.n_classes)
        with QSignalBlocker(self.tree):
            for code, count in enumerate(counts):
                self.tree.topLevelItem(code).setText(COUNT_COLUMN, str(int(count)))

    def _on_current_class_changed(self, code: int) -> None:
        item = self.tree.topLevelItem(code)
        if item is not None and item is not self.tree.currentItem():
            with QSignalBlocker(self.tree):
                self.tree.setCurrentItem(item)
        self._mark_current()

    def _mark_current(self) -> None:
        """The current class's row in bold (also when the list has no focus)."""
        with QSignalBlocker(self.tree):
            for code in range(self.tree.topLevelItemCount()):
                item = self.tree.topLevelItem(code)
                font = item.font(NAME_COLUMN)
                font.setBold(code == self.controller.current_class)
                for column in range(3):
                    item.setFont(column, font)

    # ----------------------------------------------------------------- editing
    def _on_current_item_changed(self, current, _previous) -> None:
        if current is not None:
            self.controller.set_current_class(self.tree.indexOfTopLevelItem(current))

    def _on_item_double_clicked(self, item, _column) -> None:
        self.tree.editItem(item, NAME_COLUMN)

    def _on_item_changed(self, item, column) -> None:
        if column != NAME_COLUMN:
            return
        code = self.tree.indexOfTopLevelItem(item)
        name = item.text(NAME_COLUMN).strip()
        names = self.controller.dataset.class_names
        if not name or (name in names and names.index(name) != code):
            # Empty or duplicate: put the old name back.
            with QSignalBlocker(self.tree):
                item.setText(NAME_COLUMN, names[code])
            return
        self.controller.rename_class(code, name)

    def _on_add_clicked(self) -> None:
        if self.controller.dataset.n_classes < MAX_CLASSES:
            self.controller.add_class()

    def _on_remove_clicked(self) -> None:
        if self.controller.dataset.n_classes > 1:
            self.controller.remove_class(self.controller.current_class)

    def _on_rename_clicked(self) -> None:
        item = self.tree.topLevelItem(self.controller.current_class)
        if item is not None:
            self.tree.setFocus()
            self.tree.editItem(item, NAME_COLUMN)
