"""float32 training makes the same decisions as float64 on the app's default
runs: the same stop (epoch and reason, with and without early stopping), the
same predictions and scores, the same divergence verdict and health findings
when the learning rate is too high. The window trains in float32 by default
(``--dtype``), so this is what a person sees either way.

(The health checks' silence on the default runs in both precisions is
``test_diagnostics.test_no_finding_at_any_epoch_of_the_default_runs``.)"""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from algorithms import LinearRegression, Trainer
from algorithms.diagnostics import check_history

from .test_diagnostics import DEFAULT_RUNS


def build(argv):
    from gui.options import add_run_arguments, build_run  # pure: no Qt

    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    dataset, model, transform = build_run(parser.parse_args(argv))
    assert transform is None
    return dataset, model


def train(argv, dtype):
    """Train the run ``argv`` as the window does (its validation split) on
    rows of ``dtype`` to its end; returns (dataset, model, records, epoch
    the first health finding fired or None)."""
    dataset, model = build(argv)
    trainer = Trainer(model, dataset.X.astype(dtype), dataset.y, validation_fraction=model.validation_fraction)
    records, first_finding = [], None
    while not trainer.done:
        records.append(trainer.step())
        if first_finding is None and check_history(model.history_, learning_rate=model.learning_rate):
            first_finding = trainer.epoch
    return dataset, model, records, first_finding


@pytest.mark.parametrize("early_stopping", [False, True], ids=["to max_epochs", "early stopping"])
@pytest.mark.parametrize("argv", DEFAULT_RUNS.values(), ids=DEFAULT_RUNS.keys())
def test_float32_stops_where_float64_stops_with_the_same_model(argv, early_stopping):
    argv = [*argv, "--param", f"early_stopping={early_stopping}"]
    dataset, m64, r64, found64 = train(argv, np.float64)
    _, m32, r32, found32 = train(argv, np.float32)
    assert m32._network.theta.dtype == np.float32 and m64._network.theta.dtype == np.float64
    # the same decision, at the same epoch (early stopping compares losses
    # with tol=1e-4: float32's 7 digits do not move it)
    assert (r32[-1].stop_reason, r32[-1].epoch) == (r64[-1].stop_reason, r64[-1].epoch)
    if not early_stopping:
        assert r64[-1].stop_reason == "max_epochs"
    assert found32 is None and found64 is None  # healthy in both
    loss64 = np.array([record.loss for record in r64])
    loss32 = np.array([record.loss for record in r32])
    np.testing.assert_allclose(loss32[:50], loss64[:50], rtol=1e-4)  # the same curve, as far as the eye goes
    np.testing.assert_allclose(loss32[-1], loss64[-1], rtol=1e-3, atol=1e-6)
    X = dataset.X
    if dataset.task == "classification":
        assert np.array_equal(m32.predict(X), m64.predict(X))
    else:
        np.testing.assert_allclose(m32.predict(X), m64.predict(X), atol=1e-3 * np.ptp(dataset.y))
    assert m32.score(X, dataset.y) == pytest.approx(m64.score(X, dataset.y), abs=1e-3)


#: default runs with the learning rate far too high: each blows up
DIVERGING_RUNS = {
    "linear on the line, lr 5": ["--model", "linear", "--dataset", "line", "--lr", "5"],
    "linear on the plane, lr 3": ["--model", "linear", "--dataset", "plane", "--lr", "3"],
    "network regression on the sine, SGD lr 5": ["--dataset", "sine", "--optimizer", "sgd", "--lr", "5"],
}


@pytest.mark.parametrize("argv", DIVERGING_RUNS.values(), ids=DIVERGING_RUNS.keys())
def test_float32_detects_a_blow_up_as_float64_does(argv):
    _, m64, r64, found64 = train(argv, np.float64)
    _, m32, r32, found32 = train(argv, np.float32)
    # The health banner says "exploding" at the same epoch (a hundredfold
    # growth of the loss, long before any number overflows) ...
    assert found32 == found64 and found64 <= 3
    # ... and training stops as diverged in both, with the parameters of the
    # last finite epoch kept. float32 overflows sooner (its largest value is
    # 3.4e38, against 1.8e308), so it stops earlier, never later.
    for model, records in ((m64, r64), (m32, r32)):
        last = records[-1]
        assert last.stop_reason == "diverged"
        assert last.message.startswith(f"Training diverged at epoch {last.epoch + 1} (")
        assert f"the learning rate {model.learning_rate:g} is probably too high" in last.message
        assert np.isfinite(model._network.theta).all()
    assert r32[-1].epoch < r64[-1].epoch


def test_float32_parameters_whose_squares_overflow_are_not_a_divergence():
    """Divergence is judged by ``theta @ theta`` (one pass); in float32 that
    overflows once a parameter passes ~1.9e19, long before the parameter
    itself does, and stopped training with "a parameter is inf" while none was."""
    X = np.zeros((20, 1), np.float32)  # the weight's input is 0: the loss stays finite, the weight stays put
    y = np.linspace(0.0, 1.0, 20)
    model = LinearRegression(normalize=False, learning_rate=0.1, max_epochs=5, validation_fraction=0.0,
                             random_state=0)
    trainer = Trainer(model, X, y)
    model._network.theta[0] = 1e20  # finite in float32 (max 3.4e38); its square is not
    records = [trainer.step() for _ in range(5)]
    assert [record.stop_reason for record in records] == [None] * 4 + ["max_epochs"]
    assert model._network.theta[0] == np.float32(1e20)
    assert records[-1].loss < records[0].loss  # the bias learned meanwhile
