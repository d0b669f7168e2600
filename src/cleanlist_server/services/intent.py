"""Intent signals as a use case: read them for a lead, refresh them from the world.

- ``signals_for`` combines the domain's stored company signals (``hiring_*``,
  ``adopted_<tech>``, ``dropped_<tech>``) with the account's own web events of the last
  90 days (``intent/web.py``), as ``scoring.icp.IntentSignal`` with weights (``WEIGHTS``).
- ``refresh`` asks the world, every call under a deadline: the company's careers pages and
  job boards (``intent/jobs.py``), its homepage and DNS through the ``website`` and
  ``dns`` providers (the stack, compared with the previous snapshot by ``intent/tech.py``),
  and every commercial intent feed (``intent/feeds.py``: the enabled providers with a key
  that implement ``IntentFeed``, such as Lusha). What it learns replaces the domain's
  stored signals, per part (each feed is a part), in one write transaction; a part that
  failed leaves its old signals alone. Failures are logged and counted (``failures``),
  never raised to a lead request.
- A code counts once in the score: when several sources report it (a job board's and
  Lusha's ``hiring_surge``), the newest carries the weight and the others are listed with
  weight 0.
- ``ensure_fresh`` (lead requests): a domain never refreshed is refreshed now; the request
  waits at most ``inline_timeout`` and the refresh finishes in the background.
- ``refresh_due`` (the server's scheduler and ``cleanlist refresh-intent``): the domains due.

A lease per domain (``intent_refreshes.lease_until``) keeps several server processes from
refreshing one domain at once. Nothing here touches the network until a refresh runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from cleanlist_server.config import Settings, board_urls
from cleanlist_server.domain.records import Query
from cleanlist_server.intent.feeds import IntentFeed, build_feeds
from cleanlist_server.intent.jobs import (
    BoardRef,
    IntentSignalData,
    JobBoardClient,
    Posting,
    find_careers,
    hiring_signals,
)
from cleanlist_server.intent.tech import carry_forward, tech_changes, union
from cleanlist_server.intent.web import WINDOW_DAYS, web_signals
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.providers.base import Provider
from cleanlist_server.providers.config import COMMERCIAL, ProviderSettings, WaterfallConfig
from cleanlist_server.scoring.icp import IcpProfile, IntentSignal
from cleanlist_server.storage import intent as store
from cleanlist_server.storage.db import Conn, Database
from cleanlist_server.verification import VerifierConfig

log = logging.getLogger("cleanlist.intent")
Clock = Callable[[], datetime]

WEIGHTS: dict[str, float] = {
    "requested_demo": 15.0,
    "visited_pricing": 10.0,
    "evaluated_competitor": 10.0,
    "high_engagement": 5.0,
    "hiring_sales_ops": 10.0,
    "hiring_surge": 10.0,
    "hiring_leadership": 5.0,
    "headcount_growth": 10.0,
    "it_spend_increase": 10.0,
    "news_financial_events": 10.0,
}
"""Points of a fresh signal (``scoring.icp`` halves them every half-life); others:"""
DEFAULT_WEIGHT = 5.0
FUTURE_SKEW = timedelta(minutes=5)
MAX_BOARDS = 4
REFRESH_DEADLINE = 60.0
"""Seconds one domain's whole refresh may take."""
LEASE = timedelta(minutes=10)
RETRY_FAILED_AFTER = timedelta(hours=1)
CONCURRENCY = 4
FEED_SOURCES = COMMERCIAL
"""A feed's signals carry its provider name as ``source``; no other part uses those."""
FEED_DEADLINE = 20.0
"""Seconds one feed may take for one domain (Lusha: two requests)."""


def weight_of(code: str) -> float:
    return WEIGHTS.get(code, DEFAULT_WEIGHT)


@dataclass
class IntentSources:
    """What a refresh talks to; ``technology`` are the ``website`` and ``dns`` providers,
    ``feeds`` the commercial intent feeds; ``clients`` are closed with ``http``."""

    http: httpx.AsyncClient
    boards: JobBoardClient
    website_template: str
    technology: Sequence[Provider]
    timeout: float = 10.0
    feeds: Sequence[IntentFeed] = ()
    feed_timeout: float = FEED_DEADLINE
    clients: Sequence[httpx.AsyncClient] = ()

    async def aclose(self) -> None:
        await self.http.aclose()
        for client in self.clients:
            await client.aclose()


@dataclass
class _Part:
    """One part of a refresh: ``ok`` (it answered; misses included) and what it found."""

    ok: bool
    value: Any = None
    error: str | None = None


