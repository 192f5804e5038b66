"""The Qt half of the "How it learns" tab (``how_it_learns``): live numbers
on top, then the formulas, code and notes in a scrolling text browser.

The numbers change every frame: each is a label of fixed size (a label that
may change size asks the whole tab to re-lay out), set only when its text
changes. The formulas change only with the settings: typeset when the tab
is visible (:mod:`._mathtext`, cached) and laid out as one HTML document
whose images are the typeset formulas.
"""

from __future__ import annotations

import hashlib
import html
import math

from PySide6 import QtCore, QtGui, QtWidgets

from ._explain import Code, Formula, ModelFacts, Note, explain
from ._mathtext import formula_image

#: the panel's HTML colours: text, comments, code background
TEXT, MUTED, CODE_BACKGROUND = "#303030", "#6a6a6a", "#f3f4f6"
#: the widest number text a label is sized for
NUMBER_TEMPLATE = "-0.000000"


def number_text(value: float | None) -> str:
    """Four significant digits, scientific outside [0.001, 10,000); "—" for
    no value; NaN and inf as such."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.4g}"
    return f"{value:.2e}"


class _Number(QtWidgets.QLabel):
    """A fixed-size monospace number (no re-layout when it changes)."""

    def __init__(self, font: QtGui.QFont, tooltip: str = "") -> None:
        super().__init__("—")
        self.setFont(font)
        metrics = self.fontMetrics()
        self.setFixedSize(metrics.horizontalAdvance(NUMBER_TEMPLATE) + 6, metrics.height() + 2)
        self.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        self.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        if tooltip:
            self.setToolTip(tooltip)

    def set_value(self, value: float | None) -> None:
        text = number_text(value)
        if text != self.text():
            self.setText(text)


class LearnPanel(QtWidgets.QWidget):
    """Live numbers, then formulas, code and notes.

    Attributes (for tests and screenshots): ``loss_labels`` (``total``,
    ``data``, ``l2``, ``l1``), ``rate_label``, ``layer_rows`` (per layer a
    dict ``grad_w``, ``grad_b``, ``weights``, ``step`` of number labels),
    ``browser`` (the QTextBrowser), ``facts`` (what the formulas show).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(min(mono.pointSizeF(), 9.0))
        self._mono = mono
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)

        numbers = QtWidgets.QFrame()
        numbers.setObjectName("learn_numbers")
        numbers.setStyleSheet("#learn_numbers { background: #f7f7f9; border: 1px solid #e2e2e6; }")
        box = QtWidgets.QVBoxLayout(numbers)
        box.setContentsMargins(6, 4, 6, 4)
        box.setSpacing(2)
        # the loss and its terms, two to a row: the tab is about 400 pixels wide
        top = QtWidgets.QGridLayout()
        top.setHorizontalSpacing(6)
        top.setVerticalSpacing(1)
        self.loss_labels = {
            "total": _Number(mono, "The loss training minimises, at the current weights, on the training rows."),
            "data": _Number(mono, "The data term: cross-entropy or mean squared error of the predictions."),
            "l2": _Number(mono, "The L2 term: λ₂/2 · sum of the squared weights (0 when L2 is 0)."),
            "l1": _Number(mono, "The L1 term: λ₁ · sum of the absolute weights (0 when L1 is 0)."),
        }
        self.rate_label = _Number(mono, "The learning rate η: how far each step moves along the gradient.")
        cells = (("loss 𝓛", self.loss_labels["total"]), ("= data", self.loss_labels["data"]),
                 ("+ L2", self.loss_labels["l2"]), ("+ L1", self.loss_labels["l1"]),
                 ("rate η", self.rate_label))
        for index, (caption, label) in enumerate(cells):
            row, column = divmod(index, 2)
            top.addWidget(self._caption(caption), row, 2 * column)
            top.addWidget(label, row, 2 * column + 1)
        top.setColumnStretch(4, 1)
        self.rows_label = QtWidgets.QLabel()
        self.rows_label.setStyleSheet(f"color: {MUTED};")
        self.rows_label.setFixedHeight(self.rows_label.fontMetrics().height() + 2)
        # may be cut on a narrow tab rather than widen it (the tooltip has it all)
        self.rows_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        top.addWidget(self.rows_label, 2, 2, 1, 3)
        box.addLayout(top)
        # per layer: gradient, weights and step
        grid = QtWidgets.QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        self._grid = grid
        headers = ("layer", "‖∇W‖", "‖∇b‖", "‖W‖", "‖Δθ‖/‖θ‖")
        tips = ("Layer l: its weights W and biases b.",
                "Norm of the gradient of the loss (data + L2) with respect to the layer's weights.",
                "Norm of the gradient with respect to the layer's biases.",
                "Norm of the layer's weights.",
                "How far one epoch moves the layer's parameters θ = (W, b), relative to their size.")
        for column, (header, tip) in enumerate(zip(headers, tips)):
            label = self._caption(header)
            label.setToolTip(tip)
            if column:
                label.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
            grid.addWidget(label, 0, column)
        grid.setColumnStretch(5, 1)
        box.addLayout(grid)
        self.layer_rows: list[dict[str, _Number]] = []
        self._layer_widgets: list[QtWidgets.QWidget] = []
        layout.addWidget(numbers)

        self.browser = QtWidgets.QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        layout.addWidget(self.browser, 1)
        self.facts: ModelFacts | None = None
        self._shown_facts: ModelFacts | None = None  # what the browser shows now
        self._span = 0

    def _caption(self, text: str) -> QtWidgets.QLabel:
        label = QtWidgets.QLabel(text)
        label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        label.setStyleSheet(f"color: {MUTED};")
        return label

    # -- numbers -------------------------------------------------------------------
    def _ensure_layers(self, count: int) -> None:
        if count == len(self.layer_rows):
            return
        for widget in self._layer_widgets:
            self._grid.removeWidget(widget)
            widget.deleteLater()
        self._layer_widgets, self.layer_rows = [], []
        for layer in range(count):
            name = QtWidgets.QLabel(str(layer + 1))
            name.setFont(self._mono)
            row = {key: _Number(self._mono) for key in ("grad_w", "grad_b", "weights", "step")}
            self._grid.addWidget(name, 1 + layer, 0)
            for column, key in enumerate(("grad_w", "grad_b", "weights", "step"), start=1):
                self._grid.addWidget(row[key], 1 + layer, column)
            self._layer_widgets += [name, *row.values()]
            self.layer_rows.append(row)

    def show_frame(self, frame, steps: tuple[float, ...] | None, span: int) -> None:
        """One frame's numbers (``steps``: per layer, None when unknown;
        ``span``: the epochs they were measured over) and, when the model's
        facts changed, its formulas."""
        terms = frame.terms
        self.rate_label.set_value(frame.facts.learning_rate)
        if terms is None:
            self.clear_numbers()
        else:
            for key, value in (("total", terms.total), ("data", terms.data_loss), ("l2", terms.l2_term),
                               ("l1", terms.l1_term)):
                self.loss_labels[key].set_value(value)
            self._ensure_layers(len(terms.gradient_norms))
            for layer, row in enumerate(self.layer_rows):
                row["grad_w"].set_value(terms.gradient_norms[layer].weights)
                row["grad_b"].set_value(terms.gradient_norms[layer].biases)
                row["weights"].set_value(terms.parameter_norms[layer].weights)
                if steps is not None and layer < len(steps):
                    row["step"].set_value(steps[layer])
        rows = f"{frame.n_rows:,} training rows" if frame.n_rows == frame.n_train else \
            f"{frame.n_rows:,} of {frame.n_train:,} training rows"
        if steps is not None and span != self._span:
            self._span = span
        step_note = "" if not self._span else ("; step of 1 epoch" if self._span == 1
                                                else f"; step: mean of {self._span:,} epochs")
        text = rows + step_note
        if text != self.rows_label.text():
            self.rows_label.setText(text)
            self.rows_label.setToolTip("The loss and gradients are measured on " + text.replace("; ", "; the ")
                                       + ".")
        self.set_facts(frame.facts)

    def clear_numbers(self) -> None:
        for label in self.loss_labels.values():
            label.set_value(None)
        for row in self.layer_rows:
            for label in row.values():
                label.set_value(None)
        self._span = 0

    # -- formulas --------------------------------------------------------------------
    def set_facts(self, facts: ModelFacts) -> None:
        """Show the formulas of ``facts`` (typeset now if the tab is visible,
        else when it is shown)."""
        self.facts = facts
        if facts != self._shown_facts and self.isVisible():
            self.render_formulas()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.facts is not None and self.facts != self._shown_facts:
            self.render_formulas()

    def render_formulas(self) -> None:
        """Typeset the formulas of ``facts`` into the browser."""
        facts = self.facts
        if facts is None:
            return
        self._shown_facts = facts
        document = self.browser.document()
        scale = self.devicePixelRatioF()
        parts = [f"<div style='color:{TEXT}'>"]
        for section in explain(facts):
            parts.append(f"<h3 style='margin-top:10px; margin-bottom:4px'>{html.escape(section.title)}</h3>")
            for item in section.items:
                parts.append(self._item_html(item, document, scale))
        parts.append("</div>")
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml("".join(parts))
        self.browser.verticalScrollBar().setValue(scroll)

    def _item_html(self, item, document: QtGui.QTextDocument, scale: float) -> str:
        if isinstance(item, Formula):
            image = formula_image(item.tex, 12.5, scale, TEXT)
            name = "formula:" + hashlib.sha1(f"{item.tex}|{scale}".encode()).hexdigest()[:16]
            document.addResource(QtGui.QTextDocument.ResourceType.ImageResource, QtCore.QUrl(name), image)
            width, height = round(image.width() / scale), round(image.height() / scale)
            comment = (f"&nbsp;&nbsp;<span style='color:{MUTED}'>{html.escape(item.comment)}</span>"
                       if item.comment else "")
            return (f"<p style='margin:3px 0 3px 8px'><img src='{name}' width='{width}' height='{height}' "
                    f"style='vertical-align:middle'>{comment}</p>")
        if isinstance(item, Code):
            code = html.escape("\n".join(item.lines))
            return (f"<pre style='background:{CODE_BACKGROUND}; margin:4px 0 6px 8px; padding:4px'>"
                    f"{code}</pre>")
        if isinstance(item, Note):
            return (f"<p style='margin:4px 0 6px 0'><b>{html.escape(item.title)}.</b> "
                    f"{html.escape(item.text)}</p>")
        raise TypeError(f"unknown item {item!r}")

    def formula_texts(self) -> list[str]:
        """The TeX of every formula the browser shows (for tests)."""
        if self._shown_facts is None:
            return []
        return [item.tex for section in explain(self._shown_facts) for item in section.items
                if isinstance(item, Formula)]
