"""Stored answers to POSTs that carried an ``Idempotency-Key``.

A key is claimed before the request runs (``processing``), and completed with the
response in the same row. A claim left ``processing`` by a crashed process is taken
over after ``STALE_AFTER``; the ledger's unique request key still guarantees a single
charge in that case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from cleanlist_server.storage.db import Database
from cleanlist_server.storage.tables import idempotency_keys as t

STALE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Stored:
    state: str
    fingerprint: str
    status_code: int | None
    content_type: str | None
    body: bytes | None


class IdempotencyStore:
    def __init__(self, db: Database, *, ttl: timedelta) -> None:
        self.db = db
        self.ttl = ttl

    async def claim(self, scope: str, key: str, fingerprint: str, now: datetime) -> Stored | None:
        """Claim the key (returns None) or return what is stored under it."""
        async with self.db.write() as conn:
            row = (
                await conn.execute(
                    select(
                        t.c.state,
                        t.c.fingerprint,
                        t.c.status_code,
                        t.c.content_type,
                        t.c.body,
                        t.c.created_at,
                    ).where(t.c.scope == scope, t.c.key == key)
                )
            ).one_or_none()
            if row is not None:
                expired = row.created_at < now - self.ttl
                stale = row.state == "processing" and row.created_at < now - STALE_AFTER
                if not (expired or stale):
                    return Stored(
                        row.state, row.fingerprint, row.status_code, row.content_type, row.body
                    )
                await conn.execute(delete(t).where(t.c.scope == scope, t.c.key == key))
            try:
                await conn.execute(
                    insert(t).values(
                        scope=scope,
                        key=key,
                        fingerprint=fingerprint,
                        state="processing",
                        created_at=now,
                    )
                )
            except IntegrityError:  # pragma: no cover - the write lock makes this a PG-only race
                return Stored("processing", fingerprint, None, None, None)
        return None

    async def complete(
        self, scope: str, key: str, *, status: int, content_type: str | None, body: bytes
    ) -> None:
        async with self.db.write() as conn:
            await conn.execute(
                update(t)
                .where(t.c.scope == scope, t.c.key == key)
                .values(state="completed", status_code=status, content_type=content_type, body=body)
            )

    async def release(self, scope: str, key: str) -> None:
        async with self.db.write() as conn:
            await conn.execute(delete(t).where(t.c.scope == scope, t.c.key == key))

    async def purge(self, now: datetime) -> int:
        async with self.db.write() as conn:
            result = await conn.execute(delete(t).where(t.c.created_at < now - self.ttl))
        return int(result.rowcount)
