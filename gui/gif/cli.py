"""``python main.py gif ...``: train a model and render an animated GIF of the
run headless, with Qt's offscreen platform (no window, no display needed).

It builds the dataset and model from the shared options
(``gui.options.build_run``) or a saved session (``--session``: the run
replayed from its seed, ``session_run``), drives ``algorithms.Trainer`` (the one training
loop), draws each frame with the window's own views: ``gui.presenter`` picks
the data view from the view registry, its frame spec is computed in this
thread by the same ``FrameComputer`` the window's render process runs, and
the frame goes to the view as in the window; the loss curve is ``LossView``;
grabs and stamps frames with ``FrameRecorder`` exactly as the Record button
does, and encodes them with ``gui.gif.encoder``.

Frames are taken at ``--frames`` epochs spread evenly from 0 to the model's
``max_epochs`` (or every ``--every`` epochs), plus the final state when
training stops early (divergence). Like the window's recording, a GIF holds
at most ``MAX_FRAMES`` (300) frames: ``--frames`` above that is refused, and
``--every`` on a longer run is thinned to every 2K, 4K, ... epochs (said on
stderr), so memory stays bounded however long the run. With early stopping on, the end is not
known in advance: the recorder's bounded buffer spreads the frames instead.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from gui.gif.encoder import MAX_FPS, MAX_FRAMES, MAX_HOLD_SECONDS, MAX_WIDTH, MIN_FPS, MIN_WIDTH

DEFAULT_FRAMES = 100
DEFAULT_FPS = 15.0
DEFAULT_HOLD = 2.0
# The views are drawn at this size (logical pixels) unless --width asks for
# wider: big enough for the axes and legends to breathe; the encoder scales
# the frames down to a smaller --width.
RENDER_SIZE = {"data": (520, 460), "data+loss": (900, 430)}
DATA_SHARE = 0.5  # of the width in the data+loss layout


def add_gif_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the GIF options to the ``gif`` subcommand's parser."""
    group = parser.add_argument_group("GIF")
    group.add_argument("--output", "-o", default="training.gif", metavar="FILE",
                       help="where to write the GIF (default training.gif)")
    group.add_argument("--fps", type=float, default=DEFAULT_FPS, metavar="F",
                       help=f"frames per second, {MIN_FPS:g} to {MAX_FPS:g} (default {DEFAULT_FPS:g}; "
                       "GIF stores delays in 10 ms steps)")
    group.add_argument("--width", type=int, metavar="PX",
                       help=f"width of the GIF in pixels, {MIN_WIDTH} to {MAX_WIDTH} "
                       f"(default: as drawn, {RENDER_SIZE['data'][0]} for --layout data, "
                       f"{RENDER_SIZE['data+loss'][0]} for data+loss)")
    spacing = group.add_mutually_exclusive_group()
    spacing.add_argument("--frames", type=int, metavar="N",
                         help=f"number of frames, 2 to {MAX_FRAMES}, spread evenly over the run (default "
                         f"{DEFAULT_FRAMES}; with early stopping, between half that and that many)")
    spacing.add_argument("--every", type=int, metavar="K",
                         help=f"take a frame every K epochs instead (at most {MAX_FRAMES} frames, as in the "
                         "window: a longer run takes one every 2K, 4K, ... epochs)")
    group.add_argument("--layout", choices=("data", "data+loss"), default="data+loss",
                       help="data view only, or data view and loss curve side by side (default data+loss)")
    group.add_argument("--no-loop", action="store_true", help="play once instead of looping forever")
    group.add_argument("--caption", action=argparse.BooleanOptionalAction, default=True,
                       help="a caption line under each frame with the settings (model, layers, activation, "
                            "optimizer, learning rate); on by default")
    group.add_argument("--hold", type=float, default=DEFAULT_HOLD, metavar="SECONDS",
                       help=f"how long the last frame stays, 0 to {MAX_HOLD_SECONDS:g} (default {DEFAULT_HOLD:g})")


