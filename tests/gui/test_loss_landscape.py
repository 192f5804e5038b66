"""The loss landscape: the surface is the training loss over two parameters
(its lowest point, for linear regression, the least-squares solution), the
drawn path is the recorded parameters, a new model starts a new path, the
window follows the path, steps of one epoch are arrows."""

from __future__ import annotations

import numpy as np
import pytest

import datasets
from algorithms import LinearRegression, LogisticRegression, Trainer
from algorithms.losses import softplus
from algorithms.preprocessing import FeatureTransform
from gui.views.frame import FrameComputer
from gui.views.landscape_widget import ARROW_PIXELS, arrowheads
from gui.views.loss_landscape import LandscapeSpec, LossLandscape, follow, parameters

from .conftest import TIMEOUT_MS


def landscape(model, X, y, axes, window, transform=None, **kwargs):
    computer = FrameComputer()
    computer.set_data(X, y, transform)
    computer.set_specs({"landscape": LandscapeSpec(axes, *window, **kwargs)})
    return computer.compute(model)["landscape"]


def line_data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 3, size=(n, 1))
    return x, 1.7 * x[:, 0] - 0.6 + rng.normal(scale=0.3, size=n)


def test_the_linear_landscape_is_the_loss_and_its_lowest_point_the_least_squares_solution():
    X, y = line_data()
    model = LinearRegression(max_epochs=5, validation_fraction=0.0).fit(X, y)  # far from done
    frame = landscape(model, X, y, (0, 1), ((0.0, 3.0), (-2.0, 1.0)), n=61)
    solution, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)
    np.testing.assert_allclose(frame.minimum, solution, atol=1e-9)
    # the grid's own lowest point is the grid point nearest the solution
    j, i = np.unravel_index(np.argmin(frame.loss), frame.loss.shape)
    xs, ys = frame.grid.xs(), frame.grid.ys()
    assert abs(xs[i] - solution[0]) <= (xs[1] - xs[0]) / 2 + 1e-12
    assert abs(ys[j] - solution[1]) <= (ys[1] - ys[0]) / 2 + 1e-12
    # every grid value is the loss the chart shows: MSE / Var(y) with normalize=True
    for j, i in [(0, 0), (10, 47), (60, 3), (31, 29)]:
        mse = np.mean((X[:, 0] * xs[i] + ys[j] - y) ** 2)
        assert frame.loss[j, i] == pytest.approx(mse / y.var(), rel=1e-9)
    np.testing.assert_allclose(frame.params, [*model.coef_, model.intercept_])
    assert frame.current_loss == pytest.approx(np.mean((model.predict(X) - y) ** 2) / y.var())
    assert frame.names == ("w(x1)", "b")


def test_with_three_parameters_the_slice_through_the_solution_is_lowest_there():
    ds = datasets.make("plane", n_samples=150, noise=0.1, random_state=0)
    model = LinearRegression(learning_rate=0.3, max_epochs=4000, validation_fraction=0.0, tol=0.0).fit(ds.X, ds.y)
    solution, *_ = np.linalg.lstsq(np.column_stack([ds.X, np.ones(ds.n_samples)]), ds.y, rcond=None)
    np.testing.assert_allclose(parameters(model), solution, atol=1e-6)
    frame = landscape(model, ds.X, ds.y, (0, 1), ((-3.0, 3.0), (-3.0, 3.0)), variables=ds.feature_names)
    np.testing.assert_allclose(frame.minimum, solution[:2], atol=1e-6)
    assert frame.names == ("w(x1)", "w(x2)", "b")


