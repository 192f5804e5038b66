"""Writing files so that a failure changes nothing: the new contents go to a
temporary file beside the target, which replaces it only when complete.
One implementation for every file the project writes (CSV tables, GIFs,
sessions, exported models)."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

__all__ = ["replacing"]


@contextlib.contextmanager
def replacing(path, text: bool = False, newline: str | None = "\n") -> Iterator:
    """A file handle (binary, or UTF-8 text with ``text=True``) whose contents
    replace ``path`` when the ``with`` block ends without an error.

    The temporary file is created in the target's own folder, through
    symbolic links (a rename is only atomic within one filesystem), with
    ``O_EXCL`` and the permissions a new file gets from the umask, or those
    of the file it replaces. It is fsynced before the rename (on a full disk
    some filesystems report the failure only then, and after a crash the
    new name must not point to unwritten blocks), and the folder's entry
    after it. On any error the temporary file is removed and the target is
    as it was. ``OSError`` for a target that is not a regular file (a
    folder, a pipe, a device): never opened, never replaced.
    """
    target = Path(os.path.realpath(path))  # through a symbolic link, to the file it names
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL,
                      f"{path} is {what}: refusing to write over it")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            descriptor = os.open(temporary, flags, 0o666)
            break
        except FileExistsError:
            continue
    opening = {"mode": "w", "encoding": "utf-8", "newline": newline} if text else {"mode": "wb"}
    try:
        with os.fdopen(descriptor, **opening) as handle:
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
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file to disk (best effort:
    not every system can open a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
