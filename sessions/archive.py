"""The container of a session file: a zip archive holding one JSON document
and NumPy ``.npy`` arrays, written atomically and read defensively.

Layout (``docs/session-format.md``)::

    session.json          the document (UTF-8 JSON, no NaN or infinity)
    arrays/<name>.npy     one array per name (NumPy's .npy format, version 1-3)

Reading trusts nothing in the file: it must be a regular file no larger
than ``MAX_FILE_BYTES``; the zip must list exactly ``session.json`` and
``arrays/<name>.npy`` members (no other, no duplicate, no folder), each
within its size limit (checked from the zip's directory before reading, and
enforced while reading: a member cannot inflate beyond its declared size);
the JSON must be a strict object (no duplicate keys, no NaN or infinity, no
deeper nesting than ``MAX_DEPTH``); each array is read with
``allow_pickle=False`` and must hold booleans, integers, floats or
fixed-width strings. Any failure, from a truncated download to a hostile
file, is one :class:`ArchiveError` whose message says what is wrong.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

import numpy as np

from datasets.files import replacing

__all__ = ["ArchiveError", "write_archive", "read_archive", "DOCUMENT", "MAX_FILE_BYTES"]

DOCUMENT = "session.json"
ARRAY_FOLDER = "arrays/"
#: array names: letters, digits, ``_``, ``-`` and dots (``model.theta``)
NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}")
MAX_FILE_BYTES = 4 * 2**30
MAX_DOCUMENT_BYTES = 16 * 2**20
MAX_ARRAY_BYTES = 2 * 2**30
MAX_TOTAL_BYTES = 4 * 2**30
MAX_MEMBERS = 512
MAX_DEPTH = 32
#: dtype kinds an array may have: bool, signed and unsigned integers, floats, unicode strings
ARRAY_KINDS = "biufU"


class ArchiveError(ValueError):
    """A file that is not a valid archive of this format (the message says why)."""


# -- writing ---------------------------------------------------------------------------
def write_archive(path, document: dict, arrays: dict[str, np.ndarray]) -> None:
    """Write ``document`` (JSON values only) and ``arrays`` to ``path``,
    replacing it atomically: on any error the file is as it was.
    ``ValueError`` for a document or array this format cannot hold,
    ``OSError`` when the file cannot be written."""
    text = json.dumps(document, allow_nan=False, ensure_ascii=False, indent=1, sort_keys=False)
    for name, array in arrays.items():
        if not NAME_PATTERN.fullmatch(name):
            raise ValueError(f"array name {name!r} is not allowed in a session file")
        array = np.asarray(array)
        if array.dtype.kind not in ARRAY_KINDS or array.dtype.names is not None or array.dtype.hasobject:
            raise ValueError(f"array {name!r} of dtype {array.dtype} cannot be stored without pickle")
    with replacing(Path(path)) as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            archive.writestr(DOCUMENT, text.encode("utf-8"))
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
                archive.writestr(f"{ARRAY_FOLDER}{name}.npy", buffer.getvalue())


# -- reading ---------------------------------------------------------------------------
def read_archive(path) -> tuple[dict, dict[str, np.ndarray]]:
    """``(document, arrays)`` from the archive at ``path``, checked as the
    module docstring says; :class:`ArchiveError` for anything wrong (an
    ``OSError`` reading the file becomes one too)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise ArchiveError(f"cannot read the file: {error.strerror or error}") from None
    if not stat.S_ISREG(mode):
        raise ArchiveError("not a regular file (a folder, a device or a pipe)")
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise ArchiveError(f"the file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a session may have")
            return _read(handle)
    except ArchiveError:
        raise
    except OSError as error:
        raise ArchiveError(f"cannot read the file: {error.strerror or error}") from None


def _read(handle) -> tuple[dict, dict[str, np.ndarray]]:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, OSError) as error:
        raise ArchiveError(f"not a session file (not a readable zip archive: {error})") from None
    with archive:
        members = archive.infolist()
        _check_members(members)
        document = _parse_document(_member_bytes(archive, DOCUMENT, MAX_DOCUMENT_BYTES))
        arrays = {}
        for member in members:
            if member.filename == DOCUMENT:
                continue
            name = member.filename[len(ARRAY_FOLDER):-len(".npy")]
            arrays[name] = _parse_array(name, _member_bytes(archive, member.filename, MAX_ARRAY_BYTES))
    return document, arrays


