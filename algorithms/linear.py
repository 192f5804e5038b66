"""Linear regression trained by batch gradient descent on mean squared error."""

from __future__ import annotations

import numpy as np

from .activations import Identity
from .base import BaseModel, RegressorMixin
from .losses import MeanSquaredError
from .network import DenseNetwork
from .params import l1_param, learning_rate_param, stopping_params

__all__ = ["LinearRegression"]


class LinearRegression(RegressorMixin, BaseModel):
    """Ordinary least squares by full-batch gradient descent.

    Model: ``yhat = X @ coef_ + intercept_``. Loss (on standardised inputs
    and targets when ``normalize=True``): ``L = 1/n sum_i (yhat_i - y_i)^2``,
    ``dL/dw = 2/n X^T (yhat - y)``, ``dL/db = 2/n sum_i (yhat_i - y_i)``.
    The loss is convex: from zero weights, gradient descent with a small
    enough step converges to the least-squares solution
    ``argmin_w ||X w - y||^2`` (what ``numpy.linalg.lstsq`` returns). With
    standardised inputs the curvature is at most ``2 * n_features``, so a
    learning rate below ``1 / n_features`` is always stable.

    ``coef_`` (``(n_features,)``, or ``(n_outputs, n_features)`` for 2-D y)
    and ``intercept_`` are in raw input/target units whatever ``normalize``.
    ``history_["loss"]`` is the objective minimised: with ``normalize=True``
    it is the MSE of standardised targets (``MSE / Var(y)``), plus
    ``l1 ||w||_1`` (the lasso penalty, on the weights of the standardised
    inputs; proximal steps set weights of irrelevant features to exactly 0).

    Training runs from the data's second moments (``network.GramPlan``):
    after an O(n d^2) set-up, every epoch costs O(d^2) whatever the number
    of rows, with the iterates of the plain full-batch pass.
    """

    LABEL = "Linear regression"
    PARAMS = (learning_rate_param(0.1), l1_param(0.0), *stopping_params(1000))

    def __init__(self, *, learning_rate=0.1, l1=0.0, max_epochs=1000, early_stopping=False, patience=20, tol=1e-4,
                 validation_fraction=0.2, normalize=True, random_state=None):
        self._store_params(locals())

    @classmethod
    def supports(cls, task: str, n_classes: int | None) -> bool:
        """Regression tasks only."""
        return task == "regression"

    def _task(self) -> str:
        return "regression"

    def _make_network(self, params, n_features, n_outputs, dtype):
        return DenseNetwork((n_features, n_outputs), Identity(), MeanSquaredError(), dtype)

    def _raw_coefficients(self):
        """``(coef (k, d), intercept (k,))`` in raw units.

        The network computes ``o = W^T x_s + b`` with ``x_s = (x - m) / s``
        and ``y = o * s_y + m_y``, so ``coef[k, j] = W^T[k, j] s_y[k] / s[j]``
        and ``intercept[k] = b[k] s_y[k] + m_y[k] - sum_j coef[k, j] m[j]``
        (``W^T[k, j]`` is ``blocks[0][j, k]``).
        """
        self._require_fitted()
        block = self._network.blocks[0].astype(np.float64)  # (d + 1, k) = [W; b^T]
        coef = block[:-1].T * self._y_scale[:, None] / self._x_scale[None, :]  # (k, d)
        intercept = block[-1] * self._y_scale + self._y_mean - coef @ self._x_mean
        return coef, intercept

    @property
    def coef_(self) -> np.ndarray:
        """Weights in raw units: ``(n_features,)``, or ``(n_outputs, n_features)`` if fitted on 2-D y."""
        coef, _ = self._raw_coefficients()
        return coef[0] if self._y_ndim == 1 else coef

    @property
    def intercept_(self):
        """Intercept in raw units: a float, or ``(n_outputs,)`` if fitted on 2-D y."""
        _, intercept = self._raw_coefficients()
        return float(intercept[0]) if self._y_ndim == 1 else intercept
