"""The prediction heatmap: regression on two (or more) features, the model's
predictions over the plane of the shown features under the data points,
both coloured with the same map."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frame import DataContext, PlaneSpec, View, first_column, model_output


@dataclass(frozen=True)
class PredictionPlaneSpec(PlaneSpec):
    """The model's (first) output at every grid point, ``(ny * nx,)``,
    row-major over the grid."""

    def compute(self, model, inputs) -> np.ndarray:
        return first_column(model_output(model, inputs.points))


class PredictionHeatmap(View):
    """Regression on two or more features: a heatmap of the predictions."""

    view_id = "prediction_heatmap"
    title = "Prediction surface"
    slot = "data"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.task == "regression" and dataset.time is None and dataset.n_features >= 2

    def create_widget(self):
        from .regression import RegressionHeatmapView

        widget = RegressionHeatmapView()
        widget.frame_changed.connect(self._spec_changed)
        return widget

    def set_data(self, data: DataContext) -> None:
        super().set_data(data)
        self.widget.set_data(data.xy(), first_column(data.dataset.y), data.val_mask)
        self.widget.set_axis_labels(*data.axis_names())
        self.widget.set_caption(data.slice_note())

    def spec(self) -> PredictionPlaneSpec | None:
        if self.data is None or self.data.dataset.n_samples == 0:
            return None
        return PredictionPlaneSpec(self.widget.grid_spec(), self.data.base, self.data.shown)

    def show_frame(self, result: np.ndarray) -> None:
        self.widget.set_surface(result)

    def clear_frame(self) -> None:
        self.widget.set_surface(None)