def check_gif_arguments(args: argparse.Namespace) -> str | None:
    """The first problem with the GIF options, as one sentence, or None."""
    if not (MIN_FPS <= args.fps <= MAX_FPS):
        return f"--fps must be between {MIN_FPS:g} and {MAX_FPS:g}, got {args.fps:g}"
    if args.width is not None and not (MIN_WIDTH <= args.width <= MAX_WIDTH):
        return f"--width must be between {MIN_WIDTH} and {MAX_WIDTH} pixels, got {args.width}"
    if args.frames is not None and not (2 <= args.frames <= MAX_FRAMES):
        return f"--frames must be between 2 and {MAX_FRAMES}, got {args.frames}"
    if args.every is not None and args.every < 1:
        return f"--every must be at least 1, got {args.every}"
    if not (0 <= args.hold <= MAX_HOLD_SECONDS) or math.isnan(args.hold):
        return f"--hold must be between 0 and {MAX_HOLD_SECONDS:g} seconds, got {args.hold:g}"
    output = Path(args.output).expanduser()
    if output.suffix.lower() != ".gif" and not output.is_dir():
        return f"--output {args.output}: the file name must end in .gif (this command writes a GIF)"
    if output.is_dir():
        return f"--output {args.output} is a folder; give a file name such as {output / 'training.gif'}"
    if output.exists() and not output.is_file():
        return f"--output {args.output} is not a regular file (a device or a pipe); give a file name"
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        return f"--output: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"--output: the folder {folder} is not writable"
    return None


def frame_epochs(max_epochs: int, frames: int | None, every: int | None) -> list[int]:
    """The epochs at which frames are taken: ``frames`` epochs spread evenly
    over ``0..max_epochs`` (``round(linspace)``, duplicates removed), or
    ``0, k, 2k, ...`` up to ``max_epochs`` with ``k = thinned_every(...)``.

    Never more than ``MAX_FRAMES`` frames, counting a final one at
    ``max_epochs`` that is off the ``k`` grid (the run's last state is
    always captured).
    """
    import numpy as np

    if every is not None:
        return list(range(0, max_epochs + 1, thinned_every(max_epochs, every)))
    count = DEFAULT_FRAMES if frames is None else frames
    if not 2 <= count <= MAX_FRAMES:
        raise ValueError(f"frames must be between 2 and {MAX_FRAMES}, got {count}")
    return sorted({int(epoch) for epoch in np.linspace(0, max_epochs, count).round()})


def thinned_every(max_epochs: int, every: int) -> int:
    """The epochs between frames for ``--every``: ``every`` doubled until a
    run of ``max_epochs`` gives at most ``MAX_FRAMES`` frames (with the final
    state). The window's recorder thins the same way: over its cap it drops
    every other frame and doubles its spacing."""
    if every < 1:
        raise ValueError(f"every must be at least 1, got {every}")
    max_epochs = max(0, int(max_epochs))
    while max_epochs // every + 1 + (max_epochs % every != 0) > MAX_FRAMES:
        every *= 2
    return every


def thinning_note(model, args: argparse.Namespace) -> str | None:
    """A sentence for stderr when ``--every`` was thinned for this model's
    ``max_epochs``, else None."""
    if args.every is None:
        return None
    max_epochs = int(model.get_params().get("max_epochs") or 0)
    every = thinned_every(max_epochs, args.every)
    if every == args.every:
        return None
    return (f"--every {args.every} would take {max_epochs // args.every + 1} frames over {max_epochs} epochs; "
            f"at most {MAX_FRAMES} are kept, so one every {every} epochs")


def render_size(layout: str, width: int | None) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """Logical sizes of the data view and the loss view (None for ``data``)
    drawn for ``layout``: ``RENDER_SIZE`` scaled up (never down) to ``width``."""
    total_width, height = RENDER_SIZE[layout]
    scale = max(1.0, (width or 0) / total_width)
    total_width, height = round(total_width * scale), round(height * scale)
    if layout == "data":
        return (total_width, height), None
    data_width = round(total_width * DATA_SHARE)
    return (data_width, height), (total_width - data_width, height)


