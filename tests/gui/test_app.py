"""``python main.py`` where the window cannot open: one line saying what to
do, instead of Qt aborting the process with a page of plugin messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gui.app import missing_display

REPO = Path(__file__).resolve().parents[2]


def test_no_display_is_told_in_one_line_with_what_to_do():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "main.py", "--dataset", "moons"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2  # was 134: Qt's abort
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("main.py: error: no display")
    assert "xvfb-run python main.py" in lines[0] and "python main.py gif" in lines[0]


def test_which_environments_have_a_display():
    assert missing_display({}, "linux") is not None
    assert missing_display({"DISPLAY": ":0"}, "linux") is None
    assert missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert missing_display({"DISPLAY": ""}, "linux") is not None
    assert missing_display({}, "darwin") is None and missing_display({}, "win32") is None
