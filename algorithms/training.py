"""The one training loop: ``Trainer`` runs any model epoch by epoch.

``model.fit`` builds a Trainer and calls ``step()`` until ``done``; the GUI
worker calls ``step()`` itself, one epoch at a time, and may change live
hyperparameters (``model.set_params(learning_rate=...)``), swap the data
(``set_data``) or allow more epochs (``extend``) between steps.

The Trainer owns:

- the train/validation split: ``validation_fraction`` of the rows when asked
  for explicitly (``Trainer(..., validation_fraction=0.2)``, as the window
  does), else only when early stopping needs it (``fit``'s rule, as
  scikit-learn's MLP); drawn at random (stratified by class for
  classification) from ``random_state``, or the last rows in the given order
  (``split="last"``, for time series: no future leaks into training);
- the epoch loop and the history (``loss``, ``val_loss`` and
  ``accuracy``/``val_accuracy`` or ``r2``/``val_r2``; the same dict object as
  ``model.history_``);
- early stopping: the monitored loss (validation loss, or training loss
  without a validation split) must improve by more than ``tol`` within
  ``patience`` epochs, else training stops and the best parameters are
  restored;
- divergence detection: a non-finite loss (or parameters) stops training,
  restores the last finite parameters and says the learning rate is
  probably too high.

Per-epoch overhead is kept to a few microseconds: the GUI runs thousands of
epochs per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .network import GramPlan
from .params import validate_param
from .validation import check_feature_names, feature_names

__all__ = ["EpochRecord", "Trainer", "train_validation_split", "SPLITS"]

#: How the validation rows are chosen: at random, at random within each
#: class, or the last rows (chronological; the rows' order is kept).
SPLITS = ("random", "stratified", "last")


@dataclass(frozen=True, slots=True)
class EpochRecord:
    """What one epoch did."""

    epoch: int  # epochs completed so far (1 after the first)
    loss: float  # training loss of this epoch (mean over its samples, incl. the L2 and L1 terms)
    val_loss: float | None  # None when there is no validation split
    score: float  # accuracy (classification) or R^2 (regression) on the training data
    val_score: float | None  # same on the validation rows; None without a split
    stop_reason: str | None  # None, "max_epochs", "early_stopping", "diverged"
    message: str | None  # human sentence when stopped


def train_validation_split(y: np.ndarray, fraction: float, seed, stratify: bool = False, *,
                           chronological: bool = False):
    """``(train_index, val_index)``, both sorted.

    ``round(fraction * n)`` rows go to validation, per class when
    ``stratify`` (so every class keeps its share), always leaving at least
    one training row (per class). ``chronological``: the last rows, in the
    order given, nothing shuffled (time series: validation is the future).
    ``fraction=0`` gives no validation rows. Deterministic for an integer
    ``seed``.
    """
    n = len(y)
    if fraction <= 0 or n < 2:
        return np.arange(n), np.arange(0)
    if chronological:
        n_val = min(int(round(fraction * n)), n - 1)
        return np.arange(n - n_val), np.arange(n - n_val, n)
    rng = np.random.default_rng(seed)
    if stratify:
        _, codes = np.unique(y, return_inverse=True)
        groups = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    else:
        groups = [np.arange(n)]
    chosen = []
    for members in groups:
        n_val = min(int(round(fraction * len(members))), len(members) - 1)
        if n_val > 0:
            chosen.append(rng.permutation(members)[:n_val])
    is_val = np.zeros(n, dtype=bool)
    if chosen:
        is_val[np.concatenate(chosen)] = True
    return np.flatnonzero(~is_val), np.flatnonzero(is_val)


class Trainer:
    """Runs ``model`` on ``(X, y)`` one epoch per ``step()``.

    Validates ``X, y``; initialises the model's parameters if it has none or
    if they do not fit the data (other feature count, unseen labels, changed
    structure), else continues from them; holds out validation rows.

    Parameters (keyword-only, each overriding what the model says):

    validation_fraction : float in [0, 0.5], optional
        Share of the rows held out for validation. Default: the model's
        ``validation_fraction`` when early stopping is on, else none (``fit``'s
        rule). The window passes its split explicitly to draw validation curves.
    max_epochs : int, optional
        Epoch limit, counted from this Trainer's start (default the model's).
    split : "random", "stratified" or "last", optional
        How validation rows are chosen (default: "stratified" for
        classification, "random" for regression). "last": the final rows in
        the order given, for time series.
    early_stopping : bool, optional
        Default the model's (``partial_fit`` turns it off, as scikit-learn does).
    classes : labels, optional
        Every label the model will see, when initialising a classifier
        (``partial_fit``'s ``classes``).

    Attributes: ``done`` (True after a record with a ``stop_reason``),
    ``stop_reason``, ``epoch`` (epochs the model has completed, continuing a
    fitted model's count), ``history`` (the same dict as ``model.history_``),
    ``train_index`` / ``val_index`` (rows of the current ``X``; ``val_index``
    may be empty), ``n_samples`` (rows of the current ``X``).

    Live hyperparameters (``learning_rate``, ``l2``, ``l1``) are read from the
    model at every ``step``; batch size, optimiser and the stopping rules are
    read when the Trainer is built.

    ``keep_history=False`` leaves ``history`` as it was instead of appending
    each epoch to it (about 130 bytes an epoch, for good): for a caller that
    keeps what it needs of the records itself, such as the GUI, whose runs
    have no end.

    ``resume``: a ``state_dict()`` of a Trainer that was training this
    (fitted) model on these rows: the loop goes on exactly where that one
    was (the same epoch count, epoch limit, train/validation rows, stopping
    state and Gram choice), so with the model restored by
    ``algorithms.state.model_from_state`` the next epoch is bit for bit the
    original's. ``ValueError`` if the state is malformed or the model cannot
    continue on ``(X, y)`` (it is never re-initialised silently then).
    """

    def __init__(self, model, X, y, *, validation_fraction: float | None = None, max_epochs: int | None = None,
                 split: str | None = None, early_stopping: bool | None = None, classes=None,
                 keep_history: bool = True, resume: tuple[dict, dict] | None = None):
        self._raw_params = model.get_params()  # as given: partial_fit's reuse compares them by identity
        params = model._check_params()
        names = feature_names(X)
        X, y = model._check_data(X, y, min_classes=1)
        self.model = model
        if early_stopping is not None:
            params = {**params, "early_stopping": validate_param(_param(model, "early_stopping"), early_stopping)}
        if validation_fraction is None:
            validation_fraction = params["validation_fraction"] if params["early_stopping"] else 0.0
        else:
            validation_fraction = validate_param(_param(model, "validation_fraction"), validation_fraction)
        params = {**params, "validation_fraction": validation_fraction}
        self._params = params
        self._validation_fraction = validation_fraction
        self._split_method = self._check_split(split)
        if resume is not None:
            resumed = _check_resume(resume, len(X))
            self.train_index, self.val_index = resumed["train_index"], resumed["val_index"]
            reason = model._incompatibility(X, y, classes)
            if reason is not None:
                raise ValueError(f"cannot resume training: {reason}")
        else:
            self._split(X, y)
        if resume is None and model._incompatibility(X, y, classes) is not None:
            if model._task() == "classification" and classes is None:
                model._check_labels(y, min_classes=2)  # a fresh model needs two classes
            train = self.train_index
            X_train, y_train = (X, y) if len(train) == len(X) else (X[train], y[train])
            model._initialize(X, y, X_train, y_train, names=names, classes=classes)
        else:
            check_feature_names(model, names)
        self.history: dict[str, list[float]] = model.history_
        self._keep_history = keep_history
        self._score_key = model._score_name()
        self.epoch = len(self.history["loss"])
        budget = params["max_epochs"] if max_epochs is None else max_epochs
        self._limit = self.epoch + budget
        # The Gram form of linear regression costs O(n d^2) to set up, about
        # d / 2 plain epochs: worth it when the Trainer may run more than d.
        self._gram = budget > X.shape[1] + 1 if resume is None else resumed["gram"]
        self._progress = None  # an epoch run in pieces (step_batches), or None
        self._epoch_params = (0.0, 0.0, 0.0)
        self.done = False
        self.stop_reason: str | None = None
        self._network = model._network
        self._snapshots = (self._network.theta.copy(), self._network.theta.copy())
        self._learning_rate = self._l2 = self._l1 = None
        if resume is not None:
            self.epoch, self._limit = resumed["epoch"], resumed["limit"]
        self._prepare(X, y)
        if resume is not None:
            self._resume(resumed)

    def _check_split(self, split: str | None) -> str:
        classification = self.model._task() == "classification"
        if split is None:
            return "stratified" if classification else "random"
        if split not in SPLITS:
            raise ValueError(f"split={split!r} is invalid: expected one of {', '.join(map(repr, SPLITS))}")
        if split == "stratified" and not classification:
            raise ValueError("split='stratified' needs class labels; use 'random' or 'last' for regression")
        return split

    # -- data ------------------------------------------------------------------
    def _split(self, X, y) -> None:
        self.train_index, self.val_index = train_validation_split(
            y, self._validation_fraction, self._params["random_state"],
            stratify=self._split_method == "stratified", chronological=self._split_method == "last",
        )

    def _prepare(self, X, y) -> None:
        model, train, val = self.model, self.train_index, self.val_index
        if len(val) == 0:  # every row trains: no copy
            self._plan = model._training_plan(X, y, self._gram)
            self._val_plan = None
        else:
            self._plan = model._training_plan(X[train], y[train], self._gram)
            self._val_plan = model._evaluation_plan(X[val], y[val], self._gram)
        self.n_samples = len(X)
        self._y_shape = y.shape
        self._progress = None  # an epoch begun in pieces on the old rows is dropped
        self._reset_early_stopping()

    def _reset_early_stopping(self) -> None:
        self._best = math.inf
        self._best_epoch = self.epoch
        self._best_theta = None
        self._stale_epochs = 0

    # -- saving and resuming ------------------------------------------------------
    def state_dict(self) -> tuple[dict, dict[str, np.ndarray]]:
        """``(description, arrays)`` to continue this loop later
        (``Trainer(model, X, y, resume=...)`` with the same rows and the
        model restored from ``algorithms.state.model_state``): the
        description is ``loop_state()``; the arrays are the train/validation
        row indices and the best parameters so far (copies)."""
        arrays = {"train_index": np.asarray(self.train_index, dtype=np.int64).copy(),
                  "val_index": np.asarray(self.val_index, dtype=np.int64).copy()}
        if self._best_theta is not None:
            arrays["best_theta"] = self._best_theta.copy()
        return self.loop_state(), arrays

    def loop_state(self) -> dict:
        """Where the loop is, as JSON values (microseconds, no copy of the
        rows): the epoch count and limit, whether it stopped and why, the
        early-stopping bookkeeping and the Gram choice. Between epochs only
        (``RuntimeError`` while an epoch begun with ``step_batches`` has
        batches left: finish it with ``step()`` first)."""
        if self._progress is not None:
            raise RuntimeError("an epoch is in progress (step_batches): finish it with step() before saving")
        best = self._best
        return {
            "epoch": int(self.epoch), "limit": int(self._limit), "gram": bool(self._gram),
            "done": bool(self.done), "stop_reason": self.stop_reason,
            "best": None if not math.isfinite(best) else float(best), "best_epoch": int(self._best_epoch),
            "stale_epochs": int(self._stale_epochs),
        }

    def _resume(self, resumed: dict) -> None:
        self.done, self.stop_reason = resumed["done"], resumed["stop_reason"]
        self._best, self._best_epoch = resumed["best"], resumed["best_epoch"]
        self._stale_epochs = resumed["stale_epochs"]
        best_theta = resumed["best_theta"]
        if best_theta is not None:
            if best_theta.shape != self._network.theta.shape:
                raise ValueError(f"cannot resume training: best_theta has shape {best_theta.shape}, the model "
                                 f"has {self._network.theta.shape[0]} parameters")
            self._best_theta = best_theta.astype(self._network.dtype)

    @property
    def best_epoch(self) -> int:
        """The epoch with the lowest monitored loss (validation loss, or the
        training loss without a split) since training (re)started: the one
        early stopping restores."""
        return self._best_epoch

    # -- partial_fit's loop --------------------------------------------------------
    def has_params_of(self, model) -> bool:
        """Whether ``model`` is this Trainer's, with the very hyperparameter
        values it was built with (compared by identity: no validation needed)."""
        return (model is self.model and model.__dict__.get("_network") is self._network
                and all(value is self._raw_params[name] for name, value in model.get_params().items()))

    def accepts_rows_like(self, X: np.ndarray, y: np.ndarray) -> bool:
        """Whether ``reload`` can take these (checked) rows: this Trainer is
        still the model's, with the hyperparameters it was built with, no
        validation split, and the same row count and target shape."""
        return (
            self.has_params_of(self.model)
            and self._val_plan is None
            and type(self._plan) is not GramPlan
            and len(X) == self.n_samples
            and y.shape[1:] == self._y_shape[1:]
        )

    def reload(self, X: np.ndarray, y: np.ndarray) -> None:
        """Write new (checked, compatible) rows into the training plan's
        arrays in place: the next epoch trains on them, with the buffers,
        plan and optimiser state kept (``partial_fit`` in a loop)."""
        model, plan = self.model, self._plan
        design, targets = plan.source
        model._design(X, out=design)
        model._targets(y, out=targets)
        plan.refilled()
        self.epoch = len(self.history["loss"])  # another Trainer may have trained the model meanwhile

    def step_once_more(self) -> EpochRecord:
        """Allow one more epoch and run it (``partial_fit``)."""
        self._limit = self.epoch + 1
        self.done = False
        self.stop_reason = None
        return self.step()

    def set_data(self, X, y) -> None:
        """Train on new data from the next epoch, keeping the parameters.

        Re-splits with the same rule. With ``normalize=True`` the
        standardisation is refitted to the new training rows and the model's
        outer layers are changed so it computes the same function (see
        ``BaseModel._refit_scaling``). Raises ``ValueError`` if the data do not
        fit the model: another feature count or output count, or
        (classification) labels not in ``model.classes_``. Early stopping
        starts counting afresh (the validation set changed).
        """
        model = self.model
        names = feature_names(X)
        X, y = model._check_data(X, y, min_classes=1)
        reason = model._incompatibility(X, y)
        if reason is not None:
            raise ValueError(f"set_data: {reason}; re-initialise the model to train on these data")
        check_feature_names(model, names)
        self._split(X, y)
        model._refit_scaling(X[self.train_index], y[self.train_index])
        for snapshot in self._snapshots:
            np.copyto(snapshot, self._network.theta)
        self._prepare(X, y)

    def extend(self, max_epochs: int) -> None:
        """Allow ``max_epochs`` more epochs from the current one, resuming
        after any stop (the early-stopping count starts afresh)."""
        validate_param(_param(self.model, "max_epochs"), max_epochs)
        self._limit = self.epoch + int(max_epochs)
        self.done = False
        self.stop_reason = None
        self._reset_early_stopping()

    # -- the loop ---------------------------------------------------------------
    def step(self) -> EpochRecord:
        """Run exactly one epoch and return its record.

        Raises ``RuntimeError`` once ``done`` (call ``extend`` to go on) and
        ``ValueError`` if a live hyperparameter was set to an invalid value.
        """
        if self._progress is not None:  # an epoch begun in pieces: its remaining batches
            return self.step_batches(None)
        model, network = self.model, self._network
        learning_rate, l2, l1 = self._begin_epoch()
        # Overflow or NaN inside a diverging epoch is reported through the
        # non-finite loss below, not as a flood of RuntimeWarnings.
        with np.errstate(all="ignore"):
            loss, score = network.train_epoch(self._plan, model._optimizer, learning_rate, l2, model._rng, l1)
        return self._end_epoch(loss, score, l2, l1)

    def step_batches(self, count: int | None) -> EpochRecord | None:
        """Run the next ``count`` mini-batches of the current epoch (None:
        all that are left). Returns the epoch's record once its last batch
        has run, else None: the model's parameters have moved, the epoch's
        loss is not known yet. An epoch longer than a frame of the window
        runs this way, so the views move between its batches; ``step()``
        finishes an epoch begun so. A full-batch or second-moment (linear
        regression) epoch is one piece."""
        from .network import GramPlan

        model, network = self.model, self._network
        if self._progress is None:
            if type(self._plan) is GramPlan or count is None or count >= len(self._plan.batches):
                return self.step()
            self._epoch_params = self._begin_epoch()
            self._progress = network.start_epoch(self._plan, model._rng, self._epoch_params[0],
                                                 self._epoch_params[2])
        learning_rate, l2, l1 = self._epoch_params
        with np.errstate(all="ignore"):
            finished = network.train_batches(self._progress, self._plan, model._optimizer, learning_rate, l2, l1,
                                             len(self._plan.batches) if count is None else max(1, int(count)))
            if not finished:
                return None
            loss, score = network.finish_epoch(self._progress, self._plan, l1)
        self._progress = None
        return self._end_epoch(loss, score, l2, l1)

    @property
    def in_epoch(self) -> bool:
        """Whether an epoch begun with ``step_batches`` has batches left."""
        return self._progress is not None

    @property
    def n_batches(self) -> int:
        """Optimiser steps (mini-batches) per epoch."""
        batches = getattr(self._plan, "batches", None)
        return 1 if batches is None else len(batches)

    def _begin_epoch(self) -> tuple[float, float, float]:
        """Checks before an epoch; returns its live ``(learning_rate, l2, l1)``."""
        if self.done:
            raise RuntimeError(
                f"training has stopped ({self.stop_reason}) at epoch {self.epoch}; call extend(n) to train further"
            )
        model = self.model
        learning_rate = model.learning_rate
        l2 = getattr(model, "l2", 0.0)
        l1 = getattr(model, "l1", 0.0)
        if learning_rate != self._learning_rate or l2 != self._l2 or l1 != self._l1:
            self._check_live(learning_rate, l2, l1)
        np.copyto(self._snapshots[self.epoch & 1], self._network.theta)  # parameters before this epoch
        return learning_rate, l2, l1

    def _end_epoch(self, loss: float, score: float, l2: float, l1: float) -> EpochRecord:
        """Validation, divergence, history, early stopping and the limit after
        an epoch's last batch."""
        network = self._network
        with np.errstate(all="ignore"):
            if self._val_plan is not None:
                val_loss, val_score = network.evaluate(self._val_plan, l2, l1)
                finite = math.isfinite(loss) and math.isfinite(val_loss)
            else:
                val_loss = val_score = None
                finite = math.isfinite(loss)
            finite = finite and _all_finite(network.theta)
        if not finite:
            return self._diverged(loss, val_loss, score, val_score)
        if self._keep_history:
            history = self.history
            history["loss"].append(loss)
            history["val_loss"].append(math.nan if val_loss is None else val_loss)
            history[self._score_key].append(score)
            history["val_" + self._score_key].append(math.nan if val_score is None else val_score)
        self.epoch = epoch = self.epoch + 1
        reason = message = None
        monitored = loss if val_loss is None else val_loss
        if monitored < self._best - self._params["tol"]:
            self._best, self._best_epoch, self._stale_epochs = monitored, epoch, 0
            if self._params["early_stopping"]:
                if self._best_theta is None:
                    self._best_theta = network.theta.copy()
                else:
                    np.copyto(self._best_theta, network.theta)
        else:
            self._stale_epochs += 1
            if self._params["early_stopping"] and self._stale_epochs >= self._params["patience"]:
                reason, message = "early_stopping", self._early_stop_message(epoch, val_loss is not None)
                if self._best_theta is not None:
                    np.copyto(network.theta, self._best_theta)
        if reason is None and epoch >= self._limit:
            reason, message = "max_epochs", f"Stopped after {epoch} epochs (max_epochs reached)."
        if reason is not None:
            self.done, self.stop_reason = True, reason
        return EpochRecord(epoch, loss, val_loss, score, val_score, reason, message)

    def _check_live(self, learning_rate, l2, l1) -> None:
        for name, value in (("learning_rate", learning_rate), ("l2", l2), ("l1", l1)):
            if name in self._params:
                validate_param(_param(self.model, name), value)
        self._learning_rate, self._l2, self._l1 = learning_rate, l2, l1

    def _early_stop_message(self, epoch: int, validation: bool) -> str:
        which = "validation loss" if validation else "training loss"
        return (
            f"Stopped early at epoch {epoch}: the {which} has not improved by more than "
            f"tol={self._params['tol']:g} for {self._stale_epochs} epochs; kept the parameters of "
            f"epoch {self._best_epoch} ({which} {self._best:.4g})."
        )

    def _diverged(self, loss, val_loss, score, val_score) -> EpochRecord:
        """Restore the last finite parameters and stop with a reason."""
        network, model = self._network, self.model
        failed_epoch = self.epoch + 1
        current = self._snapshots[self.epoch & 1]  # parameters this epoch started from
        if np.isfinite(current).all():
            np.copyto(network.theta, current)
        else:  # the previous epoch's last step already blew up: go one epoch back
            np.copyto(network.theta, self._snapshots[(self.epoch + 1) & 1])
            for values in self.history.values() if self._keep_history else ():
                if values:
                    values.pop()
            self.epoch -= 1
        # The optimiser's moments may hold inf/NaN now: start them afresh.
        from .optimizers import make_optimizer

        model._optimizer = make_optimizer(model._optimizer.name, network.n_params, network.dtype)
        if not math.isfinite(loss):
            what, bad = "loss", loss
        elif val_loss is not None and not math.isfinite(val_loss):
            what, bad = "validation loss", val_loss
        else:
            what, bad = "a parameter", math.inf
        hint = "" if self._params["normalize"] else " (or set normalize=True)"
        if failed_epoch == 1 and what == "loss" and not self._params["normalize"]:
            # The first epoch's loss is measured at the initial parameters:
            # no learning rate is to blame, the values are.
            message = (
                f"Training cannot start: the loss is {bad} at the initial parameters, because the targets or "
                f"inputs are too large to square in floating point; set normalize=True or rescale them."
            )
        else:
            message = (
                f"Training diverged at epoch {failed_epoch} ({what} is {bad}): the learning rate "
                f"{model.learning_rate:g} is probably too high{hint}. Kept the parameters of epoch {self.epoch}."
            )
        self.done, self.stop_reason = True, "diverged"
        return EpochRecord(self.epoch, loss, val_loss, score, val_score, "diverged", message)


def _all_finite(values: np.ndarray) -> bool:
    """Whether every value of the vector ``values`` is finite: one dot
    product (no temporary array), and only when that overflows a look at each
    value (a float32 model's squares pass float32's largest value, ~3.4e38,
    while its parameters are still below 1.9e19)."""
    return math.isfinite(float(np.dot(values, values))) or bool(np.isfinite(values).all())


def _check_resume(resume, n_rows: int) -> dict:
    """A ``Trainer.state_dict()`` checked field by field for ``n_rows`` rows
    (``ValueError`` naming the first bad field)."""
    if not isinstance(resume, tuple) or len(resume) != 2:
        raise ValueError("resume must be the (description, arrays) pair of Trainer.state_dict()")
    description, arrays = resume
    if not isinstance(description, dict) or not isinstance(arrays, dict):
        raise ValueError("resume must be the (description, arrays) pair of Trainer.state_dict()")
    checked = {}

    def integer(name: str, low: int = 0) -> int:
        value = description.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 2**62:
            raise ValueError(f"trainer.{name} must be an integer of at least {low}, got {value!r}")
        return value

    def boolean(name: str) -> bool:
        value = description.get(name)
        if not isinstance(value, bool):
            raise ValueError(f"trainer.{name} must be true or false, got {value!r}")
        return value

    unknown = sorted(set(description) - {"epoch", "limit", "gram", "done", "stop_reason", "best", "best_epoch",
                                         "stale_epochs"})
    if unknown:
        raise ValueError(f"trainer.{unknown[0]} is not part of a trainer's state")
    checked["epoch"] = integer("epoch")
    checked["limit"] = integer("limit")
    checked["gram"] = boolean("gram")
    checked["done"] = boolean("done")
    reason = description.get("stop_reason")
    if reason not in (None, "max_epochs", "early_stopping", "diverged"):
        raise ValueError(f"trainer.stop_reason must be null, 'max_epochs', 'early_stopping' or 'diverged', "
                         f"got {reason!r}")
    if (reason is None) == checked["done"]:
        raise ValueError("trainer.stop_reason must be given exactly when trainer.done is true")
    checked["stop_reason"] = reason
    best = description.get("best")
    if best is not None and (isinstance(best, bool) or not isinstance(best, (int, float)) or not math.isfinite(best)):
        raise ValueError(f"trainer.best must be null or a finite number, got {best!r}")
    checked["best"] = math.inf if best is None else float(best)
    checked["best_epoch"] = integer("best_epoch")
    checked["stale_epochs"] = integer("stale_epochs")
    if checked["best_epoch"] > checked["epoch"]:
        raise ValueError(f"trainer.best_epoch {checked['best_epoch']} is after trainer.epoch {checked['epoch']}")
    unknown = sorted(set(arrays) - {"train_index", "val_index", "best_theta"})
    if unknown:
        raise ValueError(f"trainer arrays: {unknown[0]!r} is not part of a trainer's state")
    indices = []
    for name in ("train_index", "val_index"):
        index = arrays.get(name)
        if not isinstance(index, np.ndarray) or index.ndim != 1 or index.dtype.kind not in "iu":
            raise ValueError(f"trainer arrays: {name!r} must be a 1-D array of row numbers")
        if index.size and (index[0] < 0 or index[-1] >= n_rows or (np.diff(index) <= 0).any()):
            raise ValueError(f"trainer arrays: {name!r} must hold increasing row numbers below {n_rows}")
        indices.append(index.astype(np.intp))
    train, val = indices
    if len(train) + len(val) != n_rows or np.intersect1d(train, val).size:
        raise ValueError(f"trainer arrays: the training and validation rows must split the {n_rows} rows")
    if len(train) == 0:
        raise ValueError("trainer arrays: 'train_index' is empty: no row to train on")
    checked["train_index"], checked["val_index"] = train, val
    best_theta = arrays.get("best_theta")
    if best_theta is not None and (not isinstance(best_theta, np.ndarray) or best_theta.ndim != 1
                                   or best_theta.dtype.kind != "f" or not np.isfinite(best_theta).all()):
        raise ValueError("trainer arrays: 'best_theta' must be a 1-D array of finite floats")
    checked["best_theta"] = best_theta
    return checked


def _param(model, name: str):
    for p in model.PARAMS:
        if p.name == name:
            return p
    raise KeyError(name)  # pragma: no cover - every model declares these
