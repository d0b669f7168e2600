"""Import the user's own contacts and companies from CSV into the knowledge base.

The file streams through in batches of ``BATCH_ROWS`` rows, each written in its own
transaction, so memory stays flat and the SQLite write lock is held only briefly.
A run that dies half-way leaves whole batches behind; since importing is idempotent,
running the same file again completes it (docs/imports.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import IO, Any

from sqlalchemy import insert, select, update

from cleanlist_server.errors import InvalidRequest, NotFound
from cleanlist_server.imports.columns import MappingError, map_headers, parse_overrides
from cleanlist_server.imports.csv_stream import (
    CsvFormatError,
    CsvRow,
    open_text,
    read_header,
    read_rows,
)
from cleanlist_server.normalize.record import Normalized, RowRejected, normalize_row
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.kb import BatchWriter
from cleanlist_server.storage.tables import imports

BATCH_ROWS = 500
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class ImportReport:
    id: str
    status: str
    filename: str | None
    columns: dict[str, str | None]
    rows: int = 0
    imported: int = 0
    merged: int = 0
    unchanged: int = 0
    rejected: int = 0
    dropped_values: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_truncated: bool = False
    created_at: str = ""
    finished_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ImportOptions:
    mapping: tuple[str, ...] = ()
    default_region: str | None = "US"
    error_limit: int = 1000


def new_import_id() -> str:
    return "imp_" + secrets.token_hex(8)


def _batches(rows: Iterator[CsvRow], size: int) -> Iterator[list[CsvRow]]:
    while batch := list(islice(rows, size)):
        yield batch


class Importer:
    def __init__(self, db: Database, *, clock: Clock = utcnow) -> None:
        self.db = db
        self.clock = clock

    async def run(
        self,
        account_id: int,
        binary: IO[bytes],
        *,
        filename: str | None = None,
        options: ImportOptions = ImportOptions(),
        on_reject: Callable[[int, str], None] | None = None,
    ) -> ImportReport:
        text = open_text(binary)
        try:
            overrides = parse_overrides(options.mapping)
            header = read_header(text)
            targets = map_headers(header, overrides)
        except MappingError as exc:
            raise InvalidRequest(str(exc), param="map", code="invalid_mapping") from None
        except CsvFormatError as exc:
            raise InvalidRequest(str(exc), param="file", code="invalid_csv") from None
        if not any(targets):
            raise InvalidRequest(
                "none of the columns is recognised; use map=source=target "
                f"(columns: {', '.join(header[:20])})",
                param="file",
                code="no_known_columns",
            )
        started = self.clock()
        report = ImportReport(
            id=new_import_id(),
            status="running",
            filename=filename,
            columns=dict(zip(header, targets, strict=True)),
            created_at=_iso(started),
        )
        await self._save(account_id, report, insert_row=True)
        try:
            for batch in _batches(read_rows(text, targets), BATCH_ROWS):
                await self._apply(account_id, batch, report, options, on_reject)
        except BaseException:
            report.status = "failed"
            await self._save(account_id, report)
            raise
        report.status = "completed"
        report.finished_at = _iso(self.clock())
        await self._save(account_id, report)
        return report

    async def _apply(
        self,
        account_id: int,
        batch: list[CsvRow],
        report: ImportReport,
        options: ImportOptions,
        on_reject: Callable[[int, str], None] | None,
    ) -> None:
        good: list[tuple[int, Normalized]] = []
        for row in batch:
            report.rows += 1
            if row.values is None:
                self._reject(report, row.line, row.error or "malformed row", options, on_reject)
                continue
            try:
                normalized = normalize_row(row.values, default_region=options.default_region)
            except RowRejected as exc:
                self._reject(report, row.line, str(exc), options, on_reject)
                continue
            report.dropped_values += len(normalized.dropped)
            good.append((row.line, normalized))
        if not good:
            return
        async with self.db.write() as conn:
            writer = BatchWriter(conn, account_id, source=f"import:{report.id}", now=self.clock())
            outcomes = await writer.apply([n for _, n in good])
        for (line, _), outcome in zip(good, outcomes, strict=True):
            if outcome.startswith("rejected: "):
                self._reject(report, line, outcome.removeprefix("rejected: "), options, on_reject)
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)

    @staticmethod
    def _reject(
        report: ImportReport,
        line: int,
        reason: str,
        options: ImportOptions,
        on_reject: Callable[[int, str], None] | None,
    ) -> None:
        report.rejected += 1
        if len(report.errors) < options.error_limit:
            report.errors.append({"line": line, "reason": reason})
        else:
            report.errors_truncated = True
        if on_reject is not None:
            on_reject(line, reason)

    async def _save(
        self, account_id: int, report: ImportReport, *, insert_row: bool = False
    ) -> None:
        values = {
            "status": report.status,
            "report": report.as_dict(),
            "finished_at": _parse(report.finished_at),
        }
        async with self.db.write() as conn:
            if insert_row:
                await conn.execute(
                    insert(imports).values(
                        id=report.id,
                        account_id=account_id,
                        created_at=_parse(report.created_at),
                        filename=report.filename,
                        **values,
                    )
                )
            else:
                await conn.execute(
                    update(imports).where(imports.c.id == report.id).values(**values)
                )

    async def get(self, account_id: int, import_id: str) -> dict[str, Any]:
        async with self.db.read() as conn:
            found = await conn.scalar(
                select(imports.c.report).where(
                    imports.c.id == import_id, imports.c.account_id == account_id
                )
            )
        if found is None:
            raise NotFound(f"No import {import_id!r} in this account.", param="id")
        return dict(found)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))
