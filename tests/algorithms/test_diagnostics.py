"""Training-health checks: crafted histories and networks for each finding,
the issue's blow-up (learning rate 10, ReLU, spiral) caught before any NaN,
and silence on the app's default runs, in float64 and float32."""

from __future__ import annotations

import argparse
import math

import numpy as np
import pytest

import datasets
from algorithms import LinearRegression, NeuralNetwork, Trainer
from algorithms.diagnostics import (
    DEFAULT_THRESHOLDS,
    Finding,
    Thresholds,
    check_history,
    check_model,
    check_units,
    check_weights,
)

DTYPES = [np.float64, np.float32]


def history(loss, val_loss=None, accuracy=None, dtype=np.float64, score_key="accuracy"):
    """A history dict of arrays of ``dtype`` (val_loss NaN when not given)."""
    loss = np.asarray(loss, dtype=dtype)
    val = np.full(len(loss), np.nan) if val_loss is None else val_loss
    result = {"loss": loss, "val_loss": np.asarray(val, dtype=dtype)}
    if accuracy is not None:
        result[score_key] = np.broadcast_to(np.asarray(accuracy, dtype=dtype), loss.shape)
    return result


def kinds(findings):
    return [finding.kind for finding in findings]


# -- exploding ---------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_exploding_fires_once_the_loss_grew_a_hundredfold_with_the_numbers(dtype):
    curve = [0.7, 0.69, 0.8, 7.0, 70.0]
    assert check_history(history(curve[:4], dtype=dtype), learning_rate=0.5) == []  # 10x: not yet
    findings = check_history(history(curve, dtype=dtype), learning_rate=0.5)
    assert kinds(findings) == ["exploding"]
    finding = findings[0]
    assert finding.severity == "error"
    assert finding.evidence["from_epoch"] == 2 and finding.evidence["to_epoch"] == 5
    assert finding.evidence["from_loss"] == pytest.approx(0.69, rel=1e-6)
    assert finding.evidence["to_loss"] == pytest.approx(70.0, rel=1e-6)
    assert finding.message.startswith("The learning rate 0.5 is too high: the loss grew from 0.69 to 70 in 3 epochs")
    assert "try 0.05" in finding.message


def test_exploding_without_a_learning_rate_still_says_what_to_change():
    (finding,) = check_history(history([1.0, 2e3]))
    assert finding.message.startswith("The learning rate is too high: the loss grew from 1 to 2e+03 in 1 epoch ")


def test_exploding_reports_the_peak_and_the_loss_now_after_it_fell_back_somewhat():
    (finding,) = check_history(history([0.7, 0.5, 5e8, 3e6]), learning_rate=1.0)
    assert finding.evidence["to_loss"] == 5e8 and finding.evidence["loss_now"] == 3e6
    assert "from 0.5 to 5e+08 in 1 epoch (epochs 2 to 3); it is 3e+06 now." in finding.message


def test_a_tiny_loss_that_grows_but_stays_below_the_start_is_not_exploding():
    # 1e-5 -> 2e-3 is 200x, but still far better than the start: noise of a near-perfect fit.
    assert check_history(history([0.7, 0.1, 1e-3, 1e-5, 2e-3])) == []


def test_a_loss_that_recovered_is_no_longer_exploding():
    assert kinds(check_history(history([0.7, 300.0]))) == ["exploding"]
    assert check_history(history([0.7, 300.0, 0.5])) == []


def test_infinite_latest_loss_counts_as_exploding_without_warnings():
    (finding,) = check_history(history([0.7, 0.6, np.inf]), learning_rate=2.0)
    assert finding.kind == "exploding" and finding.evidence["to_loss"] == math.inf


def test_since_ignores_the_jump_of_freshly_drawn_points():
    # A near-perfect fit, then points drawn on the wrong side: the loss jumps.
    curve = [0.7, 0.2, 0.01, 0.005, 1.5, 1.2]
    assert kinds(check_history(history(curve))) == ["exploding"]
    assert check_history(history(curve), since=4) == []
    # ... and epochs in messages still count from the first.
    (finding,) = check_history(history(curve + [400.0]), since=4, learning_rate=0.1)
    assert finding.evidence["from_epoch"] == 6 and finding.evidence["to_epoch"] == 7


