"""Hunter.io: one documented endpoint per lookup, chosen by what the query holds.

Docs: https://hunter.io/api-documentation/v2 . All calls are GETs under ``/v2`` with the
key in the ``X-API-KEY`` header and answer ``{"data": ..., "meta": ...}``; a 200 whose ``data``
is missing, or lacks the key the call documents (noted below), is a bad response, not a miss:

- an email in the request -> ``/v2/combined/find``: ``data.person`` and ``data.company``
  (404, or ``person: null``: a miss);
- an email only found earlier in the waterfall -> ``/v2/email-verifier``: its ``data.status``
  (or the deprecated ``data.result``; the person is already known, what the waterfall lacks
  is a verdict);
- else a LinkedIn URL -> ``/v2/email-finder?linkedin_handle=``, or a name with a domain or
  company name -> ``/v2/email-finder``; ``data.email: null`` is the miss.

``people_at`` (``providers/people.py``) is Domain Search, ``/v2/domain-search`` with
``domain`` (else ``company``), ``limit`` (at most 100) and ``type=personal`` (no generic
``info@`` addresses): one result per listed address, with the answer's ``domain`` and
``organization`` as the employer; an empty ``data.emails`` list is the miss.

Hunter's own status meanings: 403 is the rate limit, 429 the monthly usage limit (quota),
202/222 a verification to ask again for, 451 an address whose owner asked Hunter to stop
processing it (nothing may be stored: a miss). Cost: searches (finder, enrichment, domain
search) count only when a result comes back; a verification counts once, 202 retries included.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.providers.http import (
    MISS,
    HttpProvider,
    VendorVerdict,
    expect_envelope,
    parse_date,
)
from cleanlist_server.providers.vendors._group_a import (
    Identity,
    dig,
    identity,
    linkedin_slug,
    returns,
    verdict,
)

COMBINED: Final = "/v2/combined/find"
FINDER: Final = "/v2/email-finder"
VERIFIER: Final = "/v2/email-verifier"
DOMAIN_SEARCH: Final = "/v2/domain-search"
SEARCH_MAX: Final = 100
"""Domain Search's documented largest ``limit``."""

PROFILE_CONFIDENCE: Final = 0.85
FUZZY_CONFIDENCE: Final = 0.6
"""Priors for an enrichment match, exact or ``fuzzy`` (enrichment carries no score)."""
FINDER_UNSCORED: Final = 0.5
"""Prior for a found email without ``score`` (0-100, documented on every answer)."""

FINDER_STATUS: Final = {"valid": "valid", "accept_all": "catch-all"}
VERIFIER_STATUS: Final = {
    "valid": "valid",
    "invalid": "invalid",
    "accept_all": "catch-all",
    "disposable": "disposable",
}
"""``webmail`` (Hunter does not verify free mail) and ``unknown`` are no verdict."""
LEGACY_RESULT: Final = {"deliverable": "valid", "undeliverable": "invalid", "risky": "risky"}


