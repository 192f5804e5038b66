"""Forecasting past the end of a time-series window dataset: the model fed its
own predictions. Checked on models whose forecast is known exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from datasets import Dataset, make
from datasets.timeseries import MAX_HORIZON, forecast, roll_forward


class ExactRecurrence:
    """The generator's noiseless signal, ``s_t = sin(a t + p) + 0.4 sin(3 a t + q)``
    with ``a = 2 pi / P``, is a sum of two sinusoids, so it obeys the linear
    recurrence of the polynomial ``(z^2 - c1 z + 1)(z^2 - c2 z + 1)`` with
    ``c1 = 2 cos a``, ``c2 = 2 cos 3a``:
    ``s_t = (c1 + c2) s_{t-1} - (2 + c1 c2) s_{t-2} + (c1 + c2) s_{t-3} - s_{t-4}``.
    A "model" that predicts with it is exact on every window of 4 or more."""

    def __init__(self, period: float):
        c1, c2 = 2 * math.cos(2 * math.pi / period), 2 * math.cos(6 * math.pi / period)
        # weights of (s_{t-4}, s_{t-3}, s_{t-2}, s_{t-1}): the window's last four columns
        self.coef = np.array([-1.0, c1 + c2, -(2.0 + c1 * c2), c1 + c2])
        self.calls = 0

    def predict(self, X):
        self.calls += 1
        return np.asarray(X)[:, -4:] @ self.coef


@pytest.mark.parametrize("window", [4, 8, 13])
def test_an_exact_model_forecasts_the_series_that_follows(window):
    # The same seed with more samples continues the same noiseless signal.
    data = make("time_series", n_samples=200, noise=0.0, random_state=3, window=window, period=25.0)
    longer = make("time_series", n_samples=260, noise=0.0, random_state=3, window=window, period=25.0)
    np.testing.assert_array_equal(longer.y[:200], data.y)
    model = ExactRecurrence(25.0)
    # exact on the data it would be trained on
    np.testing.assert_allclose(model.predict(data.X), data.y, atol=1e-12)
    time, values = forecast(model, data, 60)
    np.testing.assert_array_equal(time, longer.time[200:])  # 200 + w .. 259 + w
    np.testing.assert_allclose(values, longer.y[200:], atol=1e-9)
    assert model.calls == 1 + 60  # one call per step


def test_a_fitted_linear_recurrence_forecasts_the_series_too():
    # Least squares on the windows finds a recurrence as exact as the data.
    data = make("time_series", n_samples=150, noise=0.0, random_state=0, window=6, period=18.0)
    longer = make("time_series", n_samples=190, noise=0.0, random_state=0, window=6, period=18.0)
    design = np.column_stack([data.X, np.ones(data.n_samples)])
    coef, *_ = np.linalg.lstsq(design, data.y, rcond=None)

    def predict(X):  # a plain function is a model too
        return X @ coef[:-1] + coef[-1]

    time, values = forecast(predict, data, 40)
    np.testing.assert_allclose(values, longer.y[150:], atol=1e-6)
    assert time[0] == data.time[-1] + 1 and time[-1] == data.time[-1] + 40


def test_each_step_sees_the_previous_predictions_most_recent_last():
    data = make("time_series", n_samples=30, noise=0.1, random_state=1, window=3)
    last_window = np.append(data.X[-1, 1:], data.y[-1])  # (s_{n+1}, s_{n+2}, s_{n+3})
    # "the last value plus one": each prediction builds on the one before
    _, values = forecast(lambda X: X[:, -1] + 1.0, data, 5)
    np.testing.assert_allclose(values, data.y[-1] + np.arange(1, 6))
    # "the oldest value in the window": the last window repeats, then the forecast itself
    _, values = forecast(lambda X: X[:, 0], data, 7)
    np.testing.assert_allclose(values, np.tile(last_window, 3)[:7])


def test_rows_in_any_order_continue_from_the_latest_time():
    data = make("time_series", n_samples=80, noise=0.0, random_state=2, window=5, period=30.0)
    shuffled = data.take(np.random.default_rng(0).permutation(80))
    model = ExactRecurrence(30.0)
    time, values = forecast(model, shuffled, 10)
    expected_time, expected = forecast(model, data, 10)
    np.testing.assert_array_equal(time, expected_time)
    np.testing.assert_allclose(values, expected, atol=1e-12)


def test_the_transform_is_applied_before_the_model():
    data = make("time_series", n_samples=20, noise=0.0, random_state=0, window=2)

    class Doubler:
        def transform(self, X):
            return 2.0 * X

    _, values = forecast(lambda X: X[:, -1], data, 3, transform=Doubler())
    np.testing.assert_allclose(values, data.y[-1] * np.array([2.0, 4.0, 8.0]))


def test_a_real_model_trained_on_the_windows():
    from algorithms import LinearRegression

    data = make("time_series", n_samples=300, noise=0.0, random_state=4, window=8)
    longer = make("time_series", n_samples=320, noise=0.0, random_state=4, window=8)
    model = LinearRegression(learning_rate=0.1, max_epochs=3000, validation_fraction=0.0).fit(data.X, data.y)
    _, values = forecast(model, data, 20)
    # gradient descent is close to, not exactly at, the recurrence: the error grows slowly
    assert np.max(np.abs(values - longer.y[300:])) < 0.05


def test_roll_forward_on_plain_values_and_shapes_of_predictions():
    fibonacci = roll_forward(lambda X: X[:, 0] + X[:, 1], [1.0, 1.0], 6)
    np.testing.assert_array_equal(fibonacci, [2, 3, 5, 8, 13, 21])
    column = roll_forward(lambda X: X.sum(axis=1, keepdims=True), [1.0], 3)  # (1, 1) predictions
    np.testing.assert_array_equal(column, [1, 1, 1])
    scalar = roll_forward(lambda X: float(X[0, -1]) * 2, [1.5], 3)
    np.testing.assert_array_equal(scalar, [3, 6, 12])
    assert roll_forward(lambda X: X[:, 0], [1.0, 2.0], 0).shape == (0,)
    time, values = forecast(lambda X: X[:, 0], make("time_series", n_samples=5, random_state=0), 0)
    assert time.shape == values.shape == (0,)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda ds: forecast(lambda X: X[:, 0], ds, -1), r"horizon must be within \[0, 10000\], got -1"),
        (lambda ds: forecast(lambda X: X[:, 0], ds, MAX_HORIZON + 1), "horizon must be within"),
        (lambda ds: forecast(lambda X: X[:, 0], ds, 2.5), "horizon must be an integer number of steps, got 2.5"),
        (lambda ds: forecast(lambda X: X[:, 0], ds, True), "horizon must be an integer"),
        (lambda ds: forecast(lambda X: X[:, :2], ds, 2),
         r"predict must return one value for one window; got shape \(1, 2\)"),
        (lambda ds: forecast(object(), ds, 2), "model must have a predict"),
        (lambda ds: forecast(lambda X: X[:, 0], make("sine", n_samples=10), 2),
         "'sine' is not a time-series window dataset"),
        (lambda ds: forecast(lambda X: X[:, 0], ds.X, 2), "dataset must be a Dataset, got ndarray"),
        (lambda ds: forecast(lambda X: X[:, 0], ds.take([]), 2), "dataset has no rows"),
        (lambda ds: roll_forward(lambda X: X[:, 0], [], 2), r"window must be a non-empty 1-D array"),
        (lambda ds: roll_forward(lambda X: X[:, 0], [1.0, np.nan], 2), "window must be finite"),
    ],
)
def test_bad_input_is_a_value_error_naming_it(call, match):
    data = make("time_series", n_samples=12, noise=0.1, random_state=0, window=3)
    with pytest.raises(ValueError, match=match):
        call(data)


def test_the_dataset_is_left_as_it_was():
    data = make("time_series", n_samples=12, noise=0.1, random_state=0, window=3)
    copy = Dataset(data.X, data.y, data.task, data.feature_names, (), data.name, time=data.time)
    forecast(lambda X: X[:, 0] * 2, data, 5)
    assert data == copy
