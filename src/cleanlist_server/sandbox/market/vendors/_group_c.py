"""Rendering helpers shared by the ContactOut, Snov.io, LeadMagic and Gravatar wires.

Pure functions of canonical fields (``VendorRecord.fields``): no I/O, no clock, no
randomness, so every wire stays deterministic for a given market seed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Final
from urllib.parse import urlsplit

from cleanlist_server.sandbox.market.wire import MarketRequest, MarketResponse

SANDBOX_RETRY_AFTER: Final = "2"
"""``Retry-After`` (seconds) the wires send with a 429: none of these vendors documents a
value, and a short one lets the runner's retry path be exercised within its budget."""


def reply(status: int, body: Any, headers: Mapping[str, str] | None = None) -> MarketResponse:
    return MarketResponse(status=status, json=body, headers=dict(headers or {}))


def reply_type(
    status: int, body: Any, content_type: str, headers: Mapping[str, str] | None = None
) -> MarketResponse:
    """A JSON body under a vendor's own JSON media type (``application/problem+json``)."""
    return MarketResponse(
        status=status,
        text=json.dumps(body),
        content_type=content_type,
        headers=dict(headers or {}),
    )


def bearer(request: MarketRequest) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def stable_hex(*parts: str, length: int = 32) -> str:
    """A deterministic hex id (task hashes, tokens) derived from ``parts``."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def value(fields: Mapping[str, Any], name: str) -> str:
    """A field as vendor text: ``""`` when unknown (the vendors' blank)."""
    found = fields.get(name)
    return "" if found is None else str(found)


def number(fields: Mapping[str, Any], name: str) -> int | None:
    found = fields.get(name)
    if isinstance(found, bool):
        return None
    if isinstance(found, int):
        return found
    if isinstance(found, str) and found.isdigit():
        return int(found)
    return None


def unique(values: Iterable[Any]) -> list[str]:
    """The distinct non-empty strings of ``values``, in order."""
    seen: list[str] = []
    for item in values:
        if item and str(item) not in seen:
            seen.append(str(item))
    return seen


def place(*parts: Any) -> str:
    """``"San Francisco, California, United States"`` from the known parts."""
    return ", ".join(unique(parts))


def person_place(fields: Mapping[str, Any]) -> str:
    found = place(fields.get("city"), fields.get("state"), fields.get("country"))
    return found or value(fields, "location")


def hq_place(fields: Mapping[str, Any]) -> str:
    found = place(fields.get("company_hq_city"), fields.get("company_hq_country"))
    return found or value(fields, "company_hq_location")


def handle(url: Any) -> str:
    """The profile handle of a social URL (``https://x.com/jane`` -> ``jane``), or ``""``."""
    if not url:
        return ""
    raw = str(url).strip()
    path = urlsplit(raw if "//" in raw else "https://" + raw).path
    segments = [s for s in path.split("/") if s]
    return segments[-1] if segments else ""


def job_start(fields: Mapping[str, Any]) -> tuple[int, int] | None:
    """(year, month) of ``job_start_date`` (``"2021-03"``, ``"2021-03-01"`` or a date)."""
    found = fields.get("job_start_date")
    if isinstance(found, datetime | date):
        return found.year, found.month
    raw = str(found or "")
    try:
        year = int(raw[:4])
        month = int(raw[5:7]) if len(raw) >= 7 else 1
    except ValueError:
        return None
    return (year, month) if 1 <= month <= 12 else None


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def sql_time(moment: datetime) -> str:
    """``"2024-01-01 00:00:00"`` (UTC), the timestamp format of ContactOut and Snov.io."""
    return utc(moment).strftime("%Y-%m-%d %H:%M:%S")


def iso_z(moment: datetime) -> str:
    """``"2021-10-01T12:00:00Z"`` (UTC)."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def name_of(fields: Mapping[str, Any]) -> str:
    full = value(fields, "full_name")
    return full or " ".join(unique([fields.get("first_name"), fields.get("last_name")]))
