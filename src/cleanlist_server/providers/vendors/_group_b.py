"""Conversions shared by the Prospeo, Findymail, Dropcontact, Lusha and RocketReach adapters."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Final, TypeVar

from cleanlist_server.domain.records import Query
from cleanlist_server.normalize.names import build_name
from cleanlist_server.providers.http import parse_date

T = TypeVar("T")

IDENTIFIERS: Final = (
    "email",
    "linkedin_url",
    "first_name",
    "last_name",
    "full_name",
    "company_domain",
    "company_name",
)

# Letter grades (Lusha ``emailConfidence``, RocketReach ``grade``) as a probability that the
# value is right: A-grades are the vendors' "deliverable" band, F their "do not use".
GRADES: Final[dict[str, float]] = {
    "A+": 0.97,
    "A": 0.93,
    "A-": 0.88,
    "B+": 0.8,
    "B": 0.75,
    "B-": 0.7,
    "C+": 0.6,
    "C": 0.55,
    "C-": 0.5,
    "D": 0.35,
    "F": 0.1,
}


# Canonical fields the normalizer derives from the raw ones an adapter maps: a title gives
# seniority and department, a location its parts and time zone, an email its domain.
NAME_FIELDS: Final = frozenset({"first_name", "middle_name", "last_name", "full_name"})
TITLE_FIELDS: Final = frozenset({"title", "seniority", "department"})
EMAIL_FIELDS: Final = frozenset({"email", "email_status", "email_free_provider"})
LOCATION_FIELDS: Final = frozenset(
    {"location", "city", "state", "country", "country_code", "timezone"}
)
PHONE_FIELDS: Final = frozenset({"phone", "phone_type", "mobile"})
INDUSTRY_FIELDS: Final = frozenset({"company_industry", "company_naics_code", "company_sic_code"})


def identifiers(query: Query) -> dict[str, str]:
    """The person identifiers known for ``query`` (request first, then the waterfall)."""
    found = {name: query.value(name) for name in IDENTIFIERS}
    return {name: str(value) for name, value in found.items() if value}


def full_name(ids: Mapping[str, str]) -> str | None:
    if ids.get("full_name"):
        return ids["full_name"]
    parts = [ids.get("first_name"), ids.get("last_name")]
    return " ".join(p for p in parts if p) if all(parts) else None


def first_last(ids: Mapping[str, str]) -> tuple[str, str] | None:
    """First and last name, split from the full name when only that is known."""
    name = build_name(ids.get("first_name"), ids.get("last_name"), ids.get("full_name"))
    return (name.first, name.last) if name.first and name.last else None


def has_name_and_company(ids: Mapping[str, str]) -> bool:
    company = ids.get("company_domain") or ids.get("company_name")
    return bool(full_name(ids) and company)


def has_identity(ids: Mapping[str, str]) -> bool:
    """An email, a LinkedIn URL, or a name with a company: what every person API needs."""
    return bool(ids.get("email") or ids.get("linkedin_url") or has_name_and_company(ids))


def grade_confidence(grade: Any, default: float) -> float:
    return GRADES.get(str(grade).strip().upper(), default) if grade else default


def unmasked(value: Any) -> Any:
    """None for a value the vendor masked (``eoghan.*****@...``, ``+1 415-3**-****``)."""
    return None if isinstance(value, str) and "*" in value else value


def span(low: Any, high: Any) -> str | None:
    """``"201-500"`` from a ``[min, max]`` pair; ``"5001+"`` when open-ended."""
    if low is None:
        return None
    return f"{low}-{high}" if high is not None else f"{low}+"


def span_of(pair: Any) -> str | None:
    """``span`` of a ``[min, max]`` JSON array; None for anything else."""
    return span(*pair) if isinstance(pair, list) and len(pair) == 2 else None


def latest(*values: Any) -> datetime | None:
    """The most recent of several vendor timestamps (any may be missing)."""
    dates = [d for d in map(parse_date, values) if d is not None]
    return max(dates) if dates else None


def obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (vendors send ``null``)."""
    return value if isinstance(value, dict) else {}


def objs(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a list (vendors send ``null`` for an empty list)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def retry_after_from(headers: Mapping[str, str], name: str) -> Mapping[str, str]:
    """``headers`` with ``Retry-After`` taken from the vendor's own reset header if absent."""
    if headers.get("retry-after") is not None or headers.get(name) is None:
        return headers
    return {**{k.lower(): v for k, v in headers.items()}, "retry-after": headers[name]}


class Pending:
    """The type of ``PENDING``."""

    def __repr__(self) -> str:
        return "PENDING"


PENDING: Final = Pending()
"""Returned by a polling step while the vendor is still working."""


async def poll(
    step: Callable[[], Awaitable[T | Pending]], *, interval: float, attempts: int
) -> T | Pending:
    """Run ``step`` up to ``attempts`` times, ``interval`` seconds apart, until it is done."""
    outcome: T | Pending = PENDING
    for _ in range(attempts):
        await asyncio.sleep(interval)
        outcome = await step()
        if outcome is not PENDING:
            break
    return outcome
