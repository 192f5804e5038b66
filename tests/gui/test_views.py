"""The plot views, checked by what they draw: pixels of ``grab()``, the data
held by their pyqtgraph items, and their grids.

Set VIEWS_SCREENSHOTS=/some/dir to keep the screenshots the tests take
(default: pytest's temporary directory).
"""

import os
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtGui

from gui.views import (PALETTE, ClassificationView, ConfusionView, GridSpec, LossView,
                       PredictedActualView, Regression1DView, RegressionHeatmapView,
                       Surface3DView, TimeSeriesView, opengl_available, surface_rgb)
from gui.views._decimate import GrowingArray, PeakPyramid, peak_display
from gui.views._scatter import UniformScatterItem
from gui.views.contour import contour_segments
from gui.views.grid import frame_range

from .conftest import show

# -- helpers -----------------------------------------------------------------


@pytest.fixture
def screenshot(tmp_path):
    """``screenshot(widget, name)`` saves ``views_<name>.png`` and returns
    the grabbed image as an (h, w, 3) uint8 array."""
    folder = Path(os.environ.get("VIEWS_SCREENSHOTS", tmp_path))

    def save(widget, name):
        image = widget.grab().toImage()
        image.save(str(folder / f"views_{name}.png"))
        return to_array(image)

    return save


def to_array(image: QtGui.QImage) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    height, width = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(height, image.bytesPerLine())
    return rows[:, :3 * width].reshape(height, width, 3).copy()


def grab(widget) -> np.ndarray:
    return to_array(widget.grab().toImage())


def pixel_of(widget, plot_item, x, y) -> tuple[int, int]:
    """Widget pixel (col, row) showing data point (x, y) of ``plot_item``."""
    scene_point = plot_item.vb.mapViewToScene(QtCore.QPointF(x, y))
    view = plot_item.scene().views()[0]
    local = view.mapFromScene(scene_point)
    point = view.viewport().mapTo(widget, local)
    return point.x(), point.y()


def color_at(image, widget, plot_item, x, y) -> np.ndarray:
    col, row = pixel_of(widget, plot_item, x, y)
    return image[row, col].astype(int)


def spiral(n_per_class, n_classes, noise, rng):
    X, y = [], []
    for code in range(n_classes):
        radius = np.linspace(0.05, 1.0, n_per_class)
        start = 2 * np.pi * code / n_classes
        angle = np.linspace(start, start + 1.75 * np.pi, n_per_class)
        angle = angle + rng.normal(0, noise, n_per_class)
        X.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        y.append(np.full(n_per_class, code))
    return np.vstack(X), np.concatenate(y)


def parzen_proba(X_train, y_train, points, n_classes, width):
    """A plausible model output: Gaussian-kernel class densities, normalised."""
    d2 = ((points[:, None, :] - X_train[None, :, :]) ** 2).sum(-1)
    weights = np.exp(-d2 / (2 * width ** 2))
    dens = np.stack([weights[:, y_train == c].sum(1) for c in range(n_classes)], 1) + 1e-9
    return dens / dens.sum(1, keepdims=True)


def two_blobs(rng, n=100):
    X = np.vstack([rng.normal([-1.0, 0.0], 0.3, (n, 2)), rng.normal([1.0, 0.0], 0.3, (n, 2))])
    return X, np.repeat([0, 1], n)


# -- pure pieces ---------------------------------------------------------------


def test_grid_points_are_row_major_y_outer_x_inner():
    grid = GridSpec((0.0, 3.0), (10.0, 11.0), nx=4, ny=3)
    points = grid.points()
    assert points.shape == (12, 2)
    xs, ys = grid.xs(), grid.ys()
    for j in range(3):
        for i in range(4):
            assert tuple(points[j * 4 + i]) == (xs[i], ys[j])
    np.testing.assert_array_equal(points[:4, 1], 10.0)       # first row: lowest y
    np.testing.assert_array_equal(points[:4, 0], [0, 1, 2, 3])
    # Outputs reshape to an image with row j = ys[j].
    np.testing.assert_array_equal(points[:, 1].reshape(3, 4)[:, 0], ys)
    assert grid.pixel_rect() == (-0.5, 9.75, 4.0, 1.5)


@pytest.mark.parametrize("kwargs, name", [
    (dict(x_range=(1, 1), y_range=(0, 1), nx=5, ny=5), "x_range"),
    (dict(x_range=(0, 1), y_range=(0, np.nan), nx=5, ny=5), "y_range"),
    (dict(x_range=(0, 1), y_range=(0, 1), nx=1, ny=5), "nx"),
    (dict(x_range=(0, 1), y_range=(0, 1), nx=5, ny=2.5), "ny"),
])
def test_grid_spec_rejects_bad_values(kwargs, name):
    with pytest.raises(ValueError, match=name):
        GridSpec(**kwargs)


def test_frame_range_pads_and_has_defaults():
    assert frame_range([]) == (-1.5, 1.5)
    assert frame_range([0.0, 10.0]) == pytest.approx((-1.0, 11.0))
    assert frame_range([2.0, 2.0]) == (1.0, 3.0)


def test_frame_range_frames_the_finite_values_only():
    assert frame_range([0.0, np.nan, 10.0, np.inf]) == pytest.approx((-1.0, 11.0))
    assert frame_range([-np.inf, 0.0, 10.0]) == pytest.approx((-1.0, 11.0))
    assert frame_range([np.nan, np.inf]) == (-1.5, 1.5)


def test_data_context_xy_gives_the_shown_columns_without_copying_what_is_already_so():
    import datasets
    from gui.views.frame import DataContext

    two = datasets.make("moons", n_samples=50, random_state=0)
    context = DataContext(two, (0, 1), np.zeros(50, bool))
    assert context.xy() is two.X  # a million rows: no 16 MB copy on the GUI thread
    np.testing.assert_array_equal(DataContext(two, (1, 0), context.val_mask).xy(), two.X[:, ::-1])
    three = datasets.Dataset(np.arange(30.0).reshape(10, 3), np.zeros(10, int), task="classification",
                             feature_names=("a", "b", "c"), class_names=("only",))
    np.testing.assert_array_equal(DataContext(three, (2, 0), np.zeros(10, bool)).xy(), three.X[:, [2, 0]])


