"""Small helpers that give every plot the same light look (fonts, axis pens,
no stray buttons) and shared argument checks."""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ._pixmap import PaintCache
from .colors import BACKGROUND, FOREGROUND, GRID_ALPHA, HIGHLIGHT, MUTED
from .grid import GridSpec, frame_range, view_grid

WHITE = (255, 255, 255)
POINT_SIZE = 9
#: most points a view draws: beyond it, an even random sample of this many
#: (drawing a million points' symbols held the GUI thread ~0.7 s on every
#: new dataset, pan or zoom; a sample looks the same and says so)
MAX_DRAWN_POINTS = 50_000


def drawn_rows(n: int, limit: int = MAX_DRAWN_POINTS) -> np.ndarray | None:
    """Which of ``n`` rows a view draws: None for all of them (``n <=
    limit``), else at most ``limit`` row indices, increasing, each row kept
    with the same chance, the same for the same ``n`` (seed 0): redrawing
    the same data shows the same points. (A coin per row, 5 ms for a
    million; an exact-size ``choice`` took 25.)"""
    if n <= limit:
        return None
    return np.flatnonzero(np.random.default_rng(0).random(n) < limit / n)[:limit]


def sample_note(n: int, limit: int = MAX_DRAWN_POINTS) -> str:
    """The words under a plot that draws a sample of its ``n`` points."""
    return "" if n <= limit else (f"Showing {limit:,} of the {n:,} points, a random sample: drawing them all "
                                  f"would stall the window. The model trains on all of them.")

TICK_POINT_SIZE = 9
LABEL_STYLE = {"color": "#{:02x}{:02x}{:02x}".format(*FOREGROUND), "font-size": "10pt"}
TITLE_STYLE = {"color": "#{:02x}{:02x}{:02x}".format(*FOREGROUND), "size": "10pt"}
AXIS_PEN = (185, 185, 185)


def tick_font() -> QtGui.QFont:
    font = QtGui.QFont()
    font.setPointSize(TICK_POINT_SIZE)
    return font


def style_plot(plot_item: pg.PlotItem, *, grid: bool = False) -> None:
    """Light-theme axes: grey axis lines, dark tick labels, no auto-range
    button (right-click "View All" stays)."""
    for name in ("left", "bottom", "top", "right"):
        axis = plot_item.getAxis(name)
        axis.setPen(pg.mkPen(AXIS_PEN))
        axis.setTextPen(pg.mkPen(FOREGROUND))
        axis.setTickFont(tick_font())
        # No "(x0.001)" rescaling of the tick values next to unit-less labels.
        axis.enableAutoSIPrefix(False)
    plot_item.hideButtons()
    if grid:
        plot_item.showGrid(x=True, y=True, alpha=GRID_ALPHA)


def set_label(plot_item: pg.PlotItem, axis: str, text: str) -> None:
    """An axis title, shown as plain text: pyqtgraph renders labels as HTML,
    and the text may come from a data file (a column name)."""
    plot_item.setLabel(axis, html.escape(text), **LABEL_STYLE)


# Painting a plot off the interpreter lock
# -----------------------------------------
# PySide keeps the interpreter lock through any Qt call made from Python,
# and Qt takes it back for every Python override it calls. A frame of the
# decision surface used to be painted from pyqtgraph's Python paintEvent:
# the training thread stood still for the whole paint (measured: a NumPy
# thread ran at 7% of its speed while a view repainted without pause, 70-86%
# with Qt's own paintEvent). With Qt's paintEvent the lock is free during
# the paint, but every Python ``boundingRect``/``shape``/``paint`` Qt calls
# on the way takes it (each a hand-over with the training thread: Qt visits
# every item of the scene on each paint, about three calls per item). The
# classes below answer those calls in C++ where pyqtgraph's Python answers
# are the same as Qt's (a widget's rectangle, a view box without a border),
# and show the axes from a pixmap (``PaintCache``, as the scatter items do).


