"""Session-wide test set-up.

Qt must run without a display: the platform is forced to ``offscreen`` before
any test imports Qt (3D OpenGL tests start their own subprocess under the Xvfb
display that pytest-xvfb provides). The top-level package name ``datasets``
clashes with Hugging Face's package of the same name, so the suite refuses to
run against anything but this project's.
"""

import os
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import datasets  # noqa: E402

_REPO = Path(__file__).resolve().parent.parent
_found = Path(getattr(datasets, "__file__", "") or "").resolve()
if _REPO not in _found.parents:
    raise RuntimeError(
        f"'import datasets' resolved to {_found}, not this project's datasets/ package "
        f"(probably Hugging Face's 'datasets'). Run the tests from a virtual environment "
        f"with this project installed: pip install -e '.[test]'"
    )
