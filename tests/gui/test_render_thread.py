"""The render thread of the training worker: reports carry the frames of the
views' specs, made from that report's own epoch, a failing spec stops
training with a reason, and stopping the controller ends the thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import datasets
from algorithms import LogisticRegression
from gui.views import GridSpec, SurfacePainter, SurfacePicture
from gui.views.decision_surface import DecisionSurfaceSpec

from .conftest import TIMEOUT_MS
from .specs import Outputs
from .test_worker import moons, network, query

#: small and not square: the picture's rows are the grid's ys
GRID = GridSpec((-2.0, 3.0), (-1.5, 2.0), 16, 12)


def blobs(n=150):
    return datasets.make("blobs", n_samples=n, n_classes=3, random_state=0)


def configure(ctl, ds, model, spec=None, grid=GRID):
    """Train ``model`` on ``ds``; the reports carry the decision surface on
    ``grid`` (``frames["surface"]``, or ``spec``'s frame) and the outputs
    on the grid (``frames["outputs"]``)."""
    surface = DecisionSurfaceSpec(grid, None, (0, 1)) if spec is None else spec
    return ctl.configure(model=model, transform=None, X=ds.X, y=ds.y,
                         specs={"surface": surface, "outputs": Outputs(grid.points())})


def grid_output(report):
    return report.frames["outputs"][0] if "outputs" in report.frames else None


def picture(report):
    return report.frames["surface"].picture if "surface" in report.frames else None


def render_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "render" and thread.is_alive()}


@pytest.mark.parametrize("make_data, make_model, n_classes", [
    (moons, lambda: LogisticRegression(random_state=0, max_epochs=100_000), 2),
    (blobs, network, 3),
], ids=["logistic-2-classes", "network-3-classes"])
def test_reports_carry_the_surface_picture_of_their_grid_output(qtbot, controller, make_data, make_model,
                                                                 n_classes):
    ctl, collector = controller()
    configure(ctl, make_data(), make_model())
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 30, timeout=TIMEOUT_MS)
    ctl.pause()
    with_output = [r for r in collector.reports if grid_output(r) is not None]
    assert len(with_output) >= 2
    painter = SurfacePainter(GRID)
    for report in with_output:
        output = grid_output(report)
        assert output.shape == (GRID.nx * GRID.ny, n_classes)
        np.testing.assert_allclose(output.sum(axis=1), 1.0, atol=1e-5)
        assert report.classes.shape == (n_classes,)
        made = picture(report)
        assert isinstance(made, SurfacePicture)
        assert made.grid == GRID
        assert made.bgra.shape == (GRID.ny, GRID.nx, 4) and made.bgra.dtype == np.uint8
        # the picture is of this very report's outputs
        np.testing.assert_array_equal(made.bgra, painter(output, report.classes).bgra)
        if n_classes == 3:
            assert made.boundary is None
    # reports without frames (nothing changed since the last picture) carry no picture
    assert all(picture(r) is None for r in collector.reports if grid_output(r) is None)


def test_each_frame_shows_the_model_of_its_own_epoch(qtbot, controller):
    ctl, collector = controller()
    # a fast learner, so one epoch visibly changes the outputs
    configure(ctl, moons(), network(learning_rate=0.1))
    qtbot.waitUntil(lambda: bool(collector.reports) and grid_output(collector.reports[0]) is not None,
                    timeout=TIMEOUT_MS)
    points = GRID.points()
    previous = grid_output(collector.reports[0])
    for expected in (1, 2, 3):
        ctl.step()  # one epoch, then the worker is idle: its model stays put
        qtbot.waitUntil(lambda: collector.epoch == expected, timeout=TIMEOUT_MS)
        assert query(qtbot, ctl, collector)["epoch"] == expected
        report = collector.reports[-1]
        output = grid_output(report)
        assert output is not None and picture(report) is not None
        model = ctl._worker._model
        np.testing.assert_allclose(output, model.predict_proba(points), rtol=0, atol=1e-4)
        # the comparison can tell one epoch from the next
        assert np.abs(output - previous).max() > 1e-3
        np.testing.assert_array_equal(picture(report).bgra, SurfacePainter(GRID)(output, report.classes).bgra)
        previous = output


def test_a_failing_spec_stops_training_with_its_message(qtbot, controller):
    ctl, collector = controller()

    class Broken(DecisionSurfaceSpec):  # defined here: cannot be pickled, so computed in the render thread
        def compute(self, model, inputs):
            raise RuntimeError("boom")

    configure(ctl, moons(), network(), spec=Broken(GRID, None, (0, 1)))
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

    # the worker lives on: a good spec and a fresh model train and paint again
    seq = configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: any(r.command_seq >= seq and r.epoch >= 5 and picture(r) is not None
                                for r in collector.reports), timeout=TIMEOUT_MS)
    later = [r for r in collector.reports if r.command_seq >= seq]
    assert all(r.stopped != "error" for r in later)
    assert all(isinstance(picture(r), SurfacePicture) for r in later if grid_output(r) is not None)


def test_stop_ends_the_render_thread(qtbot, controller):
    before = render_threads()
    ctl, collector = controller()
    # a big grid keeps the render thread busy while it is stopped
    big = GridSpec((-2.0, 3.0), (-1.5, 2.0), 200, 200)
    configure(ctl, moons(), network(), grid=big)
    ctl.play()
    qtbot.waitUntil(lambda: collector.epoch >= 3 and any(picture(r) is not None for r in collector.reports),
                    timeout=TIMEOUT_MS)
    started = render_threads() - before
    assert len(started) == 1
    assert ctl.stop()
    assert not ctl.is_thread_running()
    assert not any(thread.is_alive() for thread in started)
    assert render_threads() <= before
    assert not render_threads()
