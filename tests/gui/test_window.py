"""The real main window, driven offscreen as a person would: toolbar,
keyboard, panels; waiting on signals and conditions, never on the clock."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

import datasets
from algorithms import MODELS, Trainer
from gui import views

from .conftest import TIMEOUT_MS


def query(qtbot, window) -> dict:
    with qtbot.waitSignal(window.controller.params_reported, timeout=TIMEOUT_MS) as blocker:
        window.controller.query_params()
    return blocker.args[0]


def play_until(qtbot, window, epochs: int) -> None:
    if not window.controller.is_running:
        window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch >= epochs, timeout=TIMEOUT_MS)


def pause_and_settle(qtbot, window) -> int:
    """Pause, then wait until the window shows the worker's last epoch."""
    if window.controller.is_running:
        window.toolbar.play_action.trigger()
    epoch = query(qtbot, window)["epoch"]
    qtbot.waitUntil(lambda: window.epoch == epoch, timeout=TIMEOUT_MS)
    return epoch


def select_source(window, name: str) -> None:
    combo = window.dataset_panel.source_combo
    index = next(i for i in range(combo.count()) if combo.itemData(i) and combo.itemData(i).split(":", 1)[1] == name)
    combo.setCurrentIndex(index)


def select_model(window, key: str) -> None:
    combo = window.model_panel.model_combo
    combo.setCurrentIndex(combo.findData(key))


def test_default_window_trains_with_one_press_of_play(qtbot, make_window):
    window = make_window()  # exactly what `python main.py` opens
    assert window.dataset.task == "classification" and window.dataset.n_classes == 2
    assert window.model_panel.model_key == "nn"
    assert type(window.current_data_view()).__name__ == "ClassificationView"
    stops = []
    window.training_stopped.connect(stops.append)
    frames = []
    window.frame_drawn.connect(lambda epoch, loss: frames.append(epoch))  # GUI-thread signal
    with qtbot.waitSignal(window.frame_drawn, timeout=TIMEOUT_MS, check_params_cb=lambda e, loss: e >= 5):
        window.toolbar.play_action.trigger()
        assert window.toolbar.play_action.text() == "Pause"
    assert "Epoch" in window.toolbar.epoch_label.text()
    # the default run stops at its max_epochs, and says so
    qtbot.waitUntil(lambda: bool(stops), timeout=2 * TIMEOUT_MS)
    assert stops == ["max_epochs"]
    assert window.toolbar.play_action.text() == "Play"
    assert "Press Play to train 1,000 more epochs" in window.statusBar().currentMessage()
    # paced to be watched (Auto): hundreds of frames, a few epochs each at
    # most (at full speed the run was over in 5 frames)
    assert len(frames) >= 150 and frames[-1] == 1000


def test_play_pause_and_the_readouts(qtbot, window):
    play_until(qtbot, window, 30)
    qtbot.waitUntil(lambda: "0.0 epochs/s" not in window.toolbar.rate_label.text(), timeout=TIMEOUT_MS)
    with qtbot.waitSignal(window.training_stopped, timeout=TIMEOUT_MS) as stopped:
        window.toolbar.play_action.trigger()
    assert stopped.args == ["paused"]
    epoch = pause_and_settle(qtbot, window)
    assert epoch >= 30
    assert window.toolbar.epoch_label.text() == f"Epoch {epoch:,}"
    assert window.toolbar.play_action.text() == "Play"
    # paused means paused: the worker's count stays put while the GUI spins
    assert query(qtbot, window)["epoch"] == epoch


def test_step_moves_the_counter_by_exactly_one(qtbot, window):
    play_until(qtbot, window, 10)
    start = pause_and_settle(qtbot, window)
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == start + 1, timeout=TIMEOUT_MS)
    assert query(qtbot, window)["epoch"] == start + 1
    assert window.toolbar.epoch_label.text() == f"Epoch {start + 1:,}"


