"""Decision-surface pictures: the colours of ``surface_rgba`` (checked
against a plain reimplementation of the documented formula), the
``SurfacePainter`` that turns grid probabilities into a ``SurfacePicture``,
and ``ClassificationView.show_picture`` drawing one."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from gui.views import ClassificationView, GridSpec, SurfacePainter, SurfacePicture
from gui.views.colors import PALETTE, SURFACE_MAX_TINT, surface_rgb, surface_rgba

from .conftest import show

WHITE = np.array([255.0, 255.0, 255.0])

# -- helpers -----------------------------------------------------------------


def reference_rgb(proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """The documented colour, written the obvious way: white blended towards
    the winning class's palette colour by ``SURFACE_MAX_TINT * t``, with
    ``t = (p_max - 1/m) / (1 - 1/m)``; rows holding NaN are white. Returns
    (n_points, 3) float (not rounded)."""
    proba = np.asarray(proba, dtype=np.float64)
    n_points, m = proba.shape
    rgb = np.tile(WHITE, (n_points, 1))
    for row in range(n_points):
        p = proba[row]
        if np.isnan(p).any():
            continue
        winner = int(np.argmax(p))
        confidence = 1.0 if m == 1 else (p[winner] - 1.0 / m) / (1.0 - 1.0 / m)
        confidence = min(max(confidence, 0.0), 1.0)
        hue = np.array(PALETTE[int(classes[winner])], dtype=np.float64)
        rgb[row] = WHITE + SURFACE_MAX_TINT * confidence * (hue - WHITE)
    return rgb


def random_proba(rng, n_points: int, m: int) -> np.ndarray:
    return rng.dirichlet(np.full(m, 0.7), size=n_points)


def assert_close_colours(actual, expected, tolerance=1):
    difference = np.abs(np.asarray(actual, dtype=int) - np.rint(expected).astype(int))
    assert difference.max() <= tolerance, f"colours differ by up to {difference.max()}"


def to_array(image: QtGui.QImage) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    height, width = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(height, image.bytesPerLine())
    return rows[:, :3 * width].reshape(height, width, 3).copy()


def pixel_at(view: ClassificationView, x: float, y: float) -> tuple[int, int]:
    """The view's pixel (column, row) showing data point (x, y)."""
    plot_item = view.plot_item
    scene_point = plot_item.vb.mapViewToScene(QtCore.QPointF(x, y))
    graphics_view = plot_item.scene().views()[0]
    point = graphics_view.viewport().mapTo(view, graphics_view.mapFromScene(scene_point))
    return point.x(), point.y()


def color_at(view: ClassificationView, x: float, y: float) -> np.ndarray:
    """Colour of the grabbed view at data point (x, y)."""
    image = to_array(view.grab().toImage())
    column, row = pixel_at(view, x, y)
    return image[row, column].astype(int)


# -- surface_rgba --------------------------------------------------------------


@pytest.mark.parametrize("classes", [[0, 1], [3, 6], [0, 1, 2], [7, 2, 4, 5], [1, 1, 5]])
def test_surface_rgba_matches_the_documented_formula(classes):
    rng = np.random.default_rng(len(classes))
    classes = np.array(classes)
    m = classes.size
    proba = random_proba(rng, 500, m)
    # corners: certain of each class, and a coin flip between all of them
    proba = np.vstack([proba, np.eye(m), np.full((1, m), 1.0 / m)])
    rgba = surface_rgba(proba, classes)
    assert rgba.shape == (proba.shape[0], 4) and rgba.dtype == np.uint8
    expected = reference_rgb(proba, classes)
    assert_close_colours(rgba[:, :3], expected)
    assert np.all(rgba[:, 3] == 255)
    np.testing.assert_array_equal(rgba[:, :3], surface_rgb(proba, classes))
    # a certain point is as tinted as the surface gets, a coin flip is white
    for column in range(m):
        hue = np.array(PALETTE[classes[column]])
        assert_close_colours(rgba[500 + column, :3], WHITE + SURFACE_MAX_TINT * (hue - WHITE))
    np.testing.assert_array_equal(rgba[-1, :3], [255, 255, 255])


