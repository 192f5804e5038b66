"""The fitted curve: one-feature regression, the data points and the model's
predictions along the x axis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frame import DataContext, FrameSpec, PointsView, first_column, model_output


@dataclass(frozen=True)
class CurveSpec(FrameSpec):
    """Predictions at ``n`` evenly spaced x in ``x_range`` (the widget's
    ``curve_x()``)."""

    x_range: tuple[float, float]
    n: int

    def points(self) -> np.ndarray:
        return np.linspace(*self.x_range, self.n).reshape(-1, 1)  # (n, 1)

    def compute(self, model, inputs) -> np.ndarray:
        return first_column(model_output(model, inputs.points))  # (n,)


class FittedCurve(PointsView):
    """Regression on one feature: points and the fitted curve."""

    view_id = "fitted_curve"
    title = "Fitted curve"
    slot = "data"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.task == "regression" and dataset.time is None and dataset.n_features == 1

    def create_widget(self):
        from .regression import Regression1DView

        widget = Regression1DView()
        widget.frame_changed.connect(self._spec_changed)
        return widget

    def set_data(self, data: DataContext) -> None:
        super().set_data(data)
        dataset = data.dataset
        rows = data.shown_rows(self.hide_validation)
        self.widget.set_data(dataset.X[rows, 0], first_column(dataset.y)[rows], data.val_mask[rows])

    def spec(self) -> CurveSpec | None:
        if self.data is None or self.data.dataset.n_samples == 0:
            return None
        xs = self.widget.curve_x()
        return CurveSpec((float(xs[0]), float(xs[-1])), len(xs))

    def show_frame(self, result: np.ndarray) -> None:
        self.widget.set_curve(result)

    def clear_frame(self) -> None:
        self.widget.set_curve(None)
