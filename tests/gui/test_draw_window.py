"""Draw mode in the real MainWindow, with its real training worker.

The window is built by tests/gui/conftest.py's ``make_window`` fixture, which
stops the training thread at teardown. Everything waits on signals and
conditions; nothing sleeps.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import datasets
from gui.draw import Tool, install_draw_mode

from .conftest import TIMEOUT_MS
from .test_draw import click, drag


class ReportLog(QObject):
    """Every report the window receives from the worker (GUI thread)."""

    def __init__(self, window):
        super().__init__(window)
        self.reports = []
        window.controller.report_received.connect(self.on_report)

    @Slot(object)
    def on_report(self, report):
        self.reports.append(report)

    @property
    def last(self):
        return self.reports[-1]


@pytest.fixture
def no_move_rate_limit():
    limit = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", limit)


@pytest.fixture
def moons():
    return datasets.make("moons", n_samples=120, noise=0.1, random_state=0)


def test_draw_mode_in_the_real_window(qtbot, make_window, moons, no_move_rate_limit):
    window = make_window(moons)
    mode = install_draw_mode(window)
    plot = window.current_data_view().plot_item
    view_box = plot.getViewBox()
    assert mode.action in window.toolbar.actions()
    mode.action.trigger()
    assert mode.controller.plot_item is plot and mode.toolbar.isVisible()
    frame = view_box.viewRange()
    click(plot, 0.5, 0.25)
    assert window.dataset.n_samples == 121
    assert mode.controller.dataset is window.dataset
    drag(plot, [(-0.5, -0.5), (0.0, 0.3), (0.5, 0.6)])
    assert view_box.viewRange() == frame
    mode.action.trigger()
    assert view_box.mouseEnabled() == [True, True]
    drag(plot, [(-0.5, -0.5), (0.0, 0.3), (0.5, 0.6)])
    assert view_box.viewRange() != frame


def test_drawing_mid_training_changes_the_data_without_resetting(qtbot, make_window, moons):
    window = make_window(moons)
    log = ReportLog(window)
    resets = []
    window.training_reset.connect(lambda: resets.append(window.epoch))
    mode = install_draw_mode(window)
    mode.set_active(True)
    # Slow enough (max_epochs is 1000) that the drawing lands mid-training.
    window.controller.set_speed(150)
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch >= 20, timeout=TIMEOUT_MS)
    assert log.last.n_samples == 120
    epoch_before = window.epoch
    generation = log.last.generation

    plot = window.current_data_view().plot_item
    mode.controller.set_tool(Tool.BRUSH)
    mode.controller.set_density(10)
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()

    def at(u, v):  # a point at fractions (u, v) of the visible frame
        return (x0 + u * (x1 - x0), y0 + v * (y1 - y0))

    drag(plot, [at(0.1, 0.85), at(0.25, 0.9), at(0.4, 0.88)])
    total = window.dataset.n_samples
    assert total > 130

    # The worker now trains on the drawn rows: the reported count moves ...
    qtbot.waitUntil(lambda: log.last.n_samples == total, timeout=TIMEOUT_MS)
    # ... and training went on from where it was.
    assert log.last.generation == generation
    assert log.last.epoch >= epoch_before
    assert resets == []
    first = next(r for r in log.reports if r.n_samples == total)
    assert first.stopped is None and first.running  # it was still training

    # Erasing mid-training: the count goes down, still no reset.
    mode.controller.set_tool(Tool.ERASE)
    mode.controller.set_radius(40)
    click(plot, *at(0.25, 0.9))
    fewer = window.dataset.n_samples
    assert fewer < total
    qtbot.waitUntil(lambda: log.last.n_samples == fewer, timeout=TIMEOUT_MS)
    assert log.last.generation == generation and resets == []
    window.toolbar.play_action.trigger()  # pause


def test_new_canvas_draw_and_train_in_the_real_window(qtbot, make_window):
    window = make_window(datasets.make("moons", n_samples=60, noise=0.1, random_state=0))
    log = ReportLog(window)
    mode = install_draw_mode(window)
    mode.set_active(True)
    mode.toolbar.new_action.trigger()
    assert window.dataset.n_samples == 0 and window.dataset.n_classes == 2
    plot = window.current_data_view().plot_item
    controller = mode.controller
    controller.set_tool(Tool.BRUSH)
    controller.set_radius(22)
    controller.set_density(8)
    # Class 0 around a ring, class 1 in its middle (right button).
    angles = np.linspace(0, 2 * np.pi, 25)
    drag(plot, [(1.1 * np.cos(a), 1.1 * np.sin(a)) for a in angles])
    drag(plot, [(-0.3, -0.2), (0.3, 0.2), (0.0, 0.3), (-0.2, -0.3)], button=Qt.MouseButton.RightButton)
    drawn = window.dataset
    assert set(drawn.y.tolist()) == {0, 1} and drawn.n_samples > 100
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: bool(log.reports) and log.last.n_samples == drawn.n_samples
                    and log.last.score.size > 0 and log.last.score[-1] > 0.9, timeout=TIMEOUT_MS)
    if window.controller.is_running:
        window.toolbar.play_action.trigger()


def test_draw_mode_follows_the_window_to_regression_views(qtbot, make_window, moons):
    window = make_window(moons)
    mode = install_draw_mode(window)
    mode.set_active(True)
    classification_plot = window.current_data_view().plot_item

    # A regenerate elsewhere (1-feature regression): the window swaps its view
    # and Draw mode moves to the new plot, giving pan/zoom back to the old one.
    sine = datasets.make("sine", n_samples=40, noise=0.1, random_state=0)
    window.set_dataset(sine)
    plot = window.current_data_view().plot_item
    assert plot is not classification_plot
    assert mode.controller.plot_item is plot and mode.controller.dataset is sine
    assert not mode.class_box.isVisible()  # no classes to list
    assert classification_plot.getViewBox().mouseEnabled() == [True, True]
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
    x, y = x0 + 0.3 * (x1 - x0), y0 + 0.7 * (y1 - y0)
    click(plot, x, y)
    drawn = window.dataset
    assert drawn.n_samples == 41 and drawn.task == "regression"
    pixel = plot.getViewBox().viewPixelSize()
    assert abs(drawn.X[-1, 0] - x) <= 1.5 * pixel[0] and abs(drawn.y[-1] - y) <= 1.5 * pixel[1]

    # 2-feature regression (the heatmap): points get the Target value.
    plane = datasets.make("plane", n_samples=40, noise=0.1, random_state=0)
    window.set_dataset(plane)
    plot = window.current_data_view().plot_item
    assert mode.controller.plot_item is plot
    assert mode.toolbar.target_action.isVisible()
    mode.toolbar.target_spin.setValue(2.5)
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
    click(plot, (x0 + x1) / 2, (y0 + y1) / 2)
    click(plot, (x0 + x1) / 2, y0 + 0.3 * (y1 - y0), button=Qt.MouseButton.RightButton)
    assert window.dataset.n_samples == 42
    assert window.dataset.y[-2:].tolist() == [2.5, -2.5]

    # Undo walks back across the regenerate, to the drawn 1-feature data.
    for _ in range(3):
        mode.controller.undo()
    assert window.dataset == drawn
    assert mode.controller.plot_item is window.current_data_view().plot_item


def test_class_keys_work_after_editing_a_field(qtbot, make_window, moons):
    window = make_window(moons)
    mode = install_draw_mode(window)
    mode.set_active(True)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT_MS)
    mode.controller.add_class()
    mode.controller.set_tool(Tool.BRUSH)
    field = mode.toolbar.density_spin
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=TIMEOUT_MS)
    # Digits typed into a field are the field's, not class keys ...
    field.lineEdit().selectAll()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_1)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
    assert field.value() == 12 and mode.controller.current_class == 2
    # ... and after drawing on the plot the keys pick classes again.
    plot = window.current_data_view().plot_item
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
    click(plot, (x0 + x1) / 2, (y0 + y1) / 2)
    assert window.dataset.n_samples == 120 + 12
    assert not field.hasFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
    assert mode.controller.current_class == 1
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.dataset.n_samples == 120
