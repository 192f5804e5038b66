"""The network diagram: every node's picture is its unit's values on the
grid, every line its weight (sign, strength), large layers thinned to their
strongest weights, the one-neuron models drawn as one neuron, hovering and
clicking, and a clicked unit shown in the data view."""

from __future__ import annotations

import numpy as np
import pytest

import datasets
from algorithms import LinearRegression, LogisticRegression, NeuralNetwork
from algorithms.preprocessing import FeatureTransform
from gui.views.anatomy import NEGATIVE, POSITIVE, UNIT_TINT, WEIGHT_LEVELS, Unit, level_style
from gui.views.frame import DataContext, FrameComputer
from gui.views.grid import GridSpec, frame_range
from gui.views.network_diagram import LINE_AREA, MAX_TOTAL_LINES, DiagramSpec, NetworkDiagram, lines_per_layer

from .conftest import TIMEOUT_MS, show


def moons(n=200):
    return datasets.make("moons", n_samples=n, noise=0.1, random_state=0)


def diagram(model, dataset, transform=None, canvas=(480, 360), **kwargs):
    """The diagram frame of ``model`` (a float32 snapshot, as the app draws)
    and the snapshot."""
    context = DataContext(dataset, (0, 1) if dataset.n_features > 1 else (0, 0), np.zeros(dataset.n_samples, bool))
    xy = context.xy()
    grid = GridSpec(frame_range(xy[:, 0]), frame_range(xy[:, 1]), 48, 48)
    spec = DiagramSpec(grid, context.base, context.shown, canvas=canvas, variables=tuple(dataset.feature_names),
                       class_names=tuple(dataset.class_names), **kwargs)
    computer = FrameComputer()
    computer.set_data(dataset.X, dataset.y, transform)
    computer.set_specs({"diagram": spec})
    snapshot = model.snapshot(dtype=np.float32)
    return computer.compute(snapshot)["diagram"], snapshot, grid


def node(frame, layer, index):
    return int(np.flatnonzero((frame.layer == layer) & (frame.index == index))[0])


def crop(frame, k):
    x, y, w, h = frame.rects[k].astype(int)
    return frame.image[y:y + h, x:x + w]


def expected_colours(t, negative, positive):
    """The documented colouring: white + UNIT_TINT |t| (hue - white), as B, G, R."""
    hue = np.where((t >= 0)[..., None], np.array(positive, float), np.array(negative, float))
    rgb = 255.0 + UNIT_TINT * np.abs(t)[..., None] * (hue - 255.0)
    return rgb[..., ::-1]


@pytest.fixture(scope="module")
def network():
    ds = moons()
    model = NeuralNetwork(hidden_layers=(5, 3), activation="tanh", max_epochs=40, random_state=0).fit(ds.X, ds.y)
    return ds, model


