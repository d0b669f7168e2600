"""Benchmark: ICP scoring of 100,000 enriched records in-process, on one core.

Builds seeded synthetic records (canonical contact fields, as enrichment returns them) and a
profile using all nine criteria plus intent (ten scoring inputs), compiles it once, then times
``score`` over every record. Reports leads/s (best and median of the runs) and the tier mix.

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
from datetime import UTC, datetime, timedelta
from typing import Any

from cleanlist_server.domain.enums import CompanyRevenue, CompanySize, Department, Seniority
from cleanlist_server.scoring.icp import IntentSignal, compile_profile, parse_profile, score

NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
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
        "competitors": ["rival.io", "competitor.com"],
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
INTENT_CODES = ["hiring_sales_ops", "evaluated_competitor", "pricing_page_visit", "tech_change"]


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


def make_intent(rng: random.Random) -> list[IntentSignal]:
    if rng.random() < 0.7:
        return []
    return [
        IntentSignal(
            code=rng.choice(INTENT_CODES),
            detected_at=NOW - timedelta(days=rng.uniform(0, 120)),
            source="bench",
            weight=rng.choice([5.0, 10.0, 15.0]),
        )
        for _ in range(rng.randint(1, 3))
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rng = random.Random(args.seed)
    leads = [(make_record(rng, i), make_intent(rng)) for i in range(args.records)]
    profile = compile_profile(parse_profile(PROFILE))
    print(
        f"python {platform.python_version()} on {platform.machine()}, pid {os.getpid()}, one core"
    )
    print(f"profile: {len(PROFILE['criteria'])} criteria + intent; points {dict(profile.points)}")
    print(f"records: {len(leads):,} ({sum(1 for _, i in leads if i):,} with intent signals)")

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
