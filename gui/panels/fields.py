"""Input widgets for declared parameters (``algorithms.Param``,
``datasets.Option``): one widget per kind, all with the same small API.

Every field has ``value()``, ``set_value(v)`` (silent: emits nothing) and a
``changed`` signal emitted when the person commits a new value. Spin boxes do
not track the keyboard, so typing "0.05" is one change, not three.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QSizePolicy,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

#: text shown for None by optional parameters; the parameter's help says more
NONE_TEXT = {"batch_size": "full batch", "random_state": "random"}
INT_HIGH = 1_000_000
LAYER_WIDTH_RANGE = (1, 512)
MAX_LAYERS = 8


def _format_number(value: float) -> str:
    """Short, exact-looking text for a float: 0.003, 1e-05, 0.25, 12.5."""
    if value == 0:
        return "0"
    text = f"{value:.4g}"
    return text.replace("e-0", "e-").replace("e+0", "e+")


def nice_log_steps(low: float, high: float) -> list[float]:
    """The 1-2-5 ladder between ``low`` and ``high`` (both > 0): the values a
    log-scale control steps through (1e-4, 2e-4, 5e-4, 1e-3, ...)."""
    values = []
    for exponent in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 2, 5):
            value = float(f"{mantissa}e{exponent}")
            if low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
                values.append(value)
    return values


class Field(QWidget):
    """Base of every field: a QWidget with value()/set_value()/changed."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)

    def value(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def set_value(self, value) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _emit_changed(self, *_args) -> None:
        self.changed.emit()


class BoolField(Field):
    def __init__(self, default: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox()
        self.check.setChecked(bool(default))
        self.check.toggled.connect(self._emit_changed)
        self._layout.addWidget(self.check)
        self._layout.addStretch(1)

    def value(self) -> bool:
        return self.check.isChecked()

    def set_value(self, value) -> None:
        self.check.blockSignals(True)
        self.check.setChecked(bool(value))
        self.check.blockSignals(False)


class ChoiceField(Field):
    def __init__(self, choices, default, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self._choices = list(choices)
        for choice in self._choices:
            self.combo.addItem(str(choice).replace("_", " "), choice)
        self.set_value(default)
        self.combo.currentIndexChanged.connect(self._emit_changed)
        self._layout.addWidget(self.combo, 1)

    def value(self):
        return self.combo.currentData()

    def set_value(self, value) -> None:
        index = self._choices.index(value) if value in self._choices else 0
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)


class IntField(Field):
    """A spin box; an optional parameter gets one extra step below its
    minimum that means None (shown as e.g. "full batch")."""

    def __init__(self, low, high, default, optional=False, none_text="none", parent=None) -> None:
        super().__init__(parent)
        self.spin = QSpinBox()
        self.spin.setKeyboardTracking(False)
        self.spin.setAccelerated(True)
        low = 0 if low is None else int(low)
        high = INT_HIGH if high is None else int(min(high, 2**31 - 1))
        self._optional = optional
        self._none_value = low - 1
        self.spin.setRange(low - 1 if optional else low, high)
        if optional:
            self.spin.setSpecialValueText(none_text)
        self.set_value(default)
        self.spin.valueChanged.connect(self._emit_changed)
        self._layout.addWidget(self.spin, 1)

    def value(self):
        value = self.spin.value()
        return None if self._optional and value == self._none_value else value

    def set_value(self, value) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(self._none_value if value is None else int(value))
        self.spin.blockSignals(False)


class NumberSpinBox(QDoubleSpinBox):
    """A double spin box that shows numbers the short way (0.003, 1e-05) and,
    in log mode, steps along the 1-2-5 ladder instead of adding a constant."""

    def __init__(self, low: float, high: float, log: bool, parent=None) -> None:
        super().__init__(parent)
        self.setDecimals(12)  # the value is kept exact; the text is short
        self.setRange(low, high)
        self.setKeyboardTracking(False)
        self._log = log
        positive_low = low if low > 0 else max(high * 1e-6, 1e-8)
        self._ladder = ([0.0] if low <= 0 else []) + nice_log_steps(positive_low, high) if log else []
        if not log:
            span = high - low
            self.setSingleStep(10 ** math.floor(math.log10(span / 20)) if span > 0 else 0.1)

    def textFromValue(self, value: float) -> str:
        return _format_number(value)

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text, pos):
        from PySide6.QtGui import QValidator

        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            ok = stripped == "" or all(c in "0123456789.eE+-" for c in stripped)
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid), text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:
        if not self._log or not self._ladder:
            super().stepBy(steps)
            return
        value, ladder = self.value(), self._ladder
        # Move to the next rung above (or below) the current value, then on.
        if steps > 0:
            above = [i for i, v in enumerate(ladder) if v > value * (1 + 1e-9) + 1e-300]
            index = above[0] + steps - 1 if above else len(ladder) - 1
        else:
            below = [i for i, v in enumerate(ladder) if v < value * (1 - 1e-9)]
            index = below[-1] + steps + 1 if below else 0
        self.setValue(ladder[max(0, min(len(ladder) - 1, index))])

    def stepEnabled(self):
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.value() > self.minimum():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        if self.value() < self.maximum():
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return flags


