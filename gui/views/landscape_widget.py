"""The loss landscape's widget (Qt): the coloured surface and its contours
(made in the render process), the path of the parameters, arrowheads on
the latest steps, markers for the start, the current point and the lowest
point in view, and the choice of the two parameters shown.

Every item paints in C++ (a pixmap item, path items, ellipse items that
ignore the view's scale); per frame the GUI thread sets an image and a few
paths.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ._style import PlotView, set_label
from ._visible import WatchedWidget
from .anatomy import number
from .classification import BoundaryItem, SurfaceImageItem
from .colors import FOREGROUND, MUTED, PALETTE

PATH_COLOR = PALETTE[1]  # orange
CURRENT_COLOR = (20, 20, 20)
CONTOUR_PEN = pg.mkPen((60, 80, 120, 110), width=1)
#: arrowhead: side length (pixels) and half-angle
ARROW_PIXELS, ARROW_ANGLE = 9.0, np.radians(24)


def _marker(size: float, pen: QtGui.QPen, brush: QtGui.QBrush) -> QtWidgets.QGraphicsEllipseItem:
    """A round marker of ``size`` pixels whatever the zoom (C++ paint)."""
    item = QtWidgets.QGraphicsEllipseItem(-size / 2, -size / 2, size, size)
    item.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    item.setPen(pen)
    item.setBrush(brush)
    item.setZValue(20)
    item.hide()
    return item


def arrowheads(points: np.ndarray, steps: np.ndarray, pixel: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Two short strokes at the end of each step ``points[s] -> points[s + 1]``
    (``s`` in ``steps``), ARROW_PIXELS long on screen, as loose segments;
    ``pixel``: the view's data units per pixel on x and y. Steps shorter
    than an arrowhead get none."""
    if not len(steps):
        return np.empty(0), np.empty(0)
    scale = np.array(pixel, dtype=float)
    start, end = points[steps], points[steps + 1]
    direction = (end - start) / scale  # in pixels
    length = np.hypot(direction[:, 0], direction[:, 1])
    keep = length >= ARROW_PIXELS  # shorter steps would be all arrowhead
    if not keep.any():
        return np.empty(0), np.empty(0)
    unit, end = direction[keep] / length[keep, None], end[keep]
    xs, ys = [], []
    for angle in (ARROW_ANGLE, -ARROW_ANGLE):
        cos, sin = np.cos(angle), np.sin(angle)
        back = -np.column_stack([cos * unit[:, 0] - sin * unit[:, 1], sin * unit[:, 0] + cos * unit[:, 1]])
        wing = end + back * ARROW_PIXELS * scale
        xs.append(np.column_stack([end[:, 0], wing[:, 0]]).ravel())
        ys.append(np.column_stack([end[:, 1], wing[:, 1]]).ravel())
    return np.concatenate(xs), np.concatenate(ys)


def _inside(point: np.ndarray, grid, exact: bool) -> bool:
    """Whether to mark ``point`` as the lowest point: an exact one inside the
    window; a grid point off the window's edge (on the edge, the lowest
    point lies beyond it)."""
    (x0, x1), (y0, y1) = grid.x_range, grid.y_range
    if exact:
        return bool(x0 <= point[0] <= x1 and y0 <= point[1] <= y1)
    return bool(x0 < point[0] < x1 and y0 < point[1] < y1)


