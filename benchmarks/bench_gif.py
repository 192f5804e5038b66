"""GIF encoding: time, file size and quality of Pillow's quantisers.

Frames look like the app's: a 3-class decision surface (softmax blend of the
class colours, lightened) that turns and sharpens as "training" goes on,
static scatter dots with dark outlines, a frame around the plot, a loss-curve
strip that grows, and the epoch/loss stamp. Each quantiser encodes the same
frames through ``gui.gif.encoder``; the GIF is read back and compared with the
source frames:

- ``colour err``: mean absolute difference per channel (0..255) over all pixels;
- ``flicker``: of the pixels whose source colour did not change between two
  consecutive frames, the percentage whose colour in the GIF did change.

``--real`` also renders a real run through ``python main.py gif``'s code
(spiral, network 16-16, 500 epochs, Qt offscreen) and compares the quantisers
on those frames.

Usage::

    python benchmarks/bench_gif.py            # 100 frames of 600x600 + a typical run
    python benchmarks/bench_gif.py --frames 50 --size 400
    python benchmarks/bench_gif.py --real     # + frames rendered by the real views
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gui.gif.encoder import QUANTIZERS, GifOptions, encode_gif, estimate_gif  # noqa: E402

CLASS_COLOURS = np.array([(31, 119, 180), (255, 127, 14), (44, 160, 44)], dtype=float)  # (3, 3)


def make_frames(n_frames: int, size: int, schedule: str = "steady", seed: int = 0) -> list[np.ndarray]:
    """``n_frames`` RGB frames of ``(size, size, 3)`` uint8.

    ``schedule="steady"``: the boundary moves by the same amount every frame
    (the worst case for delta frames). ``"training"``: it moves fast at first
    and settles, as a real run does (progress ``1 - exp(-5 t)``).
    """
    rng = np.random.default_rng(seed)
    plot_height = int(size * 0.75)
    # The surface is computed on a coarse grid and shown with nearest-neighbour
    # blocks, as a pyqtgraph ImageItem draws the model's grid.
    block = 3
    gy, gx = np.mgrid[0 : plot_height // block, 0 : size // block]  # (gh, gw)
    x = (gx / (size // block) - 0.5) * 2
    y = (gy / (plot_height // block) - 0.5) * 2
    radius, angle = np.hypot(x, y), np.arctan2(y, x)

    # Static scatter dots of a 3-arm spiral, drawn once into an RGBA overlay.
    n_points = 300
    t = np.sqrt(rng.uniform(0, 1, n_points))
    labels = rng.integers(0, 3, n_points)
    arm = t * 3 * np.pi + 2 * np.pi * labels / 3
    dots = Image.new("RGBA", (size, plot_height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(dots)
    for px, py, label in zip(
        (t * np.cos(arm) * 0.9 + 1) / 2 * size, (t * np.sin(arm) * 0.9 + 1) / 2 * plot_height, labels
    ):
        colour = tuple(int(v) for v in CLASS_COLOURS[label])
        draw.ellipse([px - 4, py - 4, px + 4, py + 4], fill=(*colour, 255), outline=(40, 40, 40, 255))
    dots_rgb = np.asarray(dots)[..., :3].astype(float)
    dots_alpha = np.asarray(dots)[..., 3:4] / 255.0

    progress = np.linspace(0, 1, n_frames)
    if schedule == "training":
        progress = (1 - np.exp(-5 * progress)) / (1 - np.exp(-5))
    loss = 1.1 * np.exp(-5 * progress) + 0.05 + 0.01 * rng.standard_normal(n_frames)
    font = ImageFont.load_default()
    frames = []
    for index, s in enumerate(progress):
        sharpness, twist = 0.5 + 8 * s**1.5, 3 * s
        logits = np.stack(
            [sharpness * np.cos(angle - 2 * np.pi * c / 3 - twist * radius * np.pi + s) for c in range(3)], axis=-1
        )  # (gh, gw, 3)
        proba = np.exp(logits - logits.max(-1, keepdims=True))
        proba /= proba.sum(-1, keepdims=True)
        surface = 0.55 * (proba @ CLASS_COLOURS) + 0.45 * 255  # lightened blend, (gh, gw, 3)
        surface = np.repeat(np.repeat(surface, block, 0), block, 1)
        frame = np.full((size, size, 3), 255, np.uint8)
        frame[:plot_height] = (surface * (1 - dots_alpha) + dots_rgb * dots_alpha).astype(np.uint8)
        image = Image.fromarray(frame)
        draw = ImageDraw.Draw(image)
        draw.rectangle([0, 0, size - 1, plot_height - 1], outline=(0, 0, 0))
        top, bottom = plot_height + 10, size - 10
        draw.line([(30, top), (30, bottom), (size - 10, bottom)], fill=(0, 0, 0))
        if index:
            xs = 30 + np.arange(index + 1) / (n_frames - 1) * (size - 40)
            ys = bottom - loss[: index + 1] / 1.2 * (bottom - top)
            draw.line(list(zip(xs, ys)), fill=(31, 119, 180), width=2)
            draw.line(list(zip(xs, ys + 8)), fill=(255, 127, 14), width=2)
        draw.rectangle([4, 4, 170, 20], fill=(255, 255, 255))
        draw.text((8, 6), f"epoch {index * 5}  loss {loss[index]:.4f}", fill=(0, 0, 0), font=font)
        frames.append(np.asarray(image))
    return frames


def quality(frames: list[np.ndarray], data: bytes) -> tuple[int, float, float]:
    """``(n_frames read back, mean colour error, flicker %)`` of GIF ``data``."""
    gif = Image.open(io.BytesIO(data))
    decoded = []
    for index in range(gif.n_frames):
        gif.seek(index)
        decoded.append(np.asarray(gif.convert("RGB"), dtype=np.int16))
    error = np.mean([np.abs(out - src).mean() for out, src in zip(decoded, frames)])
    flicker = []
    for index in range(1, min(len(decoded), len(frames))):
        static = np.all(frames[index] == frames[index - 1], axis=-1)
        changed = np.any(decoded[index] != decoded[index - 1], axis=-1)
        flicker.append((static & changed).sum() / max(1, static.sum()))
    return len(decoded), float(error), 100 * float(np.mean(flicker))


def timed(function, repeats: int) -> tuple[float, bytes]:
    best, data = float("inf"), b""
    for _ in range(repeats):
        start = time.perf_counter()
        data = function()
        best = min(best, time.perf_counter() - start)
    return best, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100, help="frames in the comparison (default 100)")
    parser.add_argument("--size", type=int, default=600, help="frame width and height (default 600)")
    parser.add_argument("--repeats", type=int, default=1, help="encodes per quantiser, best time kept (default 1)")
    parser.add_argument("--real", action="store_true",
                        help="also compare on frames rendered by the real views (needs Qt; ~10 s more)")
    args = parser.parse_args()

    start = time.perf_counter()
    frames = make_frames(args.frames, args.size)
    print(f"{args.frames} frames of {args.size}x{args.size}, boundary moving steadily "
          f"(made in {time.perf_counter() - start:.1f} s)\n")
    compare(frames, args.repeats)

    # A typical run: a few hundred frames at the recorder's default width,
    # boundary settling as training converges.
    n_typical, width = 300, 480
    typical = make_frames(n_typical, width, schedule="training", seed=1)
    options = GifOptions(fps=20)
    seconds, data = timed(lambda: encode_gif(typical, options), 1)
    estimate = estimate_gif(typical, options)
    n_read, error, flicker = quality(typical, data)
    print(f"\ntypical run: {n_typical} frames of {width}x{width}, boundary settling, {options.quantizer}: "
          f"{seconds:.2f} s, {len(data) / 1e6:.2f} MB (estimate {estimate.size_bytes / 1e6:.2f} MB), "
          f"colour err {error:.2f}, flicker {flicker:.2f}%, {n_read} frames, {estimate.duration:.1f} s long")

    resized = GifOptions(fps=20, width=args.size * 2 // 3)
    seconds, data = timed(lambda: encode_gif(frames, resized), 1)
    print(f"resized {args.size} -> {resized.width} px wide on export: {seconds:.2f} s, {len(data) / 1e6:.2f} MB")

    if args.real:
        real = render_real_run()
        height, width = real[0].shape[:2]
        print(f"\nreal run: {len(real)} frames of {width}x{height} "
              "(main.py gif --dataset spiral --hidden 16,16 --epochs 500)\n")
        compare(real, args.repeats)


def compare(frames: list[np.ndarray], repeats: int) -> None:
    """Print time, size and quality of every quantiser on ``frames``."""
    print(f"{'quantiser':32s} {'encode':>8s} {'size':>9s} {'colour err':>11s} {'flicker':>8s}")
    rows = []
    for name in QUANTIZERS:
        options = GifOptions(fps=20, quantizer=name)
        label = name + {"shared-octree": " (chosen)", "mediancut": " = Pillow's default"}.get(name, "")
        rows.append((label, lambda options=options: encode_gif(frames, options)))
    for label, function in rows:
        seconds, data = timed(function, repeats)
        n_read, error, flicker = quality(frames, data)
        print(f"{label:32s} {seconds:7.2f}s {len(data) / 1e6:7.2f}MB {error:11.2f} {flicker:7.2f}%")


def render_real_run() -> list[np.ndarray]:
    """Frames of a real run, drawn by the app's views exactly as ``main.py gif`` does."""
    import os

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from gui.gif.cli import add_gif_arguments, render_run
    from gui.options import add_run_arguments, build_run

    parser = argparse.ArgumentParser(prog="main.py gif")
    add_run_arguments(parser)
    add_gif_arguments(parser)
    args = parser.parse_args(["--dataset", "spiral", "--hidden", "16,16", "--epochs", "500"])
    dataset, model, transform = build_run(args)
    recorded, _ = render_run(dataset, model, transform, args)
    return [recorded[index] for index in range(len(recorded))]


if __name__ == "__main__":
    main()