def test_keyboard_space_right_and_r(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=TIMEOUT_MS)
    target = window.current_data_view()
    qtbot.keyClick(target, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.epoch == 1, timeout=TIMEOUT_MS)
    qtbot.keyClick(target, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.epoch >= 20, timeout=TIMEOUT_MS)
    qtbot.keyClick(target, Qt.Key.Key_Space)
    pause_and_settle(qtbot, window)
    seed = window.model_panel.form().fields["random_state"].value()
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        qtbot.keyClick(target, Qt.Key.Key_R)
    assert window.model_panel.form().fields["random_state"].value() == seed + 1


def test_reset_gives_new_weights_and_epoch_zero(qtbot, window):
    play_until(qtbot, window, 20)
    pause_and_settle(qtbot, window)
    before = query(qtbot, window)
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        window.toolbar.reset_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == 0, timeout=TIMEOUT_MS)
    after = query(qtbot, window)
    assert after["epoch"] == 0
    assert after["random_state"] == before["random_state"] + 1
    assert after["generation"] == before["generation"] + 1
    assert window.toolbar.epoch_label.text() == "Epoch 0"


def test_every_control_has_a_tooltip(window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox

    for action in window.toolbar.actions():
        if action.isSeparator() or not action.text():
            continue
        assert action.toolTip() and action.toolTip() != action.text().replace("&", ""), action.text()
    controls = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox)
    for panel in (window.dataset_panel, window.model_panel, window.toolbar):
        for widget in panel.findChildren(QWidget):
            if not isinstance(widget, controls):
                continue
            if widget.isVisibleTo(window) and not widget.objectName().startswith("qt_"):
                owner = widget
                while owner is not None and not owner.toolTip():
                    owner = owner.parentWidget()
                assert owner is not None, f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r} has no tooltip"


def test_boundary_image_changes_as_training_proceeds(qtbot, window):
    view = window.current_data_view()
    qtbot.waitUntil(lambda: window.epoch == 0, timeout=TIMEOUT_MS)
    before = view.grab().toImage()
    play_until(qtbot, window, 150)
    pause_and_settle(qtbot, window)
    after = view.grab().toImage()
    assert before.size() == after.size()
    assert before != after


def test_change_dataset_and_model_through_the_panels(qtbot, window):
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        select_source(window, "circles")
    assert window.dataset.name == "circles"
    # regression data: the classifiers leave the list, the views follow
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        select_source(window, "sine")
    assert window.dataset.task == "regression"
    keys = [window.model_panel.model_combo.itemData(i) for i in range(window.model_panel.model_combo.count())]
    assert "logistic" not in keys and "linear" in keys
    assert type(window.current_data_view()).__name__ == "Regression1DView"
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        select_model(window, "linear")
    params = query(qtbot, window)
    assert set(params) - {"epoch", "generation"} == {p.name for p in MODELS["linear"].PARAMS}
    play_until(qtbot, window, 5)


def test_generator_options_regenerate(qtbot, window):
    options = window.dataset_panel.generator_options()
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        options.samples.spin.setValue(123)
    assert window.dataset.n_samples == 123
    first = window.dataset
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        window.dataset_panel.regenerate_button.click()
    assert window.dataset.n_samples == 123
    assert not np.array_equal(first.X, window.dataset.X)
    classes = options.options.fields["n_classes"]
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        classes.spin.setValue(4)
    assert window.dataset.n_classes == 4
    assert [window.model_panel.model_combo.itemData(i) for i in range(window.model_panel.model_combo.count())] == ["nn"]
    qtbot.waitUntil(lambda: window.presenter.current_view() is window.current_data_view(), timeout=TIMEOUT_MS)


def test_every_generator_can_be_picked_and_trained(qtbot, window):
    for name in datasets.GENERATORS:
        with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
            select_source(window, name)
        window.toolbar.step_action.trigger()
        qtbot.waitUntil(lambda: window.epoch == 1, timeout=TIMEOUT_MS)
        assert not window.banner.text(), (name, window.banner.text())


