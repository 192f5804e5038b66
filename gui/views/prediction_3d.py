"""The prediction surface in 3D: regression on two (or more) features as a
rotatable surface over the plane of the shown features (needs OpenGL; the
toolbar's "3D view" chooses it over the heatmap)."""

from __future__ import annotations

import numpy as np

from .frame import DataContext, PointsView, first_column
from .prediction_heatmap import PredictionHeatmap, PredictionPlaneSpec


class Prediction3D(PointsView):
    """Regression on two or more features: a 3D surface of the predictions."""

    view_id = "prediction_3d"
    title = "Prediction surface (3D)"
    slot = "data"
    option = "3d"
    applies_to = PredictionHeatmap.applies_to

    @classmethod
    def available(cls) -> bool:
        from .surface3d import opengl_available

        return bool(opengl_available())

    def create_widget(self):
        from .surface3d import Surface3DView

        widget = Surface3DView()
        widget.frame_changed.connect(self._spec_changed)
        return widget

    def set_data(self, data: DataContext) -> None:
        super().set_data(data)
        rows = data.shown_rows(self.hide_validation)
        self.widget.set_data(data.xy()[rows], first_column(data.dataset.y)[rows], data.val_mask[rows])
        self.widget.set_axis_labels(*data.axis_names(), "y")

    def spec(self) -> PredictionPlaneSpec | None:
        if self.data is None or self.data.dataset.n_samples == 0:
            return None
        return PredictionPlaneSpec(self.widget.grid_spec(), self.data.base, self.data.shown)

    def show_frame(self, result: np.ndarray) -> None:
        self.widget.set_surface(result)

    def clear_frame(self) -> None:
        self.widget.set_surface(None)