def test_surface_rgb_blends_class_colour_by_confidence():
    proba = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.75, 0.25]])
    rgb = surface_rgb(proba, np.array([0, 3])).astype(int)
    assert rgb.shape == (4, 3)
    white = np.array([255, 255, 255])
    # Certain: as saturated as the surface gets, in the column's class hue.
    for row, code in ((0, 0), (1, 3)):
        direction = np.array(PALETTE[code]) - white
        tint = (rgb[row] - white) @ direction / (direction @ direction)
        assert tint > 0.5
        np.testing.assert_allclose(rgb[row], white + tint * direction, atol=1)
    np.testing.assert_array_equal(rgb[2], white)                  # a coin flip: white
    assert np.abs(rgb[3] - white).sum() < np.abs(rgb[0] - white).sum()  # paler than sure
    with pytest.raises(ValueError, match="classes"):
        surface_rgb(proba, np.array([0, 9]))
    with pytest.raises(ValueError, match="classes"):
        surface_rgb(proba, np.array([0]))


def test_contour_segments_follow_the_level_set():
    xs = ys = np.linspace(-2, 2, 101)
    radius = np.hypot(xs[None, :], ys[:, None])
    x, y = contour_segments(radius, xs, ys, 1.0)
    assert x.size > 100 and x.size % 2 == 0
    np.testing.assert_allclose(np.hypot(x, y), 1.0, atol=2e-3)
    empty_x, _ = contour_segments(radius, xs, ys, 5.0)
    assert empty_x.size == 0


def test_peak_pyramid_keeps_every_extreme():
    rng = np.random.default_rng(3)
    values, x, pyramid = GrowingArray(8), GrowingArray(8), PeakPyramid()
    for _ in range(40):
        chunk = rng.normal(size=int(rng.integers(1, 3000)))
        chunk[rng.random(chunk.size) < 0.05] = np.nan
        x.extend(np.arange(values.size, values.size + chunk.size, dtype=float))
        values.extend(chunk)
        pyramid.update(values.values)
    for start, stop in ((0, values.size), (1000, 9000), (5, 60)):
        xs, ys = peak_display(x.values, values.values, pyramid, start, stop, 300)
        assert xs.size <= 2 * 300 + 3
        segment = values.values[start:stop]
        assert np.nanmax(ys) >= np.nanmax(segment) and np.nanmin(ys) <= np.nanmin(segment)
        assert np.all(np.diff(xs) >= 0)


# -- classification --------------------------------------------------------------


def isolated_rows(image_points, rows, min_gap=14.0):
    """Indices in ``rows`` of points at least ``min_gap`` pixels from every
    other point (``image_points``: (n, 2) pixel positions of all points)."""
    gaps = np.hypot(*(image_points[rows, None, :] - image_points[None, :, :]).transpose(2, 0, 1))
    gaps[np.arange(rows.size), rows] = np.inf
    return rows[gaps.min(axis=1) >= min_gap]


def test_classification_scatter_two_uniform_items_per_class(qtbot, screenshot):
    view = show(qtbot, ClassificationView())
    rng = np.random.default_rng(0)
    X, y = spiral(50, 3, 0.1, rng)
    val = rng.random(y.size) < 0.3
    view.set_data(X, y, ["a", "b", "c"], val)
    for code in range(3):
        train, hollow = view.train_items[code], view.validation_items[code]
        assert len(train.data) + len(hollow.data) == np.sum(y == code)
        np.testing.assert_array_equal(np.column_stack(train.getData()), X[(y == code) & ~val])
        np.testing.assert_array_equal(np.column_stack(hollow.getData()), X[(y == code) & val])
        # One look per item, set once: no per-point brushes or pens.
        for item in (train, hollow):
            assert all(value is None for value in item.data["brush"])
            assert all(value is None for value in item.data["pen"])
        # Training: filled with the class colour; validation: white inside a
        # thicker class-coloured outline.
        assert train.opts["brush"].color().getRgb()[:3] == PALETTE[code]
        assert hollow.opts["brush"].color().getRgb()[:3] == (255, 255, 255)
        assert hollow.opts["pen"].color().getRgb()[:3] == PALETTE[code]
        assert hollow.opts["pen"].widthF() > train.opts["pen"].widthF()
    assert all(len(item.data) == 0 for item in view.train_items[3:] + view.validation_items[3:])
    labels = [label.text for _, label in view.legend.items]
    assert labels == ["a", "b", "c", "train", "validation"]
    assert [sample.item for sample, _ in view.legend.items[:3]] == view.train_items[:3]

    # On screen: a training point's centre has its class colour, a validation
    # point's centre is white with its class colour around it.
    image = screenshot(view, "classification_points")
    pixels = np.array([pixel_of(view, view.plot_item, *point) for point in X], dtype=float)
    checked = {True: 0, False: 0}
    for row in isolated_rows(pixels, np.arange(len(X))):
        col, r = (int(v) for v in pixels[row])
        centre = image[r, col].astype(int)
        near = image[r - 5:r + 6, col - 5:col + 6].reshape(-1, 3).astype(int)
        class_rgb = np.array(PALETTE[y[row]])
        if val[row]:
            assert np.all(centre >= 235), (row, centre)
            assert np.abs(near - class_rgb).sum(axis=1).min() < 60, row
        else:
            assert np.abs(centre - class_rgb).sum() < 30, (row, centre, class_rgb)
        checked[bool(val[row])] += 1
    assert checked[True] >= 3 and checked[False] >= 3, checked


def test_classification_legend_hides_a_class_train_and_validation(qtbot):
    view = show(qtbot, ClassificationView())
    rng = np.random.default_rng(0)
    X, y = two_blobs(rng)
    view.set_data(X, y, ["a", "b"], rng.random(y.size) < 0.3)
    view.train_items[0].setVisible(False)                 # what a legend click does
    assert not view.validation_items[0].isVisible()
    assert view.train_items[1].isVisible() and view.validation_items[1].isVisible()
    view.train_items[0].setVisible(True)
    assert view.validation_items[0].isVisible()


