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
import pyqtgraph as pg

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
# targets orange; the middle of the target range is pale.
_REGRESSION_STOPS = [
    (0.00, (8, 69, 148)),
    (0.25, (66, 146, 198)),
    (0.50, (245, 245, 240)),
    (0.75, (253, 174, 97)),
    (1.00, (217, 95, 2)),
]
REGRESSION_CMAP = pg.ColorMap(
    pos=np.array([p for p, _ in _REGRESSION_STOPS]),
    color=np.array([c for _, c in _REGRESSION_STOPS], dtype=np.ubyte),
    name="blue-white-orange",
)

# Sequential white -> blue map for the confusion matrix.
SEQUENTIAL_CMAP = pg.ColorMap(
    pos=np.array([0.0, 1.0]),
    color=np.array([(247, 251, 255), (8, 81, 156)], dtype=np.ubyte),
    name="white-blue",
)

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
    proba = np.asarray(proba, dtype=np.float64)
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
    m = proba.shape[1]
    winner = np.argmax(proba, axis=1)                        # (n,)
    p_max = np.take_along_axis(proba, winner[:, None], axis=1)[:, 0]
    if m > 1:
        confidence = (p_max - 1.0 / m) / (1.0 - 1.0 / m)
    else:
        confidence = np.ones_like(p_max)                     # one class: certain
    # NaN probabilities (a diverged model) show as white rather than garbage.
    confidence = np.clip(np.nan_to_num(confidence, nan=0.0), 0.0, 1.0)
    tint = (SURFACE_MAX_TINT * confidence)[:, None]          # (n, 1)
    hue = _PALETTE_ARRAY[classes.astype(np.intp)][winner]    # (n, 3)
    rgb = 255.0 + tint * (hue - 255.0)
    return np.round(rgb).astype(np.uint8)


def qcolor(rgb: tuple[int, int, int], alpha: int = 255):
    """A QColor from an ``(r, g, b)`` tuple."""
    return pg.mkColor(*rgb, alpha)
