"""What the apollo, pdl, hunter, zerobounce and neverbounce adapters share.

- ``Identity``: the identifiers a lookup can send, from the request or found earlier;
- ``returns``: the canonical fields ``normalize_fields`` can produce from the raw names an
  adapter maps (``title`` also yields seniority and department ...), for ``fields``;
- ``dig`` / ``mentions``: tolerant reading of vendor payloads;
- ``verdict``: the result of a verifier vendor (an inconclusive verdict is a miss).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.providers.http import HttpProvider

VERDICT_CONFIDENCE = 0.9
"""Prior for a commercial verifier's definite verdict. None of the three verifier APIs
gives a certainty for its verdict (Hunter's ``score`` rates deliverability, not how sure
the verdict is); the sandbox market's calibration run is what should refine it."""

_LOCATION = ("location", "country_code", "timezone")
_DERIVED: dict[str, tuple[str, ...]] = {
    "email": ("email_free_provider", "company_domain"),
    "title": ("seniority", "department"),
    "first_name": ("full_name",),
    "last_name": ("full_name",),
    "full_name": ("first_name", "middle_name", "last_name"),
    "city": _LOCATION,
    "state": _LOCATION,
    "country": _LOCATION,
    "mobile": ("phone", "phone_type"),
    "phone": ("phone_type",),
    "company_domain": ("company_website",),
    "company_website": ("company_domain",),
    "company_industry": ("company_naics_code", "company_sic_code"),
    "company_employee_count": ("company_size",),
    "company_annual_revenue": ("company_revenue",),
    "company_hq_location": ("company_hq_city", "company_hq_country"),
    "company_hq_city": ("company_hq_location",),
    "company_hq_country": ("company_hq_location",),
}


def returns(*raw_names: str) -> frozenset[str]:
    """The canonical fields an adapter mapping ``raw_names`` can return after normalizing."""
    out = set(raw_names)
    for name in raw_names:
        out.update(_DERIVED.get(name, ()))
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Identity:
    email: str | None
    linkedin_url: str | None
    first_name: str | None
    last_name: str | None
    full_name: str | None
    company_domain: str | None
    company_name: str | None

    @property
    def named_at_company(self) -> bool:
        named = bool(self.first_name and self.last_name) or bool(self.full_name)
        return named and bool(self.company_domain or self.company_name)


def identity(query: Query) -> Identity:
    """The identifiers of ``query``, each from the request or else found earlier."""
    return Identity(
        email=query.value("email"),
        linkedin_url=query.value("linkedin_url"),
        first_name=query.value("first_name"),
        last_name=query.value("last_name"),
        full_name=query.value("full_name"),
        company_domain=query.value("company_domain"),
        company_name=query.value("company_name"),
    )


def dig(data: Any, *path: str | int) -> Any:
    """``data[a][b]...``, or None when a step is missing or of the wrong kind."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or not -len(data) <= step < len(data):
                return None
        elif not isinstance(data, dict):
            return None
        data = data[step] if isinstance(step, int) else data.get(step)
    return data


def mentions(payload: Any, word: str) -> bool:
    """Whether an error payload's text (any string inside it) mentions ``word``."""
    return any(word in text.lower() for text in _strings(payload))


def _strings(payload: Any) -> Iterable[str]:
    if isinstance(payload, str):
        yield payload
    elif isinstance(payload, dict):
        for value in payload.values():
            yield from _strings(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _strings(value)


def linkedin_slug(url: str | None) -> str | None:
    """``https://linkedin.com/in/jane-doe`` -> ``jane-doe`` (a canonical profile URL)."""
    if not url or "/in/" not in url:
        return None
    return url.split("/in/", 1)[1].strip("/").split("/")[0] or None


def verdict(
    adapter: HttpProvider,
    email: str,
    status: str | None,
    *,
    observed_at: datetime | None = None,
    **extra: Any,
) -> ProviderResult:
    """A verifier's answer about ``email`` (``extra``: other raw fields it told). No status
    (an inconclusive one) is a miss, so the next verifier in the waterfall still gets to try.

    The address is what the answer is *about* (``ProviderResult.about``), not a finding:
    a verifier echoing the address it was asked about confirms nothing of whose it is,
    and its status only holds for that address (the merge keeps it to it)."""
    if status is None or status == "unknown":
        return ProviderResult.miss(adapter.name)
    raw = {**extra, "email": email, "email_status": status}
    seen = observed_at or adapter.clock()  # a verification is a live check
    result = adapter.result(
        raw, observed_at=seen, confidence=VERDICT_CONFIDENCE, employer_from_email=False
    )
    checked = result.fields.pop("email", None)
    result.fields.pop("email_free_provider", None)  # derived from the address, no finding
    if checked is not None:
        result.about["email"] = checked.value
    return result
