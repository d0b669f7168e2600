"""Fast account setup for the lead, profile and event API tests.

``Server.new_key`` runs the CLI (a new Python process per key); these write the key and
the credits straight into the server's database, and import over HTTP, so a test that
needs a fresh account pays milliseconds for it.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime

from cleanlist_server.services.credits import CreditService
from cleanlist_server.storage.accounts import create_key, get_or_create_account
from cleanlist_server.storage.db import Database
from tests.conftest import Server


def quick_key(server: Server, account: str | None = None, *, credits: int = 0) -> str:
    """A live key for ``account`` (a new account by default), with ``credits`` granted."""
    name = account or "acct_" + secrets.token_hex(4)

    async def work() -> str:
        db = Database(server.env["CLEANLIST_DATABASE_URL"], pool_size=1)
        now = datetime.now(UTC)
        try:
            async with db.write() as conn:
                account_id = await get_or_create_account(conn, name, now=now)
                key, _ = await create_key(conn, account_id, mode="live", now=now)
            if credits:
                await CreditService(db, monthly_grant=30).grant(name, credits, note="test")
            return key
        finally:
            await db.dispose()

    return asyncio.run(work())


def import_csv(server: Server, key: str, text: str) -> None:
    with server.client(key) as c:
        r = c.post("/v1/imports", content=text.encode(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 201, r.text
    assert r.json()["rejected"] == 0, r.json()
