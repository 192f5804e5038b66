"""Regression views: a fitted curve over 1-feature data, a prediction heatmap
over 2-feature data, and predicted against actual for any number of
features."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ._colormaps import REGRESSION_CMAP
from ._scatter import GroupedScatter, UniformScatterItem
from ._style import (
    POINT_SIZE,
    WHITE,
    GridFramedView,
    PlotView,
    as_1d,
    as_mask,
    as_points,
    displayable,
    drawn_rows,
    sample_note,
    set_label,
    style_plot,
    train_sample,
    validation_sample,
)
from .classification import SmoothImageItem
from .colors import FIT_COLOR, FOREGROUND, MUTED, PALETTE, REGRESSION_STOPS, map_stops
from .grid import frame_range

CURVE_POINTS = 400     # samples of the fitted curve across the frame
DEFAULT_HORIZON = 50   # steps of the time series' forecast past the end
HEATMAP_SIZE = 200     # grid points per axis of the prediction heatmap
POINT_COLOR = PALETTE[0]
POINT_EDGE = (45, 45, 45, 200)
VAL_DIAMOND_SIZE = 11
#: target colour steps of the heatmap's points (the heatmap itself is smooth)
COLOUR_LEVELS = 16


def target_levels(y: np.ndarray) -> tuple[float, float]:
    """Colour-map limits for targets ``y``.

    Targets of both signs: symmetric around 0, ``(-m, m)`` with ``m =
    max|y|``, so the diverging map's pale middle means zero. One sign: their
    min and max. One unit around a constant target; (0, 1) with no data.
    """
    y = y[np.isfinite(y)]
    if y.size == 0:
        return (0.0, 1.0)
    low, high = float(y.min()), float(y.max())
    if high - low <= 1e-12 * max(1.0, abs(low)):
        return (low - 0.5, high + 0.5)
    if low < 0.0 < high:
        bound = max(-low, high)
        return (-bound, bound)
    return (low, high)


def target_level(y: np.ndarray, levels: tuple[float, float]) -> np.ndarray:
    """``(n,)`` int: the colour level ``0..COLOUR_LEVELS - 1`` of each target
    over ``levels`` (the map's position ``t = (y - low) / (high - low)``, in
    COLOUR_LEVELS equal steps: a point's colour is its step's middle)."""
    t = np.clip((y - levels[0]) / (levels[1] - levels[0]), 0.0, 1.0)
    return np.minimum((np.nan_to_num(t, nan=0.5) * COLOUR_LEVELS).astype(np.intp), COLOUR_LEVELS - 1)


def split_looks(size: float, train_edge: float, val_edge: float) -> list[dict]:
    """The looks of training (filled) and validation (hollow) points."""
    return [{"symbol": "o", "size": size, "brush": pg.mkBrush(POINT_COLOR), "pen": pg.mkPen(WHITE, width=train_edge)},
            {"symbol": "o", "size": size, "brush": pg.mkBrush(WHITE), "pen": pg.mkPen(POINT_COLOR, width=val_edge)}]


class Regression1DView(PlotView):
    """1-feature regression: the data points and the model's fitted curve.

    Training points are filled, validation points hollow. The curve is
    evaluated on :meth:`curve_x` (the data's x range plus 10% padding); the
    view frames the data once per :meth:`set_data`, so a wild early fit
    does not rescale the plot (right-click "View All" shows everything).
    While the frame is locked (:meth:`set_frame_locked`) ``set_data`` keeps
    the visible range and the curve spans the visible x range.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        # training points filled, validation points hollow
        self.points = GroupedScatter(self.plot_item, split_looks(POINT_SIZE, 1.0, 2.2))
        self.curve_item = pg.PlotDataItem(pen=pg.mkPen(FIT_COLOR, width=3), antialias=True)
        self.curve_item.setZValue(5)
        self.plot_item.addItem(self.curve_item)
        self._samples = (train_sample(), validation_sample())
        self._x_range = frame_range([])
        self._curve_x = np.linspace(*self._x_range, CURVE_POINTS)
        self._x, self._y = np.empty(0), np.empty(0)
        self.set_axis_labels("x", "y")
        self.set_data(np.empty(0), np.empty(0))

    def set_data(self, x, y, val_mask=None) -> None:
        """Show the data: ``x``, ``y`` of shape (n,), ``val_mask`` (n,) bool
        (True = validation, drawn hollow)."""
        x = as_1d("x", x, finite=True)
        y = as_1d("y", y, x.shape[0], finite=True)
        val_mask = as_mask("val_mask", val_mask, x.shape[0])
        drawn = drawn_rows(x.shape[0])
        rows = slice(None) if drawn is None else drawn
        self.points.set_data(np.column_stack([x[rows], y[rows]]), val_mask[rows].astype(np.intp))
        self.set_caption(sample_note(x.shape[0]), "sample")
        entries = [(self.points.items[0], "data")]
        if val_mask.any():
            entries = [(self._samples[0], "train"), (self._samples[1], "validation")]
        self._set_legend(entries + [(self.curve_item, "model")])
        self._x, self._y = x.copy(), y.copy()
        if not self._frame_locked:
            self._frame_data()

    def curve_x(self) -> np.ndarray:
        """Where the curve is wanted: CURVE_POINTS evenly spaced x across the
        data's range plus 10% padding (shape (m,)), which is also the
        visible x range; while the frame is locked, the visible x range."""
        return self._curve_x.copy()

    def _set_x_range(self, x_range: tuple[float, float]) -> None:
        x_range = (float(x_range[0]), float(x_range[1]))
        if x_range != self._x_range:
            self._x_range = x_range
            self._curve_x = np.linspace(*x_range, CURVE_POINTS)
            self.frame_changed.emit()

    def _frame_data(self) -> None:
        x_range = frame_range(self._x)
        self.plot_item.vb.setRange(xRange=x_range, yRange=frame_range(self._y), padding=0)
        self._set_x_range(x_range)

    def _frame_lock_changed(self, locked: bool) -> None:
        if locked:
            self._view_range_changed()
        else:
            self._frame_data()

    def _view_range_changed(self) -> None:
        self._set_x_range(self.plot_item.vb.viewRange()[0])

    def set_curve(self, yhat) -> None:
        """The model's predictions on :meth:`curve_x` (shape (m,); None hides)."""
        if yhat is None:
            self.curve_item.setData([], [])
            return
        yhat = as_1d("yhat", yhat, self._curve_x.shape[0])
        self.curve_item.setData(self._curve_x, displayable(yhat))


class RegressionHeatmapView(GridFramedView):
    """2-feature regression: a heatmap of the model's predictions (with a
    colour bar) under the data points coloured by their target with the
    same colour map and limits, so a good fit makes the points blend into
    the background. Training points are circles, validation points diamonds
    (a hollow marker would lose the target's colour). While the frame is
    locked (:meth:`set_frame_locked`) ``set_data`` keeps the visible range
    and the grid covers it.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.image_item = SmoothImageItem(axisOrder="row-major")
        self.image_item.setZValue(-10)
        self.image_item.hide()
        self.plot_item.addItem(self.image_item)
        self._levels = (0.0, 1.0)
        self.colorbar = pg.ColorBarItem(values=self._levels, colorMap=REGRESSION_CMAP,
                                        interactive=False, width=14, colorMapMenu=False)
        self.colorbar.setImageItem(self.image_item, insert_in=self.plot_item)
        style_plot(self.colorbar)
        set_label(self.colorbar, "left", "target")
        # one look per colour level of the target and split: training
        # points circles, validation points diamonds
        colours = map_stops((np.arange(COLOUR_LEVELS) + 0.5) / COLOUR_LEVELS, REGRESSION_STOPS)
        edge = pg.mkPen(POINT_EDGE, width=1)
        self.points = GroupedScatter(self.plot_item, [
            {"symbol": symbol, "size": size, "brush": pg.mkBrush(*colour), "pen": edge}
            for symbol, size in (("o", POINT_SIZE), ("d", VAL_DIAMOND_SIZE)) for colour in colours])
        self._samples = (pg.ScatterPlotItem(symbol="o", size=POINT_SIZE, brush=pg.mkBrush(MUTED),
                                            pen=pg.mkPen(POINT_EDGE, width=1)),
                         pg.ScatterPlotItem(symbol="d", size=VAL_DIAMOND_SIZE,
                                            brush=pg.mkBrush(MUTED),
                                            pen=pg.mkPen(POINT_EDGE, width=1)))
        self._image_rect = None
        self.set_axis_labels("x1", "x2")
        self.set_data(np.empty((0, 2)), np.empty(0))

    grid_size = HEATMAP_SIZE

    def set_data(self, X2, y, val_mask=None) -> None:
        """Show the data: ``X2`` (n, 2), targets ``y`` (n,), ``val_mask`` (n,)
        bool. The colour limits become the targets' min and max."""
        X2 = as_points("X2", X2)
        y = as_1d("y", y, X2.shape[0], finite=True)
        val_mask = as_mask("val_mask", val_mask, X2.shape[0])
        self._levels = target_levels(y)
        self.colorbar.setLevels(values=self._levels)
        drawn = drawn_rows(X2.shape[0])
        rows = slice(None) if drawn is None else drawn
        self.points.set_data(X2[rows], target_level(y[rows], self._levels) + COLOUR_LEVELS * val_mask[rows])
        self.set_caption(sample_note(X2.shape[0]), "sample")
        if val_mask.any():
            self._set_legend([(self._samples[0], "train"), (self._samples[1], "validation")])
        else:
            self._set_legend([])
        self._set_points(X2.copy())

    def set_surface(self, values) -> None:
        """The model's predictions on :meth:`grid_spec`'s points (shape
        (ny * nx,), row-major: y outer, x inner); None hides the heatmap."""
        if values is None:
            self.image_item.hide()
            return
        grid = self._grid
        values = as_1d("values", values, grid.nx * grid.ny)
        # Trap: setRect before the first setImage gives a stretched one-colour image.
        image = displayable(values).reshape(grid.ny, grid.nx)
        self.image_item.setImage(image, autoLevels=False, levels=self._levels)
        rect = grid.pixel_rect()
        if rect != self._image_rect:
            self.image_item.setRect(*rect)
            self._image_rect = rect
        self.image_item.show()


class PredictedActualView(PlotView):
    """Predicted against actual target, one point per row, with the y = x
    line a perfect model would sit on; the title says which rows (R² per
    split is in the loss view's readout). Suits data with
    any number of features. ``set_data`` runs every frame (the predictions
    move), so the points are a :class:`~._scatter.UniformScatterItem`: one
    look for all, positions set in milliseconds even for 100k rows (a
    ``ScatterPlotItem`` took 140-150 ms a frame there).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        diagonal_pen = pg.mkPen(MUTED, width=1.5, style=QtCore.Qt.PenStyle.DashLine)
        self.diagonal_item = pg.InfiniteLine(pos=(0, 0), angle=45, pen=diagonal_pen)
        self.plot_item.addItem(self.diagonal_item)
        self.points_item = UniformScatterItem(symbol="o", size=7, antialias=True,
                                              brush=pg.mkBrush(*POINT_COLOR, 170),
                                              pen=pg.mkPen(WHITE, width=0.8))
        self.plot_item.addItem(self.points_item)
        self._y_true = None
        self.set_axis_labels("actual", "predicted")
        self._set_title("")

    def set_data(self, y_true, y_pred) -> None:
        """Actual targets and the model's predictions, both shape (n,)."""
        y_true = as_1d("y_true", y_true, finite=True)
        y_pred = as_1d("y_pred", y_pred, y_true.shape[0])
        finite = np.isfinite(y_pred)
        # Rows without a finite prediction are left out, not drawn at NaN.
        self.points_item.setData(pos=np.column_stack([y_true[finite], displayable(y_pred[finite])]))
        if self._y_true is None or not np.array_equal(y_true, self._y_true):
            self._y_true = y_true.copy()
            frame = frame_range(y_true)
            self.plot_item.vb.setRange(xRange=frame, yRange=frame, padding=0)
        self._set_title(f"all {y_true.size:,} rows, training and validation" if y_true.size else "")

    def _set_title(self, text: str) -> None:
        if text != getattr(self, "_title", None):
            self._title = text
            self.plot_item.setTitle(text, color="#{:02x}{:02x}{:02x}".format(*FOREGROUND), size="10pt")


class TimeSeriesView(PlotView):
    """A signal over time (grey line; training samples filled, validation
    samples hollow), the model's one-step-ahead prediction, and its forecast
    past the end (fed its own predictions, dashed) for ``horizon_box``
    steps."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.signal_item = pg.PlotDataItem(pen=pg.mkPen(MUTED, width=1.2), antialias=True)
        self.signal_item.setZValue(1)
        self.plot_item.addItem(self.signal_item)
        self.points = GroupedScatter(self.plot_item, split_looks(6, 0.8, 1.8), z_value=5)
        self.prediction_item = pg.PlotDataItem(pen=pg.mkPen(FIT_COLOR, width=2), antialias=True)
        self.prediction_item.setZValue(10)
        self.plot_item.addItem(self.prediction_item)
        self.forecast_item = pg.PlotDataItem(
            pen=pg.mkPen(FIT_COLOR, width=2, style=QtCore.Qt.PenStyle.DashLine), antialias=True)
        self.forecast_item.setZValue(10)
        self.plot_item.addItem(self.forecast_item)
        # The forecast's length, under the plot.
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(8, 2, 8, 4)
        label = QtWidgets.QLabel("Forecast past the end:")
        self.horizon_box = QtWidgets.QSpinBox()
        self.horizon_box.setRange(0, 1000)
        self.horizon_box.setSingleStep(10)
        self.horizon_box.setValue(DEFAULT_HORIZON)
        self.horizon_box.setSuffix(" steps")
        tip = ("How far the dashed forecast runs past the last sample: the model is fed its own "
               "predictions, one step at a time. 0 for none.")
        for widget in (label, self.horizon_box):
            widget.setToolTip(tip)
            row.addWidget(widget)
        row.addStretch(1)
        self.layout().addLayout(row)
        self._step = 1.0
        self._samples = (pg.ScatterPlotItem(symbol="o", size=6, brush=pg.mkBrush(POINT_COLOR),
                                            pen=pg.mkPen(WHITE, width=0.8)),
                         pg.ScatterPlotItem(symbol="o", size=6, brush=pg.mkBrush(WHITE),
                                            pen=pg.mkPen(POINT_COLOR, width=1.8)))
        self._time = np.empty(0)
        self._order = np.empty(0, dtype=np.intp)
        self.set_axis_labels("time", "value")
        self.set_data(np.empty(0), np.empty(0))

    def set_data(self, time, y, val_mask=None) -> None:
        """The signal: ``time`` (n,), values ``y`` (n,), ``val_mask`` (n,)
        bool (True = validation sample)."""
        time = as_1d("time", time, finite=True)
        y = as_1d("y", y, time.shape[0], finite=True)
        val_mask = as_mask("val_mask", val_mask, time.shape[0])
        self._order = np.argsort(time, kind="stable")
        self._time = time[self._order]
        self._last_value = y[self._order][-1:]
        self.forecast_item.setData([], [])
        self.signal_item.setData(self._time, y[self._order])
        self.points.set_data(np.column_stack([time, y]), val_mask.astype(np.intp))
        if val_mask.any():
            entries = [(self._samples[0], "train"), (self._samples[1], "validation")]
        else:
            entries = [(self._samples[0], "data")]
        self.prediction_item.setData([], [])
        self._set_legend(entries + [(self.prediction_item, "one-step-ahead prediction")])
        self.plot_item.vb.setRange(xRange=frame_range(time, padding=0.02),
                                   yRange=frame_range(y), padding=0)

    def set_forecast(self, time, values) -> None:
        """The forecast past the end: ``time`` and ``values``, both (h,);
        None hides it. The x range makes room for it."""
        if time is None or len(time) == 0:
            self.forecast_item.setData([], [])
            return
        time = as_1d("time", time, finite=True)
        values = as_1d("values", values, time.shape[0])
        # joined to the last sample, so the dashes continue the signal
        x = np.concatenate([self._time[-1:], time]) if self._time.size else time
        y = np.concatenate([self._last_value, displayable(values)]) if self._time.size else displayable(values)
        self.forecast_item.setData(x, y)
        end = float(time[-1])
        if end > self.plot_item.vb.viewRange()[0][1]:
            start = float(self._time[0]) if self._time.size else float(time[0])
            self.plot_item.vb.setXRange(*frame_range(np.array([start, end]), padding=0.02), padding=0)

    def set_prediction(self, yhat) -> None:
        """The model's prediction for every sample (shape (n,), in the order
        given to :meth:`set_data`; NaN leaves a gap); None hides it."""
        if yhat is None:
            self.prediction_item.setData([], [])
            self.forecast_item.setData([], [])
            return
        yhat = as_1d("yhat", yhat, self._time.shape[0])
        self.prediction_item.setData(self._time, displayable(yhat[self._order]))
