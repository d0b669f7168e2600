"""People Data Labs Person Enrichment: ``GET /v5/person/enrich``.

Docs: https://docs.peopledatalabs.com/docs/reference-person-enrichment-api (response:
https://docs.peopledatalabs.com/docs/output-response-person-enrichment-api, errors:
https://docs.peopledatalabs.com/docs/errors.md). Parameters in the query string, the key in
``X-Api-Key``; ``titlecase=true`` asks for display casing instead of the default lower case.
A miss is a 404, out of credits a 402; the usual statuses otherwise, so no quirks to handle.
A 200 always carries ``data``: one without it is a bad response, not a miss.
``likelihood`` (1-10) is PDL's match confidence; ``job_last_verified`` when it last confirmed
the job. Cost: one credit per match (200); a 404 is free.
"""

from __future__ import annotations

from typing import Any, Final

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.providers.http import HttpProvider, parse_date
from cleanlist_server.providers.vendors._group_a import dig, identity, returns

PATH: Final = "/v5/person/enrich"
LIKELIHOOD_SCALE: Final = 10.0
UNSCORED_CONFIDENCE: Final = 0.5
"""Prior for a match that came without ``likelihood`` (the documented answer always has one)."""


class PdlProvider(HttpProvider):
    name = "pdl"
    phones_typed = False  # a person's numbers come untyped (see HttpProvider)
    fields = returns(
        "email",
        "personal_email",
        "first_name",
        "middle_name",
        "last_name",
        "full_name",
        "title",
        "headline",
        "job_start_date",
        "linkedin_url",
        "twitter_url",
        "github_url",
        "phone",
        "mobile",
        "city",
        "state",
        "country",
        "company_name",
        "company_domain",
        "company_size",
        "company_industry",
        "company_founded_year",
        "company_linkedin_url",
        "company_twitter_url",
        "company_hq_location",
    )

    def accepts(self, query: Query) -> bool:
        who = identity(query)
        return bool(who.email or who.linkedin_url or who.named_at_company)

    async def lookup(self, query: Query) -> ProviderResult:
        who = identity(query)
        both = bool(who.first_name and who.last_name)
        params = {
            "email": who.email,
            "profile": who.linkedin_url,
            "first_name": who.first_name if both else None,
            "last_name": who.last_name if both else None,
            "name": None if both else who.full_name,
            "company": who.company_domain or who.company_name,
            "titlecase": "true",
        }
        payload = await self.get_json(
            PATH, params=params, headers={"X-Api-Key": self.key}, envelope=("data",)
        )
        data = dig(payload, "data")
        if not isinstance(data, dict):
            return ProviderResult.miss(self.name)
        likelihood = dig(payload, "likelihood")
        scored = isinstance(likelihood, int | float)
        confidence = likelihood / LIKELIHOOD_SCALE if scored else UNSCORED_CONFIDENCE
        return self.result(
            _record(data),
            observed_at=parse_date(data.get("job_last_verified")),
            confidence=confidence,
        )


def _record(data: dict[str, Any]) -> dict[str, Any]:
    mobile = data.get("mobile_phone")
    numbers = [n for n in data.get("phone_numbers") or [] if n and n != mobile]
    personal = data.get("personal_emails") or [None]
    return {
        "email": data.get("work_email") or _email_of_type(data, "current_professional"),
        "personal_email": data.get("recommended_personal_email") or personal[0],
        "first_name": data.get("first_name"),
        "middle_name": data.get("middle_name"),
        "last_name": data.get("last_name"),
        "full_name": data.get("full_name"),
        "title": data.get("job_title"),
        "headline": data.get("headline"),
        "job_start_date": data.get("job_start_date"),
        "linkedin_url": data.get("linkedin_url"),
        "twitter_url": data.get("twitter_url"),
        "github_url": data.get("github_url"),
        "mobile": mobile,
        "phone": numbers[0] if numbers else None,
        "city": data.get("location_locality"),
        "state": data.get("location_region"),
        "country": data.get("location_country"),
        "company_name": data.get("job_company_name"),
        "company_domain": data.get("job_company_website"),
        "company_size": data.get("job_company_size"),
        "company_industry": data.get("job_company_industry"),
        "company_founded_year": data.get("job_company_founded"),
        "company_linkedin_url": data.get("job_company_linkedin_url"),
        "company_twitter_url": data.get("job_company_twitter_url"),
        "company_hq_location": data.get("job_company_location_name"),
        "company_hq_city": data.get("job_company_location_locality"),
        "company_hq_country": data.get("job_company_location_country"),
    }


def _email_of_type(data: dict[str, Any], kind: str) -> str | None:
    for entry in data.get("emails") or []:
        if isinstance(entry, dict) and entry.get("type") == kind:
            address = entry.get("address")
            return str(address) if address else None
    return None


ADAPTER = PdlProvider
