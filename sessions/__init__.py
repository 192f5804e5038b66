"""Keeping and taking away a run: session files, model export, Python export.

Pure NumPy and the standard library on top of ``algorithms`` and
``datasets`` (no Qt), so ``main.py gif --session`` and scripts use them
without a window:

- ``session``: :class:`Session`, :func:`write_session`, :func:`read_session`
  (a zip of JSON and ``.npy`` arrays, read with ``allow_pickle=False`` and
  checked field by field: ``docs/session-format.md``);
- ``archive``: that container, on its own;
- ``history``: the loss curves as the window keeps them;
- ``export``: the trained model as ``.npz`` weights plus a JSON description;
- ``python_export``: a standalone NumPy script that trains and predicts
  like the app.
"""

from .archive import ArchiveError
from .session import FORMAT_VERSION, SUFFIX, VIEW_DEFAULTS, Session, SessionError, read_session, write_session

__all__ = ["Session", "SessionError", "ArchiveError", "read_session", "write_session", "FORMAT_VERSION", "SUFFIX",
           "VIEW_DEFAULTS"]
