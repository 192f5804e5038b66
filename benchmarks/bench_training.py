"""Training throughput of the from-scratch models, and of the same networks
in PyTorch (CPU) and scikit-learn when they are installed.

Prints microseconds per epoch and epochs per second for five workloads:

W1  2-class moons N=1000, network 2-16-16-1 tanh, full batch, adam
W2  3-class spiral N=3000, network 2-32-32-3 relu, batch 64, adam
W3  1D sine N=1000, network 1-32-32-1 tanh, full batch, MSE, adam
W4  logistic regression N=10,000, 2 features (full-batch gradient descent)
W5  linear regression N=100,000, 10 features (full-batch gradient descent)

Our models are timed through ``Trainer.step()`` -- the path the GUI worker
uses -- with no validation split, so each epoch does the same work as the
reference loops: forward, loss, backward and an optimiser step per batch
(plus our training metrics). PyTorch runs float32 with the same architecture,
optimiser and batch size (a shuffled index per epoch, one step per batch);
scikit-learn runs ``MLPClassifier`` / ``MLPRegressor.partial_fit`` (one epoch
per call, float64; for W4 and W5 with no hidden layer, which is logistic and
linear regression by full-batch gradient descent). Ours run in float64 and in
float32 (inputs given as float32; what the window trains in by default).

W5 trains from the data's second moments (``network.GramPlan``: O(d^2) per
epoch after an O(N d^2) set-up, the same iterates); "ours plain pass" is the
O(N d) pass it replaces, timed through a Trainer allowed one epoch at a time.

The second table is ``model.partial_fit(X, y)`` in a loop, per call, beside
one plain epoch of the same model (what the call must at least do) and
scikit-learn's ``partial_fit`` of the same network: each call validates and
standardises the rows it is given, so for the data-bound linear models (one
multiply-add per value and pass) that preparation is a visible share.

Each figure is the best of several interleaved timing blocks (the machine is
shared, so the minimum is the least-disturbed measurement). Run:
``python benchmarks/bench_training.py`` (about a minute); ``--threads 1``
runs NumPy's BLAS and torch single-threaded. On a busy 2-core machine a
second BLAS thread mostly waits for a core: full-batch epochs on thousands
of rows (W5 especially) then run several times faster single-threaded.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def _parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Training throughput of the from-scratch models vs PyTorch/sklearn.")
    parser.add_argument("--block", type=float, default=0.25, help="seconds per timing block (default 0.25)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved timing blocks per runner (default 5)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS/OpenMP threads for NumPy and torch (default: NumPy's own default)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    _ARGS = _parse_args()
    if _ARGS.threads is not None:  # must be set before NumPy loads its BLAS
        for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[_name] = str(_ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from algorithms import LinearRegression, LogisticRegression, NeuralNetwork, Trainer  # noqa: E402

try:
    import torch
except ImportError:  # optional reference
    torch = None
try:
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor
except ImportError:  # optional reference
    sklearn = None

TARGETS = {  # workload -> {reference: minimum speed-up of ours (float64, what the GUI uses)}
    "W1": {"torch": 2.0, "sklearn": 6.0},
    "W2": {"torch": 5.0, "sklearn": 4.0},
    "W5": {"torch": 50.0, "sklearn": 100.0},  # the Gram form: 75-280x torch measured, by load
}


# -- data (generated here: the benchmark depends on nothing but NumPy) --------------
def moons(n, rng, noise=0.15):
    t = rng.uniform(0, np.pi, n)
    label = rng.integers(0, 2, n)
    x = np.where(label == 0, np.cos(t), 1 - np.cos(t))
    y = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
    return np.column_stack([x, y]) + noise * rng.normal(size=(n, 2)), label


def spiral(n, k, rng, noise=0.2):
    label = np.arange(n) % k
    r = rng.uniform(0.05, 1.0, n)
    angle = 4.0 * r + 2 * np.pi * label / k + noise * rng.normal(size=n)
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)]), label


def numpy_blas_threads() -> int:
    try:
        from threadpoolctl import threadpool_info

        counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
        if counts:
            return int(counts[0])
    except ImportError:
        pass
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(name, "").isdigit():
            return int(os.environ[name])
    return os.cpu_count() or 1


# -- runners: each returns a function that runs one epoch ----------------------------
def ours(model, X, y):
    trainer = Trainer(model, X, y)
    return trainer.step


def ours_plain(model, X, y):
    """One epoch at a time: a Trainer allowed a single epoch takes the plain
    pass over the rows (the Gram form only pays off over many epochs)."""
    trainer = Trainer(model, X, y, max_epochs=1)

    def epoch():
        trainer.step()
        trainer.extend(1)
    return epoch


def ours_partial_fit(model, X, y):
    model.partial_fit(X, y)  # the first call initialises

    def epoch():
        model.partial_fit(X, y)
    return epoch


def torch_runner(sizes, activation, X, y, kind, batch_size, optimizer="adam", lr=1e-3):
    torch.manual_seed(0)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append({"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[activation]())
    net = torch.nn.Sequential(*layers)
    Xt = torch.tensor(X, dtype=torch.float32)
    if kind == "bce":
        yt, loss_fn = torch.tensor(y, dtype=torch.float32)[:, None], torch.nn.BCEWithLogitsLoss()
    elif kind == "ce":
        yt, loss_fn = torch.tensor(y, dtype=torch.long), torch.nn.CrossEntropyLoss()
    else:
        yt, loss_fn = torch.tensor(y, dtype=torch.float32).reshape(len(y), -1), torch.nn.MSELoss()
    opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(net.parameters(), lr=lr)
    n = len(X)
    generator = torch.Generator().manual_seed(0)

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xb), yb)
        loss.backward()
        opt.step()
        return loss.detach()

    if batch_size is None:
        def epoch():
            return float(step(Xt, yt))
    else:
        def epoch():
            order = torch.randperm(n, generator=generator)
            total = 0.0
            for start in range(0, n, batch_size):
                index = order[start:start + batch_size]
                total = total + step(Xt[index], yt[index])
            return float(total)
    return epoch


def sklearn_runner(hidden, activation, X, y, classifier, batch_size, solver="adam", lr=1e-3):
    import warnings

    cls = MLPClassifier if classifier else MLPRegressor
    model = cls(hidden_layer_sizes=hidden, activation=activation, solver=solver, alpha=0.0, momentum=0.0,
                batch_size=batch_size or len(X), learning_rate_init=lr, random_state=0)
    warnings.simplefilter("ignore", ConvergenceWarning)
    if classifier:
        model.partial_fit(X, y, classes=np.unique(y))
    else:
        model.partial_fit(X, y)

    def epoch():
        model.partial_fit(X, y)
    return epoch


# -- timing ---------------------------------------------------------------------------
def time_per_epoch(runners: dict, block_seconds: float, repeats: int) -> dict:
    """Best seconds per epoch of each runner, over ``repeats`` interleaved blocks."""
    epochs = {}
    for name, run in runners.items():  # warm up and size each block to ~block_seconds
        start, count = time.perf_counter(), 0
        while time.perf_counter() - start < block_seconds / 4 or count < 3:
            run()
            count += 1
        per_epoch = (time.perf_counter() - start) / count
        epochs[name] = max(3, int(block_seconds / per_epoch))
    best = {name: float("inf") for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            n = epochs[name]
            start = time.perf_counter()
            for _ in range(n):
                run()
            best[name] = min(best[name], (time.perf_counter() - start) / n)
    return best


def main(args) -> int:

    threads = numpy_blas_threads()
    print(f"NumPy {np.__version__} (BLAS threads: {threads})", end="")
    if torch is not None:
        torch.set_num_threads(threads)
        print(f", PyTorch {torch.__version__} (torch.set_num_threads({threads}))", end="")
    else:
        print(", PyTorch not installed", end="")
    print(f", scikit-learn {sklearn.__version__}" if sklearn is not None else ", scikit-learn not installed")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"best of {args.repeats} interleaved blocks of ~{args.block:g} s each; "
          f"{os.cpu_count()} CPUs, load average {load:.2f} at start")
    if load > 0.5 * (os.cpu_count() or 1):
        print("warning: the machine is busy: multi-threaded BLAS/OpenMP calls wait for cores and figures jump; "
              "--threads 1 gives steadier ones")
    print()

    rng = np.random.default_rng(0)
    X1, y1 = moons(1000, rng)
    X2, y2 = spiral(3000, 3, rng)
    X3 = rng.uniform(-3, 3, size=(1000, 1))
    y3 = np.sin(2 * X3[:, 0]) + 0.1 * rng.normal(size=1000)
    X4 = np.vstack([rng.normal(-1, 1, size=(5000, 2)), rng.normal(1, 1, size=(5000, 2))])
    y4 = np.repeat([0, 1], 5000)
    X5 = rng.normal(size=(100_000, 10))
    y5 = X5 @ rng.normal(size=10) + 0.5 + 0.1 * rng.normal(size=100_000)

    no_split = dict(validation_fraction=0.0, max_epochs=10_000_000, random_state=0)
    workloads = [
        ("W1", "2-class moons N=1000, 2-16-16-1 tanh, full batch, adam",
         lambda: NeuralNetwork(hidden_layers=(16, 16), activation="tanh", l2=0.0, learning_rate=1e-3, **no_split),
         X1, y1, dict(sizes=(2, 16, 16, 1), activation="tanh", kind="bce", batch_size=None),
         dict(hidden=(16, 16), activation="tanh", classifier=True, batch_size=None)),
        ("W2", "3-class spiral N=3000, 2-32-32-3 relu, batch 64, adam",
         lambda: NeuralNetwork(hidden_layers=(32, 32), activation="relu", l2=0.0, learning_rate=1e-3,
                               batch_size=64, **no_split),
         X2, y2, dict(sizes=(2, 32, 32, 3), activation="relu", kind="ce", batch_size=64),
         dict(hidden=(32, 32), activation="relu", classifier=True, batch_size=64)),
        ("W3", "1D sine N=1000, 1-32-32-1 tanh, full batch, MSE, adam",
         lambda: NeuralNetwork(hidden_layers=(32, 32), activation="tanh", task="regression", l2=0.0,
                               learning_rate=1e-3, **no_split),
         X3, y3, dict(sizes=(1, 32, 32, 1), activation="tanh", kind="mse", batch_size=None),
         dict(hidden=(32, 32), activation="tanh", classifier=False, batch_size=None)),
        ("W4", "logistic regression N=10,000, 2 features, full batch, gradient descent",
         lambda: LogisticRegression(l2=0.0, **no_split),
         X4, y4, dict(sizes=(2, 1), activation=None, kind="bce", batch_size=None, optimizer="sgd", lr=0.1),
         dict(hidden=(), activation="identity", classifier=True, batch_size=None, solver="sgd", lr=0.1)),
        ("W5", "linear regression N=100,000, 10 features, full batch, gradient descent",
         lambda: LinearRegression(**no_split),
         X5, y5, dict(sizes=(10, 1), activation=None, kind="mse", batch_size=None, optimizer="sgd", lr=0.1),
         dict(hidden=(), activation="identity", classifier=False, batch_size=None, solver="sgd", lr=0.1)),
    ]

    summary, partial_rows = [], []
    for name, title, make_model, X, y, torch_spec, sklearn_spec in workloads:
        runners = {
            "ours float64": ours(make_model(), X, y),
            "ours float32": ours(make_model(), X.astype(np.float32), y),
        }
        if name == "W5":
            runners["ours plain pass"] = ours_plain(make_model(), X, y)
        if torch is not None:
            runners["torch float32"] = torch_runner(X=X, y=y, **torch_spec)
        if sklearn is not None and sklearn_spec is not None:
            runners["sklearn float64"] = sklearn_runner(X=X, y=y, **sklearn_spec)
        best = time_per_epoch(runners, args.block, args.repeats)
        print(f"{name}  {title}")
        for runner, seconds in best.items():
            line = f"    {runner:<16} {seconds * 1e6:10.1f} us/epoch {1.0 / seconds:10.0f} epochs/s"
            if runner == "ours plain pass":
                line += f"   the Gram form is {seconds / best['ours float64']:5.0f}x faster"
            elif not runner.startswith("ours"):
                r64, r32 = seconds / best["ours float64"], seconds / best["ours float32"]
                line += f"   ours is {r64:5.1f}x (float64) / {r32:5.1f}x (float32) faster"
                target = TARGETS.get(name, {}).get(runner.split()[0])
                if target is not None:
                    verdict = "met" if r64 >= target else "MISSED"
                    line += f"   [target {target:g}x: {verdict}]"
                    summary.append((name, runner, r64, target))
            print(line)
        print()
        # partial_fit in a loop, in the same interleaved blocks as its references
        partial = {"partial_fit": ours_partial_fit(make_model(), X, y), "plain epoch": ours_plain(make_model(), X, y)}
        if sklearn is not None and sklearn_spec is not None:
            partial["sklearn partial_fit"] = runners["sklearn float64"]
        partial_rows.append((name, time_per_epoch(partial, args.block, args.repeats)))
    print("partial_fit(X, y) in a loop, per call (float64):")
    for name, best in partial_rows:
        line = (f"    {name}  partial_fit {best['partial_fit'] * 1e6:9.1f} us = {best['partial_fit'] / best['plain epoch']:4.2f}x "
                f"a plain epoch ({best['plain epoch'] * 1e6:.1f} us)")
        if "sklearn partial_fit" in best:
            line += f"; sklearn's partial_fit {best['sklearn partial_fit'] * 1e6:9.1f} us"
        print(line)
    print()
    if summary:
        print("Targets (ours float64 vs reference):")
        for name, runner, ratio, target in summary:
            verdict = "met" if ratio >= target else "MISSED"
            print(f"    {name} vs {runner:<16} {ratio:5.1f}x  (target {target:g}x) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(_ARGS))
