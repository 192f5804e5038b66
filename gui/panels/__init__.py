"""The main window's control panels: the dataset panel, the model panel (a
form built from the models' hyperparameter declarations) and the training
toolbar."""

from gui.panels.dataset_panel import DatasetPanel
from gui.panels.model_panel import ModelPanel
from gui.panels.toolbar import SPEEDS, TrainingToolbar

__all__ = ["DatasetPanel", "ModelPanel", "TrainingToolbar", "SPEEDS"]
