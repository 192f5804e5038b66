"""Animated-GIF encoding of recorded frames with Pillow (no Qt here).

A frame is a ``uint8`` RGB array of shape ``(height, width, 3)``; every frame of
one GIF has the same shape. :func:`write_gif` resizes, quantises and writes
them; :func:`estimate_gif` predicts the file size and play length for the
export dialog without encoding the whole run.

Why one shared palette (the figures are in ``benchmarks/bench_gif.py``):
Pillow's default converts each RGB frame with its own median-cut palette. That
is slow (100 frames of 600x600: ~2.5 s), large (~7 MB, every frame carries a
local colour table and no pixel index stays the same from frame to frame) and
the colour of a static pixel can change between frames (flicker). Here one
palette is built with the fast octree quantiser from a sample of frames spread
over the run and applied to every frame with dithering off. A pixel whose RGB
value does not change keeps its palette index, so:

- static pixels never flicker (same RGB -> same index -> same colour);
- Pillow's ``optimize`` writes each frame as the bounding box of the pixels
  that changed, with unchanged pixels inside the box made transparent, which
  LZW compresses to almost nothing;
- no local colour tables.

The frame disposal stays "leave in place" (Pillow's default), which those
delta frames rely on. Result on the benchmark: ~0.3 s and ~1.8 MB for 100
synthetic frames of 600x600 (Pillow's default: ~2.4 s, 7.3 MB), ~0.3 s and
~1.3 MB for the 100 real 900x460 frames of ``main.py gif --dataset spiral
--epochs 500``; no flicker; mean colour error ~1-1.5 of 255. The price is
some banding in the faint parts of the probability gradient (the octree
keeps few, coarse colours there). A shared median-cut palette has finer
steps, but more pixels then change colour as the gradient drifts: the file
doubles, and on real frames its mean error is higher (1.8) as the large flat
areas take most of its colours.

GIF timing: frame delays are stored in whole hundredths of a second, and
browsers play delays below 20 ms as 100 ms, so fps is limited to
``MIN_FPS..MAX_FPS`` and the delay is rounded to 10 ms (20 fps -> 50 ms,
15 fps -> 70 ms).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from datasets.files import replacing

MIN_FPS = 1.0
MAX_FPS = 50.0  # a 20 ms delay; browsers slow anything shorter down to 100 ms
MAX_HOLD_SECONDS = 60.0
MIN_WIDTH = 32
MAX_WIDTH = 4096
#: the most frames a recording (the window's Record) or a GIF made by
#: ``main.py gif`` holds: ~15-20 MB of compressed frames at 480 px high,
#: 10-20 s of GIF. Longer runs are thinned (every other frame dropped).
MAX_FRAMES = 300

QUANTIZERS = ("shared-octree", "shared-mediancut", "octree", "mediancut")
"""``shared-*``: one palette for all frames (the default is ``shared-octree``);
``octree`` / ``mediancut``: a palette per frame (kept for the benchmark)."""

PALETTE_SAMPLE_FRAMES = 8  # frames spread over the run that the shared palette is built from
RESAMPLE = Image.Resampling.BOX  # area average: ~2 ms per 600x600 frame, fewest new colours


@dataclass(frozen=True)
class GifOptions:
    """How recorded frames become a GIF."""

    fps: float = 15.0  # frames per second; stored as a whole number of 10 ms
    loop: bool = True  # loop forever (True) or play once (False)
    hold_last: float = 2.0  # seconds the final frame stays before the GIF ends or restarts
    width: int | None = None  # output width in pixels, height keeps the aspect; None = as recorded
    quantizer: str = "shared-octree"  # one of QUANTIZERS

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        if not (isinstance(self.fps, (int, float)) and MIN_FPS <= self.fps <= MAX_FPS):
            raise ValueError(f"fps must be between {MIN_FPS:g} and {MAX_FPS:g}, got {self.fps!r}")
        if not (isinstance(self.hold_last, (int, float)) and 0 <= self.hold_last <= MAX_HOLD_SECONDS):
            raise ValueError(f"hold_last must be between 0 and {MAX_HOLD_SECONDS:g} seconds, got {self.hold_last!r}")
        if self.width is not None and not (
            isinstance(self.width, (int, np.integer)) and MIN_WIDTH <= self.width <= MAX_WIDTH
        ):
            raise ValueError(f"width must be an integer between {MIN_WIDTH} and {MAX_WIDTH}, got {self.width!r}")
        if self.quantizer not in QUANTIZERS:
            raise ValueError(f"quantizer must be one of {', '.join(QUANTIZERS)}, got {self.quantizer!r}")


@dataclass(frozen=True)
class GifInfo:
    """What a GIF holds (written or estimated)."""

    n_frames: int
    width: int
    height: int
    duration: float  # seconds one play-through lasts, including the hold on the last frame
    size_bytes: int  # file size (exact after writing, predicted by estimate_gif)
    path: Path | None = None  # where it was written; None for an estimate


def frame_delay_ms(fps: float) -> int:
    """The delay between frames in ms for ``fps``: ``10 * round(100 / fps)``,
    at least 20 ms (GIF stores hundredths of a second)."""
    return 10 * max(2, round(100.0 / fps))


def frame_durations(n_frames: int, options: GifOptions) -> list[int]:
    """Per-frame display time in ms: the frame delay, plus ``hold_last`` on the
    last frame (rounded to 10 ms)."""
    delay = frame_delay_ms(options.fps)
    durations = [delay] * n_frames
    if n_frames:
        durations[-1] += 10 * round(options.hold_last * 100)
    return durations


def output_size(frame_shape: tuple[int, ...], width: int | None) -> tuple[int, int]:
    """``(width, height)`` of the GIF for frames of shape ``(h, w, 3)``: the
    requested width, height scaled by the same factor (at least 1 pixel)."""
    height_in, width_in = int(frame_shape[0]), int(frame_shape[1])
    if width is None or width == width_in:
        return width_in, height_in
    return int(width), max(1, round(height_in * width / width_in))


def write_gif(frames: Sequence[np.ndarray], path: str | os.PathLike, options: GifOptions = GifOptions()) -> GifInfo:
    """Write ``frames`` (each ``(h, w, 3)`` uint8 RGB, all the same shape) to
    ``path`` as an animated GIF and return what was written.

    Atomic: the GIF is written to a temporary file beside the target, flushed
    to disk, and renamed over it only once complete. A failure at any point
    (an unwritable folder, a full disk, a write failing midway, Ctrl+C)
    raises and leaves the previous file at ``path``, if any, exactly as it
    was, and no partial file behind. A symbolic link is written through (its
    target is replaced, the link stays); anything else that is not a regular
    file (a folder, a device, a FIFO) is refused with an ``OSError``.
    Consecutive identical frames are merged by Pillow into one longer frame.
    """
    _validate(frames, options)  # before touching the disk
    path = Path(path)
    with replacing(path) as handle:
        width, height = _save(frames, handle, options)
    durations = frame_durations(len(frames), options)
    return GifInfo(
        n_frames=len(frames),
        width=width,
        height=height,
        duration=sum(durations) / 1000.0,
        size_bytes=path.stat().st_size,
        path=path,
    )


def encode_gif(frames: Sequence[np.ndarray], options: GifOptions = GifOptions()) -> bytes:
    """The GIF file for ``frames`` as bytes (see :func:`write_gif`)."""
    _validate(frames, options)
    buffer = io.BytesIO()
    _save(frames, buffer, options)
    return buffer.getvalue()


def estimate_gif(frames: Sequence[np.ndarray], options: GifOptions = GifOptions(), n_pairs: int = 6) -> GifInfo:
    """Predict the GIF's size and length without encoding every frame.

    Encodes the first frame and ``n_pairs`` pairs of consecutive frames spread
    over the run, measures each image block in the result, and extrapolates::

        size ~ header + first_frame + (n_frames - 1) * mean(second frame of each pair)

    Costs about ``2 * n_pairs + 1`` frame encodes (tens of ms at 600x600);
    typically within 20 % of the real size.
    """
    first = _validate(frames, options)
    n_frames = len(frames)
    width, height = output_size(first.shape, options.width)
    durations = frame_durations(n_frames, options)
    # Pair k starts in the middle of the k-th of n_pairs equal stretches of the run.
    n_pairs = min(n_pairs, n_frames - 1)
    starts = sorted({int((k + 0.5) * (n_frames - 1) / n_pairs) for k in range(n_pairs)})
    order = [0]
    for start in starts:
        order += [start, start + 1]
    sample = _Subsequence(frames, order)
    # The palette comes from the same spread of frames as a full encode would use.
    palette = _shared_palette(frames, options) if options.quantizer.startswith("shared") else None
    data = io.BytesIO()
    _save(sample, data, options, palette=palette)
    header, blocks = _image_block_sizes(data.getvalue())
    if n_frames == 1 or len(blocks) != len(order):
        # Pillow merged identical frames: fall back to the mean block size.
        per_frame = (sum(blocks) - blocks[0]) / max(1, len(blocks) - 1) if len(blocks) > 1 else 0
    else:
        per_frame = float(np.mean(blocks[2::2]))
    size = header + blocks[0] + per_frame * (n_frames - 1) + 1  # + the trailer byte
    return GifInfo(
        n_frames=n_frames,
        width=width,
        height=height,
        duration=sum(durations) / 1000.0,
        size_bytes=int(round(size)),
    )


# --- internals ---------------------------------------------------------------


class _Subsequence(Sequence):
    """``frames[order[i]]`` without copying the frames."""

    def __init__(self, frames: Sequence[np.ndarray], order: list[int]):
        self._frames, self._order = frames, order

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, index):
        return self._frames[self._order[index]]


def _validate(frames: Sequence[np.ndarray], options: GifOptions) -> np.ndarray:
    """Check the options and the first frame (the rest are checked as they are
    encoded); returns the first frame."""
    options.validate()
    if len(frames) == 0:
        raise ValueError("frames is empty: nothing was recorded")
    return _check_frame(frames[0], 0)


def _check_frame(frame: np.ndarray, index: int) -> np.ndarray:
    frame = np.asarray(frame)
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3 or frame.shape[0] < 1 or frame.shape[1] < 1:
        raise ValueError(
            f"frames[{index}] must be a uint8 array of shape (height, width, 3), "
            f"got {frame.dtype} of shape {frame.shape}"
        )
    return frame


def _rgb_images(frames: Sequence[np.ndarray], size: tuple[int, int]) -> Iterator[Image.Image]:
    """Each frame as an RGB ``Image`` of ``size`` (checked, resized if needed)."""
    shape = None
    for index in range(len(frames)):
        frame = _check_frame(frames[index], index)
        if shape is None:
            shape = frame.shape
        elif frame.shape != shape:
            raise ValueError(f"frames[{index}] has shape {frame.shape}, the first frame {shape}: all frames must match")
        image = Image.fromarray(frame, "RGB")
        yield image if image.size == size else image.resize(size, RESAMPLE)


def _shared_palette(frames: Sequence[np.ndarray], options: GifOptions) -> Image.Image:
    """A ``P`` image whose palette (at most 255 colours, leaving an index free
    for transparency) is built from ``PALETTE_SAMPLE_FRAMES`` frames spread over
    the run, each at half resolution, stacked into one image."""
    n_frames = len(frames)
    indices = sorted({int(i) for i in np.linspace(0, n_frames - 1, min(PALETTE_SAMPLE_FRAMES, n_frames)).round()})
    size = output_size(_check_frame(frames[0], 0).shape, options.width)
    sample = [np.asarray(image)[::2, ::2] for image in _rgb_images(_Subsequence(frames, indices), size)]
    stacked = Image.fromarray(np.ascontiguousarray(np.concatenate(sample, axis=0)), "RGB")
    method = Image.Quantize.FASTOCTREE if options.quantizer == "shared-octree" else Image.Quantize.MEDIANCUT
    return stacked.quantize(255, method=method, dither=Image.Dither.NONE)


def _paletted(frames: Sequence[np.ndarray], options: GifOptions, size, palette) -> Iterator[Image.Image]:
    """The frames as ``P`` images, quantised as ``options.quantizer`` says."""
    for image in _rgb_images(frames, size):
        if palette is not None:
            yield image.quantize(palette=palette, dither=Image.Dither.NONE)
        elif options.quantizer == "octree":
            yield image.quantize(256, method=Image.Quantize.FASTOCTREE)
        else:
            yield image.quantize(256, method=Image.Quantize.MEDIANCUT)


def _save(frames, handle, options: GifOptions, palette=None) -> tuple[int, int]:
    """Encode ``frames`` into the open binary ``handle``; returns the GIF's ``(width, height)``."""
    size = output_size(_check_frame(frames[0], 0).shape, options.width)
    if palette is None and options.quantizer.startswith("shared"):
        palette = _shared_palette(frames, options)
    paletted = _paletted(frames, options, size, palette)
    first = next(paletted)
    extra = {"loop": 0} if options.loop else {}  # no NETSCAPE loop block = play once
    durations = frame_durations(len(frames), options)
    first.save(
        handle,
        format="GIF",
        save_all=True,
        append_images=paletted,  # a generator: only the paletted frames are held, not RGB
        duration=durations,
        optimize=True,  # changed-rectangle crop + transparent unchanged pixels
        interlace=False,
        **extra,
    )
    return size


