"""RocketReach's wire format: People Lookup v2 (https://docs.rocketreach.co/reference/people-lookup-api).

``GET /api/v2/person/lookup`` answers a profile; the first lookup of a person answers it
``searching`` (no contact data yet), and ``GET /api/v2/person/checkStatus?ids=...`` or a later
lookup answers it ``complete``. Key in the ``Api-Key`` header (or the deprecated ``api_key``
query parameter). The REST error body is not documented: errors are ``{"detail": ...}`` here,
with the documented statuses (401, 402 for credits as in the MCP guide, 404, 429 with
``Retry-After``). ``score`` is rendered as the letter ``grade``, ``observed_at`` as
``last_validation_check`` / ``last_checked`` / ``last_updated``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.sandbox.market.vendors._group_b import (
    PendingResults,
    calling_code,
    enough,
    grade,
    iso_time,
    location_text,
    phone_text,
    reply,
    split_company,
    stable_id,
    text,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

VALID_SCORE = 0.8
"""Without a verifier's verdict, an address scored at least this is ``smtp_valid: valid``."""
SMTP = {"valid": "valid", "invalid": "invalid"}
CONTACT_KEYS = (
    "recommended_email",
    "recommended_personal_email",
    "recommended_professional_email",
    "current_work_email",
    "current_personal_email",
    "emails",
    "phones",
)
ERRORS: dict[ErrorKind, tuple[int, str, dict[str, str]]] = {
    "auth": (401, "Invalid API key.", {}),
    "quota": (402, "Insufficient credits.", {}),
    "rate_limited": (429, "Request was throttled.", {"Retry-After": "1"}),
    "server": (500, "Internal server error.", {}),
}


def _fail(status: int, detail: str, headers: Mapping[str, str] | None = None) -> MarketResponse:
    return reply(status, {"detail": detail}, headers)


class RocketReachWire:
    name = "rocketreach"

    def __init__(self) -> None:
        self.profiles: PendingResults[dict[str, Any]] = PendingResults("")

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("api-key") or request.query.get("api_key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return _fail(*ERRORS[kind])

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        if request.method == "GET" and request.path == "/api/v2/person/lookup":
            return self._lookup(request.query, view)
        if request.method == "GET" and request.path == "/api/v2/person/checkStatus":
            ids = [i.strip() for i in request.query.get("ids", "").split(",") if i.strip()]
            if not ids:
                return _fail(400, "ids is required.")
            return reply(200, [p for i in ids if (p := self.profiles.get(i)) is not None])
        return _fail(404, "Not found.")

    def _lookup(self, query: Mapping[str, str], view: VendorView) -> MarketResponse:
        name, employer = text(query.get("name")), text(query.get("current_employer"))
        lookup = {
            "email": text(query.get("email")),
            "linkedin_url": text(query.get("linkedin_url")),
            **({"full_name": name, **split_company(employer)} if name and employer else {}),
        }
        if not enough(lookup):
            return _fail(400, "Provide email, linkedin_url, or name with current_employer.")
        record = view.person(**lookup)
        if record is None:
            return _fail(404, "Not found.")
        profile = _profile(record)
        key = str(profile["id"])
        if key in self.profiles:
            return reply(200, profile)
        self.profiles.add(profile, key)
        searching = {k: None for k in CONTACT_KEYS}
        return reply(200, {**profile, **searching, "status": "searching"})


def _profile(record: VendorRecord) -> dict[str, Any]:
    f, seen = record.fields, iso_time(record.observed_at)
    domain = f.get("company_domain")
    work, personal = f.get("email"), f.get("personal_email")
    links = {"linkedin": f.get("linkedin_url"), "twitter": f.get("twitter_url")}
    return {
        "id": stable_id(record.person_id),
        "status": "complete",
        "name": f.get("full_name"),
        "profile_pic": f.get("photo_url"),
        "linkedin_url": f.get("linkedin_url"),
        "links": {k: v for k, v in links.items() if v},
        "location": location_text(f.get("city"), f.get("state"), f.get("country")),
        "current_title": f.get("title"),
        "current_employer": f.get("company_name"),
        "current_employer_id": stable_id(domain) if domain else None,
        "current_employer_domain": domain,
        "current_employer_website": f.get("company_website") or (domain and f"https://{domain}"),
        "current_employer_linkedin_url": f.get("company_linkedin_url"),
        "current_employer_industry": f.get("company_industry"),
        "job_history": _jobs(f, seen),
        "city": f.get("city"),
        "region": f.get("state"),
        "country": f.get("country"),
        "country_code": f.get("country_code"),
        "linkedin_url_active": bool(f.get("linkedin_url")),
        "recommended_email": work or personal,
        "recommended_personal_email": personal,
        "recommended_professional_email": work,
        "current_work_email": work,
        "current_personal_email": personal,
        "emails": _emails(record, seen),
        "phones": _phones(record, seen),
        "metadata": {},
    }


def _jobs(f: Mapping[str, Any], seen: str) -> list[dict[str, Any]]:
    if not f.get("title"):
        return []
    return [
        {
            "start_date": f.get("job_start_date"),
            "end_date": None,
            "company": f.get("company_name"),
            "company_name": f.get("company_name"),
            "company_linkedin_url": f.get("company_linkedin_url"),
            "company_city": f.get("company_hq_city"),
            "department": f.get("department"),
            "title": f["title"],
            "last_updated": seen,
            "is_current": True,
        }
    ]


def _emails(record: VendorRecord, seen: str) -> list[dict[str, Any]]:
    f = record.fields
    verdict = f.get("email_status")
    if verdict:
        smtp = SMTP.get(str(verdict), "inconclusive")
    else:
        smtp = "valid" if record.score >= VALID_SCORE else "inconclusive"
    found = [("professional", f.get("email"), smtp), ("personal", f.get("personal_email"), "valid")]
    return [
        {
            "email": email,
            "smtp_valid": valid,
            "type": kind,
            "last_validation_check": seen,
            "grade": grade(record.score),
        }
        for kind, email, valid in found
        if email
    ]


def _phones(record: VendorRecord, seen: str) -> list[dict[str, Any]]:
    f = record.fields
    found = [("mobile", f.get("mobile")), ("professional", f.get("phone"))]
    numbers = [
        (kind, n) for kind, n in found if n and not (kind != "mobile" and n == f.get("mobile"))
    ]
    return [
        {
            "number": phone_text(number),
            "e164": number,
            "country_code": calling_code(number),
            "extension": None,
            "type": kind,
            "grade": grade(record.score),
            "validity": "valid",
            "recommended": index == 0,
            "premium": kind == "mobile",
            "last_checked": seen,
        }
        for index, (kind, number) in enumerate(numbers)
    ]


WIRE = RocketReachWire()
