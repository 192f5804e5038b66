"""algorithms/, datasets/ and sessions/ are pure NumPy: importing them must load no Qt,
pyqtgraph or Pillow module (checked in a fresh interpreter, since the test
session itself imports Qt)."""

import subprocess
import sys

import pytest

FORBIDDEN = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph", "PIL")


@pytest.mark.parametrize("package", ["algorithms", "datasets", "sessions"])
def test_importing_package_loads_no_gui_module(package):
    code = (
        f"import sys, {package}, pkgutil, importlib\n"
        f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        f"    importlib.import_module(m.name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        f"print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{package} imported GUI modules: {out.stdout.strip()}"
