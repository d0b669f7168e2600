"""Rendering helpers shared by the Prospeo, Findymail, Dropcontact, Lusha and RocketReach wires."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar

import phonenumbers

from cleanlist_server.sandbox.market.wire import MarketResponse

T = TypeVar("T")

_DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$", re.IGNORECASE)
_AMOUNT = re.compile(r"\$?(\d+(?:\.\d+)?)([KMB]?)", re.IGNORECASE)
_UNITS = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}
# How the letter-grading vendors (Lusha, RocketReach) would print a confidence in [0, 1].
_GRADES = ((0.95, "A+"), (0.9, "A"), (0.85, "A-"), (0.8, "B+"), (0.7, "B"), (0.6, "C"))


def reply(status: int, body: Any, headers: Mapping[str, str] | None = None) -> MarketResponse:
    return MarketResponse(status=status, json=body, headers=dict(headers or {}))


def text(value: Any) -> str | None:
    """A request parameter as a stripped string, None when absent or blank."""
    if value is None or isinstance(value, dict | list):
        return None
    stripped = str(value).strip()
    return stripped or None


def domain_of(value: Any) -> str | None:
    """The host of a website or bare domain (``www.`` and scheme removed), else None."""
    match = _DOMAIN.match(text(value) or "")
    return match.group(1).lower() if match else None


def split_company(value: Any) -> dict[str, str | None]:
    """A "company" parameter that may be a domain or a name, as ``VendorView`` keywords."""
    domain = domain_of(value)
    return {"company_domain": domain, "company_name": None if domain else text(value)}


def enough(lookup: Mapping[str, str | None]) -> bool:
    """Whether a person lookup has what every vendor requires: email, LinkedIn or name+company."""
    name = lookup.get("full_name") or (lookup.get("first_name") and lookup.get("last_name"))
    company = lookup.get("company_domain") or lookup.get("company_name")
    return bool(lookup.get("email") or lookup.get("linkedin_url") or (name and company))


def phone_text(e164: Any, style: str = "international") -> str | None:
    """An E.164 number as the vendor prints it (``+1 415-555-0142``, ``(415) 555-0142``)."""
    if not e164:
        return None
    try:
        number = phonenumbers.parse(str(e164), None)
    except phonenumbers.NumberParseException:
        return str(e164)
    fmt = {
        "international": phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        "national": phonenumbers.PhoneNumberFormat.NATIONAL,
    }[style]
    return phonenumbers.format_number(number, fmt)


def calling_code(e164: Any) -> str | None:
    """The country calling code of an E.164 number (``"1"`` for ``+14155550142``)."""
    try:
        return str(phonenumbers.parse(str(e164), None).country_code)
    except phonenumbers.NumberParseException:
        return None


def bounds(band: Any) -> tuple[int | None, int | None]:
    """``"201-500"`` -> (201, 500), ``"5001+"`` -> (5001, None), ``"$10M-$25M"`` -> amounts."""
    amounts = [float(n) * _UNITS[u.upper()] for n, u in _AMOUNT.findall(str(band or ""))]
    if not amounts:
        return None, None
    high = int(amounts[1]) if len(amounts) > 1 else None
    return int(amounts[0]), high


def grade(score: float) -> str:
    """A confidence in [0, 1] as a letter grade (``A+`` best, ``D`` worst)."""
    return next((letter for floor, letter in _GRADES if score >= floor), "D")


def location_text(*parts: Any) -> str | None:
    return ", ".join(str(p) for p in parts if p) or None


def iso_date(moment: datetime) -> str:
    return moment.date().isoformat()


def iso_time(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def year_month(value: Any) -> tuple[int | None, int | None]:
    """``"2022-10-01"`` / ``"2022-10"`` -> (2022, 10)."""
    parts = str(value or "").split("-")
    if not parts[0].isdigit():
        return None, None
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    return int(parts[0]), month


def stable_id(*parts: Any) -> int:
    """A deterministic numeric vendor id for a record."""
    return int(stable_hex(*parts, length=8), 16)


def stable_hex(*parts: Any, length: int = 24) -> str:
    seed = "/".join(str(p) for p in parts).encode()
    return hashlib.sha256(seed).hexdigest()[:length]


class PendingResults(Generic[T]):
    """Results of asynchronous lookups, by request id; the oldest are forgotten first."""

    def __init__(self, prefix: str, capacity: int = 4096) -> None:
        self._items: OrderedDict[str, T] = OrderedDict()
        self._polls: dict[str, int] = {}
        self._ids = itertools.count(1)
        self.prefix = prefix
        self.capacity = capacity

    def add(self, item: T, key: str | None = None) -> str:
        key = key or f"{self.prefix}{next(self._ids):08d}"
        self._items[key] = item
        self._items.move_to_end(key)
        self._polls.setdefault(key, 0)
        while len(self._items) > self.capacity:
            old, _ = self._items.popitem(last=False)
            self._polls.pop(old, None)
        return key

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def poll(self, key: str) -> int:
        """How many times ``key`` was asked for before (0 on the first poll)."""
        count = self._polls.get(key, 0)
        self._polls[key] = count + 1
        return count

    def __contains__(self, key: object) -> bool:
        return key in self._items
