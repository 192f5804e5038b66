"""Iso-lines of a gridded function by marching squares, vectorised in NumPy.

pyqtgraph's ``IsocurveItem`` traces curves cell by cell in Python (tens of ms
on a 200x200 grid); the views redraw the decision boundary every frame, so
they draw these loose segments with one ``PlotCurveItem(connect="pairs")``.
"""

from __future__ import annotations

import numpy as np


def contour_segments(values: np.ndarray, xs: np.ndarray, ys: np.ndarray,
                     level: float) -> tuple[np.ndarray, np.ndarray]:
    """Line segments of the curve ``values == level``.

    A grid point counts as inside when ``value >= level``. Every grid edge
    whose two ends differ crosses the curve at the linear interpolation
    ``t = (level - v0) / (v1 - v0)``; each cell joins its crossings in pairs
    (two crossings: one segment; four, a saddle: two segments, split
    according to the mean of the four corners). Cells with a non-finite
    corner are skipped.

    Parameters
    ----------
    values : ndarray of shape (ny, nx)
        ``values[j, i]`` is the function at ``(xs[i], ys[j])``.
    xs : ndarray of shape (nx,), ys : ndarray of shape (ny,)
        Increasing grid coordinates.
    level : float

    Returns
    -------
    x, y : ndarrays of shape (2 * n_segments,)
        Segment ``k`` runs from ``(x[2k], y[2k])`` to ``(x[2k+1], y[2k+1])``.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"values must be 2-D, got shape {values.shape}")
    ny, nx = values.shape
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    if xs.shape != (nx,) or ys.shape != (ny,):
        raise ValueError(f"xs and ys must have shapes ({nx},) and ({ny},), "
                         f"got {xs.shape} and {ys.shape}")
    finite = np.isfinite(values)
    inside = (values >= level) & finite
    # Only cells whose corners are not all on one side hold a piece of the
    # curve (a thin band along it); the interpolation runs on those alone.
    ia, ib, ic, id_ = inside[:-1, :-1], inside[:-1, 1:], inside[1:, 1:], inside[1:, :-1]
    active = ~((ia == ib) & (ib == ic) & (ic == id_))
    active &= finite[:-1, :-1] & finite[:-1, 1:] & finite[1:, 1:] & finite[1:, :-1]
    j, i = np.nonzero(active)
    if j.size == 0:
        return np.empty(0), np.empty(0)
    # Corners of each active cell: a bottom-left, b bottom-right, c top-right, d top-left.
    va, vb, vc, vd = values[j, i], values[j, i + 1], values[j + 1, i + 1], values[j + 1, i]
    ia, ib, ic, id_ = ia[j, i], ib[j, i], ic[j, i], id_[j, i]
    x0, x1, y0, y1 = xs[i], xs[i + 1], ys[j], ys[j + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        # Edges in the order bottom (a-b), right (b-c), top (d-c), left (a-d).
        px = np.stack([x0 + (level - va) / (vb - va) * (x1 - x0), x1,
                       x0 + (level - vd) / (vc - vd) * (x1 - x0), x0], axis=-1)
        py = np.stack([y0, y0 + (level - vb) / (vc - vb) * (y1 - y0),
                       y1, y0 + (level - va) / (vd - va) * (y1 - y0)], axis=-1)
    px = np.broadcast_to(px, (j.size, 4))
    crosses = np.stack([ia != ib, ib != ic, id_ != ic, ia != id_], axis=-1)  # (k, 4)
    count = crosses.sum(axis=-1)                                               # 2 or 4

    seg_x, seg_y = [], []
    # Two crossings: one segment joining them (nonzero lists them cell by cell).
    two = count == 2
    if two.any():
        _, edge = np.nonzero(crosses[two])
        edge = edge.reshape(-1, 2)
        rows = np.arange(edge.shape[0])[:, None]
        seg_x.append(px[two][rows, edge].ravel())
        seg_y.append(py[two][rows, edge].ravel())
    # Saddles: if the bottom-left corner is on the same side as the cell's
    # centre it is joined to it, so the curve cuts off the bottom-right and
    # top-left corners: (bottom, right) + (top, left); otherwise it cuts
    # off bottom-left and top-right: (bottom, left) + (right, top).
    four = count == 4
    if four.any():
        centre = 0.25 * (va[four] + vb[four] + vc[four] + vd[four])
        same = ia[four] == (centre >= level)
        pairs = np.where(same[:, None], np.array([0, 1, 2, 3]), np.array([0, 3, 1, 2]))
        rows = np.arange(pairs.shape[0])[:, None]
        seg_x.append(px[four][rows, pairs].ravel())
        seg_y.append(py[four][rows, pairs].ravel())
    return np.concatenate(seg_x), np.concatenate(seg_y)