def test_bundled_table_with_many_features(qtbot, window):
    name = next(iter(datasets.BUILTINS))
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        select_source(window, name)
    ds = window.dataset
    assert ds.n_features > 2
    assert window.dataset_panel.features_row.isVisibleTo(window)
    assert window.secondary_box.isVisibleTo(window)
    grid = window.presenter.grid_points()
    assert grid.shape[1] == ds.n_features
    # features not on the axes sit at their mean
    assert np.allclose(grid[:, 2], ds.X[:, 2].mean())
    window.dataset_panel.set_shown_features(2, 3)
    grid = window.presenter.grid_points()
    assert np.allclose(grid[:, 0], ds.X[:, 0].mean())
    assert not np.allclose(grid[:, 2], ds.X[:, 2].mean())
    play_until(qtbot, window, 5)


def test_learning_rate_changes_mid_training_without_a_reset(qtbot, window):
    play_until(qtbot, window, 20)
    field = window.model_panel.form().fields["learning_rate"]
    field.spin.setValue(0.0123)
    params = query(qtbot, window)
    assert params["learning_rate"] == pytest.approx(0.0123)
    assert params["generation"] == window._generation
    assert params["epoch"] >= 20
    assert window.controller.is_running
    qtbot.waitUntil(lambda: window.epoch >= params["epoch"] + 10, timeout=TIMEOUT_MS)
    assert "next epoch" in window.statusBar().currentMessage()


def test_architecture_change_resets_and_says_so(qtbot, window):
    play_until(qtbot, window, 10)
    layers = window.model_panel.form().fields["hidden_layers"]
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        layers.add_layer(5)
    assert "reset" in window.statusBar().currentMessage().lower()
    assert query(qtbot, window)["hidden_layers"][-1] == 5
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        layers.remove_layer(0)
    assert len(query(qtbot, window)["hidden_layers"]) == len(layers.value())


def test_input_features_reach_the_worker(qtbot, window):
    checks = window.model_panel.feature_checks
    assert window.model_panel.features_box.isVisibleTo(window)
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        checks["x1^2"].setChecked(True)
    transform = window.model_panel.build_transform()
    assert transform.names[-1] == "x1^2"
    play_until(qtbot, window, 5)


def test_diverging_learning_rate_shows_the_message_and_training_goes_on_after(qtbot, make_window):
    ds = datasets.make("line", n_samples=100, noise=0.1, random_state=0)
    model = MODELS["linear"](learning_rate=0.01, random_state=0)
    window = make_window(ds, model)
    assert window.model_panel.model_key == "linear"
    lr = window.model_panel.form().fields["learning_rate"]
    lr.spin.setValue(lr.spin.maximum())
    # also no normalisation, so the huge step really blows up
    if "normalize" in window.model_panel.form().fields:
        window.model_panel.form().fields["normalize"].check.setChecked(False)
    with qtbot.waitSignal(window.training_stopped, timeout=TIMEOUT_MS, check_params_cb=lambda r: r == "diverged"):
        window.toolbar.play_action.trigger()
    assert "diverged" in window.banner.text().lower()
    assert window.toolbar.play_action.text() == "Play"
    lr.spin.setValue(0.01)
    generation = window._generation
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window._generation > generation and window.epoch >= 10, timeout=TIMEOUT_MS)
    assert not window.banner.text()


def test_worker_exception_is_shown_and_the_app_keeps_working(qtbot, window, monkeypatch):
    def broken_step(self):
        raise RuntimeError("simulated failure in the training loop")

    monkeypatch.setattr(Trainer, "step", broken_step)
    with qtbot.waitSignal(window.training_stopped, timeout=TIMEOUT_MS, check_params_cb=lambda r: r == "error"):
        window.toolbar.play_action.trigger()
    assert "simulated failure" in window.banner.text()
    monkeypatch.undo()
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch >= 5, timeout=TIMEOUT_MS)


