"""Writing files so that a failure changes nothing: the new contents go to
a temporary file beside the target, which replaces it only when complete."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

__all__ = ["replacing"]


@contextlib.contextmanager
def replacing(path, text: bool = False) -> Iterator:
    """A handle whose contents replace ``path`` when the ``with`` block ends
    without error: a temporary file beside the target (through symbolic
    links: a rename is atomic within one filesystem), fsynced, then renamed
    over it with the permissions of the file it replaces; removed on error.
    ``OSError`` for a target that is not a regular file (a folder, a pipe)."""
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError(f"{path} is not a regular file: refusing to write over it")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    descriptor = os.open(temporary, flags, 0o666)
    try:
        with os.fdopen(descriptor, "w" if text else "wb", **({"encoding": "utf-8", "newline": "\n"} if text else {})) as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(mode))
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
