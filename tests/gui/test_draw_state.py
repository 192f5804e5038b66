"""Draw mode's state in the real window (issue 12): what an edit does to
training, to the picture, to the Data panel and to the status line.

Each test drives the real MainWindow with its real training worker (built by
conftest's ``make_window``, which stops the thread at teardown) and waits on
conditions, never on time.
"""

from __future__ import annotations

import numpy as np
import pytest

import datasets
from algorithms import NeuralNetwork
from gui.draw import Tool, install_draw_mode
from gui.draw.class_list import NAME_COLUMN
from gui.panels.dataset_panel import CUSTOM_LABEL
from gui.worker import CANNOT_TRAIN

from .conftest import TIMEOUT_MS
from .test_draw import RIGHT, click, drag
from .test_draw_window import ReportLog


@pytest.fixture
def moons():
    return datasets.make("moons", n_samples=120, noise=0.1, random_state=0)


class Run:
    """A window on ``moons`` in Draw mode, training slowly enough (150 epochs
    a second, max_epochs 100,000) that every edit lands mid-training."""

    def __init__(self, qtbot, make_window, dataset, *, model=None, play=True):
        self.qtbot = qtbot
        if model is None:
            model = NeuralNetwork(hidden_layers=(8,), random_state=0, max_epochs=100_000)
        self.window = make_window(dataset, model)
        self.log = ReportLog(self.window)
        self.resets = []
        self.window.training_reset.connect(lambda: self.resets.append(self.window.epoch))
        self.mode = install_draw_mode(self.window)
        self.mode.set_active(True)
        self.window.controller.set_speed(150)
        if play:
            self.window.toolbar.play_action.trigger()
            self.wait_epochs(10)

    @property
    def plot(self):
        return self.window.current_data_view().plot_item

    def wait_epochs(self, n):
        """Wait until the window shows ``n`` more epochs than now."""
        target = self.window.epoch + n
        self.qtbot.waitUntil(lambda: self.window.epoch >= target, timeout=TIMEOUT_MS)

    def wait_rows(self, n_rows):
        """Wait until the worker reports training on ``n_rows`` rows (its latest data)."""
        self.qtbot.waitUntil(lambda: bool(self.log.reports) and self.log.last.n_samples == n_rows,
                             timeout=TIMEOUT_MS)

    def status(self) -> str:
        return self.window.statusBar().currentMessage()

    def messages(self) -> list[str]:
        """Everything the person was told: report messages, the status line, the banner."""
        return [r.message for r in self.log.reports if r.message] + [self.status(), self.window.banner.text()]

    def pause(self):
        if self.window.controller.is_running:
            self.window.toolbar.play_action.trigger()


def test_renaming_a_class_only_renames_it(qtbot, make_window, moons):
    run = Run(qtbot, make_window, moons)
    generation, epoch = run.log.last.generation, run.window.epoch
    # What the class list's inline editor commits on Enter.
    run.mode.class_list.tree.topLevelItem(0).setText(NAME_COLUMN, "apples")
    assert run.window.dataset.class_names == ("apples", "class 1")
    run.wait_epochs(20)
    assert run.resets == [] and run.log.last.generation == generation
    assert run.log.last.epoch >= epoch + 20  # training went on from where it was
    assert "reset" not in run.status().lower()
    # the legend has the new name
    legend = run.window.current_data_view().legend
    assert "apples" in [label.text for _, label in legend.items]
    run.pause()


def test_an_empty_class_keeps_training_and_its_first_point_resets_once_in_plain_words(qtbot, make_window, moons):
    run = Run(qtbot, make_window, moons)
    generation = run.log.last.generation
    run.mode.class_list.add_button.click()
    assert run.window.dataset.n_classes == 3 and run.mode.controller.current_class == 2
    run.wait_epochs(20)
    # an empty class gives the model nothing new to learn: training goes on
    assert run.resets == [] and run.log.last.generation == generation
    # The first point of the new class: the model needs a third output, so it
    # starts again -- once, and it says why in words.
    (x0, x1), (y0, y1) = run.plot.getViewBox().viewRange()
    click(run.plot, (x0 + x1) / 2, (y0 + y1) / 2)
    assert run.window.dataset.n_samples == 121
    run.wait_rows(121)
    run.wait_epochs(20)
    assert len(run.resets) == 1 and run.log.last.generation == generation + 1
    assert run.status() == ("Model reset: “class 2” has its first point, so the model starts again from epoch 0 "
                            "to learn 3 classes.")
    assert not any("set_data" in text or "classes_" in text for text in run.messages())
    # more points of the new class: no more resets
    click(run.plot, x0 + 0.3 * (x1 - x0), (y0 + y1) / 2)
    run.wait_rows(122)
    run.wait_epochs(10)
    assert len(run.resets) == 1
    run.pause()


