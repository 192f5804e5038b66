"""Draw mode with real mouse events on a data view's viewport.

The tools are driven the way a person drives them: QTest presses, moves and
releases on the plot widget's viewport at pixel positions computed from data
coordinates through the ViewBox mapping. Most tests run the DrawController on
a real ClassificationView / Regression1DView; the DrawMode tests use a small
stand-in QMainWindow with the contract's window hooks (the real window is
covered in test_draw_window.py).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMainWindow, QWidget

import datasets
from datasets import Dataset
from datasets.editing import Editor
from gui.draw import (
    ClassListWidget,
    DrawController,
    DrawToolbar,
    Tool,
    drawable_reason,
    install_draw_mode,
    new_canvas_dataset,
    other_class,
)
from gui.views import ClassificationView, Regression1DView
from gui.views.colors import PALETTE

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
NO_MOD, SHIFT = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier


# ----------------------------------------------------------------- helpers
def viewport_of(plot_item):
    return plot_item.scene().views()[0].viewport()


def to_pixel(plot_item, x: float, y: float) -> QPoint:
    """Viewport pixel of data point (x, y), through the ViewBox mapping."""
    scene = plot_item.getViewBox().mapViewToScene(QPointF(x, y))
    return plot_item.scene().views()[0].mapFromScene(scene)


def to_data(plot_item, pixel: QPoint) -> np.ndarray:
    scene = plot_item.scene().views()[0].mapToScene(pixel)
    point = plot_item.getViewBox().mapSceneToView(scene)
    return np.array([point.x(), point.y()])


def pixel_size(plot_item) -> np.ndarray:
    """Data units per screen pixel along x and y."""
    return np.array(plot_item.getViewBox().viewPixelSize())


def pixels_of(plot_item, view_xy: np.ndarray) -> np.ndarray:
    """(n, 2) viewport pixel coordinates (float) of (n, 2) view coordinates."""
    view_box = plot_item.getViewBox()
    out = []
    for x, y in np.asarray(view_xy, dtype=float):
        scene = view_box.mapViewToScene(QPointF(x, y))
        out.append([scene.x(), scene.y()])
    return np.array(out).reshape(-1, 2)


def click(plot_item, x, y, button=LEFT, modifier=NO_MOD):
    QTest.mouseClick(viewport_of(plot_item), button, modifier, to_pixel(plot_item, x, y))


@pytest.fixture
def no_move_rate_limit():
    """pyqtgraph drops mouse moves less than 10 ms apart (mouseRateLimit);
    a test's moves come faster, so pans are checked without the limit."""
    limit = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", limit)


def drag(plot_item, points, button=LEFT, modifier=NO_MOD):
    """Press at the first data point, move through the others, release at the last."""
    viewport = viewport_of(plot_item)
    pixels = [to_pixel(plot_item, x, y) for x, y in points]
    QTest.mousePress(viewport, button, modifier, pixels[0])
    for pixel in pixels[1:]:
        QTest.mouseMove(viewport, pixel)
    QTest.mouseRelease(viewport, button, modifier, pixels[-1])
    return pixels


def segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    denom = float(ab @ ab) or 1.0
    t = np.clip((points - a) @ ab / denom, 0, 1)
    return np.hypot(*(points - (a + t[:, None] * ab)).T)


def path_distance(points: np.ndarray, path: np.ndarray) -> np.ndarray:
    """Pixel distance of each point to the polyline ``path``."""
    if len(path) == 1:
        return np.hypot(*(points - path[0]).T)
    return np.min([segment_distance(points, path[i], path[i + 1]) for i in range(len(path) - 1)], axis=0)


def classification(X, y, n_classes=2) -> Dataset:
    return Dataset(np.asarray(X, float).reshape(-1, 2), np.asarray(y, np.int64), "classification",
                   ("x1", "x2"), tuple(f"class {c}" for c in range(n_classes)), name="test")


