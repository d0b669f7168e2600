"""Prospeo Enrich Person: ``POST /enrich-person``, the person and the current company at once.

Docs: https://prospeo.io/api-docs/enrich-person. Key in the ``X-KEY`` header. Not found is
HTTP 400 ``NO_MATCH`` and no credits is HTTP 400 ``INSUFFICIENT_CREDITS``; a 200 without
``person`` is a bad response. Cost: 1 credit per match, 10 when a mobile is enriched (asked
only with ``include_phone``), nothing for a miss or a re-enrichment (``free_enrichment``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import ProviderQuotaExceeded
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.providers.http import MISS, HttpProvider, VendorVerdict
from cleanlist_server.providers.vendors._group_b import (
    EMAIL_FIELDS,
    INDUSTRY_FIELDS,
    LOCATION_FIELDS,
    NAME_FIELDS,
    PHONE_FIELDS,
    TITLE_FIELDS,
    has_identity,
    identifiers,
    obj,
    objs,
    retry_after_from,
    span,
    unmasked,
)

# Prospeo has no per-record score; it verifies the emails it returns itself (BounceBan),
# so a VERIFIED address is trusted like a verifier's "valid", anything else less.
VERIFIED_CONFIDENCE = 0.9
UNVERIFIED_CONFIDENCE = 0.7
EMAIL_STATUS = {"VERIFIED": "valid", "CATCH_ALL": "catch-all"}
SENT_AS_IS = ("email", "linkedin_url", "first_name", "last_name", "full_name", "company_name")


class ProspeoProvider(HttpProvider):
    name = "prospeo"
    fields = (
        NAME_FIELDS
        | TITLE_FIELDS
        | EMAIL_FIELDS
        | LOCATION_FIELDS
        | PHONE_FIELDS
        | INDUSTRY_FIELDS
        | {"headline", "linkedin_url", "job_start_date"}
        | {"company_name", "company_domain", "company_website", "company_description"}
        | {"company_type", "company_employee_count", "company_size", "company_revenue"}
        | {"company_hq_location", "company_hq_city", "company_hq_country"}
        | {"company_linkedin_url", "company_twitter_url", "company_phone"}
        | {"company_founded_year", "company_tech_stack"}
    )

    def accepts(self, query: Query) -> bool:
        return has_identity(identifiers(query))

    async def lookup(self, query: Query) -> ProviderResult:
        ids = identifiers(query)
        data = {k: ids[k] for k in SENT_AS_IS if k in ids}
        if "company_domain" in ids:  # the docs prefer the website over the company name
            data["company_website"] = ids["company_domain"]
        body = {"enrich_mobile": query.include_phone, "data": data}
        payload = await self.post_json(
            "/enrich-person", json=body, headers={"X-KEY": self.key}, envelope=("person",)
        )
        person = obj(obj(payload).get("person"))
        if not person:
            return ProviderResult.miss(self.name)
        email = obj(person.get("email"))
        raw = {**_person(person), **_company(obj(obj(payload).get("company")))}
        verified = bool(raw["email"]) and email.get("status") == "VERIFIED"
        return self.result(
            raw, confidence=VERIFIED_CONFIDENCE if verified else UNVERIFIED_CONFIDENCE
        )

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        code = obj(payload).get("error_code")
        if code in ("NO_MATCH", "INVALID_DATAPOINTS"):  # nobody, or not enough to match on
            return MISS
        if code == "INSUFFICIENT_CREDITS":
            return ProviderQuotaExceeded("prospeo: out of credits (INSUFFICIENT_CREDITS)")
        if code == "INTERNAL_ERROR":
            return ProviderUnavailable("prospeo: provider-side error (INTERNAL_ERROR)")
        return None

    def interpret(
        self, status: int, headers: Mapping[str, str], content: bytes, where: str
    ) -> Any | None:
        # A 429 says when the minute window reopens in Prospeo's own header.
        if status == 429:
            headers = retry_after_from(headers, "x-minute-reset-seconds")
        return super().interpret(status, headers, content, where)


def _revealed(block: Mapping[str, Any], key: str) -> Any:
    """A contact value, unless Prospeo kept it masked (``revealed: false`` or ``***``)."""
    return unmasked(block.get(key)) if block.get("revealed") else None


def _person(person: Mapping[str, Any]) -> dict[str, Any]:
    email, mobile = obj(person.get("email")), obj(person.get("mobile"))
    location = obj(person.get("location"))
    current = next((job for job in objs(person.get("job_history")) if job.get("current")), {})
    started = None
    if current.get("start_year"):
        started = f"{current['start_year']}-{int(current.get('start_month') or 1):02d}"
    return {
        "first_name": person.get("first_name"),
        "last_name": person.get("last_name"),
        "full_name": person.get("full_name"),
        "title": person.get("current_job_title"),
        "headline": person.get("headline"),
        "linkedin_url": person.get("linkedin_url"),
        "job_start_date": started,
        "email": _revealed(email, "email"),
        "email_status": EMAIL_STATUS.get(str(email.get("status"))),
        "mobile": _revealed(mobile, "mobile"),
        "city": location.get("city"),
        "state": location.get("state"),
        "country": location.get("country"),
    }


def _company(company: Mapping[str, Any]) -> dict[str, Any]:
    location = obj(company.get("location"))
    revenue = obj(company.get("revenue_range"))
    return {
        "company_name": company.get("name"),
        "company_domain": company.get("domain"),
        "company_website": company.get("website"),
        "company_description": company.get("description"),
        "company_type": company.get("type"),
        "company_industry": company.get("industry"),
        "company_employee_count": company.get("employee_count"),
        "company_size": None if company.get("employee_count") else company.get("employee_range"),
        "company_revenue": span(revenue.get("min"), revenue.get("max")),
        "company_hq_city": location.get("city"),
        "company_hq_country": location.get("country"),
        "company_linkedin_url": company.get("linkedin_url"),
        "company_twitter_url": company.get("twitter_url"),
        "company_phone": obj(company.get("phone_hq")).get("phone_hq"),
        "company_founded_year": company.get("founded"),
        "company_tech_stack": obj(company.get("technology")).get("technology_names"),
    }


ADAPTER = ProspeoProvider
