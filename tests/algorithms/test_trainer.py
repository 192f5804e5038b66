"""The one training loop: records, history, split, early stopping,
max_epochs/extend, divergence, live hyperparameters and set_data."""

import math

import numpy as np
import pytest

from algorithms import DivergedError, EpochRecord, LinearRegression, LogisticRegression, NeuralNetwork, Trainer

from .helpers import spiral, two_moons


def _moons(n=200, seed=0):
    return two_moons(n, 0.15, np.random.default_rng(seed))


def test_records_and_history_track_every_epoch():
    X, y = _moons()
    model = NeuralNetwork(hidden_layers=(8,), max_epochs=4, random_state=0)
    trainer = Trainer(model, X, y, validation_fraction=0.2)
    assert trainer.history is model.history_
    records = [trainer.step() for _ in range(4)]
    assert all(isinstance(r, EpochRecord) for r in records)
    assert [r.epoch for r in records] == [1, 2, 3, 4] and trainer.epoch == 4
    assert [r.stop_reason for r in records] == [None, None, None, "max_epochs"]
    assert records[-1].message == "Stopped after 4 epochs (max_epochs reached)."
    assert trainer.done
    assert model.history_["loss"] == [r.loss for r in records]
    assert model.history_["val_accuracy"] == [r.val_score for r in records]
    with pytest.raises(RuntimeError, match="stopped.*extend"):
        trainer.step()


def test_training_metrics_come_from_the_epochs_forward_pass():
    # Full batch: the record's loss/accuracy are those of the parameters the
    # epoch started from; the validation figures those it ended with.
    X, y = _moons(120)
    model = LogisticRegression(l2=0.1, max_epochs=50, random_state=0)
    trainer = Trainer(model, X, y, validation_fraction=0.25)
    train, val = trainer.train_index, trainer.val_index
    for _ in range(3):
        accuracy_before = model.score(X[train], y[train])
        p = model.predict_proba(X[train])[:, 1]
        t = (y[train] == 1)
        w = model._network.weights[0]  # the penalty acts on the standardised weights
        loss_before = -np.mean(np.where(t, np.log(p), np.log(1 - p))) + 0.5 * 0.1 * float(np.sum(w * w))
        record = trainer.step()
        assert record.score == pytest.approx(accuracy_before)
        assert record.loss == pytest.approx(loss_before, rel=1e-9)
        assert record.val_score == pytest.approx(model.score(X[val], y[val]))


def test_split_is_stratified_disjoint_and_reproducible():
    X, y = spiral(300, 3, 0.1, np.random.default_rng(1))
    y = np.where(np.arange(300) < 30, 0, y)  # unbalanced classes
    model = NeuralNetwork(random_state=3)
    trainer = Trainer(model, X, y, validation_fraction=0.2)
    train, val = trainer.train_index, trainer.val_index
    assert np.intersect1d(train, val).size == 0 and np.union1d(train, val).size == 300
    assert np.all(np.diff(val) > 0)
    for label in np.unique(y):
        count = np.sum(y == label)
        assert np.sum(y[val] == label) == round(0.2 * count)
    again = Trainer(NeuralNetwork(random_state=3), X, y, validation_fraction=0.2)
    np.testing.assert_array_equal(again.val_index, val)


def test_no_validation_split_gives_none_and_nan():
    X, y = _moons()
    model = NeuralNetwork(validation_fraction=0.0, max_epochs=2, random_state=0)
    trainer = Trainer(model, X, y)
    record = trainer.step()
    assert trainer.val_index.size == 0 and trainer.train_index.size == 200
    assert record.val_loss is None and record.val_score is None
    assert math.isnan(model.history_["val_loss"][0]) and math.isnan(model.history_["val_accuracy"][0])


def test_early_stopping_with_patience_restores_the_best_parameters():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 5))
    y = X[:, 0] + rng.normal(size=40)  # few noisy samples: the validation loss turns up
    model = NeuralNetwork(hidden_layers=(64, 64), task="regression", learning_rate=0.01, l2=0.0, early_stopping=True,
                          patience=10, tol=0.0, max_epochs=2000, validation_fraction=0.3, random_state=0)
    trainer = Trainer(model, X, y)
    predictions = []
    while not trainer.done:
        record = trainer.step()
        predictions.append(model.predict(X))
    assert record.stop_reason == "early_stopping"
    val_loss = np.array(model.history_["val_loss"])
    best = int(np.argmin(val_loss))
    assert len(val_loss) == best + 1 + 10 < 2000  # stopped exactly `patience` epochs after the best
    assert "Stopped early at epoch" in record.message and f"epoch {best + 1}" in record.message
    np.testing.assert_allclose(model.predict(X), predictions[best])  # best parameters restored


