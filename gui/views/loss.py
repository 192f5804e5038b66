"""The loss view: training and validation loss, and the metric, per epoch."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ._decimate import GrowingArray, PeakPyramid, peak_display
from ._style import as_1d, displayable, make_layout_widget, set_label, style_plot
from .colors import FOREGROUND, GRID_ALPHA, TRAIN_COLOR, VALIDATION_COLOR

SERIES = ("loss", "val_loss", "score", "val_score")
METRICS = ("accuracy", "R²")
# Wider antialiased pens cost ~7x more to stroke on the raster engine once a
# long noisy run is decimated into per-pixel min/max strokes (measured: 4
# curves, 100k epochs, 35 ms vs 5 ms per frame), so the curves are 1 px.
CURVE_WIDTH = 1
_HEX_FOREGROUND = "#{:02x}{:02x}{:02x}".format(*FOREGROUND)
_TRAIN_KEY = "<span style='color:#{:02x}{:02x}{:02x}'>━ training</span>".format(*TRAIN_COLOR)
_VAL_KEY = "<span style='color:#{:02x}{:02x}{:02x}'>━ validation</span>".format(
    *VALIDATION_COLOR)


def _format_metric(metric: str, value: float) -> str:
    if not math.isfinite(value):
        return "–"
    return f"{100 * value:.1f}%" if metric == "accuracy" else f"{value:.3f}"


def _colored(text: str, rgb) -> str:
    return "<span style='color:#{:02x}{:02x}{:02x}'>{}</span>".format(*rgb, text)


def _format_loss(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else "–"


class LossAxis(pg.AxisItem):
    """The loss axis: one tick level (grid lines only where labels are: the
    minor-level grid cost ~5 ms a frame), still labelled on a log scale
    spanning less than a decade.

    pyqtgraph ticks a log axis at 10^k (major) and 2..9 x 10^k (minor), so a
    loss between 1.07 and 1.4 got no tick at all. Here: decades when there
    are 3 or more in view, else all the 1..9 x 10^k ticks, else round linear
    values (1.1, 1.2, ...) placed at their logarithms; labels keep 3
    significant digits rather than pyqtgraph's one.
    """

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        major = sorted(v for spacing, values in ticks if spacing is not None for v in values)
        if len(major) >= 3:
            return [(1.0, major)]
        every = sorted(v for _, values in ticks for v in values)
        if len(every) >= 2:
            return [(None, every)]
        low, high = 10.0 ** minVal, 10.0 ** maxVal
        wanted = max(2.0, size / 60.0)                 # about one tick per 60 px
        raw = (high - low) / wanted
        magnitude = 10.0 ** math.floor(math.log10(raw))
        step = next(magnitude * k for k in (1, 2, 5, 10) if magnitude * k >= raw)
        values = np.arange(math.ceil(low / step) * step, high, step)
        return [(None, list(np.log10(values[values > 0])))]

    def logTickStrings(self, values, scale, spacing):
        return [f"{10.0 ** value * scale:.3g}" for value in values]


class EpochAxis(pg.AxisItem):
    """Epoch ticks as 250k / 1.5M instead of 250000 / 1.5e+06."""

    def tickStrings(self, values, scale, spacing):
        strings = []
        for value in values:
            value = value * scale
            if abs(value) >= 1e6:
                strings.append(f"{value / 1e6:g}M")
            elif abs(value) >= 1e4:
                strings.append(f"{value / 1e3:g}k")
            else:
                strings.append(f"{value:g}")
        return strings


class LossView(QtWidgets.QWidget):
    """Training and validation loss (top plot) and the metric (bottom plot,
    accuracy or R²) against the epoch, with a log-scale switch for the loss.

    ``append`` is called about 60 times a second with every epoch since the
    previous call. The full history is kept in growing NumPy buffers; what is
    drawn is decimated through a min/max pyramid (:mod:`._decimate`) to about
    two points per pixel column of the visible x range, so a frame costs the
    same after a million epochs as after a thousand, and no spike is lost.
    The curves also keep pyqtgraph's ``peak`` auto-downsampling and
    clip-to-view, which then have little left to do.

    Attributes
    ----------
    loss_plot, metric_plot : pg.PlotItem
    curves : dict[str, pg.PlotDataItem]
        Keys ``"loss"``, ``"val_loss"``, ``"score"``, ``"val_score"``.
    epoch_label : QLabel
        The newest epoch and the curves' colour keys (the legend).
    readout : QLabel
        The newest loss and metric, training / validation.
    log_check : QCheckBox
        The user's log-scale switch (mirrors :meth:`set_log_scale`).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(260, 220)

        # Header: "epoch N" and the colour keys (the legend), the log switch,
        # and below them the newest values, coloured like their curves.
        self.epoch_label = QtWidgets.QLabel()
        self.readout = QtWidgets.QLabel()
        for label in (self.epoch_label, self.readout):
            label.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.log_check = QtWidgets.QCheckBox("Log scale")
        self.log_check.setToolTip("Show the loss on a logarithmic axis "
                                  "(small late improvements stay visible).")
        self.log_check.toggled.connect(self._on_log_check_toggled)
        header = QtWidgets.QWidget()
        header.setObjectName("lossHeader")
        header.setStyleSheet(f"#lossHeader {{ background: white; }} "
                             f"QLabel, QCheckBox {{ color: {_HEX_FOREGROUND}; }}")
        header_layout = QtWidgets.QGridLayout(header)
        header_layout.setContentsMargins(10, 6, 10, 2)
        header_layout.setVerticalSpacing(2)
        header_layout.addWidget(self.epoch_label, 0, 0)
        header_layout.addWidget(self.log_check, 0, 1)
        header_layout.addWidget(self.readout, 1, 0, 1, 2)
        header_layout.setColumnStretch(0, 1)

        self._canvas = make_layout_widget()
        self._canvas.ci.setContentsMargins(4, 0, 10, 4)
        self._canvas.ci.setSpacing(2)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self._canvas, 1)

        self.loss_plot: pg.PlotItem = self._canvas.addPlot(
            row=0, col=0, axisItems={"left": LossAxis("left"), "bottom": EpochAxis("bottom")})
        self.metric_plot: pg.PlotItem = self._canvas.addPlot(
            row=1, col=0, axisItems={"bottom": EpochAxis("bottom")})
        self._canvas.ci.layout.setRowStretchFactor(0, 3)
        self._canvas.ci.layout.setRowStretchFactor(1, 2)
        for plot in (self.loss_plot, self.metric_plot):
            style_plot(plot)
            # Horizontal grid lines at the labelled values only: the full
            # pyqtgraph grid (both axes, minor levels) doubled a frame's cost.
            plot.showGrid(y=True, alpha=GRID_ALPHA)
            plot.getAxis("left").setStyle(maxTickLevel=0, maxTextLevel=0)
            plot.getAxis("left").setWidth(52)   # both plots' y axes line up
        self.metric_plot.setXLink(self.loss_plot)
        # The x-linked plots share the epoch axis: label it once, at the bottom.
        self.loss_plot.getAxis("bottom").setStyle(showValues=False)
        set_label(self.loss_plot, "left", "loss")
        set_label(self.metric_plot, "bottom", "epoch")

        self.curves: dict[str, pg.PlotDataItem] = {}
        for name in SERIES:
            is_val = name.startswith("val_")
            color = VALIDATION_COLOR if is_val else TRAIN_COLOR
            curve = pg.PlotDataItem(pen=pg.mkPen(color, width=CURVE_WIDTH), antialias=True)
            (self.metric_plot if "score" in name else self.loss_plot).addItem(curve)
            self.curves[name] = curve
        for plot in (self.loss_plot, self.metric_plot):
            # Set through the PlotItem (it pushes its own settings onto items
            # it adds, and shows them in its context menu).
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)

        self._epochs = GrowingArray()
        self._series = {name: GrowingArray() for name in SERIES}
        self._pyramids = {name: PeakPyramid() for name in SERIES}
        self._shown: dict[str, tuple] = {}
        self._metric = "accuracy"
        for plot in (self.loss_plot, self.metric_plot):
            plot.vb.sigXRangeChanged.connect(self._on_x_range_changed)
        self.reset("accuracy")

    # -- public API ----------------------------------------------------------
    def reset(self, metric_name: str) -> None:
        """Forget every epoch; the metric plot will show ``metric_name``
        ("accuracy" or "R²")."""
        if metric_name not in METRICS:
            raise ValueError(f"metric_name must be one of {METRICS}, got {metric_name!r}")
        self._metric = metric_name
        self._epochs.clear()
        for name in SERIES:
            self._series[name].clear()
            self._pyramids[name].clear()
            self.curves[name].setData([], [])
        self._shown.clear()
        set_label(self.metric_plot, "left", metric_name)
        # Accuracy lives in [0, 1]; R² in (-inf, 1], but an early R² of -50
        # would squash the curve that matters, so the axis stops at -1.
        low = -0.05 if metric_name == "accuracy" else -1.05
        self.metric_plot.vb.setLimits(yMin=low, yMax=1.05)
        for plot in (self.loss_plot, self.metric_plot):
            plot.enableAutoRange()
        self.epoch_label.setText(f"<b>epoch 0</b> &nbsp;&nbsp; {_TRAIN_KEY} &nbsp; {_VAL_KEY}")
        self.readout.setText(f"loss – &nbsp;·&nbsp; {metric_name} –")

    def append(self, epochs, loss, val_loss, score, val_score) -> None:
        """Add epochs to the curves.

        Parameters
        ----------
        epochs : array of shape (m,)
            Epoch numbers, increasing, after every epoch already shown.
        loss, val_loss, score, val_score : arrays of shape (m,)
            The epochs' training loss, validation loss, training metric and
            validation metric (NaN where there is no validation).
        """
        epochs = as_1d("epochs", epochs)
        m = epochs.shape[0]
        columns = {name: as_1d(name, values, m) for name, values in
                   zip(SERIES, (loss, val_loss, score, val_score))}
        if m == 0:
            return
        previous = self._epochs.values[-1] if self._epochs.size else -np.inf
        if not (epochs[0] > previous and np.all(np.diff(epochs) > 0)):
            raise ValueError(f"epochs must increase after the last shown epoch "
                             f"{previous}, got {epochs[:5].tolist()}...")
        self._epochs.extend(epochs)
        for name, values in columns.items():
            self._series[name].extend(values)
            self._pyramids[name].update(self._series[name].values)
        self._redraw()
        self._update_readout()

    def set_log_scale(self, on: bool) -> None:
        """Show the loss on a log10 axis (True) or a linear one."""
        on = bool(on)
        self.loss_plot.setLogMode(y=on)
        if self.log_check.isChecked() != on:
            blocker = QtCore.QSignalBlocker(self.log_check)
            self.log_check.setChecked(on)
            del blocker

    def log_scale(self) -> bool:
        return self.loss_plot.getAxis("left").logMode

    @property
    def n_epochs(self) -> int:
        """Number of epochs held."""
        return self._epochs.size

    def data(self, name: str) -> np.ndarray:
        """The full history of ``name`` ("epoch" or one of SERIES), a copy."""
        if name == "epoch":
            return self._epochs.values.copy()
        if name not in self._series:
            raise ValueError(f"name must be 'epoch' or one of {SERIES}, got {name!r}")
        return self._series[name].values.copy()

    # -- drawing -------------------------------------------------------------
    def _on_log_check_toggled(self, checked: bool) -> None:
        self.set_log_scale(checked)

    def _on_x_range_changed(self, *args) -> None:
        # Zooming in shows finer detail; the cache makes this a no-op when
        # the decimation would not change (e.g. auto-range following data).
        self._redraw()

    def _visible_span(self, plot: pg.PlotItem) -> tuple[int, int, int]:
        """Sample range [start, stop) in view, and the block budget (one
        block per pixel column)."""
        n = self._epochs.size
        vb = plot.vb
        width = int(vb.width()) if vb.width() > 1 else 800
        if vb.autoRangeEnabled()[0]:
            return 0, n, width
        x_low, x_high = vb.viewRange()[0]
        start, stop = np.searchsorted(self._epochs.values, (x_low, x_high))
        return max(0, int(start) - 1), min(n, int(stop) + 1), width

    def _redraw(self) -> None:
        n = self._epochs.size
        if n == 0:
            return
        x = self._epochs.values
        for plot, names in ((self.loss_plot, SERIES[:2]), (self.metric_plot, SERIES[2:])):
            start, stop, width = self._visible_span(plot)
            if stop <= start:
                continue
            for name in names:
                key = (start, stop, width, n)
                if self._shown.get(name) == key:
                    continue
                self._shown[name] = key
                xs, ys = peak_display(x, self._series[name].values, self._pyramids[name],
                                      start, stop, width)
                self.curves[name].setData(xs, displayable(ys))

    def _update_readout(self) -> None:
        last = {name: float(self._series[name].values[-1]) for name in SERIES}
        metric = self._metric
        has_validation = math.isfinite(last["val_loss"]) or math.isfinite(last["val_score"])
        keys = f"{_TRAIN_KEY} &nbsp; {_VAL_KEY}" if has_validation else _TRAIN_KEY
        self.epoch_label.setText(f"<b>epoch {int(self._epochs.values[-1]):,}</b> "
                                 f"&nbsp;&nbsp; {keys}")
        loss = _colored(_format_loss(last["loss"]), TRAIN_COLOR)
        score = _colored(_format_metric(metric, last["score"]), TRAIN_COLOR)
        if has_validation:
            loss += " / " + _colored(_format_loss(last["val_loss"]), VALIDATION_COLOR)
            score += " / " + _colored(_format_metric(metric, last["val_score"]),
                                      VALIDATION_COLOR)
        self.readout.setText(f"loss {loss} &nbsp;·&nbsp; {metric} {score}")
