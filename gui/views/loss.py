"""The loss view: training and validation loss, and the metric, per epoch."""

from __future__ import annotations

import math
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ._history import PeakHistory
from ._style import DISPLAY_LIMIT, AxisItem, as_1d, displayable, make_layout_widget, set_label, style_plot, tick_font
from .colors import FOREGROUND, GRID_ALPHA, MUTED, TRAIN_COLOR, VALIDATION_COLOR

SERIES = ("loss", "val_loss", "score", "val_score")
METRICS = ("accuracy", "R²")
# The curves are 1-pixel hairlines without antialiasing: wider antialiased
# pens cost ~7x more to stroke on the raster engine once a long noisy run is
# decimated into per-pixel min/max strokes (measured: 4 curves, 100k epochs,
# 35 ms vs 5 ms per frame), and antialiasing changes little on strokes that
# are mostly one vertical min-max line per pixel column.
_HEX_FOREGROUND = "#{:02x}{:02x}{:02x}".format(*FOREGROUND)
# The header's colour keys, as (text, colour, bold) runs of a _TextLine.
_GAP = ("   ", None, False)
_TRAIN_KEY = ("━ training", TRAIN_COLOR, False)
_VAL_KEY = ("━ validation", VALIDATION_COLOR, False)


def _format_metric(metric: str, value: float) -> str:
    """Accuracy as a percentage; R² with three decimals while it is readable
    that way (|R²| < 1000), else in three significant digits: a diverged
    model's R² of -5.2e19 must not print as twenty digits."""
    if not math.isfinite(value):
        return "–"
    if metric == "accuracy":
        return f"{100 * value:.1f}%"
    return f"{value:.3f}" if abs(value) < 1000 else f"{value:.3g}"


def _colored(text: str, rgb) -> str:
    return "<span style='color:#{:02x}{:02x}{:02x}'>{}</span>".format(*rgb, text)


class _TextLine(QtWidgets.QWidget):
    """One line of text runs in their own colours (the loss view's epoch line
    and readout), painted directly, on an opaque background.

    A rich-text ``QLabel`` did the same with HTML, but paints twice per
    change (its text document lays out after the first paint and asks for
    another) and is transparent (every ancestor repaints under it): three
    repaint passes of the window per frame instead of two, for two labels
    whose text changes on every frame. ``text()`` gives the line as rich
    text.
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._runs: tuple = ()
        self._bold = QtGui.QFont(self.font())
        self._bold.setBold(True)
        self.on_wider = None  # called when the runs need more lines than the widget has room for
        # run widths by (text, bold): the header is laid out on every frame
        # and on every paint, and most runs ("loss ", " · ") never change
        self._advances: dict[tuple[str, bool], int] = {}

    def set_runs(self, runs) -> None:
        """``runs``: (text, (r, g, b) or None for the foreground colour, bold).
        A run whose text starts with a space may begin a new line (its
        leading spaces and "·" dropped there) when the line is too narrow."""
        runs = tuple(runs)
        if runs != self._runs:
            self._runs = runs
            if self.on_wider is not None and len(self.lines(self.width())) * self.line_height() > self.height():
                self.on_wider()
            self.update()

    def lines(self, width: int) -> list[list[tuple]]:
        """The runs broken into lines no wider than ``width`` where they
        allow it: before a run that starts with a space (dropped there, with
        a "·") or after a run of spaces; a line that still does not fit is
        clipped."""
        lines, line, line_width = [], [], 0
        for run in self._runs:
            line.append(run)
            line_width += self._advance(run[0], run[2])
            if line_width <= width or len(line) == 1:
                continue
            # the line overflows: cut it at its last break opportunity
            cuts = [i for i in range(1, len(line))
                    if line[i][0][:1] == " " or not line[i - 1][0].strip()]
            if not cuts:
                continue
            major = [i for i in cuts if line[i][0].lstrip().startswith("·")]  # between readouts
            cut = (major or cuts)[-1]
            lines.append(line[:cut])
            first_text, color, bold = line[cut]
            line = [(first_text.lstrip(" ·"), color, bold), *line[cut + 1:]]
            line_width = sum(self._advance(text, bold) for text, _, bold in line)
        lines.append(line)
        return [kept for kept in lines if kept]

    def _advance(self, text: str, bold: bool) -> int:
        """The width of ``text`` in the header's normal or bold font."""
        key = (text, bold)
        width = self._advances.get(key)
        if width is None:
            if len(self._advances) > 1024:  # changing numbers: forget, rather than grow
                self._advances.clear()
            font = self._bold if bold else self.font()
            width = self._advances[key] = QtGui.QFontMetrics(font, self).horizontalAdvance(text)
        return width

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.type() == QtCore.QEvent.Type.FontChange:
            self._bold = QtGui.QFont(self.font())
            self._bold.setBold(True)
            self._advances.clear()
        super().changeEvent(event)

    def text(self) -> str:
        parts = []
        for text, color, bold in self._runs:
            part = text if color is None else _colored(text, color)
            parts.append(f"<b>{part}</b>" if bold else part)
        return "".join(parts)

    def line_height(self) -> int:
        return max(QtGui.QFontMetrics(self._bold).height(), self.fontMetrics().height()) + 2

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QtGui.QPainter(self)
        painter.fillRect(self.rect(), QtGui.QColor(255, 255, 255))
        painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        normal = self.font()
        lines = self.lines(self.width())
        step = self.height() // max(1, len(lines))
        for number, line in enumerate(lines):
            x = 0
            baseline = number * step + (step + QtGui.QFontMetrics(normal).ascent()
                                        - QtGui.QFontMetrics(normal).descent()) // 2
            for text, color, bold in line:
                font = self._bold if bold else normal
                painter.setFont(font)
                painter.setPen(QtGui.QColor(*(FOREGROUND if color is None else color)))
                painter.drawText(x, baseline, text)
                x += self._advance(text, bold)
        painter.end()


