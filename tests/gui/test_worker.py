"""The training worker on its own (no window): reports, throttling, commands
at epoch boundaries, errors, and stopping the thread."""

from __future__ import annotations

import math
import queue
import sys
import time

import numpy as np
import pytest
from PySide6.QtCore import QObject, QThread, Slot

import datasets
from algorithms import LogisticRegression, NeuralNetwork, Trainer
from gui import pacing
from gui.worker import Report, TrainingWorker

from .conftest import TIMEOUT_MS
from .specs import Outputs, Timed


def moons(n=200):
    return datasets.make("moons", n_samples=n, noise=0.1, random_state=0)


def network(**params):
    defaults = dict(hidden_layers=(8,), task="classification", random_state=0, max_epochs=100_000)
    defaults.update(params)
    return NeuralNetwork(**defaults)


def configure(ctl, ds, model, grid=True):
    """Train ``model`` on ``ds``; the reports' frames carry its outputs on 400
    points and on the rows (``frames["outputs"]``)."""
    grid_points = np.random.default_rng(0).uniform(-2, 2, size=(400, 2)) if grid else None
    ctl.configure(model=model, transform=None, X=ds.X, y=ds.y, specs={"outputs": Outputs(grid_points, rows=True)})


def outputs(report):
    """``(grid output, rows output)`` of a report, or ``(None, None)`` when
    it carries no frame."""
    return report.frames.get("outputs", (None, None))


def query(qtbot, ctl, collector) -> dict:
    count = len(collector.params)
    ctl.query_params()
    qtbot.waitUntil(lambda: len(collector.params) > count, timeout=TIMEOUT_MS)
    return collector.params[-1]


def test_first_report_shows_the_untrained_model(qtbot, controller):
    ctl, collector = controller()
    ds = moons()
    configure(ctl, ds, network())
    qtbot.waitUntil(lambda: bool(collector.reports), timeout=TIMEOUT_MS)
    first = collector.reports[0]
    assert first.epoch == 0 and first.epochs.size == 0
    assert first.generation == 1
    grid_output, sample_output = outputs(first)
    assert grid_output.shape == (400, 2)
    assert sample_output.shape == (ds.n_samples, 2)
    assert np.array_equal(first.classes, [0, 1])
    assert first.val_mask.shape == (ds.n_samples,) and first.val_mask.dtype == bool
    assert first.n_samples == ds.n_samples


def test_reports_cover_every_epoch_exactly_once(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 300, timeout=TIMEOUT_MS)
    ctl.pause()
    epoch = query(qtbot, ctl, collector)["epoch"]
    qtbot.waitUntil(lambda: collector.epoch == epoch, timeout=TIMEOUT_MS)
    epochs = collector.all_epochs()
    assert epochs == list(range(1, epoch + 1))
    # many epochs per report: the GUI is not sent one signal per epoch
    assert len(collector.reports) < epoch
    last = collector.reports[-1]
    assert all(np.isfinite(r.loss).all() for r in collector.reports)
    assert last.loss.shape == last.val_loss.shape == last.score.shape == last.val_score.shape


class SilentReceiver(QObject):
    """Takes reports from a bare worker and does NOT acknowledge them."""

    def __init__(self) -> None:
        super().__init__()
        self.reports: list[Report] = []

    @Slot(object)
    def on_report(self, report: Report) -> None:
        self.reports.append(report)

    @Slot(object)
    def on_params(self, params: dict) -> None:
        self.reports.append(params)


def test_at_most_one_report_in_flight_and_metrics_accumulate(qtbot):
    commands: queue.SimpleQueue = queue.SimpleQueue()
    thread = QThread()
    worker = TrainingWorker(commands)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    receiver = SilentReceiver()
    worker.report_ready.connect(receiver.on_report)
    worker.params_reported.connect(receiver.on_params)
    thread.start()
    try:
        ds = moons()
        commands.put((1, "configure", dict(model=network(), X=ds.X, y=ds.y, specs={})))
        commands.put((2, "play"))
        qtbot.waitUntil(lambda: len(receiver.reports) == 1, timeout=TIMEOUT_MS)
        # Unacknowledged: the worker trains on but sends nothing more.
        for seq in range(3, 8):
            commands.put((seq, "query"))
            qtbot.waitUntil(lambda: isinstance(receiver.reports[-1], dict), timeout=TIMEOUT_MS)
            answer = receiver.reports.pop()
            assert len(receiver.reports) == 1
        assert answer["epoch"] > 5
        commands.put((9, "ack", None))
        qtbot.waitUntil(lambda: len(receiver.reports) == 2, timeout=TIMEOUT_MS)
        second = receiver.reports[1]
        # the second report carries every epoch trained while the first was unacknowledged
        assert second.epochs[0] == receiver.reports[0].epoch + 1
        assert second.epochs.size >= answer["epoch"] - receiver.reports[0].epoch
        assert np.array_equal(second.epochs, np.arange(second.epochs[0], second.epochs[-1] + 1))
    finally:
        commands.put((99, "stop"))
        thread.quit()
        assert thread.wait(TIMEOUT_MS)


