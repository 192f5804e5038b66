"""The time series: the signal over time and the model's one-step-ahead
prediction of every sample."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frame import DataContext, FrameSpec, View, first_column


@dataclass(frozen=True)
class OneStepSpec(FrameSpec):
    """The model's prediction for every dataset row, ``(n,)``."""

    rows: bool = True

    def compute(self, model, inputs) -> np.ndarray:
        return first_column(inputs.rows_output(model))


class OneStepAhead(View):
    """Time-series data: the signal and the one-step-ahead prediction."""

    view_id = "one_step_ahead"
    title = "One-step-ahead prediction"
    slot = "data"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.time is not None

    def create_widget(self):
        from .regression import TimeSeriesView

        return TimeSeriesView()

    def set_data(self, data: DataContext) -> None:
        super().set_data(data)
        dataset = data.dataset
        self.widget.set_data(np.asarray(dataset.time), first_column(dataset.y), data.val_mask)

    def spec(self) -> OneStepSpec | None:
        return None if self.data is None or self.data.dataset.n_samples == 0 else OneStepSpec()

    def show_frame(self, result: np.ndarray) -> None:
        if len(result) == self.data.dataset.n_samples:
            self.widget.set_prediction(result)

    def clear_frame(self) -> None:
        self.widget.set_prediction(None)