def test_the_logistic_landscape_is_the_cross_entropy_with_its_l2_term():
    ds = datasets.make("moons", n_samples=150, noise=0.2, random_state=0)
    transform = FeatureTransform(features=("x1", "x2", "x1^2"))
    model = LogisticRegression(l2=0.05, max_epochs=40, validation_fraction=0.0).fit(transform(ds.X), ds.y)
    frame = landscape(model, ds.X, ds.y, (2, 3), ((-3.0, 1.0), (-2.0, 2.0)), transform, n=21,
                      variables=ds.feature_names)
    A = np.column_stack([transform(ds.X), np.ones(ds.n_samples)])
    t = (ds.y == model.classes_[1]).astype(float)
    spread = transform(ds.X).std(axis=0)  # l2 acts on the weights of the standardised inputs
    theta = parameters(model)
    xs, ys = frame.grid.xs(), frame.grid.ys()
    for j, i in [(0, 0), (5, 17), (20, 20), (11, 9)]:
        moved = theta.copy()
        moved[2], moved[3] = xs[i], ys[j]
        z = A @ moved
        expected = np.mean(softplus(z) - t * z) + 0.5 * 0.05 * np.sum((moved[:3] * spread) ** 2)
        assert frame.loss[j, i] == pytest.approx(expected, rel=1e-5)
    assert frame.names == ("w(x1)", "w(x2)", "w(x1²)", "b")


@pytest.mark.parametrize("make", [
    lambda: LinearRegression(l1=0.05, max_epochs=30, validation_fraction=0.0),
    lambda: LogisticRegression(l1=0.02, l2=0.1, max_epochs=30, validation_fraction=0.0),
])
def test_the_current_loss_is_what_training_minimises_with_its_penalties(make):
    from algorithms.inspect import training_terms

    model = make()
    if isinstance(model, LinearRegression):
        ds = datasets.make("plane", n_samples=150, noise=0.2, random_state=0)
    else:
        ds = datasets.make("moons", n_samples=150, noise=0.2, random_state=0)
    model.fit(ds.X, ds.y)
    frame = landscape(model, ds.X, ds.y, (0, 2), ((-2.0, 2.0), (-2.0, 2.0)), n=11)
    terms = training_terms(model, ds.X, ds.y)
    assert terms.l1_term > 0
    assert frame.current_loss == pytest.approx(terms.total, rel=1e-6)
    # on the grid too: the grid point at the current parameters is the same loss
    theta = parameters(model)
    at = ((theta[0] - 0.5, theta[0] + 0.5), (theta[2] - 0.5, theta[2] + 0.5))
    frame = landscape(model, ds.X, ds.y, (0, 2), at, n=11)
    assert frame.loss[5, 5] == pytest.approx(terms.total, rel=1e-5)


def test_the_surface_reads_only_the_training_rows():
    X, y = line_data(100)
    train = np.arange(100) % 5 != 0
    model = LinearRegression(max_epochs=5).fit(X, y)
    frame = landscape(model, X, y, (0, 1), ((0.0, 3.0), (-2.0, 1.0)),
                      train=np.packbits(train).tobytes(), n_rows=100)
    solution, *_ = np.linalg.lstsq(np.column_stack([X[train], np.ones(train.sum())]), y[train], rcond=None)
    np.testing.assert_allclose(frame.minimum, solution, atol=1e-9)
    assert frame.rows_total == 80


def test_the_window_follows_the_path():
    path = np.array([[0.0, 0.0], [0.5, -1.0]])
    window = follow(path, None)
    (x0, x1), (y0, y1) = window
    assert x0 < 0.0 and x1 > 0.5 and y0 < -1.0 and y1 > 0.0
    assert follow(path, window) == window  # still fits: no change (no new spec)
    longer = np.vstack([path, [[4.0, -1.5]]])
    (x0, x1), _ = follow(longer, window)
    assert x1 > 4.0
    # a path that shrank into a corner of a huge window gets a closer one
    (x0, x1), _ = follow(path, ((-100.0, 100.0), (-100.0, 100.0)))
    assert x1 - x0 < 5


def test_arrowheads_sit_on_the_ends_of_one_epoch_steps():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 1.001]])
    x, y = arrowheads(points, np.array([0, 1, 2]), (0.01, 0.01))  # 100 pixels per unit
    assert len(x) == 8  # two strokes for each of the first two steps; the third is shorter than a head
    tips = {(x[k], y[k]) for k in range(0, len(x), 2)}
    assert tips == {(1.0, 0.0), (1.0, 1.0)}
    lengths = np.hypot(x[1::2] - x[::2], y[1::2] - y[::2])
    np.testing.assert_allclose(lengths, ARROW_PIXELS * 0.01)


# -- in the window --------------------------------------------------------------------------


