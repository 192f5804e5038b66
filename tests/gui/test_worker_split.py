"""The window keeps its validation split: ``model.fit`` no longer holds rows
out unless early stopping needs them (scikit-learn's rule), so the worker
asks its Trainer for the model's ``validation_fraction`` explicitly."""

from __future__ import annotations

import numpy as np

import datasets
from algorithms import NeuralNetwork

from .conftest import TIMEOUT_MS


def test_the_worker_holds_out_the_models_validation_fraction(qtbot, controller):
    ctl, collector = controller()
    ds = datasets.make("moons", n_samples=200, noise=0.1, random_state=0)
    model = NeuralNetwork(hidden_layers=(4,), validation_fraction=0.25, random_state=0)
    ctl.configure(model=model, transform=None, X=ds.X, y=ds.y, specs={})
    ctl.play()
    qtbot.waitUntil(lambda: any(r.epochs.size for r in collector.reports), timeout=TIMEOUT_MS)
    ctl.pause()
    first = next(r for r in collector.reports if r.val_mask is not None)
    assert first.val_mask.sum() == 50  # a quarter of the rows, as the form says
    report = next(r for r in collector.reports if r.epochs.size)
    assert np.isfinite(report.val_loss).all()  # validation curves to draw