def test_close_mid_training_stops_the_thread(qtbot, make_window):
    ds = datasets.make("spiral", n_samples=2000, noise=0.1, random_state=0)
    window = make_window(ds)
    play_until(qtbot, window, 3)
    assert window.controller.is_thread_running()
    window.close()
    assert not window.controller.is_thread_running()


def test_keep_model_swaps_data_without_reset(qtbot, window):
    play_until(qtbot, window, 10)
    generation = window._generation
    ds = window.dataset
    more = datasets.Dataset(np.vstack([ds.X, [[0.0, 0.0]]]), np.append(ds.y, 1), ds.task, ds.feature_names, ds.class_names, ds.name)
    window.set_dataset(more, keep_model=True)
    qtbot.waitUntil(lambda: window.samples_label.text().startswith("301 rows: training"), timeout=TIMEOUT_MS)
    assert window._generation == generation


def test_3d_falls_back_to_the_heatmap_without_opengl(qtbot, window, monkeypatch):
    monkeypatch.setattr(views, "opengl_available", lambda: False)
    window.presenter._available.clear()
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        select_source(window, "plane")
    assert window.toolbar.surface3d_action.isVisible()
    window.toolbar.surface3d_action.setChecked(True)
    assert type(window.current_data_view()).__name__ == "RegressionHeatmapView"
    assert window.view_note.isVisibleTo(window) and "OpenGL" in window.view_note.text()
    play_until(qtbot, window, 5)


def test_time_series_view(qtbot, window):
    with qtbot.waitSignal(window.training_reset, timeout=TIMEOUT_MS):
        select_source(window, "time_series")
    assert type(window.current_data_view()).__name__ == "TimeSeriesView"
    play_until(qtbot, window, 5)


def test_zooming_a_locked_frame_sends_the_worker_a_new_grid(qtbot, window):
    view = window.current_data_view()
    view.set_frame_locked(True)  # as draw mode does
    with qtbot.waitSignal(window.presenter.specs_changed, timeout=TIMEOUT_MS):
        view.plot_item.vb.setRange(xRange=(0.0, 0.5), yRange=(0.0, 0.5), padding=0)
    grid = window.presenter.grid_points()
    assert grid[:, 0].min() >= -0.01 and grid[:, 0].max() <= 0.51
    window.toolbar.step_action.trigger()
    qtbot.waitUntil(lambda: window.epoch == 1, timeout=TIMEOUT_MS)
    play_until(qtbot, window, 20)  # frames on the new grid draw without errors
    view.set_frame_locked(False)


def test_app_entry_point_builds_the_window(qtbot, monkeypatch):
    """run_app with the default options: the window opens with draw mode and
    GIF recording installed, and the thread is stopped when the loop ends."""
    import main
    from PySide6.QtWidgets import QApplication

    from gui import app as app_module

    windows = []

    def fake_exec(self):
        windows.append(next(w for w in QApplication.topLevelWidgets() if hasattr(w, "draw_mode")))
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    monkeypatch.setattr(QApplication, "setStyle", lambda *a: None)  # keep the session's style
    args = main.build_parser().parse_args(["window", "--samples", "100"])
    assert app_module.run_app(args) == 0
    window = windows[0]
    assert window.draw_mode is not None and window.recorder is not None
    assert not window.controller.is_thread_running()
    window.close()
    window.deleteLater()


def test_app_entry_point_rejects_bad_options(capsys):
    import main

    from gui import app as app_module

    args = main.build_parser().parse_args(["window", "--dataset", "nope"])
    assert app_module.run_app(args) == 2
    assert "nope" in capsys.readouterr().err