def run_gif(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Train, render and write the GIF; print where it went. Returns the exit
    code: 0, 2 for bad options (one line on stderr), 1 when writing failed."""
    problem = check_gif_arguments(args)
    if problem:
        return _fail(parser, problem, 2)
    # Before anything imports Qt: no window, no display.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from gui.options import build_run

    try:
        if getattr(args, "session", None):
            dataset, model, transform = session_run(args)
        else:
            dataset, model, transform = build_run(args)
    except (ValueError, OSError) as error:
        return _fail(parser, str(error), 2)
    thinned = thinning_note(model, args)
    try:
        frames, note = render_run(dataset, model, transform, args)
    except ValueError as error:  # the model rejects the data or a parameter
        return _fail(parser, str(error), 2)

    from gui.gif.encoder import GifOptions, describe_size, write_gif

    options = GifOptions(fps=args.fps, loop=not args.no_loop, hold_last=args.hold, width=args.width)
    try:
        info = write_gif(frames, Path(args.output).expanduser(), options)
    except OSError as error:
        return _fail(parser, f"cannot write {args.output}: {error.strerror or error}", 1)
    for remark in (thinned, note):
        if remark:
            print(remark, file=sys.stderr)
    print(f"{info.path}: {info.n_frames} frames, {info.width}x{info.height}, "
          f"{info.duration:.1f} s, {describe_size(info.size_bytes)}")
    return 0


def session_run(args: argparse.Namespace):
    """``(dataset, model, transform)`` replaying the saved run ``--session``:
    its data (the two shown columns when it trained on those only), an
    untrained model with its hyperparameters and seed, trained up to the
    epoch it was saved at (its Max epochs if it had not trained), and its
    input features, in the precision it trained in (``args.dtype`` is set
    to that of its model). Changes made while it trained (a live learning rate, a
    Draw-mode edit) are not replayed: the GIF shows the run its settings
    make from its seed."""
    from gui.options import check_run_arguments
    from sessions import read_session

    check_run_arguments(args)
    session = read_session(args.session)
    network = getattr(session.model, "_network", None)
    if network is not None:  # replayed in the precision it trained in, as it brings its data and model
        args.dtype = network.dtype.name
    model = session.fresh_model()
    if session.epoch:
        model.set_params(max_epochs=session.epoch)
    return session.trained_data(), model, session.transform


def _fail(parser: argparse.ArgumentParser, message: str, code: int) -> int:
    """One line on stderr, like argparse's own errors for the subcommand."""
    prog = parser.prog if parser.prog.endswith(" gif") else f"{parser.prog} gif"
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code


def render_run(dataset, model, transform, args: argparse.Namespace):
    """Train ``model`` on ``dataset`` and return ``(frames, note)``: the
    recorded frames (a ``FrameSequence``) and a sentence about an early stop
    (divergence, early stopping) or None."""
    import numpy as np
    from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

    from algorithms import Trainer
    from gui import views
    from gui.gif.recorder import FrameRecorder, settings_caption
    from gui.presenter import DataPresenter
    from gui.views.frame import FrameComputer

    _quiet_offscreen_warnings()
    app = QApplication.instance() or QApplication(["main.py gif"])
    app.setStyle("Fusion")  # the window's style

    X, y = dataset.X, dataset.y
    # The window's split; no per-epoch history (the loss view keeps the curves
    # in bounded memory: a run of millions of epochs must not grow without end).
    inputs = transform.transform(X) if transform is not None else X
    # in the precision asked for (--dtype), as the window trains: the model
    # computes in the dtype of the rows it is given
    trainer = Trainer(model, inputs.astype(args.dtype, copy=False), y,
                      validation_fraction=model.validation_fraction, keep_history=False,
                      split="last" if dataset.time is not None else None)
    val_mask = np.zeros(dataset.n_samples, dtype=bool)
    val_mask[trainer.val_index] = True

    canvas = QWidget()
    presenter = DataPresenter(canvas)
    presenter.set_model(model)
    presenter.set_dataset(dataset, val_mask=val_mask)
    # Parented even when not shown (--layout data): a view never placed in a
    # window is collected by Python's cyclic collector, which crashes Qt
    # (Python 3.13, PySide6 6.12).
    loss_view = views.LossView(canvas)
    loss_view.reset("accuracy" if dataset.task == "classification" else "R²")
    computer = FrameComputer()
    computer.set_data(X, y, transform)
    computer.set_specs(presenter.specs(side=False))

    data_size, loss_size = render_size(args.layout, args.width)
    row = QHBoxLayout(canvas)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(0)
    presenter.widget.setFixedSize(*data_size)
    row.addWidget(presenter.widget)
    if loss_size is not None:
        loss_view.setFixedSize(*loss_size)
        row.addWidget(loss_view)
    else:
        loss_view.hide()
    canvas.show()  # offscreen: lays the widgets out, nothing appears anywhere

    params = model.get_params()
    max_epochs = int(params.get("max_epochs") or 0)
    epochs = frame_epochs(max_epochs, args.frames, args.every)
    # With early stopping the run may end long before max_epochs, and frames
    # planned over max_epochs would leave it with two or three. Then the
    # recorder's bounded buffer decides instead: a frame every epoch, halved
    # whenever it holds more than --frames, so the frames cover the run
    # however short it turns out (between --frames/2 and --frames of them).
    adaptive = bool(params.get("early_stopping")) and args.every is None
    # The epoch axis spans the whole run from the first frame: the curves grow
    # left to right instead of the axis re-scaling in every frame, which reads
    # better and leaves most of the loss plot unchanged between frames
    # (GIF frames store only what changed: ~15 % smaller files).
    loss_view.loss_plot.setXRange(0, max(1, max_epochs), padding=0.02)  # the metric plot is x-linked
    recorder = FrameRecorder(
        presenter.current_view,
        loss_view if loss_size is not None else None,
        layout=args.layout,
        every=1 if adaptive else None,
        max_frames=(args.frames or DEFAULT_FRAMES) if adaptive else max(2, len(epochs) + 1),  # a plan fits whole
        frame_height=None,  # drawn at the size wanted
        min_interval=0.0,
    )
    if getattr(args, "caption", True):
        caption = settings_caption(model)
        recorder.caption = lambda: caption
    pending: list = []  # EpochRecords since the last drawn frame

    def draw_and_capture(epoch: int, loss: float) -> None:
        if pending:
            columns = list(zip(*[(r.epoch, r.loss, _nan(r.val_loss), r.score, _nan(r.val_score)) for r in pending]))
            loss_view.append(*(np.asarray(column, dtype=float) for column in columns))
            pending.clear()
        presenter.show_frames(computer.compute(model))
        app.processEvents()  # let the plots take their new ranges before the grab
        recorder.capture(epoch, loss)

    draw_and_capture(0, math.nan)
    wanted = set(epochs)
    record = None
    while not trainer.done:
        record = trainer.step()
        pending.append(record)
        due = recorder.is_due(record.epoch) if adaptive else record.epoch in wanted
        if due or trainer.done:
            draw_and_capture(record.epoch, record.loss)
    note = None
    if record is not None and record.stop_reason not in (None, "max_epochs"):
        note = record.message or f"training stopped at epoch {record.epoch} ({record.stop_reason})"
    frames = recorder.frames()  # with the settings caption when --caption asked for it
    canvas.close()
    canvas.deleteLater()
    return frames, note


def _quiet_offscreen_warnings() -> None:
    """Drop the offscreen platform's notice that it ignores size hints (it
    would be printed for every widget shown); other Qt messages still show."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(kind, context, message):
        if "does not support propagateSizeHints" in message:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def _nan(value) -> float:
    return math.nan if value is None else float(value)
