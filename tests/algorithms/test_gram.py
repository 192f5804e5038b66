"""Linear regression from the data's second moments (``GramPlan``): the same
iterates and history as the plain full-batch pass; and partial_fit in a loop
reusing its training loop without ever training on stale rows."""

import numpy as np
import pytest

from algorithms import LinearRegression, NeuralNetwork, Trainer
from algorithms.network import GramPlan, TrainingPlan

from .helpers import spiral


def _data(n=400, d=4, k=None, noise=0.1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.linspace(0.5, 20.0, d) + np.arange(d)
    coef = rng.normal(size=d) if k is None else rng.normal(size=(d, k))
    coef[1] = 0.0  # an irrelevant feature
    y = X @ coef + 2.0
    return X, y + noise * rng.normal(size=y.shape)


def _run_both(make, X, y, epochs, validation_fraction=0.0):
    """Histories and parameters of the Gram path and of the plain path
    (a Trainer allowed one epoch at a time takes the plain path)."""
    gram_model, plain_model = make(), make()
    gram = Trainer(gram_model, X, y, validation_fraction=validation_fraction, max_epochs=epochs)
    plain = Trainer(plain_model, X, y, validation_fraction=validation_fraction, max_epochs=1)
    assert type(gram._plan) is GramPlan and type(plain._plan) is TrainingPlan
    thetas = []
    for epoch in range(epochs):
        gram.step()
        plain.step()
        plain.extend(1)
        thetas.append((gram_model._network.theta.copy(), plain_model._network.theta.copy()))
    return gram_model, plain_model, thetas


@pytest.mark.parametrize("case", ["one output", "three outputs", "l1", "validation", "network momentum"])
def test_gram_iterates_and_history_equal_the_plain_pass(case):
    k = 3 if case == "three outputs" else None
    X, y = _data(k=k)
    if case == "network momentum":
        def make():
            return NeuralNetwork(hidden_layers=(), task="regression", optimizer="momentum", learning_rate=0.02,
                                 l2=1e-3, random_state=0)
    else:
        def make():
            return LinearRegression(learning_rate=0.2, l1=0.05 if case == "l1" else 0.0, random_state=0)
    fraction = 0.25 if case == "validation" else 0.0
    gram_model, plain_model, thetas = _run_both(make, X, y, 500, fraction)
    for gram_theta, plain_theta in thetas:
        np.testing.assert_allclose(gram_theta, plain_theta, rtol=1e-10, atol=1e-13)
    for key, values in plain_model.history_.items():
        np.testing.assert_allclose(gram_model.history_[key], values, rtol=1e-10, atol=1e-14, err_msg=key)
    if case == "l1":
        assert gram_model._network.theta[1] == plain_model._network.theta[1] == 0.0  # the irrelevant feature
    if case == "validation":
        assert np.isfinite(gram_model.history_["val_loss"]).all()


def test_gram_loss_of_an_exact_fit_is_not_rounding_noise():
    # Noise-free targets: the loss falls towards 0 over many orders of
    # magnitude; w^T G w - 2 w^T b + y^T y would turn into noise around 1e-16.
    X, y = _data(noise=0.0)
    gram_model, plain_model, _ = _run_both(lambda: LinearRegression(learning_rate=0.2), X, y, 400)
    gram_loss, plain_loss = np.array(gram_model.history_["loss"]), np.array(plain_model.history_["loss"])
    assert plain_loss[-1] < 1e-20
    assert (gram_loss >= 0).all() and (np.diff(gram_loss) <= 0).all()  # never rises
    large = plain_loss > 1e-12
    np.testing.assert_allclose(gram_loss[large], plain_loss[large], rtol=1e-8)
    # Below that the plain pass's own residuals are rounding-limited (1e-16 of
    # each prediction): the two agree to a percent down to 1e-27, and both
    # end at the floor of float64 (residuals of 1e-16, a loss of about 1e-31).
    above_floor = plain_loss > 1e-27
    np.testing.assert_allclose(gram_loss[above_floor], plain_loss[above_floor], rtol=1e-2)
    assert gram_loss[-1] < 1e-29


def test_gram_with_adam_follows_the_plain_pass_while_gradients_are_above_rounding():
    # Adam divides each step by the gradient's running size, so a gradient at
    # the rounding level (the bias of centred data near its optimum) gets a
    # full step in a direction rounding decides, on either path: compare the
    # first epochs, on raw (uncentred) inputs.
    X, y = _data()
    make = lambda: NeuralNetwork(hidden_layers=(), task="regression", normalize=False,  # noqa: E731
                                 learning_rate=0.05, random_state=0)
    gram_model, plain_model, thetas = _run_both(make, X, y, 30)
    for gram_theta, plain_theta in thetas:
        np.testing.assert_allclose(gram_theta, plain_theta, rtol=1e-10)


def test_float32_gram_agrees_with_the_plain_float32_pass():
    X, y = _data()
    gram_model, plain_model, _ = _run_both(lambda: LinearRegression(learning_rate=0.2), X.astype(np.float32), y, 200)
    assert gram_model._network.theta.dtype == np.float32
    np.testing.assert_allclose(gram_model._network.theta, plain_model._network.theta, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gram_model.history_["r2"], plain_model.history_["r2"], rtol=1e-5, atol=1e-6)


def test_fit_uses_the_gram_form_and_matches_least_squares():
    X, y = _data(n=2000, d=6)
    model = LinearRegression(learning_rate=0.3, max_epochs=3000).fit(X, y)
    solution = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)[0]
    np.testing.assert_allclose(model.coef_, solution[:-1], rtol=1e-8)
    residual = y - model.predict(X)
    assert model.history_["r2"][-1] == pytest.approx(1 - residual @ residual / np.sum((y - y.mean()) ** 2), rel=1e-9)