def test_surface_rgba_first_maximum_wins_ties_and_clips_confidence():
    classes = np.array([0, 1, 2])
    proba = np.array([
        [0.4, 0.4, 0.2],      # tie between columns 0 and 1: column 0's hue
        [0.2, 0.4, 0.4],      # tie between columns 1 and 2: column 1's hue
        [1.3, -0.2, -0.1],    # out of range (a sloppy model): full tint, no wrap-around
    ])
    rgba = surface_rgba(proba, classes)
    assert_close_colours(rgba[:, :3], reference_rgb(proba, classes))
    assert rgba[0, 2] > rgba[0, 0]            # blue-ish (class 0), not orange
    assert rgba[1, 0] > rgba[1, 2]            # orange-ish (class 1), not green
    hue = np.array(PALETTE[0])
    assert_close_colours(rgba[2, :3], WHITE + SURFACE_MAX_TINT * (hue - WHITE))


def test_surface_rgba_bgra_swaps_red_and_blue():
    rng = np.random.default_rng(5)
    classes = np.array([0, 1, 3])
    proba = random_proba(rng, 300, 3)
    rgba = surface_rgba(proba, classes)
    bgra = surface_rgba(proba, classes, bgra=True)
    np.testing.assert_array_equal(bgra[:, 0], rgba[:, 2])
    np.testing.assert_array_equal(bgra[:, 1], rgba[:, 1])
    np.testing.assert_array_equal(bgra[:, 2], rgba[:, 0])
    np.testing.assert_array_equal(bgra[:, 3], 255)
    assert np.any(rgba[:, 0] != rgba[:, 2])  # the swap is visible at all


def test_surface_rgba_float32_gives_the_float64_colours():
    rng = np.random.default_rng(6)
    classes = np.array([2, 4])
    proba = random_proba(rng, 1000, 2)
    in_64 = surface_rgba(proba, classes)
    in_32 = surface_rgba(proba.astype(np.float32), classes)
    assert in_32.shape == in_64.shape and in_32.dtype == np.uint8
    assert np.abs(in_32.astype(int) - in_64.astype(int)).max() <= 1
    assert_close_colours(in_32[:, :3], reference_rgb(proba, classes))


def test_surface_rgba_shows_nan_rows_white():
    classes = np.array([0, 1, 2])
    proba = np.array([
        [np.nan, np.nan, np.nan],
        [np.nan, 0.9, 0.1],
        [0.9, np.nan, 0.1],
        [0.9, 0.05, np.nan],
        [1.0, 0.0, 0.0],                     # a normal row between them stays tinted
    ])
    for dtype in (np.float64, np.float32):
        rgba = surface_rgba(proba.astype(dtype), classes)
        np.testing.assert_array_equal(rgba[:4], np.full((4, 4), 255))
        assert rgba[4, 0] < 200


def test_surface_rgba_fills_and_returns_out():
    rng = np.random.default_rng(7)
    classes = np.array([0, 1])
    proba = random_proba(rng, 50, 2)
    out = np.full((50, 4), 7, dtype=np.uint8)
    returned = surface_rgba(proba, classes, out=out)
    assert returned is out
    np.testing.assert_array_equal(out, surface_rgba(proba, classes))
    returned = surface_rgba(proba, classes, out=out, bgra=True)
    assert returned is out
    np.testing.assert_array_equal(out, surface_rgba(proba, classes, bgra=True))


@pytest.mark.parametrize("out", [
    np.zeros((10, 3), np.uint8),
    np.zeros((11, 4), np.uint8),
    np.zeros((10, 4), np.int32),
    np.zeros((10, 4), np.float64),
    np.zeros((40,), np.uint8),
])
def test_surface_rgba_rejects_a_wrong_out(out):
    proba = np.full((10, 2), 0.5)
    with pytest.raises(ValueError, match="out"):
        surface_rgba(proba, np.array([0, 1]), out=out)


