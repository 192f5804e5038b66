"""Cost of the plot views, drawn on Qt's offscreen platform.

Prints, for a ClassificationView of 640x600 pixels:

- ``set_data`` at 1k / 10k / 100k points (3 classes, 20% validation): paid
  when the data changes (a new dataset, every drawn stroke in Draw mode);
  alone, and with the repaint that follows (the points' caches redrawn);
- one frame at 1k / 10k / 100k points on screen: ``set_surface`` with a
  200x200 grid of two-class probabilities (image + 0.5 boundary) and a
  repaint, rendered with ``QWidget.grab()`` (what GIF recording does; the
  window's own paint draws the same scene), as frames per second;
- ``set_misclassified`` with a mask that changes every frame (early in
  training), at the same sizes;

and for a LossView (700x420): one frame (append 16 epochs, as one report at
~60 reports/s might carry, then grab) with 1k / 100k / 1M epochs already
shown;

and for the network diagram (issue 13), per network and drawing size: the
frame made in the render process (``DiagramSpec.compute``: every layer on
the grid, every node's picture composed into one image, the lines sorted),
and the GUI thread's part (``show_diagram`` and a repaint) with the weight
lines unchanged and with them re-drawn (at most 2.5 times a second).

Every figure is the median of several runs, in CPU time of this process
(``time.process_time``) and wall time: the machine is shared, so wall time
alone can be inflated by other work. Runs in well under a minute.

Usage::

    python benchmarks/bench_views.py
    python benchmarks/bench_views.py --repeats 11
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
EPOCH_COUNTS = (1_000, 100_000, 1_000_000)
EPOCHS_PER_FRAME = 16


def measure(run, repeats: int, warmup: int = 1) -> tuple[float, float]:
    """Median CPU and wall seconds of ``run()`` over ``repeats`` calls."""
    for _ in range(warmup):
        run()
    cpu, wall = [], []
    for _ in range(repeats):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        run()
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    return statistics.median(cpu), statistics.median(wall)


def dataset(n: int, rng: np.random.Generator):
    """Three noisy blobs: points (n, 2), codes (n,), validation mask (n,)."""
    y = rng.integers(0, 3, n)
    centres = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.2]])
    X = centres[y] + rng.normal(0, 0.45, (n, 2))
    return X, y, rng.random(n) < 0.2


def show(widget, width: int, height: int, app):
    widget.resize(width, height)
    widget.show()
    app.processEvents()
    return widget


def row(label: str, cpu: float, wall: float, per_second: bool = False) -> str:
    text = f"  {label:<28} cpu {1e3 * cpu:8.1f} ms   wall {1e3 * wall:8.1f} ms"
    if per_second:
        text += f"   -> {1 / max(cpu, 1e-9):6.0f} frames/s cpu, {1 / max(wall, 1e-9):6.0f} wall"
    return text


def bench_classification(app, repeats: int) -> None:
    from gui.views import ClassificationView

    rng = np.random.default_rng(0)
    view = show(ClassificationView(), 640, 600, app)
    names = ["class 0", "class 1", "class 2"]
    grid = view.grid_spec()

    print("ClassificationView set_data (points and legend; once per data change)")
    for n in SIZES:
        X, y, val = dataset(n, rng)
        cpu, wall = measure(lambda: view.set_data(X, y, names, val), repeats)
        print(row(f"{n:>7,} points", cpu, wall))
        # The change on screen: the points' cached pixmaps are redrawn once.
        cpu, wall = measure(lambda: (view.set_data(X, y, names, val), view.grab()), repeats)
        print(row(f"{n:>7,} points, + grab()", cpu, wall))

    print(f"ClassificationView frame: set_surface({grid.nx}x{grid.ny}, 2 classes) + grab()")
    for n in SIZES:
        X, y, val = dataset(n, rng)
        view.set_data(X, y, names, val)
        grid = view.grid_spec()
        points = grid.points()                                 # (ny * nx, 2)
        angle = [0.0]

        def frame():
            # A boundary turning a little every frame, so image and line change.
            angle[0] += 0.05
            direction = np.array([np.cos(angle[0]), np.sin(angle[0])])
            p1 = 1.0 / (1.0 + np.exp(-4.0 * (points @ direction)))
            view.set_surface(np.column_stack([1.0 - p1, p1]), np.array([0, 1]))
            view.grab()

        cpu, wall = measure(frame, repeats, warmup=2)
        print(row(f"{n:>7,} points on screen", cpu, wall, per_second=True))

    print("ClassificationView frame: set_misclassified(mask changing every frame) + grab()")
    for n in SIZES:
        X, y, val = dataset(n, rng)
        view.set_data(X, y, names, val)
        view.set_surface(np.full((grid.nx * grid.ny, 2), 0.5), np.array([0, 1]))
        masks = [rng.random(n) < 0.15 for _ in range(4)]
        step = [0]

        def frame():
            step[0] += 1
            view.set_misclassified(masks[step[0] % len(masks)])
            view.grab()

        cpu, wall = measure(frame, repeats, warmup=2)
        print(row(f"{n:>7,} points, ~15% ringed", cpu, wall, per_second=True))
    view.close()
    view.deleteLater()


def bench_loss(app, repeats: int) -> None:
    from gui.views import LossView

    view = show(LossView(), 700, 420, app)
    print(f"LossView frame: append({EPOCHS_PER_FRAME} epochs) + grab()")
    shown = 0

    def history(first: int, count: int):
        epochs = np.arange(first, first + count, dtype=np.float64)
        loss = 1.2 * np.exp(-epochs / 3e5) + 0.05 + 0.01 * np.sin(epochs / 7.0)
        return epochs, loss, loss * 1.1, 1.0 - loss / 2.0, 0.98 - loss / 2.0

    for target in EPOCH_COUNTS:
        while shown < target:                                   # fill in big chunks
            count = min(200_000, target - shown)
            view.append(*history(shown + 1, count))
            shown += count

        def frame():
            nonlocal shown
            view.append(*history(shown + 1, EPOCHS_PER_FRAME))
            shown += EPOCHS_PER_FRAME
            view.grab()

        cpu, wall = measure(frame, repeats, warmup=2)
        print(row(f"{target:>9,} epochs shown", cpu, wall, per_second=True))
    view.close()
    view.deleteLater()


def bench_diagram(app, repeats: int) -> None:
    import datasets
    from algorithms import NeuralNetwork
    from gui.views.diagram import DiagramWidget
    from gui.views.frame import FrameComputer
    from gui.views.grid import GridSpec, frame_range
    from gui.views.network_diagram import DiagramSpec

    from gui.blas import limit_blas_threads
    from PySide6 import QtGui

    limit_blas_threads(1)  # as the render process does
    data = datasets.make("spiral", n_samples=3000, n_classes=3, noise=0.1, random_state=0)
    grid = GridSpec(frame_range(data.X[:, 0]), frame_range(data.X[:, 1]), 48, 48)
    print("Network diagram: the render process's frame; the GUI's show_diagram + repaint")
    for hidden, canvas, label in (((32, 32), (440, 330), "W2 2-32-32-3 in a 440x330 tab"),
                                  ((16, 16), (760, 1150), "2-16-16-3, 760x1150"),
                                  ((64,) * 8, (520, 420), "8 x 64 units, 520x420")):
        model = NeuralNetwork(hidden_layers=hidden, activation="relu", max_epochs=2, random_state=0)
        snapshot = model.fit(data.X, data.y).snapshot(dtype=np.float32)
        spec = DiagramSpec(grid, None, (0, 1), canvas=canvas, variables=data.feature_names,
                           class_names=data.class_names)
        computer = FrameComputer()
        computer.set_data(data.X, data.y, None)
        computer.set_specs({"diagram": spec})
        frame = computer.compute(snapshot)["diagram"]
        big = int(np.count_nonzero(frame.rects[:, 2] >= 48))
        cpu, wall = measure(lambda: computer.compute(snapshot), repeats)
        print(row(f"{label}: compute ({len(frame.rects)} nodes, {big} of 48 px, {len(frame.edges)} lines)", cpu, wall))
        widget = DiagramWidget()
        show(widget, canvas[0], canvas[1] + 40, app)
        viewport = widget.canvas.viewport()
        image = QtGui.QImage(viewport.size(), QtGui.QImage.Format.Format_RGB32)

        def same_lines():
            widget.show_diagram(frame)
            viewport.render(image)

        def new_lines():
            widget.canvas.drawn_lines = None  # as when the lines' looks changed
            same_lines()

        cpu, wall = measure(same_lines, repeats)
        print(row("    GUI: a frame, lines unchanged", cpu, wall))
        cpu, wall = measure(new_lines, repeats)
        print(row("    GUI: a frame, lines re-drawn", cpu, wall))
        widget.close()
        widget.deleteLater()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15,
                        help="runs per figure (the median is printed; default 15)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {args.repeats}")
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    started = time.perf_counter()
    print(f"Qt platform {app.platformName()}, median of {args.repeats} runs "
          f"(CPU = time.process_time of this process)")
    bench_classification(app, args.repeats)
    bench_loss(app, args.repeats)
    bench_diagram(app, args.repeats)
    app.processEvents()
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