def _image_block_sizes(data: bytes) -> tuple[int, list[int]]:
    """Split a GIF file into ``(bytes before the first frame, [bytes of each frame])``.

    A frame's bytes are its extension blocks (graphic control: delay and
    transparency) plus its image descriptor, local colour table and LZW data.
    """
    def skip_sub_blocks(position: int) -> int:
        while data[position]:
            position += data[position] + 1
        return position + 1

    position = 13
    if data[10] & 0x80:  # global colour table
        position += 3 * (2 << (data[10] & 0x07))
    header = position
    blocks: list[int] = []
    block_start = position
    while position < len(data) and data[position] != 0x3B:
        if data[position] == 0x21:  # extension: introducer, label, sub-blocks
            if data[position + 1] == 0xFF and not blocks and block_start == position:
                # the NETSCAPE loop block belongs to the header
                position = skip_sub_blocks(position + 2)
                header = block_start = position
                continue
            position = skip_sub_blocks(position + 2)
        elif data[position] == 0x2C:  # image descriptor
            packed = data[position + 9]
            position += 10
            if packed & 0x80:  # local colour table
                position += 3 * (2 << (packed & 0x07))
            position = skip_sub_blocks(position + 1)  # + the LZW minimum code size byte
            blocks.append(position - block_start)
            block_start = position
        else:
            raise ValueError(f"not a GIF block at byte {position}: {data[position]:#04x}")
    return header, blocks


def describe_size(size_bytes: float) -> str:
    """``"1.8 MB"``, ``"640 kB"``, ``"900 bytes"``."""
    if size_bytes >= 1e6:
        return f"{size_bytes / 1e6:.1f} MB"
    if size_bytes >= 1e3:
        return f"{size_bytes / 1e3:.0f} kB"
    return f"{int(size_bytes)} bytes"


def default_fps(n_frames: int, target_seconds: float = 10.0) -> float:
    """A frame rate that plays ``n_frames`` in about ``target_seconds``,
    within 5..30 fps (a few hundred frames -> 15-30 fps)."""
    if n_frames <= 0:
        return 15.0
    return float(min(30, max(5, math.ceil(n_frames / target_seconds))))
