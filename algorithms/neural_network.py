"""A configurable fully-connected neural network (multi-layer perceptron)."""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, get_activation
from .base import BaseModel, ClassifierMixin, RegressorMixin
from .losses import MeanSquaredError, SigmoidCrossEntropy, SoftmaxCrossEntropy, sigmoid, softmax
from .network import DenseNetwork
from .optimizers import OPTIMIZERS
from .params import Param, l1_param, l2_param, learning_rate_param, stopping_params

__all__ = ["NeuralNetwork"]


class NeuralNetwork(BaseModel):
    """Fully-connected network for classification or regression.

    Architecture: ``n_features -> hidden_layers[0] -> ... -> n_outputs``, every
    hidden layer ``a_l = f(a_{l-1} @ W_l + b_l)`` with ``f = activation``
    (``hidden_layers=()`` gives a linear or logistic/softmax model). Output and
    loss, always computed from the logits ``z``:

    - classification, 2 classes: one sigmoid unit, binary cross-entropy;
    - classification, k >= 3 classes: k softmax units, categorical cross-entropy;
    - regression: identity outputs (one per target column), mean squared error
      (targets standardised when ``normalize=True``).

    Back-propagation, L2 penalty ``(l2/2) sum ||W||^2``, L1 penalty
    ``l1 sum |W|`` (proximal steps, see ``network.py``), He initialisation for
    relu/leaky_relu and Glorot otherwise, mini-batches (``batch_size``;
    ``None`` = full batch) reshuffled every epoch from ``random_state``,
    and the optimisers sgd / momentum / adam: see ``network.py``,
    ``optimizers.py`` and ``initializers.py`` for the formulas.

    Learned state: ``coefs_[l]`` (``(fan_in, fan_out)``) and ``intercepts_[l]``
    (``(fan_out,)``), acting on standardised inputs when ``normalize=True``;
    ``classes_`` (classification); ``history_``. ``layer_activations(X)``
    returns every layer's output for drawing.

    Inputs of dtype float32 train in float32 (1.2-2x faster than float64 on
    the benchmark networks: tanh and elementwise work halve); anything else
    in float64.

    ``predict_proba`` exists only with ``task="classification"``
    (``hasattr(model, "predict_proba")`` is False for a regression network,
    as for any scikit-learn regressor).
    """

    LABEL = "Neural network"
    PARAMS = (
        Param("hidden_layers", "layers", (16, 16), "Hidden layers",
              "Widths of the hidden layers, e.g. (16, 16); empty for no hidden layer.", high=4096),
        Param("activation", str, "tanh", "Activation",
              "Non-linearity applied by every hidden unit.", choices=tuple(ACTIVATIONS)),
        Param("task", str, "classification", "Task",
              "Predict class labels (cross-entropy) or numeric targets (squared error).",
              choices=("classification", "regression")),
        learning_rate_param(0.01),
        l2_param(1e-4),
        l1_param(0.0),
        Param("batch_size", int, None, "Batch size",
              "Samples per gradient step; empty = the whole training set (full batch).",
              low=1, high=1_000_000, optional=True),
        Param("optimizer", str, "adam", "Optimizer",
              "Update rule: plain gradient descent, with momentum, or Adam.", choices=tuple(OPTIMIZERS)),
        *stopping_params(1000),
    )

    def __init__(self, *, hidden_layers=(16, 16), activation="tanh", task="classification", learning_rate=0.01,
                 l2=1e-4, l1=0.0, batch_size=None, optimizer="adam", max_epochs=1000, early_stopping=False,
                 patience=20, tol=1e-4, validation_fraction=0.2, normalize=True, random_state=None):
        self._store_params(locals())

    @classmethod
    def supports(cls, task: str, n_classes: int | None) -> bool:
        """Regression, and classification with two or more classes."""
        return task == "regression" or (task == "classification" and (n_classes is None or n_classes >= 2))

    def _task(self) -> str:
        if self.task not in ("classification", "regression"):
            raise ValueError(f"task={self.task!r} is invalid: expected 'classification' or 'regression'")
        return self.task

    def _declared_task(self) -> str:
        return "regression" if self.task == "regression" else "classification"

    def _structure_key(self, params):
        return (params["normalize"], params["hidden_layers"], params["activation"], params["task"],
                params["optimizer"])

    def _layer_sizes(self, params, n_features, n_outputs):
        return (n_features, *params["hidden_layers"], n_outputs)

    def _make_network(self, params, n_features, n_outputs, dtype):
        if params["task"] == "regression":
            loss = MeanSquaredError()
        elif n_outputs == 1:
            loss = SigmoidCrossEntropy()
        else:
            loss = SoftmaxCrossEntropy()
        sizes = self._layer_sizes(params, n_features, n_outputs)
        return DenseNetwork(sizes, get_activation(params["activation"]), loss, dtype)

    def _init_scheme(self, params):
        return get_activation(params["activation"]).init

    def _optimizer_name(self, params):
        return params["optimizer"]

    def _batch_size(self):
        return self._check_params()["batch_size"]

    # -- learned state ---------------------------------------------------------
    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices, ``coefs_[l]`` of shape ``(fan_in, fan_out)`` (copies)."""
        self._require_fitted()
        return [np.array(weights) for weights in self._network.weights]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors, ``intercepts_[l]`` of shape ``(fan_out,)`` (copies)."""
        self._require_fitted()
        return [np.array(biases) for biases in self._network.biases]

    # -- prediction --------------------------------------------------------------
    def _fitted_classifier(self) -> bool:
        """Whether the *fitted* network classifies (``task`` may have been
        changed by ``set_params`` since; predictions follow the fitted state)."""
        self._require_fitted()
        return "classes_" in self.__dict__

    def _outputs_to_user(self, z: np.ndarray) -> np.ndarray:
        """Network output ``z`` (``(n_out, n)``) as probabilities or raw-unit values ``(n, n_out)``."""
        if not self._fitted_classifier():
            return z.T * self._y_scale + self._y_mean
        if z.shape[0] == 1:
            return sigmoid(z.T)
        return softmax(z.T, axis=1)

    @property
    def predict_proba(self):
        """Class probabilities ``(n_samples, n_classes)``, columns in ``classes_`` order.

        Only with ``task="classification"``: for ``task="regression"`` the
        attribute does not exist (``AttributeError``, so ``hasattr`` is False),
        the way scikit-learn's ``available_if`` hides methods.
        """
        if self.task != "classification":
            raise AttributeError(
                f"predict_proba is available only with task='classification'; this NeuralNetwork has "
                f"task={self.task!r}"
            )
        return self._predict_proba

    def _predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(n_samples, n_classes)``, columns in ``classes_`` order."""
        if not self._fitted_classifier():
            raise ValueError("predict_proba needs task='classification'; this network was fitted for regression")
        return ClassifierMixin.predict_proba(self, X)

    def predict(self, X) -> np.ndarray:
        """Class labels ``(n,)``; or regression values ``(n,)`` (1-D y) / ``(n, n_outputs)``."""
        if self._fitted_classifier():
            return ClassifierMixin.predict(self, X)
        return RegressorMixin.predict(self, X)

    def score(self, X, y) -> float:
        """Accuracy (classification) or mean R^2 over outputs (regression)."""
        if self._fitted_classifier():
            return ClassifierMixin.score(self, X, y)
        return RegressorMixin.score(self, X, y)

    def layer_activations(self, X) -> list[np.ndarray]:
        """Every layer's output for the rows of ``X``.

        Returns ``[x_s, a_1, ..., a_{L-1}, out]``: the inputs after
        normalisation ``(n, n_features)``, each hidden layer's activation
        ``(n, width_l)``, then the output layer's probabilities (one sigmoid
        column for two classes, softmax columns otherwise) or regression
        values in raw units ``(n, n_outputs)``.
        """
        X = self._check_predict_X(X)
        design = self._design(X)  # (d + 1, n)
        outputs = self._network.layer_outputs(design)
        inputs = design[:-1].T.copy()
        hidden = [a.T.copy() for a in outputs[:-1]]
        return [inputs, *hidden, self._outputs_to_user(outputs[-1])]
