"""Replay: the timeline under the views shows every view as the model was
at a recorded epoch (the frames of that epoch's checkpoint), with a cursor
on the loss curves; Latest / Play go back to the newest epoch; Restart here
trains on from the chosen one, the later epochs kept as a ghost."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import datasets
from algorithms import NeuralNetwork
from algorithms.state import from_checkpoint
from gui.timeline import TimelineStore, auto_every
from gui.views.frame import FrameComputer

from .conftest import TIMEOUT_MS
from .test_window import pause_and_settle, play_until


# -- the store (no window) -------------------------------------------------------------------


def _checkpoint(nbytes: int) -> dict:
    return {"nbytes": nbytes}


def test_the_store_keeps_the_recorder_schedule_within_its_budget():
    store = TimelineStore(budget_bytes=10_000, max_entries=8)
    store.reset(every=auto_every(1000))  # the recorder's automatic spacing for 1,000 epochs: 4
    assert store.every == 4
    kept = [epoch for epoch in range(0, 200) if store.due(epoch) and store.add(epoch, _checkpoint(100), {}) is None]
    assert kept[:3] == [0, 4, 8]
    # over 8 checkpoints: every other one goes and the spacing doubles, so they span the whole run
    assert len(store.entries) <= 8 and store.epochs()[0] == 0 and store.epochs()[-1] >= 160
    assert all(epoch % (store.every // 2) == 0 for epoch in store.epochs())
    # the memory budget thins it too
    store.reset(every=1)
    for epoch in range(40):
        if store.due(epoch):
            store.add(epoch, _checkpoint(1_500), {})
    assert store.nbytes <= 10_000 and len(store.entries) <= 6
    store.truncate(20)
    assert max(store.epochs()) <= 20 and store.get(13).epoch in store.epochs()


def test_a_model_too_large_for_the_budget_keeps_no_timeline():
    store = TimelineStore(budget_bytes=1_000)
    store.reset(every=1)
    store.add(0, _checkpoint(400), {})
    assert store.too_large and store.epochs() == () and not store.due(1)


# -- in the window ------------------------------------------------------------------------------


def _equal(a, b) -> bool:
    """Deep equality of frames (dataclasses of arrays, tuples, None)."""
    if dataclasses.is_dataclass(a):
        return type(a) is type(b) and all(_equal(getattr(a, f.name), getattr(b, f.name))
                                          for f in dataclasses.fields(a))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)  # NaN marks "none" (an input node's bias): equal to itself
        return np.array_equal(a, b, equal_nan=a.dtype.kind == "f" and b.dtype.kind == "f")
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return a == b


@pytest.fixture
def timeline_window(qtbot, make_window):
    dataset = datasets.make("moons", n_samples=200, noise=0.2, random_state=0)
    window = make_window(dataset, NeuralNetwork(hidden_layers=(8,), batch_size=40, random_state=0, max_epochs=120))
    window.toolbar.set_speed(None)
    play_until(qtbot, window, 120)
    pause_and_settle(qtbot, window)
    shown = []
    original = window.presenter.show_frames
    window.presenter.show_frames = lambda frames, *epoch: (shown.append(frames), original(frames, *epoch))[1]
    return window, shown


def test_the_timeline_shows_recorded_epochs_as_those_checkpoints_predict(qtbot, timeline_window):
    window, shown = timeline_window
    timeline = window.timeline
    assert timeline.epochs[:3] == (0, 1, 2) and window.epoch == 120  # 120 epochs: a checkpoint each
    worker = window.controller._worker
    specs = window.presenter.specs()
    for epoch in (30, 7, 0):
        shown.clear()
        timeline.choose(epoch)
        assert timeline.viewing == epoch and window.loss_view.cursor == epoch
        qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT_MS)
        # the frames of that epoch's checkpoint, through the same specs the live frames use
        model = worker.state.model
        entry = worker.state.timeline.get(epoch)
        assert entry.epoch == epoch
        snapshot = from_checkpoint(model, entry.checkpoint).snapshot(dtype=np.float32)
        computer = FrameComputer()
        computer.set_data(window.dataset.X, window.dataset.y, None)
        computer.set_specs(specs)
        expected = computer.compute(snapshot)
        assert set(shown[-1]) == set(expected)
        for view_id in expected:
            assert _equal(shown[-1][view_id], expected[view_id]), view_id
    # an earlier model: the picture differs from the newest one
    live = FrameComputer()
    live.set_data(window.dataset.X, window.dataset.y, None)
    live.set_specs(specs)
    newest = live.compute(worker.state.model.snapshot(dtype=np.float32))
    assert not _equal(shown[-1]["decision_surface"], newest["decision_surface"])

    # Latest: the newest epoch's frame again; Play trains on from the newest epoch
    shown.clear()
    timeline.latest_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=TIMEOUT_MS)
    assert _equal(shown[-1]["decision_surface"], newest["decision_surface"])
    assert window.loss_view.cursor is None
    timeline.choose(10)
    window.toolbar.play_action.trigger()
    assert timeline.viewing is None
    qtbot.waitUntil(lambda: window.epoch >= 125, timeout=TIMEOUT_MS)  # from 120 on, not from 10


def test_restart_here_trains_on_from_the_chosen_epoch(qtbot, timeline_window):
    window, _shown = timeline_window
    original = window.loss_view.data("loss")
    window.timeline.choose(50)
    generation = window._generation
    window.timeline.restart_button.click()
    qtbot.waitUntil(lambda: window._generation > generation, timeout=TIMEOUT_MS)
    assert window.epoch == 50 and window.loss_view.n_epochs == 50
    np.testing.assert_array_equal(window.loss_view.data("loss"), original[:50])
    (label, _epochs, ghost), = window.loss_view.ghosts
    assert label == "before going back to epoch 50"
    for _ in range(3):
        start = window.epoch
        window.toolbar.step_action.trigger()
        qtbot.waitUntil(lambda: window.epoch == start + 1, timeout=TIMEOUT_MS)
    # the very epochs the first run trained after epoch 50: same optimiser state, same shuffles
    assert window.loss_view.data("loss").tobytes() == original[:53].tobytes()
    assert max(window.timeline.epochs) <= 53