class ViewBox(pg.ViewBox):
    """A ``pg.ViewBox`` whose bounding rectangle, shape and (empty, as no
    border is set) paint are Qt's C++ ones."""

    boundingRect = QtWidgets.QGraphicsWidget.boundingRect  # noqa: N815 - Qt's
    shape = QtWidgets.QGraphicsWidget.shape
    paint = QtWidgets.QGraphicsWidget.paint

    def setBorder(self, *args, **kwargs):  # noqa: N802 - pyqtgraph's name
        raise NotImplementedError("this ViewBox paints no border (its paint is Qt's)")


class AxisItem(pg.AxisItem):
    """A ``pg.AxisItem`` shown from a pixmap (:class:`._pixmap.PaintCache`):
    Qt asks it nothing while painting, so the plot's repaints under it
    (every frame of the decision surface, the loss curves' redraws) call no
    Python for it. The picture is re-made when pyqtgraph changes it (ticks,
    style, grid: ``update``) or the axis is resized."""

    def __init__(self, *args, **kwargs):
        self._cache = None  # pyqtgraph's __init__ already calls update()
        super().__init__(*args, **kwargs)
        self._cache = PaintCache(self)

    def update(self, *args) -> None:
        super().update(*args)
        if self._cache is not None:
            self._cache.invalidate()

    def resizeEvent(self, ev=None):  # noqa: N802 - Qt override
        super().resizeEvent(ev)
        self.update()


class PlotItem(pg.PlotItem):
    """A ``pg.PlotItem`` (with a :class:`ViewBox` unless given one, and
    :class:`AxisItem` s for the axes not given) whose bounding rectangle and
    shape are Qt's."""

    boundingRect = QtWidgets.QGraphicsWidget.boundingRect  # noqa: N815 - Qt's
    shape = QtWidgets.QGraphicsWidget.shape

    def __init__(self, *args, viewBox=None, axisItems=None, **kwargs):  # noqa: N803 - pyqtgraph's names
        axes = {side: AxisItem(side) for side in ("left", "bottom", "right", "top")}
        axes.update(axisItems or {})
        super().__init__(*args, viewBox=ViewBox() if viewBox is None else viewBox, axisItems=axes, **kwargs)
        # pyqtgraph shows every axis it is given; by default only these show
        for side in {"top", "right"} - set(axisItems or {}):
            self.hideAxis(side)


class GraphicsLayout(pg.GraphicsLayout):
    """A ``pg.GraphicsLayout`` whose bounding rectangle and shape are Qt's
    and whose ``addPlot`` makes a :class:`PlotItem`."""

    boundingRect = QtWidgets.QGraphicsWidget.boundingRect  # noqa: N815 - Qt's
    shape = QtWidgets.QGraphicsWidget.shape

    def addPlot(self, row=None, col=None, rowspan=1, colspan=1, **kwargs):  # noqa: N802 - pyqtgraph's name
        plot = PlotItem(**kwargs)
        self.addItem(plot, row, col, rowspan, colspan)
        return plot


class LayoutWidget(pg.GraphicsLayoutWidget):
    """A ``GraphicsLayoutWidget`` painted with the interpreter lock released:
    ``paintEvent`` is Qt's, a viewport event filter readies the scene
    (``prepareForPaint``: auto-range, view matrices) just before each paint,
    as pyqtgraph's Python paintEvent did, and the central layout is a
    :class:`GraphicsLayout` (so ``addPlot`` makes :class:`PlotItem` s)."""

    paintEvent = QtWidgets.QGraphicsView.paintEvent  # noqa: N815 - Qt's, not an override

    def __init__(self, parent=None):
        pg.GraphicsView.__init__(self, parent)
        # what GraphicsLayoutWidget.__init__ does, with our layout
        self.ci = GraphicsLayout()
        for name in ("nextRow", "nextCol", "nextColumn", "addPlot", "addViewBox", "addItem", "getItem",
                     "addLayout", "addLabel", "removeItem", "itemIndex", "clear"):
            setattr(self, name, getattr(self.ci, name))
        self.setCentralItem(self.ci)
        self.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QtCore.QEvent.Type.Paint and watched is self.viewport():
            self.scene().prepareForPaint()
        return False


