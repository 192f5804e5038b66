"""Estimator plumbing shared by the three models (scikit-learn conventions).

- ``__init__`` stores hyperparameters under their own names, nothing else;
  ``get_params`` / ``set_params`` read and write them as declared in
  ``PARAMS``, unvalidated: ``fit`` (or a ``Trainer``) validates them.
  Learned state ends in ``_`` (plus the private names in
  ``_LEARNED_PRIVATE``) and exists only once the model is initialised (by
  ``fit``, ``partial_fit`` or a ``Trainer``); ``fit`` forgets only that.
- ``fit`` and ``partial_fit`` drive the one training loop, ``training.Trainer``.
- Input checks (``validation.py``): every bad input is a ``ValueError``
  naming the argument and the value; prediction before fitting is a
  ``NotFittedError``.
- Pickling (and ``copy.deepcopy``) keeps hyperparameters, parameters and
  the small learned state; buffers are rebuilt on loading.
- Normalisation (``normalize=True``): inputs are standardised with the
  training rows' mean and standard deviation, ``x_s = (x - mean) / std``
  (and regression targets likewise), inside the model, so callers always pass
  and receive raw units (any magnitude a float64 holds: ``column_statistics``).

All three models are a ``network.DenseNetwork`` underneath: linear
regression is one identity layer with MSE, logistic regression one sigmoid
unit with cross-entropy, the neural network adds hidden layers.
"""

from __future__ import annotations

import numpy as np

from .losses import MeanSquaredError
from .network import DenseNetwork, EvaluationPlan, GramPlan, TrainingPlan
from .optimizers import make_optimizer
from .params import MAX_PARAMETERS, Param, count_parameters, validate_params
from .validation import (
    DivergedError,
    NotFittedError,
    check_feature_names,
    check_X,
    check_y,
    column_vector_to_labels,
    feature_names,
    first_bad,
    not_fitted_error,
)

__all__ = ["NotFittedError", "DivergedError", "BaseModel", "check_X", "is_classifier", "column_statistics"]


def is_classifier(model) -> bool:
    """Whether ``model`` answers with class probabilities (``predict_proba``).

    True for ``LogisticRegression`` and for ``NeuralNetwork`` with
    ``task="classification"``; False for ``LinearRegression``, a regression
    network and anything else without ``predict_proba`` (a regressor does not
    have the method at all, as in scikit-learn).
    """
    return hasattr(model, "predict_proba")