@pytest.mark.parametrize("classes", [[0], [0, 1, 2], [0, 8], [-1, 1], [[0, 1]]])
def test_surface_rgba_rejects_bad_classes(classes):
    with pytest.raises(ValueError, match="classes"):
        surface_rgba(np.full((10, 2), 0.5), np.array(classes))


@pytest.mark.parametrize("proba", [np.full(10, 0.5), np.zeros((10, 0)), np.zeros((2, 5, 2))])
def test_surface_rgba_rejects_bad_proba(proba):
    with pytest.raises(ValueError, match="proba"):
        surface_rgba(proba, np.arange(proba.shape[-1]) if proba.ndim == 2 else np.array([0, 1]))


def test_surface_rgba_one_class_is_full_tint():
    proba = np.array([[1.0], [0.3], [0.0]])  # one column: always certain
    for code in (0, 5):
        rgba = surface_rgba(proba, np.array([code]))
        hue = np.array(PALETTE[code])
        for row in range(3):
            assert_close_colours(rgba[row, :3], WHITE + SURFACE_MAX_TINT * (hue - WHITE))
        assert np.all(rgba[:, 3] == 255)


# -- SurfacePainter ------------------------------------------------------------

#: not square, so mixing up rows and columns shows
GRID = GridSpec((-1.0, 2.0), (-3.0, 1.0), 9, 6)


def test_painter_rows_follow_the_grid_ys():
    points = GRID.points()
    p_orange = (points[:, 1] - GRID.y_range[0]) / (GRID.y_range[1] - GRID.y_range[0])  # y only
    proba = np.column_stack([1.0 - p_orange, p_orange])
    classes = np.array([0, 1])
    picture = SurfacePainter(GRID)(proba, classes)
    assert isinstance(picture, SurfacePicture)
    assert picture.grid == GRID
    assert picture.bgra.shape == (GRID.ny, GRID.nx, 4) and picture.bgra.dtype == np.uint8
    ys = GRID.ys()
    for j, y in enumerate(ys):
        p = (y - GRID.y_range[0]) / (GRID.y_range[1] - GRID.y_range[0])
        expected = surface_rgba(np.array([[1.0 - p, p]]), classes, bgra=True)[0]
        # every pixel of row j has the colour of y = ys[j]
        np.testing.assert_array_equal(picture.bgra[j], np.tile(expected, (GRID.nx, 1)))
    # bottom row (y low) blue-ish: B > R in BGRA; top row (y high) orange-ish
    assert picture.bgra[0, 0, 0] > picture.bgra[0, 0, 2] + 40
    assert picture.bgra[-1, 0, 2] > picture.bgra[-1, 0, 0] + 40


def test_painter_boundary_lies_where_the_probability_crosses_one_half():
    points = GRID.points()
    # a plane through the grid: marching squares interpolates it exactly
    field = 0.5 + 0.2 * (points[:, 0] - 0.3) + 0.1 * (points[:, 1] + 0.8)
    proba = np.column_stack([1.0 - field, field])
    picture = SurfacePainter(GRID)(proba, np.array([0, 1]))
    assert picture.boundary is not None
    bx, by = picture.boundary
    assert bx.shape == by.shape and bx.size >= 2 and bx.size % 2 == 0
    np.testing.assert_allclose(0.2 * (bx - 0.3) + 0.1 * (by + 0.8), 0.0, atol=1e-9)
    assert np.all((bx >= GRID.x_range[0] - 1e-9) & (bx <= GRID.x_range[1] + 1e-9))
    assert np.all((by >= GRID.y_range[0] - 1e-9) & (by <= GRID.y_range[1] + 1e-9))
    # the line crosses the whole grid: from the bottom edge to the top edge
    assert by.min() == pytest.approx(GRID.y_range[0]) and by.max() == pytest.approx(GRID.y_range[1])


