"""The dialog shown after picking a CSV file: which column is the target, and
whether it holds class labels or numbers to predict."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

#: task combo entries: label shown, value passed to datasets.load_csv
TASKS = (
    ("Automatic (text or few integers → classes)", None),
    ("Classification", "classification"),
    ("Regression", "regression"),
)


class CsvImportDialog(QDialog):
    """Pick the target column (default: the last) and the task of a CSV file
    whose header names ``columns``."""

    def __init__(self, path: str, columns: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Load CSV")
        layout = QFormLayout(self)
        layout.addRow("File", QLabel(Path(path).name))
        self.target_combo = QComboBox()
        self.target_combo.addItems(list(columns))
        self.target_combo.setCurrentIndex(len(columns) - 1)
        self.target_combo.setToolTip("The column the model learns to predict; every other column is a feature.")
        layout.addRow("Target column", self.target_combo)
        self.task_combo = QComboBox()
        for label, _value in TASKS:
            self.task_combo.addItem(label)
        self.task_combo.setToolTip(
            "Automatic: a target of text, or of at most 10 distinct integers, is a class label; "
            "other numbers are a regression target."
        )
        layout.addRow("Task", self.task_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    def target(self) -> str:
        return self.target_combo.currentText()

    def task(self) -> str | None:
        return TASKS[self.task_combo.currentIndex()][1]

    @classmethod
    def ask(cls, parent: QWidget, path: str, columns: tuple[str, ...]) -> tuple[str, str | None] | None:
        """``(target, task)`` chosen by the person, or None if they cancelled."""
        dialog = cls(path, columns, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.target(), dialog.task()
