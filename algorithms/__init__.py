"""Classic machine-learning models written from scratch in NumPy.

``LinearRegression``, ``LogisticRegression`` and ``NeuralNetwork`` follow the
scikit-learn estimator API; all three train through the one loop in
``training.Trainer`` (``fit`` runs it to the end, the GUI drives it epoch by
epoch). Hyperparameters are declared once per model in ``PARAMS``.
``state.model_state`` / ``state.model_from_state`` turn a model into JSON and arrays and
back (``Trainer.state_dict()`` and ``Trainer(..., resume=...)`` for the loop).

NumPy and the standard library only: no Qt, no plotting, no torch.
"""

from .base import DivergedError, NotFittedError, is_classifier
from .linear import LinearRegression
from .logistic import LogisticRegression
from .neural_network import NeuralNetwork
from .params import MAX_PARAMETERS, Param
from .training import SPLITS, EpochRecord, Trainer

MODELS = {"linear": LinearRegression, "logistic": LogisticRegression, "nn": NeuralNetwork}

__all__ = [
    "LinearRegression",
    "LogisticRegression",
    "NeuralNetwork",
    "Trainer",
    "EpochRecord",
    "Param",
    "MODELS",
    "NotFittedError",
    "DivergedError",
    "is_classifier",
    "MAX_PARAMETERS",
    "SPLITS",
]
