"""Real tables shipped with the package (``datasets/data/*.csv``), loaded offline.

Origins and licences: ``datasets/data/SOURCES.md``.
"""

from __future__ import annotations

from importlib import resources

from datasets.csv_io import load_csv
from datasets.dataset import Dataset

#: name -> human label, in the order the GUI lists them.
BUILTINS: dict[str, str] = {
    "iris": "Iris flowers (150 x 4, 3 classes)",
    "wine": "Wine cultivars (178 x 13, 3 classes)",
    "breast_cancer": "Breast cancer diagnosis (569 x 30, 2 classes)",
    "diabetes": "Diabetes progression (442 x 10, regression)",
}

# The task of each table, stated rather than guessed from the target column.
_TASKS = {"iris": "classification", "wine": "classification", "breast_cancer": "classification",
          "diabetes": "regression"}


def load_builtin(name: str) -> Dataset:
    """Load the bundled table ``name`` (a key of ``BUILTINS``).

    Returns a Dataset named ``name``: the table's feature columns in file order,
    the last column as target; classes numbered in sorted name order (iris:
    setosa, versicolor, virginica; breast_cancer: benign, malignant).
    """
    if name not in BUILTINS:
        raise ValueError(f"unknown built-in dataset name={name!r}; choose one of: {', '.join(BUILTINS)}")
    resource = resources.files("datasets").joinpath("data").joinpath(f"{name}.csv")
    # as_file gives a real path even if the package is imported from a zip.
    with resources.as_file(resource) as path:
        dataset = load_csv(path, task=_TASKS[name])
    return dataset.replace(name=name)
