"""The Load CSV dialog: a preview of the file with a role per column
(feature, target, ignore), the choices for missing values, text columns and
the task, and, before anything is loaded, how many rows and features these
choices give, or every problem that stops them.

It works on a :class:`datasets.CSVTable` the loader has already read off the
GUI thread; every change of a choice asks ``table.plan(...)`` again, which
counts without building arrays (milliseconds even for a million rows).
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from datasets.csv_reader import describe_delimiter
from datasets.csv_table import MAX_ONEHOT
from gui.panels.messages import plain_label

ROLES = ("Feature", "Target", "Ignore")
#: task combo entries: label shown, value passed to datasets.load_csv
TASKS = (
    ("Automatic (text or few integers → classes)", None),
    ("Classification", "classification"),
    ("Regression", "regression"),
)
MISSING = (
    ("Drop the rows that have one (missing='drop')", "drop"),
    ("Refuse the file and list them (missing='error')", "error"),
)
TEXT = (
    ("One 0/1 feature per value (text='onehot')", "onehot"),
    ("Leave text columns out (text='ignore')", "ignore"),
    ("Refuse the file and list them (text='error')", "error"),
)
#: data rows shown in the preview table
PREVIEW_ROWS = 20
_ROLE_ROW, _KIND_ROW = 0, 1
_PROBLEM_COLOUR = "#b3261e"


def default_role(column) -> str:
    """Feature, or Ignore for a column that is no feature as it is (dates,
    row numbers, empty, text with too many values to turn into features)."""
    if column.kind in ("date", "index", "empty"):
        return "Ignore"
    if column.kind == "text" and (column.n_distinct is None or column.n_distinct > MAX_ONEHOT):
        return "Ignore"
    return "Feature"


class CsvImportDialog(QDialog):
    """Choose how to load ``table`` (a ``datasets.CSVTable``).

    Attributes: ``preview`` (the table widget; row 0 holds a role combo per
    column, row 1 what the column holds), ``task_combo``, ``missing_combo``,
    ``text_combo``, ``summary_label``, ``notes_label``, ``problems_view``,
    ``ok_button``. :meth:`choices` gives the keyword arguments for
    ``table.to_dataset`` / ``datasets.load_csv``.
    """

    def __init__(self, table, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = table
        self.setWindowTitle(f"Load CSV — {table.name}")
        self.resize(820, 560)
        layout = QVBoxLayout(self)

        described = (f"{table.n_rows:,} rows · {len(table.columns)} columns · "
                     f"{describe_delimiter(table.delimiter)}")
        self.file_label = plain_label(QLabel(f"{table.path}\n{described}"))
        self.file_label.setWordWrap(True)
        layout.addWidget(self.file_label)

        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._role_combos: list[QComboBox] = []
        self._fill_preview()
        layout.addWidget(self.preview, 1)

        form = QFormLayout()
        self.task_combo = self._combo(TASKS, "Automatic: a target of text, or of at most 10 distinct integers, "
                                             "is a class label; other numbers are a regression target.")
        self.missing_combo = self._combo(MISSING, "A missing cell (empty, NA, nan, ?, ...) in a column used.")
        self.text_combo = self._combo(TEXT, f"A feature column holding text: with at most {MAX_ONEHOT} distinct "
                                            f"values it can become one 0/1 feature per value.")
        form.addRow("Task", self.task_combo)
        form.addRow("Missing values", self.missing_combo)
        form.addRow("Text columns", self.text_combo)
        layout.addLayout(form)

        self.summary_label = plain_label(QLabel())
        self.summary_label.setWordWrap(True)
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        layout.addWidget(self.summary_label)
        self.notes_label = plain_label(QLabel())
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: palette(dark);")
        layout.addWidget(self.notes_label)
        self.problems_view = QPlainTextEdit()
        self.problems_view.setReadOnly(True)
        self.problems_view.setStyleSheet(f"color: {_PROBLEM_COLOUR};")
        self.problems_view.setMaximumHeight(130)
        layout.addWidget(self.problems_view)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Load")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for combo in (self.task_combo, self.missing_combo, self.text_combo):
            combo.currentIndexChanged.connect(self._on_choice_changed)
        self.plan = None
        self._on_choice_changed()

    # ------------------------------------------------------------ building

    def _combo(self, entries, tooltip: str) -> QComboBox:
        combo = QComboBox()
        for label, _value in entries:
            combo.addItem(label)
        combo.setToolTip(tooltip)
        return combo

    def _fill_preview(self) -> None:
        table = self.table
        columns = table.columns
        rows = table.preview[:PREVIEW_ROWS]
        self.preview.setColumnCount(len(columns))
        self.preview.setRowCount(2 + len(rows))
        self.preview.setHorizontalHeaderLabels([column.name for column in columns])
        self.preview.setVerticalHeaderLabels(["Role", "Holds", *map(str, table.preview_lines[:PREVIEW_ROWS])])
        self.preview.verticalHeaderItem(0).setToolTip("What each column is for.")
        self.preview.verticalHeaderItem(1).setToolTip("What the column holds, over the whole file.")
        target = len(columns) - 1
        for j, column in enumerate(columns):
            combo = QComboBox()
            combo.addItems(ROLES)
            combo.setCurrentText("Target" if j == target else default_role(column))
            combo.setToolTip(f"Role of the column {column.name!r}")
            combo.currentTextChanged.connect(self._on_role_changed)
            self.preview.setCellWidget(_ROLE_ROW, j, combo)
            self._role_combos.append(combo)
            kind = QTableWidgetItem(column.describe())
            kind.setForeground(QColor("#5f6368"))
            self.preview.setItem(_KIND_ROW, j, kind)
            for i, row in enumerate(rows):
                # QTableWidgetItem shows text as plain text: a cell cannot inject HTML here
                self.preview.setItem(2 + i, j, QTableWidgetItem(row[j] if j < len(row) else ""))
        self.preview.resizeColumnsToContents()

    # ------------------------------------------------------------ choices

    def role(self, name: str) -> str:
        return self._role_combos[self.table.column_names.index(name)].currentText()

    def set_role(self, name: str, role: str) -> None:
        """Give the column ``name`` a role, as the person would with its combo."""
        self._role_combos[self.table.column_names.index(name)].setCurrentText(role)

    def set_choice(self, missing: str | None = None, text: str | None = None, task="keep") -> None:
        """Pick the choices by their ``load_csv`` values, as the person would."""
        if missing is not None:
            self.missing_combo.setCurrentIndex([value for _, value in MISSING].index(missing))
        if text is not None:
            self.text_combo.setCurrentIndex([value for _, value in TEXT].index(text))
        if task != "keep":
            self.task_combo.setCurrentIndex([value for _, value in TASKS].index(task))

    def choices(self) -> dict:
        """Keyword arguments for ``table.to_dataset`` and ``datasets.load_csv``."""
        names = self.table.column_names
        targets = [name for name, combo in zip(names, self._role_combos) if combo.currentText() == "Target"]
        return {
            "target": targets[0] if targets else None,
            "task": TASKS[self.task_combo.currentIndex()][1],
            "features": [name for name, combo in zip(names, self._role_combos) if combo.currentText() == "Feature"],
            "missing": MISSING[self.missing_combo.currentIndex()][1],
            "text": TEXT[self.text_combo.currentIndex()][1],
        }

    def _on_role_changed(self, role: str) -> None:
        if role == "Target":
            # one target: the column that was the target before becomes what it would be by default
            changed = self.sender()
            for combo, column in zip(self._role_combos, self.table.columns):
                if combo is not changed and combo.currentText() == "Target":
                    combo.blockSignals(True)
                    combo.setCurrentText(default_role(column))
                    combo.blockSignals(False)
        self._on_choice_changed()

    def _on_choice_changed(self, *_args) -> None:
        choices = self.choices()
        problems = []
        if choices["target"] is None:
            problems.append("Pick a target column: give one column the role Target.")
        if not choices["features"]:
            problems.append("Pick at least one feature column: give a column the role Feature.")
        if problems:
            self.plan = None
            self._show(None, problems, ())
            return
        self.plan = self.table.plan(**choices)
        shown = [f"line {line}: {text}" if line is not None else text for line, text in self.plan.problems]
        self._show(self.plan, shown, self.plan.notes)

    def _show(self, plan, problems: list[str], notes) -> None:
        if plan is not None and not problems:
            dropped = f" ({plan.n_rows_dropped:,} dropped)" if plan.n_rows_dropped else ""
            task = plan.task
            if task == "classification":
                task += f", {len(plan.class_names)} classes"
            n_features = len(plan.feature_names)
            self.summary_label.setText(
                f"Will use {plan.n_rows_used:,} of {plan.n_rows:,} rows{dropped} · "
                f"{n_features} feature{'s' if n_features != 1 else ''} · {task}"
            )
            self.summary_label.setStyleSheet("")
        else:
            count = len(problems)
            self.summary_label.setText(f"Cannot load with these choices: {count} problem{'s' if count > 1 else ''}")
            self.summary_label.setStyleSheet(f"color: {_PROBLEM_COLOUR};")
        self.notes_label.setText("\n".join(notes))
        self.notes_label.setVisible(bool(notes))
        self.problems_view.setPlainText("\n".join(problems))
        self.problems_view.setVisible(bool(problems))
        self.ok_button.setEnabled(not problems)


__all__ = ["CsvImportDialog", "ROLES", "default_role"]
