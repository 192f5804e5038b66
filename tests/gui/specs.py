"""Frame specs for tests of the worker and the render process: module level,
so they can be pickled to the render process."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gui.views.frame import FrameSpec, model_output


@dataclass(frozen=True, eq=False)
class Outputs(FrameSpec):
    """The model's outputs (``predict_proba`` or ``predict``) on fixed raw
    points (``(grid output or None, rows output or None)``)."""

    grid: np.ndarray | None
    rows: bool = False

    def points(self):
        return self.grid

    def compute(self, model, inputs):
        grid_output = None if inputs.points is None else model_output(model, inputs.points)
        return grid_output, inputs.rows_output(model) if self.rows else None


@dataclass(frozen=True)
class Failing(FrameSpec):
    """Always raises (a view whose computation is broken)."""

    def compute(self, model, inputs):
        raise RuntimeError("the spec broke")


@dataclass(frozen=True)
class Busy(FrameSpec):
    """Keeps the render process busy for a minute (a huge network's frame)."""

    seconds: float = 60.0

    def compute(self, model, inputs):
        import time

        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline:
            pass
        return None


@dataclass(frozen=True)
class LoadedModules(FrameSpec):
    """The Qt and plotting modules loaded where the frame is computed."""

    def compute(self, model, inputs):
        import sys

        forbidden = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph", "OpenGL")
        return sorted(name for name in sys.modules if name.split(".")[0] in forbidden)


@dataclass(frozen=True, eq=False)
class Timed(FrameSpec):
    """Computes the model's outputs on fixed raw points and returns when it
    started and ended (``time.monotonic()``: on Linux the system's clock,
    the same in every process)."""

    grid: np.ndarray

    def points(self):
        return self.grid

    def compute(self, model, inputs):
        import time

        started = time.monotonic()
        model_output(model, inputs.points)
        return started, time.monotonic()
