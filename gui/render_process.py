"""The views' model outputs and pictures, made in a separate process.

Why a process. Python threads share one interpreter lock. The training
thread needs it for nearly all of its time (a mini-batch epoch is thousands
of small NumPy calls), and every NumPy call of another thread that is done
with a large array has to take the lock back from it. Predicting on the
200x200 grid, colouring the surface and tracing its boundary in a thread of
the app's own interpreter is a few dozen such calls per frame; measured on
2 cores (W2, ``benchmarks/bench_app.py``), that alone slowed training in the
window by 12-20% at 35 frames/s, where the same work in another process
costs about 1% (the second core does it).

So :class:`RenderProcess` keeps one child process per training worker. The
worker's render thread (``gui.worker.Renderer``) sends it the model's
snapshot for each frame (tens of kB, pickled) and waits for the outputs
without holding the lock; the grid and the dataset rows go over only when
they change. :func:`render_outputs` is the computation itself, run in the
child, or in the render thread where no child can be used (the process did
not start or died, or a job cannot be pickled).

Children are forked from multiprocessing's fork server (started once per app,
with this module and the views preloaded), so a new child costs tens of
milliseconds; where there is no fork server (Windows) they are spawned.
Trap: like every multiprocessing start method but fork, the fork server
imports the main script as ``__mp_main__``, so a script that opens the
window must do so under ``if __name__ == "__main__":`` (``main.py`` and the
benchmarks do), or the fork server runs it again.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import socket
import sys
import time

import numpy as np

from gui.presenter import is_classifier

#: how much lower than the app the child's scheduling priority is (Unix nice)
RENDER_NICENESS = 10
#: seconds ``close`` waits for the child to leave before terminating it
CLOSE_TIMEOUT = 2.0

_context = None


def render_outputs(model, grid_inputs, row_inputs, painter):
    """The outputs one report of the views needs.

    Parameters
    ----------
    model : a fitted model (a snapshot)
    grid_inputs : (m, d') model inputs on the view's grid (transformed), or None
    row_inputs : (n, d') model inputs of the dataset rows, or None
    painter : callable ``painter(proba, classes)`` making the view's picture
        from a classifier's grid outputs, or None

    Returns
    -------
    (grid_output, sample_output, picture): ``predict_proba`` for classifiers
    ((m, c) and (n, c)), ``predict`` for regressors; None for what was not
    asked; ``picture`` is the painter's result, or None.
    """
    classifier = is_classifier(model)
    predict = model.predict_proba if classifier else model.predict
    grid_output = sample_output = picture = None
    # A model on the edge of blowing up may overflow in float32 where the
    # model itself did not: its picture shows it (white, NaN); no warnings.
    with np.errstate(all="ignore"):
        if grid_inputs is not None and len(grid_inputs):
            grid_output = np.asarray(predict(grid_inputs))
            classes = getattr(model, "classes_", None)
            if painter is not None and classifier and classes is not None:
                picture = painter(grid_output, classes)
        if row_inputs is not None and len(row_inputs):
            sample_output = np.asarray(predict(row_inputs))
    return grid_output, sample_output, picture


def model_inputs(points, transform):
    """What the model takes for raw ``points``: ``transform.transform(points)``,
    or the points themselves without a transform."""
    return transform.transform(points) if transform is not None else points


class RenderError(Exception):
    """The child could not render a job: the model or the painter raised.
    ``args[0]`` is that exception (or its text, when it could not be pickled)."""


def _start_context():
    """The multiprocessing context for render processes (made once)."""
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            # The fork server imports these once; each child forked from it
            # has them already (numpy, the models, the painters' classes).
            _context.set_forkserver_preload([__name__, "gui.views.surface", "algorithms"])
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _child_main(conn) -> None:
    """The child's loop: keep the latest points per key, answer render jobs,
    leave on None or when the parent's end of the pipe closes."""
    from gui.app import limit_blas_threads

    limit_blas_threads(1)  # one core: the other is training's
    try:
        # Below the app's threads: when the GUI thread holds the interpreter
        # lock, a child competing for its core would make training wait too.
        os.nice(RENDER_NICENESS)
    except (AttributeError, OSError):  # no nice() (Windows) or not allowed
        pass
    points: dict[str, tuple] = {}  # key -> (raw points, transform, model inputs or None)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if message[0] == "points":
            _, key, raw, transform = message
            points[key] = (raw, transform, None)
            continue
        _, model, painter, want_grid, want_rows = message
        started = time.process_time()
        try:
            inputs = {}
            for key, wanted in (("grid", want_grid), ("rows", want_rows)):
                if wanted and key in points:
                    raw, transform, cached = points[key]
                    if cached is None:
                        cached = model_inputs(raw, transform)
                        points[key] = (raw, transform, cached)
                    inputs[key] = cached
            outputs = render_outputs(model, inputs.get("grid"), inputs.get("rows"), painter)
            reply = ("done", outputs, time.process_time() - started)
        except Exception as exc:  # noqa: BLE001 - sent back, shown to the person
            reply = ("error", exc, time.process_time() - started)
        try:
            _send_reply(conn, reply)
        except (pickle.PicklingError, TypeError, AttributeError):
            exc = reply[1]
            _send_reply(conn, ("error", f"{type(exc).__name__}: {exc}", reply[2]))
        except (BrokenPipeError, OSError):
            return


# Replies carry several hundred kilobytes of arrays per frame. Through
# ``Connection.recv`` the parent copied them three times with the
# interpreter lock held (2+ ms of its render thread per frame, time the
# training thread waited). Instead, the arrays travel out of band (pickle
# protocol 5): a small header message, then each array's bytes read by the
# parent straight into the memory of the array it will hand out, in socket
# calls that release the lock. Where the connection is not a socket
# (Windows), replies are plain messages.
_RAW_SOCKETS = sys.platform != "win32"


def _send_reply(conn, reply) -> None:
    if not _RAW_SOCKETS:
        conn.send(reply)
        return
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(reply, protocol=5, buffer_callback=buffers.append)
    views = [buffer.raw() for buffer in buffers]
    conn.send_bytes(pickle.dumps((head, [view.nbytes for view in views]), protocol=5))
    with socket.socket(fileno=os.dup(conn.fileno())) as sock:
        for view in views:
            sock.sendall(view)


def _receive_reply(conn, sock):
    """A reply sent by ``_send_reply``: the header through ``conn``, then
    every array's bytes in one ``recvmsg_into`` on ``sock`` (``conn``'s
    socket), straight into the arrays' memory."""
    if sock is None:
        return conn.recv()
    head, sizes = pickle.loads(conn.recv_bytes())
    buffers = [np.empty(size, np.uint8) for size in sizes]
    # One call for all arrays (MSG_WAITALL: not one per chunk the socket
    # happens to hold): each call releases and retakes the interpreter
    # lock, a hand-over with the training thread.
    views = [memoryview(buffer) for buffer in buffers if buffer.nbytes]
    while views:
        count = sock.recvmsg_into(views, 0, socket.MSG_WAITALL)[0]
        if count == 0:
            raise EOFError("the render process closed its end")
        while views and count >= views[0].nbytes:  # a short read (a signal): go on
            count -= views.pop(0).nbytes
        if views and count:
            views[0] = views[0][count:]
    return pickle.loads(head, buffers=buffers)


class RenderProcess:
    """One child process that renders jobs for one training worker.

    Used from one thread (the worker's render thread). ``render`` raises
    :class:`RenderError` when the job itself failed, ``ValueError`` when the
    job cannot be sent (not picklable: render it elsewhere), and
    ``OSError``/``EOFError`` when the child is gone.
    """

    def __init__(self) -> None:
        context = _start_context()
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(target=_child_main, args=(child_conn,), name="render", daemon=True)
        self._process.start()
        child_conn.close()
        # the connection's socket, for the replies' arrays (kept open: one
        # dup per process, not per reply)
        self._sock = socket.socket(fileno=os.dup(self._conn.fileno())) if _RAW_SOCKETS else None
        self._sent: dict[str, tuple] = {}  # key -> (points, transform) the child holds
        #: CPU seconds the child spent on the last job
        self.last_cost = 0.0

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def render(self, model, transform, grid, rows, painter):
        """``render_outputs`` of ``model`` on ``grid`` and ``rows`` (raw
        points, through ``transform``), in the child."""
        for key, raw in (("grid", grid), ("rows", rows)):
            sent = self._sent.get(key)
            if raw is not None and (sent is None or sent[0] is not raw or sent[1] is not transform):
                self._send(("points", key, raw, transform))
                self._sent[key] = (raw, transform)
        self._send(("render", model, painter, grid is not None, rows is not None))
        kind, result, self.last_cost = _receive_reply(self._conn, self._sock)
        if kind == "error":
            raise RenderError(result)
        return result

    def _send(self, message) -> None:
        try:
            payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise ValueError(f"this job cannot be sent to the render process: {exc}") from exc
        self._conn.send_bytes(payload)

    def close(self) -> None:
        """Ask the child to leave and wait for it (terminate it after
        CLOSE_TIMEOUT). Idempotent."""
        if self._conn.closed:
            return
        try:
            self._conn.send(None)
        except (OSError, ValueError):
            pass
        self._conn.close()
        if self._sock is not None:
            self._sock.close()
        self._process.join(CLOSE_TIMEOUT)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
