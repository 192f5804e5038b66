"""The confusion matrix: for classification on more than two features, where
the decision surface shows only a slice, the model's predictions on every
row against the true classes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frame import DataContext, FrameSpec, View


@dataclass(frozen=True)
class ConfusionSpec(FrameSpec):
    """``cm[i, j]``: rows of true class code ``i`` predicted as code ``j``,
    ``(n_classes, n_classes)`` int64."""

    n_classes: int
    rows: bool = True

    def compute(self, model, inputs) -> np.ndarray:
        k = self.n_classes
        predicted = model.classes_[np.argmax(inputs.rows_output(model), axis=1)]  # (n,) codes
        counts = np.bincount(np.asarray(inputs.y) * k + predicted, minlength=k * k)
        return counts.reshape(k, k)


class ConfusionMatrix(View):
    """Classification with more than two features: the confusion matrix."""

    view_id = "confusion_matrix"
    title = "Confusion matrix (rows: true class)"
    slot = "side"

    @classmethod
    def applies_to(cls, dataset, model) -> bool:
        return dataset.task == "classification" and dataset.time is None and dataset.n_features > 2

    def create_widget(self):
        from .confusion import ConfusionView

        return ConfusionView()

    def set_data(self, data: DataContext) -> None:
        super().set_data(data)
        k = data.dataset.n_classes
        self.widget.set_matrix(np.zeros((k, k), dtype=np.int64), list(data.dataset.class_names))

    def spec(self) -> ConfusionSpec | None:
        if self.data is None or self.data.dataset.n_samples == 0:
            return None
        return ConfusionSpec(self.data.dataset.n_classes)

    def show_frame(self, result: np.ndarray) -> None:
        if result.shape[0] == self.data.dataset.n_classes:
            self.widget.set_matrix(result, list(self.data.dataset.class_names))
