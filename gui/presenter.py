"""What the data view shows, and the model outputs it needs.

Two halves, split by thread:

- ``compute_outputs`` is a pure function. It runs in the training worker's
  thread (and in the headless GIF command): it evaluates the model on the
  view's grid points and on the dataset rows.
- ``DataPresenter`` lives in the GUI thread. It picks the view that suits the
  dataset (decision surface, fitted curve, heatmap / 3D surface, time series),
  tells the worker which raw-space points to evaluate (``grid_points``) and
  turns the outputs into pictures (``apply``). It never touches the model.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QStackedWidget, QWidget

from gui import views


def is_classifier(model) -> bool:
    """Whether ``model`` answers with class probabilities (``predict_proba``).

    LogisticRegression always does; NeuralNetwork only with
    ``task="classification"``; LinearRegression never.
    """
    if not hasattr(model, "predict_proba"):
        return False
    return getattr(model, "task", "classification") == "classification"


def compute_outputs(model, transform, grid_points, X):
    """Model outputs on the plot grid and on the dataset rows.

    Parameters
    ----------
    model : a fitted (or at least initialised) model of ``algorithms``.
    transform : ``FeatureTransform`` or None. Raw inputs go through it first,
        exactly as they did for training.
    grid_points : ndarray of shape ``(m, d)`` in raw data space, or None.
    X : ndarray of shape ``(n, d)``, or None.

    Returns
    -------
    (grid_output, sample_output): ``predict_proba`` for classifiers, shape
    ``(m, c)`` / ``(n, c)`` with one column per entry of ``model.classes_``;
    ``predict`` for regressors, shape ``(m,)`` or ``(m, k)``. Each is None when
    its input is None or empty.
    """
    predict = model.predict_proba if is_classifier(model) else model.predict

    def evaluate(points):
        if points is None or len(points) == 0:
            return None
        inputs = transform.transform(points) if transform is not None else points
        return np.asarray(predict(inputs))

    return evaluate(grid_points), evaluate(X)


def first_column(values: np.ndarray) -> np.ndarray:
    """``(n,)`` view of a regression target or output that may be ``(n, k)``:
    the views draw the first output."""
    values = np.asarray(values)
    return values[:, 0] if values.ndim == 2 else values


class DataPresenter(QObject):
    """Chooses and feeds the data view for the current dataset.

    ``widget`` is a QStackedWidget holding the views; views are created the
    first time a dataset needs them and re-used afterwards. A second, optional
    view (``secondary_view``) suits data with many features: a confusion matrix
    for classification, predicted-vs-actual for regression.
    """

    #: the view shown in ``widget`` changed (draw mode re-attaches to it)
    view_changed = Signal(object)
    #: ``grid_points()`` changed outside ``set_dataset`` (the person panned or
    #: zoomed a view whose frame is locked): send the worker the new grid
    grid_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.widget = QStackedWidget()
        self.widget.setMinimumSize(360, 320)
        self._views: dict[str, QWidget] = {}
        self._secondary: dict[str, QWidget] = {}
        self._kind = ""
        self._dataset = None
        self._transform = None
        self._shown = (0, 0)
        self._val_mask = None
        self._use_3d = False
        self._highlight_misclassified = False
        self._gl_available: bool | None = None
        self._grid: np.ndarray | None = None
        self._setting_dataset = False

    # --- what is shown ---------------------------------------------------
    @property
    def kind(self) -> str:
        """"classification", "curve", "heatmap", "surface3d" or "time_series"."""
        return self._kind

    def current_view(self) -> QWidget | None:
        return self._views.get(self._kind)

    def secondary_view(self) -> QWidget | None:
        """Confusion matrix / predicted-vs-actual when the data has more than
        two features (the 2-D picture then shows only a slice), else None."""
        dataset = self._dataset
        if dataset is None or dataset.n_features <= 2 or dataset.time is not None:
            return None
        key = "confusion" if dataset.task == "classification" else "pred_actual"
        if key not in self._secondary:
            view = views.ConfusionView() if key == "confusion" else views.PredictedActualView()
            self._secondary[key] = view
        return self._secondary[key]

    def opengl_available(self) -> bool:
        if self._gl_available is None:
            self._gl_available = bool(views.opengl_available())
        return self._gl_available

    def set_3d(self, on: bool) -> bool:
        """Show regression on two features as a rotatable 3D surface instead of
        the heatmap. Returns whether the 3D view is now used (False when OpenGL
        is unavailable: the heatmap stays)."""
        self._use_3d = bool(on) and self.opengl_available()
        if self._dataset is not None:
            self.set_dataset(self._dataset, self._transform, self._shown, self._val_mask)
        return self._use_3d

    @property
    def uses_3d(self) -> bool:
        return self._use_3d

    def set_highlight_misclassified(self, on: bool) -> None:
        self._highlight_misclassified = bool(on)
        view = self.current_view()
        if not on and self._kind == "classification" and view is not None:
            view.set_misclassified(None)

    def needs_sample_output(self) -> bool:
        """Whether ``apply`` uses outputs on the dataset rows (they cost one
        prediction over every row per frame, so the worker skips them when
        nothing draws them)."""
        if self._kind == "time_series":
            return True
        if self._kind == "classification" and self._highlight_misclassified:
            return True
        return self.secondary_view() is not None

    # --- the dataset -----------------------------------------------------
    def _view_kind(self, dataset) -> str:
        if dataset.time is not None:
            return "time_series"
        if dataset.task == "classification":
            return "classification"
        if dataset.n_features == 1:
            return "curve"
        return "surface3d" if self._use_3d else "heatmap"

    def _view(self, kind: str) -> QWidget:
        if kind not in self._views:
            factory = {
                "classification": views.ClassificationView,
                "curve": views.Regression1DView,
                "heatmap": views.RegressionHeatmapView,
                "surface3d": views.Surface3DView,
                "time_series": views.TimeSeriesView,
            }[kind]
            view = factory()
            self._views[kind] = view
            self.widget.addWidget(view)
            if hasattr(view, "frame_changed"):
                view.frame_changed.connect(self._on_frame_changed)
        return self._views[kind]

    @Slot()
    def _on_frame_changed(self) -> None:
        view = self.current_view()
        if self._setting_dataset or self.sender() is not view or self._dataset is None:
            return  # set_dataset makes the grid itself
        self._grid = self._make_grid(view)
        self.grid_changed.emit()

    def set_dataset(self, dataset, transform=None, shown_features=(0, 1), val_mask=None) -> None:
        """Show ``dataset``: pick the view, set its points (the expensive part:
        done only here, never per frame) and frame the grid around them.

        ``shown_features``: the two columns drawn on the axes when the data has
        more than two features; the others are held at their mean on the grid.
        ``val_mask``: (n,) bool, True for validation rows (drawn hollow).
        """
        n, d = dataset.X.shape
        first = min(int(shown_features[0]), max(d - 1, 0))
        second = min(int(shown_features[1]), max(d - 1, 0))
        if d >= 2 and first == second:
            second = 1 if first == 0 else 0
        self._shown = (first, second)
        if val_mask is None and dataset is self._dataset:
            val_mask = self._val_mask  # same rows, other axes: the split stands
        self._dataset = dataset
        self._transform = transform
        if val_mask is None or len(val_mask) != n:
            val_mask = np.zeros(n, dtype=bool)
        self._val_mask = np.asarray(val_mask, dtype=bool)

        kind = self._view_kind(dataset)
        view = self._view(kind)
        changed = kind != self._kind
        self._kind = kind
        self.widget.setCurrentWidget(view)
        self._setting_dataset = True
        try:
            self._set_view_data(view)
        finally:
            self._setting_dataset = False
        self._grid = self._make_grid(view)
        secondary = self.secondary_view()
        if secondary is not None and kind == "classification":
            secondary.set_matrix(
                np.zeros((dataset.n_classes, dataset.n_classes), dtype=np.int64),
                list(dataset.class_names),
            )
        if changed:
            self.view_changed.emit(view)

    def set_val_mask(self, val_mask: np.ndarray) -> None:
        """The worker's train/validation split changed (a new trainer or new
        data): redraw the points with validation rows marked."""
        if self._dataset is None or len(val_mask) != self._dataset.n_samples:
            return
        if np.array_equal(val_mask, self._val_mask):
            return
        self._val_mask = np.asarray(val_mask, dtype=bool)
        self._set_view_data(self.current_view())

    def _xy(self):
        X = self._dataset.X
        if X.shape[1] == 1:
            return X[:, 0], np.zeros(len(X))
        return X[:, self._shown[0]], X[:, self._shown[1]]

    def _set_view_data(self, view) -> None:
        dataset = self._dataset
        X, y, mask = dataset.X, dataset.y, self._val_mask
        names = dataset.feature_names
        if self._kind == "classification":
            x_axis, y_axis = self._xy()
            view.set_data(np.column_stack([x_axis, y_axis]), y, list(dataset.class_names), mask)
            y_name = names[self._shown[1]] if X.shape[1] > 1 else ""
            view.set_axis_labels(names[self._shown[0]] if names else "x1", y_name)
        elif self._kind == "curve":
            view.set_data(X[:, 0], first_column(y), mask)
        elif self._kind in ("heatmap", "surface3d"):
            x_axis, y_axis = self._xy()
            view.set_data(np.column_stack([x_axis, y_axis]), first_column(y), mask)
        elif self._kind == "time_series":
            view.set_data(np.asarray(dataset.time), first_column(y), mask)

    def _make_grid(self, view) -> np.ndarray | None:
        dataset = self._dataset
        if self._kind == "time_series" or dataset.n_samples == 0:
            return None
        if self._kind == "curve":
            return np.asarray(view.curve_x(), dtype=float).reshape(-1, 1)
        plane = view.grid_spec().points()  # (ny*nx, 2) in the shown features
        d = dataset.n_features
        if d == 1:
            return plane[:, :1].copy()
        if d == 2 and self._shown == (0, 1):
            return plane
        # Features not on the axes sit at their mean: the picture is a slice.
        grid = np.tile(dataset.X.mean(axis=0), (len(plane), 1))
        grid[:, self._shown[0]] = plane[:, 0]
        grid[:, self._shown[1]] = plane[:, 1]
        return grid

    def grid_points(self) -> np.ndarray | None:
        """(m, d) raw-space inputs for the worker, or None (time series: the
        view draws predictions on the dataset rows only)."""
        return self._grid

    def painter(self):
        """What turns outputs on ``grid_points()`` into the current view's
        picture, for the worker's render process (pure NumPy, picklable, safe in any
        thread): the decision surface's ``SurfacePainter``; None for views
        that draw raw outputs themselves."""
        view = self.current_view()
        if self._kind == "classification" and view is not None and self._grid is not None:
            return view.surface_painter()
        return None

    # --- frames ------------------------------------------------------------
    def apply(self, grid_output, sample_output, classes, picture=None) -> None:
        """Draw one frame of model outputs (arrays from ``compute_outputs``).

        ``classes``: (c,) class codes matching the probability columns
        (``model.classes_``), None for regression. Outputs that are None leave
        that part of the picture as it was. ``picture``: the grid outputs
        already made into the view's picture by ``painter()`` (in the render
        thread); drawn instead of colouring ``grid_output`` here.
        """
        view = self.current_view()
        dataset = self._dataset
        if view is None or dataset is None:
            return
        kind = self._kind
        if kind == "classification":
            codes = np.arange(dataset.n_classes) if classes is None else np.asarray(classes)
            if picture is not None:
                view.show_picture(picture)
            elif grid_output is not None:
                view.set_surface(grid_output, codes)
            if sample_output is not None and len(sample_output) == dataset.n_samples:
                predicted = codes[np.argmax(sample_output, axis=1)]
                if self._highlight_misclassified:
                    view.set_misclassified(predicted != dataset.y)
                secondary = self.secondary_view()
                if secondary is not None:
                    k = dataset.n_classes
                    cm = np.zeros((k, k), dtype=np.int64)
                    np.add.at(cm, (dataset.y, predicted), 1)
                    secondary.set_matrix(cm, list(dataset.class_names))
        elif kind == "curve":
            if grid_output is not None:
                view.set_curve(first_column(grid_output))
        elif kind in ("heatmap", "surface3d"):
            if grid_output is not None:
                view.set_surface(first_column(grid_output))
        elif kind == "time_series":
            if sample_output is not None and len(sample_output) == dataset.n_samples:
                view.set_prediction(first_column(sample_output))
        if kind != "classification" and sample_output is not None:
            secondary = self.secondary_view()
            if secondary is not None and len(sample_output) == dataset.n_samples:
                secondary.set_data(first_column(dataset.y), first_column(sample_output))
