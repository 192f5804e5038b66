"""The views' frames, computed in a separate process.

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
snapshot for each frame (tens of kB, pickled) and waits for the frames
without holding the lock; the dataset rows and the views' frame specs go
over only when they change. The child runs a
:class:`~gui.views.frame.FrameComputer`: every active view's
``spec.compute(snapshot, inputs)``, the same code the render thread runs
where no child can be used (the process did not start or died, or a job
cannot be pickled) and the headless GIF command runs in its own thread.

The child imports no Qt and no pyqtgraph (the view files import their Qt
classes inside their methods; a test checks it), and closing it takes well
under a second whatever it is doing: it is killed if it does not leave at
once.

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

from gui.views.frame import FrameComputer

#: how much lower than the app the child's scheduling priority is (Unix
#: nice). 0, the same: frames come first (gui.pacing), and a child below other
#: programs starves behind any of them: at nice 10, one busy program on 2
#: cores made a frame take 100-250 ms of wall time for 10 ms of CPU (4
#: frames/s); at the app's priority, 20-45 ms, and ~10 ms when training
#: steps aside for it.
RENDER_NICENESS = 0
#: seconds ``close`` waits for the child to leave before killing it
CLOSE_TIMEOUT = 0.25

_context = None


class RenderError(Exception):
    """The child could not render a job: a spec's compute (or the model)
    raised. ``args[0]`` is that exception (or its text, when it could not be
    pickled)."""


def _start_context():
    """The multiprocessing context for render processes (made once)."""
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            # The fork server imports these once; each child forked from it
            # has them already (numpy, the models, the views' specs).
            _context.set_forkserver_preload([__name__, "gui.views.registry", "algorithms"])
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _child_main(conn) -> None:
    """The child's loop: keep the latest data and specs, answer render jobs,
    leave on None or when the parent's end of the pipe closes."""
    from gui.blas import limit_blas_threads

    limit_blas_threads(1)  # one core: the other is training's
    try:
        if RENDER_NICENESS:
            os.nice(RENDER_NICENESS)
    except (AttributeError, OSError):  # no nice() (Windows) or not allowed
        pass
    computer = FrameComputer()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        kind = message[0]
        if kind == "data":
            computer.set_data(*message[1:])
            continue
        if kind == "specs":
            computer.set_specs(message[1])
            continue
        started = time.process_time()
        try:
            reply = ("done", computer.compute(message[1]), time.process_time() - started)
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
        self._sent_data: tuple | None = None  # (X, y, transform) the child holds
        self._sent_specs: dict | None = None  # the specs the child holds
        #: CPU seconds the child spent on the last job
        self.last_cost = 0.0

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def render(self, model, data: tuple, specs: dict):
        """Every spec's frame of ``model``, computed in the child: ``{view
        id: result}``. ``data`` is ``(X, y, transform)``: the dataset rows,
        targets and input transform; it and ``specs`` are sent only when
        they are other objects than last time."""
        if self._sent_data is None or any(a is not b for a, b in zip(data, self._sent_data)):
            self._send(("data", *data))
            self._sent_data = tuple(data)
        if specs is not self._sent_specs:
            self._send(("specs", specs))
            self._sent_specs = specs
        self._send(("render", model))
        kind, result, self.last_cost = _receive_reply(self._conn, self._sock)
        if kind == "error":
            raise RenderError(result)
        return result

    def _send(self, message) -> None:
        try:
            payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            if message[0] == "data":
                self._sent_data = None
            elif message[0] == "specs":
                self._sent_specs = None
            raise ValueError(f"this job cannot be sent to the render process: {exc}") from exc
        self._conn.send_bytes(payload)

    def kill(self) -> None:
        """End the child at once (SIGKILL: it works on a stopped or busy
        child too). A ``render`` waiting for it then raises ``EOFError``.
        Safe from another thread than the one rendering."""
        if self._process.is_alive():
            self._process.kill()

    def close(self) -> None:
        """Ask the child to leave and wait for it; kill it if it has not left
        after CLOSE_TIMEOUT (busy with a long job, or stopped). Idempotent."""
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
            self._process.kill()
            self._process.join()
