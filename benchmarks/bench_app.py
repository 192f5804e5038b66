"""Throughput of the real application window (Qt offscreen platform).

Workload W2: 3-class spiral, N=3000, network 2-32-32-3 with ReLU, mini-batches
of 64, Adam, trained at full speed for a fixed time. Prints, from one run:

- frames drawn per second (reports the window turned into pictures);
- epochs per second in the window, and the same workload's epochs per second
  without any window (a bare ``Trainer.step()`` loop, same process), measured
  interleaved in four pieces each (the window paused meanwhile), so a drift
  of the shared machine's speed affects both alike;
- the worst gap between ticks of a 1 ms GUI-thread timer: how long the GUI
  thread was ever kept from answering (what a person feels as a freeze).
  The probe is not free: each tick takes the interpreter lock from the
  training thread (measured: 5-10% of training with a 5 ms probe), so frames
  and epochs are measured in a run without it, and the gap in a second run
  with it (whose training share is printed too, to show the probe's cost);
- frames per second with 100,000 points on screen: once with the W2 network
  (each frame waits for an epoch over 100k rows, so this is bound by training),
  and once with logistic regression in full batch on 100k points, where epochs
  are cheap and the figure measures drawing.

Targets (issue 4): >= 30 frames/s, in-window training >= 80% of headless,
worst GUI gap < 50 ms.

``--side-tabs A,B`` measures instead what a side view costs: one W2 window,
its time cut into pieces with tab A and tab B shown in turn (a side view in
a tab that is not shown computes nothing), so both see the same drift of the
shared machine; e.g. ``--side-tabs Network,Weights``: the network diagram
shown against hidden (issue 13: training within a few percent).

Usage::

    python benchmarks/bench_app.py              # 8 s per measurement
    python benchmarks/bench_app.py --seconds 4
    python benchmarks/bench_app.py --probe-ms 10   # a coarser GUI-gap probe
    python benchmarks/bench_app.py --side-tabs Network,Weights --seconds 24
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import datasets  # noqa: E402
from algorithms import LogisticRegression, NeuralNetwork, Trainer  # noqa: E402

WARMUP_SECONDS = 1.5
#: after Play or Pause between interleaved pieces, before measuring again
RESUME_SECONDS = 0.3


def w2_dataset(n_samples: int = 3000):
    return datasets.make("spiral", n_samples=n_samples, n_classes=3, noise=0.1, random_state=0)


def w2_model():
    return NeuralNetwork(
        hidden_layers=(32, 32),
        activation="relu",
        batch_size=64,
        optimizer="adam",
        task="classification",
        learning_rate=0.01,
        max_epochs=1_000_000,
        random_state=0,
    )


class Headless:
    """The same training loop the worker runs, with no window and no thread,
    measured in as many pieces as asked (``run``), its totals kept."""

    def __init__(self, dataset, model) -> None:
        self.trainer = Trainer(model, dataset.X, dataset.y, validation_fraction=model.validation_fraction)
        self.epochs = 0
        self.seconds = 0.0
        deadline = time.perf_counter() + WARMUP_SECONDS / 3
        while time.perf_counter() < deadline:
            self.trainer.step()

    def run(self, seconds: float) -> None:
        start_epoch, start = self.trainer.epoch, time.perf_counter()
        while time.perf_counter() - start < seconds:
            self.trainer.step()
        self.epochs += self.trainer.epoch - start_epoch
        self.seconds += time.perf_counter() - start

    @property
    def epochs_per_second(self) -> float:
        return self.epochs / self.seconds


class WindowRun:
    """Opens the main window on ``dataset``/``model``, presses Play at full
    speed and measures frames, epochs and GUI-thread gaps."""

    def __init__(self, app, dataset, model, probe_ms: int = 1) -> None:
        """``probe_ms``: interval of the gap probe, 0 for none."""
        from PySide6.QtCore import QObject, Qt, QTimer, Slot

        from gui.main_window import MainWindow

        class Probe(QObject):
            def __init__(probe) -> None:
                super().__init__()
                probe.frames = 0
                probe.epoch = 0
                probe.measuring = False
                probe.last_tick = time.perf_counter()
                probe.worst_gap = 0.0

            @Slot(int, float)
            def on_frame(probe, epoch: int, _loss: float) -> None:
                probe.epoch = epoch
                if probe.measuring:
                    probe.frames += 1

            @Slot()
            def on_tick(probe) -> None:
                now = time.perf_counter()
                if probe.measuring:
                    probe.worst_gap = max(probe.worst_gap, now - probe.last_tick)
                probe.last_tick = now

        self.app = app
        self.window = MainWindow(dataset, model)
        self.window.resize(1440, 880)
        self.window.show()
        self.probe = Probe()
        self.window.frame_drawn.connect(self.probe.on_frame)
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(probe_ms)
        self.timer.timeout.connect(self.probe.on_tick)

    def run(self, seconds: float, headless: Headless | None = None, pieces: int = 4) -> dict:
        """Train in the window for ``seconds`` (after a warm-up). With
        ``headless``, the time is cut into ``pieces``, and between them the
        window pauses while ``headless`` trains for as long in this thread:
        the machine's speed drifts (it is shared), and the two measurements
        interleaved see the same drift."""
        window, probe = self.window, self.probe
        pieces = pieces if headless is not None else 1
        frames = epochs = 0
        elapsed = 0.0
        try:
            window.toolbar.set_speed(None)
            window.play()
            if self.timer.interval() > 0:
                self.timer.start()
            self._spin(WARMUP_SECONDS)
            probe.worst_gap = 0.0
            for piece in range(pieces):
                if piece:
                    window.play()
                    self._spin(RESUME_SECONDS)
                probe.measuring, probe.frames = True, 0
                probe.last_tick = time.perf_counter()
                start_epoch, start = probe.epoch, time.perf_counter()
                self._spin(seconds / pieces)
                elapsed += time.perf_counter() - start
                probe.measuring = False
                frames += probe.frames
                epochs += probe.epoch - start_epoch
                if headless is not None:
                    window.pause()
                    self._spin(RESUME_SECONDS)  # the last report drawn, the worker idle
                    headless.run(seconds / pieces)
            worker = window.controller._worker  # its smoothed costs, read after the run
            return {
                "frames_per_second": frames / elapsed,
                "epochs_per_second": epochs / elapsed,
                "worst_gap_ms": probe.worst_gap * 1000 if self.timer.interval() > 0 else math.nan,
                "gui_ms_per_frame": worker.gui_cost * 1000,
                "output_ms_per_frame": worker.output_cost * 1000,
                "output_wall_ms_per_frame": worker.pacing.render_wall * 1000,
            }
        finally:
            self.timer.stop()
            window.close()  # stops and waits for the training thread

    def run_tabs(self, seconds: float, tabs: tuple[str, ...], pieces: int = 8) -> dict[str, dict]:
        """Train for ``seconds`` cut into ``pieces``, showing each side tab
        of ``tabs`` in turn; per tab: frames/s, epochs/s and the smoothed
        GUI and render costs of a frame at the end of its pieces."""
        window, probe = self.window, self.probe
        titles = [window.side_tabs.tabText(i) for i in range(window.side_tabs.count())]
        missing = [tab for tab in tabs if tab not in titles]
        if missing:
            raise SystemExit(f"no side tab {missing}; this window has {titles}")
        totals = {tab: {"frames": 0, "epochs": 0, "seconds": 0.0, "gui": [], "render": [], "wall": []}
                  for tab in tabs}
        worker = window.controller._worker
        try:
            window.toolbar.set_speed(None)
            window.play()
            self._spin(WARMUP_SECONDS)
            for piece in range(pieces):
                tab = tabs[piece % len(tabs)]
                window.side_tabs.setCurrentIndex(titles.index(tab))
                self._spin(RESUME_SECONDS * 2)  # the new specs in use, the costs settled
                probe.measuring, probe.frames = True, 0
                start_epoch, start = probe.epoch, time.perf_counter()
                self._spin(seconds / pieces)
                total = totals[tab]
                total["seconds"] += time.perf_counter() - start
                probe.measuring = False
                total["frames"] += probe.frames
                total["epochs"] += probe.epoch - start_epoch
                total["gui"].append(worker.gui_cost * 1000)
                total["render"].append(worker.output_cost * 1000)
                total["wall"].append(worker.pacing.render_wall * 1000)
        finally:
            window.close()
        return {tab: {"frames_per_second": t["frames"] / t["seconds"],
                      "epochs_per_second": t["epochs"] / t["seconds"],
                      "gui_ms_per_frame": sum(t["gui"]) / len(t["gui"]),
                      "output_ms_per_frame": sum(t["render"]) / len(t["render"]),
                      "output_wall_ms_per_frame": sum(t["wall"]) / len(t["wall"])} for tab, t in totals.items()}

    def _spin(self, seconds: float) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each measurement (default 8)")
    parser.add_argument("--probe-ms", type=int, default=1,
                        help="interval of the GUI-thread timer whose worst gap is printed (default 1)")
    parser.add_argument("--side-tabs", metavar="A,B",
                        help="instead: W2 with side tab A and side tab B shown in turn, e.g. Network,Weights")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from gui import pacing
    from gui.blas import limit_blas_threads

    limit_blas_threads(1)  # as the app does (headless and window alike)
    app = QApplication.instance() or QApplication([])
    dataset = w2_dataset()
    print(f"W2: spiral, 3 classes, N={dataset.n_samples}, 2-32-32-3 relu, batch 64, adam; "
          f"{args.seconds:g} s per measurement, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")

    if args.side_tabs:
        tabs = tuple(tab.strip() for tab in args.side_tabs.split(","))
        results = WindowRun(app, dataset, w2_model(), probe_ms=0).run_tabs(args.seconds, tabs)
        first = results[tabs[0]]["epochs_per_second"]
        for tab, figures in results.items():
            print(f"{tab + ' tab shown':<22} {figures['frames_per_second']:6.1f} frames/s, "
                  f"{figures['epochs_per_second']:7.1f} epochs/s ({figures['epochs_per_second'] / first:5.0%}), "
                  f"a frame: GUI {figures['gui_ms_per_frame']:.1f} ms CPU, render process "
                  f"{figures['output_ms_per_frame']:.1f} ms CPU ({figures['output_wall_ms_per_frame']:.1f} ms wall)")
        return 0

    trainer = Headless(dataset, w2_model())
    windowed = WindowRun(app, dataset, w2_model(), probe_ms=0).run(args.seconds, headless=trainer)
    headless = trainer.epochs_per_second
    probed = WindowRun(app, dataset, w2_model(), args.probe_ms).run(args.seconds)
    share = windowed["epochs_per_second"] / headless
    print(f"frames drawn per second      {windowed['frames_per_second']:8.1f}   (target >= 30)")
    print(f"epochs/s in the window       {windowed['epochs_per_second']:8.1f}")
    print(f"epochs/s headless            {headless:8.1f}")
    print(f"window / headless            {share:8.0%}   (target >= 80%)")
    print(f"worst GUI timer gap          {probed['worst_gap_ms']:8.1f} ms (target < 50 ms; second run, "
          f"{args.probe_ms} ms probe, training at {probed['epochs_per_second'] / headless:.0%} with it)")
    print(f"cost of a frame: GUI thread {windowed['gui_ms_per_frame']:.1f} ms CPU, "
          f"render process {windowed['output_ms_per_frame']:.1f} ms CPU "
          f"({windowed['output_wall_ms_per_frame']:.1f} ms wall)\n"
          f"pacing: GUI {pacing.GUI_BUDGET:.0%} of a core (up to {pacing.GUI_MAX_BUDGET:.0%} "
          f"to keep {pacing.MIN_FRAME_RATE:g} frames/s), render {pacing.OUTPUT_BUDGET:.0%}")

    big = w2_dataset(100_000)
    big_w2 = WindowRun(app, big, w2_model(), args.probe_ms).run(args.seconds)
    print(f"100,000 points, W2 network:  {big_w2['frames_per_second']:6.1f} frames/s, "
          f"{big_w2['epochs_per_second']:.1f} epochs/s, worst gap {big_w2['worst_gap_ms']:.1f} ms "
          f"(a frame needs an epoch over 100k rows)")
    moons = datasets.make("moons", n_samples=100_000, noise=0.1, random_state=0)
    logistic = LogisticRegression(max_epochs=1_000_000, random_state=0)
    big_lr = WindowRun(app, moons, logistic, args.probe_ms).run(args.seconds)
    print(f"100,000 points, logistic:    {big_lr['frames_per_second']:6.1f} frames/s, "
          f"{big_lr['epochs_per_second']:.1f} epochs/s, worst gap {big_lr['worst_gap_ms']:.1f} ms (target 30 frames/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
