"""Which views show the run, and what they need from the worker.

``DataPresenter`` lives in the GUI thread. For the current dataset and model
it picks, from the registry (:mod:`gui.views.registry`), the data view (the
main picture: the first view of the "data" slot that applies) and the side
views (every applicable view of the "side" slot), tells them the data, asks
them for their frame specs (``specs()``: what the worker's render process
computes per frame) and hands each frame of a report to its view
(``show_frames``). It never touches the model and knows no view by name.

Focus: a side view may ask for one unit of the model (``anatomy.Unit``: a
hidden unit, an input feature, an output) to be shown in the data view in
place of the model's output (``View._request_focus``); the presenter passes
it to every view (``View.set_focus``) when the data view can show units, and
drops it with the model it belonged to.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from gui.views import registry
from gui.views.frame import DataContext, FrameSpec, View


class DataPresenter(QObject):
    """Chooses and feeds the views for the current dataset and model.

    ``widget`` is a QStackedWidget holding the data views' widgets; a view is
    created the first time a dataset needs it and re-used afterwards.
    """

    #: the data view shown in ``widget`` changed (its widget; draw mode re-attaches to it)
    view_changed = Signal(object)
    #: the views besides the data view changed (a list of View of the "side"
    #: and "status" slots, possibly empty)
    side_views_changed = Signal(object)
    #: ``specs()`` changed outside ``set_dataset`` (a pan or zoom of a locked
    #: frame, a display option): send the worker the new specs
    specs_changed = Signal()
    #: the unit the data view shows changed (an ``anatomy.Unit`` or None)
    focus_changed = Signal(object)

    def __init__(self, parent: QObject | None = None, views: tuple[type[View], ...] | None = None) -> None:
        super().__init__(parent)
        self.widget = QStackedWidget()
        self.widget.setMinimumSize(360, 320)
        self._registry = registry.VIEWS if views is None else tuple(views)
        self._views: dict[str, View] = {}  # view id -> instance, made on first use
        self._available: dict[str, bool] = {}  # view id -> View.available(), asked once
        self._data_view: View | None = None
        self._side_views: list[View] = []
        self._options: dict[str, bool] = {}
        self._context: DataContext | None = None
        self._model = None
        self._setting_data = False
        self._focus = None  # the unit the data view shows in place of the model's output

    # --- what is shown ---------------------------------------------------
    def data_view(self) -> View | None:
        """The View whose widget ``widget`` shows."""
        return self._data_view

    def current_view(self) -> QWidget | None:
        """The data view's widget (ClassificationView, Regression1DView, ...)."""
        return None if self._data_view is None else self._data_view.widget

    def side_views(self, slot: str | None = None) -> list[View]:
        """The views besides the data view that apply to the current data
        and model (of ``slot`` only: "side" or "status")."""
        return [view for view in self._side_views if slot is None or view.slot == slot]

    def secondary_view(self) -> QWidget | None:
        """The first side-slot view's widget, or None."""
        side = self.side_views("side")
        return side[0].widget if side else None

    def active_views(self) -> list[View]:
        return ([self._data_view] if self._data_view is not None else []) + self._side_views

    def title(self) -> str:
        if self._data_view is None:
            return ""
        if self._focus is None:
            return self._data_view.title
        return f"{self._data_view.title}: {self._focus.label}"

    # --- focus: one unit of the model in the data view -------------------------
    def focus(self):
        """The unit the data view shows in place of the model's output, or None."""
        return self._focus

    def set_focus(self, unit) -> None:
        """Show ``unit`` (an ``anatomy.Unit``) in the data view in place of the
        model's output; None: the model's output again. Ignored (None) when
        the data view cannot show units."""
        possible = self._data_view is not None and self._data_view.shows_units
        unit = unit if possible else None
        if unit == self._focus:
            return
        self._focus = unit
        for view in self.active_views():
            view.set_focus(unit, possible)  # the data view's spec changes: specs_changed
        self.focus_changed.emit(unit)

    def _tell_focus(self) -> bool:
        """Tell every active view the focus after the views or the model
        changed (dropping a focus the data view cannot show), without
        announcing spec changes: the caller sends the specs. Returns whether
        the focus was dropped."""
        possible = self._data_view is not None and self._data_view.shows_units
        dropped = self._focus is not None and not possible
        if dropped:
            self._focus = None
        was_setting, self._setting_data = self._setting_data, True
        try:
            for view in self.active_views():
                view.set_focus(self._focus, possible)
        finally:
            self._setting_data = was_setting
        if dropped:
            self.focus_changed.emit(None)
        return dropped

    # --- options ------------------------------------------------------------
    def set_option(self, name: str, on: bool) -> None:
        """A display option: one that chooses a view (``"3d"``) or one the
        views follow (``"mistakes"``: ring misclassified points)."""
        self._options[name] = bool(on)
        if any(view.option == name for view in self._registry):
            if self._context is not None:
                self._choose_views()
            return
        for view in self._views.values():
            view.set_option(name, on)

    def option(self, name: str) -> bool:
        return self._options.get(name, False)

    def set_3d(self, on: bool) -> bool:
        """Show regression on two features as a rotatable 3D surface instead of
        the heatmap. Returns whether a 3D view is now used (False when OpenGL
        is unavailable: the heatmap stays)."""
        self.set_option("3d", on)
        return self.uses_3d

    @property
    def uses_3d(self) -> bool:
        return self._data_view is not None and self._data_view.option == "3d"

    def set_highlight_misclassified(self, on: bool) -> None:
        self.set_option("mistakes", on)

    # --- the dataset and model -------------------------------------------------
    def set_model(self, model, notify: bool = True) -> None:
        """The model being trained (an estimator or its class): some views
        apply to some models only. ``notify=False``: the caller sends the
        new specs with the model itself, so ``specs_changed`` is not emitted."""
        self._model = model
        # A unit of the old model means nothing in the new one.
        dropped = self._focus is not None
        self._focus = None
        if self._context is not None:
            self._choose_views(notify=notify)
        params = model.get_params() if hasattr(model, "get_params") else {}
        for view in self.active_views():
            view.params_changed(params)
        if dropped:
            self._tell_focus()
            self.focus_changed.emit(None)
            if notify:
                self.specs_changed.emit()

    def set_dataset(self, dataset, shown_features=(0, 1), val_mask=None) -> None:
        """Show ``dataset``: pick the views, set their points (the expensive
        part: done only here, never per frame) and frame them.

        ``shown_features``: the two columns drawn on the axes when the data has
        more than two features; the others are held at their mean on the grid.
        ``val_mask``: (n,) bool, True for validation rows (drawn hollow).
        """
        n, d = dataset.X.shape
        first = min(int(shown_features[0]), max(d - 1, 0))
        second = min(int(shown_features[1]), max(d - 1, 0))
        if d >= 2 and first == second:
            second = 1 if first == 0 else 0
        previous = self._context
        if val_mask is None and previous is not None and dataset is previous.dataset:
            val_mask = previous.val_mask  # same rows, other axes: the split stands
        if val_mask is None or len(val_mask) != n:
            val_mask = np.zeros(n, dtype=bool)
        self._context = DataContext(dataset, (first, second), np.asarray(val_mask, dtype=bool))
        self._choose_views(new_data=True)

    def set_val_mask(self, val_mask: np.ndarray) -> None:
        """The worker's train/validation split changed (a new trainer or new
        data): redraw the points with validation rows marked."""
        context = self._context
        if context is None or len(val_mask) != context.dataset.n_samples:
            return
        if np.array_equal(val_mask, context.val_mask):
            return
        self._context = DataContext(context.dataset, context.shown, np.asarray(val_mask, dtype=bool))
        before = self.specs()
        self._set_data(self.active_views())
        if self.specs() != before:  # a view computes on the training rows only
            self.specs_changed.emit()

    def _choose_views(self, new_data: bool = False, notify: bool = True) -> None:
        context = self._context
        dataset, model = context.dataset, self._model
        candidates = [view for view in self._registry
                      if view.applies_to(dataset, model) and (view.option is None or self.option(view.option))
                      and self._is_available(view)]
        data_class = next((view for view in candidates if view.slot == "data"), None)
        side_classes = [view for view in candidates if view.slot != "data"]
        data_view = None if data_class is None else self._view(data_class)
        side_views = [self._view(view) for view in side_classes]
        changed = [view for view in [data_view, *side_views] if view is not None
                   and (new_data or view.data is not context)]
        self._set_data(changed)
        data_view_changed = data_view is not self._data_view
        if data_view_changed:
            self._data_view = data_view
            if data_view is not None:
                self.widget.setCurrentWidget(data_view.widget)
                self.view_changed.emit(data_view.widget)
        side_views_changed = side_views != self._side_views
        if side_views_changed:
            self._side_views = side_views
            self.side_views_changed.emit(list(side_views))
        if data_view_changed or side_views_changed:
            self._tell_focus()
        if notify and not new_data and (changed or data_view_changed or side_views_changed):
            self.specs_changed.emit()

    def _is_available(self, view: type[View]) -> bool:
        if view.view_id not in self._available:
            self._available[view.view_id] = bool(view.available())
        return self._available[view.view_id]

    def _view(self, view_class: type[View]) -> View:
        view = self._views.get(view_class.view_id)
        if view is None:
            view = view_class()
            for name, on in self._options.items():
                view.set_option(name, on)
            view.on_spec_changed(self._on_view_spec_changed)
            view.on_focus_requested(self.set_focus)
            if hasattr(self._model, "get_params"):
                view.params_changed(self._model.get_params())
            self._views[view_class.view_id] = view
            if view.slot == "data":
                self.widget.addWidget(view.widget)
            else:
                # Owned by Qt until the window places it (a widget with no
                # parent that is never shown may be collected by Python's
                # cyclic collector, which crashes Qt).
                view.widget.setParent(self.widget)
                view.widget.hide()
        return view

    def _set_data(self, views) -> None:
        self._setting_data = True
        try:
            for view in views:
                view.set_data(self._context)
        finally:
            self._setting_data = False

    def _on_view_spec_changed(self) -> None:
        if not self._setting_data:  # set_dataset asks for the specs itself
            self.specs_changed.emit()

    # --- frames ------------------------------------------------------------
    def specs(self, side: bool = True) -> dict[str, FrameSpec]:
        """What the worker's render process computes per frame: the active
        views' specs, by view id (views with nothing to compute left out);
        ``side=False``: the data view's only."""
        specs = {}
        for view in self.active_views() if side else [self._data_view] if self._data_view else []:
            spec = view.spec()
            if spec is not None:
                specs[view.view_id] = spec
        return specs

    def grid_points(self) -> np.ndarray | None:
        """The raw-space points the data view evaluates the model on (its
        spec's points), or None (e.g. the time series: the rows only)."""
        view = self._data_view
        spec = None if view is None else view.spec()
        return None if spec is None else spec.points()

    def params_changed(self, params: dict) -> None:
        """Live hyperparameters changed while training."""
        for view in self.active_views():
            view.params_changed(params)

    def new_run(self) -> None:
        """Training starts again from new initial weights."""
        for view in self.active_views():
            view.new_run()

    def history_changed(self, history: dict, since: int) -> None:
        for view in self.active_views():
            view.history_changed(history, since)

    def clear_frames(self) -> None:
        """Take the model's drawing off every view (no model trains now)."""
        for view in self.active_views():
            view.clear_frame()

    def show_frames(self, frames: dict, epoch: int | None = None, generation: int | None = None) -> None:
        """Hand each frame (view id -> ``spec.compute`` result) of the model
        at ``epoch`` (of model ``generation``, ``View.generation``) to its
        view; frames of views no longer shown are dropped."""
        for view in self.active_views():
            result = frames.get(view.view_id)
            if result is not None:
                view.epoch, view.generation = epoch, generation
                view.show_frame(result)