def make_layout_widget() -> LayoutWidget:
    widget = LayoutWidget()
    widget.setBackground(BACKGROUND)
    widget.setAntialiasing(True)
    return widget


def cache_static(item: QtWidgets.QGraphicsItem) -> None:
    """Keep ``item``'s rendering in a pixmap until it changes (or the view
    pans or zooms). Scatter points stay put while the surface under them
    changes every frame; with 100k points this cut a repaint from ~40 ms to
    ~5 ms, pixel-identical. Qt clips the cache to the viewport, so zooming
    in does not grow it."""
    item.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


def legend_sample(brush, pen, size: int = POINT_SIZE, symbol: str = "o") -> pg.ScatterPlotItem:
    """A scatter item that only draws a marker in a legend."""
    return pg.ScatterPlotItem(symbol=symbol, size=size, pen=pen, brush=brush)


# Markers every view uses to tell training from validation points.
def train_sample() -> pg.ScatterPlotItem:
    return legend_sample(pg.mkBrush(MUTED), pg.mkPen(WHITE, width=1))


def validation_sample() -> pg.ScatterPlotItem:
    return legend_sample(pg.mkBrush(WHITE), pg.mkPen(MUTED, width=2.2))


def misclassified_sample() -> pg.ScatterPlotItem:
    return legend_sample(None, pg.mkPen(HIGHLIGHT, width=2), size=13)