def test_empty_canvas_is_a_notice_and_drawn_points_then_train(qtbot, window):
    empty = datasets.Dataset(np.zeros((0, 2)), np.zeros(0, dtype=np.int64), "classification",
                             ("x1", "x2"), ("class 0", "class 1"), "canvas")
    with qtbot.waitSignal(window.training_stopped, timeout=TIMEOUT_MS, check_params_cb=lambda r: r == "error"):
        window.set_dataset(empty)
    assert window.banner.text().startswith("Cannot train")
    assert "Change the settings" not in window.banner.text()  # a notice, not a failure
    drawn = datasets.make("moons", n_samples=40, noise=0.1, random_state=1)
    window.set_dataset(dataclasses.replace(drawn, name="canvas"), keep_model=True)
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: window.epoch >= 5, timeout=TIMEOUT_MS)
    assert not window.banner.text()


def test_generator_errors_show_inline_and_keep_the_data(qtbot, window, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("noise=9 is too much for this generator")

    monkeypatch.setattr(datasets, "make", refuse)
    before = window.dataset
    window.dataset_panel.generator_options().noise.spin.setValue(0.3)
    assert window.dataset is before
    assert window.dataset_panel.error_label.isVisibleTo(window)
    assert "noise=9" in window.dataset_panel.error_label.text()
    monkeypatch.undo()
    with qtbot.waitSignal(window.dataset_changed, timeout=TIMEOUT_MS):
        window.dataset_panel.regenerate_button.click()
    assert not window.dataset_panel.error_label.isVisibleTo(window)


def test_the_loss_view_is_redrawn_at_a_limited_rate_and_shows_every_epoch_once_paused(qtbot, window,
                                                                                       monkeypatch):
    from gui import main_window as main_window_module

    # a long interval, so the test does not depend on the machine's frame rate
    monkeypatch.setattr(main_window_module, "LOSS_REDRAW_INTERVAL", 0.5)
    redraws, frames = [], []
    original = window.loss_view._update_readout  # once per redraw of new epochs

    def counting_redraw():
        redraws.append(window.loss_view.n_epochs)
        original()

    monkeypatch.setattr(window.loss_view, "_update_readout", counting_redraw)  # undone before the window closes
    window.frame_drawn.connect(lambda epoch, loss: frames.append(epoch))
    window.toolbar.set_speed(None)
    window.toolbar.play_action.trigger()
    qtbot.waitUntil(lambda: len(frames) >= 40, timeout=TIMEOUT_MS)
    # the loss view got every epoch at every frame, but was redrawn less often
    assert window.loss_view.n_epochs == window.epoch
    assert len(redraws) < len(frames) / 2
    # while running, the timer draws what the rate limit held back
    qtbot.waitUntil(lambda: len(redraws) >= 3, timeout=TIMEOUT_MS)
    epoch = pause_and_settle(qtbot, window)
    # paused: the curves show the very last epoch, at once or by the timer
    qtbot.waitUntil(lambda: not window.loss_view.stale, timeout=TIMEOUT_MS)
    xs, _ = window.loss_view.curves["loss"].getData()
    assert xs[-1] == epoch == window.loss_view.data("epoch")[-1]


def test_loss_view_append_without_redraw_keeps_the_epochs_until_redraw(qtbot):
    view = views.LossView()
    qtbot.addWidget(view)
    view.append(np.arange(1, 11), np.linspace(1, 0.1, 10), np.full(10, np.nan), np.linspace(0, 1, 10),
                np.full(10, np.nan))
    assert not view.stale
    view.append(np.arange(11, 21), np.linspace(0.1, 0.01, 10), np.full(10, np.nan), np.ones(10),
                np.full(10, np.nan), redraw=False)
    assert view.stale and view.n_epochs == 20
    assert view.curves["loss"].getData()[0][-1] == 10      # not drawn yet
    assert "epoch 10" in view.epoch_label.text()
    view.redraw()
    assert not view.stale
    assert view.curves["loss"].getData()[0][-1] == 20
    assert "epoch 20" in view.epoch_label.text()
    view.reset("accuracy")
    assert not view.stale and view.n_epochs == 0