# -- the case: learning rate 10, ReLU, the spiral ----------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_learning_rate_10_with_relu_on_the_spiral_is_caught_early_and_never_nan(dtype):
    spiral = datasets.make("spiral", random_state=0)  # the app's default data
    model = NeuralNetwork(activation="relu", learning_rate=10.0, optimizer="sgd", random_state=0)
    # the window's validation split (fit alone would train on every row)
    trainer = Trainer(model, spiral.X.astype(dtype), spiral.y, validation_fraction=model.validation_fraction)
    first_fired = None
    while not trainer.done:
        trainer.step()
        findings = check_history(model.history_, learning_rate=model.learning_rate)
        if findings and first_fired is None:
            first_fired = trainer.epoch
            (finding,) = findings
            assert finding.kind == "exploding" and finding.severity == "error"
            assert finding.message.startswith("The learning rate 10 is too high: the loss grew from 0.733 to ")
            assert finding.evidence["to_loss"] > 100 * finding.evidence["from_loss"]
    # What the app showed: every loss finite, huge at the end, "max_epochs reached".
    loss = np.array(model.history_["loss"])
    assert trainer.stop_reason == "max_epochs" and np.isfinite(loss).all() and loss[-1] > 1e16
    assert first_fired == 5  # 0.733 -> 4.2e3 in 4 epochs: two orders of magnitude
    findings = check_model(model, spiral.X.astype(dtype))
    assert kinds(findings) == ["exploding", "dead_units"]
    exploding, dead = findings
    assert exploding.evidence["to_loss"] > 1e17 and exploding.evidence["to_epoch"] == 11
    # every ReLU unit of both layers outputs 0 on every row: the output is constant
    assert dead.severity == "error"
    assert dead.evidence["layers"] == [{"layer": 1, "units": 16, "width": 16}, {"layer": 2, "units": 16, "width": 16}]
    assert dead.message.startswith("16 of 16 units in hidden layer 1 and 16 of 16 units in hidden layer 2 output 0")
    # ... and the weights behind them have blown up too
    (weights,) = check_weights(model.coefs_, learning_rate=10.0)
    assert weights.evidence["largest_weight"] > 1e10


def test_learning_rate_10_with_adam_fires_at_once_and_says_so_after_the_loss_fell_back():
    # The app's own optimiser: Adam's steps are bounded, so the loss jumps
    # (0.733 -> 7e3 in one epoch), kills most ReLU units, then falls back.
    spiral = datasets.make("spiral", random_state=0)
    model = NeuralNetwork(activation="relu", learning_rate=10.0, random_state=0)
    trainer = Trainer(model, spiral.X, spiral.y, validation_fraction=model.validation_fraction)  # as the window
    fired = []
    while not trainer.done:
        trainer.step()
        fired.append(kinds(check_history(model.history_, learning_rate=10.0)))
    assert fired[:2] == [[], ["exploding"]]
    findings = check_model(model, spiral.X)
    # the loss fell back near 4, still far above the 0.73 it started from:
    # the blow-up is still the news (a window checking a few times a second
    # would otherwise have missed it), said in the past tense
    assert kinds(findings) == ["exploding", "dead_units"]
    exploding = findings[0]
    assert exploding.evidence["to_epoch"] == 3 and exploding.evidence["to_loss"] > 1e4
    assert "The learning rate 10 is too high" in exploding.message and "Training blew up" in exploding.message
    assert "now" in exploding.message


def test_without_l2_the_loss_hides_the_blow_up_and_the_weights_show_it():
    # No L2 term: once the ReLU units are dead the loss only sees the output
    # bias and falls back to ~1, while the weights behind the units are huge.
    spiral = datasets.make("spiral", random_state=0)
    model = NeuralNetwork(activation="relu", learning_rate=10.0, optimizer="sgd", l2=0.0, random_state=0)
    trainer = Trainer(model, spiral.X, spiral.y, validation_fraction=model.validation_fraction)  # as the window
    while not trainer.done:
        trainer.step()
    loss = np.array(model.history_["loss"])
    assert loss.max() > 1e5 and loss[-1] < 2.0
    findings = check_model(model, spiral.X)
    # the curves still tell of the blow-up (the loss is not back below where
    # it started), and the weights show it on their own
    assert kinds(findings) == ["exploding", "dead_units"]  # errors first
    assert findings[0].evidence["to_loss"] > 1e5 and "blew up" in findings[0].message
    (weights,) = check_weights(model.coefs_, learning_rate=10.0)
    assert weights.evidence["largest_weight"] > 1e5
    assert weights.message.startswith("The learning rate 10 is probably too high: the weights have blown up")