class FloatField(Field):
    """A float parameter. Log-scale parameters get a slider on a log axis next
    to the spin box (one notch per 1-2-5 step)."""

    def __init__(self, low, high, default, log=False, optional=False, none_text="none", parent=None) -> None:
        super().__init__(parent)
        low = 0.0 if low is None else float(low)
        high = 1e6 if high is None else float(high)
        self.spin = NumberSpinBox(low, high, log)
        self.spin.setMinimumWidth(72)
        self.none_check = None
        if optional:
            self.none_check = QCheckBox(none_text)
            self.none_check.toggled.connect(self._on_none_toggled)
            self._layout.addWidget(self.none_check)
        self.slider = None
        if log:
            self.slider = QSlider(Qt.Orientation.Horizontal)
            self.slider.setRange(0, len(self.spin._ladder) - 1)
            self.slider.setPageStep(3)
            self.slider.valueChanged.connect(self._on_slider_moved)
            self._layout.addWidget(self.slider, 1)
        self._layout.addWidget(self.spin, 0 if log else 1)
        self.set_value(default)
        self.spin.valueChanged.connect(self._on_spin_changed)

    def value(self):
        if self.none_check is not None and self.none_check.isChecked():
            return None
        return float(self.spin.value())

    def set_value(self, value) -> None:
        for widget in (self.spin, self.slider, self.none_check):
            if widget is not None:
                widget.blockSignals(True)
        if self.none_check is not None:
            self.none_check.setChecked(value is None)
            self.spin.setEnabled(value is not None)
        if value is not None:
            self.spin.setValue(float(value))
        self._sync_slider()
        for widget in (self.spin, self.slider, self.none_check):
            if widget is not None:
                widget.blockSignals(False)

    def _sync_slider(self) -> None:
        if self.slider is None:
            return
        ladder = self.spin._ladder
        value = self.spin.value()
        nearest = min(range(len(ladder)), key=lambda i: abs(math.log10(ladder[i] + 1e-30) - math.log10(value + 1e-30)))
        self.slider.blockSignals(True)
        self.slider.setValue(nearest)
        self.slider.blockSignals(False)

    def _on_slider_moved(self, index: int) -> None:
        self.spin.blockSignals(True)
        self.spin.setValue(self.spin._ladder[index])
        self.spin.blockSignals(False)
        self.changed.emit()

    def _on_spin_changed(self, _value: float) -> None:
        self._sync_slider()
        self.changed.emit()

    def _on_none_toggled(self, checked: bool) -> None:
        self.spin.setEnabled(not checked)
        self.changed.emit()