def test_painter_boundary_of_a_circle():
    grid = GridSpec((-2.0, 2.0), (-2.0, 2.0), 81, 81)
    points = grid.points()
    radius = np.hypot(points[:, 0], points[:, 1])
    p_inside = 1.0 / (1.0 + np.exp(3.0 * (radius - 1.0)))
    picture = SurfacePainter(grid)(np.column_stack([p_inside, 1.0 - p_inside]), np.array([0, 1]))
    bx, by = picture.boundary
    assert bx.size > 50
    np.testing.assert_allclose(np.hypot(bx, by), 1.0, atol=0.01)


def test_painter_has_no_boundary_for_three_classes_or_no_crossing():
    rng = np.random.default_rng(8)
    n_points = GRID.nx * GRID.ny
    three = SurfacePainter(GRID)(random_proba(rng, n_points, 3), np.array([0, 1, 2]))
    assert three.boundary is None
    assert three.bgra.shape == (GRID.ny, GRID.nx, 4)
    sure = np.column_stack([np.full(n_points, 0.8), np.full(n_points, 0.2)])
    assert SurfacePainter(GRID)(sure, np.array([0, 1])).boundary is None


@pytest.mark.parametrize("shape", [(9 * 6 + 1, 2), (9 * 6,), (6, 9, 2), (9 * 5, 2)])
def test_painter_rejects_a_proba_not_on_its_grid(shape):
    with pytest.raises(ValueError, match="proba"):
        SurfacePainter(GRID)(np.full(shape, 0.5), np.array([0, 1]))


# -- ClassificationView.show_picture -----------------------------------------------


def right_is_orange(grid: GridSpec) -> np.ndarray:
    """Certain of class 1 right of x = 0, of class 0 left of it."""
    right = (grid.points()[:, 0] > 0).astype(float)
    return np.column_stack([1.0 - right, right])


def test_show_picture_draws_its_image_and_boundary(qtbot):
    view = show(qtbot, ClassificationView(), 500, 450)
    grid = view.grid_spec()
    picture = view.surface_painter()(right_is_orange(grid), np.array([0, 1]))
    assert picture.grid == grid
    view.show_picture(picture)
    np.testing.assert_array_equal(view.surface_item.image, picture.bgra)
    assert view.surface_item.isVisible()
    assert view.boundary_item.isVisible()
    bx, by = view.boundary_item.getData()
    np.testing.assert_array_equal(bx, picture.boundary[0])
    np.testing.assert_array_equal(by, picture.boundary[1])
    # on screen, in RGB: left of x = 0 the tinted blue, right the tinted orange
    x_far, y_mid = 0.6 * grid.x_range[1], 0.5 * grid.y_range[1]
    for x, code in ((-x_far, 0), (x_far, 1)):
        expected = WHITE + SURFACE_MAX_TINT * (np.array(PALETTE[code]) - WHITE)
        assert_close_colours(color_at(view, x, y_mid), expected, tolerance=3)


def test_show_picture_puts_the_first_grid_row_at_the_bottom(qtbot):
    # The plot's y axis points up: grid row 0 (the lowest y) must be drawn
    # at the bottom of the view, not mirrored to the top.
    view = show(qtbot, ClassificationView(), 500, 450)
    grid = view.grid_spec()
    above = (grid.points()[:, 1] > 0).astype(float)
    view.show_picture(view.surface_painter()(np.column_stack([1.0 - above, above]), np.array([0, 1])))
    x_mid, y_far = 0.5 * grid.x_range[1], 0.6 * grid.y_range[1]
    for y, code in ((-y_far, 0), (y_far, 1)):
        expected = WHITE + SURFACE_MAX_TINT * (np.array(PALETTE[code]) - WHITE)
        assert_close_colours(color_at(view, x_mid, y), expected, tolerance=3)


