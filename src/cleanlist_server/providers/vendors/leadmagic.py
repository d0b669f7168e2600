"""LeadMagic: email finder (name + company), and a LinkedIn profile to its work email.

Docs: https://leadmagic.io/docs/reference/email-finder,
https://leadmagic.io/docs/v1/reference/profile-to-email and
https://leadmagic.io/docs/v1/making-api-calls (research notes:
shared/research/providers/LeadMagic.md). The key goes in the ``X-API-Key`` header; every
endpoint is a ``POST`` with a JSON body on ``https://api.leadmagic.io``.

- a first and last name (or a full name) with a company domain or name:
  ``POST /v1/people/email-finder`` ``{first_name, last_name, domain | company_name}`` ->
  the address with ``status`` ``valid`` / ``valid_catch_all`` / ``catch_all`` and the
  company's firmographics; not found is HTTP 200 ``"status": "not_found"``;
- otherwise a LinkedIn URL: ``POST /v1/people/b2b-profile-email`` ``{profile_url}`` ->
  ``{email, profile_url}``; not found is ``"email": null``.

The email finder is preferred: it costs 1 credit against 5. Errors are RFC 9457 problem
details: 401 bad key, 402 no credits, 429 rate limited (``Retry-After``), 404 not found.

Cost: email finder 1 credit per email found; profile to email 5 credits per email found;
no match is free (each answer reports ``credits_consumed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import ProviderBadResponse
from cleanlist_server.providers.http import MISS, HttpProvider, VendorVerdict
from cleanlist_server.providers.vendors._group_c import (
    EMAIL_FIELDS,
    HQ_FIELDS,
    INDUSTRY_FIELDS,
    NAME_FIELDS,
    first_last,
    obj,
    text,
)

FINDER_PATH: Final = "/v1/people/email-finder"
PROFILE_EMAIL_PATH: Final = "/v1/people/b2b-profile-email"

# LeadMagic's status is its confidence. The docs give bounce rates: ``valid`` (mail-server
# confirmed) under 1%, ``valid_catch_all`` (catch-all domain, engagement data) 3-5%, and
# ``catch_all`` as "very risky, no guarantee".
FINDER_STATUS: Final[dict[str, tuple[str, float]]] = {
    "valid": ("valid", 0.95),
    "valid_catch_all": ("catch-all", 0.8),
    "catch_all": ("catch-all", 0.4),
}
# Profile to email: "every email found is automatically validated", with no status given.
PROFILE_EMAIL_CONFIDENCE: Final = 0.85


class LeadMagicProvider(HttpProvider):
    name = "leadmagic"
    fields = (
        NAME_FIELDS
        | EMAIL_FIELDS
        | INDUSTRY_FIELDS
        | HQ_FIELDS
        | {"linkedin_url", "company_name", "company_domain", "company_website"}
        | {"company_size", "company_founded_year", "company_type"}
        | {"company_linkedin_url", "company_twitter_url"}
    )

    def accepts(self, query: Query) -> bool:
        return bool(self._finder_body(query) or query.value("linkedin_url"))

    async def lookup(self, query: Query) -> ProviderResult:
        headers = {"X-API-Key": self.key}
        body = self._finder_body(query)
        if body is not None:
            payload = await self.post_json(FINDER_PATH, json=body, headers=headers)
            return self._finder_result(payload)
        profile_url = text(query.value("linkedin_url"))
        if profile_url is None:
            return ProviderResult.miss(self.name)
        payload = await self.post_json(
            PROFILE_EMAIL_PATH, json={"profile_url": profile_url}, headers=headers
        )
        return self._profile_email_result(payload, profile_url)

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        if status == 200 and obj(payload).get("status") == "not_found":
            return MISS  # the email finder's documented "no email found"
        return None

    def _finder_body(self, query: Query) -> dict[str, str] | None:
        first_name, last_name = first_last(query)
        domain, company = text(query.value("company_domain")), text(query.value("company_name"))
        if not (first_name and last_name and (domain or company)):
            return None
        body = {"first_name": first_name, "last_name": last_name}
        if domain:  # "Company Domain is always more accurate"
            body["domain"] = domain
        else:
            body["company_name"] = company or ""
        return body

    def _finder_result(self, payload: Any) -> ProviderResult:
        if payload is None:
            return ProviderResult.miss(self.name)
        answer = obj(payload)
        if "status" not in answer:
            raise ProviderBadResponse("leadmagic: the email finder answer has no status")
        known = FINDER_STATUS.get(str(answer["status"]))
        email = text(answer.get("email"))
        if known is None or email is None:
            return ProviderResult.miss(self.name)
        email_status, confidence = known
        raw = {"email": email, "email_status": email_status, **_finder_fields(answer)}
        return self.result(raw, confidence=confidence)

    def _profile_email_result(self, payload: Any, profile_url: str) -> ProviderResult:
        if payload is None:
            return ProviderResult.miss(self.name)
        answer = obj(payload)
        if "email" not in answer:
            raise ProviderBadResponse("leadmagic: the profile answer has no email field")
        email = text(answer.get("email"))
        if email is None:
            return ProviderResult.miss(self.name)  # "No email found for this profile."
        raw = {"email": email, "linkedin_url": text(answer.get("profile_url")) or profile_url}
        return self.result(raw, confidence=PROFILE_EMAIL_CONFIDENCE)


def _company_linkedin(answer: Mapping[str, Any]) -> str | None:
    """``company_linkedin_url`` (older layout) or the ``company_profile_url`` slug (v1)."""
    url = text(answer.get("company_linkedin_url"))
    if url:
        return url
    slug = text(answer.get("company_profile_url"))
    if slug and "/" not in slug:
        return f"https://linkedin.com/company/{slug}"
    return slug


def _finder_fields(answer: Mapping[str, Any]) -> dict[str, Any]:
    where = obj(answer.get("company_location"))
    domain = text(answer.get("domain"))
    return {
        "first_name": answer.get("first_name"),
        "last_name": answer.get("last_name"),
        "company_domain": domain,
        "company_name": answer.get("company_name"),
        "company_industry": answer.get("company_industry"),
        "company_size": answer.get("company_size"),
        "company_founded_year": answer.get("company_founded"),
        "company_type": answer.get("company_type"),
        "company_linkedin_url": _company_linkedin(answer),
        "company_twitter_url": answer.get("company_twitter_url"),
        "company_hq_city": where.get("locality"),
        "company_hq_country": where.get("country"),
    }


ADAPTER = LeadMagicProvider
