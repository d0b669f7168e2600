"""Run the Alembic migrations programmatically (on every start; idempotent)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from cleanlist_server.storage.db import migration_engine

MIGRATIONS = Path(__file__).with_name("migrations")
PG_LOCK_ID = 727_274_001  # advisory lock so concurrent starts migrate one at a time


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(conn: Connection, config: Config) -> None:
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


async def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest schema."""
    config = alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    engine = migration_engine(url)
    try:
        async with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(text(f"SELECT pg_advisory_lock({PG_LOCK_ID})"))
                await conn.commit()
            try:
                if await conn.run_sync(_current) != head:
                    await conn.run_sync(_upgrade, config)
                    await conn.commit()
            finally:
                if conn.dialect.name == "postgresql":
                    await conn.execute(text(f"SELECT pg_advisory_unlock({PG_LOCK_ID})"))
                    await conn.commit()
    finally:
        await engine.dispose()
