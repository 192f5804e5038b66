"""Estimator plumbing shared by the three models (scikit-learn conventions).

- ``__init__`` stores hyperparameters under their own names, nothing else;
  ``get_params`` / ``set_params`` read and write them as declared in
  ``PARAMS``. Learned state ends in ``_`` and exists only once the model is
  initialised (by ``fit``, ``partial_fit`` or a ``Trainer``).
- ``fit`` and ``partial_fit`` drive the one training loop, ``training.Trainer``.
- Input checks: every bad input is a ``ValueError`` naming the argument and
  the value; prediction before fitting is a ``NotFittedError``.
- Normalisation (``normalize=True``): inputs are standardised with the
  training rows' mean and standard deviation, ``x_s = (x - mean) / std``
  (and regression targets likewise), inside the model, so callers always pass
  and receive raw units.

All three models are a ``network.DenseNetwork`` underneath: linear
regression is one identity layer with MSE, logistic regression one sigmoid
unit with cross-entropy, the neural network adds hidden layers.
"""

from __future__ import annotations

import numpy as np

from .network import DenseNetwork, EvaluationPlan, TrainingPlan
from .optimizers import make_optimizer
from .params import Param, validate_param, validate_params

__all__ = ["NotFittedError", "DivergedError", "BaseModel", "check_X"]


class NotFittedError(ValueError, AttributeError):
    """The model was used (predict, coef_, ...) before ``fit``.

    Also an ``AttributeError`` so ``hasattr(model, "coef_")`` is False before
    fitting, as in scikit-learn.
    """


class DivergedError(RuntimeError):
    """Training produced a non-finite loss; the model kept its last finite parameters."""


def _first_bad(a: np.ndarray) -> str:
    index = np.argwhere(~np.isfinite(a))[0]
    return f"{a[tuple(index)]} at index {tuple(int(i) for i in index)}"


def check_X(X, name: str = "X") -> np.ndarray:
    """``X`` as a finite 2-D float32 or float64 array ``(n_samples, n_features)``.

    float32 stays float32 (a model first fitted on float32 computes in
    float32); other numeric types become float64.
    """
    try:
        X = np.asarray(X)
        if X.dtype.kind not in "biuf":
            X = X.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must contain numbers; got {np.asarray(X, dtype=object).dtype} data") from None
    if X.ndim != 2:
        hint = " (reshape a single feature with X.reshape(-1, 1))" if X.ndim == 1 else ""
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_features); got shape {X.shape}{hint}")
    if X.dtype != np.float32 and X.dtype != np.float64:
        X = X.astype(np.float64)
    if X.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {X.shape})")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinity ({_first_bad(X)}); remove or impute those values")
    return X


