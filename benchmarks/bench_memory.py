"""Memory of a long window run: RSS after up to 1M epochs, headless.

Feeds what the window's training path keeps per epoch, as the window does:
``algorithms.Trainer`` stepped epoch by epoch on the default network
(moons, 200 points, one hidden layer of 8, full batch), each record appended
to the pending metrics as the worker does, a report every
``--epochs-per-report`` epochs (250: ~7,500 epochs/s at 30 reports/s) turned
into arrays and appended to a ``LossView`` of 700x420 (shown on Qt's
offscreen platform) without redrawing, and the view redrawn at every other
report (the window redraws the loss view at most 20 times a second). The
Trainer is built as the worker builds it (``keep_history=False`` where the
code has it).

Prints the process's resident memory (VmRSS) and its peak (VmHWM) at 0, 10k,
100k, 300k and 1M epochs, and what it grew by per epoch.

``--before REV`` measures another revision of the project in the same run
(exported with ``git archive`` into a temporary folder), one child process
each, one after the other, and prints both: e.g. ``--before HEAD~5`` or the
commit before the bounded loss view. Each measurement takes about a minute
per million epochs on a 2-core machine.

Usage::

    python benchmarks/bench_memory.py
    python benchmarks/bench_memory.py --before <rev> --epochs 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHECKPOINTS = (0, 10_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000)


def memory_kb() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process in kB."""
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


def child(epochs: int, per_report: int) -> None:
    """Run in a process whose sys.path starts with the tree to measure;
    prints one JSON line per checkpoint."""
    import inspect

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import numpy as np
    from PySide6.QtWidgets import QApplication

    import datasets
    from algorithms import NeuralNetwork, Trainer
    from gui.views import LossView

    if not Path(LossView.__module__ and sys.modules[LossView.__module__].__file__).is_relative_to(sys.path[0]):
        raise SystemExit(f"measuring {sys.path[0]} but imported {sys.modules[LossView.__module__].__file__}")
    app = QApplication.instance() or QApplication(["bench_memory"])
    view = LossView()
    view.resize(700, 420)
    view.show()
    app.processEvents()
    dataset = datasets.make("moons", n_samples=200, noise=0.1, random_state=0)
    model = NeuralNetwork(hidden_layers=(8,), max_epochs=10_000_000, random_state=0)
    options = {"keep_history": False} if "keep_history" in inspect.signature(Trainer).parameters else {}
    trainer = Trainer(model, dataset.X, dataset.y, **options)
    nan = float("nan")
    pending: dict[str, list] = {key: [] for key in ("epochs", "loss", "val_loss", "score", "val_score")}
    checkpoints = [c for c in CHECKPOINTS if c <= epochs]
    if checkpoints[-1] != epochs:
        checkpoints.append(epochs)

    def checkpoint(epoch: int) -> None:
        rss, peak = memory_kb()
        print(json.dumps({"epoch": epoch, "rss_kb": rss, "peak_kb": peak, "kept_history": not options}), flush=True)

    checkpoint(0)
    reports = 0
    for epoch in range(1, epochs + 1):
        record = trainer.step()
        pending["epochs"].append(record.epoch)
        pending["loss"].append(record.loss)
        pending["val_loss"].append(nan if record.val_loss is None else record.val_loss)
        pending["score"].append(record.score)
        pending["val_score"].append(nan if record.val_score is None else record.val_score)
        if epoch % per_report == 0 or epoch == epochs:
            columns = [np.array(pending[key], dtype=float) for key in pending]
            for values in pending.values():
                values.clear()
            reports += 1
            view.append(*columns, redraw=reports % 2 == 0)
            app.processEvents()
        if epoch in checkpoints:
            view.redraw()
            app.processEvents()
            checkpoint(epoch)
    view.close()


def export(revision: str) -> Path:
    """The project at ``revision``, unpacked into a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    archive = subprocess.run(["git", "archive", "--format=tar", revision], cwd=REPO, capture_output=True, check=True)
    archive_path = folder / "tree.tar"
    archive_path.write_bytes(archive.stdout)
    with tarfile.open(archive_path) as tar:
        tar.extractall(folder / "tree", filter="data")
    return folder / "tree"


def measure(tree: Path, epochs: int, per_report: int) -> list[dict]:
    code = (f"import sys; sys.path.insert(0, {str(tree)!r}); "
            f"sys.argv = ['bench_memory']; "
            f"import importlib.util as u; s = u.spec_from_file_location('bench', {str(Path(__file__))!r}); "
            f"m = u.module_from_spec(s); s.loader.exec_module(m); m.child({epochs}, {per_report})")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(tree)}
    result = subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"measuring {tree} failed:\n{result.stderr}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=1_000_000, help="epochs to run (default 1,000,000)")
    parser.add_argument("--epochs-per-report", type=int, default=250, help="epochs per report (default 250)")
    parser.add_argument("--before", metavar="REV", help="also measure this git revision, in the same run")
    args = parser.parse_args(argv)

    runs = []
    if args.before:
        tree = export(args.before)
        runs.append((f"before ({args.before})", measure(tree, args.epochs, args.epochs_per_report)))
    runs.append(("now", measure(REPO, args.epochs, args.epochs_per_report)))

    print(f"RSS of a headless window run (Trainer + LossView fed as the window does), "
          f"{args.epochs_per_report} epochs per report")
    for label, points in runs:
        kept = "history kept" if points[0]["kept_history"] else "no history"
        print(f"\n{label}  [Trainer: {kept}]")
        print(f"{'epochs':>10}  {'RSS MB':>8}  {'peak MB':>8}  {'grown MB':>9}  {'bytes/epoch':>11}")
        start = points[0]["rss_kb"]
        for point in points:
            grown = (point["rss_kb"] - start) / 1024
            per_epoch = (point["rss_kb"] - start) * 1024 / point["epoch"] if point["epoch"] else float("nan")
            print(f"{point['epoch']:>10,}  {point['rss_kb'] / 1024:8.1f}  {point['peak_kb'] / 1024:8.1f}  "
                  f"{grown:9.1f}  {per_epoch:11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
