"""Entry point: ``python main.py`` opens the window; ``python main.py gif ...``
trains a model and renders an animated GIF headless (no display needed).

Heavy imports (Qt, pyqtgraph) happen inside the subcommand that needs them so
that ``--help`` and argument errors answer instantly.
"""

from __future__ import annotations

import argparse
import os
import sys

# The networks here are small: a BLAS thread pool only adds hand-off overhead,
# and on a busy 2-core machine it made full-batch products 5-40x slower
# (benchmarks/bench_training.py --threads). Must be set before NumPy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit 2,
    instead of argparse's usage block followed by the error."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="main.py",
        description="Train classic machine-learning models written from scratch in NumPy "
        "and watch them learn. Without a subcommand, opens the window.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{window,gif}", parser_class=OneLineParser)
    window = sub.add_parser("window", help="open the application window (the default)")
    from gui.options import add_run_arguments  # no Qt import: options are plain argparse

    add_run_arguments(window)
    gif = sub.add_parser(
        "gif",
        help="train headless and write an animated GIF of the run",
        description="Train a model headless (Qt offscreen platform, no display) and write "
        "an animated GIF of the data view and loss curve.",
    )
    add_run_arguments(gif)
    from gui.gif.cli import add_gif_arguments

    add_gif_arguments(gif)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    # No subcommand means "window", with any options given.
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["window", *argv]
    args = parser.parse_args(argv)
    if args.command == "gif":
        from gui.gif.cli import run_gif

        return run_gif(args, parser)
    from gui.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