class LayersField(Field):
    """Editor for the hidden layers of a network: one spin box per layer
    (its width), a button to remove it, and a button to add a layer."""

    def __init__(self, default, low=None, high=None, parent=None) -> None:
        super().__init__(parent)
        self._low = int(low) if low is not None else LAYER_WIDTH_RANGE[0]
        self._high = int(high) if high is not None else LAYER_WIDTH_RANGE[1]
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(2)
        column.addLayout(self._rows)
        footer = QHBoxLayout()
        self.add_button = QToolButton()
        self.add_button.setText("+ Add layer")
        self.add_button.setToolTip("Add a hidden layer (resets the model)")
        self.add_button.clicked.connect(self._on_add_clicked)
        footer.addWidget(self.add_button)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: palette(mid);")
        footer.addWidget(self.summary, 1)
        column.addLayout(footer)
        self._layout.addLayout(column, 1)
        self._spins: list[QSpinBox] = []
        self._row_widgets: list[QWidget] = []
        self.set_value(default)

    def value(self) -> tuple[int, ...]:
        return tuple(spin.value() for spin in self._spins)

    def set_value(self, value) -> None:
        widths = tuple(int(w) for w in (value or ()))
        while len(self._spins) > len(widths):
            self._remove_row(len(self._spins) - 1)
        while len(self._spins) < len(widths):
            self._add_row(widths[len(self._spins)])
        for spin, width in zip(self._spins, widths):
            spin.blockSignals(True)
            spin.setValue(width)
            spin.blockSignals(False)
        self._update_summary()

    def _add_row(self, width: int) -> None:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(f"Layer {len(self._spins) + 1}")
        label.setMinimumWidth(52)
        spin = QSpinBox()
        spin.setRange(self._low, self._high)
        spin.setValue(width)
        spin.setSuffix(" units")
        spin.setKeyboardTracking(False)
        spin.setToolTip("Width of this hidden layer: its number of neurons")
        spin.valueChanged.connect(self._on_width_changed)
        remove = QToolButton()
        remove.setText("−")
        remove.setToolTip("Remove this hidden layer (resets the model)")
        remove.clicked.connect(self._on_remove_clicked)
        layout.addWidget(label)
        layout.addWidget(spin, 1)
        layout.addWidget(remove)
        self._rows.addWidget(row)
        self._spins.append(spin)
        self._row_widgets.append(row)
        self.add_button.setEnabled(len(self._spins) < MAX_LAYERS)

    def _remove_row(self, index: int) -> None:
        row = self._row_widgets.pop(index)
        self._spins.pop(index)
        self._rows.removeWidget(row)
        row.setParent(None)
        row.deleteLater()
        for i, widget in enumerate(self._row_widgets):
            widget.findChild(QLabel).setText(f"Layer {i + 1}")
        self.add_button.setEnabled(len(self._spins) < MAX_LAYERS)

    def _update_summary(self) -> None:
        n = len(self._spins)
        self.summary.setText("no hidden layer" if n == 0 else f"{n} hidden layer{'s' * (n > 1)}")

    def _on_add_clicked(self) -> None:
        self._add_row(self._spins[-1].value() if self._spins else 8)
        self._update_summary()
        self.changed.emit()

    def _on_remove_clicked(self) -> None:
        button = self.sender()
        for index, row in enumerate(self._row_widgets):
            if button.parent() is row:
                self._remove_row(index)
                break
        self._update_summary()
        self.changed.emit()

    def _on_width_changed(self, _value: int) -> None:
        self.changed.emit()

    def remove_layer(self, index: int) -> None:
        """Remove hidden layer ``index`` as the person would (emits changed)."""
        self._remove_row(index)
        self._update_summary()
        self.changed.emit()

    def add_layer(self, width: int | None = None) -> None:
        """Add a hidden layer as the person would (emits changed)."""
        self._add_row(width if width is not None else (self._spins[-1].value() if self._spins else 8))
        self._update_summary()
        self.changed.emit()


def field_for(declaration) -> Field:
    """The field that edits one declared parameter (``algorithms.Param`` or
    ``datasets.Option``), chosen from its kind, range, choices and flags."""
    kind = declaration.kind
    default = declaration.default
    low = getattr(declaration, "low", None)
    high = getattr(declaration, "high", None)
    optional = getattr(declaration, "optional", False)
    choices = getattr(declaration, "choices", None)
    none_text = NONE_TEXT.get(declaration.name, "none")
    if kind == "layers":
        return LayersField(default, low, high)
    if choices:
        return ChoiceField(choices, default)
    if kind is bool:
        return BoolField(default)
    if kind is int:
        return IntField(low, high, default, optional=optional, none_text=none_text)
    if kind is float:
        return FloatField(low, high, default, log=getattr(declaration, "log", False), optional=optional, none_text=none_text)
    raise ValueError(f"no field for parameter {declaration.name!r} of kind {kind!r}")


class FittingStack(QStackedWidget):
    """A stacked widget as tall as the page it shows (QStackedWidget takes
    the size of its largest page, which leaves a short form floating above a
    gap the size of the longest one)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(self._on_current_changed)

    def sizeHint(self):  # noqa: N802 - Qt override
        current = self.currentWidget()
        return current.sizeHint() if current is not None else super().sizeHint()

    def minimumSizeHint(self):  # noqa: N802 - Qt override
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else super().minimumSizeHint()

    def _on_current_changed(self, _index: int) -> None:
        # Pages not shown must not hold the stack open: the stacked layout
        # takes the largest page's minimum size otherwise.
        for index in range(self.count()):
            page = self.widget(index)
            ignored = QSizePolicy.Policy.Ignored
            page.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            if page is not self.currentWidget():
                page.setSizePolicy(ignored, ignored)
        self.updateGeometry()
