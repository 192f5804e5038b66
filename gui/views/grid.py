"""The evaluation grid a view asks the model's outputs on, and how a view
frames its data."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Frame used when there is no data yet (the blank drawing canvas).
DEFAULT_RANGE = (-1.5, 1.5)
# Fraction of the data's span added on each side of the frame.
PADDING = 0.1


@dataclass(frozen=True)
class GridSpec:
    """A regular grid of ``nx * ny`` points over a rectangle.

    Attributes
    ----------
    x_range, y_range : (float, float)
        Inclusive bounds ``(low, high)``; the first and last grid columns (rows)
        lie exactly on them.
    nx, ny : int
        Number of grid points along x and along y (each >= 2).
    """

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    nx: int
    ny: int

    def __post_init__(self):
        for name in ("x_range", "y_range"):
            low, high = getattr(self, name)
            if not (np.isfinite(low) and np.isfinite(high) and low < high):
                raise ValueError(f"{name} must be finite with low < high, got {(low, high)!r}")
            object.__setattr__(self, name, (float(low), float(high)))
        for name in ("nx", "ny"):
            value = getattr(self, name)
            if int(value) != value or value < 2:
                raise ValueError(f"{name} must be an integer >= 2, got {value!r}")
            object.__setattr__(self, name, int(value))

    def xs(self) -> np.ndarray:
        """Grid x coordinates, shape (nx,)."""
        return np.linspace(*self.x_range, self.nx)

    def ys(self) -> np.ndarray:
        """Grid y coordinates, shape (ny,)."""
        return np.linspace(*self.y_range, self.ny)

    def points(self) -> np.ndarray:
        """All grid points, shape (ny * nx, 2), row-major: y outer, x inner.

        ``points()[j * nx + i] == (xs()[i], ys()[j])``, so model outputs on
        these points reshape to an image with ``values.reshape(ny, nx)``
        (row ``j`` = ``ys()[j]``).
        """
        xs, ys = self.xs(), self.ys()
        return np.column_stack([np.tile(xs, self.ny), np.repeat(ys, self.nx)])

    def pixel_rect(self) -> tuple[float, float, float, float]:
        """``(x, y, width, height)`` of an ``nx`` by ``ny`` image whose pixel
        centres are the grid points (half a pixel beyond the ranges)."""
        dx = (self.x_range[1] - self.x_range[0]) / (self.nx - 1)
        dy = (self.y_range[1] - self.y_range[0]) / (self.ny - 1)
        return (self.x_range[0] - dx / 2, self.y_range[0] - dy / 2,
                self.nx * dx, self.ny * dy)


def frame_range(values: np.ndarray, padding: float = PADDING,
                default: tuple[float, float] = DEFAULT_RANGE) -> tuple[float, float]:
    """``(low, high)`` framing ``values`` with ``padding * span`` on each side.

    Empty or non-finite input gives ``default``; a zero span (one point, or
    all points on a line) is widened to one unit around the value, so a
    frame always has a positive width.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return default
    low, high = float(values.min()), float(values.max())
    if not (math.isfinite(low) and math.isfinite(high)):
        # the finite values only: a copy, paid only when there are others
        # (a million rows: 8 ms a column, on the GUI thread)
        values = values[np.isfinite(values)]
        if values.size == 0:
            return default
        low, high = float(values.min()), float(values.max())
    span = high - low
    if span <= 1e-12 * max(1.0, abs(low), abs(high)):
        return (low - 1.0, high + 1.0)
    return (low - padding * span, high + padding * span)


def view_grid(view_box, n: int) -> GridSpec:
    """An ``n`` by ``n`` grid over the visible range of ``view_box`` (a
    ``pg.ViewBox``): the corner grid points sit on the view's corners, so an
    image of the grid (half a pixel wider, see :meth:`GridSpec.pixel_rect`)
    covers the whole view."""
    x_range, y_range = view_box.viewRange()
    return GridSpec(tuple(x_range), tuple(y_range), n, n)
