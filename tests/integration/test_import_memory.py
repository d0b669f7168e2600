"""A large import streams: peak memory does not grow with the file's length."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from cleanlist_server.services.imports import Importer
from cleanlist_server.storage.accounts import get_or_create_account
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.migrate import migrate


def write_csv(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write("Email,First Name,Last Name,Title,Company,Phone\n")
        for i in range(rows):
            out.write(
                f"p{i}@c{i % 97}.test,First{i},Last{i},Account Executive,Co {i % 97},+1 415 555 0{100 + i % 99}\n"
            )


async def peak_of_import(tmp: Path, rows: int) -> int:
    url = f"sqlite:///{tmp / f'mem{rows}.db'}"
    await migrate(url)
    db = Database(url)
    path = tmp / f"rows{rows}.csv"
    write_csv(path, rows)
    try:
        async with db.write() as conn:
            account = await get_or_create_account(conn, "mem", now=datetime.now(UTC))
        tracemalloc.start()
        with path.open("rb") as handle:
            report = await Importer(db).run(account, handle)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert report.imported == rows
        return peak
    finally:
        await db.dispose()


async def test_peak_memory_is_flat_in_the_number_of_rows(tmp_path: Path) -> None:
    small = await peak_of_import(tmp_path, 2_000)
    large = await peak_of_import(tmp_path, 20_000)
    # Ten times the rows; a streaming import keeps the same few batches in memory.
    assert large < small * 1.5, (small, large)
