"""Dataset titles people read, in the view title and the data panel."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

import datasets
from algorithms import NeuralNetwork
from gui.panels.dataset_panel import dataset_title


@pytest.mark.parametrize("name, options, title", [
    ("moons", {}, "Two moons"),
    ("spiral", {"n_classes": 3}, "Spiral, 3 arms"),
    ("blobs", {"n_classes": 4}, "Gaussian blobs, 4 classes"),
    ("circles", {}, "Circles"),
    ("sine", {}, "Sine (1 feature)"),
])
def test_dataset_title_of_generated_data(name, options, title):
    assert dataset_title(datasets.make(name, n_samples=40, random_state=0, **options)) == title


def test_dataset_title_of_a_bundled_table_and_of_own_data():
    name = next(iter(datasets.BUILTINS))
    assert dataset_title(datasets.load_builtin(name)) == datasets.BUILTINS[name].split(" (")[0]
    own = datasets.Dataset(X=[[0.0, 1.0], [1.0, 0.0]], y=[0, 1], task="classification", feature_names=("a", "b"),
                           class_names=("p", "q"), name="my points")
    assert dataset_title(own) == "my points"


def test_the_window_shows_the_title(make_window):
    data = datasets.make("spiral", n_samples=90, random_state=0, n_classes=3)
    window = make_window(data, NeuralNetwork(random_state=0))
    assert window.view_title.text() == "Decision surface — Spiral, 3 arms"
    assert "spiral" not in window.view_title.text()
    assert window.dataset_panel.summary.text().startswith("Spiral, 3 arms · 90 samples")