# -- stalled -----------------------------------------------------------------------
def _plateau(n_falling=50, n_flat=150, level=0.6):
    falling = np.linspace(0.7, level, n_falling)
    return np.concatenate([falling, np.full(n_flat, level)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_stalled_fires_on_a_long_plateau_far_from_a_good_fit(dtype):
    loss = _plateau()
    (finding,) = check_history(history(loss, accuracy=0.6, dtype=dtype), learning_rate=0.01)
    assert finding.kind == "stalled" and finding.severity == "warning"
    assert finding.evidence["best_epoch"] == 50 and finding.evidence["score"] == pytest.approx(0.6)
    assert finding.message.startswith(
        "Training has stalled: the loss has not improved by 1% in the last 100 epochs (lowest 0.6 at epoch 50) "
        "and the training accuracy is only 60%.")
    assert "bigger model" in finding.message


def test_stalled_needs_the_plateau_to_be_long_and_the_fit_poor():
    assert check_history(history(_plateau(n_flat=80), accuracy=0.6)) == []  # not 100 epochs yet
    assert check_history(history(_plateau(), accuracy=0.97)) == []  # converged to a good fit
    improving = 0.7 * 0.98 ** np.arange(200)  # 2% better every epoch
    assert check_history(history(improving, accuracy=0.6)) == []


def test_stalled_says_the_learning_rate_is_too_low_when_the_loss_crawls():
    crawling = 0.7 * (1 - 0.005 / 100) ** np.arange(400)  # 0.5% per 100 epochs
    (finding,) = check_history(history(crawling, accuracy=0.55), learning_rate=0.001)
    assert "only by 0.5% per 100 epochs: the learning rate 0.001 may be too low" in finding.message


def test_stalled_says_the_learning_rate_is_too_high_after_a_jump():
    loss = _plateau()
    loss[3] = 40.0  # a spike on the way, then stuck
    (finding,) = check_history(history(loss, accuracy=0.5), learning_rate=3.0)
    assert "the loss jumped to 40 (epoch 4): the learning rate 3 is probably too high" in finding.message


def test_stalled_says_the_loss_barely_moved():
    loss = np.full(150, 0.69)
    (finding,) = check_history(history(loss, accuracy=0.5))
    assert "The loss has barely moved from 0.69: the learning rate may be too low" in finding.message


def test_stalled_on_regression_names_r2_and_without_a_score_uses_the_loss():
    (finding,) = check_history(history(_plateau(), accuracy=0.4, score_key="r2"))
    assert "R² on the training data is only 0.40" in finding.message
    flat = np.concatenate([np.linspace(1.0, 0.8, 50), np.full(150, 0.8)])
    (finding,) = check_history({"loss": flat})
    assert "the loss is still 80% of where it started" in finding.message
    assert check_history({"loss": np.concatenate([np.linspace(1.0, 0.1, 50), np.full(150, 0.1)])}) == []


def test_thresholds_move_the_lines():
    assert check_history(history(_plateau(n_flat=60), accuracy=0.6)) == []
    short = Thresholds(stall_epochs=50)
    assert kinds(check_history(history(_plateau(n_flat=60), accuracy=0.6), thresholds=short)) == ["stalled"]
    assert DEFAULT_THRESHOLDS.stall_epochs == 100


# -- overfitting -------------------------------------------------------------------
def _overfit_curves(n=300, turn=100, rise=0.5):
    epochs = np.arange(n)
    train = 0.7 * np.exp(-epochs / 60) + 0.01  # falls all the way
    val = np.where(epochs < turn, 0.7 * np.exp(-epochs / 60) + 0.2, 0.0)
    bottom = 0.7 * np.exp(-turn / 60) + 0.2
    val = np.where(epochs < turn, val, bottom * (1 + rise * (epochs - turn) / (n - turn)))
    return train, val


@pytest.mark.parametrize("dtype", DTYPES)
def test_overfitting_fires_when_validation_rises_while_training_falls(dtype):
    train, val = _overfit_curves()
    (finding,) = check_history(history(train, val, accuracy=1.0, dtype=dtype))
    assert finding.kind == "overfitting" and finding.severity == "warning"
    # means over blocks of 10 epochs, the last ending at epoch 300: the lowest
    # is the block of epochs 101-110, where the rise begins
    blocks = val.reshape(30, 10).mean(axis=1)
    assert np.argmin(blocks) == 10
    assert finding.evidence["best_val_epoch"] == 110
    assert finding.evidence["best_val_loss"] == pytest.approx(blocks[10], rel=1e-5)
    assert finding.evidence["val_loss_now"] == pytest.approx(blocks[-1], rel=1e-5)
    assert finding.evidence["train_loss_then"] == pytest.approx(train[100:110].mean(), rel=1e-5)
    assert finding.evidence["train_loss_now"] < 0.5 * finding.evidence["train_loss_then"]
    assert finding.message.startswith(
        f"Overfitting: the validation loss rose from {blocks[10]:.3g} (around epoch 110) to "
        f"{blocks[-1]:.3g} while the training loss fell from")
    assert "early stopping" in finding.message


def test_overfitting_needs_a_clear_rise_a_falling_training_loss_and_a_split():
    train, val = _overfit_curves(rise=0.15)  # +15%: not yet
    assert check_history(history(train, val, accuracy=1.0)) == []
    train, val = _overfit_curves()
    assert check_history(history(train, None, accuracy=1.0)) == []  # no validation split: NaN
    assert check_history(history(np.full(300, 0.3), val, accuracy=1.0)) == []  # training loss flat
    # one noisy low epoch is no minimum to rise from
    noisy = np.full(300, 0.3)
    noisy[150] = 0.1
    assert check_history(history(train, noisy, accuracy=1.0)) == []


def test_overfitting_counts_only_epochs_since_the_validation_loss_exists():
    train, val = _overfit_curves()
    val = val.copy()
    val[:250] = np.nan  # the split came late: 50 epochs of a steady rise only
    assert check_history(history(train, val, accuracy=1.0)) == []


# -- bad input ---------------------------------------------------------------------
def test_short_histories_have_nothing_to_say():
    assert check_history({"loss": []}) == []
    assert check_history(history([0.7], accuracy=0.5)) == []
    assert check_history(model_history := {"loss": [0.7, 0.6], "val_loss": [0.7, 0.65]}) == []
    assert model_history["loss"] == [0.7, 0.6]  # lists are read, not changed


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: check_history({"val_loss": [1.0]}), "history must have a 'loss' entry"),
        (lambda: check_history({"loss": [1.0]}, since=-1), "since must be an integer >= 0, got -1"),
        (lambda: check_history({"loss": [1.0]}, learning_rate=0), "learning_rate must be a positive number"),
        (lambda: check_history({"loss": [[1.0, 2.0]]}), r"history\['loss'\] must be one value per epoch"),
        (lambda: check_history({"loss": ["a"]}), r"history\['loss'\] must be a sequence of numbers"),
        (lambda: check_history({"loss": np.ones(40), "val_loss": np.ones(39)}),
         r"history\['val_loss'\] has 39 epochs but history\['loss'\] has 40"),
        (lambda: check_units([np.ones((3, 2))], "swish"), "activation='swish' is unknown"),
        (lambda: check_units([np.ones(3)], "relu"), r"hidden\[0\] must be a 2-D array"),
        (lambda: check_units([np.ones((3, 2)), np.ones((4, 2))], "relu"), r"hidden\[1\] has 4 samples"),
        (lambda: check_weights([np.ones((2, 2))], learning_rate=-1.0), "learning_rate must be a positive"),
    ],
)
def test_bad_input_is_a_value_error_naming_it(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- units ---------------------------------------------------------------------------
def _relu_layer(n, width, dead, rng, dtype):
    layer = np.maximum(rng.normal(size=(n, width)), 0.0).astype(dtype)
    layer[:, :dead] = 0.0
    return layer


@pytest.mark.parametrize("dtype", DTYPES)
def test_dead_relu_units_are_counted_per_layer(dtype):
    rng = np.random.default_rng(0)
    hidden = [_relu_layer(50, 8, 3, rng, dtype), _relu_layer(50, 4, 1, rng, dtype)]
    (finding,) = check_units(hidden, "relu")
    assert finding.kind == "dead_units" and finding.severity == "warning"
    assert finding.evidence["layers"] == [{"layer": 1, "units": 3, "width": 8}, {"layer": 2, "units": 1, "width": 4}]
    assert finding.message.startswith(
        "3 of 8 units in hidden layer 1 and 1 of 4 units in hidden layer 2 output 0 for every sample")
    assert "leaky_relu" in finding.message


@pytest.mark.parametrize("dtype", DTYPES)
def test_a_whole_dead_layer_is_an_error_and_a_few_dead_units_are_nothing(dtype):
    rng = np.random.default_rng(1)
    assert check_units([_relu_layer(50, 8, 1, rng, dtype)], "relu") == []  # 1 of 8: below a quarter
    (finding,) = check_units([_relu_layer(50, 8, 1, rng, dtype), np.zeros((50, 6), dtype)], "relu")
    assert finding.severity == "error"
    assert finding.evidence["layers"] == [{"layer": 2, "units": 6, "width": 6}]
    assert "With every unit of hidden layer 2 dead, the output no longer depends on the input." in finding.message


@pytest.mark.parametrize("dtype", DTYPES)
def test_leaky_relu_units_negative_on_every_sample_are_dead(dtype):
    z = np.random.default_rng(2).normal(size=(40, 4))
    z[:, :2] = -np.abs(z[:, :2])  # never positive
    layer = np.where(z > 0, z, 0.01 * z).astype(dtype)
    (finding,) = check_units([layer], "leaky_relu")
    assert finding.evidence["layers"] == [{"layer": 1, "units": 2, "width": 4}]
    assert "negative for every sample" in finding.message


@pytest.mark.parametrize("dtype", DTYPES)
def test_saturated_tanh_units_are_pinned_at_plus_or_minus_one_on_nearly_every_sample(dtype):
    n = 100
    signs = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    layer = np.tile(0.3 * signs[:, None], (1, 4))  # (100, 4), healthy
    layer[:, 0] = 0.999 * signs  # pinned everywhere, at both ends
    layer[:, 1] = 0.999 * signs
    layer[:4, 1] = 0.1  # pinned on 96% of the rows: still "nearly every sample"
    layer[:, 2] = 0.999 * signs
    layer[:10, 2] = 0.1  # pinned on 90%: not saturated
    layer[:, 3] = 0.98 * signs  # 1 - 0.98^2 = 0.04 of the gradient: not pinned
    (finding,) = check_units([layer.astype(dtype)], "tanh")
    assert finding.kind == "saturated" and finding.severity == "warning"
    assert finding.evidence["layers"] == [{"layer": 1, "units": 2, "width": 4}]
    assert finding.message.startswith("2 of 4 units in hidden layer 1 are pinned at ±1 for nearly every sample")


@pytest.mark.parametrize("dtype", DTYPES)
def test_saturated_sigmoid_units_are_pinned_at_0_or_1(dtype):
    n = 60
    ends = np.where(np.arange(n) % 3 == 0, 0.996, 0.003)
    layer = np.column_stack([ends, ends, np.full(n, 0.99), np.full(n, 0.5)]).astype(dtype)
    (finding,) = check_units([layer], "sigmoid")
    # 0.99 (1 - 0.99) = 0.0099 > 0.02 / 4: the third unit still passes 4% of the gradient
    assert finding.evidence["layers"] == [{"layer": 1, "units": 2, "width": 4}]
    (finding,) = check_units([layer[:, :2]], "sigmoid")
    assert finding.severity == "error" and "every unit of hidden layer 1 saturated" in finding.message


def test_units_of_linear_activations_and_empty_data_have_nothing_to_say():
    assert check_units([np.zeros((10, 4))], "linear") == []
    assert check_units([np.zeros((0, 4))], "relu") == []
    assert check_units([], "tanh") == []


def test_check_model_on_real_networks_with_dead_and_saturated_units():
    moons = datasets.make("moons", n_samples=100, random_state=0)
    X, y = moons.X, moons.y
    relu = NeuralNetwork(hidden_layers=(8, 8), activation="relu", max_epochs=5, random_state=0).fit(X, y)
    assert check_model(relu, X) == []
    relu._network.biases[0][:4] = -100.0  # half of layer 1 can never be positive
    (finding,) = check_model(relu, X)
    assert finding.kind == "dead_units"
    assert finding.evidence["layers"][0] == {"layer": 1, "units": 4, "width": 8}

    tanh = NeuralNetwork(hidden_layers=(8,), activation="tanh", max_epochs=5, random_state=0).fit(X, y)
    assert check_model(tanh, X) == []
    tanh._network.weights[0][...] *= 200.0  # |z| in the hundreds: tanh is +-1 on every row
    findings = check_model(tanh, X)
    assert kinds(findings) == ["saturated"] and findings[0].severity == "error"
    # ... and a snapshot (no history) is checked too
    assert kinds(check_model(tanh.snapshot(dtype=np.float32), X)) == ["saturated"]


# -- weights ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_check_weights_fires_on_blown_up_or_non_finite_weights(dtype):
    healthy = [np.full((2, 3), 5.0, dtype), np.full((3, 1), -40.0, dtype)]
    assert check_weights(healthy) == []
    blown = healthy + [np.array([[2e4]], dtype)]
    (finding,) = check_weights(blown, learning_rate=3.0)
    assert finding.kind == "exploding" and finding.severity == "error"
    assert finding.evidence["largest_weight"] == 2e4
    assert finding.message.startswith("The learning rate 3 is probably too high: the weights have blown up, the "
                                      "largest is 2e+04")
    (finding,) = check_weights(healthy + [np.array([[np.nan]], dtype)])
    assert math.isnan(finding.evidence["largest_weight"])


def test_check_model_reports_one_exploding_finding_and_knows_linear_models():
    model = LinearRegression(max_epochs=3).fit(np.arange(10.0)[:, None], np.arange(10.0))
    assert check_model(model) == []
    model._network.weights[0][...] = 1e5
    (finding,) = check_model(model)
    assert finding.kind == "exploding" and "learning rate 0.1 is probably too high" in finding.message


def test_findings_are_plain_values():
    finding = Finding("stalled", "warning", "text", {"a": 1})
    assert finding == Finding("stalled", "warning", "text", {"a": 1})
    with pytest.raises(AttributeError):
        finding.kind = "exploding"
    assert len({finding, Finding("stalled", "warning", "text", {"a": 1})}) == 1  # hashable


# -- the app's default runs are healthy ----------------------------------------------
#: ``python main.py`` and each model's default run on its default-ish dataset
DEFAULT_RUNS = {
    "app default (network on the spiral)": [],
    "logistic on two moons": ["--model", "logistic", "--dataset", "moons"],
    "logistic on linearly separable": ["--model", "logistic", "--dataset", "linear"],
    "linear on the line": ["--model", "linear", "--dataset", "line"],
    "linear on the plane": ["--model", "linear", "--dataset", "plane"],
    "network regression on the sine": ["--dataset", "sine"],
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("argv", DEFAULT_RUNS.values(), ids=DEFAULT_RUNS.keys())
def test_no_finding_at_any_epoch_of_the_default_runs(argv, dtype):
    from gui.options import add_run_arguments, build_run  # pure: no Qt

    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    dataset, model, transform = build_run(parser.parse_args(argv))
    assert transform is None
    X = dataset.X.astype(dtype)
    trainer = Trainer(model, X, dataset.y, validation_fraction=model.validation_fraction)  # as the window
    while not trainer.done:
        trainer.step()
        assert check_history(model.history_, learning_rate=model.learning_rate) == [], trainer.epoch
        if trainer.epoch % 100 == 0:
            assert check_model(model, X) == [], trainer.epoch
    assert trainer.stop_reason == "max_epochs" and trainer.epoch == 1000
    assert model.score(X, dataset.y) > 0.85  # healthy indeed


def test_a_blow_up_the_run_has_not_recovered_from_is_still_reported():
    """Checked a few times a second, the window must not miss a spike: the
    loss of lr=10 ReLU SGD on the spiral spiked to 180 at epoch 5 and sits
    at 16 after (from 0.74)."""
    found = check_history(history([0.74, 1.46, 3.6, 12.3, 180.0, 17.1, 16.3, 16.0]), learning_rate=10.0)
    assert kinds(found) == ["exploding"]
    assert found[0].evidence["to_epoch"] == 5 and found[0].evidence["to_loss"] == 180.0
    assert "it is 16 now" in found[0].message and "blew up" in found[0].message