def test_a_third_class_switches_logistic_regression_to_the_network_once_in_words(qtbot, make_window, moons):
    from algorithms import LogisticRegression

    run = Run(qtbot, make_window, moons, model=LogisticRegression(random_state=0, max_epochs=100_000))
    run.mode.class_list.add_button.click()
    assert run.window.model_panel.model_key == "nn"  # logistic regression learns two classes only
    qtbot.waitUntil(lambda: len(run.resets) == 1, timeout=TIMEOUT_MS)
    assert run.status() == (
        "Model reset: the model changed to neural network (logistic regression cannot learn 3 classes), so the "
        "model starts again from epoch 0 to learn 2 classes.")
    run.pause()


def test_removing_a_class_in_the_middle_renumbers_the_rest_and_resets(qtbot, make_window, moons):
    # (the rename fix must not keep a model whose codes now mean other classes)
    run = Run(qtbot, make_window, moons)
    run.mode.class_list.add_button.click()
    (x0, x1), (y0, y1) = run.plot.getViewBox().viewRange()
    click(run.plot, (x0 + x1) / 2, (y0 + y1) / 2)
    run.wait_rows(121)
    resets = len(run.resets)
    run.mode.controller.set_current_class(0)
    run.mode.class_list.remove_button.click()  # class 0 goes; "class 2" becomes code 1
    assert run.window.dataset.class_names == ("class 1", "class 2")
    run.wait_rows(61)
    assert len(run.resets) == resets + 1
    assert run.status() == ("Model reset: the classes were renumbered, so the model starts again from epoch 0 to "
                            "learn 2 classes.")
    run.pause()


def test_a_new_canvas_shows_no_surface_of_the_previous_model(qtbot, make_window, moons):
    run = Run(qtbot, make_window, moons)
    view = run.window.current_data_view()
    qtbot.waitUntil(view.surface_item.isVisible, timeout=TIMEOUT_MS)
    run.mode.toolbar.new_action.trigger()
    assert run.window.dataset.n_samples == 0
    # the worker answers: nothing to train on
    qtbot.waitUntil(lambda: (run.log.last.message or "").startswith(CANNOT_TRAIN), timeout=TIMEOUT_MS)
    assert run.window.current_data_view() is view
    assert not view.surface_item.isVisible() and not view.boundary_item.isVisible()
    # Drawing two classes brings a model, and its surface, back.
    run.mode.controller.set_tool(Tool.BRUSH)
    drag(run.plot, [(-0.8, -0.8), (-0.6, -0.6), (-0.4, -0.8)])
    drag(run.plot, [(0.8, 0.8), (0.6, 0.6), (0.4, 0.8)], button=RIGHT)
    run.window.toolbar.play_action.trigger()
    qtbot.waitUntil(view.surface_item.isVisible, timeout=TIMEOUT_MS)
    # Clear (every point erased, classes kept): the surface goes again.
    run.mode.toolbar.clear_action.trigger()
    assert run.window.dataset.n_samples == 0
    qtbot.waitUntil(lambda: not view.surface_item.isVisible(), timeout=TIMEOUT_MS)
    run.pause()


