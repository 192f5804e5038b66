"""Render Surface3DView on a real X display and report what the frames hold.

Run by tests/gui/test_views_3d.py in a subprocess with QT_QPA_PLATFORM=xcb
(the test session itself is forced to ``offscreen``, where OpenGL widgets
cannot render). Prints one JSON object on stdout:
``{"opengl": bool, "colors_a": int, "std_a": float, "changed": float}`` —
distinct colours and pixel spread of the first frame, and the fraction of
pixels that differ after the surface changes.

Usage: python surface3d_probe.py [screenshot.png]
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6 import QtGui, QtWidgets  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402


def bumps(points: np.ndarray) -> np.ndarray:
    x, y = points[:, 0], points[:, 1]
    return (np.exp(-((x - 0.6) ** 2 + (y - 0.5) ** 2) / 0.3)
            - 0.8 * np.exp(-((x + 0.7) ** 2 + (y + 0.4) ** 2) / 0.25))


def to_array(image: QtGui.QImage) -> np.ndarray:
    image = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    height, width = image.height(), image.width()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8)
    rows = buffer.reshape(height, image.bytesPerLine())[:, :4 * width]
    # Copy: the array must not outlive the QImage that owns the memory.
    return rows.reshape(height, width, 4).copy()


def main() -> int:
    app = QtWidgets.QApplication(sys.argv[:1])
    from gui.views import Surface3DView, opengl_available

    result = {"platform": app.platformName(), "opengl": opengl_available()}
    if not result["opengl"]:
        print(json.dumps(result))
        return 0
    rng = np.random.default_rng(0)
    X = rng.uniform(-1.5, 1.5, (300, 2))
    y = bumps(X) + rng.normal(0, 0.05, 300)
    view = Surface3DView()
    view.resize(640, 520)
    view.set_data(X, y, rng.random(300) < 0.2)
    view.set_axis_labels("x1", "x2", "target")
    view.show()
    QTest.qWaitForWindowExposed(view)
    points = view.grid_spec().points()
    view.set_surface(bumps(points))
    first = view.gl_widget.grabFramebuffer()
    if len(sys.argv) > 1:
        first.save(sys.argv[1])
    view.set_surface(-bumps(points))
    second = to_array(view.gl_widget.grabFramebuffer())
    first = to_array(first)
    result.update(
        width=int(first.shape[1]), height=int(first.shape[0]),
        colors_a=int(len(np.unique(first[..., :3].reshape(-1, 3), axis=0))),
        std_a=float(first[..., :3].std()),
        changed=float(np.mean(np.any(first[..., :3] != second[..., :3], axis=-1))),
    )
    print(json.dumps(result))
    view.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
