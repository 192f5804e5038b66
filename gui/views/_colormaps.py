"""pyqtgraph colour maps of the stops in :mod:`.colors`, for colour bars and
lookup tables (Qt side; ``colors`` itself stays free of Qt)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from .colors import REGRESSION_STOPS, SEQUENTIAL_STOPS


def _colormap(stops, name: str) -> pg.ColorMap:
    return pg.ColorMap(pos=np.array([position for position, _ in stops]),
                       color=np.array([colour for _, colour in stops], dtype=np.ubyte), name=name)


REGRESSION_CMAP = _colormap(REGRESSION_STOPS, "blue-white-orange")
SEQUENTIAL_CMAP = _colormap(SEQUENTIAL_STOPS, "white-blue")
