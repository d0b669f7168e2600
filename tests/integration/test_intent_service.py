"""IntentService on real SQLite and PostgreSQL databases, its network replaced by a
scripted world (an httpx ``MockTransport`` for the site and the job board, and stand-in
technology providers), so each change of the world between refreshes is ours to make."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select

from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.intent.jobs import JobBoardClient
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.scoring.icp import DEFAULT_PROFILE
from cleanlist_server.services.intent import IntentService, IntentSources
from cleanlist_server.storage import intent as store
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.migrate import migrate
from cleanlist_server.storage.tables import company_tech_snapshots, intent_refreshes, metadata

DOMAIN = "acme.test"
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
NEW_TABLES = {
    "icp_profiles",
    "web_events",
    "company_signals",
    "company_tech_snapshots",
    "intent_refreshes",
}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Tech:
    """A stand-in ``website``/``dns`` provider: answers ``stack`` or fails, maybe slowly."""

    name: str
    stack: list[str] | None = None
    fail: bool = False
    delay: float = 0.0
    requires_key = False
    cost_per_call = 0.0
    cost_per_hit = 0.0
    fields = frozenset({"company_tech_stack"})

    def accepts(self, query: Query) -> bool:
        return True

    async def lookup(self, query: Query) -> ProviderResult:
        await asyncio.sleep(self.delay)
        if self.fail:
            raise ProviderUnavailable(f"{self.name} is down")
        if self.stack is None:
            return ProviderResult.miss(self.name)
        value = FieldValue(list(self.stack), self.name, T0, 0.9)
        return ProviderResult(self.name, True, {"company_tech_stack": value})


@dataclass
class Site:
    """The company's homepage (linking a Lever board, or not) and that board's postings."""

    links_board: bool = True
    board_status: int = 200
    postings: list[tuple[str, datetime]] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "site.test":
            if not self.links_board:
                return httpx.Response(404, text="gone")
            html = '<html><body><a href="https://jobs.lever.co/acme">Jobs</a></body></html>'
            return httpx.Response(200, text=html, headers={"content-type": "text/html"})
        if request.url.path == "/v0/postings/acme":
            jobs = [
                {
                    "text": title,
                    "hostedUrl": f"https://jobs.lever.co/acme/{i}",
                    "createdAt": int(when.timestamp() * 1000),
                    "categories": {},
                }
                for i, (title, when) in enumerate(self.postings)
            ]
            return httpx.Response(self.board_status, json=jobs if self.board_status == 200 else {})
        return httpx.Response(404)


@dataclass
class Scripted:
    service: IntentService
    clock: Clock
    site: Site
    website: Tech
    dns: Tech
    db: Database


@pytest.fixture
async def scripted(db_url: str) -> AsyncIterator[Scripted]:
    await migrate(db_url)
    db = Database(db_url)
    clock = Clock()
    site = Site(postings=[("Account Executive", T0 - timedelta(days=2))])
    website = Tech("website", ["HubSpot", "jQuery"])
    dns = Tech("dns", ["Google Workspace"])
    http = httpx.AsyncClient(transport=httpx.MockTransport(site.handle))

    def sources() -> IntentSources:
        boards = JobBoardClient(http, urls={"lever": "http://boards.test"}, timeout=5)
        return IntentSources(http, boards, "http://site.test/{domain}", [website, dns], 2.0)

    service = IntentService(db, sources, clock=clock, inline_timeout=5.0, deadline=5.0)
    try:
        yield Scripted(service, clock, site, website, dns, db)
    finally:
        await service.close()
        await db.dispose()


async def stored(s: Scripted) -> dict[str, Any]:
    async with s.db.read() as conn:
        signals = await s.service.signals_for(conn, 1, DOMAIN, None, DEFAULT_PROFILE, s.clock())
    return {x.code: x for x in signals}


async def test_a_first_refresh_is_a_baseline_then_changes_are_signals(scripted: Scripted) -> None:
    s = scripted
    first = await s.service.refresh(DOMAIN)
    assert first["status"] == "ok" and first["technology"]["baseline"] is True
    assert first["technology"]["signals"] == []
    assert first["hiring"] == {
        "status": "ok",
        "boards": ["lever:acme"],
        "postings": 1,
        "signals": ["hiring_sales"],
    }
    s.clock.advance(days=7)
    s.website.stack = ["HubSpot", "Segment"]
    second = await s.service.refresh(DOMAIN)
    assert second["technology"]["signals"] == ["adopted_segment", "dropped_jquery"]
    found = await stored(s)
    assert set(found) == {"adopted_segment", "dropped_jquery", "hiring_sales"}
    adopted = found["adopted_segment"]
    assert adopted.detected_at == s.clock() and adopted.source == "website"
    assert adopted.evidence["previous_snapshot"] == T0.isoformat()
    assert adopted.weight == 5.0
    assert found["hiring_sales"].detected_at == T0 - timedelta(days=2)
    async with s.db.read() as conn:
        assert await s.service.tech_stack(conn, DOMAIN) == [
            "Google Workspace",
            "HubSpot",
            "Segment",
        ]


async def test_a_failed_part_keeps_what_was_known(scripted: Scripted) -> None:
    s = scripted
    await s.service.refresh(DOMAIN)
    s.clock.advance(days=7)
    s.dns.fail = True
    s.website.stack = ["HubSpot"]
    s.site.board_status = 503
    report = await s.service.refresh(DOMAIN)
    assert report["status"] == "partial"
    assert report["hiring"]["status"] == "failed"
    assert report["technology"]["status"] == "partial"
    assert report["technology"]["signals"] == ["dropped_jquery"]  # not Google Workspace
    assert any(e.startswith("dns:") for e in report["errors"])
    assert any(e.startswith("board:lever:") for e in report["errors"])
    assert set(await stored(s)) == {"hiring_sales", "dropped_jquery"}
    assert s.service.failures["dns"] == 1 and s.service.failures["board:lever"] == 1
    async with s.db.read() as conn:
        latest = (
            await conn.execute(
                select(company_tech_snapshots.c.technologies)
                .where(company_tech_snapshots.c.domain == DOMAIN)
                .order_by(company_tech_snapshots.c.taken_at.desc())
            )
        ).scalar()
    assert latest == {"website": ["HubSpot"], "dns": ["Google Workspace"]}  # carried forward


async def test_hiring_signals_are_replaced_by_what_is_open_now(scripted: Scripted) -> None:
    s = scripted
    await s.service.refresh(DOMAIN)
    s.site.postings = [("VP of Engineering", T0 + timedelta(days=1))]
    s.clock.advance(days=7)
    await s.service.refresh(DOMAIN)
    assert {c for c in await stored(s) if c.startswith("hiring_")} == {
        "hiring_engineering",
        "hiring_leadership",
    }
    s.site.links_board = False
    s.clock.advance(days=7)
    report = await s.service.refresh(DOMAIN)
    assert report["hiring"]["boards"] == [] and report["status"] == "ok"
    assert not any(c.startswith("hiring_") for c in await stored(s))


async def test_a_refresh_past_its_deadline_changes_nothing(scripted: Scripted) -> None:
    s = scripted
    await s.service.refresh(DOMAIN)
    s.service.deadline = 0.2
    s.website.delay = 1.0
    s.website.stack = []
    s.clock.advance(days=7)
    report = await s.service.refresh(DOMAIN)
    assert report["status"] == "failed" and report["errors"] == ["deadline"] * 3
    assert s.service.failures["deadline"] == 1
    assert set(await stored(s)) == {"hiring_sales"}
    async with s.db.read() as conn:
        row = (await conn.execute(select(intent_refreshes))).mappings().one()
    assert (row["status"], row["lease_until"]) == ("failed", None)


async def test_lead_requests_refresh_a_new_domain_once(scripted: Scripted) -> None:
    s = scripted
    await s.service.ensure_fresh(DOMAIN)
    assert "hiring_sales" in await stored(s)
    s.site.postings = []
    await s.service.ensure_fresh(DOMAIN)  # refreshed already: nothing happens
    assert "hiring_sales" in await stored(s)


async def test_a_slow_first_refresh_finishes_in_the_background(scripted: Scripted) -> None:
    s = scripted
    s.service.inline_timeout = 0.1
    s.dns.delay = 0.5
    started = asyncio.get_running_loop().time()
    await s.service.ensure_fresh(DOMAIN)
    assert asyncio.get_running_loop().time() - started < 0.4
    assert await stored(s) == {}
    await asyncio.sleep(0.8)
    assert "hiring_sales" in await stored(s)


async def test_due_domains_and_leases(scripted: Scripted) -> None:
    s = scripted
    async with s.db.write() as conn:
        assert await store.claim(conn, "held.test", s.clock(), timedelta(minutes=10))
        assert not await store.claim(conn, "held.test", s.clock(), timedelta(minutes=10))
    await s.service.refresh(DOMAIN)
    assert [r["domain"] for r in await s.service.refresh_due(10)] == []  # held, or fresh
    s.clock.advance(days=8)
    assert [r["domain"] for r in await s.service.refresh_due(10)] == ["held.test", DOMAIN]


def test_the_migrations_build_exactly_the_tables(db_url: str) -> None:
    asyncio.run(migrate(db_url))
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert diffs == []
    assert set(metadata.tables) >= NEW_TABLES
