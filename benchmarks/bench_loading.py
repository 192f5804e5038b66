"""Loading CSV files: how long, and how much the window feels it.

Prints, from one run:

- ``datasets.load_csv`` time for files of 200,000 and 1,000,000 rows
  (``x1,x2,label`` as ``save_csv`` writes them), and for a 200,000-row
  table shaped like penguins (text columns, ``NA`` cells) loaded with
  ``missing="drop", text="onehot"``;
- the time to refuse a file of blank lines (100 MB by default) as empty;
- in the real window (Qt offscreen), the worst gap between ticks of a 1 ms
  GUI-thread timer while the 1,000,000-row file loads through the dataset
  panel (the file is read and the dataset built in the loader's worker
  thread), and, separately, while the window then takes the finished
  dataset (setting the views' points: their cost, not the loader's).

With ``--compare REF`` (a git revision, e.g. ``main``), the same files are
also loaded by that revision's ``datasets/csv_io.py`` in the same run, side
by side: its load ran in the GUI thread, so its load time was the window's
freeze. Targets (issue 15): the 1M-row load never blocks the GUI thread more
than 100 ms; the blank file is refused in far less than the 38 s it took.

Usage::

    python benchmarks/bench_loading.py
    python benchmarks/bench_loading.py --compare main --blank-mb 100
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import datasets  # noqa: E402


def write_numeric(path: Path, n_rows: int) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_rows, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    ds = datasets.Dataset(X, y, "classification", ("x1", "x2"), ("class 0", "class 1"), name=path.stem)
    datasets.save_csv(ds, path)


def write_penguins(path: Path, n_rows: int) -> None:
    rng = np.random.default_rng(1)
    species = np.array(["Adelie", "Chinstrap", "Gentoo"])[rng.integers(0, 3, n_rows)]
    island = np.array(["Biscoe", "Dream", "Torgersen"])[rng.integers(0, 3, n_rows)]
    sex = np.array(["Male", "Female", "NA"])[rng.choice(3, n_rows, p=[0.48, 0.48, 0.04])]
    bill = np.round(rng.normal(44, 5, n_rows), 1).astype(str)
    bill[rng.random(n_rows) < 0.01] = "NA"
    mass = rng.integers(2700, 6300, n_rows).astype(str)
    lines = ["species,island,bill_length_mm,body_mass_g,sex"]
    lines += [",".join(row) for row in zip(species, island, bill, mass, sex)]
    path.write_text("\n".join(lines) + "\n")


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    try:
        result = function(*args, **kwargs)
    except ValueError as error:
        result = error
    return time.perf_counter() - start, result


def old_loader(revision: str):
    """``load_csv`` of ``revision``'s datasets/csv_io.py, or None."""
    try:
        source = subprocess.run(["git", "show", f"{revision}:datasets/csv_io.py"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"cannot read {revision}:datasets/csv_io.py ({error}); no comparison")
        return None
    module_path = Path(tempfile.mkdtemp()) / "old_csv_io.py"
    module_path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_csv_io", module_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_csv


class GapProbe:
    """A 1 ms timer in the GUI thread; ``worst()`` is the longest wait between two ticks."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.reset()

    def reset(self):
        self.last = time.perf_counter()
        self.gaps = []

    def _tick(self):
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now

    def start(self):
        self.reset()
        self.timer.start()

    def worst_ms(self) -> float:
        return 1000 * max(self.gaps, default=float("nan"))

    def median_ms(self) -> float:
        return 1000 * float(np.median(self.gaps)) if self.gaps else float("nan")


def window_gaps(path: Path, probe_ms: int) -> tuple[float, float, float, float, int]:
    """(load seconds, worst gap while loading, worst gap while the window takes the data, median tick, ticks)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.show()
    probe = GapProbe()
    probe.timer.setInterval(probe_ms)
    loader = window.dataset_panel.csv_loader
    loop = QEventLoop()
    times = {}

    def loaded(_dataset):
        times["loaded"] = time.perf_counter()
        times["loading_gap"] = probe.worst_ms()
        times["ticks"] = len(probe.gaps)
        times["median"] = probe.median_ms()
        probe.reset()

    def applied(_dataset):
        times["applied"] = time.perf_counter()
        QTimer.singleShot(200, loop.quit)  # let the views' queued work run under the probe too

    loader.loaded.connect(loaded)
    window.dataset_changed.connect(applied)
    loader.failed.connect(lambda text: (print("load failed:", text), loop.quit()))
    for _ in range(20):  # let the window settle (first frame, render process)
        app.processEvents()
        time.sleep(0.05)
    window.pause()
    probe.start()
    start = time.perf_counter()
    window.dataset_panel.load_csv(str(path))
    loop.exec()
    applying_gap = probe.worst_ms()
    probe.timer.stop()
    window.shutdown()
    window.close()
    return (times.get("loaded", start) - start, times.get("loading_gap", float("nan")), applying_gap,
            times.get("median", float("nan")), times.get("ticks", 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", metavar="REV", help="also time REV's datasets/csv_io.py (e.g. main)")
    parser.add_argument("--blank-mb", type=int, default=100, help="size of the blank-lines file (default 100)")
    parser.add_argument("--probe-ms", type=int, default=1, help="GUI timer interval (default 1 ms)")
    parser.add_argument("--no-window", action="store_true", help="skip the window measurement")
    args = parser.parse_args()

    old = old_loader(args.compare) if args.compare else None
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        files = {}
        for n_rows in (200_000, 1_000_000):
            files[n_rows] = folder / f"rows_{n_rows}.csv"
            write_numeric(files[n_rows], n_rows)
        penguins = folder / "penguins_200k.csv"
        write_penguins(penguins, 200_000)
        blank = folder / "blank.csv"
        with open(blank, "wb") as handle:
            handle.write(b"\n" * (args.blank_mb * 2**20))

        print(f"{'file':38s} {'this branch':>12s}" + (f" {args.compare:>12s}" if old else ""))
        cases = [(f"{n:,} rows x1,x2,label ({files[n].stat().st_size / 2**20:.0f} MB)", files[n], {}, {})
                 for n in files]
        cases.append(("200,000 rows like penguins, drop+onehot", penguins, {"missing": "drop", "text": "onehot"},
                      None))
        cases.append((f"{args.blank_mb} MB of blank lines -> 'empty'", blank, {}, {}))
        for label, path, options, old_options in cases:
            seconds, result = timed(datasets.load_csv, path, **options)
            shown = f"{seconds:10.2f} s"
            if isinstance(result, ValueError):
                shown += " (refused)" if "empty" not in str(result) else ""
            line = f"{label:38s} {shown:>12s}"
            if old is not None:
                if old_options is None:
                    line += f" {'(no such options)':>12s}"
                else:
                    old_seconds, _ = timed(old, path, **old_options)
                    line += f" {old_seconds:10.2f} s   ratio {old_seconds / seconds:5.1f}x"
            print(line, flush=True)

        if not args.no_window:
            seconds, loading_gap, applying_gap, median, ticks = window_gaps(files[1_000_000], args.probe_ms)
            print(f"\nwindow, 1,000,000 rows through the dataset panel ({args.probe_ms} ms GUI timer):")
            print(f"  read + build in the worker:          {seconds:6.2f} s, {ticks} ticks, median tick {median:.1f} ms")
            print(f"  worst GUI gap while loading:         {loading_gap:6.1f} ms   (target < 100 ms)")
            print(f"  worst GUI gap while the window takes the 1M points (views): {applying_gap:6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
