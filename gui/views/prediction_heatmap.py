"""The prediction heatmap: regression on two (or more) features, the model's
predictions over the plane of the shown features under the data points,
both coloured with the same map. Asked for one unit of the model (a node
clicked in the network diagram), it shows that unit's picture instead, made
in the render process (``anatomy.UnitSurfaceSpec``), from a pixmap item
over the heatmap."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .anatomy import UnitSurfaceSpec
from .frame import DataContext, PlaneSpec, PointsView, first_column, model_output


@dataclass(frozen=True)
class PredictionPlaneSpec(PlaneSpec):
    """The model's (first) output at every grid point, ``(ny * nx,)``,
    row-major over the grid."""

    def compute(self, model, inputs) -> np.ndarray:
        return first_column(model_output(model, inputs.points))


class PredictionHeatmap(PointsView):
    """Regression on two or more features: a heatmap of the predictions."""

    view_id = "prediction_heatmap"
    title = "Prediction surface"
    slot = "data"
    shows_units = True
    _focus = None  # the unit shown in place of the predictions
    _unit_item = None  # its picture, over the heatmap (made with the heatmap's widget)

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.task == "regression" and dataset.time is None and dataset.n_features >= 2

    def create_widget(self):
        from .classification import SurfaceImageItem
        from .regression import RegressionHeatmapView

        widget = RegressionHeatmapView()
        widget.frame_changed.connect(self._spec_changed)
        self._unit_item = SurfaceImageItem()
        self._unit_item.setZValue(-9)
        self._unit_item.hide()
        widget.plot_item.addItem(self._unit_item)
        return widget

    def set_data(self, data: DataContext) -> None:
        super().set_data(data)
        rows = data.shown_rows(self.hide_validation)
        self.widget.set_data(data.xy()[rows], first_column(data.dataset.y)[rows], data.val_mask[rows])
        self.widget.set_axis_labels(*data.axis_names())
        self.widget.set_caption(data.slice_note())

    def spec(self) -> PredictionPlaneSpec | UnitSurfaceSpec | None:
        if self.data is None or self.data.dataset.n_samples == 0:
            return None
        if self._focus is not None:
            return UnitSurfaceSpec(self.widget.grid_spec(), self.data.base, self.data.shown, self._focus)
        return PredictionPlaneSpec(self.widget.grid_spec(), self.data.base, self.data.shown)

    def show_frame(self, result) -> None:
        # Frames made for another spec are never shown (the window skips
        # them), so the focus says which kind this one is.
        if self._focus is not None:
            self._unit_item.set_image(result.bgra, result.grid.pixel_rect())
            self._unit_item.show()
        else:
            self.widget.set_surface(result)

    def clear_frame(self) -> None:
        self.widget.set_surface(None)
        if self._unit_item is not None:
            self._unit_item.hide()

    def set_focus(self, unit, possible: bool) -> None:
        if unit == self._focus:
            return
        self._focus = unit
        # The target's colour bar says nothing of a unit: it goes while one shows.
        self.widget.colorbar.setVisible(unit is None)
        self.widget.image_item.setVisible(unit is None and self.widget.image_item.image is not None)
        if unit is None:
            self._unit_item.hide()
        self._spec_changed()
