"""Ctrl+C in the terminal closes ``python main.py`` cleanly, as a person
would press it: the real entry point in a subprocess (offscreen), the signal
sent once the window is up (and training), a clean exit waited for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# main.main() as ``python main.py`` runs it; the QApplication is made first
# only so that a timer can say when the window is up (and press Play), from
# inside the event loop main() runs.
LAUNCHER = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import main

app = QApplication(["main.py"])

def ready():
    from gui.main_window import MainWindow
    window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
    if sys.argv[1] == "play":
        window.toolbar.play_action.trigger()
        window.frame_drawn.connect(announce)
    else:
        announce()

def announce(*args):
    if not getattr(announce, "done", False):
        announce.done = True
        print("ready", flush=True)

QTimer.singleShot(0, ready)
sys.exit(main.main(sys.argv[2:]))
"""


def children_of(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def wait_for_line(stream, wanted: str, timeout: float) -> bool:
    """Whether ``wanted`` is read from ``stream`` within ``timeout`` seconds."""
    found = threading.Event()

    def read():
        for line in stream:
            if line.strip() == wanted:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    return found.wait(timeout)


@pytest.mark.parametrize("mode, signal_number", [("play", signal.SIGINT), ("idle", signal.SIGINT),
                                                 ("play", signal.SIGTERM)])
def test_a_signal_closes_the_window_cleanly(mode, signal_number):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}
    with subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, mode, "--dataset", "moons", "--samples", "200", "--hidden", "8"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:
        try:
            assert wait_for_line(process.stdout, "ready", timeout=120), "the window never came up"
            children = children_of(process.pid)  # the render process, while training
            start = time.monotonic()
            process.send_signal(signal_number)
            code = process.wait(timeout=30)
            took = time.monotonic() - start
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        stderr = process.stderr.read()
    assert code == 128 + signal_number, stderr  # 130 after Ctrl+C, as a shell expects
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert took < 10, f"closing took {took:.1f} s"
    for child in children:  # the render process went with the window
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text()