class IntentService:
    def __init__(
        self,
        db: Database,
        make_sources: Callable[[], IntentSources] | None,
        *,
        clock: Clock = lambda: datetime.now(UTC),
        refresh_hours: int = 168,
        inline_timeout: float = 5.0,
        deadline: float = REFRESH_DEADLINE,
    ) -> None:
        self.db = db
        self._make_sources = make_sources
        self._sources: IntentSources | None = None
        self.clock = clock
        self.refresh_every = timedelta(hours=refresh_hours or 168)
        self.inline_timeout = inline_timeout
        self.deadline = deadline
        self.failures: Counter[str] = Counter()
        self._inflight: dict[str, asyncio.Task[dict[str, Any] | None]] = {}

    @property
    def sources(self) -> IntentSources | None:
        """Built on first refresh: requests that never refresh never open a client."""
        if self._sources is None and self._make_sources is not None:
            try:
                self._sources = self._make_sources()
            except Exception:  # a bad URL template: say so once, and refresh nothing
                log.exception("intent refresh is off: its sources could not be built")
                self._make_sources = None
        return self._sources

    # --- reading ---------------------------------------------------------------------

    async def signals_for(
        self,
        conn: Conn,
        account_id: int,
        domain: str | None,
        email: str | None,
        profile: IcpProfile,
        now: datetime,
    ) -> list[IntentSignal]:
        """The lead's signals, newest first: the company's and the account's web events."""
        since = now - timedelta(days=WINDOW_DAYS)
        stored = await store.load_signals(conn, domain, since) if domain else []
        events = await store.events_for(
            conn, account_id, domain=domain, email=email, since=since, until=now + FUTURE_SKEW
        )
        competitors = frozenset(profile.criteria.competitors)
        found = stored + web_signals(events, competitors=competitors, now=now + FUTURE_SKEW)
        found.sort(key=lambda s: (-s.detected_at.timestamp(), s.code, s.source))
        seen: set[str] = set()
        out = []
        for s in found:  # the newest report of a code scores; corroborations are listed
            weight = 0.0 if s.code in seen else weight_of(s.code)
            seen.add(s.code)
            out.append(IntentSignal(s.code, s.detected_at, s.source, s.evidence, weight))
        return out

    async def tech_stack(self, conn: Conn, domain: str) -> list[str] | None:
        """The technologies of the domain's latest snapshot (None without one)."""
        snap = await store.latest_snapshot(conn, domain)
        return union(snap.technologies) or None if snap is not None else None

    # --- refreshing ------------------------------------------------------------------

    async def ensure_fresh(self, domain: str) -> None:
        """Refresh a domain never refreshed, waiting at most ``inline_timeout``."""
        if self.inline_timeout <= 0:
            return
        async with self.db.read() as conn:
            state = await store.refresh_state(conn, domain)
        now = self.clock()
        if state is not None and (state.refreshed_at is not None or state.busy(now)):
            return
        if self.sources is None:
            return
        task = self._inflight.get(domain) or self._spawn(domain)
        try:
            await asyncio.wait_for(asyncio.shield(task), self.inline_timeout)
        except TimeoutError:
            log.info("intent refresh of %s goes on in the background", domain)
        except Exception:  # the refresh task logs its own failure
            log.debug("intent refresh of %s failed", domain, exc_info=True)

    def _spawn(self, domain: str) -> asyncio.Task[dict[str, Any] | None]:
        task = asyncio.create_task(self._claimed_refresh(domain))
        self._inflight[domain] = task

        def done(t: asyncio.Task[dict[str, Any] | None]) -> None:
            self._inflight.pop(domain, None)
            if not t.cancelled() and t.exception() is not None:
                self.failures["refresh"] += 1
                log.error("intent refresh of %s failed", domain, exc_info=t.exception())

        task.add_done_callback(done)
        return task

    async def _claimed_refresh(self, domain: str) -> dict[str, Any] | None:
        now = self.clock()
        async with self.db.write() as conn:
            claimed = await store.claim(conn, domain, now, LEASE)
        return await self._run(domain, now) if claimed else None

    async def refresh(self, domain: str, now: datetime | None = None) -> dict[str, Any]:
        """Refresh one domain now, whoever else may be at it; returns the report."""
        now = now or self.clock()
        async with self.db.write() as conn:
            await store.claim(conn, domain, now, LEASE, force=True)
        return await self._run(domain, now)

    async def refresh_due(self, limit: int, now: datetime | None = None) -> list[dict[str, Any]]:
        """Refresh up to ``limit`` domains that are due (``store.due_domains``)."""
        now = now or self.clock()
        async with self.db.write() as conn:
            due = await store.due_domains(
                conn,
                now,
                stale_before=now - self.refresh_every,
                failed_before=now - RETRY_FAILED_AFTER,
                limit=limit,
            )
            claimed = [d for d in due if await store.claim(conn, d, now, LEASE)]
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(domain: str) -> dict[str, Any]:
            async with gate:
                return await self._run(domain, self.clock())

        answers = await asyncio.gather(*(one(d) for d in claimed), return_exceptions=True)
        reports = []
        for domain, done in zip(claimed, answers, strict=True):
            if isinstance(done, BaseException):  # its lease lapses: due again later
                self.failures["refresh"] += 1
                log.error("intent refresh of %s failed", domain, exc_info=done)
            else:
                reports.append(done)
        return reports

    async def _run(self, domain: str, now: datetime) -> dict[str, Any]:
        started = time.monotonic()
        sources = self.sources
        feeds = list(sources.feeds) if sources is not None else []
        try:
            if sources is None:
                raise RuntimeError("no intent sources configured")
            async with asyncio.timeout(self.deadline):
                hiring, website, dns, *answers = await asyncio.gather(
                    self._postings(sources, domain),
                    *self._tech(sources, domain),
                    *(self._feed(f, domain, now, sources.feed_timeout) for f in feeds),
                )
        except Exception as exc:  # a deadline or a bug: every part failed, nothing replaced
            reason = "deadline" if isinstance(exc, TimeoutError) else type(exc).__name__
            self.failures[reason] += 1
            log.warning("intent refresh of %s failed: %s", domain, reason)
            failed = _Part(False, error=reason)
            hiring, website, dns, answers = failed, failed, failed, [failed] * len(feeds)
        parts = {"website": website, "dns": dns}
        by_feed = {f.name: part for f, part in zip(feeds, answers, strict=True)}
        report = await self._store(domain, now, hiring, parts, by_feed)
        report["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
        return report

    def _tech(self, sources: IntentSources, domain: str) -> list[Any]:
        by_name = {p.name: p for p in sources.technology}
        return [
            self._stack(by_name.get(name), domain, sources.timeout) for name in ("website", "dns")
        ]

    async def _stack(self, provider: Provider | None, domain: str, seconds: float) -> _Part:
        """(technologies, employee count) from one provider; a miss observes nothing."""
        if provider is None:
            return _Part(True)
        try:
            async with asyncio.timeout(seconds):
                result = await provider.lookup(Query(account_id=0, company_domain=domain))
        except Exception as exc:
            return self._failed(provider.name, domain, exc)
        if not result.matched:
            return _Part(True)
        stack = result.fields.get("company_tech_stack")
        employees = result.fields.get("company_employee_count")
        names = [str(t) for t in stack.value] if stack is not None else []
        return _Part(True, (names, employees.value if employees is not None else None))

    async def _postings(self, sources: IntentSources, domain: str) -> _Part:
        try:
            refs = await find_careers(
                sources.http, sources.website_template, domain, timeout=sources.timeout
            )
        except Exception as exc:
            return self._failed("careers", domain, exc)
        found: list[Posting] = []
        boards: list[BoardRef] = refs[:MAX_BOARDS]
        answers = await asyncio.gather(
            *(sources.boards.fetch(ref) for ref in boards), return_exceptions=True
        )
        for ref, answer in zip(boards, answers, strict=True):
            if isinstance(answer, BaseException):
                return self._failed(f"board:{ref.board}", domain, answer)
            found.extend(answer)
        return _Part(True, (boards, found))

    async def _feed(self, feed: IntentFeed, domain: str, now: datetime, seconds: float) -> _Part:
        """(signals, cost) of one feed: its codes since the window's start, as its own."""
        since = now - timedelta(days=WINDOW_DAYS)
        try:
            async with asyncio.timeout(seconds):
                found = await feed.company_signals(domain, since)
        except Exception as exc:
            return self._failed(f"feed:{feed.name}", domain, exc)
        # the contract, enforced: storage replaces a feed's rows by its name
        signals = [replace(s, source=feed.name) for s in found if s.detected_at <= now]
        count = sum(int(s.evidence.get("count") or 1) for s in signals)
        return _Part(True, (signals, round(count * feed.cost_per_signal, 4)))

    def _failed(self, part: str, domain: str, exc: BaseException) -> _Part:
        self.failures[part] += 1
        reason = f"{part}: {exc or type(exc).__name__}"
        log.warning("intent refresh of %s: %s", domain, reason)
        return _Part(False, error=reason)

    async def _store(
        self,
        domain: str,
        now: datetime,
        hiring: _Part,
        tech: dict[str, _Part],
        feeds: dict[str, _Part],
    ) -> dict[str, Any]:
        employees = next(
            (p.value[1] for p in tech.values() if p.ok and p.value and p.value[1]), None
        )
        observed = {name: p.value[0] for name, p in tech.items() if p.ok and p.value}
        tech_ok = all(p.ok for p in tech.values())
        errors = [p.error for p in (hiring, *tech.values(), *feeds.values()) if p.error]
        answered = hiring.ok or observed or any(p.ok for p in feeds.values())
        status = "ok" if not errors else "partial" if answered else "failed"
        report: dict[str, Any] = {"domain": domain, "status": status, "refreshed_at": now}
        async with self.db.write() as conn:
            report["hiring"] = await self._store_hiring(conn, domain, now, hiring, employees)
            report["technology"] = await self._store_tech(conn, domain, now, observed, tech_ok)
            report["feeds"] = {
                name: await self._store_feed(conn, domain, now, name, part)
                for name, part in feeds.items()
            }
            report["errors"] = errors
            stored: dict[str, Any] = _jsonable(report)
            await store.finish(conn, domain, now, status, stored)
        return stored

    async def _store_hiring(
        self, conn: Conn, domain: str, now: datetime, part: _Part, employees: Any
    ) -> dict[str, Any]:
        if not part.ok:
            return {"status": "failed", "error": part.error}
        boards, postings = part.value
        count = employees if isinstance(employees, int) else None
        signals = hiring_signals(postings, now=now, employee_count=count)
        await store.replace_hiring(conn, domain, signals, now, keep_sources=FEED_SOURCES)
        return {
            "status": "ok",
            "boards": [ref.source for ref in boards],
            "postings": len(postings),
            "signals": _codes(signals),
        }

    async def _store_feed(
        self, conn: Conn, domain: str, now: datetime, name: str, part: _Part
    ) -> dict[str, Any]:
        if not part.ok:
            return {"status": "failed", "error": part.error}
        signals, cost = part.value
        await store.replace_feed(conn, domain, name, signals, now)
        return {"status": "ok", "signals": _codes(signals), "cost": cost}

    async def _store_tech(
        self, conn: Conn, domain: str, now: datetime, observed: dict[str, list[str]], ok: bool
    ) -> dict[str, Any]:
        previous = await store.latest_snapshot(conn, domain)
        changes: list[IntentSignalData] = []
        if observed:
            before = previous.technologies if previous else None
            changes = tech_changes(
                before, observed, previous_at=previous.taken_at if previous else None, now=now
            )
            await store.add_snapshot(conn, domain, now, carry_forward(before, observed))
            prune = now - timedelta(days=WINDOW_DAYS)
            await store.add_tech_signals(conn, domain, changes, now, prune_before=prune)
        return {
            "status": "ok" if ok else "failed" if not observed else "partial",
            "sources": {name: sorted(names) for name, names in observed.items()},
            "technologies": union(observed),
            "baseline": previous is None and bool(observed),
            "signals": _codes(changes),
        }

    async def close(self) -> None:
        for task in list(self._inflight.values()):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        if self._sources is not None:
            await self._sources.aclose()


def _codes(signals: Sequence[IntentSignalData]) -> list[str]:
    return [s.code for s in signals]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def build_sources(
    settings: Settings,
    provider_config: WaterfallConfig,
    egress: EgressPolicy,
    verifier_config: VerifierConfig,
    clock: Clock,
) -> IntentSources:
    """The production sources: the ``website`` provider's URL template and timeout (used
    whether or not it is in the waterfall), the ``dns`` provider, the job boards of
    ``CLEANLIST_JOB_BOARD_URLS`` (one egress-checked HTTP client for all of it), and the
    intent feeds (``build_feeds``), each with its own client."""
    from cleanlist_server.providers.dns_intel import DnsProvider
    from cleanlist_server.providers.registry import http_client
    from cleanlist_server.providers.website import DEFAULT_URL_TEMPLATE, WebsiteProvider

    site = provider_config.providers.get("website") or ProviderSettings("website", True)
    template = site.url or DEFAULT_URL_TEMPLATE
    http = http_client(site, egress)
    website = WebsiteProvider(http, url_template=template, timeout=site.timeout, clock=clock)
    dns = DnsProvider(verifier_config, egress, clock=clock)
    boards = JobBoardClient(http, urls=board_urls(settings.job_board_urls), timeout=site.timeout)
    feeds = build_feeds(provider_config, egress, verifier_config, clock, only=settings.feed_names())
    clients = [c for f in feeds if isinstance(c := getattr(f, "client", None), httpx.AsyncClient)]
    timeouts = [provider_config.providers[f.name].timeout for f in feeds]
    return IntentSources(
        http,
        boards,
        template,
        [website, dns],
        site.timeout,
        feeds=feeds,
        feed_timeout=max([FEED_DEADLINE, *(2 * t for t in timeouts)]),
        clients=clients,
    )