class Canvas:
    """A real ClassificationView showing the editor's dataset, with a
    DrawController attached; every announced edit is shown (as the window would)."""

    def __init__(self, qtbot, dataset: Dataset, view_cls=ClassificationView):
        self.view = view_cls()
        self.view.resize(520, 480)
        qtbot.addWidget(self.view)
        self.view.show()
        qtbot.waitExposed(self.view)
        self.show(dataset)
        self.controller = DrawController(Editor(dataset), self.view.plot_item, random_state=0)
        self.view.set_frame_locked(True)  # as DrawMode does while drawing
        self.edits: list[Dataset] = []
        self.controller.dataset_edited.connect(self._on_edited)
        self.plot_item = self.view.plot_item

    def show(self, dataset):
        if dataset.task == "classification":
            self.view.set_data(dataset.X, dataset.y, dataset.class_names)
        else:
            self.view.set_data(dataset.X[:, 0], dataset.y)

    def _on_edited(self, dataset):
        self.edits.append(dataset)
        self.show(dataset)

    @property
    def dataset(self) -> Dataset:
        return self.controller.dataset


@pytest.fixture
def canvas(qtbot):
    blank = Dataset.empty("classification")
    canvas = Canvas(qtbot, blank)
    yield canvas
    canvas.controller.detach()


@pytest.fixture
def dotted(qtbot):
    """A 9x9 lattice of class-0 points over [-1, 1]^2."""
    g = np.linspace(-1, 1, 9)
    X = np.array([(a, b) for a in g for b in g])
    canvas = Canvas(qtbot, classification(X, np.zeros(len(X))))
    yield canvas
    canvas.controller.detach()


# -------------------------------------------------------------------- Put
def test_click_adds_exactly_one_point_at_the_clicked_coordinates(canvas):
    plot = canvas.plot_item
    for x, y in [(0.3, -0.4), (-1.1, 0.9), (1.2, 1.25)]:
        before = canvas.dataset.n_samples
        pixel = to_pixel(plot, x, y)
        expected = to_data(plot, pixel)  # the data point under that very pixel
        QTest.mouseClick(viewport_of(plot), LEFT, NO_MOD, pixel)
        ds = canvas.dataset
        assert ds.n_samples == before + 1
        tolerance = pixel_size(plot)
        assert np.all(np.abs(ds.X[-1] - expected) <= tolerance)
        assert np.all(np.abs(ds.X[-1] - [x, y]) <= 1.5 * tolerance)
        assert ds.y[-1] == 0
    assert len(canvas.edits) == 3  # one announcement per click
    assert canvas.edits[-1] is canvas.dataset


def test_right_click_and_shift_click_use_the_other_class(canvas):
    plot = canvas.plot_item
    click(plot, 0, 0)
    click(plot, 0.5, 0, button=RIGHT)
    click(plot, -0.5, 0, modifier=SHIFT)
    assert canvas.dataset.y.tolist() == [0, 1, 1]
    canvas.controller.set_current_class(1)
    click(plot, 0.5, 0.5, button=RIGHT)
    click(plot, 0.7, 0.5)
    assert canvas.dataset.y.tolist() == [0, 1, 1, 0, 1]


def test_right_click_opens_no_menu_and_put_undo_redo(canvas):
    plot = canvas.plot_item
    click(plot, 0.2, 0.2, button=RIGHT)
    assert not plot.getViewBox().menu.isVisible()
    click(plot, -0.2, 0.2)
    assert canvas.dataset.n_samples == 2
    assert canvas.controller.undo()
    assert canvas.dataset.n_samples == 1 and canvas.edits[-1].n_samples == 1
    assert canvas.controller.undo()
    assert canvas.dataset.n_samples == 0
    assert not canvas.controller.undo()
    assert canvas.controller.redo() and canvas.controller.redo()
    assert canvas.dataset.y.tolist() == [1, 0]


