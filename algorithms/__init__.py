"""Classic machine-learning models written from scratch in NumPy.

``LinearRegression``, ``LogisticRegression`` and ``NeuralNetwork`` follow the
scikit-learn estimator API; all three train through the one loop in
``training.Trainer`` (``fit`` runs it to the end, the GUI drives it epoch by
epoch). Hyperparameters are declared once per model in ``PARAMS``.

NumPy and the standard library only: no Qt, no plotting, no torch.
"""

from .base import DivergedError, NotFittedError
from .linear import LinearRegression
from .logistic import LogisticRegression
from .neural_network import NeuralNetwork
from .params import Param
from .training import EpochRecord, Trainer

MODELS = {"linear": LinearRegression, "logistic": LogisticRegression, "nn": NeuralNetwork}


def is_classifier(model) -> bool:
    """Whether ``model`` answers with class probabilities (``predict_proba``).

    LogisticRegression always does; NeuralNetwork only with
    ``task="classification"``; LinearRegression never.
    """
    if not hasattr(model, "predict_proba"):
        return False
    return getattr(model, "task", "classification") == "classification"

__all__ = [
    "LinearRegression",
    "LogisticRegression",
    "NeuralNetwork",
    "Trainer",
    "EpochRecord",
    "Param",
    "MODELS",
    "is_classifier",
    "NotFittedError",
    "DivergedError",
]