def column_statistics(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(mean, std)`` per column of ``values`` ``(n, c)`` for standardisation,
    float64, for any finite magnitudes.

    - No overflow or underflow: a column whose largest magnitude is beyond
      ``2**±500`` is divided by a power of two first (exact), so values of
      1e300 or 1e-300 give their true mean and deviation (squaring 1e300
      overflows, squaring 1e-300 underflows to 0).
    - A column is constant when its variance is within rounding of zero
      *relative to its values* (scikit-learn's test:
      ``var <= n eps var + (n |mean| eps)^2``), not below an absolute
      threshold, so features measured in tiny units (1e-13) still count. A
      constant column gets std 1 (no division by 0; it standardises to 0).
    """
    values = np.asarray(values, dtype=np.float64)
    n = values.shape[0]
    peak = np.max(np.abs(values), axis=0) if n else np.zeros(values.shape[1])
    _, exponent = np.frexp(peak)
    extreme = (exponent > 500) | ((exponent < -500) & (peak > 0))
    factor = np.where(extreme, np.ldexp(1.0, exponent), 1.0)  # exact powers of two
    scaled = values / factor if extreme.any() else values
    mean = scaled.mean(axis=0)
    var = scaled.var(axis=0)
    eps = np.finfo(np.float64).eps
    constant = var <= n * eps * var + (n * np.abs(mean) * eps) ** 2
    std = np.sqrt(var)
    return mean * factor, np.where(constant, 1.0, std * factor)


class BaseModel:
    """Shared implementation; subclasses declare ``PARAMS``, ``LABEL`` and
    the network they are (``_make_network``).

    scikit-learn interplay, without importing it: ``get_params`` /
    ``set_params`` (``clone``, ``GridSearchCV``), ``n_features_in_`` and
    ``feature_names_in_`` (fitted on a DataFrame), ``partial_fit(X, y,
    classes=...)``, ``__sklearn_tags__`` (imports scikit-learn only when
    scikit-learn calls it) and ``__sklearn_is_fitted__``.
    """

    PARAMS: tuple[Param, ...] = ()
    LABEL: str = ""

    #: Private attributes that training learns (besides the public names
    #: ending in ``_``). ``fit`` forgets exactly these and nothing else, so
    #: attributes set by others (scikit-learn's metadata routing, a
    #: ``Pipeline``) survive a refit.
    _LEARNED_PRIVATE = ("_network", "_optimizer", "_rng", "_dtype", "_y_ndim", "_normalize", "_x_mean", "_x_scale",
                        "_y_mean", "_y_scale", "_structure", "_partial_fit_trainer")

    def _store_params(self, values: dict) -> None:
        """``__init__``'s body: every declared hyperparameter, stored as given
        (``values`` is the constructor's ``locals()``). Nothing is validated
        here (scikit-learn's convention: ``fit`` validates)."""
        for param in self.PARAMS:
            setattr(self, param.name, values[param.name])

    # -- hyperparameters -------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        """Hyperparameters by name, as stored (scikit-learn ``get_params``)."""
        return {p.name: getattr(self, p.name) for p in self.PARAMS}

    def set_params(self, **params) -> "BaseModel":
        """Set hyperparameters, stored as given; returns ``self``.

        As in scikit-learn, values are validated when they are used: by
        ``fit``/``partial_fit``/a new ``Trainer``, and for ``live`` parameters
        (``learning_rate``, ``l2``, ``l1``) by the running ``Trainer``'s next
        epoch, which then uses them while the optimiser keeps its state. Other
        changes apply at the next ``fit`` (or the next ``Trainer``, which
        re-initialises if the structure changed). An unknown name is a
        ``ValueError`` at once, and then nothing is set.
        """
        declared = {p.name for p in self.PARAMS}
        for name in params:
            if name not in declared:
                raise ValueError(
                    f"{name!r} is not a parameter of {type(self).__name__}; expected one of {', '.join(declared)}"
                )
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def _check_params(self) -> dict:
        """Every hyperparameter validated against ``PARAMS`` (canonical values)."""
        return validate_params(self.PARAMS, self.get_params())

    def __repr__(self) -> str:
        changed = [f"{p.name}={getattr(self, p.name)!r}" for p in self.PARAMS
                   if not _same_value(getattr(self, p.name), p.default)]
        return f"{type(self).__name__}({', '.join(changed)})"

    @classmethod
    def supports(cls, task: str, n_classes: int | None) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    # -- pickling ----------------------------------------------------------------
    def __getstate__(self) -> dict:
        """Hyperparameters and learned state: the parameter vector, the
        optimiser's moments, scaling, classes, history. No buffers: the
        network pickles its parameters only, and ``partial_fit``'s cached
        training data stay behind."""
        state = self.__dict__.copy()
        state.pop("_partial_fit_trainer", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    # -- scikit-learn ----------------------------------------------------------------
    def __sklearn_tags__(self):
        """scikit-learn's estimator tags; imports scikit-learn, so only
        scikit-learn calls it (``algorithms`` itself needs NumPy only)."""
        from sklearn.utils import ClassifierTags, InputTags, RegressorTags, Tags, TargetTags

        classifier = self._declared_task() == "classification"
        return Tags(
            estimator_type="classifier" if classifier else "regressor",
            target_tags=TargetTags(required=True, multi_output=not classifier, single_output=True),
            classifier_tags=ClassifierTags(multi_class=self._multi_class) if classifier else None,
            regressor_tags=None if classifier else RegressorTags(),
            input_tags=InputTags(two_d_array=True, sparse=False, allow_nan=False),
        )

    def __sklearn_is_fitted__(self) -> bool:
        return self._is_fitted()

    #: whether a classifier handles more than two classes (scikit-learn tag)
    _multi_class = True

    def _declared_task(self) -> str:
        """The task as declared, never raising (for tags and ``hasattr``)."""
        return self._task()

    # -- task ----------------------------------------------------------------
    def _task(self) -> str:
        """"classification" or "regression"."""
        raise NotImplementedError

    def _is_fitted(self) -> bool:
        return "_network" in self.__dict__

    def _require_fitted(self) -> None:
        if "_network" not in self.__dict__:
            raise not_fitted_error(
                f"This {type(self).__name__} is not fitted yet: call fit(X, y) or partial_fit(X, y) first."
            )

    # -- data checks -----------------------------------------------------------
    def _check_data(self, X, y, min_classes: int = 2):
        """Validated ``(X, y)``: X as in ``check_X``; y as 1-D labels
        (classification) or a float ``(n,)`` / ``(n, k)`` target array."""
        X = check_X(X)
        n = X.shape[0]
        if n == 0:
            raise ValueError(
                f"X is empty: 0 sample(s) (shape={X.shape}) while a minimum of 1 is required; training needs at "
                f"least one sample per class"
            )
        y = check_y(y, n, type(self).__name__)
        if self._task() == "classification":
            if y.ndim == 2 and y.shape[1] == 1:
                y = column_vector_to_labels(y)
            return X, self._check_labels(y, min_classes)
        return X, self._check_values(y)

    def _check_values(self, y: np.ndarray) -> np.ndarray:
        """Regression targets (already ``check_y``'d) as finite float64 ``(n,)`` / ``(n, k)``."""
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
            raise ValueError(f"y contains NaN or infinity ({first_bad(y)}); remove those samples")
        return y

    def _check_labels(self, y: np.ndarray, min_classes: int) -> np.ndarray:
        if y.ndim != 1:
            raise ValueError(f"y must be a 1-D array of class labels; got shape {y.shape}")
        if y.dtype.kind == "f":
            if not np.isfinite(y).all():
                raise ValueError(f"y contains NaN or infinity ({first_bad(y)}); class labels must be finite")
            if not np.array_equal(y, np.round(y)):
                raise ValueError(
                    f"Unknown label type: continuous. y has non-integer values (e.g. "
                    f"{y[y != np.round(y)][0].item()!r}): classification needs class labels; for continuous targets "
                    f"use a regression model"
                )
        elif y.dtype.kind not in "biuUSO":
            raise ValueError(f"y must hold class labels (integers or strings); got {y.dtype} data")
        try:
            classes = np.unique(y)
        except TypeError:
            raise ValueError("Unknown label type: y mixes label types (e.g. numbers and strings); use one type") from None
        if len(classes) < min_classes:
            raise ValueError(
                f"y has only one class ({classes[0].item()!r}): classification needs samples of at least two classes"
            )
        return y

    def _check_predict_X(self, X) -> np.ndarray:
        self._require_fitted()
        check_feature_names(self, feature_names(X))
        X = check_X(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(self._feature_count_message(X.shape[1]))
        return X

    def _feature_count_message(self, n_features: int) -> str:
        return f"X has {n_features} features, but {type(self).__name__} is expecting {self.n_features_in_} features as input"

    # -- initialisation (called by the Trainer) ----------------------------------
    def _structure_key(self, params: dict) -> tuple:
        """Hyperparameters whose change requires fresh parameters."""
        return (params["normalize"],)

    def _incompatibility(self, X: np.ndarray, y: np.ndarray, classes=None) -> str | None:
        """Why the current parameters cannot train on ``(X, y)`` (with the
        classes ``classes``, if given); None if they can."""
        if not self._is_fitted():
            return f"{type(self).__name__} is not initialised"
        if "_optimizer" not in self.__dict__:
            return f"this {type(self).__name__} is a snapshot for prediction, without training state"
        if self._structure != self._structure_key(self._check_params()):
            return "hyperparameters that shape the model changed since it was initialised"
        if X.shape[1] != self.n_features_in_:
            return self._feature_count_message(X.shape[1])
        if self._task() == "classification":
            if "classes_" not in self.__dict__:
                return "the model was initialised for regression"
            if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
                return (f"classes={np.unique(classes).tolist()} differs from the model's classes_ "
                        f"{self.classes_.tolist()}")
            unknown = self._unknown_labels(y)
            if unknown:
                return f"y has labels {unknown} not among the model's classes_ {self.classes_.tolist()}"
        elif "n_outputs_" not in self.__dict__:
            return "the model was initialised for classification"
        elif (1 if y.ndim == 1 else y.shape[1]) != self.n_outputs_:
            n_outputs = 1 if y.ndim == 1 else y.shape[1]
            return f"y has {n_outputs} outputs but the model was initialised with {self.n_outputs_}"
        return None

    def _check_classes(self, classes, y: np.ndarray) -> np.ndarray:
        """``classes`` (partial_fit's argument: every label the model will
        see) as sorted unique labels, containing those of ``y``."""
        if self._task() != "classification":
            raise ValueError(f"classes={classes!r} is for classification; this {type(self).__name__} does regression")
        labels = np.asarray(classes)
        if labels.ndim != 1:
            raise ValueError(f"classes must be a 1-D list of labels; got shape {labels.shape}")
        labels = np.unique(self._check_labels(labels, min_classes=2))
        unknown = ~np.isin(y, labels)
        if unknown.any():
            raise ValueError(f"y has labels {np.unique(y[unknown]).tolist()} not among classes={labels.tolist()}")
        return labels

    def _initialize(self, X: np.ndarray, y: np.ndarray, X_train: np.ndarray, y_train: np.ndarray,
                    names: np.ndarray | None = None, classes=None) -> None:
        """Fresh parameters for data like ``(X, y)``; scaling from the
        training rows; ``feature_names_in_`` from ``names``; ``classes_`` from
        ``classes`` if given (else the labels of ``y``)."""
        params = self._check_params()
        if self._task() == "classification":
            labels = np.unique(y) if classes is None else self._check_classes(classes, y)
            n_outputs = 1 if len(labels) == 2 else len(labels)
        else:
            if classes is not None:
                self._check_classes(classes, y)  # raises: classes is for classification
            n_outputs = 1 if y.ndim == 1 else y.shape[1]
        self._check_size(params, X.shape[1], n_outputs)
        self._forget()
        self._rng = np.random.default_rng(params["random_state"])
        self._dtype = np.dtype(np.float32 if X.dtype == np.float32 else np.float64)
        self.n_features_in_ = X.shape[1]
        if names is not None:
            self.feature_names_in_ = names
        if self._task() == "classification":
            self.classes_ = labels
        else:
            self.n_outputs_ = n_outputs
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

    def _check_size(self, params: dict, n_features: int, n_outputs: int) -> None:
        """Refuse a network above ``MAX_PARAMETERS`` before allocating it."""
        sizes = self._layer_sizes(params, n_features, n_outputs)
        n_params = count_parameters(sizes)
        if n_params > MAX_PARAMETERS:
            hidden = f"hidden_layers={params['hidden_layers']!r}, " if "hidden_layers" in params else ""
            raise ValueError(
                f"{type(self).__name__} with {hidden}{n_features} input features and {n_outputs} outputs would have "
                f"{n_params:,} parameters, above the limit of {MAX_PARAMETERS:,} (algorithms.MAX_PARAMETERS); "
                f"use fewer or narrower layers, or fewer features"
            )

    def _layer_sizes(self, params: dict, n_features: int, n_outputs: int) -> tuple[int, ...]:
        """``(n_features, ..., n_outputs)`` of the network ``params`` describe."""
        return (n_features, n_outputs)

    def _forget(self) -> None:
        """Drop what training learned: the public attributes ending in ``_``
        and ``_LEARNED_PRIVATE``. Hyperparameters and anything else set on
        the model (by a Pipeline, by scikit-learn's metadata routing) stay."""
        for name in list(self.__dict__):
            if name in self._LEARNED_PRIVATE or (name.endswith("_") and not name.startswith("_")):
                del self.__dict__[name]

    def _scaling(self, values: np.ndarray):
        """``(mean, std)`` per column for standardisation (``column_statistics``);
        (0, 1) when ``normalize=False``."""
        if not self._normalize:
            n_columns = values.shape[1]
            return np.zeros(n_columns), np.ones(n_columns)
        return column_statistics(values)

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
    def _design(self, X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Standardised inputs, feature-major with a row of ones: ``(d + 1, n)``
        (written into ``out`` when given)."""
        n, d = X.shape
        design = np.empty((d + 1, n), self._dtype) if out is None else out
        inputs = design[:d]  # (d, n)
        if self._normalize:
            np.subtract(X.T, self._x_mean[:, None], out=inputs, casting="unsafe")
            np.divide(inputs, self._x_scale[:, None].astype(self._dtype), out=inputs)
        else:
            inputs[...] = X.T
        design[d] = 1.0
        return design

    def _targets(self, y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Targets in the network's terms, ``(n_out, n)``: 0/1 (two classes),
        one-hot columns (more), or standardised values (regression); written
        into ``out`` when given."""
        n = len(y)
        if self._task() == "classification":
            codes = self._label_codes(y)[0]
            if codes is None:  # labels of another kind than classes_ (checked unknown before)
                codes = np.searchsorted(self.classes_, y)
            if len(self.classes_) == 2:
                if out is None:
                    return codes.astype(self._dtype)[None, :]
                out[0] = codes
                return out
            targets = np.zeros((len(self.classes_), n), self._dtype) if out is None else out
            targets[...] = 0.0
            targets[codes, np.arange(n)] = 1.0
            return targets
        values = (y.reshape(n, -1) - self._y_mean) / self._y_scale  # (n, k)
        if out is None:
            return np.ascontiguousarray(values.T, dtype=self._dtype)
        out[...] = values.T
        return out

    def _training_plan(self, X: np.ndarray, y: np.ndarray, gram: bool = True) -> TrainingPlan | GramPlan:
        """The training rows prepared for the network. A linear MSE model
        trained full batch (linear regression) gets a ``GramPlan`` when
        ``gram`` (the Trainer asks for it when it may run enough epochs to
        repay the O(n d^2) set-up) and there are more rows than parameters."""
        if gram and self._gram_applies(X):
            return GramPlan(self._network, self._design(X), self._targets(y))
        return TrainingPlan(self._network, self._design(X), self._targets(y), self._batch_size())

    def _evaluation_plan(self, X: np.ndarray, y: np.ndarray, gram: bool = True) -> EvaluationPlan | GramPlan:
        if gram and self._gram_applies(X):
            return GramPlan(self._network, self._design(X), self._targets(y))
        return EvaluationPlan(self._network, self._design(X), self._targets(y))

    def _gram_applies(self, X: np.ndarray) -> bool:
        """One layer, mean squared error, full batch, more rows than weights per output."""
        network, n = self._network, X.shape[0]
        batch_size = self._batch_size()
        return (len(network.layer_sizes) == 2 and type(network.loss) is MeanSquaredError
                and (batch_size is None or batch_size >= n) and n > network.layer_sizes[0] + 1)

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
    _PREDICTION_STATE = ("n_features_in_", "feature_names_in_", "classes_", "n_outputs_", "_y_ndim", "_normalize",
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

        Trains on every row of ``(X, y)`` unless early stopping needs a
        validation split: with ``early_stopping=True``, ``validation_fraction``
        of the rows are held out and monitored (training loss without them if
        it is 0), as scikit-learn's ``MLPClassifier`` does. (A ``Trainer``
        given ``validation_fraction`` explicitly always holds it out: that is
        what the window does to draw validation curves.)

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

    def partial_fit(self, X, y, classes=None) -> "BaseModel":
        """Exactly one epoch on all of ``(X, y)`` (no validation split, no
        early stopping), appended to ``history_``; returns ``self``.

        The first call initialises the model (its scaling comes from that
        first batch). ``classes``: every label the model will ever see
        (classifiers; scikit-learn's ``partial_fit`` argument), needed on the
        first call when that batch lacks some of them; on later calls it must
        be the same set. Later batches must have the same features and only
        known labels, else ``ValueError`` (``fit`` starts afresh).

        Calls in a loop cost about one epoch each: the training loop and its
        buffers are kept between calls with the same number of rows and the
        same hyperparameters, and each call writes the rows it is given into
        them. The data are read on every call (after full validation), so a
        caller may pass new rows each time or refill the same arrays in
        place; nothing is keyed on the arrays' identity.
        """
        from .training import Trainer

        if not self._is_fitted():
            trainer = Trainer(self, X, y, validation_fraction=0.0, max_epochs=1, early_stopping=False,
                              classes=classes)
        else:
            trainer = self.__dict__.get("_partial_fit_trainer")
            if trainer is not None and not trainer.has_params_of(self):
                trainer = None  # hyperparameters changed since the loop was built: validated below
            X, y = self._check_continuation(X, y, classes, params_unchanged=trainer is not None)
            if trainer is not None and trainer.accepts_rows_like(X, y):
                trainer.reload(X, y)
            else:
                trainer = Trainer(self, X, y, validation_fraction=0.0, max_epochs=1, early_stopping=False)
        record = trainer.step_once_more()
        if record.stop_reason == "diverged":
            self.__dict__.pop("_partial_fit_trainer", None)
            raise DivergedError(record.message)
        self._partial_fit_trainer = trainer
        return self

    def _check_continuation(self, X, y, classes=None, params_unchanged: bool = False):
        """``(X, y)`` checked for one more epoch of this fitted model
        (``partial_fit``): the same checks as ``_check_data`` plus
        ``_incompatibility``, in the order that is cheap when all is well (no
        sort of the labels: each is looked up among ``classes_``)."""
        names = feature_names(X)
        X = check_X(X)
        if X.shape[0] == 0:
            raise ValueError(f"X is empty: 0 sample(s) (shape={X.shape}) while a minimum of 1 is required")
        y = check_y(y, X.shape[0], type(self).__name__)
        check_feature_names(self, names)
        reason = None
        if "_optimizer" not in self.__dict__:
            reason = f"this {type(self).__name__} is a snapshot for prediction, without training state"
        elif not params_unchanged and self._structure != self._structure_key(self._check_params()):
            reason = "hyperparameters that shape the model changed since it was initialised"
        elif X.shape[1] != self.n_features_in_:
            reason = self._feature_count_message(X.shape[1])
        elif self._task() == "classification":
            if y.ndim == 2 and y.shape[1] == 1:
                y = column_vector_to_labels(y)
            if y.ndim != 1:
                raise ValueError(f"y must be a 1-D array of class labels; got shape {y.shape}")
            if "classes_" not in self.__dict__:
                reason = "the model was initialised for regression"
            elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
                reason = (f"classes={np.unique(classes).tolist()} differs from the model's classes_ "
                          f"{self.classes_.tolist()}")
            else:
                unknown = self._unknown_labels(y)
                if unknown:
                    reason = f"y has labels {unknown} not among the model's classes_ {self.classes_.tolist()}"
        elif "n_outputs_" not in self.__dict__:
            reason = "the model was initialised for classification"
        else:
            y = self._check_values(y)
            if classes is not None:
                self._check_classes(classes, y)  # raises: classes is for classification
            n_outputs = 1 if y.ndim == 1 else y.shape[1]
            if n_outputs != self.n_outputs_:
                reason = f"y has {n_outputs} outputs but the model was initialised with {self.n_outputs_}"
        if reason is not None:
            raise ValueError(f"partial_fit cannot continue: {reason}; call fit(X, y) to start afresh")
        return X, y

    def _unknown_labels(self, y: np.ndarray) -> list:
        """Labels of ``y`` not among ``classes_`` (sorted, as Python values)."""
        return self._label_codes(y)[1]

    def _label_codes(self, y: np.ndarray):
        """``(codes, unknown)``: the index of each label of ``y`` in
        ``classes_`` (``(n,)`` ints, meaningful only when ``unknown`` is empty)
        and the labels not among ``classes_``. No sort of ``y``: integer
        classes ``0..k-1`` are their own codes (a min and a max check them),
        other labels are binary-searched."""
        classes = self.classes_
        k = len(classes)
        if classes.dtype.kind in "iu" and y.dtype.kind in "iu" and classes[0] == 0 and classes[-1] == k - 1:
            if y.min() >= 0 and y.max() < k:
                return y, []
        numeric = "biuf"
        if (y.dtype.kind in numeric) == (classes.dtype.kind in numeric) and y.dtype.kind != "O":
            codes = np.searchsorted(classes, y)
            np.minimum(codes, k - 1, out=codes)
            known = classes[codes] == y
        else:
            codes, known = None, np.isin(y, classes)
        return codes, ([] if known.all() else np.unique(y[~known]).tolist())

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


def _same_value(value, default) -> bool:
    """``value == default`` for repr, for any value a caller may have set."""
    try:
        return bool(value == default)
    except (TypeError, ValueError):  # an array compared elementwise
        return False


def r2_score(y: np.ndarray, predicted: np.ndarray) -> float:
    """Mean over columns of ``1 - sum (y - yhat)^2 / sum (y - mean y)^2``;
    a constant column scores 1 if predicted exactly, else 0.

    Each column is divided by a power of two near its largest magnitude
    first (exact, and R^2 does not change with the unit), so targets of 1e200
    square without overflow."""
    peak = np.maximum(np.max(np.abs(y), axis=0), np.max(np.abs(predicted), axis=0)) if len(y) else 1.0
    _, exponent = np.frexp(peak)
    factor = np.ldexp(1.0, exponent)
    y, predicted = y / factor, predicted / factor
    sse = np.sum((y - predicted) ** 2, axis=0)
    sst = np.sum((y - y.mean(axis=0)) ** 2, axis=0)
    safe = np.where(sst > 0, sst, 1.0)
    return float(np.mean(np.where(sst > 0, 1.0 - sse / safe, np.where(sse == 0, 1.0, 0.0))))