def test_other_class_rule():
    assert other_class(0, None, 2) == 1 and other_class(1, 0, 2) == 0
    assert other_class(0, None, 1) == 0
    assert other_class(2, None, 5) == 3  # nothing picked before: the next code
    assert other_class(4, None, 5) == 0
    assert other_class(2, 0, 5) == 0  # the previously picked class
    assert other_class(2, 7, 5) == 3  # previous no longer exists


def test_click_outside_the_plot_area_adds_nothing(canvas):
    plot = canvas.plot_item
    rect = plot.getViewBox().sceneBoundingRect()
    view = plot.scene().views()[0]
    below_axis = view.mapFromScene(QPointF(rect.center().x(), rect.bottom() + 15))
    QTest.mouseClick(viewport_of(plot), LEFT, NO_MOD, below_axis)
    assert canvas.dataset.n_samples == 0


# ------------------------------------------------------------------ Brush
def test_brush_drag_sprays_points_near_the_path_as_one_undo_step(canvas):
    controller, plot = canvas.controller, canvas.plot_item
    controller.set_tool(Tool.BRUSH)
    controller.set_radius(20)
    controller.set_density(5)
    path = [(-1.0, -0.8), (-0.5, -0.3), (0.0, 0.2), (0.6, 0.4), (1.0, 1.0)]
    pixels = drag(plot, path, button=LEFT)
    ds = canvas.dataset
    # A dab on press and every half radius of travel: many points, all class 0.
    travelled = sum(np.hypot(b.x() - a.x(), b.y() - a.y()) for a, b in zip(pixels, pixels[1:]))
    expected_dabs = 1 + int(travelled // 10)
    assert ds.n_samples == 5 * expected_dabs
    assert set(ds.y.tolist()) == {0}
    pixel_path = np.array([[p.x(), p.y()] for p in pixels], dtype=float)
    distance = path_distance(pixels_of(plot, ds.X), pixel_path)
    assert distance.max() <= 20 + 1.0
    # The points spread over the whole path, not piled at one end.
    assert distance.mean() < 20
    near_end = np.hypot(*(pixels_of(plot, ds.X) - pixel_path[-1]).T) <= 21
    assert near_end.any()

    # The last announcement is the whole stroke; the stroke is ONE undo step.
    assert canvas.edits[-1] is ds
    assert controller.undo()
    assert canvas.dataset.n_samples == 0
    assert controller.redo()
    assert canvas.dataset == ds


def test_brush_right_drag_uses_the_other_class_and_is_throttled(canvas):
    controller, plot = canvas.controller, canvas.plot_item
    controller.set_tool(Tool.BRUSH)
    controller.set_density(3)
    xs = np.linspace(-1.2, 1.2, 40)
    drag(plot, [(x, 0.3 * x) for x in xs], button=RIGHT)
    assert set(canvas.dataset.y.tolist()) == {1}
    # 40 mouse events in far less than 40 x 40 ms: the view is not re-set
    # for each of them, yet the final data is always announced.
    assert 1 <= len(canvas.edits) < 20
    assert canvas.edits[-1] is canvas.dataset


def test_brush_cursor_circle_shows_the_radius(canvas):
    controller, plot = canvas.controller, canvas.plot_item
    controller.set_tool(Tool.BRUSH)
    controller.set_radius(25)
    QTest.mouseMove(viewport_of(plot), to_pixel(plot, 0.1, 0.1))
    circle = controller._cursor_item
    assert circle.isVisible()
    assert circle.rect().width() == pytest.approx(50)
    controller.set_tool(Tool.PUT)
    assert not circle.isVisible()


# ------------------------------------------------------------------ Erase
def test_erase_removes_only_points_within_the_radius(dotted):
    controller, plot = dotted.controller, dotted.plot_item
    controller.set_tool(Tool.ERASE)
    controller.set_radius(40)
    before = dotted.dataset
    centre = to_pixel(plot, 0.05, 0.1)
    QTest.mouseClick(viewport_of(plot), LEFT, NO_MOD, centre)
    after = dotted.dataset
    pixels = pixels_of(plot, before.X)
    distance = np.hypot(pixels[:, 0] - centre.x(), pixels[:, 1] - centre.y())
    # Points within the radius (not the ones a pixel from its edge) are gone,
    # every point outside it is kept.
    kept = {tuple(p) for p in after.X.tolist()}
    for point, d in zip(before.X.tolist(), distance):
        if d < 39:
            assert tuple(point) not in kept
        elif d > 41:
            assert tuple(point) in kept
    assert 0 < after.n_samples < before.n_samples
    assert controller.undo()
    assert dotted.dataset == before
    assert controller.redo()
    assert dotted.dataset == after


def test_erase_drag_is_one_undo_step(dotted):
    controller, plot = dotted.controller, dotted.plot_item
    controller.set_tool(Tool.ERASE)
    controller.set_radius(12)
    before = dotted.dataset
    pixels = drag(plot, [(-1, -1), (-0.5, -0.5), (0, 0), (0.5, 0.5), (1, 1)])
    after = dotted.dataset
    path = np.array([[p.x(), p.y()] for p in pixels], float)
    distance = path_distance(pixels_of(plot, before.X), path)
    assert after.n_samples == before.n_samples - np.count_nonzero(distance <= 12)
    assert after.n_samples == before.n_samples - 9  # the diagonal
    controller.undo()
    assert dotted.dataset == before


def test_erase_over_empty_space_leaves_no_undo_step(dotted):
    controller, plot = dotted.controller, dotted.plot_item
    controller.set_tool(Tool.ERASE)
    controller.set_radius(5)
    click(plot, 0.13, 0.13)
    assert dotted.dataset.n_samples == 81
    assert not controller.editor.can_undo


# ------------------------------------------------------------------- Move
def test_move_drags_one_point_as_one_undo_step(dotted):
    controller, plot = dotted.controller, dotted.plot_item
    controller.set_tool(Tool.MOVE)
    before = dotted.dataset
    index = 40  # (0, 0)
    assert before.X[index].tolist() == [0.0, 0.0]
    pixels = drag(plot, [(0, 0), (0.05, 0.02), (0.1, 0.05), (0.12, 0.13)])
    moved = dotted.dataset
    shift = to_data(plot, pixels[-1]) - to_data(plot, pixels[0])
    assert np.allclose(moved.X[index], before.X[index] + shift)
    others = np.arange(before.n_samples) != index
    assert np.array_equal(moved.X[others], before.X[others])
    controller.undo()
    assert dotted.dataset == before
    controller.redo()
    assert dotted.dataset == moved


def test_move_on_empty_space_does_nothing_and_does_not_pan(dotted):
    controller, plot = dotted.controller, dotted.plot_item
    controller.set_tool(Tool.MOVE)
    view_range = plot.getViewBox().viewRange()
    drag(plot, [(0.12, 0.12), (0.5, 0.6), (0.8, 0.7)])
    assert dotted.dataset.n_samples == 81 and not controller.editor.can_undo
    assert plot.getViewBox().viewRange() == view_range


# ----------------------------------------------------------------- Select
def test_select_rectangle_then_delete_relabel_and_move_the_selection(dotted):
    controller, plot = dotted.controller, dotted.plot_item
    controller.set_tool(Tool.SELECT)
    before = dotted.dataset
    drag(plot, [(-0.3, -0.3), (0.1, 0.0), (0.3, 0.3)])
    inside = np.flatnonzero(np.all(np.abs(before.X) <= 0.3, axis=1))
    assert controller.selection.tolist() == inside.tolist()
    assert len(inside) == 9

    # Relabel to the current class.
    controller.set_current_class(1)
    assert controller.relabel_selection() == 9
    relabelled = dotted.dataset
    assert np.all(relabelled.y[inside] == 1) and relabelled.y.sum() == 9

    # Shift+drag extends the selection.
    drag(plot, [(0.7, 0.7), (1.1, 1.1)], modifier=SHIFT)
    assert len(controller.selection) == 9 + 4

    # Move drags the whole selection when grabbing a selected point.
    controller.set_tool(Tool.MOVE)
    selected = controller.selection
    pixels = drag(plot, [(0.25, 0.25), (0.3, 0.1), (0.35, 0.05)])
    shift = to_data(plot, pixels[-1]) - to_data(plot, pixels[0])
    assert np.allclose(dotted.dataset.X[selected], relabelled.X[selected] + shift)

    # Delete removes them (one step); undo brings them back.
    moved = dotted.dataset
    assert controller.delete_selection() == 13
    assert dotted.dataset.n_samples == 81 - 13
    assert len(controller.selection) == 0
    controller.undo()
    assert dotted.dataset == moved
    controller.undo()
    controller.undo()
    assert dotted.dataset == before


def test_select_click_picks_one_point_or_clears(dotted):
    controller, plot = dotted.controller, dotted.plot_item
    controller.set_tool(Tool.SELECT)
    click(plot, 0.5, 0.5)
    assert controller.selection.tolist() == [60]
    click(plot, 0.62, 0.62)
    assert controller.selection.tolist() == []


# -------------------------------------------------------------- the view
def test_view_does_not_pan_or_zoom_while_a_tool_is_active(dotted, no_move_rate_limit):
    controller, plot = dotted.controller, dotted.plot_item
    view_box = plot.getViewBox()
    view_range = view_box.viewRange()
    for tool in Tool:
        controller.set_tool(tool)
        drag(plot, [(-0.9, -0.9), (-0.5, -0.4), (0.2, 0.3), (0.9, 0.8)])
    assert view_box.viewRange() == view_range
    assert view_box.mouseEnabled() == [False, False]
    controller.detach()
    assert view_box.mouseEnabled() == [True, True]
    drag(plot, [(-0.9, -0.9), (-0.5, -0.4), (0.2, 0.3), (0.9, 0.8)])
    assert view_box.viewRange() != view_range  # pans again


def test_view_keeps_its_frame_while_drawing_near_the_edge(canvas):
    controller, plot = canvas.controller, canvas.plot_item
    view_range = plot.getViewBox().viewRange()
    click(plot, 0.2, 0.2)
    click(plot, 1.4, 1.4)  # would re-frame the view around the data
    assert plot.getViewBox().viewRange() == view_range
    assert np.allclose(canvas.dataset.X[1], [1.4, 1.4], atol=pixel_size(plot).max() * 1.5)
    # Leaving (DrawMode unlocks the frame) gives the view the frame it chooses
    # for the data (its surface grid).
    controller.detach()
    canvas.view.set_frame_locked(False)
    grid = canvas.view.grid_spec()
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
    assert np.allclose([x0, x1, y0, y1], [*grid.x_range, *grid.y_range])


# -------------------------------------------------------------- regression
def test_regression_1d_click_puts_the_point_at_feature_target(qtbot):
    line = Dataset(np.array([[-1.0], [0.0], [1.0]]), np.array([-0.5, 0.0, 0.5]), "regression",
                   ("x",), name="line")
    canvas = Canvas(qtbot, line, view_cls=Regression1DView)
    plot = canvas.plot_item
    try:
        click(plot, 0.4, 0.3)
        ds = canvas.dataset
        assert ds.n_samples == 4
        assert abs(ds.X[-1, 0] - 0.4) <= 1.5 * pixel_size(plot)[0]
        assert abs(ds.y[-1] - 0.3) <= 1.5 * pixel_size(plot)[1]
        # Move changes both the feature and the target.
        canvas.controller.set_tool(Tool.MOVE)
        drag(plot, [(1.0, 0.5), (0.9, 0.2)])
        assert ds.X[2, 0] == 1.0
        assert abs(canvas.dataset.X[2, 0] - 0.9) <= 1.5 * pixel_size(plot)[0]
        assert abs(canvas.dataset.y[2] - 0.2) <= 1.5 * pixel_size(plot)[1]
        canvas.controller.undo()
        assert canvas.dataset == ds
    finally:
        canvas.controller.detach()


def test_drawable_reason():
    assert drawable_reason(Dataset.empty("classification")) is None
    assert drawable_reason(Dataset.empty("regression", n_features=1)) is None
    assert drawable_reason(Dataset.empty("regression", n_features=2)) is None
    assert "4" in drawable_reason(Dataset.empty("classification", n_features=4))
    assert drawable_reason(Dataset.empty("regression", n_features=3)) is not None


# ----------------------------------------------------------- stand-in window
class StandInWindow(QMainWindow):
    """The contract's window hooks and nothing else."""

    dataset_changed = Signal(object)

    def __init__(self, dataset: Dataset):
        super().__init__()
        self.toolbar = self.addToolBar("Main")
        self.classification_view = ClassificationView()
        self.setCentralWidget(self.classification_view)
        self._dataset = dataset
        self.calls: list[bool] = []
        self._show(dataset)

    @property
    def dataset(self) -> Dataset:
        return self._dataset

    def current_data_view(self):
        return self.classification_view

    def set_dataset(self, ds, *, keep_model=False) -> None:
        self._dataset = ds
        self.calls.append(keep_model)
        self._show(ds)
        self.dataset_changed.emit(ds)

    def _show(self, ds):
        self.classification_view.set_data(ds.X[:, :2], ds.y, ds.class_names)


@pytest.fixture
def window(qtbot):
    window = StandInWindow(datasets.make("moons", n_samples=60, noise=0.1, random_state=0))
    window.resize(900, 650)
    qtbot.addWidget(window)
    mode = install_draw_mode(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    yield window, mode
    mode.set_active(False)


def test_draw_mode_toggles_tools_and_pan(window, no_move_rate_limit):
    win, mode = window
    plot = win.current_data_view().plot_item
    view_box = plot.getViewBox()
    assert mode.action in win.toolbar.actions()
    assert not mode.toolbar.isVisible() and view_box.mouseEnabled() == [True, True]
    mode.action.trigger()
    assert mode.active and mode.toolbar.isVisible() and mode.class_box.isVisible()
    assert mode.controller.plot_item is plot
    view_range = view_box.viewRange()
    click(plot, 0.5, 0.25)
    assert win.dataset.n_samples == 61
    assert win.calls == [True]  # an edit keeps the model
    drag(plot, [(-0.5, -0.5), (0.0, 0.3), (0.5, 0.6)])  # Put: one point, no pan
    assert view_box.viewRange() == view_range
    assert win.dataset.n_samples == 62
    mode.action.trigger()
    assert not mode.active and not mode.toolbar.isVisible()
    assert view_box.mouseEnabled() == [True, True]
    drag(plot, [(-0.5, -0.5), (0.0, 0.3), (0.5, 0.6)])
    assert view_box.viewRange() != view_range
    assert win.dataset.n_samples == 62


def test_keys_pick_the_class_and_undo_redo(window, qtbot):
    win, mode = window
    mode.set_active(True)
    plot = win.current_data_view().plot_item
    mode.controller.add_class()  # 3 classes
    assert mode.controller.current_class == 2
    QTest.keyClick(win, Qt.Key.Key_1)
    assert mode.controller.current_class == 0
    QTest.keyClick(win, Qt.Key.Key_2)
    assert mode.controller.current_class == 1
    QTest.keyClick(win, Qt.Key.Key_8)  # no class 8: ignored
    assert mode.controller.current_class == 1
    assert mode.class_list.tree.currentItem() is mode.class_list.tree.topLevelItem(1)
    click(plot, 0.1, 0.1)
    click(plot, 0.2, 0.1, button=RIGHT)  # the previously picked class (0)
    QTest.keyClick(win, Qt.Key.Key_3)
    click(plot, 0.3, 0.1)
    assert win.dataset.y[-3:].tolist() == [1, 0, 2]
    QTest.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.dataset.n_samples == 62
    QTest.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.dataset.n_samples == 63 and win.dataset.y[-1] == 2
    # Delete / Backspace delete the selection.
    mode.controller.set_tool(Tool.SELECT)
    drag(plot, [(0.05, 0.05), (0.35, 0.15)])
    assert len(mode.controller.selection) == 3
    QTest.keyClick(win, Qt.Key.Key_Delete)
    assert win.dataset.n_samples == 60
    # Off: the keys do nothing.
    mode.set_active(False)
    QTest.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.dataset.n_samples == 60


def test_toolbar_buttons_follow_the_history(window):
    win, mode = window
    mode.set_active(True)
    bar = mode.toolbar
    assert not bar.undo_action.isEnabled() and not bar.redo_action.isEnabled()
    click(win.current_data_view().plot_item, 0, 0)
    assert bar.undo_action.isEnabled() and not bar.redo_action.isEnabled()
    bar.undo_action.trigger()
    assert win.dataset.n_samples == 60
    assert not bar.undo_action.isEnabled() and bar.redo_action.isEnabled()
    bar.redo_action.trigger()
    assert win.dataset.n_samples == 61
    bar.tool_actions[Tool.ERASE].trigger()
    assert mode.controller.tool == Tool.ERASE
    bar.radius_spin.setValue(55)
    assert mode.controller.radius == 55
    bar.clear_action.trigger()
    assert win.dataset.n_samples == 0 and win.calls[-1] is True
    bar.undo_action.trigger()
    assert win.dataset.n_samples == 61


def test_new_canvas_and_following_the_window(window):
    win, mode = window
    mode.set_active(True)
    mode.toolbar.new_action.trigger()
    assert win.dataset.n_samples == 0 and win.dataset.class_names == ("class 0", "class 1")
    assert win.calls[-1] is False  # a new starting point resets training
    click(win.current_data_view().plot_item, 0.4, 0.4)
    assert win.dataset.n_samples == 1
    # A dataset set elsewhere (a regenerate) becomes the editor's starting point ...
    other = datasets.make("circles", n_samples=40, noise=0.05, random_state=1)
    win.set_dataset(other)
    assert mode.controller.dataset is other
    click(win.current_data_view().plot_item, 0.0, 0.0)
    assert win.dataset.n_samples == 41
    # ... and undo walks back through it.
    mode.controller.undo()
    mode.controller.undo()
    assert win.dataset.n_samples == 1


def test_class_list_add_remove_rename(window, qtbot):
    win, mode = window
    mode.set_active(True)
    classes = mode.class_list
    assert classes.class_names() == list(win.dataset.class_names)
    icon = classes.tree.topLevelItem(1).icon(1).pixmap(14, 14).toImage()
    swatch = icon.pixelColor(icon.width() // 2, icon.height() // 2)
    assert (swatch.red(), swatch.green(), swatch.blue()) == PALETTE[1]
    for _ in range(6):
        classes.add_button.click()
    assert win.dataset.n_classes == 8 and not classes.add_button.isEnabled()
    assert mode.controller.current_class == 7
    assert classes.tree.topLevelItem(7).text(0) == "8"
    # Rename through the list's item (what the inline editor commits).
    classes.tree.topLevelItem(7).setText(1, "stars")
    assert win.dataset.class_names[7] == "stars"
    classes.tree.topLevelItem(6).setText(1, "stars")  # duplicate: refused
    assert win.dataset.class_names[6] != "stars"
    assert classes.tree.topLevelItem(6).text(1) == win.dataset.class_names[6]
    # Remove class 0: its points go, codes above shift down.
    n_class_1 = int(np.sum(win.dataset.y == 1))
    classes.tree.setCurrentItem(classes.tree.topLevelItem(0))
    assert mode.controller.current_class == 0
    classes.remove_button.click()
    assert win.dataset.n_classes == 7 and win.dataset.n_samples == n_class_1
    assert set(win.dataset.y.tolist()) == {0}
    assert classes.tree.topLevelItem(0).text(2) == str(n_class_1)
    mode.controller.undo()
    assert win.dataset.n_classes == 8 and win.dataset.n_samples == 60


def test_not_drawable_dataset_gives_pan_back_and_says_why(window):
    win, mode = window
    mode.set_active(True)
    four = Dataset(np.random.default_rng(0).normal(size=(20, 4)), np.arange(20) % 2, "classification",
                   ("a", "b", "c", "d"), ("no", "yes"))
    win.set_dataset(four)
    plot = win.current_data_view().plot_item
    assert not mode.controller.attached
    assert plot.getViewBox().mouseEnabled() == [True, True]
    assert "4" in mode.toolbar.message_label.text()
    assert not mode.toolbar.tool_actions[Tool.PUT].isEnabled()
    mode.toolbar.new_action.trigger()
    assert mode.controller.attached and mode.toolbar.tool_actions[Tool.PUT].isEnabled()


def test_toolbar_and_class_list_standalone(qtbot):
    controller = DrawController(Editor(new_canvas_dataset()))
    bar = DrawToolbar(controller)
    classes = ClassListWidget(controller)
    qtbot.addWidget(bar)
    qtbot.addWidget(classes)
    assert [a.text() for a in bar.tool_actions.values()] == ["Put", "Brush", "Erase", "Move", "Select"]
    assert all(a.toolTip() and not a.icon().isNull() for a in bar.tool_actions.values())
    bar.density_spin.setValue(12)
    assert controller.density == 12
    controller.set_radius(44)
    assert bar.radius_spin.value() == 44
    controller.set_tool(Tool.SELECT)
    assert bar.tool_actions[Tool.SELECT].isChecked()
    assert classes.class_names() == ["class 0", "class 1"]
    with pytest.raises(ValueError, match="radius"):
        controller.set_radius(0)


def test_stroke_points_show_at_once_while_announcements_are_throttled(canvas):
    controller, plot = canvas.controller, canvas.plot_item
    controller.set_tool(Tool.BRUSH)
    viewport = viewport_of(plot)
    QTest.mousePress(viewport, LEFT, NO_MOD, to_pixel(plot, -1, 0))
    for x in np.linspace(-0.9, 0.0, 12):
        QTest.mouseMove(viewport, to_pixel(plot, x, 0))
    # Mid-stroke: whatever the view has not been given yet is in the preview.
    shown = canvas.edits[-1].n_samples if canvas.edits else 0
    preview = controller._preview_item
    assert shown + len(preview.data) == canvas.dataset.n_samples
    QTest.mouseRelease(viewport, LEFT, NO_MOD, to_pixel(plot, 0, 0))
    assert canvas.edits[-1] is canvas.dataset and len(preview.data) == 0


def test_a_view_without_a_plot_cannot_be_drawn_on(window):
    win, mode = window
    mode.set_active(True)
    plot = win.current_data_view().plot_item
    win.current_data_view = QWidget  # e.g. the OpenGL 3-D surface: no plot_item
    win.set_dataset(win.dataset)
    assert not mode.controller.attached
    assert plot.getViewBox().mouseEnabled() == [True, True]
    assert "3-D" in mode.toolbar.message_label.text()
    assert not mode.toolbar.tool_actions[Tool.BRUSH].isEnabled()
    del win.current_data_view
    win.set_dataset(win.dataset)
    assert mode.controller.plot_item is plot and mode.toolbar.message_label.text() == ""
    assert mode.toolbar.tool_actions[Tool.BRUSH].isEnabled()
