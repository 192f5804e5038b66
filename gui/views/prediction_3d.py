"""The prediction surface in 3D: regression on two (or more) features as a
rotatable surface over the plane of the shown features (needs OpenGL; the
"3D view" option chooses it over the heatmap). The heatmap's view with
another widget: the same spec, the same frames."""

from __future__ import annotations

from .frame import DataContext, first_column
from .prediction_heatmap import PredictionHeatmap


class Prediction3D(PredictionHeatmap):
    """Regression on two or more features: a 3D surface of the predictions."""

    view_id = "prediction_3d"
    title = "Prediction surface (3D)"
    option = "3d"
    shows_units = False  # a unit's picture is the heatmap's (a clicked node drops the 3D view's focus)

    @classmethod
    def available(cls) -> bool:
        from gui import views

        return bool(views.opengl_available())

    def create_widget(self):
        from .surface3d import Surface3DView

        widget = Surface3DView()
        widget.frame_changed.connect(self._spec_changed)
        return widget

    def set_data(self, data: DataContext) -> None:
        self.data = data
        rows = data.shown_rows(self.hide_validation)
        self.widget.set_data(data.xy()[rows], first_column(data.dataset.y)[rows], data.val_mask[rows])
        self.widget.set_axis_labels(*data.axis_names(), "y")
