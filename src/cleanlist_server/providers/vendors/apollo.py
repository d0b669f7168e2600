"""Apollo.io People Enrichment: ``POST /api/v1/people/match``.

Docs: https://docs.apollo.io/reference/people-enrichment (recipes in
https://docs.apollo.io/docs/enrich-people-data). The identifiers go in the query string, as
in Apollo's tutorial, with an empty JSON body; the key in the ``X-Api-Key`` header. A miss
is a 200 with ``"person": null``; a 200 with no ``person`` key at all (``{}``, ``[]``) is not
that answer but a bad response. Phone numbers are only ever delivered to a webhook, so none
are asked for. Apollo publishes no out-of-credits status: an error text naming credits on a
402/403/422 is read as quota. Cost: one credit per enriched record; a miss is free.
"""

from __future__ import annotations

from typing import Any, Final

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import ProviderQuotaExceeded
from cleanlist_server.providers.http import HttpProvider, VendorVerdict, parse_date
from cleanlist_server.providers.vendors._group_a import dig, identity, mentions, returns

PATH: Final = "/api/v1/people/match"

MATCH_CONFIDENCE: Final = 0.8
"""Apollo returns no match score: a prior for a record it matched (to be fitted by the
sandbox market's calibration, docs/confidence.md)."""

EMAIL_STATUS: Final = {"verified": "valid"}
"""Apollo's ``email_status``; ``unverified``, ``extrapolated``, ``guessed`` say nothing."""


class ApolloProvider(HttpProvider):
    name = "apollo"
    fields = returns(
        "email",
        "email_status",
        "first_name",
        "last_name",
        "full_name",
        "title",
        "headline",
        "job_start_date",
        "linkedin_url",
        "twitter_url",
        "github_url",
        "photo_url",
        "city",
        "state",
        "country",
        "company_name",
        "company_domain",
        "company_industry",
        "company_employee_count",
        "company_annual_revenue",
        "company_linkedin_url",
        "company_twitter_url",
        "company_phone",
        "company_description",
        "company_founded_year",
        "company_hq_city",
        "company_hq_country",
        "company_tech_stack",
    )

    def accepts(self, query: Query) -> bool:
        who = identity(query)
        return bool(who.email or who.linkedin_url or who.named_at_company)

    async def lookup(self, query: Query) -> ProviderResult:
        who = identity(query)
        params = {
            "email": who.email,
            "linkedin_url": who.linkedin_url,
            "first_name": who.first_name,
            "last_name": who.last_name,
            "name": None if who.first_name and who.last_name else who.full_name,
            "domain": who.company_domain,
            "organization_name": None if who.company_domain else who.company_name,
            "reveal_personal_emails": "false",
            "reveal_phone_number": "false",
        }
        payload = await self.post_json(
            PATH, params=params, json={}, headers={"X-Api-Key": self.key}, envelope=("person",)
        )
        person = dig(payload, "person")
        if not isinstance(person, dict):
            return ProviderResult.miss(self.name)
        current = _current_job(person)
        return self.result(
            {**_person(person, current), **_organization(dig(person, "organization"))},
            observed_at=parse_date(dig(current, "updated_at")),
            confidence=MATCH_CONFIDENCE,
        )

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        if status in (402, 403, 422) and mentions(payload, "credit"):
            return ProviderQuotaExceeded(f"{self.name}: out of credits (HTTP {status})")
        return None


def _current_job(person: dict[str, Any]) -> dict[str, Any]:
    jobs = person.get("employment_history") or []
    return next((j for j in jobs if isinstance(j, dict) and j.get("current")), {})


def _person(person: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    return {
        "email": person.get("email"),
        "email_status": EMAIL_STATUS.get(str(person.get("email_status"))),
        "first_name": person.get("first_name"),
        "last_name": person.get("last_name"),
        "full_name": person.get("name"),
        "title": person.get("title"),
        "headline": person.get("headline"),
        "job_start_date": current.get("start_date"),
        "linkedin_url": person.get("linkedin_url"),
        "twitter_url": person.get("twitter_url"),
        "github_url": person.get("github_url"),
        "photo_url": person.get("photo_url"),
        "city": person.get("city"),
        "state": person.get("state"),
        "country": person.get("country"),
    }


def _organization(org: Any) -> dict[str, Any]:
    if not isinstance(org, dict):
        return {}
    return {
        "company_name": org.get("name"),
        "company_domain": org.get("primary_domain") or org.get("website_url"),
        "company_industry": org.get("industry"),
        "company_employee_count": org.get("estimated_num_employees"),
        "company_annual_revenue": org.get("annual_revenue"),
        "company_linkedin_url": org.get("linkedin_url"),
        "company_twitter_url": org.get("twitter_url"),
        "company_phone": org.get("phone"),
        "company_description": org.get("short_description"),
        "company_founded_year": org.get("founded_year"),
        # city/country, not raw_address: a street address does not parse as a place
        "company_hq_city": org.get("city"),
        "company_hq_country": org.get("country"),
        "company_tech_stack": org.get("technology_names"),
    }


ADAPTER = ApolloProvider
