"""The list of views. The window, the render process, the presenter and the
GIF command all loop over it, so a new view is one file (``docs/views.md``)
plus one line here.

Order matters within a slot: the data slot shows the first view that applies
(with its display option on, if it has one), so a view with an option comes
before the view it replaces; the side slot shows every view that applies, as
tabs in this order; the status slot every view that applies, stacked above
the loss curves (banners that show when they have something to say).
"""

from __future__ import annotations

from .confusion_matrix import ConfusionMatrix
from .decision_surface import DecisionSurface
from .equation import LearnedEquation
from .fitted_curve import FittedCurve
from .frame import View
from .how_it_learns import HowItLearns
from .loss_landscape import LossLandscape
from .network_diagram import NetworkDiagram
from .one_step_ahead import OneStepAhead
from .predicted_actual import PredictedActual
from .prediction_3d import Prediction3D
from .prediction_heatmap import PredictionHeatmap
from .training_health import TrainingHealth
from .weights_histogram import WeightsHistogram

VIEWS: tuple[type[View], ...] = (
    # the data slot: the main picture
    DecisionSurface,
    OneStepAhead,
    FittedCurve,
    Prediction3D,
    PredictionHeatmap,
    # the side slot: beside the loss curves
    NetworkDiagram,
    LearnedEquation,
    LossLandscape,
    ConfusionMatrix,
    PredictedActual,
    WeightsHistogram,
    HowItLearns,
    # the status slot: above the loss curves, shown when they have something to say
    TrainingHealth,
)

assert len({view.view_id for view in VIEWS}) == len(VIEWS), "view ids must be unique"