def test_divergence_is_caught_on_the_gram_path():
    X, y = _data()
    trainer = Trainer(LinearRegression(learning_rate=5.0), X, y, max_epochs=1000)
    while not trainer.done:
        record = trainer.step()
    assert record.stop_reason == "diverged" and np.isfinite(trainer.model._network.theta).all()


# -- partial_fit in a loop ------------------------------------------------------------
def test_partial_fit_in_a_loop_equals_fit_epoch_for_epoch():
    X, y = spiral(300, 3, 0.1, np.random.default_rng(1))
    make = lambda: NeuralNetwork(hidden_layers=(8,), batch_size=50, max_epochs=20, random_state=0)  # noqa: E731
    fitted = make().fit(X, y)
    looped = make()
    for _ in range(20):
        looped.partial_fit(X, y)
    np.testing.assert_array_equal(looped._network.theta, fitted._network.theta)
    np.testing.assert_equal(looped.history_, fitted.history_)


@pytest.mark.parametrize("kind", ["classification", "regression"])
def test_partial_fit_trains_on_the_rows_it_is_given_even_in_reused_arrays(kind):
    rng = np.random.default_rng(2)
    batches = []
    for _ in range(6):
        X = rng.normal(size=(64, 3))
        y = (X[:, 0] + X[:, 1] > 0).astype(int) if kind == "classification" else X @ [1.0, -1.0, 0.5]
        batches.append((X, y))

    def make():
        return NeuralNetwork(hidden_layers=(5,), task=kind, random_state=0)

    fresh = make()
    for X, y in batches:
        fresh.partial_fit(X.copy(), y.copy())
    # A caller streaming through one buffer, refilled in place: same arrays
    # (same identity, shape and dtype) every call, new contents.
    reused = make()
    X_buffer, y_buffer = np.empty((64, 3)), np.empty(64, dtype=batches[0][1].dtype)
    for X, y in batches:
        X_buffer[:], y_buffer[:] = X, y
        reused.partial_fit(X_buffer, y_buffer)
    np.testing.assert_array_equal(reused._network.theta, fresh._network.theta)
    np.testing.assert_equal(reused.history_, fresh.history_)


def test_partial_fit_follows_hyperparameter_changes_and_new_row_counts():
    X, y = spiral(120, 3, 0.1, np.random.default_rng(3))
    a = NeuralNetwork(hidden_layers=(6,), random_state=0)
    b = NeuralNetwork(hidden_layers=(6,), random_state=0)
    a.partial_fit(X, y)
    b.partial_fit(X, y)
    b.set_params(learning_rate=0.0)
    with pytest.raises(ValueError, match="learning_rate=0.0 is invalid"):
        b.partial_fit(X, y)
    b.set_params(learning_rate=0.02, batch_size=30)
    a.set_params(learning_rate=0.02, batch_size=30)
    b.partial_fit(X, y)
    trainer = Trainer(a, X, y, max_epochs=1)  # what a fresh partial_fit would do
    trainer.step()
    np.testing.assert_array_equal(b._network.theta, a._network.theta)
    b.partial_fit(X[:50], y[:50])  # fewer rows: a new loop for them
    assert len(b.history_["loss"]) == 3
    b.fit(X, y)
    assert "_partial_fit_trainer" not in vars(b)


def test_partial_fit_after_another_trainer_reinitialised_the_model():
    X, y = spiral(90, 3, 0.1, np.random.default_rng(4))
    model = NeuralNetwork(hidden_layers=(4,), random_state=0)
    model.partial_fit(X, y)
    Trainer(model, X, np.where(y == 2, 3, y)).step()  # other labels: fresh parameters
    model.partial_fit(X, np.where(y == 2, 3, y))
    assert len(model.history_["loss"]) == 2 and model.classes_.tolist() == [0, 1, 3]
