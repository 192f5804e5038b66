"""Keep OpenBLAS to one thread: the app's own threads and the render
process already use the cores. A leaf module (standard library only), so the
render process can import it without the rest of the app."""

from __future__ import annotations

import ctypes
import re

#: symbol names of OpenBLAS's thread setter: plain builds, NumPy's wheels
_OPENBLAS_SETTERS = ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads")


def limit_blas_threads(n_threads: int = 1) -> bool:
    """Make the OpenBLAS that NumPy loaded use ``n_threads`` threads.

    Why: the app already keeps two threads busy (the GUI and the training
    worker). OpenBLAS's own pool, as big as the machine, then fights them for
    the cores: predicting on a 200x200 grid took 40 ms with two BLAS threads
    and 17 ms with one on a loaded 2-core machine. The environment variable
    OPENBLAS_NUM_THREADS comes too late (NumPy is loaded by then), so this
    calls OpenBLAS's setter. Returns whether one was found (Linux; elsewhere
    nothing changes).
    """
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted(set(re.findall(r"(/\S*openblas\S*\.so\S*)", maps.read())))
    except OSError:
        return False
    for path in paths:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _OPENBLAS_SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(int(n_threads))
                return True
    return False
