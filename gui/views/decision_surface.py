"""The decision surface: the data points over the classifier's picture of
the plane (the winning class's colour, pale where it is unsure, and the 0.5
boundary for two classes), with the misclassified points ringed on request.

The picture is coloured and the boundary traced in the render process
(:class:`DecisionSurfaceSpec`); the widget only hands the finished image to
its pixmap item. Asked for one unit of the model (a node clicked in the
network diagram: ``anatomy.Unit``), it shows that unit's picture instead."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .anatomy import Unit, unit_surface
from .frame import DataContext, PlaneSpec, View, model_output
from .surface import SurfacePainter, SurfacePicture


@dataclass(frozen=True, eq=False)
class SurfaceFrame:
    """One frame: ``picture``, and ``mistakes`` ((n,) bool, True where a row's
    predicted class is wrong) when the spec asked for the rows, else None."""

    picture: SurfacePicture
    mistakes: np.ndarray | None


@dataclass(frozen=True)
class DecisionSurfaceSpec(PlaneSpec):
    """Class probabilities on the grid, coloured (``SurfacePainter``; with
    ``discrete``, the predicted class in flat colour); with ``rows``, also
    which dataset rows the model gets wrong. With ``focus``, that unit's
    picture in place of the probabilities."""

    rows: bool = False
    discrete: bool = False
    focus: Unit | None = None

    def compute(self, model, inputs) -> SurfaceFrame:
        if self.focus is not None:
            picture = unit_surface(self.grid, model, inputs.points, self.focus)
        else:
            proba = model_output(model, inputs.points)  # (ny * nx, c)
            picture = SurfacePainter(self.grid)(proba, model.classes_, discrete=self.discrete)
        mistakes = None
        if self.rows:
            predicted = model.classes_[np.argmax(inputs.rows_output(model), axis=1)]  # (n,)
            mistakes = predicted != inputs.y
        return SurfaceFrame(picture, mistakes)


class DecisionSurface(View):
    """Classification: the points over the decision surface."""

    view_id = "decision_surface"
    title = "Decision surface"
    slot = "data"
    shows_units = True

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.task == "classification" and dataset.time is None

    def create_widget(self):
        from .classification import ClassificationView

        widget = ClassificationView()
        widget.frame_changed.connect(self._spec_changed)  # a pan or zoom while the frame is locked
        self._mistakes = False
        self._discrete = False
        self._focus = None  # the unit shown in place of the model's output
        return widget

    def set_data(self, data: DataContext) -> None:
        super().set_data(data)
        dataset = data.dataset
        self.widget.set_data(data.xy(), dataset.y, list(dataset.class_names), data.val_mask)
        self.widget.set_axis_labels(*data.axis_names())
        self.widget.set_caption(data.slice_note())

    def spec(self) -> DecisionSurfaceSpec | None:
        if self.data is None or self.data.dataset.n_samples == 0:
            return None
        return DecisionSurfaceSpec(self.widget.grid_spec(), self.data.base, self.data.shown, rows=self._mistakes,
                                   discrete=self._discrete, focus=self._focus)

    def show_frame(self, result: SurfaceFrame) -> None:
        self.widget.show_picture(result.picture)
        if self._mistakes and result.mistakes is not None and len(result.mistakes) == self.data.dataset.n_samples:
            self.widget.set_misclassified(result.mistakes)

    def clear_frame(self) -> None:
        self.widget.set_surface(None, None)
        self.widget.set_misclassified(None)

    def set_focus(self, unit, possible: bool) -> None:
        if unit != self._focus:
            self._focus = unit
            self._spec_changed()

    def set_option(self, name: str, on: bool) -> None:
        """``"mistakes"``: ring the misclassified points; ``"discrete"``: the
        predicted class in flat colour; ``"hide_validation"``: no validation points."""
        if name == "hide_validation":
            self.widget.set_validation_visible(not on)
        elif name == "discrete" and bool(on) != self._discrete:
            self._discrete = bool(on)
            self._spec_changed()
        elif name == "mistakes" and bool(on) != self._mistakes:
            self._mistakes = bool(on)
            if not on:
                self.widget.set_misclassified(None)
            self._spec_changed()