class HunterProvider(HttpProvider):
    name = "hunter"
    phones_typed = False  # a person's numbers come untyped (see HttpProvider)
    fields = returns(
        "email",
        "email_status",
        "first_name",
        "last_name",
        "full_name",
        "title",
        "linkedin_url",
        "twitter_url",
        "phone",
        "city",
        "state",
        "country",
        "company_name",
        "company_domain",
        "company_industry",
        "company_size",
        "company_description",
        "company_founded_year",
        "company_hq_location",
        "company_linkedin_url",
        "company_type",
        "company_tech_stack",
    )

    def accepts(self, query: Query) -> bool:
        who = identity(query)
        return bool(who.email or who.linkedin_url or who.named_at_company)

    async def lookup(self, query: Query) -> ProviderResult:
        who = identity(query)
        if query.email:
            return await self._combined(query.email)
        if who.email:
            return await self._verify(who.email)
        return await self._find(who)

    async def _data(self, path: str, params: dict[str, Any], *keys: str) -> dict[str, Any] | None:
        """The answer's ``data``, holding the call's documented ``keys``; None for a
        documented not-found (404, 451). Another shape raises ``ProviderBadResponse``."""
        payload = await self.get_json(
            path, params=params, headers={"X-API-KEY": self.key}, envelope=("data",)
        )
        if payload is None:
            return None
        return expect_envelope(payload["data"], keys, f"{self.name} GET {path}")

    async def _combined(self, email: str) -> ProviderResult:
        data = await self._data(COMBINED, {"email": email}, "person")
        person = dig(data, "person")
        if not isinstance(person, dict):
            return ProviderResult.miss(self.name)
        fuzzy = bool(person.get("fuzzy"))
        return self.result(
            {**_person(person), **_company(dig(data, "company"))},
            observed_at=parse_date(person.get("indexedAt")),
            confidence=FUZZY_CONFIDENCE if fuzzy else PROFILE_CONFIDENCE,
        )

    async def _verify(self, email: str) -> ProviderResult:
        data = await self._data(VERIFIER, {"email": email})
        if data is None:
            return ProviderResult.miss(self.name)
        if "status" in data:
            return verdict(self, email, VERIFIER_STATUS.get(str(data["status"])))
        if "result" in data:
            return verdict(self, email, LEGACY_RESULT.get(str(data["result"])))
        raise ProviderBadResponse(f"{self.name} GET {VERIFIER}: the answer has no status")

    async def _find(self, who: Identity) -> ProviderResult:
        handle = linkedin_slug(who.linkedin_url)
        both = bool(who.first_name and who.last_name)
        if handle is None and not who.named_at_company:
            return ProviderResult.miss(self.name)  # a URL Hunter cannot take as a handle
        params = {"linkedin_handle": handle}
        if handle is None:
            params = {
                "domain": who.company_domain,
                "company": None if who.company_domain else who.company_name,
                "first_name": who.first_name if both else None,
                "last_name": who.last_name if both else None,
                "full_name": None if both else who.full_name,
            }
        data = await self._data(FINDER, params, "email")
        if data is None or not data["email"]:
            return ProviderResult.miss(self.name)
        score = data.get("score")
        return self.result(
            _found(data),
            observed_at=_finder_seen(data),
            confidence=score / 100 if isinstance(score, int | float) else FINDER_UNSCORED,
        )

    async def people_at(
        self, domain: str | None, company_name: str | None, limit: int
    ) -> list[ProviderResult]:
        if not (domain or company_name) or limit < 1:
            return []
        params = {
            "domain": domain,
            "company": None if domain else company_name,
            "limit": min(limit, SEARCH_MAX),
            "type": "personal",
        }
        data = await self._data(DOMAIN_SEARCH, params, "emails")
        if data is None or not isinstance(data["emails"], list):
            return []
        employer = {"company_domain": data.get("domain"), "company_name": data.get("organization")}
        found = [
            self._listed(entry, employer) for entry in data["emails"] if isinstance(entry, dict)
        ]
        return [result for result in found if result.matched][:limit]

    def _listed(self, entry: dict[str, Any], employer: dict[str, Any]) -> ProviderResult:
        if not entry.get("value"):
            return ProviderResult.miss(self.name)
        score = entry.get("confidence")
        return self.result(
            {**_search_entry(entry), **employer},
            observed_at=_finder_seen(entry),
            confidence=score / 100 if isinstance(score, int | float) else FINDER_UNSCORED,
        )

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        if status == 403:
            return ProviderRateLimited(f"{self.name}: rate limit reached (HTTP 403)")
        if status == 429:
            return ProviderQuotaExceeded(f"{self.name}: usage limit reached (HTTP 429)")
        if status in (202, 222):
            return ProviderUnavailable(f"{self.name}: verification not finished (HTTP {status})")
        if status == 451:
            return MISS
        return None


def _person(person: dict[str, Any]) -> dict[str, Any]:
    handle = dig(person, "linkedin", "handle")
    return {
        "email": person.get("email"),
        "first_name": dig(person, "name", "givenName"),
        "last_name": dig(person, "name", "familyName"),
        "full_name": dig(person, "name", "fullName"),
        "title": dig(person, "employment", "title"),
        "linkedin_url": f"linkedin.com/in/{handle}" if handle else None,
        "twitter_url": dig(person, "twitter", "handle"),
        "phone": person.get("phone"),
        "city": dig(person, "geo", "city"),
        "state": dig(person, "geo", "state"),
        "country": dig(person, "geo", "country"),
        "company_name": dig(person, "employment", "name"),
        "company_domain": dig(person, "employment", "domain"),
    }


def _company(company: Any) -> dict[str, Any]:
    if not isinstance(company, dict):
        return {}
    handle = dig(company, "linkedin", "handle")
    return {
        "company_name": company.get("name"),
        "company_domain": company.get("domain"),
        "company_industry": dig(company, "category", "industry"),
        "company_size": dig(company, "metrics", "employees"),
        "company_description": company.get("description"),
        "company_founded_year": company.get("foundedYear"),
        "company_hq_location": company.get("location"),
        "company_linkedin_url": f"linkedin.com/{handle}" if handle else None,
        "company_type": company.get("type"),
        "company_tech_stack": company.get("tech"),
    }


def _found(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "email": data.get("email"),
        "email_status": FINDER_STATUS.get(str(dig(data, "verification", "status"))),
        "first_name": data.get("first_name"),
        "last_name": data.get("last_name"),
        "title": data.get("position"),
        "linkedin_url": data.get("linkedin_url"),
        "twitter_url": data.get("twitter"),
        "phone": data.get("phone_number"),
        "company_name": data.get("company"),
        "company_domain": data.get("domain"),
    }


def _search_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """One ``data.emails[]`` item of Domain Search; seniority and department come from the
    position (Hunter's own coarse ``junior/senior/executive`` is not the product's enum)."""
    return {
        "email": entry.get("value"),
        "email_status": FINDER_STATUS.get(str(dig(entry, "verification", "status"))),
        "first_name": entry.get("first_name"),
        "last_name": entry.get("last_name"),
        "title": entry.get("position") or entry.get("position_raw"),
        "linkedin_url": entry.get("linkedin"),
        "twitter_url": entry.get("twitter"),
        "phone": entry.get("phone_number"),
    }


def _finder_seen(data: dict[str, Any]) -> datetime | None:
    """When Hunter last verified the address, else last saw it on a public page."""
    sources = data.get("sources") or []
    seen = [parse_date(dig(source, "last_seen_on")) for source in sources]
    verified = parse_date(dig(data, "verification", "date"))
    return verified or max((when for when in seen if when is not None), default=None)


ADAPTER = HunterProvider