def _format_loss(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else "–"


class LossAxis(AxisItem):
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


class EpochAxis(AxisItem):
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


def _quantised(low: float, high: float) -> tuple[float, float]:
    """``[low, high]`` widened to multiples of a round step (1, 2 or 5 x 10^k)
    of about a twentieth of its span: data creeping by less than a step
    leaves the range, and so the axis, unchanged."""
    span = high - low
    if span <= 0:
        span = max(abs(high), 1e-12)
    raw = span / 20.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(magnitude * k for k in (1, 2, 5, 10) if magnitude * k >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step


#: where the epoch axis may end, per decade: steps of at most a third
_EPOCH_STEPS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def _epoch_bound(last: float) -> float:
    """The last epoch rounded up to the next of 1, 1.25, 1.5, 2, 2.5, 3, 4,
    5, 6, 8 x 10^k: the epoch axis re-scales about ten times per decade
    instead of on every frame (re-making its ticks costs ~1 ms), and the
    curves always fill at least 75% of the width."""
    if last <= 10:
        return float(max(last, 1.0))
    magnitude = 10.0 ** math.floor(math.log10(last))
    return next(magnitude * step for step in _EPOCH_STEPS if magnitude * step >= last)


class _RangeItem(pg.GraphicsObject):
    """An invisible item that tells its plot's auto-range what to show.

    The curves are added with ``ignoreBounds``: following their exact extent
    moved the range (and re-made both axes' ticks, ~1 ms each) on every
    frame. This item's bounds are the data's extent made coarse (the last
    epoch rounded up by ``_epoch_bound``, values to a round twentieth of
    their span, in log10 when the plot is in log mode), so the range changes
    only now and then. Zooming, panning and "View All" work as with any
    item.
    """

    def __init__(self):
        super().__init__()
        # nothing to paint: Qt then never asks for the (Python) bounding rect
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self._x: tuple[float, float] | None = None
        self._y: tuple[float, float, float] | None = None  # min, max, smallest positive
        self._log_y = False
        self._bounds: tuple | None = None

    def set_extent(self, x, y) -> None:
        """``x = (first, last)`` epochs, ``y = (min, max, min_positive)`` of the
        finite values shown (None: no data)."""
        self._x, self._y = x, y
        self._update()

    def setLogMode(self, x_mode: bool, y_mode: bool) -> None:  # noqa: N802 - pyqtgraph hook
        self._log_y = bool(y_mode)
        self._update()

    def _update(self) -> None:
        bounds = None
        if self._x is not None and self._y is not None:
            first, last = self._x
            low, high, low_positive = self._y
            if self._log_y:
                low = math.log10(low_positive) if math.isfinite(low_positive) else None
                high = math.log10(high) if high > 0 else None
            if low is not None and high is not None and math.isfinite(low) and math.isfinite(high):
                bounds = ((float(first), _epoch_bound(last)), _quantised(low, high))
        if bounds != self._bounds:
            self._bounds = bounds
            self.informViewBoundsChanged()

    def dataBounds(self, axis, frac=1.0, orthoRange=None):  # noqa: N802 - pyqtgraph hook
        return None if self._bounds is None else self._bounds[axis]

    def boundingRect(self):  # noqa: N802 - Qt override
        return QtCore.QRectF()

    def paint(self, *args) -> None:
        pass


class LossCurve(QtWidgets.QGraphicsPathItem):
    """One curve of the loss view: a polyline of points already reduced by
    the view, drawn as one path by Qt (a 1-pixel hairline).

    pyqtgraph's ``PlotDataItem`` re-did per frame what the view had just done
    (peak downsampling, clipping to the visible range, finite checks, data
    bounds with warning filters) through a dozen Python calls per curve, and
    its ``PlotCurveItem`` again at paint time: ~2 ms of the GUI thread per
    frame for four curves, time the training thread waited for. Here
    ``setData`` builds the path once. The item is a plain
    ``QGraphicsPathItem``: Qt answers its bounding rectangle and paints it
    in C++, without taking the interpreter lock from the training thread
    (with Python overrides, each curve cost about four lock hand-overs per
    repaint).

    The API is the part of ``PlotDataItem`` the app uses: ``setData(x, y)``,
    ``getData()`` (the points drawn, log10 of y in log mode),
    ``setLogMode`` (called by the PlotItem) and ``dataBounds``. ``opts``
    names the reduction the loss view applies before ``setData``, in
    pyqtgraph's terms: peak downsampling to about two points per pixel
    column, clipped to the visible epochs.
    """

    def __init__(self, color, on_log_mode=None):
        super().__init__()
        # Width 0: Qt's cosmetic hairline, one pixel at any zoom, and a
        # bounding rectangle that is the path's own (a wider pen makes Qt
        # stroke the whole path to find it).
        pen = QtGui.QPen(QtGui.QColor(*color))
        pen.setWidth(0)
        self.setPen(pen)
        self.opts = {"pen": pen, "antialias": False, "autoDownsample": True,
                     "downsampleMethod": "peak", "clipToView": True}
        # Called when the plot switches log mode. Held weakly: a bound method
        # of the loss view would make a reference cycle (view -> curve ->
        # method -> view), and when Python's cyclic collector broke it, the
        # view could be destroyed from inside this item's destructor, its
        # scene then clearing items half-way through their own destruction
        # (a segfault in QGraphicsScene::clear(), seen on Python 3.13).
        self._on_log_mode = None if on_log_mode is None else weakref.WeakMethod(on_log_mode)
        self.log_y = False
        self._x: np.ndarray | None = None
        self._y: np.ndarray | None = None
        self._data_rect: QtCore.QRectF | None = None  # finite points' extent

    def setData(self, x, y, *, y_range=None, finite=None) -> None:  # noqa: N802 - pyqtgraph's name
        """Draw the points ``(x, y)`` (x increasing and finite; NaN in y
        leaves a gap).

        ``y_range`` (min, max of the finite y; NaN for none) and ``finite``
        (whether y has no NaN) may be given by a caller that already knows
        them: every NumPy call on a few hundred points here lets the
        training thread take the interpreter lock and the GUI thread wait
        to get it back.
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        self._x, self._y = (x, y) if x.size else (None, None)
        if x.size == 0:
            low = high = math.nan
        elif y_range is None:
            low, high = float(np.fmin.reduce(y)), float(np.fmax.reduce(y))
        else:
            low, high = y_range
        if not math.isfinite(low):  # nothing to draw (no points, or only gaps)
            self.setPath(QtGui.QPainterPath())
            self._data_rect = None
            return
        if finite is None:
            finite = not np.isnan(y).any()
        if finite:
            self.setPath(pg.arrayToQPath(x, y, connect="all", finiteCheck=False))
        else:
            self.setPath(pg.arrayToQPath(x, y, connect="finite"))
        self._data_rect = QtCore.QRectF(float(x[0]), low, float(x[-1] - x[0]), high - low)

    def getData(self):  # noqa: N802 - pyqtgraph's name
        return self._x, self._y

    def setLogMode(self, x_mode: bool, y_mode: bool) -> None:  # noqa: N802 - pyqtgraph hook
        y_mode = bool(y_mode)
        if y_mode != self.log_y:
            self.log_y = y_mode
            callback = None if self._on_log_mode is None else self._on_log_mode()
            if callback is not None:
                callback()

    def dataBounds(self, ax, frac=1.0, orthoRange=None):  # noqa: N802 - pyqtgraph hook
        rect = self._data_rect
        if rect is None:
            return (None, None)
        return (rect.left(), rect.right()) if ax == 0 else (rect.top(), rect.bottom())


class _Header(QtWidgets.QWidget):
    """The loss view's header: "epoch N" with the colour keys and the log
    switch on one row, the newest values on the next; on a narrow view each
    breaks into more lines (never cut).

    Placed by hand rather than by a layout, at fixed sizes: a label whose
    text changes (every frame here) asks its layout to recompute, and every
    layout up to the main window's follows, unless the label's size is fixed
    (Qt stops there). The labels take the header's width whenever it is
    resized, and as many lines as their text needs: the header grows (a
    re-layout) when the text needs more lines, and is fitted again on a
    resize, not every time a number gets shorter.
    """

    MARGIN = 10   # left and right
    TOP = 6
    SPACING = 2   # between the rows
    BOTTOM = 2

    def __init__(self, epoch_label, log_check, readout, parent=None):
        super().__init__(parent)
        # a QWidget subclass paints its style-sheet background only when asked
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_StyledBackground, True)
        self._epoch_label, self._log_check, self._readout = epoch_label, log_check, readout
        for widget in (epoch_label, log_check, readout):
            widget.setParent(self)
        self._line = max(epoch_label.line_height(), readout.line_height())
        self._row = max(self._line, log_check.sizeHint().height())
        self.setMinimumWidth(2 * self.MARGIN + log_check.sizeHint().width() + 120)
        for label in (epoch_label, readout):
            label.on_wider = self._place
        self._place()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        width, margin, line = self.width(), self.MARGIN, self._line
        check = self._log_check.sizeHint()
        self._log_check.setGeometry(width - margin - check.width(), self.TOP + (self._row - check.height()) // 2,
                                    check.width(), check.height())
        epoch_width = max(1, width - 2 * margin - check.width() - 6)
        epoch_height = max(line * len(self._epoch_label.lines(epoch_width)), line)
        row = max(self._row, epoch_height)
        self._epoch_label.setFixedSize(epoch_width, epoch_height)
        self._epoch_label.move(margin, self.TOP + (row - epoch_height) // 2)
        readout_width = max(1, width - 2 * margin)
        readout_height = line * len(self._readout.lines(readout_width))
        self._readout.setFixedSize(readout_width, readout_height)
        self._readout.move(margin, self.TOP + row + self.SPACING)
        height = self.TOP + row + self.SPACING + readout_height + self.BOTTOM
        if height != self.height():
            self.setFixedHeight(height)


class _Marks:
    """Events marked on the loss plot: a dashed vertical line at an epoch and
    a short label at its top ("lr 0.01→0.1", "data edited", "kept epoch 21").

    Plain Qt items (a path for the lines, simple text items that ignore the
    plot's scaling), so the plot's repaints call no Python for them. The
    lines span the visible y range, refitted when it changes.
    """

    MAX_MARKS = 12  # the newest are kept

    def __init__(self, plot: pg.PlotItem):
        self._plot = plot
        pen = QtGui.QPen(QtGui.QColor(*MUTED))
        pen.setCosmetic(True)
        pen.setStyle(QtCore.Qt.PenStyle.DashLine)
        self.lines = QtWidgets.QGraphicsPathItem()
        self.lines.setPen(pen)
        self.lines.setZValue(-5)
        plot.addItem(self.lines, ignoreBounds=True)
        self.labels: list[QtWidgets.QGraphicsSimpleTextItem] = []
        self.marks: list[tuple[float, str]] = []
        self._font = tick_font()
        plot.vb.sigYRangeChanged.connect(self._place)

    def add(self, epoch: float, text: str) -> None:
        self.marks = (self.marks + [(float(epoch), text)])[-self.MAX_MARKS:]
        while len(self.labels) < len(self.marks):
            label = QtWidgets.QGraphicsSimpleTextItem()
            label.setFont(self._font)
            label.setBrush(QtGui.QColor(*FOREGROUND))
            label.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            label.setZValue(-4)
            self._plot.addItem(label, ignoreBounds=True)
            self.labels.append(label)
        for label, (epoch, text) in zip(self.labels, self.marks):
            label.setText(text)
            label.setToolTip(f"epoch {epoch:g}: {text}")
            label.show()
        self._place()

    def clear(self) -> None:
        self.marks = []
        for label in self.labels:
            label.hide()
        self.lines.setPath(QtGui.QPainterPath())

    def _place(self, *_args) -> None:
        if not self.marks:
            return
        low, high = self._plot.vb.viewRange()[1]
        path = QtGui.QPainterPath()
        for index, (epoch, _text) in enumerate(self.marks):
            path.moveTo(epoch, low)
            path.lineTo(epoch, high)
            # labels stagger down a line each, so near marks don't overwrite each other
            label = self.labels[index]
            label.setPos(epoch, high)
            label.setTransform(QtGui.QTransform.fromTranslate(3, 2 + 13 * (index % 3)))
        self.lines.setPath(path)


class _Cursor:
    """The epoch the timeline shows, as a vertical line across both plots
    (plain Qt path items, refitted to the visible y range)."""

    def __init__(self, plots):
        pen = QtGui.QPen(QtGui.QColor(*FOREGROUND))
        pen.setCosmetic(True)
        pen.setWidth(0)
        self._items = []
        for plot in plots:
            item = QtWidgets.QGraphicsPathItem()
            item.setPen(pen)
            item.setZValue(5)
            plot.addItem(item, ignoreBounds=True)
            plot.vb.sigYRangeChanged.connect(self._place)
            self._items.append((plot, item))
        self.epoch: float | None = None

    def set(self, epoch: float | None) -> None:
        epoch = None if epoch is None else float(epoch)
        if epoch != self.epoch:  # (no repaint asked for when nothing changes: every Play and new run says None)
            self.epoch = epoch
            self._place()

    def _place(self, *_args) -> None:
        for plot, item in self._items:
            if self.epoch is None and item.path().isEmpty():
                continue
            path = QtGui.QPainterPath()
            if self.epoch is not None:
                low, high = plot.vb.viewRange()[1]
                path.moveTo(self.epoch, low)
                path.lineTo(self.epoch, high)
            item.setPath(path)


class _Ghosts:
    """Earlier runs' curves kept for comparison ("ghosts"): faint, each in
    its own dash pattern, in both plots; the bar above the plots names each
    pattern with what changed since.

    A ghost is the whole run decimated to about ``POINTS`` min/max points
    (``PeakHistory.display``): a few tens of kB, whatever the run's length.
    Its curves are ``LossCurve`` items (painted by Qt, no Python per
    repaint) and do not move the plots' ranges.
    """

    MAX = 3  # the newest are kept
    POINTS = 2048
    PATTERNS = (QtCore.Qt.PenStyle.DashLine, QtCore.Qt.PenStyle.DotLine, QtCore.Qt.PenStyle.DashDotLine)
    KEYS = ("╌╌", "┈┈", "╌┈")  # the patterns as text, for the bar
    ALPHA = 120

    def __init__(self, view: "LossView"):
        self.runs: list[tuple[str, np.ndarray, np.ndarray]] = []  # (label, xs (p,), ys (4, p))
        self._curves: list[list[LossCurve]] = []
        for slot in range(self.MAX):
            curves = []
            for name in SERIES:
                color = VALIDATION_COLOR if name.startswith("val_") else TRAIN_COLOR
                curve = LossCurve((*color, self.ALPHA), on_log_mode=view._on_log_mode_changed)
                pen = curve.pen()
                pen.setStyle(self.PATTERNS[slot])
                curve.setPen(pen)
                curve.setZValue(-2)
                (view.metric_plot if "score" in name else view.loss_plot).addItem(curve, ignoreBounds=True)
                curves.append(curve)
            self._curves.append(curves)

    def add(self, label: str, xs: np.ndarray, ys: np.ndarray) -> None:
        self.runs = (self.runs + [(label, xs, ys)])[-self.MAX:]

    def clear(self) -> None:
        self.runs = []

    def draw(self, log_y: bool) -> None:
        """Hand each kept run to its curves (the loss in log10 when the plot is)."""
        for slot, curves in enumerate(self._curves):
            if slot >= len(self.runs):
                for curve in curves:
                    curve.setData([], [])
                continue
            _text, xs, ys = self.runs[slot]
            for row, curve in enumerate(curves):
                values = ys[row]
                if row < 2 and log_y:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        values = np.log10(values)
                    values = np.where(np.isfinite(values), values, np.nan)
                curve.setData(xs, values)

    def keys(self) -> list[tuple[str, str]]:
        """``(pattern as text, label)`` of each kept run, oldest first."""
        return [(self.KEYS[slot], text) for slot, (text, _xs, _ys) in enumerate(self.runs)]


class _GhostBar(QtWidgets.QWidget):
    """The row above the plots that names the ghost curves (pattern, what
    changed) and clears them; hidden without ghosts. It changes only when
    a ghost is kept or cleared, never per frame."""

    def __init__(self, on_clear, parent=None):
        super().__init__(parent)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setObjectName("ghostBar")
        self.setStyleSheet("#ghostBar { background: white; }")
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(10, 0, 10, 2)
        layout.setSpacing(6)
        self.text = _TextLine()
        self.clear_button = QtWidgets.QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setToolTip("Remove the earlier runs' curves.")
        self.clear_button.clicked.connect(on_clear)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.clear_button, 0, QtCore.Qt.AlignmentFlag.AlignTop)
        self._runs: list = []
        self.hide()

    def set_keys(self, keys: list[tuple[str, str]]) -> None:
        runs = [("earlier runs:", MUTED, False)]
        for pattern, text in keys:
            runs += [("   ", None, False), (pattern + " ", MUTED, True), (text, None, False)]
        self._runs = runs
        self.text.set_runs(runs)
        self._fit()
        self.setVisible(bool(keys))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        width = max(1, self.width() - 20 - self.clear_button.sizeHint().width() - 6)
        height = self.text.line_height() * max(1, len(self.text.lines(width)))
        if self.text.height() != height:
            self.text.setFixedHeight(height)


class LossView(QtWidgets.QWidget):
    """Training and validation loss (top plot) and the metric (bottom plot,
    accuracy or R²) against the epoch, with a log-scale switch for the loss.

    ``append`` is called about 60 times a second with every epoch since the
    previous call. The epochs are kept in bounded memory (:mod:`._history`:
    the newest 65,536 as they are, older ones as min/max blocks of 2, 4, 8,
    ... epochs; a few MB however long the run) and what is drawn is
    decimated from them to about two points per pixel column of the visible
    x range, so a frame costs the same after a million epochs as after a
    thousand, and no spike is lost. The whole run, and any zoom that reaches
    the newest epoch, are drawn exactly as from every epoch.
    The curves also keep pyqtgraph's ``peak`` auto-downsampling and
    clip-to-view, which then have little left to do.

    Attributes
    ----------
    loss_plot, metric_plot : pg.PlotItem
    curves : dict[str, LossCurve]
        Keys ``"loss"``, ``"val_loss"``, ``"score"``, ``"val_score"``.
    epoch_label : QWidget
        The newest epoch and the curves' colour keys (the legend);
        ``text()`` gives it as rich text.
    readout : QWidget
        The newest loss and metric, training / validation (``text()`` too).
    log_check : QCheckBox
        The user's log-scale switch (mirrors :meth:`set_log_scale`).
    """

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(260, 220)

        # Header: "epoch N" and the colour keys (the legend), the log switch,
        # and below them the newest values, coloured like their curves.
        self.epoch_label = _TextLine()
        self.readout = _TextLine()
        self.log_check = QtWidgets.QCheckBox("Log scale")
        self.log_check.setToolTip("Show the loss on a logarithmic axis "
                                  "(small late improvements stay visible).")
        self.log_check.toggled.connect(self._on_log_check_toggled)
        header = _Header(self.epoch_label, self.log_check, self.readout)
        header.setObjectName("lossHeader")
        header.setStyleSheet(f"#lossHeader {{ background: white; }} "
                             f"QLabel, QCheckBox {{ color: {_HEX_FOREGROUND}; }}")

        self._canvas = make_layout_widget()
        self._canvas.setAntialiasing(False)  # the curves' look (above); text keeps its own
        self._canvas.ci.setContentsMargins(4, 0, 10, 4)
        self._canvas.ci.setSpacing(2)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        self.ghost_bar = _GhostBar(self.clear_ghosts)
        layout.addWidget(self.ghost_bar)
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

        self.curves: dict[str, LossCurve] = {}
        for name in SERIES:
            is_val = name.startswith("val_")
            color = VALIDATION_COLOR if is_val else TRAIN_COLOR
            curve = LossCurve(color, on_log_mode=self._on_log_mode_changed)
            # the plot's range follows its _RangeItem, not the exact curves
            (self.metric_plot if "score" in name else self.loss_plot).addItem(curve, ignoreBounds=True)
            self.curves[name] = curve
        self._range_items = {"loss": _RangeItem(), "score": _RangeItem()}
        self.loss_plot.addItem(self._range_items["loss"])
        self.metric_plot.addItem(self._range_items["score"])

        # The four series side by side, (4, n): one NumPy call per level
        # updates all of them (per series it was ~100 small calls a frame).
        # Bounded: the newest epochs as they are, older ones as min/max
        # blocks, a few MB however long the run (see _history).
        self._history = PeakHistory(rows=len(SERIES))
        self._row = {name: row for row, name in enumerate(SERIES)}
        self._shown: dict[str, tuple] = {}
        # finite extent of each plot's values: [min, max, smallest positive]
        self._extent = {"loss": [math.inf, -math.inf, math.inf], "score": [math.inf, -math.inf, math.inf]}
        self._metric = "accuracy"
        for plot in (self.loss_plot, self.metric_plot):
            plot.vb.sigXRangeChanged.connect(self._on_x_range_changed)
        self.marks = _Marks(self.loss_plot)
        self._ghosts = _Ghosts(self)
        self._cursor = _Cursor((self.loss_plot, self.metric_plot))
        self.reset("accuracy")

    # -- public API ----------------------------------------------------------
    def reset(self, metric_name: str) -> None:
        """Forget every epoch; the metric plot will show ``metric_name``
        ("accuracy" or "R²")."""
        if metric_name not in METRICS:
            raise ValueError(f"metric_name must be one of {METRICS}, got {metric_name!r}")
        self._metric = metric_name
        self._stale = False
        self._history.clear()
        self.marks.clear()
        for name in SERIES:
            self.curves[name].setData([], [])
        self._shown.clear()
        for key, item in self._range_items.items():
            self._extent[key] = [math.inf, -math.inf, math.inf]
            item.set_extent(None, None)
        set_label(self.metric_plot, "left", metric_name)
        # Accuracy lives in [0, 1]; R² in (-inf, 1], but an early R² of -50
        # would squash the curve that matters, so the axis stops at -1.
        low = -0.05 if metric_name == "accuracy" else -1.05
        self.metric_plot.vb.setLimits(yMin=low, yMax=1.05)
        for plot in (self.loss_plot, self.metric_plot):
            plot.enableAutoRange()
        self.epoch_label.set_runs([("epoch 0", None, True), _GAP, _TRAIN_KEY, ("  ", None, False), _VAL_KEY])
        self.readout.set_runs([(f"loss –  ·  {metric_name} –", None, False)])

    def history_state(self):
        """The curves as kept (a ``sessions.history.HistoryState``, copies)
        and the marks ``[[epoch, text], ...]``, for a session file."""
        return self._history.state(self._metric), [[epoch, text] for epoch, text in self.marks.marks]

    def restore_history(self, state, marks=()) -> None:
        """Show a saved history (a checked ``HistoryState``) and its marks in
        place of the curves: drawn, and grown by ``append``, exactly as the
        view that saved it."""
        self.reset(state.metric)
        self._history = PeakHistory.from_state(state)
        if self._history.size:
            # The plots' extents from every value held (each level keeps the
            # extremes of the epochs it no longer holds one by one).
            columns = {name: np.concatenate([values for level in state.levels
                                             for values in (level.low[row], level.high[row])])
                       for row, name in enumerate(SERIES)}
            self._update_ranges(columns)
        for epoch, text in marks:
            self.marks.add(epoch, text)
        self._stale = True
        self.redraw()

    # -- comparing runs ------------------------------------------------------
    def keep_as_ghost(self, label: str) -> bool:
        """Keep the run shown now as faint "ghost" curves labelled ``label``
        (what changed for the next run, e.g. "lr 0.01 → 0.1"), to compare
        the next runs with; at most ``_Ghosts.MAX``, the oldest dropped.
        Call before ``reset``. Returns False (nothing kept) for a run of
        fewer than two epochs."""
        size = self._history.size
        if size < 2:
            return False
        xs, ys = self._history.display(0, size, _Ghosts.POINTS)
        self._ghosts.add(label, xs.copy(), ys.copy())
        self._show_ghosts()
        return True

    def clear_ghosts(self) -> None:
        """Remove every ghost curve (the bar's Clear button)."""
        self._ghosts.clear()
        self._show_ghosts()

    @property
    def ghosts(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """The kept runs, oldest first: ``(label, epochs (p,), values (4, p))``
        with the rows in ``SERIES`` order."""
        return list(self._ghosts.runs)

    def _show_ghosts(self) -> None:
        self._ghosts.draw(self.curves["loss"].log_y)
        self.ghost_bar.set_keys(self._ghosts.keys())

    # -- replay --------------------------------------------------------------
    def set_cursor(self, epoch: float | None) -> None:
        """Mark the epoch the timeline shows with a vertical line (None: no line)."""
        self._cursor.set(epoch)

    @property
    def cursor(self) -> float | None:
        return self._cursor.epoch

    def truncated_history(self, epoch: float):
        """``(HistoryState, marks)`` of the epochs up to ``epoch`` (training
        goes back there; ``PeakHistory.truncated``), for ``restore_history``."""
        state = self._history.truncated(epoch).state(self._metric)
        return state, [[x, text] for x, text in self.marks.marks if x <= epoch]

    def add_mark(self, epoch: float, text: str) -> None:
        """Mark an event at ``epoch`` on the loss plot (a live change of the
        learning rate, an edit of the data, training going on after a stop,
        the epoch early stopping kept): a dashed line and ``text``."""
        self.marks.add(epoch, text)

    def append(self, epochs, loss, val_loss, score, val_score, *, redraw: bool = True) -> None:
        """Add epochs to the curves.

        Parameters
        ----------
        epochs : array of shape (m,)
            Epoch numbers, increasing, after every epoch already shown.
        loss, val_loss, score, val_score : arrays of shape (m,)
            The epochs' training loss, validation loss, training metric and
            validation metric (NaN where there is no validation).
        redraw : bool
            False keeps the epochs (``data``, ``n_epochs``) without redrawing
            the curves and the readout yet: the next ``redraw()`` (or
            ``append``) shows them. The window uses it to draw the loss view
            at a lower rate than the decision surface while training runs.
        """
        epochs = as_1d("epochs", epochs)
        m = epochs.shape[0]
        columns = {name: as_1d(name, values, m) for name, values in
                   zip(SERIES, (loss, val_loss, score, val_score))}
        if m == 0:
            return
        previous = self._history.last_x if self._history.size else -np.inf
        if not (epochs[0] > previous and np.all(np.diff(epochs) > 0)):
            raise ValueError(f"epochs must increase after the last shown epoch "
                             f"{previous}, got {epochs[:5].tolist()}...")
        self._history.append(epochs, np.vstack([columns[name] for name in SERIES]))
        self._update_ranges(columns)
        self._stale = True
        if redraw:
            self.redraw()

    def redraw(self) -> None:
        """Show every epoch appended so far (nothing to do when already shown)."""
        if not self._stale:
            return
        self._stale = False
        self._redraw()
        # Settle the auto range now: pyqtgraph would do it while painting,
        # and the range change it makes there (axes, clipped curves) asks for
        # a second paint of the whole view, every frame.
        for plot in (self.loss_plot, self.metric_plot):
            plot.vb.prepareForPaint()
        self._update_readout()

    @property
    def stale(self) -> bool:
        """Whether epochs were appended with ``redraw=False`` and not shown yet."""
        return self._stale

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
        """Number of epochs appended since the last reset."""
        return self._history.size

    def data(self, name: str) -> np.ndarray:
        """The newest epochs' values of ``name`` ("epoch" or one of SERIES)
        as they are, a copy: every epoch of a run up to ``RAW_LIMIT`` (65,536)
        epochs, the newest ``RAW_LIMIT`` of a longer one (older epochs are
        kept as the min/max blocks the curves are drawn from)."""
        x, values = self._history.raw()
        if name == "epoch":
            return x.copy()
        if name not in self._row:
            raise ValueError(f"name must be 'epoch' or one of {SERIES}, got {name!r}")
        return values[self._row[name]].copy()

    # -- drawing -------------------------------------------------------------
    def _on_log_check_toggled(self, checked: bool) -> None:
        self.set_log_scale(checked)

    def _on_log_mode_changed(self) -> None:
        # a curve switched log mode (the switch, or the plot's own menu):
        # show its points in the new scale now
        self._shown.clear()
        self._redraw()
        self._ghosts.draw(self.curves["loss"].log_y)

    def _on_x_range_changed(self, *args) -> None:
        # Zooming in shows finer detail; the cache makes this a no-op when
        # the decimation would not change (e.g. auto-range following data).
        self._redraw()

    def _visible_span(self, plot: pg.PlotItem) -> tuple[int, int, int]:
        """Sample range [start, stop) in view, and the block budget (one
        block per pixel column)."""
        vb = plot.vb
        width = int(vb.width()) if vb.width() > 1 else 800
        if vb.autoRangeEnabled()[0]:
            return 0, self._history.size, width
        x_low, x_high = vb.viewRange()[0]
        start, stop = self._history.span(x_low, x_high)
        return start, stop, width

    def _redraw(self) -> None:
        n = self._history.size
        if n == 0:
            return
        decimated = {}  # the x-linked plots usually share one span: decimate once
        for plot, names in ((self.loss_plot, SERIES[:2]), (self.metric_plot, SERIES[2:])):
            start, stop, width = self._visible_span(plot)
            if stop <= start:
                continue
            key = (start, stop, width, n)
            if all(self._shown.get(name) == key for name in names):
                continue
            if key not in decimated:
                # All four rows at once, and their ranges and gaps: a few
                # NumPy calls per frame rather than a few per curve.
                xs, ys = self._history.display(start, stop, width)
                ys = displayable(ys)
                decimated[key] = (xs, ys, np.fmin.reduce(ys, axis=1), np.fmax.reduce(ys, axis=1),
                                  np.isnan(ys).any(axis=1))
            xs, ys, lows, highs, gaps = decimated[key]
            for name in names:
                if self._shown.get(name) != key:
                    self._shown[name] = key
                    curve, row = self.curves[name], self._row[name]
                    if curve.log_y:
                        with np.errstate(divide="ignore", invalid="ignore"):
                            values = np.log10(ys[row])
                        values[~np.isfinite(values)] = np.nan  # log of 0 or less: a gap
                        curve.setData(xs, values)
                    else:
                        curve.setData(xs, ys[row], y_range=(float(lows[row]), float(highs[row])),
                                      finite=not gaps[row])

    def _update_ranges(self, columns: dict) -> None:
        """Grow each plot's extent by the new values; its _RangeItem turns it
        into the auto-range's (coarse) target."""
        first, last = self._history.first_x, self._history.last_x
        for key, names in (("loss", SERIES[:2]), ("score", SERIES[2:])):
            extent = self._extent[key]
            for name in names:
                values = columns[name]
                values = np.clip(values[np.isfinite(values)], -DISPLAY_LIMIT, DISPLAY_LIMIT)
                if values.size:
                    extent[0] = min(extent[0], float(values.min()))
                    extent[1] = max(extent[1], float(values.max()))
                    positive = values[values > 0]
                    if positive.size:
                        extent[2] = min(extent[2], float(positive.min()))
            has_values = extent[0] <= extent[1]
            self._range_items[key].set_extent((first, last), tuple(extent) if has_values else None)

    def _update_readout(self) -> None:
        newest = self._history.latest
        last = {name: float(newest[row]) for name, row in self._row.items()}
        metric = self._metric
        has_validation = math.isfinite(last["val_loss"]) or math.isfinite(last["val_score"])
        epoch = (f"epoch {int(self._history.last_x):,}", None, True)
        if has_validation:
            self.epoch_label.set_runs([epoch, _GAP, _TRAIN_KEY, ("  ", None, False), _VAL_KEY])
        else:
            self.epoch_label.set_runs([epoch, _GAP, _TRAIN_KEY])
        runs = [("loss ", None, False), (_format_loss(last["loss"]), TRAIN_COLOR, False)]
        if has_validation:
            runs += [(" / ", None, False), (_format_loss(last["val_loss"]), VALIDATION_COLOR, False)]
        runs += [(f"  ·  {metric} ", None, False), (_format_metric(metric, last["score"]), TRAIN_COLOR, False)]
        if has_validation:
            runs += [(" / ", None, False),
                     (_format_metric(metric, last["val_score"]), VALIDATION_COLOR, False)]
        self.readout.set_runs(runs)
