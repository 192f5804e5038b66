"""``python main.py``: build the run from the command-line options and open
the main window."""

from __future__ import annotations

import argparse
import os
import signal
import sys


def missing_display(environ=os.environ, platform: str = sys.platform) -> str | None:
    """Why the window cannot open here, or None: on Linux, Qt needs an X11
    or Wayland display (or a platform chosen with QT_QPA_PLATFORM), and
    without one it aborts the process with a page of plugin messages."""
    if not platform.startswith("linux"):
        return None
    if any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    return ("no display to open the window on (DISPLAY is not set): run it on a virtual screen with "
            "'xvfb-run python main.py', or render the run to a GIF with 'python main.py gif' (no display needed)")


def run_app(args: argparse.Namespace) -> int:
    """Open the window on the dataset and model ``args`` ask for; return the
    exit code (2 with a one-line reason when the options are invalid; 130
    after Ctrl+C and 143 after SIGTERM, which close the window cleanly)."""
    try:
        return _run_app(args)
    except KeyboardInterrupt:  # Ctrl+C before the window's handler is in place
        return 128 + signal.SIGINT


def _run_app(args: argparse.Namespace) -> int:
    from gui.options import build_run, check_run_arguments, generator_recipe

    session = None
    try:
        if getattr(args, "session", None):
            from sessions import read_session

            check_run_arguments(args)
            session = read_session(args.session)
            dataset, model, transform = session.dataset, session.fresh_model(), None
        else:
            dataset, model, transform = build_run(args)
    except (ValueError, OSError) as exc:
        print(f"main.py: error: {exc}", file=sys.stderr)
        return 2

    problem = missing_display()
    if problem:
        print(f"main.py: error: {problem}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from gui.blas import limit_blas_threads
    from gui.interrupt import CloseOnSignal
    from gui.main_window import MainWindow

    limit_blas_threads(1)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ML from scratch")
    app.setStyle("Fusion")
    # From here Ctrl+C closes the window as its close button would, even
    # while the window is still being built (acted on once the loop runs).
    close_on_signal = CloseOnSignal()
    window = None
    try:
        window = MainWindow(dataset, model, transform, dtype=args.dtype)
        if session is not None:
            try:
                window.session_actions.show_session(session, args.session)
            except ValueError as exc:  # data the window cannot show
                print(f"main.py: error: {exc}", file=sys.stderr)
                return 2
        elif not (args.csv or args.builtin):
            # The data panel shows the options that made the data (and a
            # saved session knows how to make them again).
            name, options = generator_recipe(args)
            window.dataset_panel.generator_options(name).set_values(options)
        # Draw mode and GIF recording plug into the window's public hooks.
        from gui.draw import install_draw_mode
        from gui.gif.recorder import install_recorder

        window.draw_mode = install_draw_mode(window)
        window.recorder = install_recorder(window)
        window.show()
        code = app.exec()
        return close_on_signal.exit_code or code
    finally:
        if window is not None:
            window.shutdown()
        close_on_signal.restore()
