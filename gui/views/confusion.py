"""The confusion matrix view (classification with any number of features)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from datasets import MAX_CLASSES

from ._colormaps import SEQUENTIAL_CMAP
from ._style import PlotView, set_label, tick_font
from .colors import FOREGROUND

#: widest a class name on the left axis may be (pixels); longer ones are elided
MAX_NAME_WIDTH = 110
_DARK_TEXT = FOREGROUND
_LIGHT_TEXT = (255, 255, 255)


class ConfusionView(PlotView):
    """A k x k confusion matrix: row = true class, column = predicted class,
    the count written in each cell. A cell's shade is its share of its row
    (the recall of that true class), so rare classes read as clearly as
    common ones. The title gives the accuracy (trace / total).

    The image, the 64 text labels and the axes are created once;
    ``set_matrix`` (every frame) updates the image and the label texts, and
    the tick names only when they change.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.plot_item.addItem(self.image_item)
        self.plot_item.vb.invertY(True)          # row 0 (first true class) on top
        self.plot_item.vb.setAspectLocked(True)
        self.plot_item.setMouseEnabled(x=False, y=False)
        for name in ("left", "bottom"):
            self.plot_item.getAxis(name).setStyle(tickLength=0)
        set_label(self.plot_item, "bottom", "predicted class")
        set_label(self.plot_item, "left", "true class")
        self._cell_font = QtGui.QFont()
        self._cell_font.setPointSize(11)
        self.cell_labels: list[pg.TextItem] = []
        for _ in range(MAX_CLASSES * MAX_CLASSES):
            label = pg.TextItem(anchor=(0.5, 0.5))
            label.setFont(self._cell_font)
            label.setZValue(5)
            label.hide()
            self.plot_item.addItem(label)
            self.cell_labels.append(label)
        self._names: tuple[str, ...] | None = None
        self._title: str | None = None
        self._shown_names: tuple | None = None
        self._lut = SEQUENTIAL_CMAP.getLookupTable(nPts=256)

    def _set_tick_names(self) -> None:
        """The class names on both axes, elided to what fits: a cell's width
        on the bottom axis (names never run into each other), at most
        MAX_NAME_WIDTH on the left one (the matrix keeps its room). The full
        names are in the tooltip."""
        names = self._names
        if not names:
            return
        k = len(names)
        metrics = QtGui.QFontMetrics(tick_font())
        elide = QtCore.Qt.TextElideMode.ElideRight
        cell = max(12, int(self.plot_item.vb.width() / k) - 8) if self.plot_item.vb.width() > 0 else MAX_NAME_WIDTH
        bottom = [metrics.elidedText(name, elide, cell) for name in names]
        left = [metrics.elidedText(name, elide, MAX_NAME_WIDTH) for name in names]
        if (bottom, left) == self._shown_names:
            return
        self._shown_names = (bottom, left)
        self.plot_item.getAxis("bottom").setTicks([[(i + 0.5, name) for i, name in enumerate(bottom)]])
        axis = self.plot_item.getAxis("left")
        axis.setTicks([[(i + 0.5, name) for i, name in enumerate(left)]])
        # A vertical axis sizes itself to its labels only after a paint,
        # dropping the ones that do not fit meanwhile: size it now.
        axis.setWidth(max(metrics.horizontalAdvance(name) for name in left) + 34)
        self.setToolTip("Classes: " + ", ".join(names))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._set_tick_names()

    def set_matrix(self, cm, class_names) -> None:
        """Show ``cm`` (k x k integer counts; ``cm[i, j]`` = rows of true
        class i predicted as j) with ``class_names`` (k names)."""
        cm = np.asarray(cm)
        if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or not 1 <= cm.shape[0] <= MAX_CLASSES:
            raise ValueError(f"cm must be a square k x k array with 1 <= k <= {MAX_CLASSES}, "
                             f"got shape {cm.shape}")
        k = cm.shape[0]
        class_names = tuple(str(name) for name in class_names)
        if len(class_names) != k:
            raise ValueError(f"class_names must have {k} entries to match cm, "
                             f"got {len(class_names)}")
        counts = cm.astype(np.float64)
        row_totals = counts.sum(axis=1, keepdims=True)
        share = np.divide(counts, row_totals, out=np.zeros_like(counts), where=row_totals > 0)
        self.image_item.setImage(share, levels=(0.0, 1.0), lut=self._lut, autoLevels=False)
        if class_names != self._names:
            self._names = class_names
            self.image_item.setRect(0, 0, k, k)
            self._set_tick_names()
            self.plot_item.vb.setRange(xRange=(0, k), yRange=(0, k), padding=0.02)
            for index, label in enumerate(self.cell_labels):
                row, col = divmod(index, MAX_CLASSES)
                if row < k and col < k:
                    label.setPos(col + 0.5, row + 0.5)
                    label.show()
                else:
                    label.hide()
        for row in range(k):
            for col in range(k):
                label = self.cell_labels[row * MAX_CLASSES + col]
                label.setText(f"{int(cm[row, col])}",
                              color=_LIGHT_TEXT if share[row, col] > 0.55 else _DARK_TEXT)
        # Which rows it counts, not another accuracy: the loss view's
        # readout has one per split (training, validation).
        total = int(counts.sum())
        title = f"all {total:,} rows, training and validation" if total > 0 else ""
        if title != self._title:
            self._title = title
            self.plot_item.setTitle(title, color="#{:02x}{:02x}{:02x}".format(*FOREGROUND), size="10pt")
