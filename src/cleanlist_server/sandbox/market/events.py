"""Events of the market, from its truth: what companies do, and what people do on our site.

**Company events** (``company_events(population, company)``): what intent vendors report
about a company (the Lusha wire renders them as Company Signals), as of the population's
``today`` and never later:

- ``HiringSurge``: the company's board (``jobs.postings_for``) has at least
  ``SURGE_POSTINGS`` postings of the last ``RECENT`` (28) days, more than in an average
  four weeks of the ``HISTORY_WEEKS`` before; dated by the newest;
- ``DepartmentSurge``: a department with at least ``DEPARTMENT_POSTINGS`` of them, more than
  its own four-week average before;
- ``HeadcountGrowth`` per period (``PERIODS``: 30, 91, 182, 365 days): the current staff
  who joined within the period are at least ``GROWTH_SHARE`` of the staff (and not all of
  it); dated by the newest start.

**Site events** (``market_events(population, domains=None)``): the first-party web events
the account running the product would send to ``POST /v1/events`` about visitors of its
own site ``SITE``, in exactly that shape (``type``, ``email`` or ``company_domain``,
``url``, ``referrer``, ``occurred_at``), dated within the ``WINDOW_DAYS`` days before
``today`` (never on or after its midnight, UTC), sorted by time:

- the first people of the population (``p000001``-``p000003``, the featured people of
  ``demo_market``: Maya Patel, Leo Martin, Sam Rivera) follow ``JOURNEYS``: Maya arrives
  from a competitor's comparison page, reads the product, visits pricing twice and
  submits the demo form yesterday (``visited_pricing``, ``requested_demo``,
  ``high_engagement``, and ``evaluated_competitor`` for a profile whose ``competitors``
  hold ``COMPETITORS``); Leo reads the blog and pricing; Sam reads the docs, arriving from
  a competitor;
- about ``SHARE`` of the other companies visit too: 1-6 events each, by a current
  employee (``email``) or anonymously (``company_domain``, as reverse-IP tools report),
  pages from ``PAGES`` (pricing, demo requests and competitor referrers among them).

Deterministic for the population (``random.Random`` seeded by its seed; ``domains`` only
filters). ``batches`` cuts a list into ``POST /v1/events`` calls (at most 1,000 each).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from cleanlist_server.domain.enums import Department

from .jobs import TruePosting, postings_for
from .model import Population, TrueCompany

__all__ = [
    "COMPETITORS",
    "SITE",
    "CompanyEvents",
    "DepartmentSurge",
    "HeadcountGrowth",
    "HiringSurge",
    "batches",
    "company_events",
    "market_events",
]

SURGE_POSTINGS = 4
DEPARTMENT_POSTINGS = 2
GROWTH_SHARE = 0.1
RECENT = timedelta(days=28)
HISTORY_WEEKS = 13
"""The weeks before the last four that a board still shows (postings live 120 days)."""
PERIODS = {"1m": 30, "3m": 91, "6m": 182, "12m": 365}

SITE = "https://www.yourproduct.test"
COMPETITORS = ("rivalenrich.test", "leadwise.test")
WINDOW_DAYS = 14
SHARE = 0.3
MAX_BATCH = 1000
JOURNEYS: dict[str, tuple[tuple[int, int, str, str, str | None], ...]] = {
    # person id: (days before today, hour, type, path, referrer)
    "p000001": (
        (6, 9, "page_view", "/", "https://rivalenrich.test/compare/yourproduct"),
        (5, 14, "page_view", "/product/enrichment", None),
        (3, 10, "page_view", "/pricing", None),
        (2, 16, "page_view", "/pricing", "https://www.google.com/"),
        (1, 11, "page_view", "/demo", None),
        (1, 11, "form_submit", "/demo", None),
    ),
    "p000002": (
        (9, 8, "page_view", "/blog/waterfall-enrichment", "https://www.linkedin.com/"),
        (4, 13, "page_view", "/pricing", None),
    ),
    "p000003": (
        (8, 15, "page_view", "/docs", "https://leadwise.test/alternatives"),
        (7, 10, "page_view", "/docs/self-hosting", None),
    ),
}
PAGES: tuple[tuple[str, str, float], ...] = (
    ("page_view", "/", 5.0),
    ("page_view", "/product/enrichment", 3.0),
    ("page_view", "/blog/waterfall-enrichment", 3.0),
    ("page_view", "/integrations", 2.0),
    ("page_view", "/customers", 1.5),
    ("page_view", "/docs", 1.5),
    ("page_view", "/pricing", 2.5),
    ("page_view", "/plans/enterprise", 0.5),
    ("form_submit", "/request-demo", 0.4),
    ("form_submit", "/contact-sales", 0.3),
)
REFERRERS: tuple[tuple[str | None, float], ...] = (
    (None, 6.0),
    ("https://www.google.com/", 3.0),
    ("https://www.linkedin.com/", 1.0),
    ("https://rivalenrich.test/compare/yourproduct", 0.6),
    ("https://leadwise.test/alternatives", 0.4),
)


# --- company events -------------------------------------------------------------------------


@dataclass(frozen=True)
class HiringSurge:
    day: date
    last_week: int
    last_4_weeks: int
    weekly_before: float
    """Postings per week in the ``HISTORY_WEEKS`` before the last four."""


@dataclass(frozen=True)
class DepartmentSurge:
    department: Department
    day: date
    last_4_weeks: int
    per_4_weeks_before: float


@dataclass(frozen=True)
class HeadcountGrowth:
    period: str
    """``1m``, ``3m``, ``6m`` or ``12m``."""
    day: date
    baseline: int
    employees: int


@dataclass(frozen=True)
class CompanyEvents:
    hiring: HiringSurge | None
    departments: tuple[DepartmentSurge, ...]
    """Most postings first."""
    headcount: tuple[HeadcountGrowth, ...]


def company_events(population: Population, company: TrueCompany) -> CompanyEvents:
    """What happened at ``company`` lately (see the module docstring)."""
    today = population.today or date.today()
    postings = postings_for(company, today, seed=population.seed)
    recent = [p for p in postings if p.posted_at >= _midnight(today) - RECENT]
    return CompanyEvents(
        _hiring(today, recent, len(postings) - len(recent)),
        _departments(recent, postings),
        _headcount(population, company, today),
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _newest(postings: Iterable[TruePosting]) -> date:
    return max(p.posted_at for p in postings).date()


def _hiring(today: date, recent: list[TruePosting], older: int) -> HiringSurge | None:
    if len(recent) < SURGE_POSTINGS or len(recent) <= older * 4 / HISTORY_WEEKS:
        return None
    week = _midnight(today) - timedelta(days=7)
    last_week = sum(p.posted_at >= week for p in recent)
    return HiringSurge(_newest(recent), last_week, len(recent), round(older / HISTORY_WEEKS, 1))


def _departments(
    recent: list[TruePosting], postings: list[TruePosting]
) -> tuple[DepartmentSurge, ...]:
    groups: dict[Department, list[TruePosting]] = {}
    for p in recent:
        groups.setdefault(p.department, []).append(p)
    out = []
    for department, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        before = sum(p.department == department for p in postings) - len(group)
        per_4_weeks = before * 4 / HISTORY_WEEKS
        if len(group) >= DEPARTMENT_POSTINGS and len(group) > per_4_weeks:
            surge = DepartmentSurge(department, _newest(group), len(group), round(per_4_weeks, 1))
            out.append(surge)
    return tuple(out)


def _headcount(
    population: Population, company: TrueCompany, today: date
) -> tuple[HeadcountGrowth, ...]:
    starts = [p.job.start for p in population.people.values() if p.company_id == company.id]
    if not starts:
        return ()
    employees = int(company.fields.get("company_employee_count") or len(starts))
    out = []
    for period, days in PERIODS.items():
        joined = [s for s in starts if today - timedelta(days=days) <= s <= today]
        share = len(joined) / len(starts)
        if joined and GROWTH_SHARE <= share < 1:
            baseline = max(1, round(employees * (1 - share)))
            out.append(HeadcountGrowth(period, max(joined), baseline, employees))
    return tuple(out)


# --- site events ----------------------------------------------------------------------------


def market_events(
    population: Population, domains: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The site events of the population, for the companies of ``domains`` (all: None)."""
    today = population.today or date.today()
    rng = random.Random(f"site-events:{population.seed}")
    events = [e for pid, steps in JOURNEYS.items() for e in _journey(population, pid, steps)]
    featured = {population.people[pid].company_id for pid in JOURNEYS if pid in population.people}
    for company in sorted(population.companies.values(), key=lambda c: c.id):
        if rng.random() < SHARE and company.id not in featured:
            events.extend(_visits(population, company, rng))
    wanted = None if domains is None else {d.strip().lower() for d in domains}
    out = []
    for days, hour, minute, fields in events:
        if wanted is not None and _domain_of(fields) not in wanted:
            continue
        when = _midnight(today) - timedelta(days=days) + timedelta(hours=hour, minutes=minute)
        out.append({**fields, "occurred_at": when.isoformat().replace("+00:00", "Z")})
    out.sort(key=lambda e: (e["occurred_at"], e.get("email") or e["company_domain"], e["url"]))
    return out


