"""Reading and writing datasets as CSV files.

Format: UTF-8 text, a header row naming the columns, one sample per row, the
target in the last column unless another is named. Floats are written with
``repr`` (the shortest text that reads back to the same float), so
``load_csv(save_csv(ds))`` gives back the same numbers.

The reader is strict and never half-loads: any problem (empty file, no header,
ragged rows, a non-numeric feature, a missing value, an unknown target, a
single class, binary data, too many rows) raises :class:`CSVFormatError`, a
``ValueError`` whose message names the file, the line and the problem. Rows
are parsed in chunks and the reader stops at the first problem or as soon as
the file exceeds the size limits, so a huge file is rejected without being
read into memory.
"""

from __future__ import annotations

import csv
import io
import math
import operator
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from datasets.dataset import Dataset

#: Most data rows a file may hold: a million points is already more than the
#: views can draw interactively.
MAX_ROWS = 1_000_000
#: Most columns (features plus targets).
MAX_COLUMNS = 1_000
#: Most numbers in the file (rows x columns): 20 million floats are 160 MB.
MAX_VALUES = 20_000_000
#: Files larger than this are rejected before reading anything.
MAX_FILE_BYTES = 512 * 2**20
#: Longest line accepted, in bytes (a guard against binary files without newlines).
MAX_LINE_BYTES = 2**20
#: An integer target with at most this many distinct values is read as class labels.
MAX_AUTO_CLASSES = 10
#: Most classes a classification target may have.
MAX_CLASSES = 100
#: Target cells read as "missing" when the rest of the column is numeric.
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})

_CHUNK_ROWS = 65_536
_TASKS = ("classification", "regression")


class CSVFormatError(ValueError):
    """A file could not be loaded. ``path``, ``line`` (1-based, or None) and ``problem`` hold the parts."""

    def __init__(self, path: str, line: int | None, problem: str):
        where = f"{path}: line {line}: " if line is not None else f"{path}: "
        super().__init__(where + problem)
        self.path = path
        self.line = line
        self.problem = problem


# ----------------------------------------------------------------------- load


def load_csv(path, target=None, task: str | None = None) -> Dataset:
    """Read a CSV file into a ``Dataset``.

    Parameters
    ----------
    path : str or PathLike
    target : None, str or sequence of str
        The target column(s); ``None`` = the last column. Several names give a
        regression target of shape (n, k).
    task : None, "classification" or "regression"
        ``None`` decides from the target column: text, or integers (written
        without a decimal point) with at most ``MAX_AUTO_CLASSES`` distinct
        values, are class labels; other numbers are a regression target.

    Returns
    -------
    Dataset
        ``X`` (n, d) float64 from the other columns (in file order),
        ``feature_names`` from the header, ``name`` the file stem.
        Classification: classes are the distinct target texts (stripped),
        numbered in sorted order (by value when every label is a number,
        otherwise in natural order, so "class 2" < "class 10"), ``class_names``
        the texts.

    Raises
    ------
    CSVFormatError (a ValueError)
        naming the file, the line and the problem. Nothing is returned half-read.
    """
    try:
        path_text = os.fspath(path)
    except TypeError:
        raise ValueError(f"path must be a file path, got {path!r}") from None
    if isinstance(path_text, bytes):
        path_text = os.fsdecode(path_text)
    if task not in (None, *_TASKS):
        raise ValueError(f"task must be None, 'classification' or 'regression', got {task!r}")
    targets = _target_names(target)
    if task == "classification" and targets is not None and len(targets) > 1:
        raise ValueError(f"target={target!r}: classification takes one target column, got {len(targets)}")

    with _open(path_text) as handle:
        return _Reader(path_text, handle, targets, task).read()


def read_csv_columns(path) -> tuple[str, ...]:
    """The column names in the header row of ``path``, without reading the
    data rows (so a person can pick the target before loading).

    Raises the same ``CSVFormatError`` as :func:`load_csv` for a missing,
    binary, empty or header-less file.
    """
    path_text = os.fsdecode(os.fspath(path))
    with _open(path_text) as handle:
        return _Reader(path_text, handle, None, None).columns()


def _open(path_text: str):
    """The file opened for reading in binary, or CSVFormatError (too large, unreadable)."""
    try:
        size = os.path.getsize(path_text)
        handle = open(path_text, "rb")
    except OSError as error:
        raise CSVFormatError(path_text, None, f"cannot read the file: {error.strerror or error}") from error
    if size > MAX_FILE_BYTES:
        handle.close()
        raise CSVFormatError(
            path_text, None, f"too large: {size / 2**20:.0f} MB (the limit is {MAX_FILE_BYTES // 2**20} MB)"
        )
    return handle


