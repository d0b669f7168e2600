"""Repositories of intent data: company signals, tech snapshots, refresh state, web events.

Company signals, snapshots and refresh state are facts about the world (shared by every
account); web events belong to the account that sent them. Every function runs inside
the caller's connection or transaction.

One table holds the company signals of every part of a refresh, told apart by code and
``source``: hiring from job boards (``hiring_*``, source ``<board>:<token>``), technology
changes (``adopted_*``/``dropped_*``, source ``website``/``dns``), and commercial feeds
(any code, source the provider's name, ``lusha``). Each part replaces only its own rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from cleanlist_server.intent.jobs import IntentSignalData
from cleanlist_server.intent.web import WebEvent
from cleanlist_server.storage.db import Conn
from cleanlist_server.storage.tables import (
    companies,
    company_signals,
    company_tech_snapshots,
    intent_refreshes,
    web_events,
)

HIRING_PREFIX = "hiring_"
TECH_PREFIXES = ("adopted_", "dropped_")
SNAPSHOTS_KEPT = 10
MAX_EVENTS = 5000
"""Most events read per lead (newest first): plenty for every signal's threshold."""


# --- company signals ------------------------------------------------------------------


async def load_signals(conn: Conn, domain: str, since: datetime) -> list[IntentSignalData]:
    rows = await conn.execute(
        select(
            company_signals.c.code,
            company_signals.c.detected_at,
            company_signals.c.source,
            company_signals.c.evidence,
        )
        .where(company_signals.c.domain == domain, company_signals.c.detected_at >= since)
        .order_by(company_signals.c.detected_at.desc(), company_signals.c.code)
    )
    return [IntentSignalData(r.code, r.detected_at, r.source, dict(r.evidence)) for r in rows]


def _rows(domain: str, signals: Sequence[IntentSignalData], now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "domain": domain,
            "code": s.code,
            "source": s.source,
            "detected_at": s.detected_at,
            "evidence": s.evidence,
            "refreshed_at": now,
        }
        for s in signals
    ]


async def replace_hiring(
    conn: Conn,
    domain: str,
    signals: Sequence[IntentSignalData],
    now: datetime,
    *,
    keep_sources: Collection[str] = (),
) -> None:
    """The domain's hiring signals become exactly ``signals`` (they describe open jobs now).

    Rows whose ``source`` is in ``keep_sources`` (the feeds' ``hiring_*`` codes) stay."""
    c = company_signals.c
    stale = and_(c.domain == domain, c.code.startswith(HIRING_PREFIX, autoescape=True))
    if keep_sources:
        stale = and_(stale, c.source.not_in(sorted(keep_sources)))
    await conn.execute(delete(company_signals).where(stale))
    if signals:
        await conn.execute(insert(company_signals), _rows(domain, signals, now))


async def replace_feed(
    conn: Conn, domain: str, source: str, signals: Sequence[IntentSignalData], now: datetime
) -> None:
    """The domain's signals from the feed ``source`` become exactly ``signals`` (a feed
    answers with everything it knows since the window's start)."""
    c = company_signals.c
    await conn.execute(delete(company_signals).where(c.domain == domain, c.source == source))
    if signals:
        await conn.execute(insert(company_signals), _rows(domain, signals, now))


def _opposite(code: str) -> str:
    kind, _, rest = code.partition("_")
    return ("dropped_" if kind == "adopted" else "adopted_") + rest


async def add_tech_signals(
    conn: Conn,
    domain: str,
    signals: Sequence[IntentSignalData],
    now: datetime,
    *,
    prune_before: datetime,
) -> None:
    """Record technology changes (events: they stay until older than ``prune_before``);
    a change replaces an earlier record of itself and of its opposite."""
    codes = {s.code for s in signals} | {_opposite(s.code) for s in signals}
    tech = or_(*(company_signals.c.code.startswith(p, autoescape=True) for p in TECH_PREFIXES))
    stale = and_(tech, company_signals.c.detected_at < prune_before)
    await conn.execute(
        delete(company_signals).where(
            company_signals.c.domain == domain,
            or_(company_signals.c.code.in_(codes), stale) if codes else stale,
        )
    )
    if signals:
        await conn.execute(insert(company_signals), _rows(domain, signals, now))


# --- technology snapshots -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TechSnapshot:
    taken_at: datetime
    technologies: dict[str, list[str]]


