"""The low-level CSV reader: a file's bytes to records (lists of cell texts)
with their line numbers, a block at a time.

Why blocks and not ``for line in file``: a Python loop per physical line
costs about 0.4 µs, so a 100 MB file of blank lines took 38 s before the
reader could say "empty". Here each block of about 1 MB is checked,
decoded, cleaned and split by C code (bytes and str methods, NumPy, ``re``
and the ``csv`` module), and blank lines never reach Python: the block's
line ends are found with NumPy and only the non-blank lines are parsed.
Every call into C works on one block, so a thread reading a huge file
holds Python's interpreter lock for a few milliseconds at a time and a
GUI thread waiting for it stays responsive.

What the reader accepts:

- UTF-8 text with an optional byte-order mark and ``\\n`` or ``\\r\\n`` line
  ends; the separator is the first of ``,``, tab, ``;`` found outside quotes
  in the header record, else runs of spaces (whitespace-separated files).
- Double-quoted cells, which may hold separators, quotes (doubled) and line
  breaks. Spaces and tabs around an unquoted cell are formatting and are
  removed; inside quotes every character is kept, so a saved label with
  leading spaces or a carriage return reads back as it was.

Everything it refuses is a :class:`CSVFormatError` naming the line.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Callable, Iterator

import numpy as np

#: bytes read at a time: the slowest single C call on a block (the csv
#: module's) then takes about 10-20 ms
BLOCK_BYTES = 1 << 19
#: Longest line accepted, in bytes (a guard against binary files without newlines).
MAX_LINE_BYTES = 2**20
#: Longest record accepted (a quoted cell may hold line breaks): past it, a
#: quote is taken to be unclosed rather than the file read whole into one record.
MAX_RECORD_BYTES = 16 * 2**20

_NEWLINE = 10
_QUOTE = 34
_QUOTED = r'"(?:[^"]|"")*"'


class CSVFormatError(ValueError):
    """A file could not be loaded.

    Attributes
    ----------
    path : str
    line : int or None
        1-based line of the first problem, None when it is about the whole file.
    problem : str
        The first problem, without the file name.
    problems : tuple of (line or None, str)
        Every problem found, in the order of the message (at most a few are
        listed in the message itself).
    """

    #: problems written out in full in the message; the rest are counted
    MAX_LISTED = 6

    def __init__(self, path: str, line: int | None, problem: str, problems=None):
        problems = tuple(problems) if problems else ((line, problem),)
        self.path = path
        self.line, self.problem = problems[0]
        self.problems = problems
        super().__init__(self._message())

    def one_line(self) -> str:
        """The message on one line (problems separated by "; "), for a command line."""
        if len(self.problems) == 1:
            return str(self)
        listed = "; ".join(f"line {line}: {problem}" if line is not None else problem
                           for line, problem in self.problems[: self.MAX_LISTED])
        more = f"; and {len(self.problems) - self.MAX_LISTED} more" if len(self.problems) > self.MAX_LISTED else ""
        return f"{self.path}: {len(self.problems)} problems: {listed}{more}"

    def _message(self) -> str:
        def where(line):
            return f"line {line}: " if line is not None else ""

        if len(self.problems) == 1:
            return f"{self.path}: {where(self.line)}{self.problem}"
        listed = self.problems[: self.MAX_LISTED]
        text = f"{self.path}: {len(self.problems)} problems:"
        for line, problem in listed:
            text += f"\n- {where(line)}{problem}"
        if len(self.problems) > len(listed):
            text += f"\n- and {len(self.problems) - len(listed)} more"
        return text


def detect_delimiter(record: str) -> str:
    """The separator of a file whose header record is ``record``: the first
    of ``,``, tab and ``;`` found outside quoted cells, else ``" "`` (cells
    separated by runs of spaces) when the record has blanks between cells,
    else ``","`` (a one-column file)."""
    outside = re.sub(_QUOTED, "q", record)
    for delimiter in (",", "\t", ";"):
        if delimiter in outside:
            return delimiter
    if re.search(r"\S[ \t]+\S", outside):
        return " "
    return ","


def describe_delimiter(delimiter: str) -> str:
    """``"comma-separated"`` and so on, for a person."""
    return {",": "comma", "\t": "tab", ";": "semicolon", " ": "whitespace"}[delimiter] + "-separated"


class FlatRows:
    """Records of one block, all ``width`` cells long, as one flat list of
    cells (row after row): what splitting a quote-free block gives, without a
    list per row."""

    __slots__ = ("tokens", "width")

    def __init__(self, tokens: list[str], width: int):
        self.tokens = tokens
        self.width = width

    def __len__(self) -> int:
        return len(self.tokens) // self.width

    def column(self, j: int) -> list[str]:
        return self.tokens[j::self.width]

    def rows(self) -> list[list[str]]:
        width = self.width
        return [self.tokens[i:i + width] for i in range(0, len(self.tokens), width)]


#: True for the bytes ``bytes.isspace`` counts as blank
_BLANK_BYTES = np.zeros(256, dtype=bool)
_BLANK_BYTES[list(b" \t\n\r\x0b\x0c")] = True
#: blanks that pad a cell
_PADDING_BYTES = np.zeros(256, dtype=bool)
_PADDING_BYTES[list(b" \t")] = True
#: blanks that only a strip removes wherever they are
_ODD_BLANK_BYTES = np.zeros(256, dtype=bool)
_ODD_BLANK_BYTES[list(b"\r\x0b\x0c")] = True


class RecordReader:
    """Reads one open binary file as CSV records, a block at a time.

    ``records()`` yields ``(rows, lines, exact)`` per block: ``rows`` a list
    of records (each a list of cell texts; blank lines are skipped),
    ``lines`` an int64 array of the line each record ends on (1-based), and
    ``exact`` False when the cells may still carry the spaces around them
    (the caller strips them: C code per column beats a regex over the text)
    or True when they are exact already (a block where some quoted cell
    starts or ends with a blank). The first record is the header.
    ``progress(bytes_read, total_bytes)`` is called after each block and may
    raise to stop reading.
    """

    def __init__(self, path: str, handle, total_bytes: int,
                 progress: Callable[[int, int], object] | None = None):
        self.path = path
        self.handle = handle
        self.total_bytes = total_bytes
        self.progress = progress
        self.delimiter: str | None = None
        self._bytes_read = 0
        self._next_line = 1  # line number of the first line of the next block

    def fail(self, line, problem):
        raise CSVFormatError(self.path, line, problem)

    # ----------------------------------------------------------------- blocks

    def _blocks(self) -> Iterator[bytes]:
        """Raw blocks that each end at a line end outside quotes (the last
        block of a file without a final newline gets one)."""
        carry = b""
        first = True
        old_mac = False  # lines end with a lone "\r"
        while True:
            raw = self.handle.read(BLOCK_BYTES)
            self._bytes_read += len(raw)
            if first:
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]  # byte-order mark written by some spreadsheet programs
                old_mac = b"\r" in raw and b"\n" not in raw
                first = False
            if old_mac:
                raw = raw.replace(b"\r", b"\n")
            data = carry + raw if carry else raw
            if not raw:
                if data:
                    yield data if data.endswith(b"\n") else data + b"\n"
                return
            cut = self._record_end(data)
            if cut < 0:
                if data.rfind(b"\n") < 0 and len(data) > MAX_LINE_BYTES:
                    self.fail(self._next_line,
                              f"line longer than {MAX_LINE_BYTES // 2**20} MB: not a CSV file of numbers")
                if len(data) > MAX_RECORD_BYTES:
                    self.fail(self._next_line, f"a quoted cell runs on for more than {MAX_RECORD_BYTES // 2**20} MB "
                                               f'from here: is a quote (") not closed?')
                carry = data  # a line, or a quoted cell, runs on into the next block
                continue
            carry = data[cut + 1:]
            yield data[: cut + 1]
            if self.progress is not None:
                self.progress(self._bytes_read, self.total_bytes)

    @staticmethod
    def _record_end(data: bytes) -> int:
        """Index of the last ``\\n`` in ``data`` outside quotes (``data``
        starts outside quotes), or -1."""
        last = data.rfind(b"\n")
        if last < 0 or b'"' not in data:
            return last
        buffer = np.frombuffer(data, dtype=np.uint8)
        newlines = np.flatnonzero(buffer == _NEWLINE)
        quotes = np.flatnonzero(buffer == _QUOTE)
        # An even number of quotes before a line end: it is outside quotes.
        outside = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
        return int(outside[-1]) if outside.size else -1

    def _text(self, block: bytes) -> str:
        """``block`` decoded, after the checks for binary data."""
        if b"\x00" in block:
            self.fail(self._line_at(block, block.index(b"\x00")),
                      "binary data (a NUL byte): this is not a text CSV file")
        try:
            return block.decode("utf-8")
        except UnicodeDecodeError as error:
            self.fail(self._line_at(block, error.start), "not UTF-8 text (a binary file, or another encoding?)")

    def _line_at(self, block: bytes, offset: int) -> int:
        return self._next_line + block.count(b"\n", 0, offset)

    # ---------------------------------------------------------------- records

    def records(self) -> Iterator[tuple[list[list[str]], np.ndarray, bool]]:
        for block in self._blocks():
            first_line = self._next_line
            n_lines = block.count(b"\n")
            if not block.isspace():  # a block of blank lines only is skipped whole
                text = self._text(block)
                if self.delimiter is None:
                    self._choose_delimiter(text)
                rows, lines, exact = self._parse(block, text, first_line)
                if rows:
                    self._next_line = first_line + n_lines
                    yield rows, lines, exact
            self._next_line = first_line + n_lines

    def _choose_delimiter(self, text: str) -> None:
        header = re.match(r"\s*((?:[^\n\"]|" + _QUOTED + r")*)", text)
        self.delimiter = detect_delimiter(header.group(1))
        blank = "[ \\t\\r]" if self.delimiter != "\t" else "[ \\r]"
        separator = re.escape(self.delimiter) if self.delimiter != " " else "[ \\t]"
        # Blanks before a separator or a line end, after a separator or a
        # line start; quoted cells are matched first and kept (group 1).
        self._padding = re.compile(
            rf"({_QUOTED})|{blank}+(?={separator}|\n)|(?:(?<={separator})|(?<=\n)|^){blank}+"
        )
        self._dialect = {"delimiter": self.delimiter, "strict": True, "skipinitialspace": True}
        # A quoted cell whose text starts or ends with a blank (what str.strip removes).
        self._edge_blank = re.compile(rf'(?:^|(?<={separator})|(?<=\n))"\s|\s"(?:{separator}|\n|$)')

    def _parse(self, block: bytes, text: str, first_line: int):
        quoted = '"' in text
        # A quoted cell that starts or ends with a blank must keep it: remove
        # only the padding outside quotes (a slow regex, for such blocks only).
        exact = quoted and self._edge_blank.search(text) is not None
        if exact:
            text = self._padding.sub(r"\1", text)
        if self.delimiter == " ":
            text = self._whitespace_separated(text, quoted)
        buffer = np.frombuffer(block, dtype=np.uint8)
        ends = np.flatnonzero(buffer == _NEWLINE)
        starts = np.concatenate(([0], ends[:-1] + 1))
        if quoted and (np.searchsorted(np.flatnonzero(buffer == _QUOTE), ends) % 2).any():
            rows, lines = self._parse_multiline(text, first_line)
            return rows, lines, exact
        too_long = np.flatnonzero(ends - starts > MAX_LINE_BYTES)
        if too_long.size:
            self.fail(first_line + int(too_long[0]),
                      f"line longer than {MAX_LINE_BYTES // 2**20} MB: not a CSV file of numbers")
        # A line is kept when some byte of it (its "\n" included) is not blank.
        kept = np.flatnonzero(np.logical_or.reduceat(~_BLANK_BYTES[buffer], starts))
        all_lines = text.split("\n")
        if kept.size == 1:
            lines = [all_lines[int(kept[0])]]
        elif kept.size == len(ends):
            lines = all_lines[:-1]
        else:
            lines = list(operator.itemgetter(*kept.tolist())(all_lines))
        line_numbers = kept.astype(np.int64) + first_line
        if not exact:
            exact = self.delimiter == " " or not self._padded(buffer)
        if not quoted and self.delimiter != " ":
            width = self._common_width(buffer, starts[kept], ends[kept])
            if width:
                # Every line has the same number of separators and no quotes: the
                # cells are the text split at separators and line ends, all in C.
                tokens = self.delimiter.join(lines).split(self.delimiter) if width > 1 else list(lines)
                return FlatRows(tokens, width), line_numbers, exact
        reader = csv.reader(lines, **self._dialect)
        try:
            rows = list(reader)
        except csv.Error as error:
            self.fail(int(line_numbers[max(reader.line_num, 1) - 1]), f"malformed CSV ({error})")
        return rows, line_numbers, exact

    def _common_width(self, buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> int:
        """Cells per line when every line has the same number of separators, else 0."""
        separators = np.flatnonzero(buffer == ord(self.delimiter))
        counts = np.searchsorted(separators, ends) - np.searchsorted(separators, starts)
        if not counts.size or (counts != counts[0]).any():
            return 0
        return int(counts[0]) + 1

    def _padded(self, buffer: np.ndarray) -> bool:
        """True when some unquoted cell of the block may carry blanks around
        it (a blank next to a separator or a line end, or a carriage return):
        its cells then need stripping."""
        blank = (buffer == 32) if self.delimiter == "\t" else _PADDING_BYTES[buffer]
        boundary = (buffer == ord(self.delimiter)) | (buffer == _NEWLINE)
        return bool(blank[0] or (blank[:-1] & boundary[1:]).any() or (boundary[:-1] & blank[1:]).any()
                    or _ODD_BLANK_BYTES[buffer].any())

    @staticmethod
    def _whitespace_separated(text: str, quoted: bool) -> str:
        """Tabs read as spaces (outside quotes) and no blanks at line ends,
        which the csv module would read as one more, empty, cell."""
        if "\t" in text:
            text = re.sub(rf"({_QUOTED})|\t", lambda m: m.group(1) or " ", text) if quoted else text.replace("\t", " ")
        if quoted:
            return re.sub(rf"({_QUOTED})|[ \r]+(?=\n)", r"\1", text)
        return re.sub(r"[ \r]+(?=\n)", "", text)

    def _parse_multiline(self, text: str, first_line: int) -> tuple[list[list[str]], np.ndarray]:
        """A block where some quoted cell holds a line break: the csv module
        reads it line by line, and each record gets the line it ends on."""
        reader = csv.reader(io.StringIO(text, newline="\n"), **self._dialect)
        rows, line_numbers = [], []
        last_end = first_line - 1  # the line the last whole record ended on
        try:
            for row in reader:
                last_end = first_line + reader.line_num - 1
                if row:
                    rows.append(row)
                    line_numbers.append(last_end)
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                self.fail(last_end + 1, f'malformed CSV ({error}): a quote (") opened here is not closed')
            self.fail(first_line + max(reader.line_num, 1) - 1, f"malformed CSV ({error})")
        return rows, np.array(line_numbers, dtype=np.int64)
