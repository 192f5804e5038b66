"""``python main.py``: build the run from the command-line options and open
the main window."""

from __future__ import annotations

import argparse
import sys


def run_app(args: argparse.Namespace) -> int:
    """Open the window on the dataset and model ``args`` ask for; return the
    exit code (2 with a one-line reason when the options are invalid)."""
    from gui.options import build_run

    try:
        dataset, model, transform = build_run(args)
    except (ValueError, OSError) as exc:
        print(f"main.py: error: {exc}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from gui.blas import limit_blas_threads
    from gui.main_window import MainWindow

    limit_blas_threads(1)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ML from scratch")
    app.setStyle("Fusion")
    window = MainWindow(dataset, model, transform)
    # Draw mode and GIF recording plug into the window's public hooks.
    from gui.draw import install_draw_mode
    from gui.gif.recorder import install_recorder

    window.draw_mode = install_draw_mode(window)
    window.recorder = install_recorder(window)
    window.show()
    try:
        return app.exec()
    finally:
        window.shutdown()
