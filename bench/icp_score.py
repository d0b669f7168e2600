"""Benchmark: ICP scoring of 100,000 enriched records in-process, on one core.

Builds seeded synthetic records (canonical contact fields, as enrichment returns them) and a
profile using all nine criteria plus intent (ten scoring inputs), compiles it once, then times
``score`` over every record. Reports leads/s (best and median of the runs) and the tier mix.

The intent signals are real ones: the sandbox market's companies (``bench_population``, seed
7) go through the product's own signal code, their job boards through
``intent.jobs.hiring_signals`` and their site events (``market_events``) through
``intent.web.web_signals``, weighted as ``services.intent`` weighs them; each record takes
the signals of one market company.

Usage: ``python bench/icp_score.py [--records 100000] [--runs 5] [--seed 7]``. Aim: > 50,000/s.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from cleanlist_server.domain.enums import CompanyRevenue, CompanySize, Department, Seniority
from cleanlist_server.scoring.icp import IntentSignal, compile_profile, parse_profile, score

NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
COMPETITORS = ["rival.io", "competitor.com", "rivalenrich.test", "leadwise.test"]
"""Ours, and the ones the market's site visitors arrive from (``events.COMPETITORS``)."""
PROFILE = {
    "name": "bench: mid-market SaaS",
    "criteria": {
        "seniorities": ["director", "vp", "c_level"],
        "departments": ["Sales", "Marketing", "Customer Success"],
        "company_sizes": ["51-200", "201-500", "501-1000"],
        "industries": ["SaaS", "Software", "5415"],
        "revenues": ["$10M-$25M", "$25M-$50M", "$50M-$100M"],
        "countries": ["US", "CA", "GB", "DE"],
        "technologies": ["Salesforce", "HubSpot", "Outreach"],
        "excluded_domains": ["example-partner.com", "do-not-contact.io"],
        "competitors": COMPETITORS,
    },
    "weights": {"seniority": 25, "department": 15, "intent": 15, "competitor": 60},
}
INDUSTRIES = [
    ("SaaS", "513210"),
    ("Software", "513210"),
    ("IT Services", "541512"),
    ("Financial Services", "523999"),
    ("Retail", "455219"),
    ("Manufacturing", "339999"),
    ("Restaurants", "722511"),
    ("Hospitals & Health Care", "622110"),
]
TECH = [
    "Salesforce",
    "HubSpot",
    "Outreach",
    "Slack",
    "Zendesk",
    "Google Workspace",
    "Microsoft 365",
]
COUNTRIES = ["US", "US", "US", "CA", "GB", "DE", "FR", "IN", "BR", "AU"]


def maybe(rng: random.Random, value: Any, present: float = 0.9) -> Any:
    return value if rng.random() < present else None


def make_record(rng: random.Random, i: int) -> dict[str, Any]:
    industry, code = rng.choice(INDUSTRIES)
    domain = (
        rng.choice(["rival.io", "do-not-contact.io"]) if i % 97 == 0 else f"company{i % 20000}.com"
    )
    record = {
        "email": f"lead{i}@{domain}",
        "seniority": maybe(rng, rng.choice(list(Seniority)).value),
        "department": maybe(rng, rng.choice(list(Department)).value),
        "company_domain": domain,
        "company_size": maybe(rng, rng.choice(list(CompanySize)).value),
        "company_industry": maybe(rng, industry),
        "company_naics_code": code,
        "company_revenue": maybe(rng, rng.choice(list(CompanyRevenue)).value, 0.6),
        "country_code": maybe(rng, rng.choice(COUNTRIES)),
        "company_tech_stack": maybe(rng, sorted(rng.sample(TECH, rng.randint(1, 4))), 0.5),
    }
    return {k: v for k, v in record.items() if v is not None}


def market_intent(companies: int = 500) -> list[list[IntentSignal]]:
    """Per market company, its hiring and web signals as of the market's day, ``NOW``."""
    from cleanlist_server.intent.jobs import hiring_signals
    from cleanlist_server.intent.web import WebEvent, web_signals
    from cleanlist_server.sandbox.market.events import market_events
    from cleanlist_server.sandbox.market.jobs import postings_for
    from cleanlist_server.sandbox.market.running import bench_population
    from cleanlist_server.services.intent import weight_of

    population = bench_population(people=companies * 10, seed=7, today=NOW.date())
    visits: dict[str, list[WebEvent]] = {}
    for e in market_events(population):
        domain = e.get("company_domain") or str(e["email"]).rsplit("@", 1)[-1]
        when = datetime.fromisoformat(e["occurred_at"].replace("Z", "+00:00"))
        visits.setdefault(domain, []).append(WebEvent(e["type"], e["url"], e.get("referrer"), when))
    pool = []
    for company in population.companies.values():
        postings = [p.as_posting() for p in postings_for(company, population.today, seed=7)]
        size = company.fields.get("company_employee_count")
        found = hiring_signals(postings, now=NOW, employee_count=size)
        found += web_signals(
            visits.get(company.domain, ()), competitors=frozenset(COMPETITORS), now=NOW
        )
        pool.append(
            [
                IntentSignal(s.code, s.detected_at, s.source, s.evidence, weight_of(s.code))
                for s in found
            ]
        )
    return pool


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rng = random.Random(args.seed)
    pool = market_intent()
    leads = [(make_record(rng, i), rng.choice(pool)) for i in range(args.records)]
    profile = compile_profile(parse_profile(PROFILE))
    print(
        f"python {platform.python_version()} on {platform.machine()}, pid {os.getpid()}, one core"
    )
    print(f"profile: {len(PROFILE['criteria'])} criteria + intent; points {dict(profile.points)}")
    print(f"records: {len(leads):,} ({sum(1 for _, i in leads if i):,} with intent signals)")
    codes = Counter(signal.code for _, signals in leads for signal in signals)
    print("signals from the market: " + ", ".join(f"{c} {n:,}" for c, n in codes.most_common()))

    rates: list[float] = []
    tiers: Counter[str] = Counter()
    for run in range(args.runs):
        started = time.perf_counter()
        results = [score(record, profile, intent=intent, now=NOW) for record, intent in leads]
        elapsed = time.perf_counter() - started
        rates.append(len(leads) / elapsed)
        print(f"run {run + 1}: {elapsed:.3f} s = {rates[-1]:,.0f} leads/s")
        if run == 0:
            tiers.update(r.tier for r in results)
            assert all(sum(r.breakdown.values()) == r.score for r in results)
    print(f"tiers: {dict(tiers)}")
    print(
        f"best {max(rates):,.0f} leads/s, median {statistics.median(rates):,.0f} leads/s (aim > 50,000/s)"
    )


if __name__ == "__main__":
    main()
