"""The views of a training run and the widgets they are built from.

- ``frame.py``: the two parts of a view (a pure frame spec, the Qt half),
  ``registry.py``: the list of views. A view is one file plus one line in the
  registry; ``docs/views.md`` says how to add one.
- The widgets (Qt, pyqtgraph): ``ClassificationView``, ``Regression1DView``,
  ``RegressionHeatmapView``, ``Surface3DView``, ``TimeSeriesView``,
  ``ConfusionView``, ``PredictedActualView``, ``LossView``. They take NumPy
  arrays and know nothing of models or threads; every item is created once
  and each frame only pushes new arrays.

The pure names (colours, grids, surface pictures) are imported here; the
widgets only when first used (``views.ClassificationView``), so that the
render process, which imports the view files to unpickle their specs, never
loads Qt or pyqtgraph.

Theme: light (white plots, dark grey text), see :mod:`gui.views.colors`.
"""

from __future__ import annotations

import importlib

from .colors import PALETTE, surface_rgb, surface_rgba
from .grid import GridSpec
from .surface import SurfacePainter, SurfacePicture

#: widget (Qt) names -> the module that defines them, imported on first use
_WIDGETS = {
    "ClassificationView": ".classification",
    "ConfusionView": ".confusion",
    "LossView": ".loss",
    "PredictedActualView": ".regression",
    "Regression1DView": ".regression",
    "RegressionHeatmapView": ".regression",
    "TimeSeriesView": ".regression",
    "Surface3DView": ".surface3d",
    "opengl_available": ".surface3d",
    "REGRESSION_CMAP": "._colormaps",
}


def __getattr__(name: str):
    module = _WIDGETS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WIDGETS))


__all__ = [
    "PALETTE", "REGRESSION_CMAP", "surface_rgb", "surface_rgba", "GridSpec",
    "SurfacePainter", "SurfacePicture",
    "ClassificationView", "Regression1DView", "RegressionHeatmapView", "Surface3DView",
    "opengl_available", "TimeSeriesView", "LossView", "ConfusionView", "PredictedActualView",
]
