"""A saved run: the data, the model and its training state, the loss curves
and the view settings, in one file (``docs/session-format.md``).

:class:`Session` is the value; :func:`write_session` and
:func:`read_session` turn it into a file and back. Reading checks every
field, and the pieces against each other (the training state against the
data and the model, the history against the task, the shown features
against the data), so a session that opens can be trained on: a file that
is damaged, truncated, from another version or made by hand to break the app
gives one :class:`SessionError` saying what is wrong, and nothing else
happens.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import datasets
from algorithms.preprocessing import FeatureTransform
from algorithms.state import check_keys, model_from_state, model_state
from algorithms.training import Trainer

from .archive import ArchiveError, read_archive, write_archive
from .history import HistoryState

__all__ = ["Session", "SessionError", "read_session", "write_session", "FORMAT", "FORMAT_VERSION", "SUFFIX",
           "VIEW_DEFAULTS"]

FORMAT = "mlfs-session"
FORMAT_VERSION = 1
SUFFIX = ".mlfs"
#: the view settings a session keeps, with their defaults
VIEW_DEFAULTS = {"shown_features": [0, 1], "two_features": False, "log_scale": False, "surface3d": False,
                 "mistakes": False, "speed": "auto", "marks": []}
#: most marks the loss chart keeps, and the longest text of one
MAX_MARKS, MAX_MARK_TEXT = 64, 200
#: the sections of session.json
SECTIONS = ("format", "version", "dataset", "features", "model", "trainer", "history", "view", "stop_reason")
STOP_REASONS = (None, "max_epochs", "early_stopping", "diverged", "error")


class SessionError(ValueError):
    """A session file that cannot be opened or saved; the message says why
    (one line, for an error box or a command line)."""


@dataclass(eq=False)
class Session:
    """One run of the app, complete enough to continue it.

    Attributes
    ----------
    dataset : datasets.Dataset
        The points trained on (always stored as they are).
    recipe : dict or None
        How they were made, when they were: ``{"kind": "generator", "name":
        ..., "options": {n_samples, noise, random_state, ...}}`` (``datasets.make``)
        or ``{"kind": "builtin", "name": ...}``; None for drawn or loaded data.
    model : estimator
        Hyperparameters and, once trained, its parameters, optimiser state and
        random stream (``algorithms.state``).
    transform : FeatureTransform or None
        The input features (None: the raw columns).
    trainer : (dict, dict) or None
        ``Trainer.state_dict()`` of the loop training ``model`` (the epoch,
        the train/validation rows, ...); None before training started.
    history : HistoryState or None
        The loss curves as the window showed them.
    view : dict
        View settings (``VIEW_DEFAULTS``' keys).
    stop_reason : str or None
        Why training had stopped ("max_epochs", ...), None if it had not.
    """

    dataset: object
    model: object
    recipe: dict | None = None
    transform: FeatureTransform | None = None
    trainer: tuple | None = None
    history: HistoryState | None = None
    view: dict = field(default_factory=lambda: dict(VIEW_DEFAULTS))
    stop_reason: str | None = None

    @property
    def epoch(self) -> int:
        """Epochs the model has been trained (0 before training)."""
        return 0 if self.trainer is None else int(self.trainer[0]["epoch"])

    def trained_data(self):
        """What the model trains on: the dataset, or with the view's "train
        on these two features only" (data of more than two features, not a
        time series) its two shown columns, as the window does."""
        return trained_data(self.dataset, self.view)

    def fresh_model(self):
        """An untrained model with the session's hyperparameters (to replay the run from its seed)."""
        return type(self.model)(**self.model.get_params())


def trained_data(dataset, view: dict):
    """The dataset the model trains on for these view settings (see
    ``Session.trained_data``)."""
    if not view.get("two_features") or dataset.n_features <= 2 or dataset.time is not None:
        return dataset
    first, second = view["shown_features"]
    names = dataset.feature_names
    return dataset.replace(X=dataset.X[:, [first, second]], feature_names=(names[first], names[second]))