def test_classification_hides_the_colours_no_class_uses_and_shows_them_for_new_classes(qtbot):
    view = show(qtbot, ClassificationView())
    rng = np.random.default_rng(0)
    X, y = two_blobs(rng)
    view.set_data(X, y, ["a", "b"], rng.random(y.size) < 0.3)
    visible = [item.isVisible() for item in view.train_items]
    assert visible == [True, True] + [False] * (len(PALETTE) - 2)
    assert [item.isVisible() for item in view.validation_items] == visible
    # a third class appears (drawn, or new data): its colour shows again
    X3, y3 = spiral(20, 3, 0.1, rng)
    view.set_data(X3, y3, ["a", "b", "c"], rng.random(y3.size) < 0.3)
    assert [item.isVisible() for item in view.train_items[:4]] == [True, True, True, False]
    assert view.validation_items[2].isVisible() and len(view.validation_items[2].data) > 0
    # a class the person hid in the legend stays hidden through new data
    view.train_items[1].setVisible(False)
    view.set_data(X3, y3, ["a", "b", "c"])
    assert not view.train_items[1].isVisible() and view.train_items[2].isVisible()


def test_classification_set_data_again_replaces_every_point(qtbot):
    view = show(qtbot, ClassificationView())
    rng = np.random.default_rng(0)
    X, y = spiral(40, 4, 0.1, rng)
    view.set_data(X, y, list("abcd"), rng.random(y.size) < 0.5)
    X2, y2 = two_blobs(rng, 30)
    view.set_data(X2, y2, ["a", "b"])                    # fewer classes, no validation
    assert [len(item.data) for item in view.train_items[:4]] == [30, 30, 0, 0]
    assert all(len(item.data) == 0 for item in view.validation_items)
    np.testing.assert_array_equal(np.column_stack(view.train_items[1].getData()), X2[y2 == 1])
    assert [label.text for _, label in view.legend.items] == ["a", "b"]


def test_classification_grid_frames_data_with_padding(qtbot):
    view = show(qtbot, ClassificationView())
    empty = view.grid_spec()
    assert empty.x_range == (-1.5, 1.5) and empty.y_range == (-1.5, 1.5)
    assert empty.nx >= 200 and empty.ny >= 200
    X = np.array([[0.0, 10.0], [4.0, 12.0], [1.0, 11.0]])
    view.set_data(X, np.array([0, 1, 0]), ["a", "b"])
    grid = view.grid_spec()
    assert grid.x_range[0] < 0.0 and grid.x_range[1] > 4.0
    assert grid.y_range[0] < 10.0 and grid.y_range[1] > 12.0
    assert grid.x_range[1] - grid.x_range[0] < 6.0
    assert grid.points().shape == (grid.nx * grid.ny, 2)


def test_classification_surface_has_each_side_in_its_class_hue(qtbot, screenshot):
    view = show(qtbot, ClassificationView())
    rng = np.random.default_rng(1)
    X, y = two_blobs(rng)
    view.set_data(X, y, ["left", "right"], rng.random(y.size) < 0.2)
    grid = view.grid_spec()
    points = grid.points()
    p_right = 1.0 / (1.0 + np.exp(-4.0 * points[:, 0]))           # boundary at x = 0
    view.set_surface(np.column_stack([1 - p_right, p_right]), np.array([0, 1]))
    image = screenshot(view, "classification_two_sides")
    x_far = 0.9 * grid.x_range[1]
    left = color_at(image, view, view.plot_item, -x_far, grid.y_range[1] * 0.9)
    right = color_at(image, view, view.plot_item, x_far, grid.y_range[1] * 0.9)
    blue, orange = PALETTE[0], PALETTE[1]
    assert left[2] > left[0] + 40, f"left region {left} is not blue-ish like {blue}"
    assert right[0] > right[2] + 40, f"right region {right} is not orange-ish like {orange}"
    # The image covers the grid exactly (image set before its rectangle).
    rect = view.surface_item.mapRectToParent(view.surface_item.boundingRect())
    assert (rect.x(), rect.y(), rect.width(), rect.height()) == pytest.approx(grid.pixel_rect())
    # Two classes: the 0.5 boundary runs along x = 0.
    assert view.boundary_item.isVisible()
    bx, _ = view.boundary_item.getData()
    assert bx.size > 10 and np.abs(bx).max() < 0.05


def test_classification_columns_map_through_class_codes(qtbot):
    view = show(qtbot, ClassificationView())
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    view.set_data(X, np.array([0, 2, 2]), ["a", "b", "c"])   # class 1 is empty
    grid = view.grid_spec()
    points = grid.points()
    right = (points[:, 0] > 0).astype(float)
    view.set_surface(np.column_stack([1 - right, right]), np.array([0, 2]))
    image = grab(view)
    green = color_at(image, view, view.plot_item, 0.9 * grid.x_range[1], 0.9 * grid.y_range[0])
    assert green[1] > green[0] + 30 and green[1] > green[2] + 30, green


def test_classification_multiclass_has_no_boundary_line(qtbot, screenshot):
    view = show(qtbot, ClassificationView(), 640, 600)
    rng = np.random.default_rng(0)
    X, y = spiral(100, 3, 0.2, rng)
    val = rng.random(y.size) < 0.2
    view.set_data(X, y, ["class 0", "class 1", "class 2"], val)
    view.set_axis_labels("x1", "x2")
    proba = parzen_proba(X[~val], y[~val], view.grid_spec().points(), 3, 0.12)
    view.set_surface(proba, np.array([0, 1, 2]))
    predicted = parzen_proba(X[~val], y[~val], X, 3, 0.12).argmax(1)
    view.set_misclassified(predicted != y)
    screenshot(view, "classification_spiral3")
    assert view.surface_item.isVisible() and not view.boundary_item.isVisible()
    assert view.plot_item.getAxis("bottom").labelText == "x1"


