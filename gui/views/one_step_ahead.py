"""The time series: the signal over time, the model's one-step-ahead
prediction of every sample, and its forecast past the end (the model fed
its own predictions for a chosen number of steps)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from datasets.timeseries import forecast_start, roll_forward

from .frame import DataContext, FrameSpec, View, first_column


@dataclass(frozen=True)
class OneStepSpec(FrameSpec):
    """The model's prediction for every dataset row, ``(n,)``."""

    rows: bool = True

    def compute(self, model, inputs) -> np.ndarray:
        return first_column(inputs.rows_output(model))


@dataclass(frozen=True, eq=False)
class SeriesFrame:
    """``prediction`` ``(n,)`` one step ahead for every row; the forecast's
    ``times`` and ``values``, both ``(horizon,)``."""

    prediction: np.ndarray
    times: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class SeriesSpec(OneStepSpec):
    """One step ahead on every row, and ``horizon`` steps past the end
    starting from ``window`` (the ``w`` last values, oldest first) after
    ``last_time``, ``step`` apart (``datasets.timeseries.forecast_start``)."""

    window: tuple[float, ...] = ()
    last_time: float = 0.0
    step: float = 1.0
    horizon: int = 0

    def compute(self, model, inputs) -> SeriesFrame:
        prediction = super().compute(model, inputs)
        values = roll_forward(model.predict, np.array(self.window), self.horizon) if self.horizon else np.empty(0)
        times = self.last_time + self.step * np.arange(1, self.horizon + 1)
        return SeriesFrame(prediction, times, values)


class OneStepAhead(View):
    """Time-series data: the signal, the one-step-ahead prediction and a
    forecast past the end."""

    view_id = "one_step_ahead"
    title = "One step ahead and forecast"
    slot = "data"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.time is not None

    def create_widget(self):
        from .regression import TimeSeriesView

        widget = TimeSeriesView()
        widget.horizon_box.valueChanged.connect(self._spec_changed)
        self._start = None
        return widget

    def set_data(self, data: DataContext) -> None:
        super().set_data(data)
        dataset = data.dataset
        self.widget.set_data(np.asarray(dataset.time), first_column(dataset.y), data.val_mask)
        self._start = forecast_start(dataset) if dataset.n_samples and dataset.y.ndim == 1 else None

    def spec(self) -> SeriesSpec | None:
        if self.data is None or self.data.dataset.n_samples == 0:
            return None
        horizon = self.widget.horizon_box.value() if self._start is not None else 0
        window, last_time, step = self._start if self._start is not None else ((), 0.0, 1.0)
        return SeriesSpec(window=tuple(float(v) for v in window), last_time=last_time, step=step, horizon=horizon)

    def show_frame(self, result: SeriesFrame) -> None:
        if len(result.prediction) == self.data.dataset.n_samples:
            self.widget.set_prediction(result.prediction)
            self.widget.set_forecast(result.times, result.values)

    def clear_frame(self) -> None:
        self.widget.set_prediction(None)