# -- writing -----------------------------------------------------------------------------
def write_session(path, session: Session) -> None:
    """Write ``session`` to ``path`` atomically (on error the file is as it
    was). ``SessionError`` with the reason when it cannot be written."""
    try:
        document, arrays = _to_document(session)
        write_archive(path, document, arrays)
    except OSError as error:
        raise SessionError(f"cannot write {Path(path).name}: {error.strerror or error}") from None
    except ValueError as error:
        raise SessionError(f"cannot save this session: {error}") from None


def _to_document(session: Session) -> tuple[dict, dict]:
    arrays: dict[str, np.ndarray] = {}

    def add(prefix: str, named: dict) -> None:
        for name, array in named.items():
            arrays[f"{prefix}.{name}"] = np.asarray(array)

    dataset = session.dataset
    dataset_about = {"task": dataset.task, "feature_names": list(dataset.feature_names),
                     "class_names": list(dataset.class_names), "name": dataset.name,
                     "notes": list(dataset.notes), "has_time": dataset.time is not None,
                     "recipe": session.recipe}
    add("dataset", {"X": dataset.X, "y": dataset.y})
    if dataset.time is not None:
        add("dataset", {"time": dataset.time})
    transform = session.transform
    features = None if transform is None else {"features": list(transform.features), "degree": transform.degree}
    model_about, model_arrays = model_state(session.model)
    add("model", model_arrays)
    trainer_about = None
    if session.trainer is not None:
        trainer_about, trainer_arrays = session.trainer
        add("trainer", trainer_arrays)
    history_about = None
    if session.history is not None:
        history_about, history_arrays = session.history.to_document()
        add("history", history_arrays)
    document = {"format": FORMAT, "version": FORMAT_VERSION, "dataset": dataset_about, "features": features,
                "model": model_about, "trainer": trainer_about, "history": history_about,
                "view": _check_view(session.view, dataset), "stop_reason": session.stop_reason}
    return document, arrays


# -- reading ------------------------------------------------------------------------------
def read_session(path) -> Session:
    """The session in the file ``path``, every part checked (see the module
    docstring); ``SessionError`` saying what is wrong otherwise."""
    try:
        document, arrays = read_archive(path)
        return _from_document(document, arrays)
    except ArchiveError as error:
        raise SessionError(f"cannot open {Path(path).name}: {error}") from None
    except ValueError as error:
        raise SessionError(f"cannot open {Path(path).name}: {error}") from None
    except (ArithmeticError, MemoryError) as error:  # e.g. a generator asked for absurd options
        raise SessionError(f"cannot open {Path(path).name}: {type(error).__name__}: {error}") from None


def _from_document(document: dict, arrays: dict) -> Session:
    if document.get("format") != FORMAT:
        raise ValueError(f"not a session file (format is {document.get('format')!r}, expected {FORMAT!r})")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise ValueError(f"the file is session format version {version!r}; this version of the app opens "
                         f"version {FORMAT_VERSION}")
    check_keys(document, SECTIONS, "session.json", "section")
    parts = _split_arrays(arrays)
    dataset, recipe = _dataset(document["dataset"], parts.pop("dataset", {}))
    view = _check_view(document["view"], dataset)
    trained = trained_data(dataset, view)
    transform = _transform(document["features"], trained)
    model = model_from_state(document["model"], parts.pop("model", {}))
    _check_model_fits(model, trained, transform)
    trainer = None
    if document["trainer"] is not None:
        trainer = (document["trainer"], parts.pop("trainer", {}))
        _check_trainer(model, trained, transform, trainer)
    elif parts.pop("trainer", None):
        raise ValueError("trainer arrays are stored but no trainer is described")
    history = None
    if document["history"] is not None:
        history = HistoryState.from_document(document["history"], parts.pop("history", {}))
        wanted = "accuracy" if dataset.task == "classification" else "R²"
        if history.metric != wanted:
            raise ValueError(f"history.metric is {history.metric!r} but {dataset.task} shows {wanted!r}")
        if history.size and history.levels[0].x[-1] > (0 if trainer is None else trainer[0]["epoch"]):
            raise ValueError("the history goes beyond the epoch the model was trained to")
    elif parts.pop("history", None):
        raise ValueError("history arrays are stored but no history is described")
    if parts:
        raise ValueError(f"arrays of an unknown section {sorted(parts)[0]!r}")
    stop_reason = document["stop_reason"]
    if stop_reason not in STOP_REASONS:
        raise ValueError(f"stop_reason must be one of {', '.join(map(repr, STOP_REASONS))}, got {stop_reason!r}")
    return Session(dataset=dataset, model=model, recipe=recipe, transform=transform, trainer=trainer,
                   history=history, view=view, stop_reason=stop_reason)


