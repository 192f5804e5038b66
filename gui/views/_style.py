"""Small helpers that give every plot the same light look (fonts, axis pens,
no stray buttons) and shared argument checks."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from .colors import BACKGROUND, FOREGROUND, GRID_ALPHA, HIGHLIGHT, MUTED

WHITE = (255, 255, 255)
POINT_SIZE = 9

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
    plot_item.setLabel(axis, text, **LABEL_STYLE)


class LayoutWidget(pg.GraphicsLayoutWidget):
    """A ``GraphicsLayoutWidget`` whose scene is painted with the
    interpreter lock released.

    pyqtgraph's ``GraphicsView.paintEvent`` is Python: it readies the scene
    (``prepareForPaint``: auto-range, view matrices) and calls Qt's paint
    from Python, and PySide keeps the interpreter lock for the whole call.
    Every frame of the decision surface and the loss curves then stopped
    the training thread for the whole paint (measured: a NumPy thread ran at
    7% of its speed while a view repainted without pause, 70-86% with Qt's
    own ``paintEvent``). Here ``paintEvent`` is Qt's, and a viewport event
    filter readies the scene just before each paint, so only the Python
    items' own callbacks take the lock.
    """

    paintEvent = QtWidgets.QGraphicsView.paintEvent  # noqa: N815 - Qt's, not an override

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
    legend in its own row above it, so the legend never hides data.

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

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._canvas = make_layout_widget()
        self._canvas.ci.setContentsMargins(4, 4, 10, 4)
        self._canvas.ci.setSpacing(0)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._canvas)
        self.setMinimumSize(240, 200)

        self.legend = pg.LegendItem(colCount=1, labelTextColor=FOREGROUND,
                                    labelTextSize="9pt", verSpacing=-6, horSpacing=14)
        # Fixed size: a stretched legend would spread its entries over the row.
        self.legend.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed,
                                  QtWidgets.QSizePolicy.Policy.Fixed)
        self._canvas.addItem(self.legend, row=0, col=0)
        self._canvas.ci.layout.setAlignment(self.legend, QtCore.Qt.AlignmentFlag.AlignLeft)
        self.plot_item: pg.PlotItem = self._canvas.addPlot(row=1, col=0)
        style_plot(self.plot_item)
        # The axes (and the grid lines they draw) change only when the view
        # range does; the picture under them changes every frame while
        # training. Uncached, the two axes re-drew their ticks and labels on
        # every frame: about a third of the decision view's paint time.
        for axis in ("left", "bottom"):
            cache_static(self.plot_item.getAxis(axis))
        self._legend_key = None
        self._legend_max_columns = 6
        self._legend_entry_width = 1
        self.legend.hide()
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
            self.legend.addItem(item, name)
            if item.scene() is None:
                # A legend-only marker: clicking it would "hide" nothing
                # (clicking a plotted item's entry hides that item).
                self.legend.items[-1][0].setEnabled(False)
        self.legend.setVisible(bool(entries))
        self._relayout_legend()

    def _legend_columns(self, n_entries: int) -> int:
        """As many columns as fit the widget's width: a legend wider than
        the widget would push the plot out of view."""
        fitting = max(1, int((self.width() - 20) // self._legend_entry_width))
        return max(1, min(n_entries, self._legend_max_columns, fitting))

    def _relayout_legend(self) -> None:
        # Lay the row out now, not at the next event loop pass: a grab()
        # straight after (GIF export, tests) would show the old legend size.
        self.legend.updateGeometry()
        self._canvas.ci.layout.activate()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.legend.items:
            columns = self._legend_columns(len(self.legend.items))
            if columns != self.legend.columnCount:
                self.legend.setColumnCount(columns)
                self._relayout_legend()


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
