"""Trainer(keep_history=False): the same epochs, no per-epoch history kept
(the GUI's runs have no end; the library's fit keeps its history)."""

from __future__ import annotations

import math

import numpy as np

from algorithms import LinearRegression, NeuralNetwork, Trainer

from .helpers import two_moons


def run(model, X, y, **options):
    trainer = Trainer(model, X, y, **options)
    records = []
    while not trainer.done:
        records.append(trainer.step())
    return trainer, records


def test_without_history_the_epochs_are_the_same_and_nothing_is_kept():
    X, y = two_moons(120, 0.1, np.random.default_rng(0))
    kept, kept_records = run(NeuralNetwork(hidden_layers=(6,), max_epochs=40, random_state=3), X, y)
    model = NeuralNetwork(hidden_layers=(6,), max_epochs=40, random_state=3)
    bounded, records = run(model, X, y, keep_history=False)
    assert records == kept_records  # every record, loss and score alike
    assert bounded.epoch == 40 and records[-1].stop_reason == "max_epochs"
    assert all(values == [] for values in model.history_.values())
    assert len(kept.history["loss"]) == 40
    np.testing.assert_array_equal(model._network.theta, kept.model._network.theta)


def test_without_history_divergence_still_steps_back_an_epoch():
    rng = np.random.default_rng(4)
    X = rng.normal(scale=30.0, size=(50, 2))
    y = X @ [3.0, -1.0]
    model = LinearRegression(learning_rate=0.5, normalize=False, max_epochs=500, random_state=0)
    kept, kept_records = run(LinearRegression(learning_rate=0.5, normalize=False, max_epochs=500, random_state=0),
                             X, y)
    bounded, records = run(model, X, y, keep_history=False)
    assert [r.epoch for r in records] == [r.epoch for r in kept_records]
    assert records[-1].stop_reason == "diverged" and bounded.epoch == kept.epoch
    assert all(values == [] for values in model.history_.values())
    assert not math.isfinite(records[-1].loss) or not math.isfinite(records[-1].val_loss)
