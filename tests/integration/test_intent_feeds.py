"""Commercial intent feeds and site events, through a real server and the sandbox market.

The market here is the demo population as of today (the session's ``market`` is pinned to
2026-11-01, and its signals would age out of the 90-day window), with no simulated
latency and no random faults; ``set_vendor`` forces Lusha's failures. Every provider is
enabled with the market's keys (``market_env``), so Lusha is the refresh's one feed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from cleanlist_server.providers.vendors.lusha import signal_code
from cleanlist_server.sandbox.market.events import batches, company_events
from cleanlist_server.sandbox.market.running import demo_market, start_market
from cleanlist_server.sandbox.market.vendors.lusha import DEPARTMENTS
from cleanlist_server.sandbox.market.views import default_profiles
from cleanlist_server.storage import intent as store
from cleanlist_server.storage.db import Database
from tests.conftest import database, market_env, start_server, stop_server
from tests.integration.lead_helpers import World, quick_key

HIRING = "signalgatesolutions.test"  # Lusha covers it; its board had >= 4 postings in 4 weeks
GROWING = "lumenleafgroup.test"  # Lusha covers it; a tenth of its staff joined this month
MAYA = "maya.patel@northwind.test"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("feeds")
    profiles = {name: replace(p, failure_rate=0.0) for name, p in default_profiles().items()}
    population = demo_market(today=date.today())
    with (
        database(request.param, tmp) as url,
        start_market(population, profiles=profiles, latency_scale=0.0, seed=7) as market,
    ):
        env = {**market_env(market), "CLEANLIST_INTENT_REFRESH_HOURS": "0"}
        server = start_server(tmp, url, **env)
        try:
            yield World(server, market)
        finally:
            stop_server(server)


@pytest.fixture
def lusha_fault(world: World) -> Iterator[Any]:
    """Force a Lusha fault for one test; the market is back to normal afterwards."""

    def force(kind: str) -> None:
        world.market.set_vendor("lusha", fault=kind)

    try:
        yield force
    finally:
        world.market.set_vendor("lusha", fault=None)


def refresh(world: World, domain: str) -> dict[str, Any]:
    done = world.server.cli("refresh-intent", "--domain", domain, "--json")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def lead(world: World, email: str, key: str | None = None) -> dict[str, Any]:
    key = key or quick_key(world.server, credits=100)
    with world.server.client(key) as c:
        r = c.post("/v1/enrich/lead", json={"email": email})
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()["lead"]
    return found


def expected_lusha(world: World, domain: str) -> dict[str, tuple[str, int]]:
    """Our code -> (``detected_at``, items) for what the market's Lusha reports (the truth,
    in Lusha's department labels, read back by the adapter's mapping)."""
    events = company_events(world.population, world.company(domain))
    items: list[tuple[str | None, date]] = []
    if events.hiring is not None:
        items.append(("hiring_surge", events.hiring.day))
    for d in events.departments:
        department = {"department": DEPARTMENTS[d.department]}
        items.append((signal_code("surgeInHiringByDepartment", department), d.day))
    items += [("headcount_growth", g.day) for g in events.headcount]
    out: dict[str, tuple[str, int]] = {}
    for code, day in items:
        if code is None or (date.today() - day).days > 90:
            continue
        when, count = out.get(code, ("", 0))
        out[code] = (max(when, f"{day.isoformat()}T00:00:00Z"), count + 1)
    return out


def from_lusha(found: dict[str, Any]) -> dict[str, str]:
    details = found["intent_signal_details"]
    return {d["code"]: d["detected_at"] for d in details if d["source"] == "lusha"}


def test_the_refresh_asks_lusha_and_reports_its_feed(world: World) -> None:
    expected = expected_lusha(world, HIRING)
    assert "hiring_surge" in expected
    report = refresh(world, HIRING)
    assert report["status"] == "ok", report
    feed = report["feeds"]["lusha"]
    assert feed["status"] == "ok"
    assert feed["signals"] == sorted(expected)
    items = sum(count for _, count in expected.values())
    assert feed["cost"] == 15.0 * items  # a credit (15 cents by default) per matched signal
    assert report["hiring"]["status"] == "ok"  # the job boards were read too
    text = world.server.cli("refresh-intent", "--domain", HIRING).stdout
    assert "hiring_surge (lusha)" in text


@pytest.mark.parametrize("domain", [HIRING, GROWING])
def test_a_lead_carries_the_lusha_signals_with_their_dates(world: World, domain: str) -> None:
    expected = expected_lusha(world, domain)
    assert expected, f"the market's Lusha reports nothing about {domain}"
    found = lead(world, str(world.employee(domain).email))
    assert from_lusha(found) == {code: when for code, (when, _) in expected.items()}
    assert set(expected) <= set(found["intent_signals"])
    assert len(found["intent_signals"]) == len(set(found["intent_signals"]))
    for detail in found["intent_signal_details"]:
        if detail["source"] == "lusha":
            evidence = detail["evidence"]
            assert evidence["count"] >= 1 and evidence["examples"]
            assert evidence["examples"][0]["date"] == detail["detected_at"][:10]


def test_a_failing_lusha_leaves_the_refresh_partial_and_its_signals_kept(
    world: World, lusha_fault: Any
) -> None:
    before = refresh(world, HIRING)["feeds"]["lusha"]["signals"]
    lusha_fault("server")
    report = refresh(world, HIRING)
    assert report["status"] == "partial", report
    assert report["feeds"]["lusha"] == {
        "status": "failed",
        "error": "feed:lusha: lusha POST /v3/companies/search: HTTP 500",
    }
    assert report["hiring"]["status"] == "ok" and report["technology"]["status"] == "ok"
    kept = from_lusha(lead(world, str(world.employee(HIRING).email)))
    assert sorted(kept) == before


def test_a_hanging_lusha_does_not_hold_up_a_lead(world: World, lusha_fault: Any) -> None:
    domain = "silverflow.test"  # never refreshed in this module; Lusha covers it
    lusha_fault("hang")
    started = time.monotonic()
    found = lead(world, str(world.employee(domain).email))
    assert time.monotonic() - started < 25  # the market hangs for 30 s
    assert from_lusha(found) == {}
    state = asyncio.run(refresh_state(world, domain))
    assert state is not None and state.status == "partial"


async def refresh_state(world: World, domain: str) -> store.RefreshState | None:
    db = Database(world.server.env["CLEANLIST_DATABASE_URL"], pool_size=1)
    try:
        for _ in range(100):  # the refresh may finish just after the answer
            async with db.read() as conn:
                state = await store.refresh_state(conn, domain)
            if state is not None and state.refreshed_at is not None:
                return state
            await asyncio.sleep(0.1)
        return None
    finally:
        await db.dispose()


def test_the_market_site_events_posted_to_the_api_show_on_the_lead(world: World) -> None:
    key = quick_key(world.server, credits=100)
    events = world.market.site_events(domains=["northwind.test"])
    with world.server.client(key) as c:
        for batch in batches(events):
            r = c.post("/v1/events", json={"events": batch})
            assert r.status_code == 200 and r.json() == {"accepted": len(batch)}, r.text
    found = lead(world, MAYA, key)
    mine = [e for e in events if e.get("email") == MAYA]
    newest = {
        "visited_pricing": max(e["occurred_at"] for e in mine if e["url"].endswith("/pricing")),
        "requested_demo": max(e["occurred_at"] for e in mine if e["type"] == "form_submit"),
    }
    web = {d["code"]: d for d in found["intent_signal_details"] if d["source"] == "web_events"}
    assert {"visited_pricing", "requested_demo", "high_engagement"} <= set(web)
    for code, when in newest.items():
        assert web[code]["detected_at"] == when
    # the lead sees its company's events too: Leo Martin read the pricing page as well
    pricing = [e for e in events if e["url"].endswith("/pricing")]
    assert len(pricing) > len([e for e in pricing if e.get("email") == MAYA])
    assert web["visited_pricing"]["evidence"]["count"] == len(pricing)
    assert found["icp_breakdown"]["intent"] > 0