def test_emitted_arrays_are_never_touched_again(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 50, timeout=TIMEOUT_MS)
    snapshot = [(r.epochs.copy(), r.loss.copy(), None if outputs(r)[0] is None else outputs(r)[0].copy())
                for r in collector.reports]
    qtbot.waitUntil(lambda: collector.epoch >= 150, timeout=TIMEOUT_MS)
    for report, (epochs, loss, grid) in zip(collector.reports, snapshot):
        assert np.array_equal(report.epochs, epochs)
        assert np.array_equal(report.loss, loss)
        if grid is not None:
            assert np.array_equal(outputs(report)[0], grid)


def test_step_trains_exactly_one_epoch(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(), network())
    qtbot.waitUntil(lambda: bool(collector.reports), timeout=TIMEOUT_MS)
    for expected in (1, 2, 3):
        ctl.step()
        qtbot.waitUntil(lambda: collector.epoch == expected, timeout=TIMEOUT_MS)
        assert query(qtbot, ctl, collector)["epoch"] == expected


def test_live_parameters_reach_the_model_without_a_reset(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(), network(learning_rate=0.01))
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 20, timeout=TIMEOUT_MS)
    ctl.set_live_params({"learning_rate": 0.05, "l2": 0.001})
    params = query(qtbot, ctl, collector)
    assert params["learning_rate"] == 0.05 and params["l2"] == 0.001
    assert params["generation"] == 1 and params["epoch"] >= 20


def test_new_data_with_keep_model_goes_on_training(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 20, timeout=TIMEOUT_MS)
    bigger = moons(300)
    ctl.set_data(bigger.X, bigger.y, keep_model=True)
    qtbot.waitUntil(lambda: collector.reports[-1].n_samples == 300, timeout=TIMEOUT_MS)
    assert collector.reports[-1].generation == 1
    assert collector.reports[-1].epoch > 20
    assert any(r.val_mask is not None and r.val_mask.shape == (300,) for r in collector.reports)


def test_new_data_the_model_cannot_take_resets_with_a_notice(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 10, timeout=TIMEOUT_MS)
    three = datasets.make("blobs", n_samples=150, n_classes=3, random_state=0)
    ctl.set_data(three.X, three.y, keep_model=True)
    qtbot.waitUntil(lambda: collector.reports[-1].generation == 2, timeout=TIMEOUT_MS)
    notices = [r.message for r in collector.reports if r.generation == 2 and r.message]
    assert notices and "reset" in notices[0].lower()
    qtbot.waitUntil(lambda: collector.reports[-1].classes is not None and len(collector.reports[-1].classes) == 3, timeout=TIMEOUT_MS)


def test_slow_motion_sends_one_epoch_per_report(qtbot, controller):
    ctl, collector = controller()
    ctl.set_speed(20)
    configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 4, timeout=TIMEOUT_MS)
    assert all(r.epochs.size <= 1 for r in collector.reports)
    ctl.set_speed(None)
    qtbot.waitUntil(lambda: collector.reports[-1].epochs.size > 1, timeout=TIMEOUT_MS)


def test_an_exception_in_training_is_reported_and_the_worker_lives_on(qtbot, controller, monkeypatch):
    ctl, collector = controller()
    configure(ctl, moons(), network())
    qtbot.waitUntil(lambda: bool(collector.reports), timeout=TIMEOUT_MS)

    def broken_step(self):
        raise RuntimeError("the optimizer exploded")

    monkeypatch.setattr(Trainer, "step", broken_step)
    ctl.play()
    qtbot.waitUntil(lambda: collector.reports[-1].stopped == "error", timeout=TIMEOUT_MS)
    assert "the optimizer exploded" in collector.reports[-1].message
    assert not ctl.is_running
    monkeypatch.undo()
    ctl.play()  # starts afresh after an error
    qtbot.waitUntil(lambda: collector.reports[-1].epoch >= 5 and collector.reports[-1].generation == 2, timeout=TIMEOUT_MS)


def test_bad_data_says_why_instead_of_crashing(qtbot, controller):
    ctl, collector = controller()
    empty = datasets.Dataset(np.zeros((0, 2)), np.zeros(0, dtype=np.int64), "classification", ("x1", "x2"), ("a", "b"))
    ctl.configure(model=LogisticRegression(), transform=None, X=empty.X, y=empty.y, specs={})
    qtbot.waitUntil(lambda: bool(collector.reports) and collector.reports[-1].stopped == "error", timeout=TIMEOUT_MS)
    assert collector.reports[-1].message.startswith("Cannot train")
    ds = moons()
    ctl.configure(X=ds.X, y=ds.y)
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 3, timeout=TIMEOUT_MS)


