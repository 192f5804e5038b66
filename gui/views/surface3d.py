"""The 3D regression view (pyqtgraph.opengl) and the check for whether OpenGL
works in this process."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ._style import as_1d, as_mask, as_points
from ._colormaps import REGRESSION_CMAP
from .colors import FOREGROUND, REGRESSION_STOPS
from .grid import GridSpec, frame_range
from .regression import target_levels

SURFACE_SIZE = 80      # grid points per axis of the fitted surface
HEIGHT = 1.4           # the target range spans this many scene units (x, y span 2)
# Lighting is done here, on the CPU, from the grid's gradient: pyqtgraph's
# "shaded" shader turns slopes nearly black on a white background.
LIGHT = np.array([0.35, -0.55, 1.0]) / np.linalg.norm([0.35, -0.55, 1.0])
AMBIENT = 0.62
POINT_SHADE = 0.78
# Platforms whose QOpenGLWidget cannot render even when a bare GL context can
# be made (offscreen can reach GLX through $DISPLAY, yet renders nothing).
_NO_GL_WIDGET_PLATFORMS = frozenset({"offscreen", "minimal", "vnc", "linuxfb"})

_gl_available: bool | None = None


def opengl_available() -> bool:
    """Whether this process can show pyqtgraph.opengl views.

    Checked once (needs a QGuiApplication; without one the answer is False
    and not cached): the platform must support QOpenGLWidget, and an OpenGL
    context (>= 2.1, or GLES) must be created and made current on an
    offscreen surface. Never crashes: under ``QT_QPA_PLATFORM=offscreen`` it
    returns False.
    """
    global _gl_available
    if _gl_available is not None:
        return _gl_available
    app = QtGui.QGuiApplication.instance()
    if app is None:
        return False
    _gl_available = _probe_opengl(app.platformName())
    return _gl_available


def _probe_opengl(platform: str) -> bool:
    if platform in _NO_GL_WIDGET_PLATFORMS:
        return False
    try:
        import OpenGL.GL  # noqa: F401  (PyOpenGL, which pyqtgraph.opengl needs)
    except Exception:  # ImportError, or a missing libGL raising at import
        return False
    context = QtGui.QOpenGLContext()
    if not context.create():
        return False
    surface = QtGui.QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    try:
        if not surface.isValid() or not context.makeCurrent(surface):
            return False
        version = (context.format().majorVersion(), context.format().minorVersion())
        context.doneCurrent()
        return context.isOpenGLES() or version >= (2, 1)
    finally:
        surface.destroy()


MUTED_TEXT = (110, 110, 110)


class ColourBar(QtWidgets.QWidget):
    """The colour map of the 3D view beside it: the regression colours from
    the lowest target (bottom) to the highest (top), with their values and
    the target's name. Painted by Qt from a gradient (it repaints only when
    the window does)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self._levels = (0.0, 1.0)
        self._title = "y"
        font = QtGui.QFont()
        font.setPointSize(8)
        self.setFont(font)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("-0.000e+00") + 34)

    def set_levels(self, low: float, high: float) -> None:
        if (low, high) != self._levels:
            self._levels = (low, high)
            self.update()

    def set_title(self, title: str) -> None:
        if title != self._title:
            self._title = title
            self.update()

    def labels(self) -> list[str]:
        """The values written beside the bar, top to bottom."""
        low, high = self._levels
        return [f"{value:.3g}" for value in (high, (low + high) / 2, low)]

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QtGui.QPainter(self)
        painter.fillRect(self.rect(), QtGui.QColor(255, 255, 255))
        metrics = self.fontMetrics()
        top, bottom = metrics.height() * 2 + 6, self.height() - metrics.height()
        bar = QtCore.QRect(6, top, 12, max(bottom - top, 10))
        gradient = QtGui.QLinearGradient(0, bar.bottom(), 0, bar.top())
        for position, rgb in REGRESSION_STOPS:
            gradient.setColorAt(position, QtGui.QColor(*rgb))
        painter.fillRect(bar, gradient)
        painter.setPen(QtGui.QColor(*FOREGROUND))
        painter.drawRect(bar)
        painter.drawText(QtCore.QRect(2, 2, self.width() - 4, top - 4),
                         QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignBottom,
                         metrics.elidedText(self._title, QtCore.Qt.TextElideMode.ElideRight, self.width() - 4))
        for label, y in zip(self.labels(), (bar.top(), bar.center().y(), bar.bottom())):
            painter.drawText(bar.right() + 4, y + metrics.ascent() // 2 - 1, label)
        painter.end()


def _rgba(values: np.ndarray, levels: tuple[float, float]) -> np.ndarray:
    """REGRESSION_CMAP colours (n, 4) float in 0..1 for ``values``."""
    t = np.clip((values - levels[0]) / (levels[1] - levels[0]), 0.0, 1.0)
    return REGRESSION_CMAP.map(np.nan_to_num(t, nan=0.5), mode="float")


class Surface3DView(QtWidgets.QWidget):
    """2-feature regression in 3D: the data points and the model's fitted
    surface, both coloured by value with the heatmap's colour map; drag to
    rotate, wheel to zoom.

    Same API as :class:`RegressionHeatmapView`. The scene is normalised so
    any data looks the same: x1 and x2 map to [-1, 1], the target range to
    [-HEIGHT/2, HEIGHT/2] (predictions are clipped to twice that). Training
    points are large and opaque, validation points smaller and translucent.

    Raises RuntimeError when :func:`opengl_available` is False: the caller
    shows a :class:`RegressionHeatmapView` instead.

    :meth:`set_frame_locked` exists for API parity and changes nothing: the
    scene is always normalised to the data, and nobody draws on a 3D view.
    ``frame_changed`` is emitted when ``set_data`` moves the grid.
    """

    frame_changed = QtCore.Signal()

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        if not opengl_available():
            raise RuntimeError("Surface3DView needs OpenGL, which this Qt platform cannot "
                               "provide; check opengl_available() and show the heatmap view.")
        super().__init__(parent)
        import pyqtgraph.opengl as gl  # imported here: it needs PyOpenGL

        self.gl_widget = gl.GLViewWidget()
        # Trap: inside a layout a GLViewWidget without a minimum size collapses to 0x0.
        self.gl_widget.setMinimumSize(320, 260)
        self.gl_widget.setBackgroundColor("w")
        # Look at a point below the middle: the floor grid sits at -HEIGHT/2
        # and most surfaces hug it, so this centres what is drawn.
        self.gl_widget.setCameraPosition(pos=QtGui.QVector3D(0.0, 0.0, -0.25), distance=3.7,
                                         elevation=28, azimuth=-62)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.gl_widget, 1)
        self.colour_bar = ColourBar()
        layout.addWidget(self.colour_bar)

        self._floor = gl.GLGridItem(color=(0, 0, 0, 45))
        self._floor.setSize(2, 2)
        self._floor.setSpacing(0.25, 0.25)
        self._floor.translate(0, 0, -HEIGHT / 2)
        self.gl_widget.addItem(self._floor)

        self._surface = gl.GLSurfacePlotItem(computeNormals=False, glOptions="translucent")
        self._surface.hide()     # a mesh without vertices must not be painted
        self.gl_widget.addItem(self._surface)
        floor = -HEIGHT / 2
        self._axes = gl.GLLinePlotItem(
            pos=np.array([[-1, -1, floor], [1, -1, floor], [-1, -1, floor], [-1, 1, floor],
                          [-1, -1, floor], [-1, -1, -floor]], dtype=float),
            mode="lines", color=(0.35, 0.35, 0.35, 1.0), width=1.5, antialias=True)
        self.gl_widget.addItem(self._axes)
        self._train_points = gl.GLScatterPlotItem(size=8, pxMode=True, glOptions="translucent")
        self._val_points = gl.GLScatterPlotItem(size=6, pxMode=True, glOptions="translucent")
        for item in (self._train_points, self._val_points):
            self.gl_widget.addItem(item)

        label_color = QtGui.QColor(*FOREGROUND)
        self._x_label = gl.GLTextItem(pos=(1.08, -1.08, floor), text="x1", color=label_color)
        self._y_label = gl.GLTextItem(pos=(-1.08, 1.08, floor), text="x2", color=label_color)
        self._z_label = gl.GLTextItem(pos=(-1.0, -1.0, -floor + 0.08), text="y",
                                      color=label_color)
        for item in (self._x_label, self._y_label, self._z_label):
            self.gl_widget.addItem(item)
        # Tick values: three per axis (low, middle, high), along the floor's
        # front edges and the vertical axis; the texts follow the data.
        tick_color = QtGui.QColor(*MUTED_TEXT)
        font = QtGui.QFont()
        font.setPointSize(8)
        self._ticks = {
            "x": [gl.GLTextItem(pos=(t, -1.12, floor), color=tick_color, font=font) for t in (-1.0, 0.0, 1.0)],
            "y": [gl.GLTextItem(pos=(-1.12, t, floor), color=tick_color, font=font) for t in (-1.0, 0.0, 1.0)],
            "z": [gl.GLTextItem(pos=(-1.04, -1.04, z), color=tick_color, font=font)
                  for z in (floor, 0.0, -floor)],
        }
        for items in self._ticks.values():
            for item in items:
                self.gl_widget.addItem(item)

        self._levels = (0.0, 1.0)
        self._grid = GridSpec(frame_range([]), frame_range([]), SURFACE_SIZE, SURFACE_SIZE)
        self._surface_xy_set = False
        self._frame_locked = False
        self.set_data(np.empty((0, 2)), np.empty(0))

    def set_axis_labels(self, x: str, y: str, z: str | None = None) -> None:
        """Axis titles (the feature names, and optionally the target's, which
        also titles the colour bar)."""
        self._x_label.setData(text=x)
        self._y_label.setData(text=y)
        if z is not None:
            self._z_label.setData(text=z)
            self.colour_bar.set_title(z)

    def tick_texts(self) -> dict[str, list[str]]:
        """The tick values shown on each axis ("x", "y", "z"), low to high."""
        return {axis: [item.text for item in items] for axis, items in self._ticks.items()}

    def _update_ticks(self) -> None:
        (x0, x1), (y0, y1) = self._grid.x_range, self._grid.y_range
        low, high = self._levels
        for axis, (start, stop) in (("x", (x0, x1)), ("y", (y0, y1)), ("z", (low, high))):
            for item, value in zip(self._ticks[axis], (start, (start + stop) / 2, stop)):
                item.setData(text=f"{value:.3g}")
        self.colour_bar.set_levels(low, high)

    # -- scene coordinates ---------------------------------------------------
    def _scale_xy(self, X2: np.ndarray) -> np.ndarray:
        (x0, x1), (y0, y1) = self._grid.x_range, self._grid.y_range
        return np.column_stack([(X2[:, 0] - x0) / (x1 - x0) * 2 - 1,
                                (X2[:, 1] - y0) / (y1 - y0) * 2 - 1])

    def _scale_z(self, values: np.ndarray) -> np.ndarray:
        low, high = self._levels
        z = ((values - low) / (high - low) - 0.5) * HEIGHT
        return np.clip(np.nan_to_num(z, nan=0.0), -HEIGHT, HEIGHT)

    # -- API -------------------------------------------------------------------
    def set_data(self, X2, y, val_mask=None) -> None:
        """Show the data: ``X2`` (n, 2), targets ``y`` (n,), ``val_mask`` (n,)
        bool. The colour and height limits become the targets' min and max."""
        X2 = as_points("X2", X2)
        y = as_1d("y", y, X2.shape[0], finite=True)
        val_mask = as_mask("val_mask", val_mask, X2.shape[0])
        self._levels = target_levels(y)
        grid = GridSpec(frame_range(X2[:, 0]), frame_range(X2[:, 1]),
                        SURFACE_SIZE, SURFACE_SIZE)
        if grid != self._grid:
            self._grid = grid
            self.frame_changed.emit()
        pos = np.column_stack([self._scale_xy(X2), self._scale_z(y)])       # (n, 3)
        colors = _rgba(y, self._levels)                                     # (n, 4)
        # Darker than the surface's colour for the same value, so points near
        # the map's pale middle still show against the surface.
        colors[:, :3] *= POINT_SHADE
        colors[val_mask, 3] = 0.6
        self._update_ticks()
        for item, rows in ((self._train_points, ~val_mask), (self._val_points, val_mask)):
            if rows.any():
                item.setData(pos=pos[rows], color=colors[rows])
                item.show()
            else:
                item.hide()

    def grid_spec(self) -> GridSpec:
        """The grid predictions are wanted on: the data's bounding box plus
        10% padding ([-1.5, 1.5]^2 with no data), 80x80."""
        return self._grid

    def set_frame_locked(self, locked: bool) -> None:
        """No-op (the 3D scene always frames the data); recorded only."""
        self._frame_locked = bool(locked)

    def frame_locked(self) -> bool:
        return self._frame_locked

    def set_surface(self, values) -> None:
        """The model's predictions on :meth:`grid_spec`'s points (shape
        (ny * nx,), row-major: y outer, x inner); None hides the surface."""
        if values is None:
            self._surface.hide()
            return
        grid = self._grid
        values = as_1d("values", values, grid.nx * grid.ny)
        # GLSurfacePlotItem wants z[i, j] at (x[i], y[j]) and one colour per
        # vertex in that order, as shape (nx * ny, 4).
        by_xy = values.reshape(grid.ny, grid.nx).T                          # (nx, ny)
        xs, ys = np.linspace(-1, 1, grid.nx), np.linspace(-1, 1, grid.ny)
        z = self._scale_z(by_xy)
        # Lambert shading: normal n = (-dz/dx, -dz/dy, 1) / |.|, brightness
        # AMBIENT + (1 - AMBIENT) * max(0, n . LIGHT).
        dz_dx, dz_dy = np.gradient(z, xs, ys)
        normal_dot = (-dz_dx * LIGHT[0] - dz_dy * LIGHT[1] + LIGHT[2]) / np.sqrt(
            dz_dx ** 2 + dz_dy ** 2 + 1.0)
        shade = AMBIENT + (1.0 - AMBIENT) * np.clip(normal_dot, 0.0, 1.0)
        colors = _rgba(by_xy.ravel(), self._levels)                         # (nx*ny, 4)
        colors[:, :3] *= shade.ravel()[:, None]
        colors[:, 3] = 0.9
        self._surface.setData(x=xs, y=ys, z=z, colors=colors)
        self._surface.show()