def test_a_hidden_units_picture_is_its_activation_on_the_grid(network):
    ds, model = network
    frame, snapshot, grid = diagram(model, ds)
    assert frame.sizes == (2, 5, 3, 1)
    # the layer values are computed on the grid points of the largest node beyond the inputs
    largest = max(range(1, 4), key=lambda layer: len(frame.samples[layer][0]))
    rows, columns = frame.samples[largest]
    xs, ys = grid.xs(), grid.ys()
    evaluated = np.column_stack([np.tile(xs[columns], len(rows)), np.repeat(ys[rows], len(columns))])
    scale = np.abs(snapshot.layer_activations(evaluated)[1]).max()  # the layer's largest |a|
    rows, columns = frame.samples[1]
    points = np.column_stack([np.tile(xs[columns], len(rows)), np.repeat(ys[rows], len(columns))])
    activations = snapshot.layer_activations(points)[1]  # (side * side, 5): from layer_outputs
    for unit in range(5):
        picture = crop(frame, node(frame, 1, unit))[..., :3].astype(float)
        a = activations[:, unit].reshape(len(rows), len(columns))
        expected = expected_colours(a / scale, NEGATIVE, POSITIVE)
        # the bias mark covers the lower left corner: compare the rest
        mark = max(3, len(rows) // 5) + 1
        keep = np.ones(a.shape, bool)
        keep[-mark:, :mark] = False
        np.testing.assert_allclose(picture[keep], expected[keep], atol=2.0)
        # orange where the unit is positive, blue where it is negative
        strong = np.abs(a) > 0.2 * scale
        orange = picture[..., 2] > picture[..., 0]  # red above blue
        assert np.array_equal(orange[strong & keep], (a > 0)[strong & keep])


def test_the_inputs_and_the_output_pictures(network):
    ds, model = network
    frame, snapshot, grid = diagram(model, ds)
    rows, columns = frame.samples[0]
    x1 = np.tile(grid.xs()[columns], (len(rows), 1))  # the x1 input over the plane
    picture = crop(frame, node(frame, 0, 0))[..., :3].astype(float)
    middle, half = (x1.min() + x1.max()) / 2, (x1.max() - x1.min()) / 2
    np.testing.assert_allclose(picture, expected_colours((x1 - middle) / half, NEGATIVE, POSITIVE), atol=2.0)
    # the output: P(class 1), class 0's colour below 0.5, class 1's above
    rows, columns = frame.samples[3]
    points = np.column_stack([np.tile(grid.xs()[columns], len(rows)), np.repeat(grid.ys()[rows], len(columns))])
    p = snapshot.predict_proba(points)[:, 1].reshape(len(rows), len(columns))
    picture = crop(frame, node(frame, 3, 0))[..., :3].astype(float)
    keep = np.ones(p.shape, bool)
    mark = max(3, len(rows) // 5) + 1
    keep[-mark:, :mark] = False
    expected = expected_colours((p - 0.5) / 0.5, PALETTE_OF(0), PALETTE_OF(1))
    np.testing.assert_allclose(picture[keep], expected[keep], atol=2.0)
    k = node(frame, 3, 0)
    assert frame.low[k] == pytest.approx(p.min(), abs=1e-6) and frame.high[k] == pytest.approx(p.max(), abs=1e-6)


def PALETTE_OF(code):  # noqa: N802 - reads as a constant
    from gui.views.colors import PALETTE

    return PALETTE[code]


def test_every_weight_line_is_its_weight(network):
    ds, model = network
    frame, snapshot, _ = diagram(model, ds)
    coefs = snapshot.coefs_
    assert len(frame.weights) == sum(w.size for w in coefs)  # small layers: every weight drawn
    for (layer, source, target), weight in zip(frame.edge_units, frame.weights):
        assert weight == coefs[layer][source, target]
    # each line sits in the path of its sign and strength
    for level, x, y in frame.lines:
        assert level != 0 and abs(level) <= WEIGHT_LEVELS
        for segment in np.column_stack([x[::2], y[::2], x[1::2], y[1::2]]):
            k = int(np.flatnonzero((frame.edges == segment).all(axis=1))[0])
            layer, source, target = frame.edge_units[k]
            weight = float(coefs[layer][source, target])
            largest = float(np.abs(coefs[layer]).max())
            assert np.sign(level) == np.sign(weight)
            assert abs(level) == min(WEIGHT_LEVELS, int(np.ceil(WEIGHT_LEVELS * abs(weight) / largest)))
    # biases on the nodes
    k = node(frame, 2, 1)
    assert frame.bias[k] == snapshot.intercepts_[1][1]
    assert np.isnan(frame.bias[node(frame, 0, 0)])
    assert frame.names[k] == "hidden layer 2, unit 2"


def test_a_large_layer_draws_its_strongest_weights_and_says_so():
    ds = moons(100)
    model = NeuralNetwork(hidden_layers=(64,) * 8, max_epochs=2, random_state=0).fit(ds.X, ds.y)
    frame, snapshot, _ = diagram(model, ds, canvas=(520, 420))
    assert frame.sizes == (2, *(64,) * 8, 1)
    per_layer = lines_per_layer(9, (520, 420))  # nine pairs of layers share the lines
    assert per_layer == min(520 * 420 // LINE_AREA, MAX_TOTAL_LINES) // 9
    assert f"the {per_layer} strongest of each layer drawn" in frame.caption
    middle = frame.edge_units[:, 0] == 3
    assert middle.sum() == per_layer
    drawn = np.abs(frame.weights[middle])
    weights = np.abs(snapshot.coefs_[3])
    mask = np.zeros(weights.shape, bool)
    mask[frame.edge_units[middle, 1], frame.edge_units[middle, 2]] = True
    assert drawn.min() >= weights[~mask].max()
    # every node still has its picture, the thumbnails shrink to fit
    assert len(frame.rects) == 2 + 64 * 8 + 1
    assert frame.rects[node(frame, 1, 0), 2] < 8 and frame.rects[node(frame, 0, 0), 2] >= 16
    assert np.all(frame.rects[:, 1] + frame.rects[:, 3] <= 420) and np.all(frame.rects[:, 1] >= 0)


def test_a_wide_layer_pair_draws_at_most_max_lines():
    ds = moons(100)
    model = NeuralNetwork(hidden_layers=(40, 40), max_epochs=2, random_state=0).fit(ds.X, ds.y)
    frame, _, _ = diagram(model, ds, max_lines=100)
    assert np.count_nonzero(frame.edge_units[:, 0] == 1) == 100  # of 1600
    assert np.count_nonzero(frame.edge_units[:, 0] == 0) == 80  # all of 2 x 40
    assert "the 100 strongest" in frame.caption


def test_at_least_32_thumbnails_of_48_pixels_fit():
    ds = moons(100)
    model = NeuralNetwork(hidden_layers=(16, 16), max_epochs=2, random_state=0).fit(ds.X, ds.y)
    frame, _, _ = diagram(model, ds, canvas=(760, 1150))
    assert np.count_nonzero(frame.rects[:, 2] == 48) >= 32


def test_logistic_regression_is_one_neuron_with_the_features_it_sees():
    ds = datasets.make("circles", n_samples=200, noise=0.05, random_state=0)
    transform = FeatureTransform(features=("x1", "x2", "x1^2", "x2^2"))
    model = LogisticRegression(max_epochs=200).fit(transform(ds.X), ds.y)
    frame, snapshot, _ = diagram(model, ds, transform)
    assert frame.sizes == (4, 1)
    np.testing.assert_array_equal(frame.weights, snapshot.coef_)  # raw units: the equation's numbers
    assert frame.bias[node(frame, 1, 0)] == pytest.approx(snapshot.intercept_)
    assert frame.names == ("input x1", "input x2", "input x1²", "input x2²", "output: p(class 1)")
    assert [text for *_, text, _ in frame.labels] == ["x1", "x2", "x1²", "x2²", "p(class 1)"]


def test_linear_regression_on_a_polynomial_is_one_neuron():
    ds = datasets.make("sine", n_samples=100, random_state=0)
    transform = FeatureTransform(n_inputs=1, degree=3)
    model = LinearRegression(max_epochs=300).fit(transform(ds.X), ds.y)
    frame, snapshot, _ = diagram(model, ds, transform)
    assert frame.sizes == (3, 1)
    np.testing.assert_allclose(frame.weights, snapshot.coef_)
    assert frame.names[:3] == ("input x", "input x²", "input x³") and frame.names[3] == "output: ŷ"


# -- the widget -------------------------------------------------------------------------


def test_the_widget_draws_lines_with_the_levels_pens_and_answers_hover_and_click(qtbot, network):
    from PySide6.QtCore import Qt

    from gui.views.diagram import DiagramWidget, line_pen

    ds, model = network
    widget = show(qtbot, DiagramWidget(), 520, 420)
    frame, snapshot, _ = diagram(model, ds, canvas=widget.canvas_size())
    widget.show_diagram(frame)
    assert widget.canvas.drawn_lines[2] is frame.lines
    for level, _, _ in frame.lines:
        rgb, alpha, width = level_style(level)
        pen = line_pen(level)
        assert pen.widthF() == pytest.approx(width) and pen.color().getRgb() == (*rgb, round(alpha * 255))
    k = node(frame, 1, 2)
    text = widget.describe_node(k)
    assert "hidden layer 1, unit 3" in text and "layer 1, unit 3 of 5" in text
    assert f"bias {snapshot.intercepts_[0][2]:.2f}".replace("-", "−") in text
    assert "values over the plane" in text
    line = 7
    assert f"{frame.weights[line]:.4g}" in widget.describe_line(line)
    # the pointer over a node shows that in a tooltip, over a line its weight
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    def hover(x, y):  # scene coordinates (the drawing's pixels)
        viewport = widget.canvas.viewport()
        point = QPointF(widget.canvas.mapFromScene(QPointF(x, y)))
        x, y = point.x(), point.y()
        event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(x, y), viewport.mapToGlobal(QPointF(x, y)),
                            Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, event)
        return QToolTip.text() if QToolTip.isVisible() else ""

    x, y, w, h = frame.rects[k]
    assert hover(x + w / 2, y + h / 2) == text
    x0, y0, x1, y1 = frame.edges[0]
    for t in np.linspace(0.3, 0.7, 5):  # a point on the first line where no other line runs
        tip = hover(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
        if tip.startswith("weight"):
            break
    assert tip.startswith("weight ")
    weight = float(tip.split()[1])
    assert weight in [float(f"{w:.4g}") for w in frame.weights]
    # a click on a node asks for that unit (when the data view can show units)
    widget.set_focus(None, True)
    x, y, w, h = frame.rects[k]
    from PySide6.QtTest import QTest

    with qtbot.waitSignal(widget.unit_clicked) as clicked:
        QTest.mouseClick(widget.canvas.viewport(), Qt.MouseButton.LeftButton,
                         pos=widget.canvas.mapFromScene(QPointF(x + w / 2, y + h / 2)))
    assert clicked.args == [1, 2, "hidden layer 1, unit 3"]


def test_each_weight_line_is_drawn_in_the_colour_and_opacity_of_its_weight(qtbot):
    from gui.views.diagram import DiagramWidget

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = (2 * X[:, 0] - X[:, 1] + rng.normal(scale=0.5, size=200) > 0).astype(int)  # one weight of each sign
    model = LogisticRegression(max_epochs=100).fit(X, y)
    assert np.sign(model.coef_).tolist() == [1, -1]
    ds = datasets.Dataset(X, y, task="classification", feature_names=("x1", "x2"), class_names=("a", "b"))
    widget = show(qtbot, DiagramWidget(), 520, 420)
    frame, snapshot, _ = diagram(model, ds, canvas=widget.canvas_size())
    widget.show_diagram(frame)
    lines = widget.canvas.lines_item.pixmap().toImage()
    largest = np.abs(snapshot.coef_).max()
    for (x0, y0, x1, y1), weight in zip(frame.edges, frame.weights):
        middle = lines.pixelColor(int((x0 + x1) / 2), int((y0 + y1) / 2))
        level = int(np.sign(weight) * np.ceil(WEIGHT_LEVELS * abs(weight) / largest))
        rgb, alpha, _ = level_style(level)
        assert (middle.red(), middle.green(), middle.blue()) == pytest.approx(rgb, abs=3)
        assert middle.alpha() == pytest.approx(alpha * 255, abs=3)


# -- in the window ----------------------------------------------------------------------


def diagram_view(window) -> NetworkDiagram:
    return next(view for view in window.presenter.side_views() if view.view_id == "network_diagram")


def test_the_window_shows_the_diagram_and_a_clicked_unit_in_the_data_view(qtbot, make_window):
    ds = moons()
    window = make_window(ds, NeuralNetwork(hidden_layers=(4,), random_state=0, max_epochs=100_000))
    tabs = window.side_tabs
    assert tabs.tabText(0) == "Network"
    view = diagram_view(window)
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == 1 and view.widget.canvas.frame is not None, timeout=TIMEOUT_MS)
    assert view.widget.canvas.frame.sizes == (2, 4, 1)
    # click hidden unit 2: the data view shows its picture
    view._on_unit_clicked(1, 1, "hidden layer 1, unit 2")
    assert window.presenter.focus() == Unit(1, 1)
    assert "hidden layer 1, unit 2" in window.view_title.text()
    data_view = window.presenter.data_view()
    model = window.controller._worker.state.model  # paused after one epoch: it stays as it is
    snapshot = model.snapshot(dtype=np.float32)
    grid = data_view.widget.grid_spec()
    expected = snapshot.layer_activations(grid.points())[1][:, 1]
    qtbot.waitUntil(lambda: _shown_unit(data_view, expected), timeout=TIMEOUT_MS)
    assert view.widget.back_button.isVisibleTo(view.widget)
    # back to the model's output
    view.widget.back_button.click()
    assert window.presenter.focus() is None
    assert "hidden" not in window.view_title.text()
    proba = snapshot.predict_proba(grid.points())
    qtbot.waitUntil(lambda: _shown_probabilities(data_view, proba), timeout=TIMEOUT_MS)


def _shown_unit(data_view, activation) -> bool:
    """Whether the decision surface shows ``activation`` coloured as a unit
    (orange where positive, blue where negative)."""
    image = data_view.widget.surface_item.image
    if image is None:
        return False
    picture = image.reshape(-1, 4)[:, :3].astype(int)  # B, G, R
    strong = np.abs(activation) > 0.3 * np.abs(activation).max()
    orange = picture[:, 2] > picture[:, 0]
    return bool(np.array_equal(orange[strong], activation[strong] > 0))


def _shown_probabilities(data_view, proba) -> bool:
    from gui.views.surface import SurfacePainter

    image = data_view.widget.surface_item.image
    expected = SurfacePainter(data_view.widget.grid_spec())(proba, np.array([0, 1])).bgra
    return image is not None and image.shape == expected.shape and np.abs(image.astype(int) - expected).max() <= 1


def test_a_hidden_diagram_is_not_computed(qtbot, window):
    view = diagram_view(window)
    assert "network_diagram" in window.presenter.specs()
    window.side_tabs.setCurrentIndex(1)  # the weights
    assert not view.widget.isVisible()
    assert "network_diagram" not in window.presenter.specs()
    window.side_tabs.setCurrentIndex(0)
    assert "network_diagram" in window.presenter.specs()


def test_a_new_model_drops_the_focus(qtbot, make_window):
    ds = moons()
    window = make_window(ds, NeuralNetwork(hidden_layers=(4,), random_state=0, max_epochs=100_000))
    view = diagram_view(window)
    view._on_unit_clicked(1, 0, "hidden layer 1, unit 1")
    assert window.presenter.focus() is not None
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        window.toolbar.reset_action.trigger()
    assert window.presenter.focus() is None
    assert not view.widget.back_button.isVisibleTo(view.widget)


def test_a_clicked_unit_of_a_regression_network_shows_in_the_prediction_heatmap(qtbot, make_window):
    from gui.views.anatomy import unit_surface

    ds = datasets.make("plane", n_samples=120, noise=0.1, random_state=0)
    window = make_window(ds, NeuralNetwork(hidden_layers=(3,), task="regression", random_state=0,
                                           max_epochs=100_000))
    view = diagram_view(window)
    data_view = window.presenter.data_view()
    assert data_view.view_id == "prediction_heatmap"
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == 1 and view.widget.canvas.frame is not None, timeout=TIMEOUT_MS)
    view._on_unit_clicked(1, 2, "hidden layer 1, unit 3")
    assert window.presenter.focus() == Unit(1, 2)
    assert not data_view.widget.colorbar.isVisible()
    snapshot = window.controller._worker.state.model.snapshot(dtype=np.float32)
    grid = data_view.widget.grid_spec()
    expected = unit_surface(grid, snapshot, grid.points(), Unit(1, 2)).bgra
    qtbot.waitUntil(lambda: data_view._unit_item.isVisible() and data_view._unit_item.image is not None
                    and np.abs(data_view._unit_item.image.astype(int) - expected).max() <= 1, timeout=TIMEOUT_MS)
    assert not data_view.widget.image_item.isVisible()
    view.widget.back_button.click()
    assert data_view.widget.colorbar.isVisible() and not data_view._unit_item.isVisible()
    qtbot.waitUntil(lambda: data_view.widget.image_item.isVisible(), timeout=TIMEOUT_MS)


def test_the_split_reaches_the_views_when_the_report_bringing_it_is_skipped(qtbot, make_window):
    # Showing the diagram changes the specs; a report made before that is
    # skipped, and with it the split it brought: the views must still get it.
    ds = moons(200)
    window = make_window(ds, NeuralNetwork(hidden_layers=(4,), random_state=0, max_epochs=100_000),
                         wait_first_frame=False)
    window._on_specs_changed()  # the specs change before the first report arrives
    data_view = window.presenter.data_view()
    qtbot.waitUntil(lambda: window._generation > 0, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: int(data_view.data.val_mask.sum()) == 40, timeout=TIMEOUT_MS)  # 20% of 200