def test_misclassified_points_get_a_dark_ring(qtbot, screenshot):
    view = show(qtbot, ClassificationView())
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [0.0, 0.0], [1.0, -1.0]])
    view.set_data(X, np.array([0, 1, 0, 1]), ["a", "b"])

    def ring_darkness(image):
        # Mean darkness of the annulus 6..9 px around the point at (0, 0).
        c, r = pixel_of(view, view.plot_item, 0.0, 0.0)
        rr, cc = np.mgrid[-10:11, -10:11]
        annulus = (np.hypot(rr, cc) >= 6) & (np.hypot(rr, cc) <= 9)
        patch = image[r - 10:r + 11, c - 10:c + 11].astype(float)
        return 255.0 - patch[annulus].mean()

    before = ring_darkness(grab(view))
    view.set_misclassified(np.array([False, False, True, False]))
    assert len(view.ring_item.data) == 1
    after = ring_darkness(screenshot(view, "classification_misclassified"))
    assert after > before + 40, (before, after)
    assert "misclassified" in [label.text for _, label in view.legend.items]
    view.set_misclassified(None)
    assert not view.ring_item.isVisible()


def test_classification_rejects_bad_input(qtbot):
    view = show(qtbot, ClassificationView())
    with pytest.raises(ValueError, match="X2"):
        view.set_data(np.zeros((3, 3)), np.zeros(3, int), ["a"])
    with pytest.raises(ValueError, match="X2 must be finite"):
        view.set_data(np.array([[np.nan, 0.0]]), np.zeros(1, int), ["a"])
    with pytest.raises(ValueError, match="y must be codes"):
        view.set_data(np.zeros((2, 2)), np.array([0, 2]), ["a", "b"])
    with pytest.raises(ValueError, match="val_mask"):
        view.set_data(np.zeros((2, 2)), np.array([0, 1]), ["a", "b"], np.array([True]))
    view.set_data(np.zeros((2, 2)), np.array([0, 1]), ["a", "b"])
    with pytest.raises(ValueError, match="proba"):
        view.set_surface(np.zeros((10, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match="mask"):
        view.set_misclassified(np.array([True]))


def assert_same_picture(fast, stock):
    """The same pixels, but for rounding at the points' antialiased edges:
    the fast item's points are composed on a transparent pixmap first."""
    difference = np.abs(fast.astype(int) - stock.astype(int))
    assert difference.max() <= 3, difference.max()
    assert np.count_nonzero(difference) < 0.01 * difference.size
    assert np.count_nonzero(np.any(stock != 255, axis=-1)) > 5000  # points were drawn


def test_uniform_scatter_item_matches_pyqtgraph_scatter(qtbot):
    """The fast scatter item holds and draws exactly what pyqtgraph's own
    holds and draws, and falls back to it for per-point styles."""
    rng = np.random.default_rng(0)
    pos = rng.normal(size=(400, 2))
    style = dict(symbol="o", size=9, brush=pg.mkBrush(PALETTE[2]), pen=pg.mkPen("w", width=1),
                 antialias=True)
    widgets, images = [], []
    for cls in (UniformScatterItem, pg.ScatterPlotItem):
        widget = show(qtbot, pg.PlotWidget(background="w"), 400, 400)
        item = cls(**style)
        item.setData(pos=pos)
        widget.addItem(item)
        widget.getPlotItem().vb.setRange(xRange=(-3, 3), yRange=(-3, 3), padding=0)
        widgets.append((widget, item))
        images.append(grab(widget))
    (_, fast), (_, stock) = widgets
    for field in ("x", "y", "size", "visible", "symbol", "pen", "brush", "data", "sourceRect"):
        np.testing.assert_array_equal(fast.data[field], stock.data[field], err_msg=field)
    assert fast.dataBounds(0) == stock.dataBounds(0) and fast.pixelPadding() == stock.pixelPadding()
    assert_same_picture(images[0], images[1])
    # Per-point styles (not what the views do) take pyqtgraph's own path.
    brushes = [pg.mkBrush(PALETTE[i % 2]) for i in range(len(pos))]
    for _, item in widgets:
        item.setData(pos=pos, brush=brushes)
    assert fast.data["brush"][1].color().getRgb()[:3] == PALETTE[1]
    assert_same_picture(grab(widgets[0][0]), grab(widgets[1][0]))
    fast.setData(x=pos[:5, 0], y=pos[:5, 1])
    fast.setData(pos=np.empty((0, 2)))
    assert len(fast.data) == 0


# -- frame lock (Draw mode) -----------------------------------------------------------


def view_range(view):
    (x0, x1), (y0, y1) = view.plot_item.vb.viewRange()
    return (x0, x1), (y0, y1)


def near_and_beyond_the_edge(view):
    """Two points: one just inside the visible range's top-right corner, one
    beyond its bottom-right corner."""
    (x0, x1), (y0, y1) = view_range(view)
    return np.array([[x1 - 0.01 * (x1 - x0), y1 - 0.01 * (y1 - y0)],
                     [x1 + 0.3 * (x1 - x0), y0 - 0.3 * (y1 - y0)]])


def test_classification_locked_frame_stays_put_and_unlock_reframes(qtbot):
    view = show(qtbot, ClassificationView())
    rng = np.random.default_rng(0)
    X, y = two_blobs(rng, 20)
    view.set_data(X, y, ["a", "b"])
    grid, shown = view.grid_spec(), view_range(view)
    edge = near_and_beyond_the_edge(view)
    X_more, y_more = np.vstack([X, edge]), np.append(y, [0, 1])
    # Unlocked: the view re-frames around the grown data.
    view.set_data(X_more, y_more, ["a", "b"])
    assert view.grid_spec() != grid and view_range(view) != shown
    view.set_data(X, y, ["a", "b"])
    assert view.grid_spec() == grid and view_range(view) == shown

    view.set_frame_locked(True)
    assert view.frame_locked()
    assert view.grid_spec() == grid                    # a framed view: locking changes nothing
    view.set_data(X_more, y_more, ["a", "b"], np.arange(42) % 3 == 0)
    assert view.grid_spec() == grid and view_range(view) == shown
    assert len(view.train_items[0].data) + len(view.validation_items[0].data) == 21

    with qtbot.waitSignal(view.frame_changed, timeout=1000):
        view.set_frame_locked(False)
    framed = view.grid_spec()
    assert framed.x_range[1] > edge[1, 0] and framed.y_range[0] < edge[1, 1]
    np.testing.assert_allclose(view_range(view), (framed.x_range, framed.y_range))
    assert not view.frame_locked()


def test_classification_locked_surface_covers_the_whole_visible_range(qtbot, screenshot):
    view = show(qtbot, ClassificationView())
    rng = np.random.default_rng(1)
    X, y = two_blobs(rng, 30)
    view.set_data(X, y, ["a", "b"])
    # The person zoomed out before drawing: the view shows far more than the data.
    view.plot_item.vb.setRange(xRange=(-5.0, 5.0), yRange=(-4.0, 4.0), padding=0)
    with qtbot.waitSignal(view.frame_changed, timeout=1000):
        view.set_frame_locked(True)
    grid = view.grid_spec()
    assert grid.x_range == (-5.0, 5.0) and grid.y_range == (-4.0, 4.0)
    assert grid.nx >= 200 and grid.ny >= 200
    view.set_data(np.vstack([X, [[4.8, 3.8]]]), np.append(y, 1), ["a", "b"])
    assert view.grid_spec() == grid and view_range(view) == ((-5.0, 5.0), (-4.0, 4.0))

    # A model sure of class 0 everywhere tints every visible pixel.
    view.set_surface(np.tile([1.0, 0.0], (grid.nx * grid.ny, 1)), np.array([0, 1]))
    rect = view.surface_item.mapRectToParent(view.surface_item.boundingRect())
    assert rect.left() < -5.0 and rect.right() > 5.0 and rect.top() < -4.0 and rect.bottom() > 4.0
    image = screenshot(view, "classification_locked_zoomed_out")
    tinted = surface_rgb(np.array([[1.0, 0.0]]), np.array([0, 1]))[0].astype(int)
    for x in (-4.97, 0.0, 4.97):
        for y_ in (-3.97, 3.97):
            np.testing.assert_allclose(color_at(image, view, view.plot_item, x, y_), tinted,
                                       atol=3, err_msg=f"({x}, {y_}) not covered")

    # Panning while locked: the grid follows what is visible.
    with qtbot.waitSignal(view.frame_changed, timeout=1000):
        view.plot_item.vb.setRange(xRange=(-2.0, 8.0), yRange=(-4.0, 4.0), padding=0)
    assert view.grid_spec().x_range == (-2.0, 8.0)


def test_regression_1d_locked_frame_keeps_curve_x_and_range(qtbot):
    view = show(qtbot, Regression1DView())
    x = np.linspace(-1, 1, 30)
    view.set_data(x, x ** 2)
    curve_x, shown = view.curve_x(), view_range(view)
    view.set_frame_locked(True)
    np.testing.assert_array_equal(view.curve_x(), curve_x)
    edge = near_and_beyond_the_edge(view)
    view.set_data(np.append(x, edge[:, 0]), np.append(x ** 2, edge[:, 1]))
    np.testing.assert_array_equal(view.curve_x(), curve_x)
    assert view_range(view) == shown and view.points.count() == 32
    # Zoomed out while locked: the curve spans what is visible.
    with qtbot.waitSignal(view.frame_changed, timeout=1000):
        view.plot_item.vb.setRange(xRange=(-4.0, 4.0), yRange=(-1.0, 5.0), padding=0)
    assert view.curve_x()[0] == -4.0 and view.curve_x()[-1] == 4.0
    view.set_frame_locked(False)
    framed = view.curve_x()
    assert framed[-1] > edge[1, 0] and view_range(view)[0] == pytest.approx((framed[0], framed[-1]))


def test_regression_heatmap_locked_frame_keeps_the_grid(qtbot):
    view = show(qtbot, RegressionHeatmapView())
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (50, 2))
    view.set_data(X, X[:, 0])
    view.plot_item.vb.setRange(xRange=(-3.0, 3.0), yRange=(-2.0, 2.0), padding=0)
    view.set_frame_locked(True)
    grid = view.grid_spec()
    assert grid.x_range == (-3.0, 3.0) and grid.y_range == (-2.0, 2.0)
    edge = near_and_beyond_the_edge(view)
    view.set_data(np.vstack([X, edge]), np.append(X[:, 0], edge[:, 0]))
    assert view.grid_spec() == grid and view_range(view) == ((-3.0, 3.0), (-2.0, 2.0))
    view.set_surface(grid.points()[:, 0])
    rect = view.image_item.mapRectToParent(view.image_item.boundingRect())
    assert rect.left() < -3.0 and rect.right() > 3.0 and rect.top() < -2.0 and rect.bottom() > 2.0
    view.set_frame_locked(False)
    assert view.grid_spec().x_range[1] > edge[1, 0]


def test_views_without_a_frame_accept_the_lock(qtbot):
    """Views that do not frame a grid take the lock as a no-op, so Draw mode
    may lock whatever view is shown."""
    series = show(qtbot, TimeSeriesView())
    series.set_frame_locked(True)
    assert series.frame_locked()
    series.set_data(np.arange(10.0), np.arange(10.0))
    assert view_range(series)[0][1] > 9.0                 # still frames its data
    for view in (PredictedActualView(), ConfusionView()):
        qtbot.addWidget(view)
        view.set_frame_locked(True)
        view.set_frame_locked(False)
        assert not view.frame_locked()


# -- regression --------------------------------------------------------------------


def test_regression_1d_curve_spans_the_data(qtbot, screenshot):
    view = show(qtbot, Regression1DView(), 640, 460)
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 120)
    y = np.sin(x) + rng.normal(0, 0.15, 120)
    view.set_data(x, y, rng.random(120) < 0.2)
    curve_x = view.curve_x()
    assert 200 <= curve_x.size <= 1000 and np.all(np.diff(curve_x) > 0)
    assert curve_x[0] < x.min() and curve_x[-1] > x.max()
    view.set_curve(np.sin(curve_x))
    shown_x, shown_y = view.curve_item.getData()
    np.testing.assert_allclose(shown_y, np.sin(curve_x))
    image = screenshot(view, "regression1d_sine")
    # In the padding beyond the data, where no point covers the fit line.
    beyond = curve_x[4]
    on_curve = color_at(image, view, view.plot_item, beyond, np.sin(beyond))
    assert on_curve[0] > on_curve[1] + 60, on_curve                  # the red fit line
    assert view.points.count() == 120
    with pytest.raises(ValueError, match="yhat"):
        view.set_curve(np.zeros(3))