class PlotView(QtWidgets.QWidget):
    """A QWidget holding one styled pyqtgraph plot (``plot_item``) with a
    legend in its own row above it (a canvas of its own), so the legend
    never hides data.

    Subclasses create their items once in ``__init__`` and list what the
    legend shows with :meth:`_set_legend` (rebuilt only when it changes).

    Frame lock. Views that frame themselves around their data on every
    ``set_data`` (and ask the model for outputs on that frame) implement
    :meth:`_frame_lock_changed` and :meth:`_view_range_changed`; for the
    others :meth:`set_frame_locked` is a harmless no-op, so a caller (Draw
    mode) may lock whatever view is shown.

    Signals
    -------
    frame_changed()
        The grid (or curve x) the view wants model outputs on changed
        (re-framed data, lock or unlock, or a pan/zoom while locked): ask
        ``grid_spec()`` / ``curve_x()`` again.
    """

    frame_changed = QtCore.Signal()
    _CANVAS_MARGINS = (4, 4, 10, 4)  # left, top, right, bottom of the legend and plot together

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._canvas = make_layout_widget()
        self._canvas.ci.setContentsMargins(*self._CANVAS_MARGINS)
        self._canvas.ci.setSpacing(0)
        # The legend has a canvas (a scene) of its own above the plot's: Qt
        # visits every item of a scene on each repaint of any part of it,
        # and the legend's entries are Python items (each visit a hand-over
        # of the interpreter lock), while the plot repaints every frame.
        self._legend_canvas = make_layout_widget()
        self._legend_canvas.ci.setContentsMargins(self._CANVAS_MARGINS[0], self._CANVAS_MARGINS[1],
                                                  self._CANVAS_MARGINS[2], 0)
        self._legend_canvas.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred,
                                          QtWidgets.QSizePolicy.Policy.Fixed)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._legend_canvas)
        layout.addWidget(self._canvas, 1)
        # A line under the plot for what the picture leaves out (a slice).
        self.caption = QtWidgets.QLabel()
        self.caption.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # it quotes feature names
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #8a5a00; padding: 2px 8px 4px 8px; background: white;")
        self.caption.hide()
        layout.addWidget(self.caption)
        self._captions: dict[str, str] = {}
        self.setMinimumSize(240, 200)

        self.legend = pg.LegendItem(colCount=1, labelTextColor=FOREGROUND,
                                    labelTextSize="9pt", verSpacing=-6, horSpacing=14)
        # Fixed size: a stretched legend would spread its entries over the row.
        self.legend.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed,
                                  QtWidgets.QSizePolicy.Policy.Fixed)
        self._legend_canvas.addItem(self.legend, row=0, col=0)
        self._legend_canvas.ci.layout.setAlignment(self.legend, QtCore.Qt.AlignmentFlag.AlignLeft)
        self.plot_item: pg.PlotItem = self._canvas.addPlot(row=0, col=0)
        style_plot(self.plot_item)
        self._legend_key = None
        self._legend_max_columns = 6
        self._legend_entry_width = 1
        self._show_legend(False)
        self._frame_locked = False
        self.plot_item.vb.sigRangeChanged.connect(self._on_view_range_changed)

    # -- frame lock ----------------------------------------------------------
    def set_frame_locked(self, locked: bool) -> None:
        """Keep the current frame (True) or frame the data again (False).

        While locked, ``set_data`` changes the points only: the visible range
        and the grid stay, and the grid covers the whole visible range (it
        follows the view if the person pans or zooms), so a canvas being
        drawn on does not slide under the cursor and the model's output
        fills it. Unlocking frames the current data again.
        """
        locked = bool(locked)
        if locked == self._frame_locked:
            return
        self._frame_locked = locked
        self._frame_lock_changed(locked)

    def frame_locked(self) -> bool:
        """Whether :meth:`set_frame_locked` holds the frame."""
        return self._frame_locked

    def _frame_lock_changed(self, locked: bool) -> None:
        """Hook: follow the view range (locked) or re-frame the data."""

    def _view_range_changed(self) -> None:
        """Hook: the visible range changed while the frame is locked."""

    def _on_view_range_changed(self, *args) -> None:
        if self._frame_locked:
            self._view_range_changed()

    def set_caption(self, text: str, part: str = "view") -> None:
        """Plain text under the plot ("" removes it): one paragraph per
        ``part`` (the view's own, e.g. a slice note; the widget's "sample"
        note when it draws a sample of the points)."""
        self._captions[part] = text
        joined = "\n".join(text for text in self._captions.values() if text)
        if joined != self.caption.text():
            self.caption.setText(joined)
        self.caption.setVisible(bool(joined))

    def set_axis_labels(self, x: str, y: str) -> None:
        """Axis titles (e.g. the feature names)."""
        set_label(self.plot_item, "bottom", x)
        set_label(self.plot_item, "left", y)

    def _set_legend(self, entries, max_columns: int = 6) -> None:
        """Show ``entries`` (pairs of (item, name)) in the legend row."""
        key = tuple((id(item), name) for item, name in entries)
        if key == self._legend_key:
            return
        self._legend_key = key
        self._legend_max_columns = max_columns
        # Widest entry: 20 px sample + label text + the spacing between columns.
        metrics = QtGui.QFontMetrics(tick_font())
        self._legend_entry_width = max(
            (40 + metrics.horizontalAdvance(name) for _, name in entries), default=1)
        self.legend.clear()
        self.legend.setColumnCount(self._legend_columns(len(entries)))
        for item, name in entries:
            self.legend.addItem(item, html.escape(name))  # plain text: names may come from a file
            if item.scene() is None:
                # A legend-only marker: clicking it would "hide" nothing
                # (clicking a plotted item's entry hides that item).
                self.legend.items[-1][0].setEnabled(False)
        self._show_legend(bool(entries))
        self._relayout_legend()

    def _legend_columns(self, n_entries: int) -> int:
        """As many columns as fit the widget's width: a legend wider than
        the widget would push the plot out of view."""
        fitting = max(1, int((self.width() - 20) // self._legend_entry_width))
        return max(1, min(n_entries, self._legend_max_columns, fitting))

    def _show_legend(self, visible: bool) -> None:
        """Show or hide the legend row; the plot's top margin moves to the
        legend's canvas while it shows."""
        self.legend.setVisible(visible)
        self._legend_canvas.setVisible(visible)
        left, top, right, bottom = self._CANVAS_MARGINS
        self._canvas.ci.setContentsMargins(left, 0 if visible else top, right, bottom)

    def _relayout_legend(self) -> None:
        # Lay the row out now, not at the next event loop pass: a grab()
        # straight after (GIF export, tests) would show the old legend size.
        self.legend.updateGeometry()
        self._legend_canvas.ci.layout.activate()
        height = self.legend.effectiveSizeHint(QtCore.Qt.SizeHint.PreferredSize).height()
        self._legend_canvas.setFixedHeight(int(math.ceil(height)) + self._CANVAS_MARGINS[1])
        self.layout().activate()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.legend.items:
            columns = self._legend_columns(len(self.legend.items))
            if columns != self.legend.columnCount:
                self.legend.setColumnCount(columns)
                self._relayout_legend()


class GridFramedView(PlotView):
    """A :class:`PlotView` that asks the model for outputs on a grid over what
    it shows: the data's padded bounding box, or, while the frame is locked,
    the visible range (the decision surface, the prediction heatmap).

    Subclasses set ``grid_size`` (points per axis) and call
    :meth:`_set_points` from ``set_data`` with the shown ``(n, 2)`` points.
    """

    grid_size = 200

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._X = np.empty((0, 2))
        self._grid = GridSpec(frame_range([]), frame_range([]), self.grid_size, self.grid_size)

    def grid_spec(self) -> GridSpec:
        """The grid outputs are wanted on, ``grid_size`` squared: the data's
        bounding box plus 10% padding on each side ([-1.5, 1.5]^2 with no
        data), which is also the visible range; while the frame is locked,
        the visible range (whatever the data)."""
        return self._grid

    def _set_points(self, X2: np.ndarray) -> None:
        """The shown points changed (``X2``: the view's own copy, kept):
        frame them (unless the frame is locked)."""
        self._X = X2
        if not self._frame_locked:
            self._frame_data(always=False)

    def _frame_data(self, always: bool) -> None:
        """Frame the data: the grid and the visible range become its padded
        bounding box (the range is reset only if the grid moved, unless
        ``always``: a zoom survives re-setting the same data)."""
        grid = GridSpec(frame_range(self._X[:, 0]), frame_range(self._X[:, 1]), self.grid_size, self.grid_size)
        changed = grid != self._grid
        self._grid = grid
        if changed or always:
            self._show_range(grid)
        if changed:
            self.frame_changed.emit()

    def _frame_lock_changed(self, locked: bool) -> None:
        if locked:
            self._view_range_changed()
        else:
            self._frame_data(always=True)

    def _view_range_changed(self) -> None:
        grid = view_grid(self.plot_item.vb, self.grid_size)
        if grid != self._grid:
            self._grid = grid
            self.frame_changed.emit()

    def _show_range(self, grid: GridSpec) -> None:
        self.plot_item.vb.setRange(xRange=grid.x_range, yRange=grid.y_range, padding=0)


def as_1d(name: str, values, length: int | None = None, dtype=np.float64,
          finite: bool = False) -> np.ndarray:
    """``values`` as a 1-D array (of ``length`` when given; all finite when
    ``finite``), else ValueError. Model outputs may hold NaN/inf (a
    diverged model); data may not."""
    array = np.asarray(values, dtype=dtype)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if length is not None and array.shape[0] != length:
        raise ValueError(f"{name} must have length {length}, got {array.shape[0]}")
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return array


def as_points(name: str, values) -> np.ndarray:
    """``values`` as a finite (n, 2) float array, else ValueError."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n, 2), got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return array


# Model outputs beyond this are drawn at it: Qt geometry overflows on
# values like 1e308 (and ScatterPlotItem's bounds turn inf - inf into NaN).
DISPLAY_LIMIT = 1e12


def displayable(values: np.ndarray) -> np.ndarray:
    """Model outputs made safe to draw: NaN stays NaN (a gap), +-inf and
    huge values are clipped to +-DISPLAY_LIMIT."""
    return np.clip(values, -DISPLAY_LIMIT, DISPLAY_LIMIT)


def as_mask(name: str, values, length: int) -> np.ndarray:
    """A boolean mask of ``length`` (None = all False), else ValueError."""
    if values is None:
        return np.zeros(length, dtype=bool)
    array = np.asarray(values)
    if array.shape != (length,):
        raise ValueError(f"{name} must have shape ({length},), got {array.shape}")
    if array.dtype != bool:
        raise ValueError(f"{name} must be a boolean array, got dtype {array.dtype}")
    return array
