"""Fixtures that build the real main window (offscreen) and ALWAYS stop its
training thread at teardown: a QThread still running when Python destroys it
aborts the whole pytest process."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QObject, Slot

#: generous: the machine has 2 cores shared with other work
TIMEOUT_MS = 30_000


@pytest.fixture(autouse=True)
def collect_garbage_in_the_gui_thread():
    """After each GUI test (and its windows' threads are stopped), collect
    the Qt objects it left in reference cycles here, in the GUI thread.
    Otherwise the cyclic collector may next run in a later test's training
    thread and destroy QObjects there, which Qt forbids: a clean CI run hung
    on that (the training thread waiting for the interpreter lock inside a
    QObject destructor, the GUI thread holding the lock while waiting for
    that QObject's mutex)."""
    yield
    gc.collect()


@pytest.fixture
def make_window(qtbot):
    """Factory: ``make_window(dataset=None, model=None, transform=None,
    **options)`` returns a shown MainWindow (``options``: its keywords, e.g.
    ``dtype``). Every window made is shut down (thread
    stopped and waited for) at teardown, even when the test failed."""
    from gui.main_window import MainWindow

    windows = []

    def make(dataset=None, model=None, transform=None, *, wait_first_frame=True, **options):
        window = MainWindow(dataset, model, transform, **options)
        windows.append(window)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        if wait_first_frame:
            # the worker's first report (epoch 0, initial weights)
            qtbot.waitUntil(lambda: window._generation > 0, timeout=TIMEOUT_MS)
        return window

    yield make
    for window in windows:
        window.shutdown()
        assert not window.controller.is_thread_running()


def show(qtbot, widget, width=600, height=500):
    """Show ``widget`` at ``width`` x ``height`` and wait until it is on screen."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def small_spiral():
    import datasets

    return datasets.make("spiral", n_samples=300, noise=0.1, random_state=0)


@pytest.fixture
def window(make_window, small_spiral):
    """The default window (network on a 2-class spiral, seed 0), on fewer
    points so tests stay light on the shared cores."""
    from algorithms import NeuralNetwork

    return make_window(small_spiral, NeuralNetwork(random_state=0, max_epochs=100_000))


class Collector(QObject):
    """A GUI-thread receiver that keeps every report (a bound method of a
    GUI-thread QObject, as the worker's signals require)."""

    def __init__(self) -> None:
        super().__init__()
        self.reports: list = []  # gui.worker.Report
        self.params: list[dict] = []

    @Slot(object)
    def on_report(self, report) -> None:
        self.reports.append(report)

    @Slot(object)
    def on_params(self, params: dict) -> None:
        self.params.append(params)

    @property
    def epoch(self) -> int:
        return self.reports[-1].epoch if self.reports else 0

    def all_epochs(self, generation: int | None = None) -> list[int]:
        return [
            int(e)
            for r in self.reports
            if generation is None or r.generation == generation
            for e in r.epochs
        ]


@pytest.fixture
def controller(qtbot):
    """Factory: ``make()`` returns ``(TrainingController, Collector)``; every
    controller made is stopped (and its thread waited for) at teardown."""
    from gui.worker import TrainingController

    made = []

    def make():
        ctl = TrainingController()
        made.append(ctl)
        collector = Collector()
        ctl.report_received.connect(collector.on_report)
        ctl.params_reported.connect(collector.on_params)
        return ctl, collector

    yield make
    for ctl in made:
        ctl.stop()
        assert not ctl.is_thread_running()
