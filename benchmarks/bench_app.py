"""Throughput of the real application window (Qt offscreen platform).

Workload W2: 3-class spiral, N=3000, network 2-32-32-3 with ReLU, mini-batches
of 64, Adam, trained at full speed for a fixed time, in float32 (the
window's default precision). Prints, from one run:

- frames drawn per second (reports the window turned into pictures);
- epochs per second in the window, and the same workload's epochs per second
  without any window (a bare ``Trainer.step()`` loop, same process), measured
  interleaved in four pieces each (the window paused meanwhile), so a drift
  of the shared machine's speed affects both alike;
- the same on a busy machine: with a CPU-bound process the benchmark starts
  itself (a Python busy loop on the last usable core, ending by itself
  after the measurement and killed at the end), printed beside the idle
  figures, with the pacing's view of each (the frame rate it chose, the
  training thread's share of the CPU, the other programs' load it measured,
  the share of the time training stepped aside for late frames);
- the worst gap between ticks of a 1 ms GUI-thread timer: how long the GUI
  thread was ever kept from answering (what a person feels as a freeze).
  The probe is not free: each tick takes the interpreter lock from the
  training thread (measured: 5-10% of training with a 5 ms probe), so frames
  and epochs are measured in a run without it, and the gap in a second run
  with it (whose training share is printed too, to show the probe's cost);
- epochs per second in the window, float32 against float64 (alternate
  windows, two of each);
- frames per second with 100,000 points on screen: once with the W2 network
  (each frame waits for an epoch over 100k rows, so this is bound by training),
  and once with logistic regression in full batch on 100k points, where epochs
  are cheap and the figure measures drawing.

Targets (issue 4): >= 30 frames/s, in-window training >= 80% of headless,
worst GUI gap < 50 ms; (issue 18) >= 30 frames/s on the busy machine too.
The machine's load average and busy cores (all programs, this one
included) are printed with each measurement: on a shared machine the
"idle" figures are only as idle as the machine was.

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
import contextlib
import math
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

import datasets  # noqa: E402
from algorithms import LogisticRegression, NeuralNetwork, Trainer  # noqa: E402
from gui import pacing  # noqa: E402

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


@contextlib.contextmanager
def busy_machine(seconds: float):
    """One other program keeping a core busy: a Python busy loop in a child
    process, pinned to the last core this process may use (where the
    system allows), that ends by itself after ``seconds`` and is killed on
    leaving the block."""
    code = f"import time\nend = time.monotonic() + {seconds:.1f}\nwhile time.monotonic() < end:\n    pass\n"
    hog = subprocess.Popen([sys.executable, "-c", code])
    try:
        with contextlib.suppress(AttributeError, OSError):  # no affinity (macOS, Windows): anywhere
            os.sched_setaffinity(hog.pid, {max(os.sched_getaffinity(0))})
        yield hog
    finally:
        hog.kill()
        hog.wait()


def process_cpu(pid: int) -> float:
    """CPU seconds process ``pid`` has used, from /proc (Linux; NaN elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except (OSError, ValueError, IndexError):
        return math.nan


class MachineMeter:
    """Between ``start`` and ``stop``: busy cores of the whole machine
    (``busy``: every program, this one included) and of the programs other
    than this one and its render process (``others``), from /proc (Linux;
    NaN elsewhere)."""

    def __init__(self) -> None:
        self._read = pacing.proc_stat_reader()
        self._start = None
        self.cores = pacing.usable_cores()
        self.busy = self.others = math.nan

    def start(self, pids: list[int]) -> None:
        self._pids = pids
        self._start = (self._read() if self._read else None, [process_cpu(pid) for pid in pids],
                       time.perf_counter())

    def stop(self) -> None:
        end = self._read() if self._read else None
        start, cpu, started = self._start
        if start is not None and end is not None and end[1] > start[1]:
            self.busy = self.cores * (end[0] - start[0]) / (end[1] - start[1])
            ours = sum(process_cpu(pid) - before for pid, before in zip(self._pids, cpu))
            self.others = max(0.0, self.busy - ours / (time.perf_counter() - started))


def load_text() -> str:
    try:
        return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "no load average"


class Headless:
    """The same training loop the worker runs, with no window and no thread,
    measured in as many pieces as asked (``run``), its totals kept."""

    def __init__(self, dataset, model, dtype=np.float32) -> None:
        self.trainer = Trainer(model, dataset.X.astype(dtype), dataset.y,
                               validation_fraction=model.validation_fraction)
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

    def __init__(self, app, dataset, model, probe_ms: int = 1, dtype: str = "float32") -> None:
        """``probe_ms``: interval of the gap probe, 0 for none; ``dtype``:
        the precision the window trains in."""
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
        self.window = MainWindow(dataset, model, dtype=dtype)
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
        elapsed = aside = 0.0
        machine = MachineMeter()
        rules = window.controller._worker.pacing  # read only: the worker's measurements
        try:
            window.toolbar.set_speed(None)
            window.play()
            if self.timer.interval() > 0:
                self.timer.start()
            self._spin(WARMUP_SECONDS)
            probe.worst_gap = 0.0
            renderer = window.controller._worker._renderer.process
            machine.start([os.getpid()] + ([renderer.pid] if renderer is not None else []))
            for piece in range(pieces):
                if piece:
                    window.play()
                    self._spin(RESUME_SECONDS)
                probe.measuring, probe.frames = True, 0
                probe.last_tick = time.perf_counter()
                start_epoch, start, aside_start = probe.epoch, time.perf_counter(), rules.stepped_aside
                self._spin(seconds / pieces)
                elapsed += time.perf_counter() - start
                aside += rules.stepped_aside - aside_start
                probe.measuring = False
                frames += probe.frames
                epochs += probe.epoch - start_epoch
                if headless is not None:
                    window.pause()
                    self._spin(RESUME_SECONDS)  # the last report drawn, the worker idle
                    headless.run(seconds / pieces)
            machine.stop()
            worker = window.controller._worker  # its smoothed costs, read after the run
            return {
                "frames_per_second": frames / elapsed,
                "epochs_per_second": epochs / elapsed,
                "worst_gap_ms": probe.worst_gap * 1000 if self.timer.interval() > 0 else math.nan,
                "gui_ms_per_frame": worker.gui_cost * 1000,
                "output_ms_per_frame": worker.output_cost * 1000,
                "output_wall_ms_per_frame": rules.render_wall * 1000,
                "machine_busy": machine.busy,
                "machine_others": machine.others,
                "paced_rate": rules.frame_rate(),
                "training_share": rules.training_share,
                "others": rules.others,
                "stepped_aside": aside / elapsed,
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

    from gui.blas import limit_blas_threads

    limit_blas_threads(1)  # as the app does (headless and window alike)
    app = QApplication.instance() or QApplication([])
    dataset = w2_dataset()
    print(f"W2: spiral, 3 classes, N={dataset.n_samples}, 2-32-32-3 relu, batch 64, adam, float32; "
          f"{args.seconds:g} s per measurement, {pacing.usable_cores()} usable CPUs, {load_text()}")

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

    runs = {}
    for name in ("idle", "busy"):
        # the hog outlives the measurement (warm-up, pieces, pauses) by a margin
        hog = busy_machine(3 * args.seconds + 20) if name == "busy" else contextlib.nullcontext()
        with hog:
            trainer = Headless(dataset, w2_model())
            run = WindowRun(app, dataset, w2_model(), probe_ms=0).run(args.seconds, headless=trainer)
        run["headless"] = trainer.epochs_per_second
        run["load"] = load_text()
        runs[name] = run
    idle, busy = runs["idle"], runs["busy"]
    print(f"{'':30s}{'idle':>10s}{'busy':>10s}   (idle: the machine as it was; busy: plus a program "
          f"of the benchmark's own keeping a core busy)")
    rows = [
        ("frames drawn per second", "frames_per_second", "{:10.1f}", "(target >= 30 in both)"),
        ("epochs/s in the window", "epochs_per_second", "{:10.1f}", ""),
        ("epochs/s headless", "headless", "{:10.1f}", ""),
        ("machine busy (cores)", "machine_busy", "{:10.2f}", f"(of {pacing.usable_cores()}, this app included)"),
        ("other programs (cores)", "machine_others", "{:10.2f}", "(the busy cores less this app's)"),
        ("pacing: frames/s it asks", "paced_rate", "{:10.1f}", ""),
        ("pacing: training's CPU share", "training_share", "{:10.0%}", "(of its thread's time in epochs)"),
        ("pacing: other programs", "others", "{:10.2f}", "(cores, as the pacing measured them)"),
        ("pacing: training stepped aside", "stepped_aside", "{:10.0%}", "(of the time: waiting for late frames)"),
    ]
    for label, key, form, note in rows:
        print(f"{label:30s}{form.format(idle[key])}{form.format(busy[key])}   {note}")
    print(f"{'window / headless':30s}{idle['epochs_per_second'] / idle['headless']:10.0%}"
          f"{busy['epochs_per_second'] / busy['headless']:10.0%}   (target >= 80% idle)")
    print(f"cost of a frame, idle: GUI thread {idle['gui_ms_per_frame']:.1f} ms CPU, render process "
          f"{idle['output_ms_per_frame']:.1f} ms CPU ({idle['output_wall_ms_per_frame']:.1f} ms wall); "
          f"busy: {busy['gui_ms_per_frame']:.1f}, {busy['output_ms_per_frame']:.1f} "
          f"({busy['output_wall_ms_per_frame']:.1f} ms wall)")
    print(f"{load_text()} after the busy run")

    probed = WindowRun(app, dataset, w2_model(), args.probe_ms).run(args.seconds)
    print(f"worst GUI timer gap          {probed['worst_gap_ms']:8.1f} ms (target < 50 ms; idle, another run, "
          f"{args.probe_ms} ms probe, training at {probed['epochs_per_second'] / idle['headless']:.0%} with it)")

    # float32 against float64 in the window: alternate windows, so both see
    # the same drift of the shared machine
    precision = {"float32": [], "float64": []}
    for _ in range(2):
        for dtype in precision:
            run = WindowRun(app, dataset, w2_model(), probe_ms=0, dtype=dtype).run(args.seconds / 2)
            precision[dtype].append(run["epochs_per_second"])
    f32, f64 = (float(np.mean(values)) for values in precision.values())
    print(f"epochs/s in the window: float32 {f32:.1f}, float64 {f64:.1f} ({f32 / f64:.2f}x)")

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
