"""Conversions shared by the ContactOut, Snov.io, LeadMagic and Gravatar adapters."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from cleanlist_server.domain.records import Query
from cleanlist_server.normalize.emails import is_free_domain
from cleanlist_server.normalize.names import build_name

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
HQ_FIELDS: Final = frozenset({"company_hq_location", "company_hq_city", "company_hq_country"})


def obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (vendors send ``null``, ``[]``)."""
    return value if isinstance(value, dict) else {}


def objs(value: Any) -> list[dict[str, Any]]:
    """The JSON objects of a list (vendors send ``null`` for an empty list)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A non-blank string (stripped), else None; numbers are rendered as text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def texts(value: Any) -> list[str]:
    """The non-blank strings of a list, or the single string ``value`` as a list."""
    items = value if isinstance(value, list) else [value]
    return [t for t in map(text, items) if t is not None]


def first(value: Any) -> str | None:
    """The first non-blank string of a list (or ``value`` itself when it is a string)."""
    found = texts(value)
    return found[0] if found else None


def is_personal(email: str | None) -> bool:
    """Whether ``email`` is at a free mailbox provider (gmail.com ...), not a workplace."""
    if not email or "@" not in email:
        return False
    return is_free_domain(email.rsplit("@", 1)[1].strip().lower())


def split_emails(emails: list[str]) -> tuple[str | None, str | None]:
    """(first work address, first personal address) of a list of addresses."""
    work = next((e for e in emails if not is_personal(e)), None)
    personal = next((e for e in emails if is_personal(e)), None)
    return work, personal


def year_month(year: Any, month: Any = None) -> str | None:
    """``"2020-04"`` from a year and a month (a missing month is January), else None."""
    try:
        y = int(year)
    except (TypeError, ValueError):
        return None
    try:
        m = int(month) if month not in (None, "") else 1
    except (TypeError, ValueError):
        m = 1
    if not (1900 <= y <= 2100) or not (1 <= m <= 12):
        return None
    return f"{y:04d}-{m:02d}"


def month_of(value: Any) -> str | None:
    """``"2016-01"`` from an ISO date or date-time (``"2016-01-31"``); None otherwise."""
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    raw = text(value)
    if raw is None or len(raw) < 7 or raw[4] != "-":
        return None
    return year_month(raw[:4], raw[5:7])


def email_hash(email: str) -> str:
    """Gravatar's profile identifier: SHA-256 hex of the trimmed, lower-cased address."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def person_name(query: Query) -> tuple[str | None, str | None, str | None]:
    """(first, last, full) name known for ``query``; full is built from first + last."""
    first_name = text(query.value("first_name"))
    last_name = text(query.value("last_name"))
    full = text(query.value("full_name"))
    if full is None and first_name and last_name:
        full = f"{first_name} {last_name}"
    return first_name, last_name, full


def first_last(query: Query) -> tuple[str | None, str | None]:
    """(first, last) name for ``query``, splitting a full name when the parts are missing."""
    first_name, last_name, full = person_name(query)
    if first_name and last_name:
        return first_name, last_name
    built = build_name(first_name, last_name, full)
    return built.first, built.last


def drop_blank(raw: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` without the None values (easier to read in tests and logs)."""
    return {key: value for key, value in raw.items() if value is not None}