class BaseModel:
    """Shared implementation; subclasses declare ``PARAMS``, ``LABEL`` and
    the network they are (``_layer_sizes``, ``_make_network``)."""

    PARAMS: tuple[Param, ...] = ()
    LABEL: str = ""

    # -- hyperparameters -------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        """Hyperparameters by name, as stored (scikit-learn ``get_params``)."""
        return {p.name: getattr(self, p.name) for p in self.PARAMS}

    def set_params(self, **params) -> "BaseModel":
        """Set hyperparameters; each value is validated at once.

        ``live`` parameters (``learning_rate``, ``l2``) may change between
        epochs of a running ``Trainer``: the next epoch uses them and the
        optimiser keeps its state. Other changes apply at the next ``fit`` (or
        the next ``Trainer``, which re-initialises if the structure changed).
        """
        declared = {p.name: p for p in self.PARAMS}
        for name, value in params.items():
            if name not in declared:
                raise ValueError(
                    f"{name!r} is not a parameter of {type(self).__name__}; expected one of {', '.join(declared)}"
                )
            validate_param(declared[name], value)
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def _check_params(self) -> dict:
        """Every hyperparameter validated against ``PARAMS`` (canonical values)."""
        return validate_params(self.PARAMS, self.get_params())

    def __repr__(self) -> str:
        changed = [f"{p.name}={getattr(self, p.name)!r}" for p in self.PARAMS if getattr(self, p.name) != p.default]
        return f"{type(self).__name__}({', '.join(changed)})"

    @classmethod
    def supports(cls, task: str, n_classes: int | None) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    # -- task ----------------------------------------------------------------
    def _task(self) -> str:
        """"classification" or "regression"."""
        raise NotImplementedError

    def _is_fitted(self) -> bool:
        return "_network" in self.__dict__

    def _require_fitted(self) -> None:
        if "_network" not in self.__dict__:
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(X, y) or partial_fit(X, y) first."
            )

    # -- data checks -----------------------------------------------------------
    def _check_data(self, X, y, min_classes: int = 2):
        """Validated ``(X, y)``: X as in ``check_X``; y as 1-D labels
        (classification) or a float ``(n,)`` / ``(n, k)`` target array."""
        X = check_X(X)
        n = X.shape[0]
        if n == 0:
            raise ValueError("X is empty (0 samples): training needs at least one sample per class")
        if y is None:
            raise ValueError("y is required: pass the targets (labels or values) of X")
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1 and self._task() == "classification":
            y = y[:, 0]
        if y.ndim == 0 or y.shape[0] != n:
            length = "a scalar" if y.ndim == 0 else f"{y.shape[0]} samples"
            raise ValueError(f"X has {n} samples but y has {length}: they must have the same length")
        if self._task() == "classification":
            return X, self._check_labels(y, min_classes)
        if y.dtype.kind not in "biuf":
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"y must contain numbers for regression; got {y.dtype} data") from None
        if y.ndim > 2:
            raise ValueError(f"y must be (n_samples,) or (n_samples, n_outputs); got shape {y.shape}")
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError(f"y has no outputs (shape {y.shape})")
        y = y.astype(np.float64, copy=False)
        if not np.isfinite(y).all():
            raise ValueError(f"y contains NaN or infinity ({_first_bad(y)}); remove those samples")
        return X, y

    def _check_labels(self, y: np.ndarray, min_classes: int) -> np.ndarray:
        if y.ndim != 1:
            raise ValueError(f"y must be a 1-D array of class labels; got shape {y.shape}")
        if y.dtype.kind == "f":
            if not np.isfinite(y).all():
                raise ValueError(f"y contains NaN or infinity ({_first_bad(y)}); class labels must be finite")
            if not np.array_equal(y, np.round(y)):
                raise ValueError(
                    f"y has non-integer values (e.g. {y[y != np.round(y)][0].item()!r}): classification needs class "
                    f"labels; for continuous targets use a regression model"
                )
        elif y.dtype.kind not in "biuUSO":
            raise ValueError(f"y must hold class labels (integers or strings); got {y.dtype} data")
        try:
            classes = np.unique(y)
        except TypeError:
            raise ValueError("y mixes label types (e.g. numbers and strings); use one type") from None
        if len(classes) < min_classes:
            raise ValueError(
                f"y has only one class ({classes[0].item()!r}): classification needs samples of at least two classes"
            )
        return y

    def _check_predict_X(self, X) -> np.ndarray:
        self._require_fitted()
        X = check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} was fitted with "
                f"{self.n_features_in_} features"
            )
        return X

    # -- initialisation (called by the Trainer) ----------------------------------
    def _structure_key(self, params: dict) -> tuple:
        """Hyperparameters whose change requires fresh parameters."""
        return (params["normalize"],)

    def _incompatibility(self, X: np.ndarray, y: np.ndarray) -> str | None:
        """Why the current parameters cannot train on ``(X, y)``; None if they can."""
        if not self._is_fitted():
            return f"{type(self).__name__} is not initialised"
        if "_optimizer" not in self.__dict__:
            return f"this {type(self).__name__} is a snapshot for prediction, without training state"
        if self._structure != self._structure_key(self._check_params()):
            return "hyperparameters that shape the model changed since it was initialised"
        if X.shape[1] != self.n_features_in_:
            return f"X has {X.shape[1]} features but the model was initialised with {self.n_features_in_}"
        if self._task() == "classification":
            known = np.isin(y, self.classes_)
            if not known.all():
                new = np.unique(y[~known])
                return f"y has labels {new.tolist()} not among the model's classes_ {self.classes_.tolist()}"
        elif (1 if y.ndim == 1 else y.shape[1]) != self.n_outputs_:
            n_outputs = 1 if y.ndim == 1 else y.shape[1]
            return f"y has {n_outputs} outputs but the model was initialised with {self.n_outputs_}"
        return None

    def _initialize(self, X: np.ndarray, y: np.ndarray, X_train: np.ndarray, y_train: np.ndarray) -> None:
        """Fresh parameters for data like ``(X, y)``; scaling from the training rows."""
        params = self._check_params()
        self._forget()
        self._rng = np.random.default_rng(params["random_state"])
        self._dtype = np.dtype(np.float32 if X.dtype == np.float32 else np.float64)
        self.n_features_in_ = X.shape[1]
        if self._task() == "classification":
            self.classes_ = np.unique(y)
            n_outputs = 1 if len(self.classes_) == 2 else len(self.classes_)
        else:
            self.n_outputs_ = n_outputs = 1 if y.ndim == 1 else y.shape[1]
            self._y_ndim = y.ndim
        self._normalize = params["normalize"]
        self._x_mean, self._x_scale = self._scaling(X_train)
        if self._task() == "regression":
            self._y_mean, self._y_scale = self._scaling(y_train.reshape(len(y_train), -1))
        network = self._make_network(params, self.n_features_in_, n_outputs, self._dtype)
        network.initialize(self._rng, self._init_scheme(params))
        self._network = network
        self._optimizer = make_optimizer(self._optimizer_name(params), network.n_params, self._dtype)
        self._structure = self._structure_key(params)
        self.history_ = {"loss": [], "val_loss": [], self._score_name(): [], "val_" + self._score_name(): []}

    def _forget(self) -> None:
        """Drop all learned state (everything but the hyperparameters)."""
        declared = {p.name for p in self.PARAMS}
        for name in [name for name in self.__dict__ if name not in declared]:
            del self.__dict__[name]

    def _scaling(self, values: np.ndarray):
        """``(mean, std)`` per column for standardisation; (0, 1) when
        ``normalize=False``. A constant column gets std 1 (no division by 0)."""
        n_columns = values.shape[1]
        if not self._normalize:
            return np.zeros(n_columns), np.ones(n_columns)
        values = values.astype(np.float64, copy=False)
        mean = values.mean(axis=0)
        std = values.std(axis=0)
        tiny = 1e-12 * np.maximum(1.0, np.abs(mean))
        return mean, np.where(std > tiny, std, 1.0)

    def _refit_scaling(self, X_train: np.ndarray, y_train: np.ndarray) -> None:
        """New training data (``Trainer.set_data``): re-standardise with its
        statistics and change the outer layers so the model computes the
        *same function* of raw inputs.

        Inputs: ``x_old = (x - m) / s``, ``x_new = (x - m') / s'``, so
        ``W^T x_old + b = (W^T * s'/s) x_new + b + W^T (m' - m) / s``.
        Targets (regression): the network predicts ``o`` with
        ``y = o * s_y + m_y``; ``o' = o * s_y / s_y' + (m_y - m_y') / s_y'``.
        The optimiser's state is rescaled with the parameters.
        """
        if not self._normalize:
            return
        network, state = self._network, self._optimizer.state()
        d = self.n_features_in_
        mean, scale = self._scaling(X_train)
        factor = (scale / self._x_scale).astype(network.dtype)[:, None]  # (d, 1)
        first = network.blocks[0]  # (d + 1, width) = [W; b^T]
        first[d] += ((mean - self._x_mean) / self._x_scale).astype(network.dtype) @ first[:d]
        first[:d] *= factor
        for vector, power in state:
            vector[network.block_slices[0]].reshape(first.shape)[:d] /= factor**power
        self._x_mean, self._x_scale = mean, scale
        if self._task() != "regression":
            return
        y_mean, y_scale = self._scaling(y_train.reshape(len(y_train), -1))
        last = network.blocks[-1]  # (width + 1, k)
        ratio = (self._y_scale / y_scale).astype(network.dtype)  # (k,)
        last *= ratio
        last[-1] += ((self._y_mean - y_mean) / y_scale).astype(network.dtype)
        for vector, power in state:
            vector[network.block_slices[-1]].reshape(last.shape)[...] /= ratio**power
        self._y_mean, self._y_scale = y_mean, y_scale

    # -- data for the network ---------------------------------------------------------
    def _design(self, X: np.ndarray) -> np.ndarray:
        """Standardised inputs, feature-major with a row of ones: ``(d + 1, n)``."""
        n, d = X.shape
        design = np.empty((d + 1, n), self._dtype)
        if self._normalize:
            np.subtract(X.T, self._x_mean[:, None], out=design[:d], casting="unsafe")
            np.divide(design[:d], self._x_scale[:, None].astype(self._dtype), out=design[:d])
        else:
            design[:d] = X.T
        design[d] = 1.0
        return design

    def _targets(self, y: np.ndarray) -> np.ndarray:
        """Targets in the network's terms, ``(n_out, n)``: 0/1 (two classes),
        one-hot columns (more), or standardised values (regression)."""
        n = len(y)
        if self._task() == "classification":
            codes = np.searchsorted(self.classes_, y)
            if len(self.classes_) == 2:
                return codes.astype(self._dtype)[None, :]
            targets = np.zeros((len(self.classes_), n), self._dtype)
            targets[codes, np.arange(n)] = 1.0
            return targets
        values = (y.reshape(n, -1) - self._y_mean) / self._y_scale  # (n, k)
        return np.ascontiguousarray(values.T, dtype=self._dtype)

    def _training_plan(self, X: np.ndarray, y: np.ndarray) -> TrainingPlan:
        return TrainingPlan(self._network, self._design(X), self._targets(y), self._batch_size())

    def _evaluation_plan(self, X: np.ndarray, y: np.ndarray) -> EvaluationPlan:
        return EvaluationPlan(self._network, self._design(X), self._targets(y))

    def _batch_size(self) -> int | None:
        return None

    def _output(self, X) -> np.ndarray:
        """Network output ``z_L`` for raw ``X``: ``(n_out, n)``."""
        X = self._check_predict_X(X)
        return self._network.predict_raw(self._design(X))

    def _score_name(self) -> str:
        return "accuracy" if self._task() == "classification" else "r2"

    # -- subclass hooks ---------------------------------------------------------------
    def _make_network(self, params: dict, n_features: int, n_outputs: int, dtype) -> DenseNetwork:
        raise NotImplementedError

    def _init_scheme(self, params: dict) -> str | None:
        return None

    def _optimizer_name(self, params: dict) -> str:
        return "sgd"

    # -- snapshots ----------------------------------------------------------------------
    #: learned attributes a prediction reads (besides the network's parameters)
    _PREDICTION_STATE = ("n_features_in_", "classes_", "n_outputs_", "_y_ndim", "_normalize",
                         "_x_mean", "_x_scale", "_y_mean", "_y_scale")

    def snapshot(self, into: "BaseModel | None" = None, dtype=None) -> "BaseModel":
        """A copy of this fitted model for prediction only, sharing no array with it.

        It holds the hyperparameters, the learned scaling and classes, and the
        parameters (one flat vector, copied), but no optimiser state, history
        or training buffers: taking one costs microseconds for the networks
        of the GUI, so a caller can snapshot a model between two epochs and
        predict with the copy in another thread while the model trains on.
        ``predict``, ``predict_proba``, ``score`` and friends work as on the
        model; ``fit`` starts afresh (a snapshot cannot continue training).

        Parameters
        ----------
        into : a previous snapshot, optional
            Reused when it has the same type, layer sizes and dtype: its
            arrays are overwritten in place and it is returned, so the
            buffers its predictions allocated are reused too. Anything else
            (None, another structure) gives a new snapshot.
        dtype : np.float32 or np.float64, optional
            Precision of the copy (default: the model's). A float32 copy of a
            float64 model predicts about twice as fast, for pictures. When the
            parameters exceed float32's range (a model blowing up), the copy
            keeps the model's own precision instead of holding infinities.
        """
        self._require_fitted()
        network = self._network
        dtype = network.dtype if dtype is None else np.dtype(dtype)
        if dtype != np.float32 and dtype != np.float64:
            raise ValueError(f"dtype must be float32 or float64, got {dtype}")
        if dtype.itemsize < network.dtype.itemsize and network.theta.size:
            if not np.abs(network.theta).max() < np.finfo(dtype).max:  # NaN too
                dtype = network.dtype
        reuse = (
            type(into) is type(self)
            and "_network" in into.__dict__
            and into._network.layer_sizes == network.layer_sizes
            and into._network.dtype == dtype
            and type(into._network.activation) is type(network.activation)
            and type(into._network.loss) is type(network.loss)
        )
        if not reuse:
            into = type(self)(**self.get_params())
            # Activations and losses hold no state: the copy may share them.
            into._network = DenseNetwork(network.layer_sizes, network.activation, network.loss, dtype)
        else:
            for name, value in self.get_params().items():
                setattr(into, name, value)
        np.copyto(into._network.theta, network.theta, casting="same_kind")
        into._dtype = dtype
        state = into.__dict__
        for name in self._PREDICTION_STATE:
            if name in self.__dict__:
                value = self.__dict__[name]
                state[name] = value.copy() if isinstance(value, np.ndarray) else value
            else:
                state.pop(name, None)
        return into

    # -- scikit-learn API -------------------------------------------------------------
    def fit(self, X, y) -> "BaseModel":
        """Train from fresh parameters until a stop rule fires; returns ``self``.

        Raises ``DivergedError`` (with the reason) if the loss becomes
        non-finite; the model then keeps its last finite parameters.
        """
        from .training import Trainer

        self._check_params()  # fail before touching the learned state
        self._forget()
        trainer = Trainer(self, X, y)
        record = None
        while not trainer.done:
            record = trainer.step()
        if record is not None and record.stop_reason == "diverged":
            raise DivergedError(record.message)
        return self

    def partial_fit(self, X, y) -> "BaseModel":
        """Exactly one epoch on all of ``(X, y)`` (no validation split),
        appended to ``history_``; initialises the model on the first call."""
        from .training import Trainer

        if self._is_fitted():
            X_checked, y_checked = self._check_data(X, y, min_classes=1)
            reason = self._incompatibility(X_checked, y_checked)
            if reason is not None:
                raise ValueError(f"partial_fit cannot continue: {reason}; call fit(X, y) to start afresh")
        trainer = Trainer(self, X, y, validation_fraction=0.0, max_epochs=1)
        record = trainer.step()
        if record.stop_reason == "diverged":
            raise DivergedError(record.message)
        return self

    def score(self, X, y) -> float:
        """Accuracy (classifiers) or R^2 averaged over outputs (regressors)."""
        raise NotImplementedError


