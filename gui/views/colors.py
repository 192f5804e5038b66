"""Colours shared by every view: the class palette, the regression colour map,
and the light theme the plots are drawn in.

The app uses one clean light theme (white plot background, dark grey text),
in the spirit of TensorFlow Playground: decision surfaces are class colours
blended towards white as the model grows uncertain, which reads naturally on
white. Every colour here is a plain ``(r, g, b)`` tuple so that pure NumPy
code (and tests) can use them without Qt.
"""

from __future__ import annotations

import numpy as np

from datasets import MAX_CLASSES

# D3/Tableau "category10" hues without grey and olive: eight colours that stay
# distinguishable as saturated points and as pale surface tints on white.
PALETTE: list[tuple[int, int, int]] = [
    (31, 119, 180),   # 0 blue
    (255, 127, 14),   # 1 orange
    (44, 160, 44),    # 2 green
    (214, 39, 40),    # 3 red
    (148, 103, 189),  # 4 purple
    (140, 86, 75),    # 5 brown
    (227, 119, 194),  # 6 pink
    (23, 190, 207),   # 7 cyan
]

assert len(PALETTE) == MAX_CLASSES, "one colour per class"

# Light theme.
BACKGROUND = (255, 255, 255)
FOREGROUND = (60, 60, 60)          # axes, tick labels, titles
MUTED = (150, 150, 150)            # secondary lines (the raw signal, y = x)
GRID_ALPHA = 0.15                  # opacity of the grid in line plots
HIGHLIGHT = (20, 20, 20)           # ring around misclassified points
TRAIN_COLOR = PALETTE[0]           # training curves in the loss view
VALIDATION_COLOR = PALETTE[1]      # validation curves in the loss view
FIT_COLOR = PALETTE[3]             # a fitted curve / prediction line

# Strongest tint of the decision surface (0..1): a fully confident region is
# this far from white towards its class colour, so the saturated points on top
# of it stay visible.
SURFACE_MAX_TINT = 0.62

# Regression colour map: diverging blue -> near-white -> orange (the first two
# palette hues), as in TensorFlow Playground. Low targets are blue, high
# targets orange; the middle of the target range is pale. (Position, RGB)
# stops; ``regression_rgba`` maps values with them in NumPy, and
# ``gui.views._colormaps`` makes pyqtgraph colour maps of them for the
# colour bars (this module stays free of Qt: the render process uses it).
REGRESSION_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.00, (8, 69, 148)),
    (0.25, (66, 146, 198)),
    (0.50, (245, 245, 240)),
    (0.75, (253, 174, 97)),
    (1.00, (217, 95, 2)),
)
# Sequential white -> blue map for the confusion matrix.
SEQUENTIAL_STOPS: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (247, 251, 255)),
    (1.0, (8, 81, 156)),
)


def map_stops(t: np.ndarray, stops) -> np.ndarray:
    """Colours ``(n, 4)`` uint8 RGBA (opaque) of ``t`` in [0, 1] (``(n,)``),
    linearly interpolated between the ``(position, (r, g, b))`` ``stops``,
    as ``pg.ColorMap.map(t, mode="byte")`` does. NaN maps to the middle."""
    t = np.nan_to_num(np.clip(np.asarray(t, dtype=np.float64), 0.0, 1.0), nan=0.5)
    positions = np.array([position for position, _ in stops])
    colours = np.array([colour for _, colour in stops], dtype=np.float64)  # (s, 3)
    rgba = np.full((t.shape[0], 4), 255, np.uint8)
    for channel in range(3):
        rgba[:, channel] = np.round(np.interp(t, positions, colours[:, channel]))
    return rgba


_PALETTE_ARRAY = np.array(PALETTE, dtype=np.float64)  # (8, 3)


def class_color(code: int) -> tuple[int, int, int]:
    """The palette colour of class ``code`` (0..7)."""
    if not 0 <= int(code) < len(PALETTE):
        raise ValueError(f"code must be in 0..{len(PALETTE) - 1}, got {code!r}")
    return PALETTE[int(code)]