def test_the_data_panel_says_the_data_were_edited_with_the_row_count(qtbot, make_window, moons):
    run = Run(qtbot, make_window, moons, play=False)
    panel = run.window.dataset_panel
    assert panel.source_combo.currentText().strip() == "Two moons"
    assert panel.options_stack.currentWidget() is panel.generator_options("moons")
    (x0, x1), (y0, y1) = run.plot.getViewBox().viewRange()
    click(run.plot, (x0 + x1) / 2, (y0 + y1) / 2)
    assert panel.source_combo.currentText() == CUSTOM_LABEL
    assert panel.options_stack.currentWidget() is panel._custom_note
    assert panel._custom_note.text() == (
        "Two moons, edited in Draw mode: 121 rows. Pick a dataset above to generate new points.")
    assert panel.summary.text().startswith("Two moons · 121 samples")
    # Moving points keeps the count, still edited.
    run.mode.controller.set_tool(Tool.MOVE)
    assert panel._custom_note.text().endswith("121 rows. Pick a dataset above to generate new points.")
    # Undo back to the generated points: the panel shows their generator again.
    run.mode.controller.undo()
    assert run.window.dataset is moons
    assert panel.source_combo.currentText().strip() == "Two moons"
    assert panel.options_stack.currentWidget() is panel.generator_options("moons")
    # A regenerate from the panel still works from there.
    with qtbot.waitSignal(run.window.dataset_changed, timeout=TIMEOUT_MS):
        panel.regenerate_button.click()
    form = panel.generator_options("moons")
    assert run.window.dataset.n_samples == form.samples.value() and form.seed.value() == 1
    assert panel.options_stack.currentWidget() is form


def test_a_cannot_train_notice_goes_away_once_training_works(qtbot, make_window, moons):
    run = Run(qtbot, make_window, moons, play=False)
    run.mode.toolbar.new_action.trigger()
    qtbot.waitUntil(lambda: run.window.banner.text().startswith(CANNOT_TRAIN), timeout=TIMEOUT_MS)
    # One class only: still nothing to train.
    run.mode.controller.set_tool(Tool.BRUSH)
    drag(run.plot, [(-0.8, -0.8), (-0.6, -0.6), (-0.4, -0.8)])
    n_rows = run.window.dataset.n_samples
    qtbot.waitUntil(lambda: "only one class" in run.window.banner.text(), timeout=TIMEOUT_MS)
    assert run.status().startswith(CANNOT_TRAIN)
    # The second class makes the data trainable: the notice goes at once ...
    drag(run.plot, [(0.8, 0.8), (0.6, 0.6), (0.4, 0.8)], button=RIGHT)
    run.wait_rows(run.window.dataset.n_samples)
    assert run.window.dataset.n_samples > n_rows
    assert run.window.banner.text() == ""
    assert not run.status().startswith(CANNOT_TRAIN)
    # ... and stays gone while training runs.
    run.window.toolbar.play_action.trigger()
    run.wait_epochs(10)
    assert run.window.banner.text() == "" and not run.status().startswith(CANNOT_TRAIN)
    run.pause()


def test_the_status_line_counts_training_and_validation_rows(qtbot, make_window, moons):
    run = Run(qtbot, make_window, moons, play=False)
    label = run.window.samples_label
    # validation_fraction 0.2 of 120 rows, per class: 12 + 12
    qtbot.waitUntil(lambda: label.text() == "120 rows: training 96, validation 24", timeout=TIMEOUT_MS)
    (x0, x1), (y0, y1) = run.plot.getViewBox().viewRange()
    run.mode.controller.set_tool(Tool.BRUSH)
    run.mode.controller.set_density(10)
    drag(run.plot, [(x0 + 0.1 * (x1 - x0), (y0 + y1) / 2), (x0 + 0.2 * (x1 - x0), (y0 + y1) / 2)])
    n = run.window.dataset.n_samples
    n_class_0 = int(np.sum(run.window.dataset.y == 0))
    n_val = round(0.2 * n_class_0) + round(0.2 * (n - n_class_0))
    run.wait_rows(n)
    qtbot.waitUntil(lambda: label.text() == f"{n} rows: training {n - n_val}, validation {n_val}",
                    timeout=TIMEOUT_MS)
    # No validation split: all rows train.
    run.window.model_panel.form().fields["validation_fraction"].spin.setValue(0.0)
    qtbot.waitUntil(lambda: label.text() == f"{n} rows: training {n}, no validation", timeout=TIMEOUT_MS)
    # A blank canvas trains on nothing.
    run.mode.toolbar.new_action.trigger()
    qtbot.waitUntil(lambda: label.text() == "0 rows: not training", timeout=TIMEOUT_MS)
