"""What training is minimising right now, in numbers a person can read
beside the formulas: the loss split into its terms, and the size of the
gradient and of the parameters, layer by layer.

``training_terms(model, X, y)`` is pure: it reads a fitted model (or a
``model.snapshot()``, the intended use while training runs in another
thread: a snapshot has no optimiser, and is never touched by the training
loop) and computes on its own copy of the parameters, so no buffer of a
model in training is disturbed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import DenseNetwork

__all__ = ["LayerNorms", "TrainingTerms", "training_terms"]


@dataclass(frozen=True)
class LayerNorms:
    """Euclidean norms of one layer's weight matrix and bias vector."""

    weights: float  # ||W_l||_F over the (fan_in, fan_out) weights
    biases: float  # ||b_l|| over the (fan_out,) biases


@dataclass(frozen=True)
class TrainingTerms:
    """The objective at the model's current parameters on ``(X, y)``.

    ``total = data_loss + l2_term + l1_term`` is what a full-batch epoch on
    these rows reports as its loss.
    """

    data_loss: float  # mean loss over the rows: cross-entropy, or MSE of the (standardised) targets
    l2_term: float  # (l2 / 2) sum_l ||W_l||^2 (weights only)
    l1_term: float  # l1 sum_l sum |W_l| (weights only)
    total: float  # data_loss + l2_term + l1_term
    gradient_norms: tuple[LayerNorms, ...]  # per layer: ||d(data + L2)/dW_l||, ||d data/db_l||
    parameter_norms: tuple[LayerNorms, ...]  # per layer: ||W_l||, ||b_l||


def training_terms(model, X, y) -> TrainingTerms:
    """The loss terms and per-layer norms of ``model`` on ``(X, y)``.

    Parameters
    ----------
    model : a fitted ``LinearRegression``, ``LogisticRegression`` or
        ``NeuralNetwork``, or a ``snapshot()`` of one.
    X : array of shape ``(n_samples, n_features)``, raw units.
    y : labels among ``model.classes_``, or targets ``(n,)`` / ``(n, k)``.

    The terms are those training minimises, in the model's own units: inputs
    standardised when ``normalize=True``, regression targets too (so the
    data loss of a regressor is ``MSE / Var(y)``), with the model's current
    ``l2`` and ``l1``. Gradients: of the smooth part ``data + L2`` (the L1
    term acts by soft thresholding after each step, see ``network.py``);
    layer ``l``'s weights ``W_l`` (``(fan_in, fan_out)``) and biases ``b_l``.
    """
    model._require_fitted()
    X, y = model._check_data(X, y, min_classes=1)
    if X.shape[1] != model.n_features_in_:
        raise ValueError(model._feature_count_message(X.shape[1]))
    if "classes_" in model.__dict__:
        unknown = ~np.isin(y, model.classes_)
        if unknown.any():
            raise ValueError(f"y has labels {np.unique(y[unknown]).tolist()} not among the model's classes_ "
                             f"{model.classes_.tolist()}")
    params = model._check_params()
    l2, l1 = params.get("l2", 0.0), params.get("l1", 0.0)
    source = model._network
    # A private copy: the gradient and the forward buffers are its own.
    network = DenseNetwork(source.layer_sizes, source.activation, source.loss, source.dtype)
    np.copyto(network.theta, source.theta)
    design, targets = model._design(X), model._targets(y)  # (d + 1, n), (n_out, n)
    data_loss = float(network.loss_and_gradient(design, targets))  # fills grad with d data / d theta
    gradient = network.grad + l2 * network.weight_mask * network.theta  # + d L2 / dW = l2 W
    l2_term = network.penalty(l2)
    l1_term = l1 * network.l1_norm() if l1 else 0.0
    gradient_norms, parameter_norms = [], []
    for where, block in zip(network.block_slices, network.blocks):
        grad_block = gradient[where].reshape(block.shape)  # (fan_in + 1, fan_out) = [dW; db^T]
        gradient_norms.append(LayerNorms(_norm(grad_block[:-1]), _norm(grad_block[-1])))
        parameter_norms.append(LayerNorms(_norm(block[:-1]), _norm(block[-1])))
    return TrainingTerms(data_loss, l2_term, l1_term, data_loss + l2_term + l1_term,
                         tuple(gradient_norms), tuple(parameter_norms))


def _norm(values: np.ndarray) -> float:
    return float(np.sqrt(np.sum(np.square(values, dtype=np.float64))))