def _split_arrays(arrays: dict) -> dict[str, dict]:
    """``{"model.theta": a}`` -> ``{"model": {"theta": a}}``."""
    parts: dict[str, dict] = {}
    for name, array in arrays.items():
        section, dot, rest = name.partition(".")
        if not dot or not rest:
            raise ValueError(f"array {name!r} belongs to no section")
        parts.setdefault(section, {})[rest] = array
    return parts


def _dataset(about, arrays: dict):
    where = "dataset"
    if not isinstance(about, dict):
        raise ValueError(f"{where} must be an object")
    check_keys(about, ("task", "feature_names", "class_names", "name", "notes", "has_time", "recipe"), where, "field")
    if about["task"] not in datasets.dataset.TASKS:
        raise ValueError(f"{where}.task must be one of {', '.join(map(repr, datasets.dataset.TASKS))}, "
                         f"got {about['task']!r}")
    has_time = about["has_time"]
    if not isinstance(has_time, bool):
        raise ValueError(f"{where}.has_time must be true or false")
    wanted = {"X", "y"} | ({"time"} if has_time else set())
    if set(arrays) != wanted:
        odd = sorted(set(arrays) ^ wanted)[0]
        raise ValueError(f"the dataset array {odd!r} is {'missing' if odd in wanted else 'not expected'}")
    for name in ("feature_names", "class_names", "notes"):
        if not isinstance(about[name], list) or not all(isinstance(item, str) for item in about[name]):
            raise ValueError(f"{where}.{name} must be a list of strings")
    if not isinstance(about["name"], str):
        raise ValueError(f"{where}.name must be a string")
    X, y = arrays["X"], arrays["y"]
    if X.dtype.kind != "f" or y.dtype.kind not in ("i" if about["task"] == "classification" else "f"):
        raise ValueError(f"{where}: X must hold floats and y {'class codes' if about['task'] == 'classification' else 'floats'}")
    dataset = datasets.Dataset(X=X, y=y, task=about["task"], feature_names=tuple(about["feature_names"]),
                               class_names=tuple(about["class_names"]), name=about["name"],
                               time=arrays.get("time"), notes=tuple(about["notes"]))
    recipe = _recipe(about["recipe"], dataset)
    return dataset, recipe


def _recipe(recipe, dataset):
    """The recipe, if it still makes exactly these points (else None: the
    points stand on their own, as for drawn data)."""
    if recipe is None:
        return None
    where = "dataset.recipe"
    if not isinstance(recipe, dict) or recipe.get("kind") not in ("generator", "builtin"):
        raise ValueError(f"{where} must be null or an object of kind 'generator' or 'builtin'")
    name = recipe.get("name")
    if not isinstance(name, str):
        raise ValueError(f"{where}.name must be a string, got {name!r}")
    if recipe["kind"] == "builtin":
        if set(recipe) != {"kind", "name"} or name not in datasets.BUILTINS:
            raise ValueError(f"{where} names no bundled table ({name!r})")
        made = datasets.load_builtin(name)
    else:
        options = recipe.get("options")
        if set(recipe) != {"kind", "name", "options"} or name not in datasets.GENERATORS:
            raise ValueError(f"{where} names no generator ({name!r})")
        if not isinstance(options, dict) or not all(
                value is None or isinstance(value, (bool, int, float, str)) for value in options.values()):
            raise ValueError(f"{where}.options must be an object of plain values")
        n_samples = options.get("n_samples")
        if n_samples is not None and (not isinstance(n_samples, int) or n_samples > dataset.n_samples):
            raise ValueError(f"{where}.options.n_samples must be the number of points stored, {dataset.n_samples}")
        try:
            made = datasets.make(name, **options)
        except TypeError as error:
            raise ValueError(f"{where}.options: {error}") from None
    return recipe if made == dataset else None