def _check_members(members: list) -> None:
    if len(members) > MAX_MEMBERS:
        raise ArchiveError(f"the archive holds {len(members)} files, more than the {MAX_MEMBERS} allowed")
    names = [member.filename for member in members]
    duplicate = next((name for name in names if names.count(name) > 1), None)
    if duplicate is not None:
        raise ArchiveError(f"the archive holds {duplicate!r} twice")
    if DOCUMENT not in names:
        raise ArchiveError(f"not a session file: {DOCUMENT} is missing from the archive")
    total = 0
    for member in members:
        name = member.filename
        if name != DOCUMENT:
            stem = name[len(ARRAY_FOLDER):-len(".npy")] if name.startswith(ARRAY_FOLDER) and name.endswith(".npy") else None
            if stem is None or not NAME_PATTERN.fullmatch(stem):
                raise ArchiveError(f"unexpected file {name!r} in the archive")
        if member.flag_bits & 0x1:
            raise ArchiveError(f"{name!r} is encrypted")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveError(f"{name!r} uses an unsupported compression method ({member.compress_type})")
        limit = MAX_DOCUMENT_BYTES if name == DOCUMENT else MAX_ARRAY_BYTES
        if member.file_size > limit:
            raise ArchiveError(f"{name!r} is {member.file_size:,} bytes, more than the {limit:,} allowed")
        total += member.file_size
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(f"the archive would unpack to {total:,} bytes, more than the {MAX_TOTAL_BYTES:,} allowed")


def _member_bytes(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The member's bytes; zipfile stops at the declared size and checks the CRC."""
    try:
        with archive.open(name) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise ArchiveError(f"{name!r} is damaged or truncated ({error})") from None
    if len(data) > limit:
        raise ArchiveError(f"{name!r} is larger than the {limit:,} bytes allowed")
    return data


def _reject_constant(text: str):
    raise ValueError(f"{text} is not allowed")


def _no_duplicate_keys(pairs: list) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice")
        result[key] = value
    return result


def _parse_document(data: bytes) -> dict:
    try:
        text = data.decode("utf-8")
        document = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        raise ArchiveError(f"{DOCUMENT} is not UTF-8 text") from None
    except RecursionError:
        raise ArchiveError(f"{DOCUMENT} is nested too deeply") from None
    except ValueError as error:  # json.JSONDecodeError is one
        raise ArchiveError(f"{DOCUMENT} is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise ArchiveError(f"{DOCUMENT} must hold a JSON object")
    if _depth(document) > MAX_DEPTH:
        raise ArchiveError(f"{DOCUMENT} is nested more than {MAX_DEPTH} levels deep")
    return document


def _depth(value, level: int = 1) -> int:
    """Nesting depth of JSON ``value``, without recursion (a hostile file may nest thousands of levels)."""
    deepest, stack = level, [(value, level)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _parse_array(name: str, data: bytes) -> np.ndarray:
    """The array in ``data`` (a .npy file), after checking that its header
    describes exactly the bytes that follow (NumPy's own reader would first
    allocate whatever shape a header claims)."""
    buffer = io.BytesIO(data)
    read_header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    try:
        version = np.lib.format.read_magic(buffer)
        if version not in read_header:
            raise ValueError(f"unsupported .npy version {version[0]}.{version[1]}")
        shape, fortran_order, dtype = read_header[version](buffer, max_header_size=10_000)
    except (ValueError, OSError, EOFError, SyntaxError, TypeError, MemoryError, OverflowError) as error:
        raise ArchiveError(f"the array {name!r} is not a readable .npy array ({error})") from None
    if dtype.kind not in ARRAY_KINDS or dtype.names is not None or dtype.subdtype is not None or dtype.hasobject:
        raise ArchiveError(f"the array {name!r} has dtype {dtype}; only booleans, numbers and strings are allowed")
    if dtype.itemsize == 0:
        raise ArchiveError(f"the array {name!r} has the empty dtype {dtype}")
    count = 1
    for length in shape:
        count *= int(length)
    offset = buffer.tell()
    if count * dtype.itemsize != len(data) - offset:
        raise ArchiveError(f"the array {name!r} declares shape {shape} of {dtype} ({count * dtype.itemsize:,} "
                           f"bytes) but holds {len(data) - offset:,} bytes of data")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    array = array.reshape(shape, order="F" if fortran_order else "C")
    return np.array(array, dtype=dtype.newbyteorder("="), order="C")  # an own, writable, native copy
