"""The 3D regression view renders under a real X server.

The session runs with QT_QPA_PLATFORM=offscreen, where OpenGL widgets cannot
render, so the view runs in a subprocess on the Xvfb display that pytest-xvfb
provides (tests/gui/surface3d_probe.py) and reports on its frames.

Set VIEWS_SCREENSHOTS=/some/dir to keep the frame it renders.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("surface3d_probe.py")


@pytest.mark.skipif(not os.environ.get("DISPLAY"),
                    reason="no X display (pytest-xvfb provides one when Xvfb is installed)")
def test_surface3d_renders_a_frame_that_follows_the_surface(tmp_path):
    shot = Path(os.environ.get("VIEWS_SCREENSHOTS", tmp_path)) / "views_surface3d.png"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    done = subprocess.run([sys.executable, str(PROBE), str(shot)], env=env, timeout=180,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert report["opengl"], "opengl_available() is False under xcb with Mesa"
    assert report["width"] >= 320 and report["height"] >= 260
    # A real picture (surface, points, axes), not a blank or one-colour frame ...
    assert report["colors_a"] > 200 and report["std_a"] > 5
    # ... and it redraws when the surface changes (the bumps flip sign).
    assert report["changed"] > 0.02
    assert shot.exists()