class LandscapeWidget(WatchedWidget):
    """The landscape plot with the parameter pickers above it.

    Signals
    -------
    axes_chosen(int, int)
        The person chose the parameters on x and y (indices into θ).
    """

    axes_chosen = QtCore.Signal(int, int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = PlotView()
        plot_item = self.plot.plot_item
        plot_item.setMouseEnabled(x=False, y=False)
        plot_item.vb.disableAutoRange()
        self.surface_item = SurfaceImageItem()
        self.surface_item.setZValue(-10)
        self.surface_item.hide()
        plot_item.addItem(self.surface_item)
        self.contour_item = BoundaryItem(CONTOUR_PEN)
        self.contour_item.setZValue(1)
        plot_item.addItem(self.contour_item)
        path_pen = QtGui.QPen(QtGui.QColor(*PATH_COLOR))
        path_pen.setWidthF(2.0)
        path_pen.setCosmetic(True)
        self.path_item = QtWidgets.QGraphicsPathItem()
        self.path_item.setPen(path_pen)
        self.path_item.setZValue(10)
        plot_item.addItem(self.path_item)
        self.arrow_item = QtWidgets.QGraphicsPathItem()
        self.arrow_item.setPen(path_pen)
        self.arrow_item.setZValue(11)
        plot_item.addItem(self.arrow_item)
        dark = QtGui.QPen(QtGui.QColor(*CURRENT_COLOR))
        dark.setWidthF(1.5)
        self.start_item = _marker(9, dark, QtGui.QBrush(QtGui.QColor(255, 255, 255)))
        self.current_item = _marker(10, QtGui.QPen(QtGui.QColor(255, 255, 255)), QtGui.QBrush(QtGui.QColor(*CURRENT_COLOR)))
        cross = QtGui.QPainterPath()
        for x0, y0, x1, y1 in ((-4, -4, 4, 4), (-4, 4, 4, -4)):
            cross.moveTo(x0, y0)
            cross.lineTo(x1, y1)
        self.minimum_item = QtWidgets.QGraphicsPathItem(cross)
        self.minimum_item.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        cross_pen = QtGui.QPen(QtGui.QColor(*CURRENT_COLOR))
        cross_pen.setWidthF(2.0)
        self.minimum_item.setPen(cross_pen)
        self.minimum_item.setZValue(19)
        self.minimum_item.hide()
        for item in (self.start_item, self.current_item, self.minimum_item):
            plot_item.addItem(item)

        self.x_combo, self.y_combo = QtWidgets.QComboBox(), QtWidgets.QComboBox()
        for combo, tip in ((self.x_combo, "The parameter across."), (self.y_combo, "The parameter up.")):
            combo.setToolTip(tip + " The others stay at their current values.")
            combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._on_combo_changed)
        self.picker = QtWidgets.QWidget()
        picker_row = QtWidgets.QHBoxLayout(self.picker)
        picker_row.setContentsMargins(0, 0, 0, 0)
        picker_row.addWidget(QtWidgets.QLabel("across"))
        picker_row.addWidget(self.x_combo)
        picker_row.addWidget(QtWidgets.QLabel("up"))
        picker_row.addWidget(self.y_combo)
        self.picker.hide()
        self.readout = QtWidgets.QLabel()
        self.readout.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.readout.setStyleSheet("color: #{:02x}{:02x}{:02x};".format(*FOREGROUND))
        # Per-frame text: a label of fixed height and ignored width never re-lays out the window.
        self.readout.setFixedHeight(self.readout.sizeHint().height())
        self.readout.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 0)
        top.addWidget(self.picker)
        top.addWidget(self.readout, 1)
        self.caption = QtWidgets.QLabel("○ start  ● now  ✕ lowest point here  ➝ one epoch's step")
        self.caption.setToolTip(
            "Blue: low loss, white: high. The orange path is where gradient descent has taken the two "
            "parameters, one point per frame. In slow motion every epoch is a frame, and each step shows "
            "as an arrow: the update −learning rate × gradient, so a learning rate that is too large shows "
            "as steps overshooting the valley. The other parameters stay at their current values.")
        self.caption.setStyleSheet("color: #{:02x}{:02x}{:02x}; font-size: 8pt;".format(*MUTED))
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)
        self._names: tuple[str, ...] = ()
        self._axes = (0, 1)
        self._grid = None
        self._arrows = None  # (points, steps) of the last frame, re-drawn on a resize
        plot_item.vb.sigResized.connect(self._draw_arrows)

    # -- per frame -------------------------------------------------------------------
    def show_landscape(self, frame, path: np.ndarray, steps: np.ndarray, axes: tuple[int, int]) -> None:
        """``frame``: a LandscapeFrame; ``path`` ``(m, 2)`` the recorded
        parameters on the two axes; ``steps``: indices ``s`` of the path
        whose step to ``s + 1`` is one epoch (drawn as arrows)."""
        self._set_names(frame.names, axes)
        grid = frame.grid
        self.surface_item.set_image(frame.bgra, grid.pixel_rect())
        self.surface_item.show()
        self.contour_item.setData(*frame.contours)
        if grid != self._grid:
            self._grid = grid
            self.plot.plot_item.vb.setRange(xRange=grid.x_range, yRange=grid.y_range, padding=0)
        self.path_item.setPath(pg.arrayToQPath(path[:, 0], path[:, 1]) if len(path) > 1 else QtGui.QPainterPath())
        self._arrows = (path, steps)
        self._draw_arrows()
        self.start_item.setPos(*path[0])
        self.current_item.setPos(*path[-1])
        finite = bool(np.all(np.isfinite(frame.minimum))) and _inside(frame.minimum, grid, frame.exact_minimum)
        if finite:
            self.minimum_item.setPos(*frame.minimum)
        self.minimum_item.setVisible(finite)
        for item in (self.start_item, self.current_item):
            item.show()
        rows = "" if frame.rows_used == frame.rows_total else f" (surface from {frame.rows_used:,} of {frame.rows_total:,} rows)"
        text = f"loss {number(frame.current_loss)}" + rows
        if not self.picker.isVisible():  # room for the two values
            text += " at " + ", ".join(f"{frame.names[index]} = {number(frame.params[index])}" for index in axes)
        if self.readout.text() != text:
            self.readout.setText(text)

    def clear(self) -> None:
        self.surface_item.hide()
        self.contour_item.setData([], [])
        self.path_item.setPath(QtGui.QPainterPath())
        self.arrow_item.setPath(QtGui.QPainterPath())
        for item in (self.start_item, self.current_item, self.minimum_item):
            item.hide()
        self._arrows = None
        self.readout.setText("")

    def _draw_arrows(self, *args) -> None:
        if self._arrows is None:
            return
        path, steps = self._arrows
        x, y = arrowheads(path, steps, self.plot.plot_item.vb.viewPixelSize())
        self.arrow_item.setPath(pg.arrayToQPath(x, y, connect="pairs") if x.size else QtGui.QPainterPath())

    # -- the two parameters ----------------------------------------------------------------
    def _set_names(self, names: tuple[str, ...], axes: tuple[int, int]) -> None:
        if names == self._names and axes == self._axes:
            return
        self._names, self._axes = names, axes
        for combo, chosen in ((self.x_combo, axes[0]), (self.y_combo, axes[1])):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(list(names))
            combo.setCurrentIndex(chosen)
            combo.blockSignals(False)
        self.picker.setVisible(len(names) > 2)
        set_label(self.plot.plot_item, "bottom", names[axes[0]])
        set_label(self.plot.plot_item, "left", names[axes[1]])

    def _on_combo_changed(self, _index: int) -> None:
        first, second = self.x_combo.currentIndex(), self.y_combo.currentIndex()
        if first < 0 or second < 0:
            return
        if first == second:  # the same parameter on both axes: the other axis takes the old one
            if self.sender() is self.x_combo:
                second = self._axes[0]
            else:
                first = self._axes[1]
        self.axes_chosen.emit(first, second)