def test_show_picture_hides_the_boundary_when_the_picture_has_none(qtbot):
    view = show(qtbot, ClassificationView(), 500, 450)
    grid = view.grid_spec()
    n_points = grid.nx * grid.ny
    painter = view.surface_painter()
    view.show_picture(painter(right_is_orange(grid), np.array([0, 1])))
    assert view.boundary_item.isVisible()
    three = np.tile([0.1, 0.2, 0.7], (n_points, 1))           # green everywhere
    picture = painter(three, np.array([0, 1, 2]))
    assert picture.boundary is None
    view.show_picture(picture)
    assert not view.boundary_item.isVisible() and view.surface_item.isVisible()
    np.testing.assert_array_equal(view.surface_item.image, picture.bgra)
    colour = color_at(view, 0.3, 0.3)
    assert colour[1] > colour[0] + 30 and colour[1] > colour[2] + 30, colour
    # two classes without a crossing: still no line
    view.show_picture(painter(np.tile([0.9, 0.1], (n_points, 1)), np.array([0, 1])))
    assert not view.boundary_item.isVisible()
    # and a crossing brings it back
    view.show_picture(painter(right_is_orange(grid), np.array([0, 1])))
    assert view.boundary_item.isVisible()


def test_set_surface_is_show_picture_of_the_views_painter(qtbot):
    rng = np.random.default_rng(9)
    view = show(qtbot, ClassificationView(), 500, 450)
    X = rng.normal(size=(40, 2))
    view.set_data(X, (X[:, 0] > 0).astype(int), ["a", "b"])
    grid = view.grid_spec()
    points = grid.points()
    p_right = 1.0 / (1.0 + np.exp(-3.0 * (points[:, 0] - 0.2 * points[:, 1])))
    proba = np.column_stack([1.0 - p_right, p_right])
    classes = np.array([0, 1])

    view.set_surface(proba, classes)
    image_set = view.surface_item.image.copy()
    boundary_set = [a.copy() for a in view.boundary_item.getData()]
    view.set_surface(None, None)
    assert not view.surface_item.isVisible() and not view.boundary_item.isVisible()

    view.show_picture(view.surface_painter()(proba, classes))
    assert view.surface_item.isVisible() and view.boundary_item.isVisible()
    np.testing.assert_array_equal(view.surface_item.image, image_set)
    np.testing.assert_array_equal(view.boundary_item.getData()[0], boundary_set[0])
    np.testing.assert_array_equal(view.boundary_item.getData()[1], boundary_set[1])
    assert image_set.shape == (grid.ny, grid.nx, 4)


def test_the_surface_is_stretched_smoothly_not_in_blocks(qtbot):
    # Class 1 growing surer from left to right: filtered, the screen pixels
    # along a row take about as many colours as there are pixels; drawn by
    # nearest neighbour, only one per grid column.
    view = show(qtbot, ClassificationView(), 500, 450)
    grid = view.grid_spec()
    t = (grid.points()[:, 0] - grid.x_range[0]) / (grid.x_range[1] - grid.x_range[0])
    sure = np.clip(0.55 + 3.0 * (t - 0.3), 0.55, 1.0)
    view.show_picture(view.surface_painter()(np.column_stack([1.0 - sure, sure]), np.array([0, 1])))
    image = to_array(view.grab().toImage())
    left, y_pixel = pixel_at(view, grid.x_range[0] + 0.3 * (grid.x_range[1] - grid.x_range[0]), 0.0)
    right_px, _ = pixel_at(view, grid.x_range[0] + 0.45 * (grid.x_range[1] - grid.x_range[0]), 0.0)
    row = image[y_pixel, left:right_px]
    steps = np.count_nonzero(np.any(np.diff(row.astype(int), axis=0) != 0, axis=1))
    cells = 0.15 * grid.nx  # grid columns in that stretch
    assert right_px - left > 1.5 * cells  # the grid is stretched: each cell spans several pixels
    assert steps > 1.3 * cells
