"""ContactOut: LinkedIn enrich, email enrich and people enrich.

Docs: https://api.contactout.com/ (research notes: shared/research/providers/ContactOut.md).
The key goes in the ``token`` header. One lookup, by the best identifier known:

- a LinkedIn URL: ``GET /v1/linkedin/enrich?profile=<url>`` (snake_case profile); not found
  is HTTP 200 ``{"status_code": 200, "profile": []}`` (an empty *list*);
- an email: ``GET /v1/email/enrich?email=<email>`` (camelCase profile), with
  ``include=work_email`` when the address is a personal one, so the work address comes
  back too; not found is HTTP 404 ``{"status_code": 404, "message": "Not Found"}``;
- a name with a company: ``POST /v1/people/enrich`` with ``include`` asking for the work and
  personal email (and the phone only when the query wants phones): contact data is returned
  only when asked for.

Both wrappers also carry ``status_code`` in the body; an HTTP 200 whose body says 4xx/5xx is
treated as that status. HTTP 403 means no credits (or the endpoint is not in the plan).

Cost (official page): 1 email credit when an email is found and 1 phone credit when a phone
is found; people enrich also takes 1 search credit when a profile is found. Misses are free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.providers.http import MISS, HttpProvider, VendorVerdict, parse_date
from cleanlist_server.providers.vendors._group_c import (
    EMAIL_FIELDS,
    HQ_FIELDS,
    INDUSTRY_FIELDS,
    LOCATION_FIELDS,
    NAME_FIELDS,
    PHONE_FIELDS,
    TITLE_FIELDS,
    first,
    is_personal,
    obj,
    objs,
    person_name,
    split_emails,
    text,
    texts,
    year_month,
)

# ContactOut documents no per-profile score (``confidenceLevel`` is blank in its examples),
# so every profile gets one prior: a profile matched on an exact identifier, but assembled
# from public profiles that lag behind job changes.
PROFILE_CONFIDENCE = 0.8
# A work address ContactOut verified in real time (``workEmailStatus: Verified``).
VERIFIED_CONFIDENCE = 0.88


class ContactOutProvider(HttpProvider):
    name = "contactout"
    phones_typed = False  # a person's numbers come untyped (see HttpProvider)
    fields = (
        NAME_FIELDS
        | TITLE_FIELDS
        | EMAIL_FIELDS
        | LOCATION_FIELDS
        | PHONE_FIELDS
        | INDUSTRY_FIELDS
        | HQ_FIELDS
        | {"personal_email", "headline", "job_start_date", "photo_url"}
        | {"linkedin_url", "twitter_url", "github_url"}
        | {"company_name", "company_domain", "company_website", "company_linkedin_url"}
        | {"company_description", "company_type", "company_employee_count", "company_size"}
        | {"company_annual_revenue", "company_revenue", "company_founded_year"}
    )

    def accepts(self, query: Query) -> bool:
        _, _, full = person_name(query)
        company = query.value("company_domain") or query.value("company_name")
        return bool(query.value("linkedin_url") or query.value("email") or (full and company))

    async def lookup(self, query: Query) -> ProviderResult:
        headers = {"token": self.key, "Accept": "application/json"}
        linkedin = text(query.value("linkedin_url"))
        email = text(query.value("email"))
        if linkedin:
            payload = await self.get_json(
                "/v1/linkedin/enrich", params={"profile": linkedin}, headers=headers
            )
            profile = _profile_of(payload)
            if profile is None:
                return ProviderResult.miss(self.name)
            return self._answer(profile, _linkedin_profile(profile), verified=False)
        if email:
            params = {"email": email, "include": "work_email" if is_personal(email) else None}
            payload = await self.get_json("/v1/email/enrich", params=params, headers=headers)
        else:
            payload = await self.post_json(
                "/v1/people/enrich", json=_people_body(query), headers=headers
            )
        profile = _profile_of(payload)
        if profile is None:
            return ProviderResult.miss(self.name)
        raw, verified = _camel_profile(profile)
        return self._answer(profile, raw, verified=verified)

    def _answer(
        self, profile: Mapping[str, Any], raw: Mapping[str, Any], *, verified: bool
    ) -> ProviderResult:
        return self.result(
            raw,
            observed_at=parse_date(profile.get("updated_at") or profile.get("updatedAt")),
            confidence=VERIFIED_CONFIDENCE if verified else PROFILE_CONFIDENCE,
        )

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        body = obj(payload)
        said = body.get("status_code")
        in_body = False
        if status == 200 and isinstance(said, int) and said >= 300:
            status, in_body = said, True  # an HTTP 200 whose body reports an error status
        if status == 404:
            return MISS
        if status == 200 and body.get("profile") in ([], {}):
            return MISS  # LinkedIn enrich: ``"profile": []`` means nobody
        if status == 403:
            return ProviderQuotaExceeded("contactout: HTTP 403 (out of credits or not in plan)")
        if not in_body:
            return None  # the generic mapping (Retry-After on 429 ...)
        if status == 401:
            return ProviderAuthError("contactout: status 401 (token refused)")
        if status == 429:
            return ProviderRateLimited("contactout: status 429 (rate limited)")
        if status >= 500:
            return ProviderUnavailable(f"contactout: status {status}")
        return ProviderBadResponse(f"contactout: status {status}")


def _profile_of(payload: Any) -> dict[str, Any] | None:
    """The ``profile`` object of a 200 answer; None for a miss; a bad shape raises."""
    if payload is None:
        return None
    body = obj(payload)
    if "profile" not in body:
        raise ProviderBadResponse("contactout: the answer has no profile")
    profile = body["profile"]
    if isinstance(profile, list) and not profile:
        return None
    if not isinstance(profile, dict):
        raise ProviderBadResponse("contactout: the profile is not an object")
    return profile or None


def _people_body(query: Query) -> dict[str, Any]:
    first_name, last_name, full = person_name(query)
    include = ["work_email", "personal_email"] + (["phone"] if query.include_phone else [])
    body: dict[str, Any] = {"include": include}
    if first_name and last_name:
        body["first_name"], body["last_name"] = first_name, last_name
    else:
        body["full_name"] = full
    domain, company = text(query.value("company_domain")), text(query.value("company_name"))
    if domain:
        body["company_domain"] = [domain]
    if company:
        body["company"] = [company]
    return body


def _current_job(profile: Mapping[str, Any]) -> dict[str, Any]:
    jobs = objs(profile.get("experience"))
    return next((job for job in jobs if job.get("is_current") is True), {})


def _job(profile: Mapping[str, Any]) -> dict[str, Any]:
    job = _current_job(profile)
    return {
        "title": job.get("title"),
        "job_start_date": year_month(job.get("start_date_year"), job.get("start_date_month")),
    }


def _company(company: Mapping[str, Any], industry: Any) -> dict[str, Any]:
    """The ``company`` block, the same in both layouts but for ``locations``."""
    hq = next(
        (
            loc
            for loc in objs(company.get("locations"))
            if "headquarter" in str(loc.get("description") or "").lower()
        ),
        {},
    )
    return {
        "company_name": company.get("name"),
        "company_linkedin_url": company.get("url"),
        "company_domain": company.get("domain") or company.get("email_domain"),
        "company_website": company.get("website"),
        "company_description": company.get("overview"),
        "company_type": company.get("type"),
        "company_employee_count": company.get("size"),
        "company_annual_revenue": company.get("revenue"),
        "company_founded_year": company.get("founded_at"),
        "company_industry": company.get("industry") or industry,
        "company_hq_city": hq.get("city"),
        "company_hq_country": hq.get("country") or company.get("country"),
    }


def _linkedin_profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    """LinkedIn enrich (snake_case; emails, phones and handles are lists)."""
    work, personal = split_emails(texts(profile.get("email")))
    return {
        "linkedin_url": profile.get("url"),
        "email": first(profile.get("work_email")) or work,
        "personal_email": first(profile.get("personal_email")) or personal,
        "phone": first(profile.get("phone")),
        "github_url": first(profile.get("github")),
        "twitter_url": first(profile.get("twitter")),
        "full_name": profile.get("full_name"),
        "headline": profile.get("headline"),
        "location": profile.get("location"),
        "country": profile.get("country"),
        "photo_url": profile.get("profile_picture_url"),
        **_job(profile),
        **_company(obj(profile.get("company")), profile.get("industry")),
    }


def _camel_profile(profile: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """Email enrich and people enrich (camelCase; ``email`` is the looked-up address).

    Also says whether the work address was verified (``workEmailStatus: Verified``)."""
    looked_up = text(profile.get("email"))
    work_email = text(profile.get("workEmail"))
    if work_email and "@" not in work_email:
        work_email = None
    personal = looked_up if is_personal(looked_up) else None
    email = work_email or (None if personal else looked_up)
    verified = bool(work_email) and text(profile.get("workEmailStatus")) == "Verified"
    raw = {
        "email": email,
        "email_status": "valid" if verified else None,
        "personal_email": personal,
        "phone": first(profile.get("phone")),
        "github_url": first(profile.get("github")),
        "twitter_url": first(profile.get("twitter")),
        "full_name": profile.get("fullName"),
        "headline": profile.get("headline"),
        "linkedin_url": profile.get("linkedinUrl"),
        "location": profile.get("location"),
        "photo_url": profile.get("profilePictureUrl"),
        **_job(profile),
        **_company(obj(profile.get("company")), profile.get("industry")),
    }
    return raw, verified


ADAPTER = ContactOutProvider
