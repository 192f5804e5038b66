"""Predicted against actual: for regression on more than two features, where
the heatmap shows only a slice, the model's prediction for every row against
its target."""

from __future__ import annotations

import numpy as np

from .frame import View, first_column
from .one_step_ahead import OneStepSpec


class PredictedActual(View):
    """Regression with more than two features: predicted vs actual."""

    view_id = "predicted_actual"
    title = "Predicted vs actual"
    slot = "side"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.task == "regression" and dataset.time is None and dataset.n_features > 2

    def create_widget(self):
        from .regression import PredictedActualView

        return PredictedActualView()

    def spec(self) -> OneStepSpec | None:
        return None if self.data is None or self.data.dataset.n_samples == 0 else OneStepSpec()

    def show_frame(self, result: np.ndarray) -> None:
        y = self.data.dataset.y
        if len(result) == len(y):
            self.widget.set_data(first_column(y), result)
