"""RocketReach People Lookup: ``GET /api/v2/person/lookup``, then ``checkStatus`` while searching.

Docs: https://docs.rocketreach.co/reference/people-lookup-api. Key in the ``Api-Key`` header.
A profile whose ``status`` is not ``complete`` is still being searched: it is polled with
``GET /api/v2/person/checkStatus?ids=<id>``. Not found is HTTP 404, out of credits 402, rate
limiting 429 with ``Retry-After``. A 200 is a profile (``id``, ``status``), or for
``checkStatus`` a list of them: any other shape is a bad response, not a miss. Cost: a lookup
credit only when contact data comes back (premium for an A/A- email or a valid phone,
standard for an A/A- email); 404s are free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import ProviderBadResponse, ProviderTimeout
from cleanlist_server.providers.http import HttpProvider
from cleanlist_server.providers.vendors._group_b import (
    EMAIL_FIELDS,
    INDUSTRY_FIELDS,
    LOCATION_FIELDS,
    NAME_FIELDS,
    PENDING,
    PHONE_FIELDS,
    TITLE_FIELDS,
    Pending,
    full_name,
    grade_confidence,
    has_identity,
    identifiers,
    latest,
    obj,
    objs,
    poll,
)

COMPLETE = "complete"
SEARCHING = frozenset({"progress", "searching", "not queued", "waiting"})
UNGRADED_CONFIDENCE = 0.75  # no graded email or phone: profile and employer data only


class RocketReachProvider(HttpProvider):
    name = "rocketreach"
    fields = (
        NAME_FIELDS
        | TITLE_FIELDS
        | EMAIL_FIELDS
        | LOCATION_FIELDS
        | PHONE_FIELDS
        | INDUSTRY_FIELDS
        | {"personal_email", "linkedin_url", "twitter_url", "photo_url", "job_start_date"}
        | {"company_name", "company_domain", "company_website", "company_linkedin_url"}
    )
    poll_interval: float = 0.2
    """Seconds between ``checkStatus`` polls; the runner's deadline caps the whole lookup."""
    max_polls: int = 25
    """Polls before giving up with ``ProviderTimeout``: a search still running says nothing
    about the person, so it is reported as trouble (retryable), not a miss."""

    def accepts(self, query: Query) -> bool:
        return has_identity(identifiers(query))

    async def lookup(self, query: Query) -> ProviderResult:
        ids = identifiers(query)
        headers = {"Api-Key": self.key}
        params = {"email": ids.get("email"), "linkedin_url": ids.get("linkedin_url")}
        company = ids.get("company_name") or ids.get("company_domain")
        if full_name(ids) and company:  # the two go together
            params |= {"name": full_name(ids), "current_employer": company}
        payload = await self.get_json(
            "/api/v2/person/lookup", params=params, headers=headers, envelope=("id", "status")
        )
        profile = obj(payload)
        if profile.get("status") in SEARCHING and profile.get("id") is not None:
            profile = await self._wait(str(profile["id"]), headers)
        if profile.get("status") != COMPLETE:  # failed, or an unexpected answer
            return ProviderResult.miss(self.name)
        return self._result(profile)

    async def _wait(self, profile_id: str, headers: Mapping[str, str]) -> dict[str, Any]:
        """Poll ``checkStatus`` until the search of ``profile_id`` is over."""

        async def step() -> dict[str, Any] | Pending:
            answer = await self.get_json(
                "/api/v2/person/checkStatus", params={"ids": profile_id}, headers=headers
            )
            found = next((p for p in _profiles(answer) if str(p.get("id")) == profile_id), {})
            return PENDING if found.get("status", "progress") in SEARCHING else found

        outcome = await poll(step, interval=self.poll_interval, attempts=self.max_polls)
        if isinstance(outcome, Pending):
            raise ProviderTimeout(f"rocketreach: still searching after {self.max_polls} polls")
        return outcome

    def _result(self, profile: Mapping[str, Any]) -> ProviderResult:
        emails = [e for e in objs(profile.get("emails")) if e.get("smtp_valid") != "invalid"]
        phones = [p for p in objs(profile.get("phones")) if p.get("validity") != "invalid"]
        work = next((e for e in emails if e.get("type") == "professional"), {})
        personal = next((e for e in emails if e.get("type") == "personal"), {})
        mobile = next((p for p in phones if p.get("type") == "mobile"), {})
        direct = next((p for p in phones if p.get("type") != "mobile"), {})
        jobs = objs(profile.get("job_history"))
        current = next((job for job in jobs if job.get("is_current")), {})
        raw = {
            "email": work.get("email"),
            "email_status": "valid" if work.get("smtp_valid") == "valid" else None,
            "personal_email": personal.get("email"),
            "mobile": mobile.get("e164") or mobile.get("number"),
            "phone": direct.get("e164") or direct.get("number"),
            "job_start_date": current.get("start_date"),
            **_profile(profile),
        }
        graded = work.get("grade") or personal.get("grade") or (mobile or direct).get("grade")
        seen = latest(
            *(e.get("last_validation_check") for e in emails),
            *(p.get("last_checked") for p in phones),
            current.get("last_updated"),
        )
        confidence = grade_confidence(graded, UNGRADED_CONFIDENCE)
        return self.result(raw, observed_at=seen, confidence=confidence)


def _profiles(payload: Any) -> list[dict[str, Any]]:
    """``checkStatus`` answers a list of profiles (a single profile is accepted too; a 404,
    None, as no profile yet); any other shape is a bad response."""
    if payload is None:
        return []
    if isinstance(payload, dict) and "status" in payload:
        return [payload]
    if isinstance(payload, list) and all(isinstance(item, dict) for item in payload):
        return payload
    raise ProviderBadResponse("rocketreach: the checkStatus answer is not a list of profiles")


def _profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "full_name": profile.get("name"),
        "title": profile.get("current_title"),
        "linkedin_url": profile.get("linkedin_url"),
        "twitter_url": obj(profile.get("links")).get("twitter"),
        "photo_url": profile.get("profile_pic"),
        "city": profile.get("city"),
        "state": profile.get("region"),
        "country": profile.get("country"),
        "company_name": profile.get("current_employer"),
        "company_domain": profile.get("current_employer_domain"),
        "company_website": profile.get("current_employer_website"),
        "company_linkedin_url": profile.get("current_employer_linkedin_url"),
        "company_industry": profile.get("current_employer_industry"),
    }


ADAPTER = RocketReachProvider
