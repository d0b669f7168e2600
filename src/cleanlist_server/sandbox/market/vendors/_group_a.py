"""Rendering helpers shared by the Apollo, PDL, Hunter, ZeroBounce and NeverBounce wires.

Canonical values (``sandbox/market/model.py``) go out in each vendor's own vocabulary:
seniority and department names, LinkedIn and Twitter handles, country names, dates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from cleanlist_server.normalize.locations import parse_location
from cleanlist_server.sandbox.market.wire import MarketResponse

Vendor = Literal["apollo", "pdl", "hunter"]

SENIORITY: dict[str, dict[Vendor, str]] = {
    "owner": {"apollo": "owner", "pdl": "owner", "hunter": "executive"},
    "c_level": {"apollo": "c_suite", "pdl": "cxo", "hunter": "executive"},
    "vp": {"apollo": "vp", "pdl": "vp", "hunter": "executive"},
    "director": {"apollo": "director", "pdl": "director", "hunter": "senior"},
    "manager": {"apollo": "manager", "pdl": "manager", "hunter": "senior"},
    "individual_contributor": {"apollo": "senior", "pdl": "senior", "hunter": "junior"},
    "entry": {"apollo": "entry", "pdl": "entry", "hunter": "junior"},
}
"""Canonical seniority -> Apollo ``seniority``, PDL ``job_title_levels``, Hunter ``seniority``."""

DEPARTMENT: dict[str, dict[Vendor, str]] = {
    "executive": {"apollo": "c_suite", "hunter": "executive"},
    "sales": {"apollo": "sales", "pdl": "sales", "hunter": "sales"},
    "marketing": {"apollo": "marketing", "pdl": "marketing", "hunter": "marketing"},
    "engineering": {"apollo": "engineering_technical", "pdl": "engineering", "hunter": "it"},
    "product": {"apollo": "product_management", "pdl": "product", "hunter": "management"},
    "design": {"apollo": "design", "pdl": "design", "hunter": "design"},
    "data": {"apollo": "engineering_technical", "pdl": "engineering", "hunter": "it"},
    "it": {"apollo": "information_technology", "pdl": "engineering", "hunter": "it"},
    "operations": {"apollo": "operations", "pdl": "operations", "hunter": "operations"},
    "finance": {"apollo": "finance", "pdl": "finance", "hunter": "finance"},
    "hr": {"apollo": "human_resources", "pdl": "human_resources", "hunter": "hr"},
    "legal": {"apollo": "legal", "pdl": "legal", "hunter": "legal"},
    "customer success": {"apollo": "support", "pdl": "customer_service", "hunter": "support"},
    "research": {"apollo": "education", "pdl": "research", "hunter": "education"},
}
"""Canonical department (any case) -> the vendor's department or role name, when it has one."""


def seniority(vendor: Vendor, value: Any) -> str | None:
    return SENIORITY.get(str(value), {}).get(vendor)


def department(vendor: Vendor, value: Any) -> str | None:
    return DEPARTMENT.get(str(value).casefold(), {}).get(vendor)


def reply(status: int, body: Any, *, retry_after: int | None = None) -> MarketResponse:
    """A JSON answer (``Retry-After`` in seconds when given)."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return MarketResponse(status=status, json=body, headers=headers)


def param(params: Mapping[str, Any], name: str) -> str | None:
    """A request parameter as a stripped string, None when absent, blank or not a scalar."""
    value = params.get(name)
    if value is None or isinstance(value, dict | list):
        return None
    stripped = str(value).strip()
    return stripped or None


def handle(url: Any, marker: str) -> str | None:
    """The path segment after ``marker`` in a canonical URL: ``("https://linkedin.com/in/jane",
    "/in/")`` -> ``jane``; ``("https://x.com/jane", "x.com/")`` -> ``jane``."""
    text = str(url or "")
    if marker not in text:
        return None
    return text.split(marker, 1)[1].strip("/").split("/")[0] or None


def country_name(value: Any) -> str | None:
    """A country as its English name (``US`` -> ``United States``)."""
    return parse_location(None, country=str(value)).country if value else None


def place(*parts: Any) -> str | None:
    """``"San Francisco, California, United States"`` from the parts that are known."""
    text = ", ".join(str(p) for p in parts if p)
    return text or None


def day(moment: datetime) -> str:
    return moment.date().isoformat()


def stable_id(text: str, length: int = 24) -> str:
    """A deterministic hex id (Apollo-style object ids) derived from ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()[:length]