async def latest_snapshot(conn: Conn, domain: str) -> TechSnapshot | None:
    row = (
        await conn.execute(
            select(company_tech_snapshots.c.taken_at, company_tech_snapshots.c.technologies)
            .where(company_tech_snapshots.c.domain == domain)
            .order_by(company_tech_snapshots.c.taken_at.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else TechSnapshot(row.taken_at, dict(row.technologies))


async def add_snapshot(
    conn: Conn, domain: str, taken_at: datetime, technologies: dict[str, list[str]]
) -> None:
    """Store a snapshot, keeping the newest ``SNAPSHOTS_KEPT`` of the domain."""
    snaps = company_tech_snapshots.c
    await conn.execute(
        delete(company_tech_snapshots).where(snaps.domain == domain, snaps.taken_at == taken_at)
    )
    await conn.execute(
        insert(company_tech_snapshots),
        {"domain": domain, "taken_at": taken_at, "technologies": technologies},
    )
    kept = (
        select(snaps.taken_at)
        .where(snaps.domain == domain)
        .order_by(snaps.taken_at.desc())
        .limit(SNAPSHOTS_KEPT)
    )
    await conn.execute(
        delete(company_tech_snapshots).where(
            snaps.domain == domain, snaps.taken_at.not_in(kept.scalar_subquery())
        )
    )


# --- refresh state --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefreshState:
    domain: str
    refreshed_at: datetime | None
    status: str
    lease_until: datetime | None

    def busy(self, now: datetime) -> bool:
        return self.lease_until is not None and self.lease_until > now


async def refresh_state(conn: Conn, domain: str) -> RefreshState | None:
    r = intent_refreshes.c
    row = (
        await conn.execute(
            select(r.domain, r.refreshed_at, r.status, r.lease_until).where(r.domain == domain)
        )
    ).first()
    if row is None:
        return None
    return RefreshState(row.domain, row.refreshed_at, row.status, row.lease_until)


def _insert_ignore(conn: Conn) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(intent_refreshes).on_conflict_do_nothing()
    return sqlite.insert(intent_refreshes).on_conflict_do_nothing()


async def claim(
    conn: Conn, domain: str, now: datetime, lease: timedelta, *, force: bool = False
) -> bool:
    """Take the domain's refresh lease; False when another refresh holds it (unless
    ``force``). A domain seen for the first time is recorded as ``pending``."""
    await conn.execute(
        _insert_ignore(conn).values(
            domain=domain, refreshed_at=None, status="pending", report={}, lease_until=None
        )
    )
    r = intent_refreshes.c
    statement = update(intent_refreshes).where(r.domain == domain)
    if not force:
        statement = statement.where(or_(r.lease_until.is_(None), r.lease_until <= now))
    moved = await conn.execute(statement.values(lease_until=now + lease))
    return moved.rowcount == 1


async def finish(
    conn: Conn, domain: str, now: datetime, status: str, report: dict[str, Any]
) -> None:
    await conn.execute(
        update(intent_refreshes)
        .where(intent_refreshes.c.domain == domain)
        .values(refreshed_at=now, status=status, report=report, lease_until=None)
    )


async def due_domains(
    conn: Conn, now: datetime, *, stale_before: datetime, failed_before: datetime, limit: int
) -> list[str]:
    """Domains to refresh, at most ``limit``: the knowledge bases' company domains never
    refreshed, then refreshes older than ``stale_before`` (failed ones: ``failed_before``),
    oldest first; never a domain whose lease is held."""
    r = intent_refreshes.c
    never = await conn.execute(
        select(companies.c.domain)
        .distinct()
        .select_from(companies.outerjoin(intent_refreshes, r.domain == companies.c.domain))
        .where(companies.c.domain.is_not(None), r.domain.is_(None))
        .order_by(companies.c.domain)
        .limit(limit)
    )
    found = [str(d) for (d,) in never]
    if len(found) >= limit:
        return found
    stale = await conn.execute(
        select(r.domain)
        .where(
            or_(r.lease_until.is_(None), r.lease_until <= now),
            or_(
                r.refreshed_at.is_(None),
                r.refreshed_at < stale_before,
                and_(r.status == "failed", r.refreshed_at < failed_before),
            ),
        )
        .order_by(r.refreshed_at.asc().nulls_first(), r.domain)
        .limit(limit - len(found))
    )
    return found + [str(d) for (d,) in stale]


# --- web events -----------------------------------------------------------------------


async def insert_events(conn: Conn, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(insert(web_events), list(rows))


async def has_events(conn: Conn, account_id: int) -> bool:
    """Whether the account ever sent an event."""
    e = web_events.c
    found = await conn.execute(select(e.id).where(e.account_id == account_id).limit(1))
    return found.first() is not None


async def events_for(
    conn: Conn,
    account_id: int,
    *,
    domain: str | None,
    email: str | None,
    since: datetime,
    until: datetime,
) -> list[WebEvent]:
    """The account's events at ``domain`` or by ``email`` in [since, until], newest first.

    One query per key column: each uses its own index (an OR would scan on SQLite)."""
    e = web_events.c
    found: dict[int, WebEvent] = {}
    for column, value in ((e.company_domain, domain), (e.email, email)):
        if value is None:
            continue
        rows = await conn.execute(
            select(e.id, e.kind, e.url, e.referrer, e.occurred_at)
            .where(
                e.account_id == account_id,
                column == value,
                e.occurred_at >= since,
                e.occurred_at <= until,
            )
            .order_by(e.occurred_at.desc())
            .limit(MAX_EVENTS)
        )
        for row in rows:
            found.setdefault(row.id, WebEvent(row.kind, row.url, row.referrer, row.occurred_at))
    return sorted(found.values(), key=lambda ev: ev.occurred_at, reverse=True)
