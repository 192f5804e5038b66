"""What the replay timeline costs training, and what a session file costs.

The worker keeps a checkpoint (``algorithms.state.checkpoint``: parameters,
optimiser state, random stream) every ``auto_every(max_epochs)`` epochs.
This measures, in one process and interleaved (so a drift of the shared
machine's speed affects both alike), epochs per second of a bare
``Trainer.step()`` loop with and without those checkpoints, for:

- D: the default run (2-class spiral, 300 points, 2-16-16-1 tanh, Adam, full
  batch, 1,000 epochs: a checkpoint every 4 epochs);
- W2: 3-class spiral, 3,000 points, 2-32-32-3 ReLU, batches of 64 (1,000
  epochs: every 4).

It also prints the time to write and read a session of each (``sessions``).

Usage::

    python benchmarks/bench_timeline.py             # 3 s per measurement
    python benchmarks/bench_timeline.py --seconds 1
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import datasets  # noqa: E402
from algorithms import NeuralNetwork, Trainer  # noqa: E402
from algorithms.state import checkpoint  # noqa: E402
from gui.timeline import TimelineStore, auto_every  # noqa: E402
from sessions import Session, read_session, write_session  # noqa: E402


def workloads():
    yield "D ", datasets.make("spiral", n_samples=300, random_state=0), NeuralNetwork(random_state=0)
    yield "W2", datasets.make("spiral", n_samples=3000, n_classes=3, random_state=0), NeuralNetwork(
        hidden_layers=(32, 32), activation="relu", batch_size=64, random_state=0)


def rate(trainer, store, seconds: float) -> float:
    """Epochs per second for ``seconds``, with checkpoints into ``store`` (None: without)."""
    epochs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        record = trainer.step()
        if store is not None and store.due(record.epoch):
            store.add(record.epoch, checkpoint(trainer.model), trainer.loop_state())
        epochs += 1
    return epochs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print(f"{'':4}{'without':>12}{'with':>12}{'ratio':>8}   checkpoint every, kept, memory")
    for name, dataset, model in workloads():
        model.set_params(max_epochs=10**7)
        trainer = Trainer(model, dataset.X, dataset.y, validation_fraction=0.2, keep_history=False)
        store = TimelineStore()
        store.reset(auto_every(1000))
        without = with_ = 0.0
        for quarter in range(4):  # interleaved quarters, alternating which goes first
            for store_or_none in ((None, store) if quarter % 2 == 0 else (store, None)):
                measured = rate(trainer, store_or_none, args.seconds / 8) / 4
                if store_or_none is None:
                    without += measured
                else:
                    with_ += measured
        print(f"{name:4}{without:10,.0f}/s{with_:10,.0f}/s{with_ / without:8.2f}   "
              f"{store.every}, {len(store.entries)}, {store.nbytes / 1e6:.2f} MB")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "run.mlfs"
            start = time.perf_counter()
            write_session(path, Session(dataset=dataset, model=model, trainer=trainer.state_dict()))
            written = time.perf_counter() - start
            start = time.perf_counter()
            read_session(path)
            read = time.perf_counter() - start
            print(f"    session: {path.stat().st_size / 1e3:,.0f} kB, written in {1e3 * written:.0f} ms, "
                  f"read and checked in {1e3 * read:.0f} ms")


if __name__ == "__main__":
    main()