def test_stop_mid_training_ends_the_thread(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(2000), network(hidden_layers=(32, 32)))
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 3, timeout=TIMEOUT_MS)
    assert ctl.stop()
    assert not ctl.is_thread_running()
    ctl.play()  # commands after stop are ignored, not an error


def test_costly_predictions_space_reports_out_and_every_frame_is_fresh(qtbot, controller, monkeypatch):
    # one core (no spare one for frames), where predictions may take 1% of it
    monkeypatch.setattr(pacing, "usable_cores", lambda: 1)
    monkeypatch.setattr(pacing, "RENDER_MAX_BUDGET", 0.01)
    ctl, collector = controller()
    configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 300, timeout=TIMEOUT_MS)
    ctl.pause()
    training = [r for r in collector.reports if r.epochs.size]
    # every frame of a changed model carries that model's picture
    assert all(outputs(r)[0] is not None for r in training)
    # and the frames were spaced out: many epochs per report
    assert sum(r.epochs.size for r in training) / len(training) > 3


def test_a_bad_command_is_reported_and_the_worker_keeps_serving(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(), network())
    qtbot.waitUntil(lambda: bool(collector.reports), timeout=TIMEOUT_MS)
    ctl.set_live_params({"no_such_parameter": 1})
    qtbot.waitUntil(lambda: collector.reports[-1].stopped == "error", timeout=TIMEOUT_MS)
    assert "no_such_parameter" in collector.reports[-1].message
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 5, timeout=TIMEOUT_MS)


def test_the_worker_paces_reports_with_the_costs_it_measures(qtbot, controller):
    ctl, collector = controller()
    configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 100, timeout=TIMEOUT_MS)
    ctl.pause()
    worker_pacing = ctl._worker.pacing
    # the acks carried the GUI's cost and the renderer its own
    assert worker_pacing.render_cost > 0 and worker_pacing.render_wall > 0
    assert worker_pacing.report_interval() >= pacing.REPORT_INTERVAL


def test_a_long_epoch_is_drawn_in_pieces(qtbot, controller):
    """An epoch longer than two frames runs a frame's worth of mini-batches
    at a time, with a picture of the model between them."""
    ctl, collector = controller()
    big = datasets.make("spiral", n_samples=20_000, noise=0.1, random_state=0)
    # 250 mini-batches an epoch, ~0.1 s here: several frames long
    configure(ctl, big, network(hidden_layers=(64, 64), batch_size=64))
    ctl.set_speed(None)
    ctl.play()
    qtbot.waitUntil(lambda: sum(r.epochs.size == 0 and r.epoch > 0 for r in collector.reports) >= 3,
                    timeout=3 * TIMEOUT_MS)
    ctl.pause()
    # frames came while epochs ran: new pictures, no new loss point
    within = [r for r in collector.reports if r.epochs.size == 0 and r.epoch > 0 and r.running]
    assert len(within) >= 2 and all("outputs" in r.frames for r in within)
    outputs = [r.frames["outputs"][0] for r in within]
    assert any(np.abs(a - b).max() > 0 for a, b in zip(outputs, outputs[1:]))
    assert collector.all_epochs() == list(range(1, collector.epoch + 1))  # still every epoch once


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="compares monotonic clocks of two processes")
@pytest.mark.parametrize("frames_first", [True, False], ids=["late frames first", "never waiting"])
def test_training_steps_aside_while_a_late_frame_is_made(qtbot, controller, monkeypatch, frames_first):
    """Frames first (gui.pacing rule 2): from the moment the pacing says a
    frame is late, no epoch starts until it is made. Here every frame is
    late at once; without the rule, epochs run while frames are made."""
    monkeypatch.setattr(pacing.Pacing, "frame_wait", lambda self: (0.0, 60.0) if frames_first else (math.inf,) * 2)
    epoch_starts = []
    step = Trainer.step

    def timed_step(trainer):
        epoch_starts.append(time.monotonic())
        return step(trainer)

    monkeypatch.setattr(Trainer, "step", timed_step)
    ctl, collector = controller()
    grid = np.random.default_rng(0).uniform(-2, 2, size=(40_000, 2))  # ~10 ms a frame, ~0.1 ms an epoch
    ctl.configure(model=network(hidden_layers=(16, 16)), transform=None, X=moons().X, y=moons().y,
                  specs={"timed": Timed(grid)})
    ctl.play()
    qtbot.waitUntil(lambda: sum(r.running and "timed" in r.frames for r in collector.reports) >= 20,
                    timeout=TIMEOUT_MS)
    ctl.pause()
    renders = [r.frames["timed"] for r in collector.reports if r.running and "timed" in r.frames]
    during = sum(started < epoch < ended for started, ended in renders for epoch in list(epoch_starts))
    if frames_first:
        assert during == 0
    else:
        assert during > len(renders)
