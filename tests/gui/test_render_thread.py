"""The render thread of the training worker: reports carry a picture made by
the view's painter from that report's own epoch, a failing painter stops
training with a reason, and stopping the controller ends the thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import datasets
from algorithms import LogisticRegression
from gui.views import GridSpec, SurfacePainter, SurfacePicture

from .conftest import TIMEOUT_MS
from .test_worker import moons, network, query

#: small and not square: the picture's rows are the grid's ys
GRID = GridSpec((-2.0, 3.0), (-1.5, 2.0), 16, 12)


def blobs(n=150):
    return datasets.make("blobs", n_samples=n, n_classes=3, random_state=0)


def configure(ctl, ds, model, painter=None, grid=GRID):
    return ctl.configure(model=model, transform=None, X=ds.X, y=ds.y, grid=grid.points(),
                         painter=SurfacePainter(grid) if painter is None else painter,
                         need_grid=True, need_samples=False)


def render_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "render" and thread.is_alive()}


@pytest.mark.parametrize("make_data, make_model, n_classes", [
    (moons, lambda: LogisticRegression(random_state=0, max_epochs=100_000), 2),
    (blobs, network, 3),
], ids=["logistic-2-classes", "network-3-classes"])
def test_reports_carry_the_painters_picture_of_their_grid_output(qtbot, controller, make_data, make_model,
                                                                  n_classes):
    ctl, collector = controller()
    configure(ctl, make_data(), make_model())
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 30, timeout=TIMEOUT_MS)
    ctl.pause()
    with_output = [r for r in collector.reports if r.grid_output is not None]
    assert len(with_output) >= 2
    painter = SurfacePainter(GRID)
    for report in with_output:
        assert report.grid_output.shape == (GRID.nx * GRID.ny, n_classes)
        np.testing.assert_allclose(report.grid_output.sum(axis=1), 1.0, atol=1e-5)
        assert report.classes.shape == (n_classes,)
        picture = report.picture
        assert isinstance(picture, SurfacePicture)
        assert picture.grid == GRID
        assert picture.bgra.shape == (GRID.ny, GRID.nx, 4) and picture.bgra.dtype == np.uint8
        # the picture is of this very report's outputs
        np.testing.assert_array_equal(picture.bgra, painter(report.grid_output, report.classes).bgra)
        if n_classes == 3:
            assert picture.boundary is None
    # reports without outputs (nothing changed since the last picture) carry no picture
    assert all(r.picture is None for r in collector.reports if r.grid_output is None)


def test_each_frame_shows_the_model_of_its_own_epoch(qtbot, controller):
    ctl, collector = controller()
    # a fast learner, so one epoch visibly changes the outputs
    configure(ctl, moons(), network(learning_rate=0.1))
    qtbot.waitUntil(lambda: bool(collector.reports) and collector.reports[0].grid_output is not None,
                    timeout=TIMEOUT_MS)
    points = GRID.points()
    previous = collector.reports[0].grid_output
    for expected in (1, 2, 3):
        ctl.step()  # one epoch, then the worker is idle: its model stays put
        qtbot.waitUntil(lambda: collector.epoch == expected, timeout=TIMEOUT_MS)
        assert query(qtbot, ctl, collector)["epoch"] == expected
        report = collector.reports[-1]
        assert report.grid_output is not None and report.picture is not None
        model = ctl._worker._model
        np.testing.assert_allclose(report.grid_output, model.predict_proba(points), rtol=0, atol=1e-4)
        # the comparison can tell one epoch from the next
        assert np.abs(report.grid_output - previous).max() > 1e-3
        np.testing.assert_array_equal(report.picture.bgra,
                                      SurfacePainter(GRID)(report.grid_output, report.classes).bgra)
        previous = report.grid_output


def test_a_failing_painter_stops_training_with_its_message(qtbot, controller):
    ctl, collector = controller()

    def broken_painter(proba, classes):
        raise RuntimeError("boom")

    configure(ctl, moons(), network(), painter=broken_painter)
    ctl.play()
    qtbot.waitUntil(lambda: any(r.stopped == "error" for r in collector.reports), timeout=TIMEOUT_MS)
    failed = next(r for r in collector.reports if r.stopped == "error")
    assert "boom" in failed.message and "RuntimeError" in failed.message
    assert not failed.running
    qtbot.waitUntil(lambda: not ctl.is_running, timeout=TIMEOUT_MS)
    # stopped: the epoch stands still between two round trips to the worker
    epoch = query(qtbot, ctl, collector)["epoch"]
    assert query(qtbot, ctl, collector)["epoch"] == epoch
    assert ctl.is_thread_running()

    # the worker lives on: a good painter and a fresh model train and paint again
    seq = configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: any(r.command_seq >= seq and r.epoch >= 5 and r.picture is not None
                                for r in collector.reports), timeout=TIMEOUT_MS)
    later = [r for r in collector.reports if r.command_seq >= seq]
    assert all(r.stopped != "error" for r in later)
    assert all(isinstance(r.picture, SurfacePicture) for r in later if r.grid_output is not None)


def test_stop_ends_the_render_thread(qtbot, controller):
    before = render_threads()
    ctl, collector = controller()
    # a big grid keeps the render thread busy while it is stopped
    big = GridSpec((-2.0, 3.0), (-1.5, 2.0), 200, 200)
    configure(ctl, moons(), network(), grid=big)
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 3 and any(r.picture is not None for r in collector.reports),
                    timeout=TIMEOUT_MS)
    started = render_threads() - before
    assert len(started) == 1
    assert ctl.stop()
    assert not ctl.is_thread_running()
    assert not any(thread.is_alive() for thread in started)
    assert render_threads() <= before
    assert not render_threads()
