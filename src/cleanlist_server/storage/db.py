"""Engines for the two backends behind one small interface.

``Database.read()`` gives a connection for queries; ``Database.write()`` gives a
transaction that commits on success and rolls back on any error, so a failed request
never leaves a partial write. Both yield a ``Conn``: SQLAlchemy's ``AsyncConnection``
on PostgreSQL, and on SQLite an adapter that runs statements inline.

Why inline on SQLite: an indexed SQLite lookup takes tens of microseconds, while the
thread hop of an async driver (aiosqlite) costs more than that per statement, several
times per request. Reads never wait in WAL mode. Writes are serialized in-process by a
lock and start with ``BEGIN IMMEDIATE``; when another process holds the write lock the
wait is an ``asyncio.sleep`` loop, so the event loop is never blocked on a lock.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import orjson
from sqlalchemy import Connection, Dialect, Engine, create_engine, event
from sqlalchemy.engine import CursorResult, ScalarResult, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.base import Executable

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA temp_store=MEMORY",
)
LOCK_WAIT_SECONDS = 30.0


class Conn(Protocol):
    """What repositories need of a connection (both adapters provide it)."""

    @property
    def dialect(self) -> Dialect: ...

    async def execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]: ...

    async def scalar(self, statement: Executable, parameters: Any = None) -> Any: ...

    async def scalars(self, statement: Executable, parameters: Any = None) -> ScalarResult[Any]: ...

    def begin_nested(self) -> AbstractAsyncContextManager[Any]: ...


class InlineConnection:
    """A sync SQLAlchemy connection behind the async ``Conn`` interface."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @property
    def dialect(self) -> Dialect:
        return self._conn.dialect

    async def execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]:
        return self._conn.execute(statement, parameters)

    async def scalar(self, statement: Executable, parameters: Any = None) -> Any:
        return self._conn.scalar(statement, parameters)

    async def scalars(self, statement: Executable, parameters: Any = None) -> ScalarResult[Any]:
        return self._conn.scalars(statement, parameters)

    @asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[None]:
        with self._conn.begin_nested():
            yield


def async_url(url: str) -> str:
    """Pick the async driver for a plain ``sqlite://`` or ``postgresql://`` URL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgresql+psycopg2", "postgresql+asyncpg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _sqlite_engine(url: str, *, pool_size: int, busy_ms: int) -> Engine:
    sync_url = make_url(url).set(drivername="sqlite+pysqlite")
    engine = create_engine(
        sync_url,
        pool_size=pool_size,
        max_overflow=-1,  # never block the event loop waiting for a pooled connection
        connect_args={"check_same_thread": False, "isolation_level": None},
        json_serializer=_dumps,
        json_deserializer=orjson.loads,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        for pragma in (*SQLITE_PRAGMAS, f"PRAGMA busy_timeout={busy_ms}"):
            dbapi_conn.execute(pragma)

    return engine


class Database:
    """A reader and a writer (the same async engine on PostgreSQL)."""

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self.url = async_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        self._write_lock = asyncio.Lock()
        if self.dialect == "sqlite":
            ensure_sqlite_dir(self.url)
            # WAL readers only wait in rare cases (recovery, a truncating checkpoint).
            self._sqlite_reader = _sqlite_engine(self.url, pool_size=pool_size, busy_ms=5000)
            self._sqlite_writer = _sqlite_engine(self.url, pool_size=1, busy_ms=0)
        else:
            self._async = create_async_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                json_serializer=_dumps,
                json_deserializer=orjson.loads,
            )

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Conn]:
        if self.dialect != "sqlite":
            async with self._async.connect() as conn:
                yield conn
            return
        with self._sqlite_reader.connect() as sync_conn:
            yield InlineConnection(sync_conn)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Conn]:
        if self.dialect != "sqlite":
            async with self._async.begin() as conn:
                yield conn
            return
        async with self._write_lock:
            with self._sqlite_writer.connect() as sync_conn:
                await _begin_immediate(sync_conn)
                try:
                    yield InlineConnection(sync_conn)
                except BaseException:
                    sync_conn.connection.dbapi_connection.rollback()  # type: ignore[union-attr]
                    raise
                sync_conn.connection.dbapi_connection.commit()  # type: ignore[union-attr]

    async def dispose(self) -> None:
        if self.dialect == "sqlite":
            self._sqlite_reader.dispose()
            self._sqlite_writer.dispose()
        else:
            await self._async.dispose()


async def _begin_immediate(conn: Connection) -> None:
    """Take SQLite's write lock, waiting without blocking the loop if another process has it."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.001
    while True:
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file (the default lives in ./data/)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def migration_engine(url: str) -> AsyncEngine:
    """A single-connection engine for running migrations."""
    ensure_sqlite_dir(url)
    return create_async_engine(async_url(url), poolclass=NullPool)