def bumps(points):
    x, y = points[:, 0], points[:, 1]
    return (np.exp(-((x - 0.6) ** 2 + (y - 0.5) ** 2) / 0.3)
            - 0.8 * np.exp(-((x + 0.7) ** 2 + (y + 0.4) ** 2) / 0.25))


def test_regression_heatmap_colours_predictions_like_targets(qtbot, screenshot):
    view = show(qtbot, RegressionHeatmapView(), 680, 560)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.5, 1.5, (300, 2))
    view.set_data(X, bumps(X) + rng.normal(0, 0.05, 300), rng.random(300) < 0.2)
    low, high = view.colorbar.levels()
    assert low < -0.7 and high > 0.9
    view.set_surface(bumps(view.grid_spec().points()))
    image = screenshot(view, "heatmap_bumps")
    peak = color_at(image, view, view.plot_item, 0.6, 0.5)
    dip = color_at(image, view, view.plot_item, -0.7, -0.4)
    assert peak[0] > peak[2] + 80, peak        # orange high
    assert dip[2] > dip[0] + 80, dip           # blue low
    assert view.points.count() == 300
    with pytest.raises(ValueError, match="values"):
        view.set_surface(np.zeros(7))


def test_predicted_actual_shows_points_diagonal_and_which_rows(qtbot, screenshot):
    view = show(qtbot, PredictedActualView(), 460, 440)
    rng = np.random.default_rng(0)
    actual = rng.normal(150, 60, 400)
    predicted = actual * 0.8 + 30 + rng.normal(0, 30, 400)
    view.set_data(actual, predicted)
    screenshot(view, "predicted_actual")
    x, y = view.points_item.getData()
    np.testing.assert_allclose(x, actual)
    np.testing.assert_allclose(y, predicted)
    # one R² per split lives in the loss readout: this title says which rows it shows
    assert view.plot_item.titleLabel.text.startswith("all 400 rows") and "R²" not in view.plot_item.titleLabel.text
    assert view.diagonal_item.angle == 45


