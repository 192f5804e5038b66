"""gui.gif.encoder: frames -> animated GIF with Pillow (no Qt)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gui.gif.encoder import (
    GifOptions,
    _image_block_sizes,
    describe_size,
    encode_gif,
    estimate_gif,
    frame_delay_ms,
    frame_durations,
    output_size,
    write_gif,
)


def moving_frames(n_frames: int = 12, height: int = 60, width: int = 80) -> list[np.ndarray]:
    """A static gradient background with a coloured bar moving right: every
    frame differs, most pixels are static."""
    ys, xs = np.mgrid[0:height, 0:width]
    background = np.stack([xs * 255 // width, ys * 255 // height, np.full_like(xs, 200)], axis=-1).astype(np.uint8)
    frames = []
    for index in range(n_frames):
        frame = background.copy()
        left = index * (width - 8) // max(1, n_frames - 1)
        frame[10:30, left : left + 8] = (220, 30, 30)
        frames.append(frame)
    return frames


def read_gif(path):
    """(n_frames, size, [duration ms per frame], info of frame 0, [RGB arrays])."""
    with Image.open(path) as gif:
        info = dict(gif.info)
        durations, pictures = [], []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
            pictures.append(np.asarray(gif.convert("RGB")))
        return gif.n_frames, gif.size, durations, info, pictures


def test_written_gif_matches_the_options(tmp_path):
    frames = moving_frames(12)
    options = GifOptions(fps=20, loop=True, hold_last=1.5)
    info = write_gif(frames, tmp_path / "run.gif", options)

    n_frames, size, durations, first_info, _ = read_gif(tmp_path / "run.gif")
    assert n_frames == info.n_frames == 12
    assert size == (info.width, info.height) == (80, 60)
    assert durations[:-1] == [50] * 11
    assert durations[-1] == 50 + 1500
    assert first_info["loop"] == 0  # 0 = forever
    assert info.duration == pytest.approx(11 * 0.05 + 1.55)
    assert info.size_bytes == (tmp_path / "run.gif").stat().st_size


def test_play_once_writes_no_loop_block(tmp_path):
    write_gif(moving_frames(4), tmp_path / "once.gif", GifOptions(loop=False, hold_last=0))
    _, _, durations, first_info, _ = read_gif(tmp_path / "once.gif")
    assert "loop" not in first_info
    assert durations == [70] * 4  # 15 fps -> 66.7 ms, stored as 70 ms


def test_width_resizes_keeping_the_aspect(tmp_path):
    info = write_gif(moving_frames(5, height=60, width=80), tmp_path / "small.gif", GifOptions(width=40))
    _, size, _, _, _ = read_gif(tmp_path / "small.gif")
    assert size == (40, 30) == (info.width, info.height)
    assert output_size((61, 80, 3), 40) == (40, 30)
    assert output_size((60, 80, 3), None) == (80, 60)


@pytest.mark.parametrize("quantizer", ["shared-octree", "shared-mediancut"])
def test_shared_palette_keeps_static_pixels_still(quantizer):
    """Pixels whose colour does not change in the source keep exactly the same
    colour in every frame of the GIF: no flicker."""
    frames = moving_frames(10)
    data = encode_gif(frames, GifOptions(quantizer=quantizer))
    import io

    _, _, _, _, pictures = read_gif(io.BytesIO(data))
    for previous, current, source_prev, source in zip(pictures, pictures[1:], frames, frames[1:]):
        static = np.all(source == source_prev, axis=-1)
        assert np.array_equal(previous[static], current[static])
    error = np.mean([np.abs(p.astype(int) - f).mean() for p, f in zip(pictures, frames)])
    assert error < 6


def test_frame_delays_are_whole_hundredths():
    assert frame_delay_ms(20) == 50
    assert frame_delay_ms(15) == 70
    assert frame_delay_ms(50) == 20
    assert frame_delay_ms(1) == 1000
    assert frame_durations(3, GifOptions(fps=10, hold_last=0.25)) == [100, 100, 100 + 250]
    assert frame_durations(0, GifOptions()) == []


@pytest.mark.parametrize(
    "options, name",
    [
        (GifOptions(fps=0), "fps"),
        (GifOptions(fps=60), "fps"),
        (GifOptions(hold_last=-1), "hold_last"),
        (GifOptions(width=8), "width"),
        (GifOptions(width=100.5), "width"),
        (GifOptions(quantizer="best"), "quantizer"),
    ],
)
def test_bad_options_name_the_field(options, name):
    with pytest.raises(ValueError, match=name):
        encode_gif(moving_frames(2), options)


def test_bad_frames_are_rejected(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        encode_gif([])
    with pytest.raises(ValueError, match=r"frames\[0\]"):
        encode_gif([np.zeros((10, 10), np.uint8)])
    with pytest.raises(ValueError, match=r"frames\[1\].*all frames must match"):
        encode_gif([np.zeros((10, 10, 3), np.uint8), np.zeros((12, 10, 3), np.uint8)])
    with pytest.raises(ValueError, match="uint8"):
        write_gif([np.zeros((10, 10, 3), float)], tmp_path / "x.gif")
    assert not (tmp_path / "x.gif").exists()


def test_unwritable_path_raises_and_leaves_nothing(tmp_path):
    with pytest.raises(OSError):
        write_gif(moving_frames(3), tmp_path / "no-such-folder" / "x.gif")
    with pytest.raises(OSError):
        write_gif(moving_frames(3), tmp_path)  # a folder, not a file


class _FailingFile:
    """A binary file whose writes fail with "No space left on device" once
    ``budget`` bytes have gone through (the rest is passed to ``inner``)."""

    def __init__(self, inner, budget: int):
        self._inner, self._budget = inner, budget

    def write(self, data) -> int:
        size = len(memoryview(data).cast("B"))
        if size > self._budget:
            self._inner.write(bytes(memoryview(data).cast("B")[: self._budget]))
            self._budget = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget -= size
        return self._inner.write(data)

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._inner.close()


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name not in keep)


@pytest.mark.parametrize("budget", [0, 100, 5_000])
def test_a_write_failing_midway_keeps_the_old_file_and_leaves_nothing(tmp_path, monkeypatch, budget):
    target = tmp_path / "run.gif"
    write_gif(moving_frames(4), target)
    old = target.read_bytes()
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: _FailingFile(real_fdopen(*args, **kwargs), budget))
    with pytest.raises(OSError) as failure:
        write_gif(moving_frames(30, height=90, width=120), target)
    assert failure.value.errno == errno.ENOSPC
    assert target.read_bytes() == old  # the previous GIF, untouched
    assert _leftovers(tmp_path, {"run.gif"}) == []  # no partial file beside it
    monkeypatch.undo()
    with Image.open(target) as gif:
        assert gif.n_frames == 4


def test_a_full_disk_reported_only_at_fsync_keeps_the_old_file(tmp_path, monkeypatch):
    """Some filesystems accept the writes and report the full disk when the
    data is flushed: the rename must wait for the flush."""
    target = tmp_path / "run.gif"
    target.write_bytes(b"the old file")

    def fsync(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError):
        write_gif(moving_frames(3), target)
    assert target.read_bytes() == b"the old file"
    assert _leftovers(tmp_path, {"run.gif"}) == []


def test_a_new_file_that_fails_leaves_no_file(tmp_path, monkeypatch):
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: _FailingFile(real_fdopen(*args, **kwargs), 50))
    with pytest.raises(OSError):
        write_gif(moving_frames(3), tmp_path / "new.gif")
    assert _leftovers(tmp_path, set()) == []


_FULL_DISK_SCRIPT = """
import errno, os, subprocess, sys
import numpy as np
from gui.gif.encoder import write_gif
folder = sys.argv[1]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], check=True)
target = os.path.join(folder, "run.gif")
small = [np.zeros((20, 20, 3), np.uint8), np.full((20, 20, 3), 255, np.uint8)]
write_gif(small, target)
old = open(target, "rb").read()
rng = np.random.default_rng(0)
noisy = [rng.integers(0, 256, (200, 200, 3), dtype=np.uint8) for _ in range(10)]  # ~400 kB of GIF
try:
    write_gif(noisy, target)
