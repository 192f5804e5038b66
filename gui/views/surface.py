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
        scaled images fastest from (see ``ClassificationView.show_picture``).
    boundary : (x, y) arrays of shape (2 * n_segments,), or None
        The 0.5 boundary as loose segments (two classes), None when there is
        none to draw.
    image : ndarray of shape (2 * ny, 2 * nx, 4), uint8
        ``bgra`` enlarged twice by bilinear interpolation: what the view
        draws, over the same rectangle. Qt then scales it by nearest
        neighbour (its pixels are already about as small as the screen's,
        so no blocks show), which takes the GUI thread less than half the
        time of scaling ``bgra`` smoothly (0.15 vs 0.35-0.75 ms a frame);
        the painter pays for the enlargement (3 ms), off the GUI thread.
    """

    grid: GridSpec
    bgra: np.ndarray
    boundary: tuple[np.ndarray, np.ndarray] | None
    image: np.ndarray


def enlarge_twice(image: np.ndarray) -> np.ndarray:
    """``(h, w, c)`` uint8 image -> ``(2h, 2w, c)`` by bilinear interpolation
    with pixel centres kept in place: each source pixel becomes four, at a
    quarter and three quarters of its width and height, so along each axis
    ``out[2i] = (3 a[i] + a[i-1]) / 4`` and ``out[2i+1] = (3 a[i] + a[i+1]) / 4``
    (an edge pixel standing in for its missing neighbour), rounded.

    In 16-bit integers: both passes together scale by 16 (at most 4080).
    The result is C-contiguous: the GUI thread hands it to Qt as it is
    (copying a strided one there cost 1 ms a frame)."""
    a = image.astype(np.uint16)
    for axis in (0, 1):
        a = np.moveaxis(a, axis, 0)
        triple = a * np.uint16(3)
        out = np.empty((2 * a.shape[0],) + a.shape[1:], np.uint16)
        np.add(triple, np.concatenate([a[:1], a[:-1]]), out=out[0::2])
        np.add(triple, np.concatenate([a[1:], a[-1:]]), out=out[1::2])
        a = np.moveaxis(out, 0, axis)
    a += np.uint16(8)
    a >>= np.uint16(4)
    return a.astype(np.uint8, order="C")


@dataclass(frozen=True)
class SurfacePainter:
    """Makes :class:`SurfacePicture` s of class probabilities on ``grid``.

    Holds only the grid: calling it touches no widget, so it may run in any
    thread.
    """

    grid: GridSpec

    def __call__(self, proba: np.ndarray, classes: np.ndarray) -> SurfacePicture:
        """Picture of ``proba`` (``(ny * nx, m)``, row-major over the grid;
        column ``c`` is class code ``classes[c]``); see ``surface_rgb`` for
        the colours."""
        grid = self.grid
        proba = np.asarray(proba)
        if proba.ndim != 2 or proba.shape[0] != grid.nx * grid.ny:
            raise ValueError(f"proba must have shape ({grid.nx * grid.ny}, m) to match "
                             f"the grid, got {proba.shape}")
        bgra = surface_rgba(proba, classes, bgra=True).reshape(grid.ny, grid.nx, 4)
        boundary = None
        if proba.shape[1] == 2:
            x, y = contour_segments(proba[:, 1].reshape(grid.ny, grid.nx), grid.xs(), grid.ys(), 0.5)
            if x.size:
                boundary = (x, y)
        return SurfacePicture(grid, bgra, boundary, enlarge_twice(bgra))
