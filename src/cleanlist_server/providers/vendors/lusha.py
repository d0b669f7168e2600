"""Lusha Person API v2: ``GET /v2/person`` by email, LinkedIn URL, or name and company.

Docs: https://docs.lusha.com/apis/openapi (v2). Key in the ``api_key`` header. Not found is
HTTP 200 with ``contact.error.name == "EMPTY_DATA"`` (or a 404); out of credits is HTTP 402.
Cost: a credit when a contact is returned (``isCreditCharged``); misses are not charged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import ProviderBadResponse
from cleanlist_server.providers.http import MISS, HttpProvider, VendorVerdict
from cleanlist_server.providers.vendors._group_b import (
    EMAIL_FIELDS,
    LOCATION_FIELDS,
    NAME_FIELDS,
    PHONE_FIELDS,
    TITLE_FIELDS,
    first_last,
    grade_confidence,
    identifiers,
    latest,
    obj,
    objs,
    retry_after_from,
    span_of,
)

NO_EMAIL_CONFIDENCE = 0.75  # phones and firmographics only: Lusha grades emails, nothing else


class LushaProvider(HttpProvider):
    name = "lusha"
    fields = (
        NAME_FIELDS
        | TITLE_FIELDS
        | EMAIL_FIELDS
        | LOCATION_FIELDS
        | PHONE_FIELDS
        | {"personal_email", "linkedin_url", "twitter_url", "job_start_date"}
        | {"company_name", "company_domain", "company_website", "company_description"}
        | {"company_size", "company_revenue", "company_hq_location", "company_hq_city"}
        | {"company_hq_country", "company_linkedin_url"}
    )
    # 412: the name is not a valid first + last name; 451: GDPR, Lusha may not return this
    # contact. Both say "no answer for this input", not that the provider is in trouble.
    not_found = frozenset({404, 412, 451})

    def accepts(self, query: Query) -> bool:
        return self._params(identifiers(query)) is not None

    async def lookup(self, query: Query) -> ProviderResult:
        params = self._params(identifiers(query))
        assert params is not None
        payload = await self.get_json("/v2/person", params=params, headers={"api_key": self.key})
        data = obj(obj(obj(payload).get("contact")).get("data"))
        if not data:
            return ProviderResult.miss(self.name)
        emails = objs(data.get("emailAddresses"))
        phones = objs(data.get("phoneNumbers"))
        work = next((e for e in emails if _kind(e) != "private"), {})
        private = next((e for e in emails if _kind(e) == "private"), {})
        mobile = next((p for p in phones if _kind(p) == "mobile"), {})
        direct = next((p for p in phones if _kind(p) != "mobile"), {})
        raw = {
            "email": work.get("address") or work.get("email"),
            "personal_email": private.get("address") or private.get("email"),
            "mobile": mobile.get("number"),
            "phone": direct.get("number"),
            **_person(data),
            **_company(obj(data.get("company"))),
        }
        graded = work.get("emailConfidence") or private.get("emailConfidence")
        seen = latest(data.get("updateDate"), *(x.get("updateDate") for x in emails + phones))
        confidence = grade_confidence(graded, NO_EMAIL_CONFIDENCE)
        return self.result(raw, observed_at=seen, confidence=confidence)

    @staticmethod
    def _params(ids: Mapping[str, str]) -> dict[str, str] | None:
        """One documented identifier set: email, else LinkedIn, else name and company."""
        if "email" in ids:
            return {"email": ids["email"]}
        if "linkedin_url" in ids:
            return {"linkedinUrl": ids["linkedin_url"]}
        names = first_last(ids)
        if names is None:
            return None
        if "company_domain" in ids:
            company = {"companyDomain": ids["company_domain"]}
        elif "company_name" in ids:
            company = {"companyName": ids["company_name"]}
        else:
            return None
        return {"firstName": names[0], "lastName": names[1], **company}

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        error = obj(obj(payload).get("contact")).get("error") if status == 200 else None
        if not error:
            return None
        if obj(error).get("name") == "EMPTY_DATA":
            return MISS
        return ProviderBadResponse("lusha: HTTP 200 carrying a contact error")

    def interpret(
        self, status: int, headers: Mapping[str, str], content: bytes, where: str
    ) -> Any | None:
        # A 429 says when the window reopens in the RateLimit-Reset header (seconds).
        if status == 429:
            headers = retry_after_from(headers, "ratelimit-reset")
        return super().interpret(status, headers, content, where)


def _kind(item: Mapping[str, Any]) -> str:
    """``type``/``emailType``/``phoneType`` (the single and bulk examples differ), lowered."""
    return str(item.get("type") or item.get("emailType") or item.get("phoneType") or "").lower()


def _person(data: Mapping[str, Any]) -> dict[str, Any]:
    location, social = obj(data.get("location")), obj(data.get("socialLinks"))
    return {
        "first_name": data.get("firstName"),
        "last_name": data.get("lastName"),
        "full_name": data.get("fullName"),
        "title": obj(data.get("jobTitle")).get("title"),
        "job_start_date": data.get("jobStartDate"),
        "linkedin_url": social.get("linkedin"),
        "twitter_url": social.get("xUrl"),
        "city": location.get("city"),
        "state": location.get("state"),
        "country": location.get("country"),
    }


def _company(company: Mapping[str, Any]) -> dict[str, Any]:
    domains, location = obj(company.get("domains")), obj(company.get("location"))
    return {
        "company_name": company.get("name"),
        "company_description": company.get("description"),
        "company_domain": company.get("fqdn") or domains.get("email"),
        "company_website": domains.get("homepage"),
        "company_size": span_of(company.get("companySize")),
        "company_revenue": span_of(company.get("revenueRange")),
        "company_hq_city": location.get("city"),
        "company_hq_country": location.get("country"),
        "company_linkedin_url": obj(company.get("social")).get("linkedin"),
    }


ADAPTER = LushaProvider