def landscape_view(window) -> LossLandscape:
    return next(view for view in window.presenter.side_views() if view.view_id == "loss_landscape")


def test_the_drawn_path_is_the_parameters_of_every_epoch_recorded(qtbot, make_window):
    ds = datasets.make("line", n_samples=80, noise=0.1, random_state=0)
    params = dict(learning_rate=0.5, max_epochs=100_000, random_state=0)
    window = make_window(ds, LinearRegression(**params))
    window.side_tabs.setCurrentIndex(2)
    view = landscape_view(window)
    for _ in range(6):
        epoch = window.epoch
        window.toolbar.step_action.trigger()
        qtbot.waitUntil(lambda: window.epoch == epoch + 1 and view.epochs()[-1:].tolist() == [epoch + 1],
                        timeout=TIMEOUT_MS)
    # the same training, replayed: the parameters of each epoch
    model = LinearRegression(**params)
    trainer = Trainer(model, ds.X, ds.y, validation_fraction=model.validation_fraction)  # as the window does
    expected = {0: parameters(model)}
    for _ in range(6):
        trainer.step()
        expected[trainer.epoch] = parameters(model)
    epochs, path = view.epochs(), view.path()
    assert epochs.tolist() == list(range(epochs[0], 7)) and epochs[0] <= 1
    for epoch, theta in zip(epochs, path):
        np.testing.assert_allclose(theta, expected[epoch], rtol=1e-5, atol=1e-6)  # float32 snapshots
    # the drawn path is those points, on the two axes shown
    drawn = view.widget.path_item.path()
    points = np.array([[drawn.elementAt(k).x, drawn.elementAt(k).y] for k in range(drawn.elementCount())])
    np.testing.assert_allclose(points, path[:, [0, 1]])
    # one-epoch steps carry arrowheads (the longer ones), the current point sits at the end
    current = view.widget.current_item.pos()
    assert (current.x(), current.y()) == pytest.approx(tuple(path[-1]))
    # Reset: a new model, a new path
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        window.toolbar.reset_action.trigger()
    qtbot.waitUntil(lambda: len(view.epochs()) and view.epochs()[-1] == 0, timeout=TIMEOUT_MS)
    assert len(view.path()) == 1


def test_with_more_parameters_the_person_picks_the_two(qtbot, make_window):
    ds = datasets.make("moons", n_samples=100, noise=0.1, random_state=0)
    window = make_window(ds, LogisticRegression(max_epochs=100_000))
    window.side_tabs.setCurrentIndex(2)
    view = landscape_view(window)
    qtbot.waitUntil(lambda: view.widget.picker.isVisibleTo(view.widget), timeout=TIMEOUT_MS)
    widget = view.widget
    assert [widget.x_combo.itemText(k) for k in range(widget.x_combo.count())] == ["w(x1)", "w(x2)", "b"]
    assert window.presenter.specs()["loss_landscape"].axes == (0, 1)
    widget.y_combo.setCurrentIndex(2)
    assert window.presenter.specs()["loss_landscape"].axes == (0, 2)
    qtbot.waitUntil(lambda: widget.plot.plot_item.getAxis("left").labelText == "b", timeout=TIMEOUT_MS)
    widget.x_combo.setCurrentIndex(2)  # b on both: the other axis takes the old one
    assert window.presenter.specs()["loss_landscape"].axes == (2, 0)


def test_an_earlier_epoch_cuts_the_path_back_to_it(qtbot):
    # the timeline showing an earlier epoch, or training going on from one
    from .conftest import show

    X, y = line_data(60)
    model = LinearRegression(max_epochs=1, validation_fraction=0.0).fit(X, y)
    frame = landscape(model, X, y, (0, 1), ((-1.0, 1.0), (-1.0, 1.0)))
    view = LossLandscape()
    show(qtbot, view.widget)
    for epoch in range(6):
        view.epoch, view.generation = epoch, 1
        view.show_frame(frame)
    view.epoch = 3
    view.show_frame(frame)
    assert view.epochs().tolist() == [0, 1, 2, 3]
    view.epoch, view.generation = 0, 2  # a new model
    view.show_frame(frame)
    assert view.epochs().tolist() == [0]