class ClassifierMixin:
    """``predict_proba`` / ``predict`` / ``score`` for a ``BaseModel`` classifier."""

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(n_samples, n_classes)``, columns in ``classes_`` order; rows sum to 1."""
        from .losses import sigmoid, softmax

        z = self._output(X)  # (n_out, n)
        if len(self.classes_) == 2:
            return np.stack([sigmoid(-z[0]), sigmoid(z[0])], axis=1)
        return softmax(z.T, axis=1)

    def predict(self, X) -> np.ndarray:
        """Most probable class label of each row, ``(n_samples,)``."""
        z = self._output(X)
        if len(self.classes_) == 2:
            return self.classes_[(z[0] > 0).astype(np.intp)]
        return self.classes_[np.argmax(z, axis=0)]

    def score(self, X, y) -> float:
        """Fraction of rows whose predicted label equals ``y``."""
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        predicted = self.predict(X)
        if y.shape != predicted.shape:
            raise ValueError(f"X has {len(predicted)} samples but y has shape {y.shape}")
        return float(np.mean(predicted == y))


class RegressorMixin:
    """``predict`` / ``score`` for a ``BaseModel`` regressor."""

    def predict(self, X) -> np.ndarray:
        """Predicted targets in raw units: ``(n,)`` if fitted on 1-D ``y``, else ``(n, n_outputs)``."""
        z = self._output(X)  # (k, n), standardised units
        values = z.T * self._y_scale + self._y_mean
        return values[:, 0] if self._y_ndim == 1 else values

    def score(self, X, y) -> float:
        """``R^2 = 1 - SSE / SST`` per output, averaged (scikit-learn's ``r2_score``)."""
        predicted = self.predict(X)
        y = np.asarray(y, dtype=np.float64).reshape(predicted.shape[0], -1)
        return r2_score(y, predicted.reshape(len(y), -1))


def r2_score(y: np.ndarray, predicted: np.ndarray) -> float:
    """Mean over columns of ``1 - sum (y - yhat)^2 / sum (y - mean y)^2``;
    a constant column scores 1 if predicted exactly, else 0."""
    sse = np.sum((y - predicted) ** 2, axis=0)
    sst = np.sum((y - y.mean(axis=0)) ** 2, axis=0)
    safe = np.where(sst > 0, sst, 1.0)
    return float(np.mean(np.where(sst > 0, 1.0 - sse / safe, np.where(sse == 0, 1.0, 0.0))))
