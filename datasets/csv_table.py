"""A CSV file read once into columns (:class:`CSVTable`), and the datasets
that can be made from it.

Reading and choosing are separate steps, so a person (or the window's Load
CSV dialog) can look at the columns, pick the target, the features and what
to do with missing values and text, and see how many rows each choice keeps,
without reading the file again::

    table = scan_csv("penguins.csv")              # reads the file (slow part)
    plan = table.plan(target="species", missing="drop", text="onehot")
    plan.n_rows_used, plan.feature_names, plan.problems, plan.notes
    dataset = table.to_dataset(target="species", missing="drop", text="onehot")

What a column holds is decided from every cell of it:

- ``"number"``: every cell a finite number or missing;
- ``"text"``: some cell is neither a number nor a missing marker;
- ``"date"``: every such text cell looks like a date or a time;
- ``"empty"``: every cell missing;
- ``"index"``: a column without a name that holds row numbers 0.. or 1..
  (or distinct texts): a row label written by pandas or R, not a feature.

Missing cells are the empty cell and the markers in ``MISSING_MARKERS``
(``NA``, ``nan``, ``?``, ...), in any case.

A table keeps, per column, the cells as floats (NaN where not a number),
the rows of its missing cells and, while the column has at most
``MAX_CATEGORIES`` distinct texts, each row's text as a small integer code
(what a class label or an indicator feature needs). No Python object per
cell is kept, so a 1,000,000-row file needs about as much memory as its
numbers.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path

import numpy as np

from datasets.csv_reader import CSVFormatError, FlatRows, RecordReader
from datasets.dataset import Dataset

#: Most data rows a file may hold: a million points is already more than the
#: views can draw interactively.
MAX_ROWS = 1_000_000
#: Most columns (features plus targets).
MAX_COLUMNS = 1_000
#: Most cells in the file (rows x columns): 20 million floats are 160 MB.
MAX_VALUES = 20_000_000
#: Files larger than this are rejected before reading anything.
MAX_FILE_BYTES = 512 * 2**20
#: An integer target with at most this many distinct values is read as class labels.
MAX_AUTO_CLASSES = 10
#: Most classes a classification target may have.
MAX_CLASSES = 100
#: A text column with at most this many distinct values can become indicator features.
MAX_ONEHOT = 20
#: Distinct texts a column remembers per row (codes); past this it is "many".
MAX_CATEGORIES = 1_000
#: Cells read as "missing" (compared in lower case).
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
#: Rows of the file kept as text for a preview.
PREVIEW_ROWS = 50

TASKS = ("classification", "regression")
MISSING_CHOICES = ("error", "drop")
TEXT_CHOICES = ("error", "onehot", "ignore")

# What a cell is (one byte per distinct text).
_NUMBER, _MISSING, _TEXT, _NONFINITE = 0, 1, 2, 3

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_TIME = r"(?:[T ]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[ap]m)?(?: ?(?:Z|UTC|[+-]\d{2}:?\d{2}))?)"
_DATE = re.compile(
    "(?i)(?:"
    r"\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"  # 2019-01-31, 2019/1/31, 2019-01
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"  # 31.01.2019, 1/31/19
    r"|\d{4}[- ]?[QM]\d{1,2}"  # 1959Q1, 1990M01
    rf"|\d{{1,2}}[- ]{_MONTH}(?:[- ,]+\d{{2,4}})?"  # 1-Jan-2000, 1 March
    rf"|{_MONTH}[- ]\d{{1,4}}(?:,?[- ]\d{{2,4}})?"  # Jan 1 2000, March 2001
    r"|(?=\d{1,2}:)"  # a time of day alone
    f"){_TIME}?"
)
_INTEGER = re.compile(r"[+-]?\d+\Z")
_UNNAMED = re.compile(r"Unnamed: \d+\Z")


# --------------------------------------------------------------------- labels


def class_order(labels) -> list[str]:
    """``labels`` in the order a CSV reader numbers classes: by value when
    every label is a number, otherwise in natural order ("class 2" before
    "class 10"; otherwise by character, so "Yes" before "no").

    ``save_csv`` then ``load_csv`` gives back the same class codes exactly
    when a dataset's ``class_names`` are in this order.
    """
    labels = list(labels)
    if all(_is_number(label) for label in labels):
        return sorted(labels, key=lambda label: (float(label), label))
    return sorted(labels, key=_natural_key)


def _natural_key(label: str):
    # re.split with a capturing group alternates text, digits, text, ...: the
    # parts at odd positions are digit runs, compared as numbers.
    parts = re.split(r"(\d+)", label)
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts)), label


def _is_number(token: str) -> bool:
    try:
        return math.isfinite(float(token))
    except ValueError:
        return False


def is_missing_marker(text: str) -> bool:
    """True for a cell the reader takes as missing ("", "NA", "nan", "?", ...)."""
    return text.strip().lower() in MISSING_MARKERS


def _classify(token: str) -> tuple[int, float]:
    """(kind, value) of one cell text."""
    if token.lower() in MISSING_MARKERS:
        return _MISSING, math.nan
    try:
        value = float(token)
    except ValueError:
        return _TEXT, math.nan
    return (_NUMBER, value) if math.isfinite(value) else (_NONFINITE, math.nan)


def _float_or_nan(token: str) -> float:
    try:
        return float(token)
    except ValueError:
        return math.nan


def _shown(token: str) -> str:
    return repr(token if len(token) <= 40 else token[:37] + "...")


def _lines_text(lines, count: int) -> str:
    """"line 5", "lines 5 and 9", or "lines 5, 9, ..." when ``count`` is more than the lines given."""
    lines = list(lines)
    if count == 1:
        return f"line {lines[0]}"
    if count <= len(lines):
        return "lines " + ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
    return "lines " + ", ".join(map(str, lines)) + ", ..."


# -------------------------------------------------------------------- columns

_EXAMPLES = 3


class CSVColumn:
    """What one column of a file holds (built by :func:`scan_csv`).

    Attributes
    ----------
    name : str
    position : int
        0-based position in the file.
    kind : str
        ``"number"``, ``"text"``, ``"date"``, ``"empty"`` or ``"index"``
        (see the module docstring).
    n_missing, n_text, n_nonfinite : int
        Cells missing, holding text, holding inf or a number too large for a float.
    categories : list of str or None
        The distinct non-missing texts in :func:`class_order`, or None when
        there are more than ``MAX_CATEGORIES``.
    """

    def __init__(self, name: str, position: int, unnamed: bool):
        self.name = name
        self.position = position
        self.unnamed = unnamed
        self.n_rows = 0
        self.n_missing = 0
        self.n_text = 0
        self.n_nonfinite = 0
        self.missing_examples: list[tuple[int, str]] = []
        self.text_examples: list[tuple[int, str]] = []
        self.nonfinite_examples: list[tuple[int, str]] = []
        self.texts_are_dates = True
        self._values: list[np.ndarray] | None = []  # float64 per chunk, NaN where not a number
        self._missing_rows: list[np.ndarray] = []
        self._code_of: dict[str, int] | None = {}
        self._category_kind: list[int] = []
        self._category_value: list[float] = []
        self._codes: list[np.ndarray] | None = []  # int32 per chunk
        self.kind = "number"

    # ------------------------------------------------------------ reading

    def add(self, tokens, lines: np.ndarray) -> None:
        """Take the cells of one chunk (``tokens``, stripped) from ``lines``."""
        n = len(tokens)
        first_row = self.n_rows
        self.n_rows += n
        codes = self._intern(tokens)
        if self._values is not None:
            try:
                # float() in C over the whole chunk; only a failure needs the slow part.
                values = np.array(list(map(float, tokens)), dtype=np.float64)
            except ValueError:
                values = None
            if values is not None and np.isfinite(values).all():
                self._values.append(values)
                return
        if codes is not None:
            kinds = np.asarray(self._category_kind, dtype=np.int8)[codes]
            values = np.asarray(self._category_value, dtype=np.float64)[codes]
        else:
            missing = np.fromiter(map(MISSING_MARKERS.__contains__, map(str.lower, tokens)), dtype=bool, count=n)
            values = np.fromiter(map(_float_or_nan, tokens), dtype=np.float64, count=n)
            kinds = np.where(missing, _MISSING, np.where(np.isnan(values), _TEXT,
                                                         np.where(np.isinf(values), _NONFINITE, _NUMBER)))
        self._note_cells(tokens, lines, kinds, first_row)
        if self._values is not None:
            if self.n_text and self._code_of is None:
                self._values = None  # a text column with many values: its numbers are never used
            else:
                self._values.append(values)

    def _intern(self, tokens) -> np.ndarray | None:
        """Each cell's code among the column's distinct texts (None once
        there are too many of them to remember)."""
        if self._code_of is None:
            return None
        new = set(tokens).difference(self._code_of)
        if len(self._code_of) + len(new) > MAX_CATEGORIES:
            self._code_of = self._codes = None
            self._category_kind = self._category_value = []
            return None
        for token in sorted(new):
            kind, value = _classify(token)
            self._code_of[token] = len(self._code_of)
            self._category_kind.append(kind)
            self._category_value.append(value)
        codes = np.fromiter(map(self._code_of.__getitem__, tokens), dtype=np.int32, count=len(tokens))
        self._codes.append(codes)
        return codes

    def _note_cells(self, tokens, lines, kinds: np.ndarray, first_row: int) -> None:
        missing = np.flatnonzero(kinds == _MISSING)
        if missing.size:
            self.n_missing += missing.size
            self._missing_rows.append(missing + first_row)
            self._examples(self.missing_examples, tokens, lines, missing)
        text = np.flatnonzero(kinds == _TEXT)
        if text.size:
            self.n_text += text.size
            self._examples(self.text_examples, tokens, lines, text)
            if self.texts_are_dates:
                texts = [tokens[i] for i in text.tolist()] if text.size < 64 else compress(tokens, kinds == _TEXT)
                self.texts_are_dates = all(map(_DATE.fullmatch, texts))
        nonfinite = np.flatnonzero(kinds == _NONFINITE)
        if nonfinite.size:
            self.n_nonfinite += nonfinite.size
            self._examples(self.nonfinite_examples, tokens, lines, nonfinite)

    @staticmethod
    def _examples(examples: list, tokens, lines, indices: np.ndarray) -> None:
        for index in indices[: _EXAMPLES - len(examples)].tolist():
            examples.append((int(lines[index]), tokens[index]))

    def finish(self, row_numbers_from: int | None) -> None:
        """Join the chunks and decide the kind (``row_numbers_from``: 0 or 1
        when an unnamed column counts rows from there)."""
        self._missing = np.concatenate(self._missing_rows) if self._missing_rows else np.empty(0, np.int64)
        del self._missing_rows
        if self._values is not None:
            self._values = np.concatenate(self._values) if self._values else np.empty(0)
        if self._codes is not None:
            self._codes = np.concatenate(self._codes) if self._codes else np.empty(0, np.int32)
            order = class_order(
                text for text, kind in zip(self._code_of, self._category_kind) if kind != _MISSING
            )
            self.categories = order
        else:
            self.categories = None
        if self.n_rows and self.n_missing == self.n_rows:
            self.kind = "empty"
        elif self.n_text:
            self.kind = "date" if self.texts_are_dates else "text"
        else:
            self.kind = "number"
        if self.unnamed and self.n_rows and self._counts_rows():
            self.kind = "index"

    def _counts_rows(self) -> bool:
        if self.kind == "number" and self.n_missing == 0 and self.n_nonfinite == 0:
            for start in (0, 1):
                if np.array_equal(self._values, np.arange(start, start + self.n_rows)):
                    return True
        if self.kind == "text" and self.n_missing == 0 and self.categories is not None:
            return len(self.categories) == self.n_rows  # row labels: every one different
        return False

    # ------------------------------------------------------------ using

    @property
    def n_distinct(self) -> int | None:
        """Distinct non-missing texts, None when more than ``MAX_CATEGORIES``."""
        return None if self.categories is None else len(self.categories)

    def missing_mask(self, n_rows: int) -> np.ndarray:
        mask = np.zeros(n_rows, dtype=bool)
        mask[self._missing] = True
        return mask

    def values(self) -> np.ndarray:
        """The cells as floats (NaN where missing or text), shape (n_rows,)."""
        return self._values

    def codes(self) -> np.ndarray:
        """Each row's text as an index into :attr:`categories` (-1 where missing)."""
        position = {text: index for index, text in enumerate(self.categories)}
        lookup = np.array([position.get(text, -1) for text in self._code_of], dtype=np.int64)
        return lookup[self._codes]

    def describe(self) -> str:
        """One line for a person: "number · 2 missing", "text · 3 values"."""
        if self.kind == "text":
            values = f"{self.n_distinct} values" if self.n_distinct is not None else f"over {MAX_CATEGORIES:,} values"
            parts = ["text", values]
        else:
            parts = [{"number": "number", "date": "date", "empty": "empty", "index": "row numbers"}[self.kind]]
        if self.n_missing and self.kind != "empty":
            parts.append(f"{self.n_missing:,} missing")
        if self.n_nonfinite:
            parts.append(f"{self.n_nonfinite:,} not finite")
        return " · ".join(parts)


