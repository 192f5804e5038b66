"""Binary logistic regression trained by gradient descent on cross-entropy."""

from __future__ import annotations

import numpy as np

from .activations import Identity
from .base import BaseModel, ClassifierMixin
from .losses import SigmoidCrossEntropy
from .network import DenseNetwork
from .params import l1_param, l2_param, learning_rate_param, stopping_params

__all__ = ["LogisticRegression"]


class LogisticRegression(ClassifierMixin, BaseModel):
    """Two-class logistic regression by full-batch gradient descent.

    Model: ``z = X @ coef_ + intercept_``, ``P(classes_[1] | x) = sigmoid(z)``.
    Loss: ``L = 1/n sum_i [softplus(z_i) - y_i z_i] + (l2 / 2) ||w||^2 + l1 ||w||_1``
    (binary cross-entropy from the logit, ``y_i`` in {0, 1}; the bias is not
    penalised), ``dL/dw = X^T (p - y) / n + l2 w``, ``dL/db = mean(p - y)``;
    the L1 term by proximal steps (``network.py``).
    Convex, so gradient descent from zero reaches the unique optimum (for
    ``l2 > 0`` or non-separable data). ``l2`` acts on the weights of the
    standardised inputs when ``normalize=True``.

    Labels may be any two values (0/1, -1/1, strings): ``classes_`` holds
    them sorted and ``predict_proba`` has one column per class.
    """

    LABEL = "Logistic regression"
    PARAMS = (learning_rate_param(0.1), l2_param(1e-4), l1_param(0.0), *stopping_params(1000))
    _multi_class = False

    def __init__(self, *, learning_rate=0.1, l2=1e-4, l1=0.0, max_epochs=1000, early_stopping=False, patience=20,
                 tol=1e-4, validation_fraction=0.2, normalize=True, random_state=None):
        self._store_params(locals())

    @classmethod
    def supports(cls, task: str, n_classes: int | None) -> bool:
        """Classification with exactly two classes (``n_classes=None``: not known yet, True)."""
        return task == "classification" and (n_classes is None or n_classes == 2)

    def _task(self) -> str:
        return "classification"

    def _check_labels(self, y, min_classes):
        y = super()._check_labels(y, min_classes)
        classes = np.unique(y)
        if len(classes) > 2:
            raise ValueError(
                f"Only binary classification is supported. LogisticRegression is binary but y has {len(classes)} classes "
                f"({', '.join(map(str, classes[:8].tolist()))}{', ...' if len(classes) > 8 else ''}): "
                f"use NeuralNetwork(task='classification') for three or more classes"
            )
        return y

    def _make_network(self, params, n_features, n_outputs, dtype):
        return DenseNetwork((n_features, 1), Identity(), SigmoidCrossEntropy(), dtype)

    def decision_function(self, X) -> np.ndarray:
        """The logit ``z = X @ coef_ + intercept_``, ``(n_samples,)``; positive means ``classes_[1]``."""
        return self._output(X)[0].astype(np.float64)

    def _raw_coefficients(self):
        """``z = w . x_s + b`` with ``x_s = (x - m) / s``: ``coef = w / s``,
        ``intercept = b - coef . m``."""
        self._require_fitted()
        block = self._network.blocks[0][:, 0].astype(np.float64)  # (d + 1,) = [w; b]
        coef = block[:-1] / self._x_scale
        return coef, float(block[-1] - coef @ self._x_mean)

    @property
    def coef_(self) -> np.ndarray:
        """Weights in raw input units, ``(n_features,)``."""
        return self._raw_coefficients()[0]

    @property
    def intercept_(self) -> float:
        """Intercept in raw input units."""
        return self._raw_coefficients()[1]
