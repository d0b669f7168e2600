"""Fast account setup for the lead, profile and event API tests.

``Server.new_key`` runs the CLI (a new Python process per key); these write the key and
the credits straight into the server's database, and import over HTTP, so a test that
needs a fresh account pays milliseconds for it.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from cleanlist_server.sandbox.market.model import Population, TrueCompany, TruePerson
from cleanlist_server.sandbox.market.running import RunningMarket
from cleanlist_server.services.credits import CreditService
from cleanlist_server.storage.accounts import create_key, get_or_create_account
from cleanlist_server.storage.db import Database
from tests.conftest import Server


@dataclass
class World:
    """A server and the sandbox market it reads (module-scoped by the tests that use it)."""

    server: Server
    market: RunningMarket

    @property
    def population(self) -> Population:
        return self.market.population

    @property
    def today(self) -> date:
        assert self.population.today is not None
        return self.population.today

    def company(self, domain: str) -> TrueCompany:
        return next(c for c in self.population.companies.values() if c.domain == domain)

    def employee(self, domain: str) -> TruePerson:
        """The first employee of ``domain`` with an address."""
        company = self.company(domain)
        staff = [p for p in self.population.people.values() if p.company_id == company.id]
        return min((p for p in staff if p.email), key=lambda p: p.id)


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