except OSError as error:
    print("errno", errno.errorcode.get(error.errno))
print("intact", open(target, "rb").read() == old)
print("files", sorted(os.listdir(folder)))
"""


def test_a_full_filesystem_keeps_the_old_file(tmp_path):
    """A real full disk: a 64 kB tmpfs mounted in a private mount namespace
    (``unshare -r -m``: no root needed where user namespaces are allowed)."""
    import shutil
    import subprocess
    import sys

    if shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("unshare or mount is not installed")
    probe = subprocess.run(["unshare", "-r", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.decode().strip()}")
    folder = tmp_path / "tiny"
    folder.mkdir()
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(["unshare", "-r", "-m", sys.executable, "-c", _FULL_DISK_SCRIPT, str(folder)],
                            cwd=repo, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["errno ENOSPC", "intact True", "files ['run.gif']"]


def test_a_symbolic_link_is_written_through(tmp_path):
    real = tmp_path / "real.gif"
    real.write_bytes(b"old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.gif"
    link.symlink_to(real)
    info = write_gif(moving_frames(3), link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes()[:6] == b"GIF89a" and info.size_bytes == real.stat().st_size
    assert real.stat().st_mode & 0o777 == 0o640  # the replaced file's permissions are kept
    assert _leftovers(tmp_path, {"real.gif", "link.gif"}) == []


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)
    write_gif(moving_frames(2), tmp_path / "new.gif")
    assert (tmp_path / "new.gif").stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_path_that_is_not_a_regular_file_is_refused(tmp_path):
    fifo = tmp_path / "pipe.gif"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        write_gif(moving_frames(2), fifo)  # and does not hang waiting for a reader
    assert fifo.exists() and _leftovers(tmp_path, {"pipe.gif"}) == []


def test_estimate_is_close_to_the_real_size(tmp_path):
    frames = moving_frames(40, height=90, width=120)
    for options in (GifOptions(fps=12, hold_last=1), GifOptions(width=60, loop=False)):
        estimate = estimate_gif(frames, options)
        info = write_gif(frames, tmp_path / "e.gif", options)
        assert estimate.n_frames == info.n_frames
        assert (estimate.width, estimate.height) == (info.width, info.height)
        assert estimate.duration == pytest.approx(info.duration)
        assert 0.6 * info.size_bytes <= estimate.size_bytes <= 1.6 * info.size_bytes
    single = estimate_gif(frames[:1])
    assert single.n_frames == 1 and single.size_bytes > 0


def test_block_sizes_add_up_to_the_file():
    data = encode_gif(moving_frames(6), GifOptions())
    header, blocks = _image_block_sizes(data)
    assert len(blocks) == 6
    assert header + sum(blocks) + 1 == len(data)


def test_encoder_imports_no_qt():
    import subprocess
    import sys

    code = "import sys, gui.gif.encoder; print(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))"
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_describe_size():
    assert describe_size(1_830_000) == "1.8 MB"
    assert describe_size(64_200) == "64 kB"
    assert describe_size(900) == "900 bytes"
