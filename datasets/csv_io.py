"""Reading and writing datasets as CSV files.

Format: UTF-8 text, a header row naming the columns, one sample per row, the
target in the last column unless another is named. Floats are written with
``repr`` (the shortest text that reads back to the same float), so
``load_csv(save_csv(ds))`` gives back the same numbers.

Reading is two steps (see :mod:`datasets.csv_table`): :func:`scan_csv`
reads the file once into columns, and ``CSVTable.to_dataset`` makes the
dataset from the choices (target, features, what to do with missing values
and text); :func:`load_csv` does both. The reader never half-loads: a file
it cannot use raises :class:`CSVFormatError`, a ``ValueError`` whose message
names the file and lists every problem found (up to a few), each with its
line, so a person can fix them all at once.
"""

from __future__ import annotations

import io
import os

from datasets.csv_reader import MAX_LINE_BYTES, CSVFormatError, FlatRows, RecordReader
from datasets.csv_table import (
    MAX_AUTO_CLASSES,
    MAX_CLASSES,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ONEHOT,
    MAX_ROWS,
    MAX_VALUES,
    MISSING_MARKERS,
    CSVTable,
    LoadPlan,
    _path_text,
    check_choices,
    class_order,
    is_missing_marker,
    open_regular_file,
    scan_csv,
    special_file_kind,
)
from datasets.dataset import Dataset
from datasets.files import replacing

__all__ = [
    "CSVFormatError", "CSVTable", "LoadPlan", "MAX_AUTO_CLASSES", "MAX_CLASSES", "MAX_COLUMNS",
    "MAX_FILE_BYTES", "MAX_LINE_BYTES", "MAX_ONEHOT", "MAX_ROWS", "MAX_VALUES", "MISSING_MARKERS",
    "class_order", "load_csv", "read_csv_columns", "save_csv", "scan_csv", "target_column_names",
]


# ----------------------------------------------------------------------- load


def load_csv(path, target=None, task: str | None = None, *, features=None, missing: str = "error",
             text: str = "error", progress=None) -> Dataset:
    """Read a CSV file into a ``Dataset``.

    Parameters
    ----------
    path : str or PathLike
        A regular file: FIFOs, devices and directories are refused before
        they are opened.
    target : None, str or sequence of str
        The target column(s); ``None`` = the last column. Several names give a
        regression target of shape (n, k).
    task : None, "classification" or "regression"
        ``None`` decides from the target column: text, or integers (written
        without a decimal point) with at most ``MAX_AUTO_CLASSES`` distinct
        values, are class labels; other numbers are a regression target.
    features : None, str or sequence of str
        The feature columns, in this order. ``None``: every other column that
        can be used; columns of dates, columns without a name that number the
        rows, and empty columns are left out with a note.
    missing : "error" or "drop"
        A missing cell (empty, ``NA``, ``nan``, ``?``, ...) in a column used:
        ``"error"`` refuses the file; ``"drop"`` leaves the row out, and
        the dataset's ``notes`` say how many rows went.
    text : "error", "onehot" or "ignore"
        A feature column holding text: ``"error"`` refuses the file;
        ``"onehot"`` turns a column with at most ``MAX_ONEHOT`` distinct
        values into one 0/1 feature per value, named ``"island=Biscoe"``;
        ``"ignore"`` leaves text columns out (with a note).
    progress : callable(bytes_read, total_bytes) or None
        Called as the file is read; it may raise to stop reading.

    Returns
    -------
    Dataset
        ``X`` (n, d) float64 from the feature columns, ``feature_names`` from
        the header, ``name`` the file stem, ``notes`` what was dropped or
        left out. Classification: classes are the distinct target texts,
        numbered in :func:`class_order` (by value when every label is a
        number, otherwise in natural order, so "class 2" < "class 10"),
        ``class_names`` the texts.

    Raises
    ------
    ValueError
        for a bad argument (naming it).
    CSVFormatError (a ValueError)
        naming the file and listing every problem found with its line.
        Nothing is returned half-read.
    """
    check_choices(target, task, features, missing, text)
    table = scan_csv(path, progress)
    return table.to_dataset(target, task, features=features, missing=missing, text=text)


def read_csv_columns(path) -> tuple[str, ...]:
    """The column names in the header row of ``path``, without reading the
    data rows (so a person can pick the target before loading).

    Raises the same ``CSVFormatError`` as :func:`load_csv` for a missing,
    special, binary, empty or header-less file.
    """
    path_text = _path_text(path)
    handle, size = open_regular_file(path_text)
    with handle:
        reader = RecordReader(path_text, handle, size)
        first = next(reader.records(), None)
        if first is None:
            raise CSVFormatError(path_text, None, "the file is empty: a CSV file needs a header row and data rows")
        rows, lines, exact = first
        table = CSVTable(path_text, size)
        table.delimiter = reader.delimiter
        table._set_header(rows.tokens[: rows.width] if isinstance(rows, FlatRows) else rows[0], int(lines[0]), exact)
    return table.column_names