def _target_names(target) -> tuple[str, ...] | None:
    if target is None:
        return None
    if isinstance(target, str):
        names = (target,)
    else:
        try:
            names = tuple(target)
        except TypeError:
            raise ValueError(f"target must be None, a column name or a sequence of names, got {target!r}") from None
    if not names or not all(isinstance(name, str) for name in names):
        raise ValueError(f"target must be None, a column name or a sequence of names, got {target!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"target={target!r} names a column twice")
    return tuple(name.strip() for name in names)


class _Reader:
    """One pass over one file; ``read()`` returns the Dataset or raises CSVFormatError."""

    def __init__(self, path: str, handle, targets, task):
        self.path = path
        self.handle = handle
        self.targets = targets
        self.task = task
        self.line_number = 0  # physical lines read so far

    def fail(self, line, problem):
        raise CSVFormatError(self.path, line, problem)

    def lines(self):
        """Decoded physical lines; raises on binary data or over-long lines."""
        while True:
            raw = self.handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            self.line_number += 1
            if len(raw) > MAX_LINE_BYTES:
                self.fail(self.line_number, f"line longer than {MAX_LINE_BYTES // 2**20} MB: not a CSV file of numbers")
            if b"\x00" in raw:
                self.fail(self.line_number, "binary data (a NUL byte): this is not a text CSV file")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.fail(self.line_number, "not UTF-8 text (a binary file, or another encoding?)")
            if self.line_number == 1 and text.startswith("\ufeff"):
                text = text[1:]  # byte-order mark written by some spreadsheet programs
            yield text

    def rows(self):
        """A csv reader over the file from its first non-blank line."""
        lines = self.lines()
        first = None
        for first in lines:
            if first.strip():
                break
        else:
            self.fail(None, "the file is empty: a CSV file needs a header row and data rows")
        # Comma-separated, unless the header has no comma but tabs or semicolons.
        delimiter = ","
        if "," not in first:
            delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
        return csv.reader(_chain(first, lines), delimiter=delimiter, strict=True, skipinitialspace=True)

    def read(self) -> Dataset:
        rows = self.rows()
        try:
            return self._parse(rows)
        except csv.Error as error:
            self.fail(max(rows.line_num, 1), f"malformed CSV ({error})")

    def columns(self) -> tuple[str, ...]:
        rows = self.rows()
        try:
            header = [cell.strip() for cell in next(rows)]
        except csv.Error as error:
            self.fail(max(rows.line_num, 1), f"malformed CSV ({error})")
        self._check_header(header, rows.line_num)
        return tuple(header)

    def _parse(self, rows) -> Dataset:
        header = [cell.strip() for cell in next(rows)]
        header_line = rows.line_num
        self._check_header(header, header_line)
        n_columns = len(header)
        if self.targets is None:
            target_columns = [n_columns - 1]
        else:
            missing = [name for name in self.targets if name not in header]
            if missing:
                self.fail(
                    header_line,
                    f"no column named {missing[0]!r} for the target; the columns are: {', '.join(map(repr, header))}",
                )
            target_columns = [header.index(name) for name in self.targets]
        feature_columns = [j for j in range(n_columns) if j not in target_columns]
        if not feature_columns:
            self.fail(header_line, "no feature column: the file needs at least one column besides the target")
        n_features = len(feature_columns)
        # itemgetter extracts the fields in C; with one index it returns a bare string.
        get_features = operator.itemgetter(*feature_columns)
        get_targets = operator.itemgetter(*target_columns)

        feature_chunks: list[np.ndarray] = []
        target_tokens: list = []
        target_lines: list[int] = []
        tokens: list = []
        chunk_lines: list[int] = []
        for row in rows:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            line = rows.line_num
            if len(row) != n_columns:
                self.fail(line, f"{len(row)} fields, but the header (line {header_line}) has {n_columns} columns")
            if len(target_lines) >= MAX_ROWS:
                self.fail(line, f"too large: more than {MAX_ROWS:,} data rows (the limit for the app)")
            if (len(target_lines) + 1) * n_columns > MAX_VALUES:
                self.fail(line, f"too large: more than {MAX_VALUES:,} values (rows x columns; the limit for the app)")
            if n_features == 1:
                tokens.append(get_features(row))
            else:
                tokens.extend(get_features(row))
            target_tokens.append(get_targets(row))
            target_lines.append(line)
            chunk_lines.append(line)
            if len(chunk_lines) == _CHUNK_ROWS:
                feature_chunks.append(self._numbers(tokens, chunk_lines, [header[j] for j in feature_columns]))
                tokens, chunk_lines = [], []
        if chunk_lines:
            feature_chunks.append(self._numbers(tokens, chunk_lines, [header[j] for j in feature_columns]))
        if not target_lines:
            self.fail(header_line, "no data rows after the header")

        X = np.concatenate(feature_chunks) if len(feature_chunks) > 1 else feature_chunks[0]
        feature_names = tuple(header[j] for j in feature_columns)
        name = Path(self.path).stem
        if len(target_columns) > 1:
            if self.task == "classification":  # pragma: no cover - rejected in load_csv
                self.fail(None, "classification takes one target column")
            names = [header[j] for j in target_columns]
            flat = [token for group in target_tokens for token in group]
            y = self._numbers(flat, target_lines, names, target=True)
            return Dataset(X, y, "regression", feature_names, (), name)
        target_name = header[target_columns[0]]
        return self._target(X, feature_names, target_name, target_tokens, target_lines, name)

    def _check_header(self, header, line):
        if all(_is_number(cell) for cell in header):
            self.fail(
                line,
                "no header row: the first row holds numbers, but it must name the columns "
                "(add a line such as 'x1,x2,label' at the top)",
            )
        if len(header) < 2:
            self.fail(
                line,
                f"one column ({header[0]!r}) only: the file needs feature columns and a target column "
                f"separated by commas",
            )
        if len(header) > MAX_COLUMNS:
            self.fail(line, f"too large: {len(header)} columns (the limit is {MAX_COLUMNS})")
        for position, cell in enumerate(header, start=1):
            if not cell:
                self.fail(line, f"column {position} of the header has no name")
        seen = set()
        for cell in header:
            if cell in seen:
                self.fail(line, f"the column name {cell!r} appears twice in the header")
            seen.add(cell)

    def _numbers(self, tokens, lines, column_names, target=False) -> np.ndarray:
        """Parse a row-major block of tokens into (len(lines), len(column_names)) float64."""
        n_columns = len(column_names)
        try:
            # float() in C over the whole block; only a failure needs the slow search below.
            values = np.array(list(map(float, tokens)), dtype=np.float64)
        except ValueError:
            values = None
        if values is not None and np.isfinite(values).all():
            return values.reshape(len(lines), n_columns)
        for index, token in enumerate(tokens):
            row, column = divmod(index, n_columns)
            problem = _number_problem(token)
            if problem is not None:
                what = "the target" if target else "a feature"
                self.fail(lines[row], f"column {column_names[column]!r}: {problem} ({what} must be a number)")
        raise AssertionError("unreachable: a token failed to parse but none was found")  # pragma: no cover

    def _target(self, X, feature_names, target_name, tokens, lines, name) -> Dataset:
        tokens = [token.strip() for token in tokens]
        for token, line in zip(tokens, lines):
            if not token:
                self.fail(line, f"column {target_name!r}: missing value (empty field)")
        numeric = None
        if self.task != "classification":
            numeric = self._numeric_target(tokens, lines, target_name)
        if numeric is not None and (self.task == "regression" or not _few_integers(tokens, numeric)):
            return Dataset(X, numeric, "regression", feature_names, (), name)
        if self.task == "regression":
            # _numeric_target returned None: some label is text.
            for token, line in zip(tokens, lines):
                problem = _number_problem(token)
                if problem is not None:
                    self.fail(line, f"column {target_name!r}: {problem} (task='regression' needs numbers)")

        labels = sorted(set(tokens), key=_label_sort_key(tokens, numeric))
        if len(labels) == 1:
            self.fail(
                None,
                f"column {target_name!r} holds a single class ({labels[0]!r}): a classifier needs at least two "
                f"(or load it with task='regression')",
            )
        if len(labels) > MAX_CLASSES:
            text = _first_text(tokens, lines)
            hint = f"; if it should be numeric, look for text in it, e.g. {text}" if text else ""
            self.fail(
                None,
                f"column {target_name!r} has {len(labels)} distinct labels, more than {MAX_CLASSES} classes{hint}",
            )
        code_of = {label: code for code, label in enumerate(labels)}
        y = np.fromiter((code_of[token] for token in tokens), dtype=np.int64, count=len(tokens))
        return Dataset(X, y, "classification", feature_names, tuple(labels), name)

    def _numeric_target(self, tokens, lines, target_name) -> np.ndarray | None:
        """The target as floats, None if some label is text, or fail on a missing number."""
        try:
            values = np.array(list(map(float, tokens)), dtype=np.float64)
        except ValueError:
            # Text labels: but a numeric column with "NA" holes is missing data, not classes.
            numbers_or_markers = all(_is_number(t) or t.lower() in MISSING_MARKERS for t in tokens)
            if not numbers_or_markers:
                return None
            values = None
        if values is not None and np.isfinite(values).all():
            return values
        for token, line in zip(tokens, lines):
            problem = _number_problem(token)
            if problem is not None:
                self.fail(line, f"column {target_name!r}: {problem}")
        raise AssertionError("unreachable: a non-finite target was not found")  # pragma: no cover


def _chain(first, rest):
    yield first
    yield from rest


def _is_number(token: str) -> bool:
    try:
        return math.isfinite(float(token))
    except ValueError:
        return False


def _number_problem(token: str) -> str | None:
    """Why ``token`` is not a usable finite number, or None if it is one."""
    text = token.strip()
    if text.lower() in MISSING_MARKERS:
        return f"missing value ({token!r})" if text else "missing value (empty field)"
    try:
        value = float(text)
    except ValueError:
        shown = token if len(token) <= 40 else token[:37] + "..."
        return f"{shown!r} is not a number"
    if not math.isfinite(value):
        return f"{token!r} is not a finite number"
    return None


def _few_integers(tokens, values: np.ndarray) -> bool:
    """True when every label is written as an integer ("3", not "3.0") and there are few distinct ones.

    The text decides, not the value: "0,1,2" reads as class labels, while a
    measurement written "1.0" stays a number. ``save_csv`` writes regression
    targets with ``repr`` (always a "." or an exponent), so they come back as
    regression even when they are whole numbers.
    """
    if np.unique(values).size > MAX_AUTO_CLASSES:
        return False
    return all(_INTEGER.match(token) for token in set(tokens))


_INTEGER = re.compile(r"[+-]?\d+\Z")


def _label_sort_key(tokens, numeric):
    """Sort key for class labels: by value if all are numbers, else natural order."""
    if numeric is not None or all(_is_number(token) for token in set(tokens)):
        return lambda label: (float(label), label)
    return _natural_key


def _natural_key(label: str):
    # re.split with a capturing group alternates text, digits, text, ...: the
    # parts at odd positions are digit runs, compared as numbers.
    parts = re.split(r"(\d+)", label)
    return tuple(int(part) if index % 2 else part.casefold() for index, part in enumerate(parts)), label


def _first_text(tokens, lines) -> str | None:
    """``"'abc' at line 7"`` for the first non-numeric token, or None."""
    for token, line in zip(tokens, lines):
        if not _is_number(token):
            return f"{token!r} at line {line}"
    return None


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
    Floats are written with ``repr`` (exact round trip); class labels as their
    class names. ``load_csv(path)`` reads back the same X, y, names and task
    (pass ``target=`` the target names for an (n, k) target) as long as the
    class names are in sorted order (true for generated, bundled and default
    drawn classes) and every class has a sample: a CSV row cannot hold an
    empty class. Class names that read as numbers come back as classes when
    they are at most ``MAX_AUTO_CLASSES`` integers; otherwise load with
    ``task="classification"``. ``time`` is not written. The file is written to a temporary
    file and renamed, so a failed save leaves any old file intact.
    """
    if not isinstance(dataset, Dataset):
        raise ValueError(f"dataset must be a Dataset, got {type(dataset).__name__}")
    try:
        path_text = os.fspath(path)
    except TypeError:
        raise ValueError(f"path must be a file path, got {path!r}") from None
    header = (*dataset.feature_names, *target_column_names(dataset))

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
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

    directory = os.path.dirname(os.path.abspath(path_text))
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".saving-", suffix=".csv", dir=directory)
    except OSError as error:
        raise ValueError(f"{path_text}: cannot write the file: {error.strerror or error}") from error
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        # mkstemp creates the file readable by its owner only; give it the
        # permissions of the file it replaces, or the usual rw-r--r--.
        try:
            mode = os.stat(path_text).st_mode & 0o777
        except OSError:
            mode = 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, path_text)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise ValueError(f"{path_text}: cannot write the file: {error.strerror or error}") from error


def _csv_field(text: str) -> str:
    """``text`` quoted as the csv module would quote a single field."""
    buffer = io.StringIO()
    # The line terminator must contain "\n": the writer quotes fields holding
    # its characters, and a bare newline inside a label must be quoted.
    csv.writer(buffer, lineterminator="\n").writerow([text])
    return buffer.getvalue()[:-1]
