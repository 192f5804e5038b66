"""Decision-surface pictures, made off the GUI thread.

Colouring 40,000 grid probabilities and tracing the 0.5 boundary is NumPy
work that needs no widget, so the app does it in its render process (see
``gui.worker``) while the training thread goes on, and the GUI thread only
hands the finished image to its pixmap item. A view describes the picture
it wants with a :class:`SurfacePainter` (pure NumPy, safe in any thread); the
painter turns model outputs into a :class:`SurfacePicture` that
``ClassificationView.show_picture`` draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .colors import surface_rgba
from .contour import contour_segments
from .grid import GridSpec


@dataclass(frozen=True, eq=False)
class SurfacePicture:
    """A decision surface ready to draw.

    Attributes
    ----------
    grid : GridSpec
        The grid the picture was made on (its pixel centres).
    bgra : ndarray of shape (ny, nx, 4), uint8
        Row-major image (row ``j`` is ``grid.ys()[j]``), opaque, bytes in
        B, G, R, 255 order: ``QImage.Format_RGB32``, the format Qt draws
        scaled images fastest from. The view stretches it over the grid's
        rectangle with bilinear filtering, in Qt's paint (which holds no
        interpreter lock); enlarging it twice here instead, in NumPy, cost
        the render process 3-7 ms a frame for the same look.
    boundary : (x, y) arrays of shape (2 * n_segments,), or None
        The 0.5 boundary as loose segments (two classes), None when there is
        none to draw.
    """

    grid: GridSpec
    bgra: np.ndarray
    boundary: tuple[np.ndarray, np.ndarray] | None


@dataclass(frozen=True)
class SurfacePainter:
    """Makes :class:`SurfacePicture` s of class probabilities on ``grid``.

    Holds only the grid: calling it touches no widget, so it may run in any
    thread.
    """

    grid: GridSpec

    def __call__(self, proba: np.ndarray, classes: np.ndarray, discrete: bool = False) -> SurfacePicture:
        """Picture of ``proba`` (``(ny * nx, m)``, row-major over the grid;
        column ``c`` is class code ``classes[c]``); see ``surface_rgb`` for
        the colours. ``discrete``: each point in the flat colour of its
        predicted class, however unsure (TensorFlow Playground's "discretize
        output"); the boundary is the same."""
        grid = self.grid
        proba = np.asarray(proba)
        if proba.ndim != 2 or proba.shape[0] != grid.nx * grid.ny:
            raise ValueError(f"proba must have shape ({grid.nx * grid.ny}, m) to match "
                             f"the grid, got {proba.shape}")
        colours = _one_hot(proba) if discrete else proba
        bgra = surface_rgba(colours, classes, bgra=True).reshape(grid.ny, grid.nx, 4)
        boundary = None
        if proba.shape[1] == 2:
            x, y = contour_segments(proba[:, 1].reshape(grid.ny, grid.nx), grid.xs(), grid.ys(), 0.5)
            if x.size:
                boundary = (x, y)
        return SurfacePicture(grid, bgra, boundary)


def _one_hot(proba: np.ndarray) -> np.ndarray:
    """``(n, m)``: 1 in the column of each row's most probable class, 0
    elsewhere; rows holding NaN stay NaN (drawn white, as the model's NaN)."""
    one_hot = np.zeros(proba.shape, proba.dtype)
    one_hot[np.arange(len(proba)), np.argmax(proba, axis=1)] = 1
    one_hot[np.isnan(proba).any(axis=1)] = np.nan
    return one_hot