def test_time_series_prediction_follows_time_order(qtbot, screenshot):
    view = show(qtbot, TimeSeriesView(), 760, 360)
    rng = np.random.default_rng(0)
    time = np.arange(300.0)
    signal = np.sin(time / 12) + 0.4 * np.sin(time / 5.3) + rng.normal(0, 0.1, 300)
    order = rng.permutation(300)                                  # rows in any order
    view.set_data(time[order], signal[order], time[order] >= 240)
    prediction = np.sin(time / 12) + 0.35 * np.sin(time / 5.3)
    view.set_prediction(prediction[order])
    screenshot(view, "timeseries")
    x, y = view.prediction_item.getData()
    np.testing.assert_array_equal(x, time)
    np.testing.assert_allclose(y, prediction)
    sx, sy = view.signal_item.getData()
    np.testing.assert_allclose(sy, signal)
    hollow = view.points.items[1]                                 # validation: white fill
    assert hollow.opts["brush"].color().getRgb()[:3] == (255, 255, 255)
    assert len(hollow.data) == 60


def test_confusion_writes_counts_and_shades_the_diagonal(qtbot, screenshot):
    view = show(qtbot, ConfusionView(), 460, 440)
    cm = np.array([[48, 2, 0], [3, 41, 6], [0, 5, 45]])
    names = ["setosa", "versicolor", "virginica"]
    view.set_matrix(cm, names)
    image = screenshot(view, "confusion")
    for i in range(3):
        for j in range(3):
            assert view.cell_labels[i * 8 + j].toPlainText() == str(cm[i, j])
    assert not view.cell_labels[3].isVisible()
    diagonal = color_at(image, view, view.plot_item, 0.2, 0.2)      # cell (0, 0)
    off = color_at(image, view, view.plot_item, 2.2, 0.2)           # cell (0, 2)
    assert diagonal.sum() < off.sum() - 200
    ticks = view.plot_item.getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == names
    # one accuracy per split lives in the loss readout: this title says which rows it counts
    assert "all 150 rows" in view.plot_item.titleLabel.text and "%" not in view.plot_item.titleLabel.text
    with pytest.raises(ValueError, match="cm"):
        view.set_matrix(np.zeros((2, 3)), ["a", "b"])


# -- loss ----------------------------------------------------------------------------


def synthetic_history(epochs):
    loss = 1.2 * np.exp(-epochs / 3000) + 0.05 / np.sqrt(epochs)
    return loss, loss * 1.1, 1 - 0.6 * np.exp(-epochs / 2000), 0.98 - 0.6 * np.exp(-epochs / 2000)


def test_loss_view_holds_200k_epochs_and_draws_a_bounded_number(qtbot, screenshot):
    view = show(qtbot, LossView(), 700, 420)
    view.reset("accuracy")
    n_epochs, chunk = 200_000, 2_500
    spike_epoch = 123_457
    for start in range(0, n_epochs, chunk):
        epochs = np.arange(start + 1, start + chunk + 1, dtype=float)
        loss, val_loss, score, val_score = synthetic_history(epochs)
        loss[epochs == spike_epoch] = 5.0                            # one spike
        view.append(epochs, loss, val_loss, score, val_score)
    image = screenshot(view, "loss_200k")
    assert view.n_epochs == n_epochs
    # the newest epochs as they are (older ones only as min/max blocks: bounded memory)
    held = view.data("epoch")
    assert held.size >= 65_536
    np.testing.assert_array_equal(held, np.arange(n_epochs - held.size + 1, n_epochs + 1))
    width = int(view.loss_plot.vb.width())
    for name, curve in view.curves.items():
        assert curve.opts["autoDownsample"] and curve.opts["downsampleMethod"] == "peak"
        assert curve.opts["clipToView"]
        x, y = curve.getData()
        assert x.size <= 2 * width + 3, (name, x.size, width)         # not 200k
        assert x[0] == 1 and x[-1] == n_epochs
    _, shown_loss = view.curves["loss"].getData()
    assert shown_loss.max() == 5.0                                   # the spike survives
    assert image.std() > 10


