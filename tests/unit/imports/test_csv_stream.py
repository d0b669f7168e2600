from __future__ import annotations

import io

from cleanlist_server.imports.csv_stream import detect_encoding, open_text, read_header, read_rows


def rows(text: str) -> list[tuple[int, dict[str, str] | None, str | None]]:
    stream = io.StringIO(text)
    header = read_header(stream)
    targets: list[str | None] = [h.lower() for h in header]
    return [(r.line, r.values, r.error) for r in read_rows(stream, targets)]


def test_line_numbers_count_multiline_records_and_skip_blank_lines() -> None:
    got = rows('A,B\n1,"two\nlines"\n\n3,4\n5\n')
    assert got[0] == (2, {"a": "1", "b": "two\nlines"}, None)
    assert got[1] == (5, {"a": "3", "b": "4"}, None)
    assert got[2][0] == 6 and got[2][1] is None and "fields" in (got[2][2] or "")


def test_empty_cells_are_left_out() -> None:
    assert rows("A,B\n,x\n") == [(2, {"b": "x"}, None)]


def test_encodings() -> None:
    assert detect_encoding("Müller".encode()) == "utf-8-sig"
    assert detect_encoding("Müller".encode("cp1252")) == "cp1252"
    # A multi-byte character cut at the sniff boundary is still UTF-8.
    assert detect_encoding("aé".encode()[:-1]) == "utf-8-sig"
    text = open_text(io.BytesIO("\ufeffName\nJosé\n".encode()))
    assert text.read() == "Name\nJosé\n"
    text = open_text(io.BytesIO("Name\nJosé\n".encode("cp1252")))
    assert text.read() == "Name\nJosé\n"