# ----------------------------------------------------------------------- save


def target_column_names(dataset: Dataset) -> tuple[str, ...]:
    """Header names ``save_csv`` gives the target column(s).

    ``"class"`` (classification), ``"target"`` (regression, y of shape (n,)),
    ``"target_1" .. "target_k"`` (y of shape (n, k)); underscores are appended
    while a name clashes with a feature name.
    """
    if dataset.task == "classification":
        names = ["class"]
    elif dataset.y.ndim == 1:
        names = ["target"]
    else:
        names = [f"target_{j + 1}" for j in range(dataset.y.shape[1])]
    taken = set(dataset.feature_names)
    unique = []
    for name in names:
        while name in taken:
            name += "_"
        taken.add(name)
        unique.append(name)
    return tuple(unique)


def save_csv(dataset: Dataset, path) -> None:
    """Write ``dataset`` to ``path`` as CSV: header, then one row per sample.

    Columns: the features, then the target (:func:`target_column_names`).
    Floats are written with ``repr`` (exact round trip); class labels as
    their class names. A name is quoted when it holds a separator, a quote,
    a line break or a carriage return, or starts or ends with a blank, and
    the reader keeps every character inside quotes.

    Round trip: ``load_csv(path, target=target_column_names(dataset),
    task=dataset.task)`` gives back a dataset equal to ``dataset`` (``time``
    and ``notes`` are not written) whenever every class has a sample (a CSV
    row cannot hold an empty class) and the class names are in
    :func:`class_order` (true for generated, bundled and loaded data and for
    default drawn classes; otherwise the classes come back renumbered in
    that order, each row keeping its label).

    The file is written to a temporary file beside the target and renamed
    over it, so a failed save leaves any old file intact. A symbolic link is
    written through (the file it points to is replaced, the link stays), and
    anything that is not a regular file (a device, a FIFO, a directory) is
    refused, never replaced.

    Raises
    ------
    ValueError
        for a dataset that cannot be written (a class named like a missing
        value, e.g. "NA") or a path that cannot be written, naming it.
    """
    if not isinstance(dataset, Dataset):
        raise ValueError(f"dataset must be a Dataset, got {type(dataset).__name__}")
    try:
        path_text = os.fsdecode(os.fspath(path))
    except TypeError:
        raise ValueError(f"path must be a file path, got {path!r}") from None
    for name in dataset.class_names:
        if is_missing_marker(name):
            raise ValueError(f"{path_text}: the class name {name!r} would read back as a missing value; "
                             f"rename the class to save it")
    header = (*dataset.feature_names, *target_column_names(dataset))

    buffer = io.StringIO()
    buffer.write(",".join(map(_csv_field, header)) + "\n")
    if dataset.task == "classification":
        labels = [_csv_field(name) for name in dataset.class_names]
        cells = (labels[code] for code in dataset.y.tolist())
    elif dataset.y.ndim == 1:
        cells = map(repr, dataset.y.tolist())
    else:
        cells = (",".join(map(repr, row)) for row in dataset.y.tolist())
    # Python floats from tolist(): repr is the shortest exact text (numpy
    # scalars would print as "np.float64(...)").
    buffer.writelines(f"{','.join(map(repr, row))},{cell}\n" for row, cell in zip(dataset.X.tolist(), cells))
    _write_replacing(path_text, buffer.getvalue())


def _write_replacing(path_text: str, content: str) -> None:
    """Write ``content`` over the real file behind ``path_text`` (through
    symbolic links) atomically (``datasets.files.replacing``); a special
    file is refused. Errors as ``ValueError``."""
    real = os.path.realpath(path_text)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None  # a new file (or a link to one not made yet)
    except OSError as error:
        raise ValueError(f"{path_text}: cannot write the file: {error.strerror or error}") from error
    if mode is not None:
        kind = special_file_kind(mode)
        if kind is not None:
            raise ValueError(f"{path_text}: {kind}, not a regular file: refusing to write over it")
    try:
        with replacing(real, text=True, newline="") as handle:
            handle.write(content)
    except OSError as error:
        raise ValueError(f"{path_text}: cannot write the file: {error.strerror or error}") from error


#: characters that make a cell need quotes: separators the reader may pick,
#: the quote itself, line breaks
_NEEDS_QUOTES = frozenset(',;\t"\r\n')


def _csv_field(text: str) -> str:
    """``text`` as one CSV cell: quoted (quotes doubled) when it holds a
    separator, a quote or a line break, or starts or ends with a blank (the
    reader strips blanks around unquoted cells), or would open the file with
    a byte-order mark."""
    if (_NEEDS_QUOTES.isdisjoint(text) and text == text.strip() and not text.startswith("\ufeff")):
        return text
    return '"' + text.replace('"', '""') + '"'