def surface_rgb(proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Colour of each grid point of a decision surface.

    The winning class ``j = argmax_c p_c`` gives the hue; the confidence
    ``t = (p_j - 1/m) / (1 - 1/m)`` (0 when all ``m`` classes are equally
    likely, 1 when certain) gives the strength::

        rgb = white + SURFACE_MAX_TINT * t * (PALETTE[classes[j]] - white)

    Parameters
    ----------
    proba : ndarray of shape (n_points, m)
        Class probabilities; column ``c`` belongs to class code ``classes[c]``.
    classes : ndarray of shape (m,)
        Palette indices (class codes, 0..7) of the columns.

    Returns
    -------
    ndarray of shape (n_points, 3), uint8
    """
    return surface_rgba(proba, classes)[:, :3].copy()


#: confidence levels of the decision surface's colour table (the colour
#: error of quantising is under 0.1 of one 8-bit step)
SURFACE_LEVELS = 1024
_SURFACE_TABLES: dict[tuple, np.ndarray] = {}


def _surface_table(classes: tuple[int, ...], bgra: bool) -> np.ndarray:
    """``(m * SURFACE_LEVELS,)`` uint32: the packed colour of column ``c`` at
    confidence ``t = k / (SURFACE_LEVELS - 1)`` at index
    ``c * SURFACE_LEVELS + k``, by the formula of :func:`surface_rgb`."""
    key = (classes, bgra)
    table = _SURFACE_TABLES.get(key)
    if table is None:
        t = np.linspace(0.0, 1.0, SURFACE_LEVELS)                       # (L,)
        hue = _PALETTE_ARRAY[list(classes)]                              # (m, 3)
        rgb = 255.0 + (SURFACE_MAX_TINT * t)[None, :, None] * (hue[:, None, :] - 255.0)  # (m, L, 3)
        pixels = np.full((len(classes), SURFACE_LEVELS, 4), 255, np.uint8)
        pixels[..., :3] = np.round(rgb[..., ::-1] if bgra else rgb)
        table = pixels.reshape(-1, 4).view(np.uint32).ravel()
        if len(_SURFACE_TABLES) > 64:  # class sets seen by a long session: keep it bounded
            _SURFACE_TABLES.clear()
        _SURFACE_TABLES[key] = table
    return table


def surface_rgba(proba: np.ndarray, classes: np.ndarray, out: np.ndarray | None = None,
                 bgra: bool = False) -> np.ndarray:
    """:func:`surface_rgb` with an opaque alpha channel: ``(n_points, 4)`` uint8
    RGBA, ready for ``ImageItem.setImage`` without levels or lookup table.

    ``bgra=True`` stores the bytes as B, G, R, 255: the memory layout of
    ``QImage.Format_RGB32`` (on little-endian machines), which Qt scales and
    draws about twice as fast as RGBA8888 (no conversion per pixel).

    The confidence is quantised to ``SURFACE_LEVELS`` steps and each point's
    colour read from a table of the winning column's colours: a dozen NumPy
    calls over all points whatever the number of classes (each call on a
    large array lets another thread take the interpreter lock, so fewer
    calls disturb the training thread less). float32 probabilities are
    processed in float32. ``out``: an ``(n_points, 4)`` uint8 array to fill
    and return.
    """
    proba = np.asarray(proba)
    if proba.dtype != np.float32:
        proba = proba.astype(np.float64, copy=False)
    classes = np.asarray(classes)
    if proba.ndim != 2 or proba.shape[1] < 1:
        raise ValueError(f"proba must have shape (n_points, m), got {proba.shape}")
    if classes.shape != (proba.shape[1],):
        raise ValueError(
            f"classes must have shape ({proba.shape[1]},) to match proba's columns, "
            f"got {classes.shape}")
    if classes.size and (classes.min() < 0 or classes.max() >= len(PALETTE)):
        raise ValueError(f"classes must be palette indices 0..{len(PALETTE) - 1}, "
                         f"got {classes.tolist()}")
    n, m = proba.shape
    if out is None:
        out = np.empty((n, 4), np.uint8)
    elif out.shape != (n, 4) or out.dtype != np.uint8:
        raise ValueError(f"out must be a ({n}, 4) uint8 array, got {out.shape} {out.dtype}")
    dtype = proba.dtype
    table = _surface_table(tuple(int(c) for c in classes), bool(bgra))
    # Winner and its probability, column by column (m is small): the first
    # maximum wins ties, as argmax does; a NaN column never wins, but its NaN
    # reaches p_max and the point shows white (below).
    columns = proba.T                                        # (m, n) view
    level = columns[0].copy()                                # p_max, then its level, (n,)
    winner = np.zeros(n, np.intp)
    for c in range(1, m):
        better = columns[c] > level
        winner[better] = c
        np.maximum(level, columns[c], out=level)
    top = SURFACE_LEVELS - 1
    if m > 1:
        # t = (p_max - 1/m) / (1 - 1/m), as a level 0..top
        scale = top / (1.0 - 1.0 / m)
        level *= dtype.type(scale)
        level -= dtype.type(scale / m)
    else:
        level[:] = top                                       # one class: certain
    # NaN probabilities (a diverged model) show as white rather than garbage.
    np.nan_to_num(level, copy=False, nan=0.0)
    np.clip(level, 0.0, top, out=level)
    level += dtype.type(0.5)                                 # round to the nearest level
    index = level.astype(np.intp)
    winner *= SURFACE_LEVELS
    index += winner
    np.take(table, index, out=out.view(np.uint32).reshape(n))
    return out