def test_loss_view_zoom_shows_raw_epochs(qtbot):
    view = show(qtbot, LossView(), 700, 420)
    view.reset("R²")
    epochs = np.arange(1, 50_001, dtype=float)
    view.append(epochs, *synthetic_history(epochs))
    view.loss_plot.vb.setXRange(1000, 1500, padding=0)
    x, y = view.curves["loss"].getData()
    inside = (x >= 1000) & (x <= 1500)
    np.testing.assert_array_equal(x[inside], np.arange(1000, 1501))
    assert view.metric_plot.getAxis("left").labelText == "R²"


def test_loss_log_scale_toggle(qtbot, screenshot):
    view = show(qtbot, LossView(), 700, 420)
    epochs = np.arange(1, 301, dtype=float)                         # few: drawn raw
    loss, val_loss, score, val_score = synthetic_history(epochs)
    view.append(epochs, loss, val_loss, score, val_score)
    assert not view.log_scale()
    view.set_log_scale(True)
    assert view.log_scale() and view.log_check.isChecked()
    _, shown = view.curves["loss"].getData()
    np.testing.assert_allclose(shown, np.log10(loss))
    screenshot(view, "loss_log")
    view.log_check.click()                                          # the user's switch
    assert not view.log_scale()
    _, shown = view.curves["loss"].getData()
    np.testing.assert_allclose(shown, loss)


def test_loss_view_without_validation_and_reset(qtbot):
    view = show(qtbot, LossView(), 500, 360)
    epochs = np.arange(1, 11, dtype=float)
    nan = np.full(10, np.nan)
    view.append(epochs, np.linspace(1, 0.1, 10), nan, np.linspace(0.5, 0.9, 10), nan)
    orange = "#{:02x}{:02x}{:02x}".format(*PALETTE[1])                 # validation colour
    assert "validation" not in view.epoch_label.text() and orange not in view.readout.text()
    assert "epoch 10" in view.epoch_label.text() and "0.1" in view.readout.text()
    view.reset("accuracy")
    assert view.n_epochs == 0
    shown_x, _ = view.curves["loss"].getData()
    assert shown_x is None or len(shown_x) == 0
    view.append(np.array([1.0]), [0.5], [0.6], [0.7], [0.6])        # epochs restart at 1
    assert view.n_epochs == 1


@pytest.mark.parametrize("args, name", [
    ((np.arange(3.0), np.zeros(2), np.zeros(3), np.zeros(3), np.zeros(3)), "loss"),
    ((np.zeros((2, 2)), np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2)), "epochs"),
    ((np.array([2.0, 1.0]), np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2)), "epochs"),
])
def test_loss_view_rejects_bad_input(qtbot, args, name):
    view = show(qtbot, LossView())
    with pytest.raises(ValueError, match=name):
        view.append(*args)
    with pytest.raises(ValueError, match="metric_name"):
        view.reset("f1")


# -- OpenGL -------------------------------------------------------------------------


def test_opengl_is_unavailable_offscreen(qapp):
    assert QtGui.QGuiApplication.platformName() == "offscreen"
    assert opengl_available() is False
    assert opengl_available() is False                              # cached, still False
    with pytest.raises(RuntimeError, match="opengl_available"):
        Surface3DView()


def test_views_survive_non_finite_model_output(qtbot):
    """A diverged model's NaN/inf outputs draw nothing wrong and raise nothing
    (pytest turns warnings into errors)."""
    rng = np.random.default_rng(0)
    X, y = two_blobs(rng, 20)
    cls = show(qtbot, ClassificationView())
    cls.set_data(X, y, ["a", "b"])
    proba = np.full((cls.grid_spec().nx * cls.grid_spec().ny, 2), np.nan)
    cls.set_surface(proba, np.array([0, 1]))
    heat = show(qtbot, RegressionHeatmapView())
    heat.set_data(X, X[:, 0])
    values = np.full(heat.grid_spec().nx * heat.grid_spec().ny, np.nan)
    values[::3] = np.inf
    heat.set_surface(values)
    line = show(qtbot, Regression1DView())
    line.set_data(X[:, 0], X[:, 1])
    curve = np.full(line.curve_x().size, np.nan)
    curve[5] = np.inf
    line.set_curve(curve)
    pa = show(qtbot, PredictedActualView())
    pa.set_data(X[:, 0], np.where(np.arange(40) % 2, np.nan, np.inf))
    ts = show(qtbot, TimeSeriesView())
    ts.set_data(np.arange(40.0), X[:, 0])
    ts.set_prediction(np.full(40, np.nan))
    loss = show(qtbot, LossView())
    loss.append(np.arange(1.0, 4.0), [1.0, np.inf, np.nan], [np.nan] * 3, [0.5, 0.5, np.nan],
                [np.nan] * 3)
    for widget in (cls, heat, line, pa, ts, loss):
        assert grab(widget).std() > 0
    loss.set_log_scale(True)
    assert grab(loss).std() > 0


def test_views_stay_interactive_zoom_and_view_all(qtbot):
    view = show(qtbot, ClassificationView())
    rng = np.random.default_rng(0)
    X, y = two_blobs(rng)
    view.set_data(X, y, ["a", "b"])
    view.set_surface(np.full((200 * 200, 2), 0.5), np.array([0, 1]))
    vb = view.plot_item.vb
    assert vb.state["mouseEnabled"] == [True, True]
    actions = [action.text() for action in vb.menu.actions()]
    assert "View All" in actions
    vb.scaleBy((0.1, 0.1))                                    # what the wheel does
    (x0, x1), _ = vb.viewRange()
    assert x1 - x0 < 1.0
    vb.autoRange()                                            # "View All"
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x0 <= X[:, 0].min() and x1 >= X[:, 0].max()
    assert y0 <= X[:, 1].min() and y1 >= X[:, 1].max()


