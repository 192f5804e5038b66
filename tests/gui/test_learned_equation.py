"""The learned equation: its coefficients are ``coef_``/``intercept_`` in the
raw units of the features the model sees, written and coloured as the
network diagram's lines, the largest terms of a long equation, names taken
as plain text."""

from __future__ import annotations

import re

import numpy as np
import pytest

import datasets
from algorithms import LinearRegression, LogisticRegression
from algorithms.preprocessing import FeatureTransform
from gui.views.anatomy import level_style, number
from gui.views.equation import EquationSpec, LearnedEquation
from gui.views.frame import FrameComputer

from .conftest import TIMEOUT_MS


def equation(model, X, y, transform=None, variables=("x1", "x2"), class_names=("class 0", "class 1"), **kwargs):
    computer = FrameComputer()
    computer.set_data(X, y, transform)
    computer.set_specs({"equation": EquationSpec(variables, class_names, **kwargs)})
    snapshot = model.snapshot(dtype=np.float32)
    return computer.compute(snapshot)["equation"], snapshot


def test_linear_regression_writes_its_coefficients_in_raw_units():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(200, 2)) * [1.0, 10.0]  # features of different scales
    y = 2.31 * X[:, 0] - 0.40 * X[:, 1] + 1.20
    model = LinearRegression(learning_rate=0.3, max_epochs=3000, validation_fraction=0.0).fit(X, y)
    frame, snapshot = equation(model, X, y)
    np.testing.assert_allclose(frame.coef[0], snapshot.coef_)
    assert frame.intercept[0] == pytest.approx(snapshot.intercept_)
    np.testing.assert_allclose(snapshot.coef_, [2.31, -0.40], atol=1e-4)
    assert frame.plain == "ŷ = 2.31·x1 − 0.40·x2 + 1.20"


def test_logistic_regression_writes_sigma_of_its_transformed_features():
    ds = datasets.make("circles", n_samples=200, noise=0.05, random_state=0)
    transform = FeatureTransform(features=("x1", "x1^2", "x2^2"))
    model = LogisticRegression(max_epochs=300).fit(transform(ds.X), ds.y)
    frame, snapshot = equation(model, ds.X, ds.y, transform)
    w, b = snapshot.coef_, snapshot.intercept_
    np.testing.assert_allclose(w, model.coef_, rtol=1e-4, atol=1e-5)  # the float32 copy the app draws
    signs = ["−" if v < 0 else "+" for v in w[1:]]
    expected = (f"p(class 1) = σ({'−' if w[0] < 0 else ''}{number(abs(w[0]))}·x1 {signs[0]} {number(abs(w[1]))}·x1² "
                f"{signs[1]} {number(abs(w[2]))}·x2² {'−' if b < 0 else '+'} {number(abs(b))})")
    assert frame.plain == expected
    assert frame.names == ("x1", "x1²", "x2²")


def test_each_coefficient_is_coloured_as_its_weight_line():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 3))
    y = 3.0 * X[:, 0] - 3.0 * X[:, 1] + 0.5 * X[:, 2]
    model = LinearRegression(max_epochs=2000, validation_fraction=0.0).fit(X, y)
    frame, snapshot = equation(model, X, y, variables=("a", "b", "c"))
    colours = re.findall(r'<span style="color:(#[0-9a-f]{6}); font-weight:600">([^<]*)</span>', frame.text)
    assert len(colours) == 4  # three coefficients and the intercept

    def line_colour(level):
        rgb, alpha, _ = level_style(level)
        alpha = max(alpha, 0.55)
        return "#{:02x}{:02x}{:02x}".format(*(round(255 + alpha * (c - 255)) for c in rgb))

    largest = np.abs(snapshot.coef_).max()
    for (colour, text), w in zip(colours, snapshot.coef_):
        level = int(np.sign(w) * np.ceil(6 * abs(w) / largest))
        assert colour == line_colour(level)
        assert text.replace("&nbsp;", "").lstrip("+−") == number(abs(w))
    assert colours[0][0] == "#ff7f0e" and colours[1][0] == "#1f77b4"  # the strongest: full orange, full blue


def test_a_long_equation_shows_its_largest_terms():
    ds = datasets.make("moons", n_samples=200, noise=0.2, random_state=0)
    transform = FeatureTransform(degree=5)  # 20 features
    model = LogisticRegression(max_epochs=50).fit(transform(ds.X), ds.y)
    frame, snapshot = equation(model, ds.X, ds.y, transform, max_terms=6)
    shown = frame.shown[0]
    assert shown.sum() == 6 and "(14 smaller terms)" in frame.plain
    size = np.abs(snapshot.coef_) * transform(ds.X).std(axis=0)
    assert size[shown].min() >= size[~shown].max()


def test_names_from_a_file_are_plain_text():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y = X[:, 0]
    model = LinearRegression(max_epochs=10).fit(X, y)
    frame, _ = equation(model, X, y, variables=("<b>bold</b>", "a&b"))
    assert "<b>bold</b>" not in frame.text and "&lt;b&gt;bold&lt;/b&gt;" in frame.text and "a&amp;b" in frame.text
    frame, _ = equation(model, X, y, variables=("t-2", "t-1"))  # a lag, not a difference
    assert "·(t-2)" in frame.plain and "·(t-1)" in frame.plain


def test_the_window_shows_the_equation_of_the_model_it_trains(qtbot, make_window):
    ds = datasets.make("moons", n_samples=150, noise=0.1, random_state=0)
    window = make_window(ds, LogisticRegression(max_epochs=100_000))
    tabs = window.side_tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Network", "Equation", "Loss landscape", "How it learns"]
    tabs.setCurrentIndex(1)
    view = next(v for v in window.presenter.side_views() if v.view_id == LearnedEquation.view_id)
    for _ in range(3):
        epoch = window.epoch
        window.toolbar.step_action.trigger()
        qtbot.waitUntil(lambda: window.epoch == epoch + 1, timeout=TIMEOUT_MS)
    snapshot = window.controller._worker.state.model.snapshot(dtype=np.float32)  # paused: as drawn
    w, b = snapshot.coef_, snapshot.intercept_
    expected = (f"{'−' if w[0] < 0 else ''}{number(abs(w[0]))}·x1 {'−' if w[1] < 0 else '+'} "
                f"{number(abs(w[1]))}·x2 {'−' if b < 0 else '+'} {number(abs(b))}")

    def plain():
        text = view.widget.label.text()
        return re.sub(r"<[^>]+>", "", text).replace("&nbsp;", " ")

    qtbot.waitUntil(lambda: expected in plain(), timeout=TIMEOUT_MS)
    assert plain().startswith("p(● class 1) = σ(")
