"""Datasets for the app: generators, the Dataset value, CSV files, bundled tables.

Pure NumPy and the standard library (no Qt), usable from a script::

    import datasets
    ds = datasets.make("moons", n_samples=200, noise=0.1, random_state=0)
    ds.X.shape, ds.y.shape          # (200, 2), (200,)
    datasets.save_csv(ds, "moons.csv")
    iris = datasets.load_builtin("iris")

Modules: ``dataset`` (the value), ``generators`` (``GENERATORS``, ``make``),
``csv_io`` (``load_csv``, ``save_csv``, ``scan_csv``), ``builtin`` (``BUILTINS``,
``load_builtin``), ``editing`` (the undoable ``Editor`` for drawn data).
"""

from datasets.builtin import BUILTINS, load_builtin
from datasets.csv_io import CSVFormatError, CSVTable, LoadPlan, load_csv, read_csv_columns, save_csv, scan_csv
from datasets.dataset import MAX_CLASSES, Dataset, default_class_names
from datasets.generators import GENERATORS, MAX_N_SAMPLES, GeneratorSpec, Option, make

__all__ = [
    "MAX_CLASSES",
    "BUILTINS",
    "CSVFormatError",
    "CSVTable",
    "LoadPlan",
    "Dataset",
    "GENERATORS",
    "GeneratorSpec",
    "MAX_N_SAMPLES",
    "Option",
    "default_class_names",
    "load_builtin",
    "load_csv",
    "read_csv_columns",
    "scan_csv",
    "make",
    "save_csv",
]