def _transform(about, dataset) -> FeatureTransform | None:
    if about is None:
        return None
    if not isinstance(about, dict) or set(about) != {"features", "degree"}:
        raise ValueError("features must be null or an object with features and degree")
    if not isinstance(about["features"], list):
        raise ValueError("features.features must be a list of feature names")
    if dataset.n_features != 2:
        raise ValueError(f"input features need data with 2 columns; the dataset has {dataset.n_features}")
    return FeatureTransform(features=tuple(about["features"]), degree=about["degree"])


def _check_model_fits(model, dataset, transform) -> None:
    n_classes = len(np.unique(dataset.y)) if dataset.task == "classification" else None
    if not type(model).supports(dataset.task, n_classes):
        raise ValueError(f"a {type(model).LABEL.lower()} cannot learn this {dataset.task} dataset")
    if model._is_fitted():
        n_inputs = dataset.n_features if transform is None else transform.n_output_features
        if model.n_features_in_ != n_inputs:
            raise ValueError(f"the model takes {model.n_features_in_} inputs but the data give it {n_inputs}")


def _check_trainer(model, dataset, transform, trainer) -> None:
    """A dry run of what the window does with the session: the loop resumed
    on these data (which checks the rows, the classes and the state)."""
    if not model._is_fitted():
        raise ValueError("a trainer is described but the model is not trained")
    X = dataset.X if transform is None else transform.transform(dataset.X)
    description, arrays = trainer
    if not isinstance(description, dict):
        raise ValueError("trainer must be an object")
    Trainer(model, X, dataset.y, validation_fraction=model.validation_fraction, keep_history=False,
            resume=(dict(description), dict(arrays)))


def _check_view(view, dataset) -> dict:
    if not isinstance(view, dict):
        raise ValueError("view must be an object")
    unknown = sorted(set(view) - set(VIEW_DEFAULTS))
    if unknown:
        raise ValueError(f"view.{unknown[0]} is not a view setting")
    checked = dict(VIEW_DEFAULTS)
    checked.update(view)
    shown = checked["shown_features"]
    d = dataset.n_features
    if (not isinstance(shown, list) or len(shown) != 2
            or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < max(d, 1) for i in shown)):
        raise ValueError(f"view.shown_features must be two column numbers below {d}, got {shown!r}")
    if d >= 2 and shown[0] == shown[1]:
        raise ValueError(f"view.shown_features must be two different columns, got {shown!r}")
    for name in ("two_features", "log_scale", "surface3d", "mistakes"):
        if not isinstance(checked[name], bool):
            raise ValueError(f"view.{name} must be true or false")
    marks = checked["marks"]
    if (not isinstance(marks, list) or len(marks) > MAX_MARKS
            or not all(isinstance(mark, list) and len(mark) == 2 and isinstance(mark[0], (int, float))
                       and not isinstance(mark[0], bool) and math.isfinite(mark[0]) and isinstance(mark[1], str)
                       and len(mark[1]) <= MAX_MARK_TEXT for mark in marks)):
        raise ValueError(f"view.marks must be a list of at most {MAX_MARKS} [epoch, text] pairs")
    speed = checked["speed"]
    if not (speed is None or speed == "auto" or (isinstance(speed, numbers.Real) and not isinstance(speed, bool)
                                                 and math.isfinite(speed) and 0 < speed <= 1e9)):
        raise ValueError(f"view.speed must be 'auto', null (as fast as possible) or epochs per second, got {speed!r}")
    return checked