def test_early_stopping_on_training_loss_without_validation():
    X, y = _moons(100)
    model = LinearRegression(early_stopping=True, patience=3, tol=1e-3, max_epochs=5000, validation_fraction=0.0)
    trainer = Trainer(model, X, y.astype(float))
    while not trainer.done:
        record = trainer.step()
    assert record.stop_reason == "early_stopping" and record.epoch < 5000
    loss = np.array(model.history_["loss"])
    best = loss[:-3].min()
    assert np.all(loss[-3:] >= best - 1e-3)  # no improvement larger than tol in the last `patience` epochs
    assert "training loss" in record.message


def test_extend_continues_after_max_epochs():
    X, y = _moons()
    model = NeuralNetwork(max_epochs=3, random_state=0)
    trainer = Trainer(model, X, y)
    while not trainer.done:
        trainer.step()
    trainer.extend(2)
    assert not trainer.done
    records = [trainer.step(), trainer.step()]
    assert [r.epoch for r in records] == [4, 5] and records[-1].stop_reason == "max_epochs"
    assert len(model.history_["loss"]) == 5
    with pytest.raises(ValueError, match="max_epochs=0"):
        trainer.extend(0)


def _diverging_regression():
    rng = np.random.default_rng(4)
    X = rng.normal(scale=30.0, size=(50, 2))
    return X, X @ [3.0, -1.0]


def test_divergence_raises_from_fit_and_keeps_finite_parameters():
    X, y = _diverging_regression()
    model = LinearRegression(learning_rate=0.5, normalize=False, max_epochs=500, validation_fraction=0)
    with pytest.raises(DivergedError, match=r"diverged at epoch \d+ \(loss is (inf|nan)\).*learning rate 0.5 is "
                                            r"probably too high"):
        model.fit(X, y)
    assert isinstance(DivergedError("x"), RuntimeError)
    assert np.isfinite(model.coef_).all() and np.isfinite(model.predict(X)).all()
    assert np.isfinite(model.history_["loss"]).all()


def test_divergence_stops_step_by_step_with_a_reason():
    X, y = _diverging_regression()
    # Seeded: the validation split decides how large the last finite parameters
    # are; from some splits they are ~1e150 and no learning rate recovers.
    model = LinearRegression(learning_rate=0.5, normalize=False, max_epochs=500, random_state=0)
    trainer = Trainer(model, X, y, validation_fraction=0.2)
    records = []
    while not trainer.done:
        records.append(trainer.step())
    last = records[-1]
    assert last.stop_reason == "diverged"
    assert not (math.isfinite(last.loss) and math.isfinite(last.val_loss))
    assert "learning rate 0.5 is probably too high" in last.message and "normalize=True" in last.message
    assert all(r.stop_reason is None for r in records[:-1])
    assert last.epoch == trainer.epoch == len(model.history_["loss"]) <= len(records) - 1
    assert np.isfinite(model._network.theta).all()
    # lowering the learning rate and extending recovers
    model.set_params(learning_rate=1e-4)
    trainer.extend(5)
    record = trainer.step()
    assert math.isfinite(record.loss) and record.stop_reason is None


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_live_learning_rate_change_takes_effect_next_epoch_and_keeps_state(optimizer):
    X, y = _moons()
    trainers = []
    for _ in range(2):
        model = NeuralNetwork(hidden_layers=(6,), optimizer=optimizer, learning_rate=0.01, random_state=0)
        trainers.append(Trainer(model, X, y))
    for trainer in trainers:
        trainer.step(), trainer.step()
    a, b = (t.model for t in trainers)
    np.testing.assert_array_equal(a._network.theta, b._network.theta)
    optimizer_before = b._optimizer
    b.set_params(learning_rate=0.03)
    before = a._network.theta.copy()
    for trainer in trainers:
        trainer.step()
    # every optimiser's step is proportional to the learning rate given the same state
    np.testing.assert_allclose(b._network.theta - before, 3 * (a._network.theta - before), rtol=1e-9, atol=1e-15)
    assert b._optimizer is optimizer_before
    if optimizer == "adam":
        assert b._optimizer.t == 3


def test_live_l2_change_enters_the_loss_next_epoch():
    X, y = _moons()
    model = NeuralNetwork(hidden_layers=(6,), l2=0.0, optimizer="sgd", learning_rate=1e-6, validation_fraction=0,
                          random_state=0)
    trainer = Trainer(model, X, y)
    first = trainer.step()
    squared_weights = sum(float(np.sum(w * w)) for w in model.coefs_)
    model.set_params(l2=0.5)
    second = trainer.step()
    assert second.loss == pytest.approx(first.loss + 0.25 * squared_weights, rel=1e-4)


