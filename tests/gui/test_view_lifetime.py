"""Views are freed by reference counting, not by the cyclic garbage collector.

On Python 3.13 with PySide6 6.12, a ``LossView`` that was built but never
placed in a window was collected by the cyclic collector, and Qt segfaulted in
``QGraphicsScene::clear()`` (``main.py gif --layout data`` crashed every time,
leaving a 0-byte GIF): a curve held a bound method of its view, so the view
was destroyed from inside the curve's destructor while the scene still listed
the half-destroyed curve. A view without reference cycles is destroyed, in
Qt's own order, the moment its last reference goes.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from gui import views

REPO = Path(__file__).resolve().parents[2]

VIEW_CLASSES = [
    views.LossView, views.ClassificationView, views.Regression1DView, views.RegressionHeatmapView,
    views.TimeSeriesView, views.ConfusionView, views.PredictedActualView,
]


@pytest.mark.parametrize("view_class", VIEW_CLASSES, ids=lambda cls: cls.__name__)
def test_a_view_is_freed_when_its_last_reference_goes(qapp, view_class):
    view = view_class()
    if view_class is views.LossView:
        view.append([1, 2], [1.0, 0.5], [1.1, 0.6], [0.5, 0.7], [0.4, 0.6])
        view.set_log_scale(True)  # the path that calls back into the view
    alive = weakref.ref(view)
    gc.disable()
    try:
        del view
        survivor = alive()
        if survivor is not None:
            # Delete it the way Qt wants before the collector finds it (which
            # would crash the test process instead of failing this test).
            survivor.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert survivor is None, f"{view_class.__name__} is kept alive by a reference cycle"
    finally:
        gc.enable()


def test_the_loss_view_still_redraws_when_the_plot_switches_log_mode(qtbot):
    view = views.LossView()
    qtbot.addWidget(view)
    view.append([1, 2, 3], [1.0, 0.1, 0.01], [1.0, 0.2, 0.02], [0.5, 0.6, 0.7], [0.5, 0.6, 0.7])
    view.loss_plot.setLogMode(y=True)  # from the plot's own menu, not the switch
    x, y = view.curves["loss"].getData()
    assert y.tolist() == pytest.approx([0.0, -1.0, -2.0])


def test_an_unplaced_loss_view_collected_by_the_cyclic_collector_does_not_crash():
    """In a fresh interpreter (the crash needed the collector to find the view)."""
    script = (
        "import gc\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gui.views import LossView\n"
        "view = LossView()\n"
        "view.append([1], [1.0], [1.0], [0.5], [0.5])\n"
        "del view\n"
        "gc.collect()\n"
        "print('survived')\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "survived"