_Event = tuple[int, int, int, dict[str, Any]]


def _event(kind: str, path: str, referrer: str | None, **who: str) -> dict[str, Any]:
    event = {"type": kind, **who, "url": SITE + path}
    return event | ({"referrer": referrer} if referrer else {})


def _journey(population: Population, pid: str, steps: Sequence[Any]) -> list[_Event]:
    person = population.people.get(pid)
    if person is None or not person.email:
        return []
    return [
        (days, hour, 5 * i, _event(kind, path, ref, email=person.email))
        for i, (days, hour, kind, path, ref) in enumerate(steps)
    ]


def _visits(population: Population, company: TrueCompany, rng: random.Random) -> list[_Event]:
    staff = sorted(
        (p.email for p in population.people.values() if p.company_id == company.id and p.email),
    )
    visitor = {"email": rng.choice(staff)} if staff and rng.random() < 0.6 else None
    who = visitor or {"company_domain": company.domain}
    out = []
    for _ in range(rng.randint(1, 6)):
        kind, path, _w = rng.choices(PAGES, weights=[w for *_, w in PAGES])[0]
        referrer = rng.choices(REFERRERS, weights=[w for _, w in REFERRERS])[0][0]
        when = (rng.randint(1, WINDOW_DAYS), rng.randint(7, 20), rng.randint(0, 59))
        out.append((*when, _event(kind, path, referrer, **who)))
    return out


def _domain_of(event: dict[str, Any]) -> str:
    return str(event.get("company_domain") or event["email"].rpartition("@")[2]).lower()


def batches(events: Sequence[dict[str, Any]], size: int = MAX_BATCH) -> Iterator[list[Any]]:
    """``events`` in ``POST /v1/events`` calls of at most ``size`` (1,000) each."""
    for start in range(0, len(events), size):
        yield list(events[start : start + size])