def test_invalid_live_value_is_rejected_at_the_next_step():
    X, y = _moons()
    model = NeuralNetwork(random_state=0)
    trainer = Trainer(model, X, y)
    trainer.step()
    model.learning_rate = 0.0  # bypassing set_params
    with pytest.raises(ValueError, match="learning_rate=0.0"):
        trainer.step()


@pytest.mark.parametrize("normalize", [True, False])
def test_set_data_keeps_the_model_and_its_function(normalize):
    X, y = _moons(100, seed=5)
    model = NeuralNetwork(hidden_layers=(8,), normalize=normalize, random_state=0)
    trainer = Trainer(model, X, y)
    for _ in range(5):
        trainer.step()
    X2, y2 = _moons(160, seed=6)
    X2 = np.vstack([X, 3.0 * X2 + [2.0, -1.0]])  # new points, far out: the scaling changes
    y2 = np.concatenate([y, y2])
    probe = np.random.default_rng(7).normal(size=(50, 2)) * 3
    before = model.predict_proba(probe)
    theta = model._network.theta.copy()
    trainer.set_data(X2, y2)
    np.testing.assert_allclose(model.predict_proba(probe), before, rtol=1e-9, atol=1e-12)
    if not normalize:
        np.testing.assert_array_equal(model._network.theta, theta)
    assert trainer.n_samples == 260 and trainer.train_index.size + trainer.val_index.size == 260
    record = trainer.step()
    assert record.epoch == 6 and len(model.history_["loss"]) == 6


def test_set_data_for_regression_keeps_the_function_when_targets_rescale():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(80, 2))
    y = X[:, 0] * 2.0
    model = NeuralNetwork(task="regression", hidden_layers=(5,), random_state=0)
    trainer = Trainer(model, X, y)
    trainer.step()
    before = model.predict(X)
    trainer.set_data(np.vstack([X, X + 5]), np.concatenate([y, 100 + 10 * y]))
    np.testing.assert_allclose(model.predict(X), before, rtol=1e-9, atol=1e-9)
    assert math.isfinite(trainer.step().loss)


def test_set_data_rejects_incompatible_data():
    X, y = _moons()
    model = NeuralNetwork(random_state=0)
    trainer = Trainer(model, X, y)
    trainer.step()
    with pytest.raises(ValueError, match=r"labels \[2\] not among the model's classes_ \[0, 1\]"):
        trainer.set_data(X, np.where(np.arange(200) == 0, 2, y))
    with pytest.raises(ValueError, match="X has 3 features, but NeuralNetwork is expecting 2 features as input"):
        trainer.set_data(np.column_stack([X, X[:, 0]]), y)
    # a subset of the classes is fine (the user erased one class's points)
    trainer.set_data(X[y == 0], y[y == 0])
    assert math.isfinite(trainer.step().loss)


def test_trainer_continues_a_fitted_model_or_reinitialises_an_incompatible_one():
    X, y = _moons()
    model = NeuralNetwork(max_epochs=3, random_state=0).fit(X, y)
    theta = model._network.theta.copy()
    trainer = Trainer(model, X, y)
    assert trainer.epoch == 3
    np.testing.assert_array_equal(model._network.theta, theta)
    Trainer(model, X, np.where(y == 1, 2, y) + (np.arange(200) == 0))  # labels {0, 1, 2}: a fresh start
    assert len(model.history_["loss"]) == 0 and list(model.classes_) == [0, 1, 2]


def test_set_data_rejects_another_output_count_for_regression():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(30, 2))
    trainer = Trainer(NeuralNetwork(task="regression", random_state=0), X, X[:, 0])
    with pytest.raises(ValueError, match="y has 2 outputs but the model was initialised with 1"):
        trainer.set_data(X, X)


def test_partial_fit_accepts_a_batch_of_one_known_class():
    X, y = _moons()
    model = NeuralNetwork(random_state=0).partial_fit(X, y)
    model.partial_fit(X[y == 1], y[y == 1])
    assert len(model.history_["loss"]) == 2
    with pytest.raises(ValueError, match="only one class"):
        NeuralNetwork().partial_fit(X[y == 1], y[y == 1])  # a fresh model needs two


