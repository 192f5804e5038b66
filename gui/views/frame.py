"""The two parts of a view, and the code that computes frames for them.

A view of a training run lives in one file (see ``docs/views.md``) with two
parts:

- a **frame spec** (:class:`FrameSpec`): pure NumPy, picklable, made in the
  GUI thread. It says what the view needs (its own raw-space points, e.g. a
  grid; the dataset rows; nothing but the parameters) and computes one frame
  from a snapshot of the model with :meth:`FrameSpec.compute`, returning
  finished arrays (an image, a path, a matrix of counts). It runs in the
  render process (``gui.render_process``), in the render thread where no
  process can be used, and in the headless GIF command: one code path.
- the **Qt part** (:class:`View`): says which datasets and models it applies
  to, builds its widget, hands finished arrays to Qt items in
  :meth:`View.show_frame`, and makes a new spec when what it needs changes.

This module, the registry and every view file import no Qt at module level,
so the render process (which unpickles the specs, and so imports their
modules) never loads Qt: a view's Qt classes are imported inside its methods.

:class:`FrameComputer` turns a model snapshot into the frames of every active
spec: the raw points go through the model's input transform once per change
of the points or the data, and the predictions on the dataset rows are made
once per frame, however many views draw them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from algorithms import is_classifier

from .grid import GridSpec

__all__ = ["FrameSpec", "PlaneSpec", "FrameInputs", "FrameComputer", "View", "PointsView", "DataContext", "model_inputs",
           "model_output", "first_column", "slice_points"]


class FrameSpec:
    """What one view computes per frame (the pure half of a view).

    Subclasses are frozen dataclasses holding small values only (a
    ``GridSpec``, a few indices): a spec is pickled to the render process
    whenever it changes. Large inputs travel separately: :meth:`points`
    (computed in the render process from the spec) and, when ``rows`` is
    True, the dataset rows and targets, which are sent once per dataset.
    """

    #: whether :meth:`compute` reads the dataset rows (``inputs.rows``,
    #: ``inputs.y``, ``inputs.rows_output()``): one prediction over every row
    #: per frame, skipped when no active view asks for it
    rows: bool = False

    def points(self) -> np.ndarray | None:
        """Raw-space points ``(m, d)`` the model is evaluated on for this
        view (in ``inputs.points`` after the input transform), or None."""
        return None

    def compute(self, model, inputs: FrameInputs):
        """One frame of this view from ``model`` (a fitted snapshot)."""
        raise NotImplementedError


class FrameInputs:
    """What a spec's :meth:`~FrameSpec.compute` gets besides the model.

    Attributes
    ----------
    points : ndarray (m, d') or None
        The spec's points through the model's input transform.
    rows : ndarray (n, d') or None
        The dataset rows through the input transform (specs with ``rows``).
    y : ndarray (n,) or (n, k), or None
        The dataset's targets (class codes for classification).
    transform : FeatureTransform or None
        The input transform the points and rows went through (its ``names``
        are the model's input features), None for the raw features.
    """

    def __init__(self, points, rows, y, shared: dict, transform=None) -> None:
        self.points = points
        self.rows = rows
        self.y = y
        self.transform = transform
        self._shared = shared  # per-frame memo shared by all specs of one frame

    def rows_output(self, model) -> np.ndarray:
        """``predict_proba`` (classifiers, ``(n, c)``) or ``predict``
        (regressors) of ``model`` on the rows, made once per frame whatever
        the number of views that read it."""
        if "rows_output" not in self._shared:
            self._shared["rows_output"] = model_output(model, self.rows)
        return self._shared["rows_output"]


def model_output(model, inputs: np.ndarray) -> np.ndarray:
    """``predict_proba`` for classifiers (``(m, c)``, columns in
    ``model.classes_`` order), ``predict`` for regressors."""
    predict = model.predict_proba if is_classifier(model) else model.predict
    return np.asarray(predict(inputs))


def model_inputs(points, transform):
    """What the model takes for raw ``points``: ``transform.transform(points)``,
    or the points themselves without a transform."""
    return transform.transform(points) if transform is not None else points


def first_column(values: np.ndarray) -> np.ndarray:
    """``(n,)`` view of a regression target or output that may be ``(n, k)``:
    the views draw the first output."""
    values = np.asarray(values)
    return values[:, 0] if values.ndim == 2 else values


def slice_points(plane: np.ndarray, base: tuple[float, ...] | None, shown: tuple[int, int]) -> np.ndarray:
    """Raw-space points of a 2-D plane through the data.

    ``plane`` is ``(m, 2)`` in the two shown features. With ``base`` None the
    data has those features only (one or two: a single feature keeps the
    plane's first column). Otherwise the points are ``base`` (one value per
    feature, ``(d,)``: the means) with columns ``shown`` replaced by the
    plane: a slice with the other features held fixed. Returns ``(m, d)``.
    """
    if base is None:
        return plane if plane.shape[1] == 1 or shown == (0, 1) else plane[:, :1].copy()
    points = np.tile(np.asarray(base, dtype=np.float64), (len(plane), 1))
    points[:, shown[0]] = plane[:, 0]
    points[:, shown[1]] = plane[:, 1]
    return points


class FrameComputer:
    """Computes the frames of a set of specs from model snapshots.

    Used in the render process, in the render thread (fallback) and by the
    headless GIF command. Keeps each spec's points through the transform
    until the spec or the data change, and the rows through the transform
    until the data change.
    """

    def __init__(self) -> None:
        self._X = self._y = self._transform = None
        self._rows: np.ndarray | None = None  # model inputs of the rows, made when first asked
        self._specs: dict[str, FrameSpec] = {}
        self._points: dict[str, np.ndarray | None] = {}  # view id -> model inputs of spec.points()

    def set_data(self, X: np.ndarray | None, y: np.ndarray | None, transform) -> None:
        """The dataset rows ``(n, d)``, their targets and the input transform."""
        self._X, self._y, self._transform = X, y, transform
        self._rows = None
        self._points.clear()

    def set_specs(self, specs: dict[str, FrameSpec]) -> None:
        """The active views' specs (view id -> spec); points of unchanged
        specs are kept."""
        self._points = {view_id: points for view_id, points in self._points.items()
                        if specs.get(view_id) == self._specs.get(view_id)}
        self._specs = dict(specs)

    @property
    def specs(self) -> dict[str, FrameSpec]:
        return dict(self._specs)

    def compute(self, model) -> dict[str, object]:
        """``{view id: spec.compute(model, inputs)}`` for every spec. An
        exception of a spec propagates (the worker stops training with it)."""
        shared: dict = {}
        frames = {}
        # A model on the edge of blowing up may overflow in float32 where the
        # model itself did not: its picture shows it (white, NaN); no warnings.
        with np.errstate(all="ignore"):
            for view_id, spec in self._specs.items():
                inputs = FrameInputs(self._spec_points(view_id, spec),
                                     self._row_inputs() if spec.rows else None,
                                     self._y if spec.rows else None, shared, self._transform)
                frames[view_id] = spec.compute(model, inputs)
        return frames

    def _spec_points(self, view_id: str, spec: FrameSpec):
        if view_id not in self._points:
            raw = spec.points()
            self._points[view_id] = None if raw is None else model_inputs(raw, self._transform)
        return self._points[view_id]

    def _row_inputs(self):
        if self._rows is None and self._X is not None:
            self._rows = model_inputs(self._X, self._transform)
        return self._rows


@dataclass(frozen=True)
class PlaneSpec(FrameSpec):
    """A spec whose points are a grid over the plane of the two shown
    features (:func:`slice_points`): the decision surface, the heatmap, the
    3D surface.

    Attributes
    ----------
    grid : GridSpec
        The grid over the shown features.
    base : tuple of float, or None
        Every feature's value on the slice (``DataContext.base``), or None.
    shown : (int, int)
        The features on the grid's x and y.
    """

    grid: GridSpec
    base: tuple[float, ...] | None
    shown: tuple[int, int]

    def points(self) -> np.ndarray:
        return slice_points(self.grid.points(), self.base, self.shown)


@dataclass(frozen=True, eq=False)
class DataContext:
    """What a view is told about the data it shows.

    Attributes
    ----------
    dataset : datasets.Dataset
    shown : (int, int)
        The two feature columns on the axes (``(0, 0)`` for one feature).
    val_mask : ndarray (n,) bool
        True for validation rows (drawn hollow).
    """

    dataset: object
    shown: tuple[int, int]
    val_mask: np.ndarray

    @property
    def base(self) -> tuple[float, ...] | None:
        """Values of the features off the axes on a slice (their means), or
        None when the axes show every feature."""
        d = self.dataset.n_features
        if d <= 2 and self.shown in ((0, 1), (0, 0)):
            return None
        return tuple(float(v) for v in self.dataset.X.mean(axis=0))

    def xy(self) -> np.ndarray:
        """``(n, 2)`` the shown features of every row (one feature: ``(x, 0)``);
        the dataset's own array when it is that (not to be written to)."""
        X = self.dataset.X
        if X.shape[1] == 1:
            return np.column_stack([X[:, 0], np.zeros(len(X))])
        if X.shape[1] == 2 and tuple(self.shown) == (0, 1):
            return X
        return X[:, list(self.shown)]

    def shown_rows(self, hide_validation: bool) -> np.ndarray | slice:
        """The rows a view draws as points, to index the row arrays with:
        the training rows only (an ``(n,)`` bool mask) when validation data
        are hidden, else every row (``slice(None)``: views, not copies, of a
        million rows on the GUI thread)."""
        if hide_validation:
            return ~self.val_mask
        return slice(None)

    def slice_note(self) -> str:
        """What a picture over the two shown features leaves out, in words
        ("" when it shows every feature): the other features' held values."""
        base = self.base
        if base is None:
            return ""
        names = self.dataset.feature_names
        held = [f"{names[j]} = {base[j]:.3g}" for j in range(len(names)) if j not in self.shown]
        listed = ", ".join(held[:4]) + (f" and {len(held) - 4} more" if len(held) > 4 else "")
        return (f"A slice through {len(names)} features: the model's output where {listed} "
                f"(held at their mean); the points are every row, whatever their other features.")

    def axis_names(self) -> tuple[str, str]:
        names = self.dataset.feature_names
        if len(names) == 1:
            return names[0], ""
        return names[self.shown[0]], names[self.shown[1]]


class View:
    """The Qt half of a view (see the module docstring).

    Class attributes say what it is; an instance owns its widget (built in
    ``__init__``, in the GUI thread) and the state that decides its spec.

    Attributes
    ----------
    view_id : str
        Key of the view's frames in a report (``Report.frames``).
    title : str
        What the window calls it.
    slot : str
        Where the window shows it: ``"data"``, the main picture (one at a
        time: the first applicable view of the registry), ``"side"``,
        beside the loss curves (every applicable one, as tabs), or
        ``"status"``, a strip above the loss curves (every applicable one).
    option : str or None
        A display option that must be on for the view to be chosen (the 3D
        surface: ``"3d"``); None for none.
    shows_units : bool
        Whether this data view can show one unit of the model (an
        ``anatomy.Unit``: an input feature, a hidden unit, an output) in
        place of the model's output, when a side view asks for it
        (:meth:`set_focus`).
    widget : QWidget
        What the window places (data views: with ``plot_item`` for draw mode).
    epoch : int or None
        The epoch of the model of the frame being shown (set by the
        presenter before ``show_frame``), None when not known.
    generation : int or None
        Which model that is (set with ``epoch``): it moves on at every
        re-initialised model, so views that keep something across frames
        (the loss landscape's path) start afresh.
    """

    epoch: int | None = None
    generation: int | None = None
    view_id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    slot: ClassVar[str] = "data"
    option: ClassVar[str | None] = None
    shows_units: ClassVar[bool] = False
    #: side views: the share of the right column the tab wants when chosen
    #: (the rest goes to the loss curves); None keeps what the person set
    tab_share: ClassVar[float | None] = None

    def __init__(self) -> None:
        self.widget = self.create_widget()
        self._listeners: list[Callable[[], None]] = []
        self._focus_listeners: list[Callable[[object], None]] = []
        self.data: DataContext | None = None

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        """Whether this view can show a run of ``model`` (an estimator or its
        class) on ``dataset``."""
        raise NotImplementedError

    @classmethod
    def available(cls) -> bool:
        """Whether this process can show the view at all (e.g. OpenGL)."""
        return True

    def create_widget(self):
        """The view's widget (Qt imports belong here, not at module level)."""
        raise NotImplementedError

    def set_data(self, data: DataContext) -> None:
        """Show a new dataset (or other shown features, or a new split):
        points are set here, never per frame."""
        self.data = data

    def spec(self) -> FrameSpec | None:
        """What to compute per frame now; None for nothing."""
        return None

    def show_frame(self, result) -> None:
        """Hand one finished frame (``spec().compute(...)``) to the widget."""

    def clear_frame(self) -> None:
        """Take the model's drawing off the widget (no model trains now)."""

    def new_run(self) -> None:
        """Training starts again from new initial weights (epoch 0)."""

    def params_changed(self, params: dict) -> None:
        """The model's hyperparameters: all of them when a model is chosen,
        the changed ones when live ones change while training."""

    def history_changed(self, history: dict, since: int) -> None:
        """The loss curves so far (``loss``, ``val_loss``, the score), a few
        times a second while training; ``since``: the index of the first
        epoch after the last change of data or learning rate."""

    def set_option(self, name: str, on: bool) -> None:
        """A display option changed (e.g. ``"mistakes"``)."""

    def set_focus(self, unit, possible: bool) -> None:
        """The unit the data view shows in place of the model's output
        (``anatomy.Unit``, or None: the output itself). ``possible``: whether
        the data view shown can show units at all. A data view with
        ``shows_units`` changes its spec; a side view may mark the unit."""

    # -- asking the presenter to show one unit in the data view --------------
    def on_focus_requested(self, callback: Callable[[object], None]) -> None:
        self._focus_listeners.append(callback)

    def _request_focus(self, unit) -> None:
        """Ask for ``unit`` (None: the model's output) in the data view."""
        for callback in self._focus_listeners:
            callback(unit)

    # -- telling the presenter that spec() changed outside set_data ----------
    def on_spec_changed(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)

    def _spec_changed(self, *args) -> None:
        for callback in self._listeners:
            callback()


class PointsView(View):
    """A view drawing the dataset's rows as points that can hide the
    validation rows (option ``"hide_validation"``): ``set_data`` draws
    ``self.data.shown_rows(self.hide_validation)``."""

    hide_validation: bool = False

    def set_option(self, name: str, on: bool) -> None:
        if name == "hide_validation" and bool(on) != self.hide_validation:
            self.hide_validation = bool(on)
            if self.data is not None:
                self.set_data(self.data)  # the points again, without (or with) the validation rows
                self._spec_changed()
