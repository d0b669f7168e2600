"""The market's events: site events in ``POST /v1/events`` form, and company events (truth).

Site events are checked with the product's own validator (``services.events.parse_events``)
and turned into signals by ``intent.web.web_signals``, as a lead request would.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest

from cleanlist_server.intent.web import WebEvent, web_signals
from cleanlist_server.sandbox.market.events import (
    COMPETITORS,
    HISTORY_WEEKS,
    RECENT,
    SITE,
    SURGE_POSTINGS,
    WINDOW_DAYS,
    batches,
    company_events,
    market_events,
)
from cleanlist_server.sandbox.market.jobs import postings_for
from cleanlist_server.sandbox.market.model import Population
from cleanlist_server.sandbox.market.running import bench_population, demo_market
from cleanlist_server.services.events import MAX_EVENTS, parse_events

TODAY = date(2026, 11, 1)
MIDNIGHT = datetime.combine(TODAY, time(), UTC)
MAYA = "maya.patel@northwind.test"


@pytest.fixture(scope="module")
def demo() -> Population:
    return demo_market(today=TODAY)


@pytest.fixture(scope="module")
def bench() -> Population:
    return bench_population(1500, today=TODAY)


def when(event: dict[str, str]) -> datetime:
    return datetime.fromisoformat(event["occurred_at"])


def test_site_events_are_deterministic(demo: Population) -> None:
    again = demo_market(today=TODAY)
    assert market_events(demo) == market_events(again)
    assert market_events(demo) != market_events(bench_population(400, seed=8, today=TODAY))


@pytest.mark.parametrize("name", ["demo", "bench"])
def test_site_events_are_valid_recent_and_never_in_the_future(
    name: str, request: pytest.FixtureRequest
) -> None:
    population: Population = request.getfixturevalue(name)
    events = market_events(population)
    assert len(events) > 20
    assert events == sorted(events, key=lambda e: e["occurred_at"])
    for event in events:
        assert MIDNIGHT - timedelta(days=WINDOW_DAYS) <= when(event) < MIDNIGHT
        assert event["occurred_at"].endswith("Z") and event["url"].startswith(SITE + "/")
    rows = [row for batch in batches(events) for row in parse_events(batch, now=MIDNIGHT)]
    assert len(rows) == len(events)
    kinds = Counter(row["kind"] for row in rows)
    assert kinds["page_view"] > kinds["form_submit"] > 0
    assert any(row["email"] is None for row in rows)  # anonymous company visits
    assert {row["company_domain"] for row in rows} <= {
        c.domain for c in population.companies.values()
    }


def test_maya_priced_and_asked_for_a_demo_in_the_last_days(demo: Population) -> None:
    mine = [e for e in market_events(demo) if e.get("email") == MAYA]
    rows = parse_events(mine, now=MIDNIGHT)
    seen = [WebEvent(r["kind"], r["url"], r["referrer"], r["occurred_at"]) for r in rows]
    found = {s.code: s for s in web_signals(seen, competitors=frozenset(COMPETITORS), now=MIDNIGHT)}
    assert set(found) == {
        "visited_pricing",
        "requested_demo",
        "evaluated_competitor",
        "high_engagement",
    }
    assert found["requested_demo"].detected_at.date() == TODAY - timedelta(days=1)
    assert found["visited_pricing"].detected_at.date() == TODAY - timedelta(days=2)
    assert found["visited_pricing"].evidence["count"] == 2
    without_rivals = web_signals(seen, now=MIDNIGHT)
    assert "evaluated_competitor" not in {s.code for s in without_rivals}


def test_domains_filter_the_same_events(demo: Population) -> None:
    every = market_events(demo)
    north = market_events(demo, domains=["northwind.test"])
    assert north == [e for e in every if (e.get("email") or "").endswith("@northwind.test")]
    assert {e["email"] for e in north} == {MAYA, "leo.martin@northwind.test"}
    assert market_events(demo, domains=[]) == []


def test_batches_hold_at_most_a_thousand_events() -> None:
    events = [{"n": i} for i in range(2345)]
    cut = list(batches(events))
    assert [len(b) for b in cut] == [MAX_EVENTS, MAX_EVENTS, 345]
    assert [e for b in cut for e in b] == events


def test_company_events_follow_the_job_boards_and_the_staff(bench: Population) -> None:
    surges = growth = 0
    for company in bench.companies.values():
        found = company_events(bench, company)
        postings = postings_for(company, TODAY, seed=bench.seed)
        recent = [p for p in postings if p.posted_at >= MIDNIGHT - RECENT]
        usual = (len(postings) - len(recent)) * 4 / HISTORY_WEEKS  # an average four weeks
        surge = len(recent) >= SURGE_POSTINGS and len(recent) > usual
        assert (found.hiring is not None) == surge
        if found.hiring is not None:
            surges += 1
            assert found.hiring.last_4_weeks == len(recent)
            assert found.hiring.day == max(p.posted_at for p in recent).date()
        for d in found.departments:
            assert d.last_4_weeks == sum(p.department == d.department for p in recent) >= 2
            assert d.last_4_weeks > d.per_4_weeks_before
        for g in found.headcount:
            growth += 1
            assert TODAY - timedelta(days=365) <= g.day <= TODAY
            assert g.baseline < g.employees
    assert surges and growth  # both kinds exist in a market of 150 companies