# -- which rows train: fit's rule, explicit splits, chronological splits ----------------
def test_fit_trains_on_every_row_unless_early_stopping_needs_a_split():
    X, y = _moons(200)
    model = NeuralNetwork(hidden_layers=(4,), validation_fraction=0.3, max_epochs=3, random_state=0).fit(X, y)
    assert np.isnan(model.history_["val_loss"]).all()  # no validation rows
    np.testing.assert_allclose(model._x_mean, X.mean(axis=0))  # scaled with all 200 rows
    stopping = NeuralNetwork(hidden_layers=(4,), validation_fraction=0.3, early_stopping=True, max_epochs=3,
                             random_state=0).fit(X, y)
    assert np.isfinite(stopping.history_["val_loss"]).all()
    trainer = Trainer(NeuralNetwork(validation_fraction=0.3, early_stopping=True, random_state=0), X, y)
    assert trainer.val_index.size == 60 and trainer.train_index.size == 140


def test_a_trainer_holds_out_the_fraction_it_is_given():
    X, y = _moons(200)
    model = NeuralNetwork(validation_fraction=0.1, random_state=0)
    assert Trainer(model, X, y).val_index.size == 0  # the model's rule: no early stopping, no split
    trainer = Trainer(model, X, y, validation_fraction=model.validation_fraction)  # what the window does
    assert trainer.val_index.size == 20
    assert np.isfinite(trainer.step().val_loss)
    with pytest.raises(ValueError, match="validation_fraction=0.7 is invalid"):
        Trainer(model, X, y, validation_fraction=0.7)


def test_chronological_split_holds_out_the_last_rows_in_order():
    t = np.arange(100, dtype=float)
    X = np.column_stack([np.sin(t / 5), np.cos(t / 5)])
    y = np.sin((t + 1) / 5)
    model = NeuralNetwork(task="regression", hidden_layers=(4,), random_state=0)
    trainer = Trainer(model, X, y, validation_fraction=0.25, split="last")
    np.testing.assert_array_equal(trainer.train_index, np.arange(75))
    np.testing.assert_array_equal(trainer.val_index, np.arange(75, 100))
    np.testing.assert_allclose(model._x_mean, X[:75].mean(axis=0))  # scaled on the past only
    record = trainer.step()
    val_pred = model.predict(X[75:])
    val_loss = np.mean(((val_pred - y[75:]) / model._y_scale[0]) ** 2)  # standardised units, like training
    assert record.val_loss == pytest.approx(val_loss + model.l2 / 2 * sum(np.sum(w**2) for w in model.coefs_),
                                            rel=1e-9)
    trainer.set_data(X[:80], y[:80])  # new data: split again by the same rule
    np.testing.assert_array_equal(trainer.val_index, np.arange(60, 80))
    labels = (y > 0).astype(int)
    classifier = Trainer(NeuralNetwork(random_state=0), X, labels, validation_fraction=0.2, split="last")
    np.testing.assert_array_equal(classifier.val_index, np.arange(80, 100))


def test_split_choices_and_errors():
    X, y = _moons(100)
    stratified = Trainer(NeuralNetwork(random_state=0), X, y, validation_fraction=0.2)
    assert np.sum(y[stratified.val_index] == 1) == 10  # classification: stratified by default
    plain = Trainer(NeuralNetwork(random_state=0), X, y, validation_fraction=0.2, split="random")
    assert plain.val_index.size == 20
    with pytest.raises(ValueError, match="split='future' is invalid: expected one of 'random', 'stratified', 'last'"):
        Trainer(NeuralNetwork(), X, y, split="future")
    with pytest.raises(ValueError, match="split='stratified' needs class labels"):
        Trainer(LinearRegression(), X, y.astype(float), split="stratified")


@pytest.mark.parametrize("l1", [0.0, 1e-3])
def test_an_epoch_run_in_pieces_is_the_epoch_run_at_once(l1):
    """step_batches (the window's pieces of a long epoch) trains exactly what
    step() trains: the same parameters and the same record."""
    import datasets
    from algorithms import NeuralNetwork

    ds = datasets.make("spiral", n_samples=400, noise=0.1, random_state=0)

    def model():
        return NeuralNetwork(hidden_layers=(8, 8), batch_size=32, l1=l1, random_state=0, max_epochs=100)

    whole, pieces = Trainer(model(), ds.X, ds.y, validation_fraction=0.2), Trainer(model(), ds.X, ds.y,
                                                                                 validation_fraction=0.2)
    assert pieces.n_batches == 10  # 320 training rows in batches of 32
    for _ in range(3):
        expected = whole.step()
        records = [pieces.step_batches(3) for _ in range(4)]
        assert records[:3] == [None, None, None] and records[3] is not None
        assert records[3] == expected
        np.testing.assert_array_equal(pieces.model._network.theta, whole.model._network.theta)
    # an epoch begun in pieces and finished by step()
    pieces.step_batches(4)
    assert pieces.step() == whole.step()
    np.testing.assert_array_equal(pieces.model._network.theta, whole.model._network.theta)
