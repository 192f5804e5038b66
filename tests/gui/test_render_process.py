"""The render process: the same outputs as rendering in the app's own
interpreter, failures reported rather than lost, and the worker falling back
to its render thread when the process cannot be used."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

import datasets
from algorithms import LinearRegression, NeuralNetwork, Trainer
from algorithms.preprocessing import FeatureTransform
from gui.render_process import RenderError, RenderProcess
from gui.views import GridSpec, SurfacePainter
from gui.views.decision_surface import DecisionSurfaceSpec
from gui.views.frame import FrameComputer

from .conftest import TIMEOUT_MS, Collector
from .specs import Busy, Failing, LoadedModules, Outputs

#: a busy shared machine may be a little late to schedule the kill
CLOSE_SLACK = 0.5
from .test_render_thread import GRID, configure, picture
from .test_worker import moons, network


def trained_classifier(n_epochs=5):
    ds = moons()
    model = NeuralNetwork(hidden_layers=(8,), task="classification", random_state=0, max_epochs=1000)
    trainer = Trainer(model, ds.X, ds.y)
    for _ in range(n_epochs):
        trainer.step()
    return ds, model


def computed(model, data, specs):
    """What the app computes in its own thread (the render thread, the GIF command)."""
    computer = FrameComputer()
    computer.set_data(*data)
    computer.set_specs(specs)
    return computer.compute(model)


@pytest.fixture
def process():
    made = RenderProcess()
    yield made
    made.close()
    assert not made.is_alive()


def test_frames_are_the_models_predictions_and_the_painters_picture():
    ds, model = trained_classifier()
    points = GRID.points()
    specs = {"surface": DecisionSurfaceSpec(GRID, None, (0, 1), rows=True), "outputs": Outputs(points, rows=True)}
    frames = computed(model, (ds.X, ds.y, None), specs)
    grid_output, sample_output = frames["outputs"]
    np.testing.assert_array_equal(grid_output, model.predict_proba(points))
    np.testing.assert_array_equal(sample_output, model.predict_proba(ds.X))
    surface = frames["surface"]
    np.testing.assert_array_equal(surface.picture.bgra, SurfacePainter(GRID)(grid_output, model.classes_).bgra)
    np.testing.assert_array_equal(surface.mistakes, model.predict(ds.X) != ds.y)
    assert computed(model, (ds.X, ds.y, None), {}) == {}


def test_the_process_renders_what_the_app_would_render_itself(process):
    ds, model = trained_classifier()
    snapshot = model.snapshot(dtype=np.float32)
    transform = FeatureTransform(["x1", "x2"])
    specs = {"surface": DecisionSurfaceSpec(GRID, None, (0, 1)), "outputs": Outputs(GRID.points(), rows=True)}
    got = process.render(snapshot, (ds.X, ds.y, transform), specs)
    expected = computed(snapshot, (ds.X, ds.y, transform), specs)
    assert process.pid != os.getpid() and process.is_alive()
    np.testing.assert_array_equal(got["outputs"][0], expected["outputs"][0])
    np.testing.assert_array_equal(got["outputs"][1], expected["outputs"][1])
    np.testing.assert_array_equal(got["surface"].picture.bgra, expected["surface"].picture.bgra)
    assert process.last_cost >= 0.0


def test_the_process_computes_every_views_frame_without_loading_qt(process):
    ds, model = trained_classifier()
    specs = {"surface": DecisionSurfaceSpec(GRID, None, (0, 1), rows=True), "loaded": LoadedModules()}
    frames = process.render(model.snapshot(), (ds.X, ds.y, None), specs)
    assert frames["surface"].picture.bgra.shape == (GRID.ny, GRID.nx, 4)
    assert frames["loaded"] == []


def test_the_process_follows_new_specs_and_new_models(process):
    ds, model = trained_classifier(1)
    data = (ds.X, ds.y, None)
    first = process.render(model.snapshot(), data, {"outputs": Outputs(GRID.points())})["outputs"][0]
    bigger = GridSpec((-3.0, 3.0), (-3.0, 3.0), 20, 30)
    # new specs are sent again; the rows were never asked for
    grid_output, sample_output = process.render(model.snapshot(), data, {"outputs": Outputs(bigger.points())})["outputs"]
    assert grid_output.shape == (600, 2) and sample_output is None
    np.testing.assert_allclose(grid_output, model.predict_proba(bigger.points()), atol=1e-6)
    # a later model on the first grid: the new parameters, not the old ones
    Trainer(model, ds.X, ds.y).step()
    again = process.render(model.snapshot(), data, {"outputs": Outputs(GRID.points())})["outputs"][0]
    np.testing.assert_allclose(again, model.predict_proba(GRID.points()), atol=1e-6)
    assert np.abs(again - first).max() > 1e-4


def test_a_regressor_gets_its_predictions(process):
    ds = datasets.make("sine", n_samples=80, random_state=0)
    model = LinearRegression().fit(ds.X, ds.y)
    grid = np.linspace(-3, 3, 50)[:, None]
    grid_output, sample_output = process.render(model, (ds.X, ds.y, None), {"outputs": Outputs(grid, rows=True)})["outputs"]
    np.testing.assert_allclose(grid_output, model.predict(grid))
    np.testing.assert_allclose(sample_output, model.predict(ds.X))


def test_a_failure_in_the_process_comes_back_as_a_render_error(process):
    ds, model = trained_classifier(1)
    data = (ds.X, ds.y, None)
    with pytest.raises(RenderError) as failure:
        process.render(model, data, {"broken": Failing()})
    assert isinstance(failure.value.args[0], RuntimeError)
    assert "the spec broke" in str(failure.value.args[0])
    # wrong inputs for the model: the model's own ValueError
    with pytest.raises(RenderError) as failure:
        process.render(model, data, {"outputs": Outputs(np.zeros((5, 3)))})
    assert isinstance(failure.value.args[0], ValueError)
    # and the process goes on serving
    frames = process.render(model, data, {"outputs": Outputs(GRID.points())})
    assert frames["outputs"][0].shape == (GRID.nx * GRID.ny, 2)


def test_a_job_that_cannot_be_pickled_is_refused_and_the_process_goes_on(process):
    ds, model = trained_classifier(1)
    data = (ds.X, ds.y, None)

    class Local(Outputs):  # defined in a function: not picklable
        pass

    with pytest.raises(ValueError, match="cannot be sent"):
        process.render(model, data, {"outputs": Local(GRID.points())})
    frames = process.render(model, data, {"outputs": Outputs(GRID.points())})
    assert frames["outputs"][0].shape == (GRID.nx * GRID.ny, 2)


def test_close_ends_the_process_even_when_it_died_first():
    process = RenderProcess()
    ds, model = trained_classifier(1)
    data, specs = (ds.X, ds.y, None), {"outputs": Outputs(GRID.points())}
    process.render(model, data, specs)
    os.kill(process.pid, signal.SIGKILL)
    with pytest.raises((EOFError, OSError)):
        process.render(model, data, specs)
    process.close()
    process.close()  # idempotent
    assert not process.is_alive()


def test_close_is_quick_whatever_the_child_is_doing():
    """A stopped child (SIGSTOP) never answers: close still returns at once."""
    process = RenderProcess()
    ds, model = trained_classifier(1)
    process.render(model, (ds.X, ds.y, None), {"outputs": Outputs(GRID.points())})
    os.kill(process.pid, signal.SIGSTOP)
    started = time.monotonic()
    process.close()
    assert not process.is_alive()
    assert time.monotonic() - started < 1.0 + CLOSE_SLACK


def test_the_worker_renders_in_its_process_and_carries_on_when_it_dies(qtbot):
    from gui.worker import TrainingController

    ctl = TrainingController()
    collector = Collector()
    ctl.report_received.connect(collector.on_report)
    try:
        configure(ctl, moons(), network())
        ctl.play()
        qtbot.waitUntil(lambda: any(picture(r) is not None for r in collector.reports), timeout=TIMEOUT_MS)
        renderer = ctl._worker._renderer
        process = renderer.process
        assert process is not None and process.is_alive() and process.pid != os.getpid()

        os.kill(process.pid, signal.SIGKILL)
        seen = len(collector.reports)
        # pictures go on (made in the render thread now), with no error
        qtbot.waitUntil(lambda: sum(picture(r) is not None for r in collector.reports[seen:]) >= 3,
                        timeout=TIMEOUT_MS)
        assert all(r.stopped is None for r in collector.reports[seen:])
        assert renderer.process is None
    finally:
        assert ctl.stop()
    assert not process.is_alive()


def test_stopping_the_worker_ends_its_render_process(qtbot):
    from gui.worker import TrainingController

    ctl = TrainingController()
    collector = Collector()
    ctl.report_received.connect(collector.on_report)
    configure(ctl, moons(), network())
    ctl.play()
    qtbot.waitUntil(lambda: any(picture(r) is not None for r in collector.reports), timeout=TIMEOUT_MS)
    process = ctl._worker._renderer.process
    assert process is not None and process.is_alive()
    assert ctl.stop()
    assert not process.is_alive()


def test_a_reply_read_in_pieces_comes_out_whole():
    # The arrays of a reply are read with one recvmsg_into; a short read (a
    # signal) must carry on where it stopped, across array boundaries.
    import pickle
    import socket

    from gui import render_process

    reply = ("done", (np.arange(1000, dtype=np.float32).reshape(250, 4), np.zeros(0),
                      np.arange(77, dtype=np.uint8)), 0.5)
    buffers = []
    head = pickle.dumps(reply, protocol=5, buffer_callback=buffers.append)
    payload = b"".join(bytes(buffer.raw()) for buffer in buffers)

    class Conn:
        def recv_bytes(self):
            return pickle.dumps((head, [buffer.raw().nbytes for buffer in buffers]), protocol=5)

    class Sock:  # delivers 999 bytes per call
        sent = 0

        def recvmsg_into(self, views, ancbufsize, flags):
            assert flags == socket.MSG_WAITALL
            chunk = payload[self.sent:self.sent + 999]
            for view in views:
                part = chunk[:view.nbytes]
                view[:len(part)] = part
                chunk = chunk[len(part):]
            count = min(999, len(payload) - self.sent)
            self.sent += count
            return count, [], 0, None

    kind, (a, b, c), cost = render_process._receive_reply(Conn(), Sock())
    assert kind == "done" and cost == 0.5
    np.testing.assert_array_equal(a, reply[1][0])
    assert b.shape == (0,)
    np.testing.assert_array_equal(c, reply[1][2])


def test_stopping_the_worker_is_quick_while_its_render_process_is_busy(qtbot):
    from gui.worker import TrainingController

    ctl = TrainingController()
    ds = moons()
    ctl.configure(model=network(), transform=None, X=ds.X, y=ds.y, specs={"busy": Busy()})
    renderer = ctl._worker._renderer
    qtbot.waitUntil(lambda: renderer.process is not None and ctl._worker.state.in_flight, timeout=TIMEOUT_MS)
    process = renderer.process
    started = time.monotonic()
    assert ctl.stop()
    assert time.monotonic() - started < 1.0 + CLOSE_SLACK
    assert not process.is_alive()
