"""Stream a CSV file as (line number, row) pairs in bounded batches.

The file is read through ``csv.reader`` line by line, so memory stays flat whatever
the file's size. Encoding: UTF-8 (with or without BOM) unless the first 64 KiB are
not UTF-8, in which case Windows-1252 (what Excel writes) is assumed.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

csv.field_size_limit(1_048_576)
SNIFF_BYTES = 65_536


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: dict[str, str] | None
    error: str | None = None


class CsvFormatError(ValueError):
    pass


def detect_encoding(head: bytes) -> str:
    try:
        # A multi-byte sequence may be cut at the sniff boundary: decode incrementally.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def open_text(binary: IO[bytes]) -> io.TextIOWrapper:
    head = binary.read(SNIFF_BYTES)
    binary.seek(0)
    encoding = detect_encoding(head)
    return io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")  # type: ignore[arg-type]


def read_rows(text: IO[str], targets: list[str | None], first_line: int = 2) -> Iterator[CsvRow]:
    """Rows after the header, keyed by canonical target; malformed rows carry an error.

    ``line`` is the file line a record starts on (records may span lines in quotes).
    """
    reader = csv.reader(text)
    width = len(targets)
    start = first_line
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield CsvRow(line=start, values=None, error=f"unreadable CSV: {exc}")
            start = first_line + reader.line_num
            continue
        line, start = start, first_line + reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != width:
            yield CsvRow(line, None, f"has {len(cells)} fields, the header has {width}")
            continue
        yield CsvRow(line, {t: c for t, c in zip(targets, cells, strict=True) if t and c})


def read_header(text: IO[str]) -> list[str]:
    line = text.readline()
    if not line.strip():
        raise CsvFormatError("the file is empty or its first line (the header) is blank")
    try:
        header = next(csv.reader([line]))
    except csv.Error as exc:
        raise CsvFormatError(f"unreadable header: {exc}") from None
    return header