# -- painting off the interpreter lock ---------------------------------------------


def python_overrides(item) -> set[str]:
    """The paint-path virtuals of ``item`` that Qt must call into Python for
    (none for a hidden item or one without contents: Qt does not ask them)."""
    from PySide6 import QtWidgets

    if not item.isVisible() or item.flags() & QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemHasNoContents:
        return set()
    return python_virtuals(type(item))


def python_virtuals(cls) -> set[str]:
    """The paint-path virtuals ``cls`` implements in Python."""
    return {name for name in ("boundingRect", "shape", "paint")
            if hasattr(getattr(cls, name, None), "__code__")}


def test_plot_canvases_paint_in_qt_with_no_python_items(qtbot):
    # PySide holds the interpreter lock through a Qt call made from Python,
    # and Qt takes it for each Python override it calls while painting (it
    # visits every item of the scene on each repaint): pyqtgraph's Python
    # paintEvent stalled the training thread for the whole paint, and each
    # Python boundingRect is a lock hand-over. None may be left in the
    # scenes that repaint while training (the decision surface's, the loss
    # curves').
    from PySide6 import QtWidgets

    classification, loss = ClassificationView(), LossView()
    views = [classification, loss, Regression1DView(), RegressionHeatmapView(),
             TimeSeriesView(), PredictedActualView(), ConfusionView()]
    for view in views:
        qtbot.addWidget(view)
        canvases = view.findChildren(pg.GraphicsView)
        assert canvases
        for canvas in canvases:
            assert type(canvas).paintEvent is QtWidgets.QGraphicsView.paintEvent
    plot_scenes = {classification.plot_item.scene(), loss.loss_plot.scene()}
    for scene in plot_scenes:
        python_items = {type(item).__name__ for item in scene.items() if python_overrides(item)}
        assert not python_items
    # the legend (Python items) has a scene of its own, off the plot's repaints
    assert classification.legend.scene() not in plot_scenes
    # (hidden or empty until training draws them)
    for item in (classification.surface_item, classification.boundary_item, *loss.curves.values(),
                 classification.plot_item.vb):
        assert not python_virtuals(type(item)), type(item)


def test_layout_widget_settles_the_auto_range_before_each_paint(qtbot):
    # pyqtgraph defers auto-range to prepareForPaint, which its paintEvent
    # called; the canvas's viewport filter must do it now.
    from gui.views._style import make_layout_widget

    widget = show(qtbot, make_layout_widget(), 300, 200)
    plot = widget.addPlot()
    curve = plot.plot([0.0, 1.0], [0.0, 1.0])
    widget.grab()
    assert plot.vb.viewRange()[0][1] < 2.0
    curve.setData([0.0, 10.0], [0.0, 50.0])
    widget.grab()
    (x_low, x_high), (y_low, y_high) = plot.vb.viewRange()
    assert x_high >= 10.0 and y_high >= 50.0


def test_uniform_scatter_points_follow_the_view_and_the_item(qtbot):
    # The points are drawn into a pixmap in device pixels: zooming must
    # re-make it, panning move it, new data and hiding show at once.
    from gui.views._style import make_layout_widget

    widget = show(qtbot, make_layout_widget(), 300, 300)
    plot = widget.addPlot()
    item = UniformScatterItem(symbol="o", size=15, brush=pg.mkBrush(PALETTE[1]), pen=None)
    plot.addItem(item)
    item.setData(pos=np.array([[0.0, 0.0]]))
    orange = np.array(PALETTE[1])

    def colour_at(x, y):
        image = grab(widget)
        point = plot.vb.mapViewToDevice(QtCore.QPointF(x, y))
        return image[int(round(point.y())), int(round(point.x())), :3]

    for x_range in ((-1, 1), (-0.5, 1.5), (-0.2, 0.2), (-3, 1)):  # pans and zooms
        plot.vb.setRange(xRange=x_range, yRange=(-1, 1), padding=0)
        np.testing.assert_allclose(colour_at(0.0, 0.0), orange, atol=2)
        assert np.all(colour_at(0.3 * x_range[1], 0.5) == 255)  # away from the point: background
    item.setData(pos=np.array([[0.5, -0.5]]))
    np.testing.assert_allclose(colour_at(0.5, -0.5), orange, atol=2)
    assert np.all(colour_at(0.0, 0.0) == 255)
    item.hide()
    assert np.all(colour_at(0.5, -0.5) == 255)
    item.setData(pos=np.array([[-0.5, 0.5]]))  # changed while hidden
    item.show()
    np.testing.assert_allclose(colour_at(-0.5, 0.5), orange, atol=2)
    assert np.all(colour_at(0.5, -0.5) == 255)


def test_names_from_a_file_are_shown_as_plain_text(qtbot):
    from gui.views import ClassificationView

    view = show(qtbot, ClassificationView())
    crafted = '<a href="x">click</a>'
    view.set_data(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]), [crafted, "b"])
    view.set_axis_labels(crafted, "<b>y</b>")
    label = view.plot_item.getAxis("bottom").label.toHtml()
    assert "&lt;a href" in label and "<a href" not in label
    legend_text = view.legend.items[0][1].text
    assert "&lt;a href" in legend_text


def test_confusion_names_never_overlap_however_narrow(qtbot):
    from PySide6.QtGui import QFontMetrics

    from gui.views._style import tick_font

    view = show(qtbot, ConfusionView(), 300, 300)
    names = [f"a rather long class name {i}" for i in range(6)]
    view.set_matrix(np.eye(6, dtype=int) * 10, names)
    qtbot.waitUntil(lambda: view.plot_item.vb.width() > 0)
    view.resize(320, 300)  # a resize re-fits them
    metrics = QFontMetrics(tick_font())
    ticks = view.plot_item.getAxis("bottom")._tickLevels[0]
    cell = view.plot_item.vb.width() / 6
    assert all(metrics.horizontalAdvance(name) <= cell for _, name in ticks)
    assert all(name.endswith("…") for _, name in ticks)
    assert "a rather long class name 5" in view.toolTip()
