"""The 3D view's axis titles, tick values and colour bar (under Xvfb, in a
subprocess as in test_views_3d.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import numpy as np
from PySide6 import QtWidgets
app = QtWidgets.QApplication([])
from gui.views import opengl_available
if not opengl_available():
    print(json.dumps({"opengl": False}))
    sys.exit(0)
from gui.views.surface3d import Surface3DView
view = Surface3DView()
view.resize(640, 420)
view.show()
X = np.array([[0.0, 10.0], [2.0, 30.0], [1.0, 20.0]])
view.set_data(X, np.array([-4.0, 6.0, 1.0]))
view.set_axis_labels("width", "height", "price")
for _ in range(20):
    app.processEvents()
bar = view.colour_bar.grab().toImage()
colours = {bar.pixelColor(9, y).name() for y in range(bar.height())}
shot = sys.argv[1]
view.grab().save(shot)
grid = view.grid_spec()
print(json.dumps({"opengl": True, "ticks": view.tick_texts(), "bar": view.colour_bar.labels(),
                  "bar_colours": len(colours), "x_range": list(grid.x_range), "y_range": list(grid.y_range),
                  "labels": [view._x_label.text, view._y_label.text, view._z_label.text]}))
view.close()
"""


@pytest.mark.skipif(not os.environ.get("DISPLAY"),
                    reason="no X display (pytest-xvfb provides one when Xvfb is installed)")
def test_surface3d_has_axis_titles_ticks_and_a_colour_bar(tmp_path):
    shot = Path(os.environ.get("VIEWS_SCREENSHOTS", tmp_path)) / "views_surface3d_labels.png"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", PROBE, str(shot)], env=env, timeout=180,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["opengl"]
    assert report["labels"] == ["width", "height", "price"]
    x0, x1 = report["x_range"]
    y0, y1 = report["y_range"]
    assert report["ticks"]["x"] == [f"{x0:.3g}", f"{(x0 + x1) / 2:.3g}", f"{x1:.3g}"]
    assert report["ticks"]["y"] == [f"{y0:.3g}", f"{(y0 + y1) / 2:.3g}", f"{y1:.3g}"]
    # the colour and height limits of the targets (-4..6, symmetric about 0: target_levels)
    assert report["ticks"]["z"] == ["-6", "0", "6"]
    assert report["bar"] == ["6", "0", "-6"]  # top to bottom
    assert report["bar_colours"] > 30  # a gradient, not a flat colour
    assert shot.exists()