# ---------------------------------------------------------------------- table


@dataclass(frozen=True)
class LoadPlan:
    """What :meth:`CSVTable.to_dataset` would make with some choices.

    Attributes
    ----------
    target, features : tuple of str
        Target column(s) and the file columns used as features.
    feature_names : tuple of str
        The dataset's features (a one-hot column becomes several).
    task : str or None
        None when a problem stops the decision.
    class_names : tuple of str
    n_rows, n_rows_used : int
        Data rows in the file, and rows the dataset would have.
    notes : tuple of str
        What a person should know (dropped rows, columns left out).
    problems : tuple of (line or None, str)
        Why it cannot be loaded with these choices (empty when it can).
    """

    target: tuple[str, ...]
    features: tuple[str, ...]
    feature_names: tuple[str, ...]
    task: str | None
    class_names: tuple[str, ...]
    n_rows: int
    n_rows_used: int
    notes: tuple[str, ...]
    problems: tuple[tuple[int | None, str], ...]
    # how to build it: (column, "number" | "onehot") per feature column, the kept rows
    _columns: tuple = field(default=(), repr=False)
    _keep: np.ndarray | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def n_rows_dropped(self) -> int:
        return self.n_rows - self.n_rows_used


class CSVTable:
    """One CSV file read into columns (made by :func:`scan_csv`).

    Attributes
    ----------
    path : str
    name : str
        The file's stem, the datasets' name.
    delimiter : str
        ``","``, ``"\\t"``, ``";"`` or ``" "`` (whitespace-separated).
    columns : tuple of CSVColumn
    column_names : tuple of str
    n_rows : int
        Data rows (records after the header; blank lines do not count).
    header_line : int
    preview : list of list of str
        The first ``PREVIEW_ROWS`` data rows as text, with their ``preview_lines``.
    notes : tuple of str
        What reading found worth saying (columns renamed).
    """

    def __init__(self, path, n_bytes=0):
        self.path = path
        self.name = Path(path).stem
        self.n_bytes = n_bytes
        self.delimiter = ","
        self.columns: tuple[CSVColumn, ...] = ()
        self.n_rows = 0
        self.header_line = 1
        self.preview: list[list[str]] = []
        self.preview_lines: list[int] = []
        self.notes: tuple[str, ...] = ()
        self._lines: list[np.ndarray] | np.ndarray = []
        self._ragged: list[tuple[int, int]] = []  # (line, n_fields), the first few
        self._n_ragged = 0
        self._row_labels_note = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> CSVColumn:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def fail(self, line, problem):
        raise CSVFormatError(self.path, line, problem)

    # ------------------------------------------------------------ reading

    def _read(self, reader: RecordReader) -> None:
        chunks = reader.records()
        first = next(chunks, None)
        if first is None:
            self.fail(None, "the file is empty: a CSV file needs a header row and data rows")
        rows, lines, exact = first
        self.delimiter = reader.delimiter
        if isinstance(rows, FlatRows):
            width = rows.width
            self._set_header(rows.tokens[:width], int(lines[0]), exact)
            self._add_rows(FlatRows(rows.tokens[width:], width), lines[1:], exact)
        else:
            self._read_first(rows, lines, exact)
        for rows, lines, exact in chunks:
            self._add_rows(rows, lines, exact)
        self._finish_reading()

    def _read_first(self, rows, lines, exact) -> None:
        header = rows[0]
        if len(rows) > 1 and len(rows[1]) == len(header) + 1 and len(header) > 1:
            # R's write.csv with row names: the header has no name over them
            header = ["", *header]
            self._row_labels_note = ("the header names one column fewer than the rows hold: "
                                     "the first column is read as row labels")
        self._set_header(header, int(lines[0]), exact)
        self._add_rows(rows[1:], lines[1:], exact)

    def _finish_reading(self) -> None:
        if self.n_rows == 0 and self._n_ragged:
            line, n_fields = self._ragged[0]
            self.fail(line, f"{n_fields} fields, but the header (line {self.header_line}) has {len(self.columns)} "
                            f"columns, and no data row has {len(self.columns)}: is the first line a header?")
        if self.n_rows == 0:
            self.fail(self.header_line, "no data rows after the header")
        self._lines = np.concatenate(self._lines)
        for column in self.columns:
            column.finish(None)

    def _set_header(self, cells: list[str], line: int, exact: bool) -> None:
        self.header_line = line
        names = [cell if exact else cell.strip() for cell in cells]
        if self.delimiter == " ":
            # 'OBS' 'GPA': names in single quotes, as some statistics programs write them
            names = [name[1:-1] if len(name) > 2 and name[0] == name[-1] == "'" else name for name in names]
        if all(_is_number(name) for name in names):
            self.fail(line, "no header row: the first row holds numbers, but it must name the columns "
                            "(add a line such as 'x1,x2,label' at the top)")
        if len(names) < 2:
            self.fail(line, f"one column ({names[0]!r}) only: the file needs feature columns and a target column "
                            f"separated by commas, tabs, semicolons or spaces")
        if len(names) > MAX_COLUMNS:
            self.fail(line, f"too large: {len(names)} columns (the limit is {MAX_COLUMNS})")
        notes = []
        columns = []
        taken = set(names)
        for position, name in enumerate(names):
            unnamed = not name.strip() or bool(_UNNAMED.match(name))
            if not name.strip():
                name = self._free_name(f"column {position + 1}", taken)
                notes.append(f"column {position + 1} has no name in the header: it is called {name!r}")
            elif any(column.name == name for column in columns):
                renamed = self._free_name(f"{name} ({position + 1})", taken)
                notes.append(f"two columns are named {name!r}: the one in position {position + 1} "
                             f"is called {renamed!r}")
                name = renamed
            taken.add(name)
            columns.append(CSVColumn(name, position, unnamed))
        self.columns = tuple(columns)
        self.notes = tuple(notes) if not self._row_labels_note else (self._row_labels_note,)

    @staticmethod
    def _free_name(name: str, taken: set) -> str:
        candidate, suffix = name, 2
        while candidate in taken:
            candidate = f"{name} #{suffix}"
            suffix += 1
        return candidate

    def _add_rows(self, rows: list[list[str]], lines: np.ndarray, exact: bool) -> None:
        if not rows:
            return
        n_columns = len(self.columns)
        limit = min(MAX_ROWS, MAX_VALUES // n_columns)
        if self.n_rows + self._n_ragged + len(rows) > limit:
            line = int(lines[limit - self.n_rows - self._n_ragged])
            if limit == MAX_ROWS:
                self.fail(line, f"too large: more than {MAX_ROWS:,} data rows (the limit for the app)")
            self.fail(line, f"too large: more than {MAX_VALUES:,} values (rows x columns; the limit for the app)")
        if isinstance(rows, FlatRows):
            if rows.width == n_columns:
                self._add_columns([rows.column(j) for j in range(n_columns)], lines, exact,
                                  lambda take: rows.rows()[:take] if take < len(rows) else rows.rows())
                return
            rows = rows.rows()  # every row has the wrong length: reported as such below
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        ragged = lengths != n_columns
        if ragged.any():
            blank = [index for index in np.flatnonzero(ragged).tolist()
                     if lengths[index] == 1 and not rows[index][0].strip()]
            ragged[blank] = False  # a line of blanks in a quoted block
            bad = np.flatnonzero(ragged)
            self._n_ragged += bad.size
            for index in bad[: _EXAMPLES - len(self._ragged)].tolist():
                self._ragged.append((int(lines[index]), int(lengths[index])))
            good = ~ragged
            good[blank] = False
            rows = list(compress(rows, good))
            lines = lines[good]
            if not rows:
                return
        self._add_columns(list(zip(*rows)), lines, exact, lambda take: rows[:take])

    def _add_columns(self, columns: list, lines: np.ndarray, exact: bool, first_rows) -> None:
        """Rows of the right length, as one sequence of cells per column."""
        if len(self.preview) < PREVIEW_ROWS:
            take = PREVIEW_ROWS - len(self.preview)
            self.preview.extend([cell.strip() for cell in row] for row in first_rows(take))
            self.preview_lines.extend(lines[:take].tolist())
        self.n_rows += len(lines)
        self._lines.append(lines)
        for column, cells in zip(self.columns, columns):
            column.add(cells if exact else list(map(str.strip, cells)), lines)

    def line_of_row(self, row: int) -> int:
        return int(self._lines[row])

    # ------------------------------------------------------------ choosing

    def plan(self, target=None, task=None, *, features=None, missing="error", text="error") -> LoadPlan:
        """What :meth:`to_dataset` makes with these choices, and every
        problem that stops it, without building any array. Parameters as
        for :func:`datasets.load_csv`."""
        return _Planner(self, target, task, features, missing, text).plan()

    def to_dataset(self, target=None, task=None, *, features=None, missing="error", text="error") -> Dataset:
        """The dataset these choices make; ``CSVFormatError`` listing every problem otherwise."""
        plan = self.plan(target, task, features=features, missing=missing, text=text)
        if not plan.ok:
            raise CSVFormatError(self.path, None, "", plan.problems)
        return _build(self, plan)


def scan_csv(path, progress=None) -> CSVTable:
    """Read the CSV file at ``path`` into a :class:`CSVTable`.

    ``progress(bytes_read, total_bytes)`` is called after each block of
    about half a megabyte; it may raise any exception to stop reading (the
    exception goes through). Special files (FIFOs, devices, directories) are
    refused before they are opened for reading.

    Raises ``CSVFormatError`` for what makes the file no table at all
    (missing, not a regular file, empty, binary, too large, no header row,
    malformed quoting); problems of single cells are kept for
    :meth:`CSVTable.plan` to report.
    """
    path_text = _path_text(path)
    handle, size = open_regular_file(path_text)
    with handle:
        table = CSVTable(path_text, size)
        table._read(RecordReader(path_text, handle, size, progress))
    return table


def _path_text(path) -> str:
    try:
        path_text = os.fspath(path)
    except TypeError:
        raise ValueError(f"path must be a file path, got {path!r}") from None
    return os.fsdecode(path_text) if isinstance(path_text, bytes) else path_text


_SPECIAL_KINDS = (
    ("S_ISDIR", "a directory"),
    ("S_ISFIFO", "a FIFO (named pipe)"),
    ("S_ISCHR", "a character device"),
    ("S_ISBLK", "a block device"),
    ("S_ISSOCK", "a socket"),
)


def special_file_kind(mode: int) -> str | None:
    """"a FIFO (named pipe)", "a directory", ... for a mode that is not a regular file's, else None."""
    import stat

    for test, kind in _SPECIAL_KINDS:
        if getattr(stat, test)(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def open_regular_file(path_text: str):
    """``(binary handle, size)`` of a regular file, or ``CSVFormatError``.

    Opening a FIFO for reading waits for a writer, forever if none comes, and
    a device can be read without end: anything but a regular file is refused
    from ``stat`` before it is opened, and opened without blocking and
    checked again (in case it was swapped meanwhile).
    """
    try:
        kind = special_file_kind(os.stat(path_text).st_mode)
    except OSError as error:
        raise CSVFormatError(path_text, None, f"cannot read the file: {error.strerror or error}") from error
    if kind is not None:
        raise CSVFormatError(path_text, None, f"{kind}, not a regular file: only CSV files can be loaded")
    try:
        descriptor = os.open(path_text, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise CSVFormatError(path_text, None, f"cannot read the file: {error.strerror or error}") from error
    status = os.fstat(descriptor)
    kind = special_file_kind(status.st_mode)
    if kind is not None:
        os.close(descriptor)
        raise CSVFormatError(path_text, None, f"{kind}, not a regular file: only CSV files can be loaded")
    if status.st_size > MAX_FILE_BYTES:
        os.close(descriptor)
        raise CSVFormatError(path_text, None, f"too large: {status.st_size / 2**20:.0f} MB "
                                              f"(the limit is {MAX_FILE_BYTES // 2**20} MB)")
    if hasattr(os, "set_blocking"):
        os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb"), status.st_size


# -------------------------------------------------------------------- planning


def _names_argument(value, parameter: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = (value,) if isinstance(value, str) else value
    try:
        names = tuple(names)
    except TypeError:
        raise ValueError(f"{parameter} must be None, a column name or a sequence of names, got {value!r}") from None
    if not names or not all(isinstance(name, str) for name in names):
        raise ValueError(f"{parameter} must be None, a column name or a sequence of names, got {value!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"{parameter}={value!r} names a column twice")
    return names


def check_choices(target, task, features, missing, text) -> tuple:
    """The arguments of ``load_csv`` checked (ValueError naming the bad one)."""
    if task not in (None, *TASKS):
        raise ValueError(f"task must be None, 'classification' or 'regression', got {task!r}")
    if missing not in MISSING_CHOICES:
        raise ValueError(f"missing must be 'error' or 'drop', got {missing!r}")
    if text not in TEXT_CHOICES:
        raise ValueError(f"text must be 'error', 'onehot' or 'ignore', got {text!r}")
    targets = _names_argument(target, "target")
    if task == "classification" and targets is not None and len(targets) > 1:
        raise ValueError(f"target={target!r}: classification takes one target column, got {len(targets)}")
    chosen = _names_argument(features, "features")
    if targets and chosen and set(targets) & set(chosen):
        both = next(name for name in chosen if name in targets)
        raise ValueError(f"features={features!r} holds the target column {both!r}")
    return targets, chosen


class _Planner:
    """Works out one :class:`LoadPlan`; collects problems instead of stopping at the first."""

    def __init__(self, table: CSVTable, target, task, features, missing, text):
        self.table = table
        self.targets, self.chosen = check_choices(target, task, features, missing, text)
        self.task = task
        self.missing = missing
        self.text = text
        self.problems: list[tuple[int | None, str]] = []
        self.notes: list[str] = list(table.notes)

    def problem(self, line, text):
        self.problems.append((line, text))

    def plan(self) -> LoadPlan:
        table = self.table
        if table._n_ragged:
            line, n_fields = table._ragged[0]
            text = f"{n_fields} fields, but the header (line {table.header_line}) has {len(table.columns)} columns"
            if table._n_ragged > 1:
                lines = [line for line, _ in table._ragged]
                text += f"; {table._n_ragged:,} rows have the wrong number of fields ({_lines_text(lines, table._n_ragged)})"
            self.problem(line, text)
        targets = self._target_columns()
        used = self._feature_columns(targets)
        keep = self._rows_kept([column for column, _ in used] + targets)
        n_used = table.n_rows if keep is None else int(keep.sum())
        task, class_names = None, ()
        if targets and n_used:
            task, class_names = self._target(targets, keep)
        feature_names = []
        for column, use in used:
            if use == "onehot":
                feature_names.extend(f"{column.name}={category}" for category in column.categories)
            else:
                feature_names.append(column.name)
        if targets and not used and not self.problems:
            self.problem(table.header_line, "no feature column: the file needs at least one usable column "
                                            "besides the target")
        if len(set(feature_names)) != len(feature_names):
            clash = next(name for name in feature_names if feature_names.count(name) > 1)
            self.problem(table.header_line, f"two features would be named {clash!r}: rename a column")
        return LoadPlan(
            target=tuple(column.name for column in targets),
            features=tuple(column.name for column, _ in used),
            feature_names=tuple(feature_names),
            task=task,
            class_names=class_names,
            n_rows=table.n_rows,
            n_rows_used=n_used,
            notes=tuple(self.notes),
            problems=tuple(self.problems),
            _columns=tuple(used),
            _keep=keep,
        )

    def _unknown(self, names, what: str) -> list[CSVColumn]:
        table = self.table
        found = []
        for name in names:
            try:
                found.append(table.column(name))
            except KeyError:
                self.problem(table.header_line, f"no column named {name!r} for the {what}; the columns are: "
                                                f"{', '.join(map(repr, table.column_names))}")
        return found

    def _target_columns(self) -> list[CSVColumn]:
        if self.targets is None:
            return [self.table.columns[-1]]
        return self._unknown(self.targets, "target")

    def _feature_columns(self, targets) -> list[tuple[CSVColumn, str]]:
        """(column, "number" or "onehot") for each feature column used."""
        if self.chosen is not None:
            candidates = self._unknown(self.chosen, "features")
        else:
            candidates = [column for column in self.table.columns if column not in targets]
        automatic = self.chosen is None
        used = []
        for column in candidates:
            use = self._use(column, automatic)
            if use is not None:
                used.append((column, use))
        return used

    def _use(self, column: CSVColumn, automatic: bool) -> str | None:
        """How ``column`` becomes features, None to leave it out (with a note or a problem)."""
        name = repr(column.name)
        if column.kind == "index" and automatic:
            self.notes.append(f"column {name} has no name and holds row numbers or labels: left out")
            return None
        if column.kind == "index" and not column.n_text:
            return "number"
        if column.kind == "index":
            return self._text_use(column, automatic)
        if column.kind == "date":
            if automatic:
                self.notes.append(f"column {name} holds dates: left out")
            else:
                line, token = column.text_examples[0]
                self.problem(line, f"column {name} holds dates ({_shown(token)}), which are not features")
            return None
        if column.kind == "empty":
            if automatic:
                self.notes.append(f"column {name} has no values: left out")
            else:
                self.problem(None, f"column {name} has no values (every cell is missing)")
            return None
        if column.n_nonfinite:
            line, token = column.nonfinite_examples[0]
            more = self._more(column.nonfinite_examples, column.n_nonfinite)
            self.problem(line, f"column {name}: {token!r} is not a finite number{more}")
            return None
        if column.kind == "number":
            return "number"
        return self._text_use(column, automatic)

    def _text_use(self, column: CSVColumn, automatic: bool) -> str | None:
        name = repr(column.name)
        line, token = column.text_examples[0]
        if self.text == "ignore":
            self.notes.append(f"column {name} holds text ({_shown(token)} on line {line}): left out")
            return None
        if self.text == "onehot":
            if column.n_distinct is not None and column.n_distinct <= MAX_ONEHOT:
                values = ", ".join(column.categories)
                self.notes.append(f"column {name} became {column.n_distinct} indicator features ({values})")
                return "onehot"
            many = f"{column.n_distinct}" if column.n_distinct is not None else f"more than {MAX_CATEGORIES:,}"
            reason = f"{many} distinct values, too many for indicator features (at most {MAX_ONEHOT})"
            if automatic:
                self.notes.append(f"column {name} holds text with {reason}: left out")
            else:
                self.problem(line, f"column {name} holds text with {reason}")
            return None
        more = self._more(column.text_examples, column.n_text)
        self.problem(line, f"column {name}: {_shown(token)} is not a number (a feature must be a number){more}; "
                           f"text='onehot' turns a text column into indicator features, text='ignore' leaves it out")
        return None

    @staticmethod
    def _more(examples, count: int) -> str:
        """", and 12 more (lines 5, 9, ...)" after the first of ``count`` cells."""
        if count <= 1:
            return ""
        return f", and {count - 1:,} more ({_lines_text([line for line, _ in examples[1:]], count - 1)})"

    def _rows_kept(self, columns: list[CSVColumn]) -> np.ndarray | None:
        """The rows kept (None: all), or problems for missing cells when ``missing='error'``."""
        with_missing = [column for column in dict.fromkeys(columns) if column.n_missing and column.kind != "empty"]
        if not with_missing:
            return None
        if self.missing == "error":
            for column in with_missing:
                line, token = column.missing_examples[0]
                what = "missing value (empty field)" if not token else f"missing value ({token!r})"
                more = self._more(column.missing_examples, column.n_missing)
                self.problem(line, f"column {column.name!r}: {what}{more}; missing='drop' leaves such rows out")
            return None
        n_rows = self.table.n_rows
        dropped = np.zeros(n_rows, dtype=bool)
        for column in with_missing:
            dropped |= column.missing_mask(n_rows)
        n_dropped = int(dropped.sum())
        lines = [self.table.line_of_row(row) for row in np.flatnonzero(dropped)[:_EXAMPLES].tolist()]
        self.notes.insert(0, f"{n_dropped:,} of {n_rows:,} rows dropped for a missing value "
                             f"({_lines_text(lines, n_dropped)})")
        self.n_dropped = n_dropped
        if n_dropped == n_rows:
            self.problem(None, "every row has a missing value in a column used, so no row is left "
                               "(leave out the columns with many missing values)")
        return ~dropped

    # ------------------------------------------------------------ target

    def _target(self, targets: list[CSVColumn], keep) -> tuple[str | None, tuple[str, ...]]:
        for column in targets:
            if column.kind == "empty" or (column.kind == "date" and self.task != "classification"):
                what = "dates" if column.kind == "date" else "no values"
                self.problem(None, f"column {column.name!r} holds {what}: it cannot be the target")
                return None, ()
        if len(targets) > 1:
            for column in targets:
                if column.n_text:
                    line, token = column.text_examples[0]
                    self.problem(line, f"column {column.name!r}: {_shown(token)} is not a number "
                                       f"(several target columns are a regression target)")
            return self._regression(targets)
        column = targets[0]
        numeric = not column.n_text
        if self.task == "regression" or (self.task is None and numeric and not self._few_integers(column, keep)):
            if not numeric:
                line, token = column.text_examples[0]
                more = self._more(column.text_examples, column.n_text)
                self.problem(line, f"column {column.name!r}: {_shown(token)} is not a number "
                                   f"(task='regression' needs numbers){more}")
                return None, ()
            return self._regression(targets)
        return self._classes(column, keep)

    def _regression(self, targets) -> tuple[str | None, tuple[str, ...]]:
        finite = True
        for column in targets:
            if column.n_nonfinite:
                line, token = column.nonfinite_examples[0]
                more = self._more(column.nonfinite_examples, column.n_nonfinite)
                self.problem(line, f"column {column.name!r}: {token!r} is not a finite number{more}")
                finite = False
        return ("regression", ()) if finite else (None, ())

    @staticmethod
    def _present(column: CSVColumn, keep) -> list[str] | None:
        """The target's labels on the kept rows, in class order (None: too many to tell)."""
        if column.categories is None:
            return None
        codes = column.codes()
        if keep is not None:
            codes = codes[keep]
        present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(column.categories)))
        return [column.categories[index] for index in present.tolist()]

    def _few_integers(self, column: CSVColumn, keep) -> bool:
        """True when every label is written as an integer ("3", not "3.0") and there are few distinct ones.

        The text decides, not the value: "0,1,2" reads as class labels, while a
        measurement written "1.0" stays a number. ``save_csv`` writes regression
        targets with ``repr`` (always a "." or an exponent), so they come back as
        regression even when they are whole numbers.
        """
        labels = self._present(column, keep)
        return labels is not None and len(labels) <= MAX_AUTO_CLASSES and all(map(_INTEGER.match, labels))

    def _classes(self, column: CSVColumn, keep) -> tuple[str | None, tuple[str, ...]]:
        name = repr(column.name)
        labels = self._present(column, keep)
        if labels is None or len(labels) > MAX_CLASSES:
            count = f"{len(labels)}" if labels is not None else f"more than {MAX_CATEGORIES:,}"
            hint = ""
            if column.n_text and column.n_text < column.n_rows - column.n_missing:
                line, token = column.text_examples[0]
                hint = f"; if it should be numeric, look for text in it, e.g. {token!r} at line {line}"
            self.problem(None, f"column {name} has {count} distinct labels, more than {MAX_CLASSES} classes{hint}")
            return None, ()
        if len(labels) == 1:
            self.problem(None, f"column {name} holds a single class ({labels[0]!r}): a classifier needs at least "
                               f"two (or load it with task='regression')")
            return None, ()
        return "classification", tuple(labels)


def _build(table: CSVTable, plan: LoadPlan) -> Dataset:
    keep = plan._keep
    n_used = plan.n_rows_used
    blocks = []
    for column, use in plan._columns:
        if use == "number":
            values = column.values()
            blocks.append((values if keep is None else values[keep])[:, None])
        else:
            codes = column.codes() if keep is None else column.codes()[keep]
            blocks.append(codes[:, None] == np.arange(len(column.categories))[None, :])
    X = np.empty((n_used, len(plan.feature_names)), dtype=np.float64)
    start = 0
    for block in blocks:
        X[:, start:start + block.shape[1]] = block
        start += block.shape[1]
    targets = [table.column(name) for name in plan.target]
    if plan.task == "classification":
        column = targets[0]
        codes = column.codes() if keep is None else column.codes()[keep]
        position = {label: code for code, label in enumerate(plan.class_names)}
        lookup = np.array([position.get(label, -1) for label in column.categories], dtype=np.int64)
        y = lookup[codes]
    elif len(targets) == 1:
        values = targets[0].values()
        y = values if keep is None else values[keep]
    else:
        y = np.column_stack([column.values() if keep is None else column.values()[keep] for column in targets])
    return Dataset(X, y, plan.task, plan.feature_names, plan.class_names, table.name, notes=plan.notes)


__all__ = ["CSVColumn", "CSVTable", "LoadPlan", "class_order", "scan_csv"]
