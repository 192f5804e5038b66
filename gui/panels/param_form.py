"""A form built from parameter declarations: one row per ``Param`` (or
generator ``Option``), nothing written per parameter, so a new declaration
shows up in the GUI by itself."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from gui.panels.fields import Field, field_for


def tooltip_for(declaration, live: bool | None = None) -> str:
    """Tooltip of a declared parameter: its help sentence, its range and how
    changing it while training behaves (``live``: the form's word on it,
    default the declaration's)."""
    parts = [declaration.help]
    low, high = getattr(declaration, "low", None), getattr(declaration, "high", None)
    if declaration.kind in (int, float) and (low is not None or high is not None):
        lo = "−∞" if low is None else f"{low:g}"
        hi = "∞" if high is None else f"{high:g}"
        parts.append(f"Range {lo} … {hi}{' (log scale)' if getattr(declaration, 'log', False) else ''}.")
    if hasattr(declaration, "live"):
        parts.append(
            "Takes effect at the next epoch while training."
            if (declaration.live if live is None else live)
            else "Changing it resets the model."
        )
    return " ".join(parts)


class ParamForm(QWidget):
    """Edits a tuple of declarations.

    ``param_changed(name)`` is emitted when the person changes one value;
    ``values()`` returns ``{name: value}`` for every shown declaration.
    ``live``: names the window applies while training besides the
    declarations marked live (marked ⚡ too).
    """

    param_changed = Signal(str)

    def __init__(self, declarations, hidden=(), values: dict | None = None, parent=None, live=()) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setHorizontalSpacing(8)
        self.layout_.setVerticalSpacing(3)
        self.fields: dict[str, Field] = {}
        self.declarations = {d.name: d for d in declarations if d.name not in hidden}
        self.live = {d.name for d in self.declarations.values() if getattr(d, "live", False) or d.name in live}
        for declaration in self.declarations.values():
            field = field_for(declaration)
            is_live = declaration.name in self.live
            tip = tooltip_for(declaration, is_live if hasattr(declaration, "live") else None)
            field.setToolTip(tip)
            for child in field.findChildren(QWidget):
                if not child.toolTip():
                    child.setToolTip(tip)
            label = QLabel(declaration.label + ("  ⚡" if is_live else ""))
            label.setToolTip(tip)
            field.changed.connect(self._on_field_changed)
            field.setObjectName(declaration.name)
            self.fields[declaration.name] = field
            self.layout_.addRow(label, field)
        if values:
            self.set_values(values)

    def values(self) -> dict:
        return {name: field.value() for name, field in self.fields.items()}

    def set_values(self, values: dict) -> None:
        """Show ``values`` (unknown names are ignored) without emitting."""
        for name, value in values.items():
            if name in self.fields:
                self.fields[name].set_value(value)

    def _on_field_changed(self) -> None:
        field = self.sender()
        for name, candidate in self.fields.items():
            if candidate is field:
                self.param_changed.emit(name)
                return
