"""The one training loop: ``Trainer`` runs any model epoch by epoch.

``model.fit`` builds a Trainer and calls ``step()`` until ``done``; the GUI
worker calls ``step()`` itself, one epoch at a time, and may change live
hyperparameters (``model.set_params(learning_rate=...)``), swap the data
(``set_data``) or allow more epochs (``extend``) between steps.

The Trainer owns:

- the train/validation split (stratified for classification), from
  ``validation_fraction`` and ``random_state``;
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

from .params import validate_param

__all__ = ["EpochRecord", "Trainer", "train_validation_split"]


@dataclass(frozen=True, slots=True)
class EpochRecord:
    """What one epoch did."""

    epoch: int  # epochs completed so far (1 after the first)
    loss: float  # training loss of this epoch (mean over its samples, incl. the L2 term)
    val_loss: float | None  # None when there is no validation split
    score: float  # accuracy (classification) or R^2 (regression) on the training data
    val_score: float | None  # same on the validation rows; None without a split
    stop_reason: str | None  # None, "max_epochs", "early_stopping", "diverged"
    message: str | None  # human sentence when stopped


def train_validation_split(y: np.ndarray, fraction: float, seed, stratify: bool):
    """``(train_index, val_index)``, both sorted.

    ``round(fraction * n)`` rows go to validation, per class when
    ``stratify`` (so every class keeps its share), always leaving at least
    one training row (per class). ``fraction=0`` gives no validation rows.
    Deterministic for an integer ``seed``.
    """
    n = len(y)
    if fraction <= 0 or n < 2:
        return np.arange(n), np.arange(0)
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
    structure), else continues from them; splits off
    ``model.validation_fraction`` of the rows for validation.

    ``validation_fraction`` and ``max_epochs`` override the model's values
    (``partial_fit`` uses ``0`` and ``1``). The epoch limit counts from this
    Trainer's start.

    Attributes: ``done`` (True after a record with a ``stop_reason``),
    ``stop_reason``, ``epoch`` (epochs the model has completed, continuing a
    fitted model's count), ``history`` (the same dict as ``model.history_``),
    ``train_index`` / ``val_index`` (rows of the current ``X``; ``val_index``
    may be empty), ``n_samples`` (rows of the current ``X``).

    Live hyperparameters (``learning_rate``, ``l2``) are read from the model
    at every ``step``; batch size, optimiser and the stopping rules are read
    when the Trainer is built.

    ``keep_history=False`` leaves ``history`` as it was instead of appending
    each epoch to it (about 130 bytes an epoch, for good): for a caller that
    keeps what it needs of the records itself, such as the GUI, whose runs
    have no end.
    """

    def __init__(self, model, X, y, *, validation_fraction: float | None = None, max_epochs: int | None = None,
                 keep_history: bool = True):
        params = model._check_params()
        X, y = model._check_data(X, y, min_classes=1)
        self.model = model
        self._params = params
        if validation_fraction is not None:
            validate_param(_param(model, "validation_fraction"), validation_fraction)
            params = {**params, "validation_fraction": validation_fraction}
        self._validation_fraction = params["validation_fraction"]
        self._split(X, y)
        if model._incompatibility(X, y) is not None:
            if model._task() == "classification":
                model._check_labels(y, min_classes=2)  # a fresh model needs two classes
            model._initialize(X, y, X[self.train_index], y[self.train_index])
        self.history: dict[str, list[float]] = model.history_
        self._keep_history = keep_history
        self._score_key = model._score_name()
        self.epoch = len(self.history["loss"])
        self._limit = self.epoch + (params["max_epochs"] if max_epochs is None else max_epochs)
        self.done = False
        self.stop_reason: str | None = None
        self._network = model._network
        self._snapshots = (self._network.theta.copy(), self._network.theta.copy())
        self._learning_rate = self._l2 = None
        self._prepare(X, y)

    # -- data ------------------------------------------------------------------
    def _split(self, X, y) -> None:
        self.train_index, self.val_index = train_validation_split(
            y, self._validation_fraction, self._params["random_state"],
            stratify=self.model._task() == "classification",
        )

    def _prepare(self, X, y) -> None:
        model, train, val = self.model, self.train_index, self.val_index
        self._plan = model._training_plan(X[train], y[train])
        self._val_plan = model._evaluation_plan(X[val], y[val]) if len(val) else None
        self.n_samples = len(X)
        self._reset_early_stopping()

    def _reset_early_stopping(self) -> None:
        self._best = math.inf
        self._best_epoch = self.epoch
        self._best_theta = None
        self._stale_epochs = 0

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
        X, y = model._check_data(X, y, min_classes=1)
        reason = model._incompatibility(X, y)
        if reason is not None:
            raise ValueError(f"set_data: {reason}; re-initialise the model to train on these data")
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
        if self.done:
            raise RuntimeError(
                f"training has stopped ({self.stop_reason}) at epoch {self.epoch}; call extend(n) to train further"
            )
        model, network = self.model, self._network
        learning_rate = model.learning_rate
        l2 = getattr(model, "l2", 0.0)
        if learning_rate != self._learning_rate or l2 != self._l2:
            self._check_live(learning_rate, l2)
        np.copyto(self._snapshots[self.epoch & 1], network.theta)  # parameters before this epoch
        # Overflow or NaN inside a diverging epoch is reported through the
        # non-finite loss below, not as a flood of RuntimeWarnings.
        with np.errstate(all="ignore"):
            loss, score = network.train_epoch(self._plan, model._optimizer, learning_rate, l2, model._rng)
            if self._val_plan is not None:
                val_loss, val_score = network.evaluate(self._val_plan, l2)
                finite = math.isfinite(loss) and math.isfinite(val_loss)
            else:
                val_loss = val_score = None
                finite = math.isfinite(loss)
            finite = finite and math.isfinite(float(np.dot(network.theta, network.theta)))
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

    def _check_live(self, learning_rate, l2) -> None:
        for name, value in (("learning_rate", learning_rate), ("l2", l2)):
            if name in self._params:
                validate_param(_param(self.model, name), value)
        self._learning_rate, self._l2 = learning_rate, l2

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
        message = (
            f"Training diverged at epoch {failed_epoch} ({what} is {bad}): the learning rate "
            f"{model.learning_rate:g} is probably too high{hint}. Kept the parameters of epoch {self.epoch}."
        )
        self.done, self.stop_reason = True, "diverged"
        return EpochRecord(self.epoch, loss, val_loss, score, val_score, "diverged", message)


def _param(model, name: str):
    for p in model.PARAMS:
        if p.name == name:
            return p
    raise KeyError(name)  # pragma: no cover - every model declares these
