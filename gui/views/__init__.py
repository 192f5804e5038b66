"""Plot views: plain widgets that take NumPy arrays and draw them with
pyqtgraph. They know nothing of models or threads; every item is created
once and each frame only pushes new arrays (setData / setImage).

Theme: light (white plots, dark grey text), see :mod:`gui.views.colors`.
"""

from .classification import ClassificationView
from .colors import PALETTE, REGRESSION_CMAP, surface_rgb, surface_rgba
from .confusion import ConfusionView
from .grid import GridSpec
from .loss import LossView
from .regression import PredictedActualView, Regression1DView, RegressionHeatmapView, TimeSeriesView
from .surface import SurfacePainter, SurfacePicture
from .surface3d import Surface3DView, opengl_available

__all__ = [
    "PALETTE", "REGRESSION_CMAP", "surface_rgb", "surface_rgba", "GridSpec",
    "SurfacePainter", "SurfacePicture",
    "ClassificationView", "Regression1DView", "RegressionHeatmapView", "Surface3DView",
    "opengl_available", "TimeSeriesView", "LossView", "ConfusionView", "PredictedActualView",
]
