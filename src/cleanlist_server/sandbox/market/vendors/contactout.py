"""ContactOut's wire format (https://api.contactout.com/; notes: research/providers/ContactOut.md).

Key: the ``token`` header. Endpoints:

- ``GET /v1/linkedin/enrich?profile=<url>``: the snake_case profile (emails, phones and
  social handles as lists); nobody is HTTP 200 ``{"status_code": 200, "profile": []}``;
- ``GET /v1/email/enrich?email=<email>[&include=work_email]``: the camelCase profile, with
  ``workEmail``/``workEmailStatus`` only when ``include=work_email``; nobody is HTTP 404
  ``{"status_code": 404, "message": "Not Found"}``;
- ``POST /v1/people/enrich`` (JSON): a primary identifier (``linkedin_url``, ``email``) or a
  name with ``company[]`` / ``company_domain[]``; the camelCase profile, contact data only
  as listed in ``include`` (``work_email``, ``personal_email``, ``phone``). Its not-found
  answer is not documented: the email enrich one is used.

Errors are ``{"status_code": N, "message": ...}``: 401 bad token, 403 no credits, 429 rate
limited (with ``Retry-After``; the body text is Laravel's throttle message, an assumption),
500 server fault. An unknown path is the 404 body above. ``score`` is not rendered: the
documented ``confidenceLevel`` is blank and its scale undocumented, so it stays ``""``.
``observed_at`` is ``updated_at`` / ``updatedAt`` (``"YYYY-MM-DD HH:MM:SS"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.sandbox.market.vendors._group_c import (
    SANDBOX_RETRY_AFTER,
    handle,
    hq_place,
    job_start,
    number,
    person_place,
    reply,
    sql_time,
    unique,
    value,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

_ERRORS: dict[ErrorKind, tuple[int, str]] = {
    "auth": (401, "Unauthorized"),
    "quota": (403, "You don't have enough credits for this request"),
    "rate_limited": (429, "Too Many Attempts."),
    "server": (500, "Server Error"),
}


def _status(code: int, message: str, headers: Mapping[str, str] | None = None) -> MarketResponse:
    return reply(code, {"status_code": code, "message": message}, headers)


NOT_FOUND_MESSAGE = "Not Found"


class ContactOutWire:
    name = "contactout"

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("token") or None

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        code, message = _ERRORS[kind]
        headers = {"Retry-After": SANDBOX_RETRY_AFTER} if kind == "rate_limited" else None
        return _status(code, message, headers)

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        route = (request.method.upper(), request.path.rstrip("/"))
        if route == ("GET", "/v1/linkedin/enrich"):
            return self._linkedin(request, view)
        if route == ("GET", "/v1/email/enrich"):
            return self._email(request, view)
        if route == ("POST", "/v1/people/enrich"):
            return self._people(request, view)
        return _status(404, NOT_FOUND_MESSAGE)

    def _linkedin(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        url = request.query.get("profile", "").strip()
        if not url:
            return _status(400, "The profile field is required.")
        record = view.person(linkedin_url=url)
        if record is None:
            return reply(200, {"status_code": 200, "profile": []})
        return reply(200, {"status_code": 200, "profile": _snake_profile(record)})

    def _email(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        email = request.query.get("email", "").strip()
        if not email:
            return _status(400, "The email field is required.")
        record = view.person(email=email)
        if record is None:
            return _status(404, NOT_FOUND_MESSAGE)
        include = {i.strip() for i in request.query.get("include", "").split(",")}
        profile = _camel_profile(record, view, looked_up=email, include=include, phone=True)
        return reply(200, {"status_code": 200, "profile": profile})

    def _people(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        body = request.json()
        if not isinstance(body, dict):
            return _status(400, "The request body must be a JSON object.")
        record = _find(body, view)
        if record is None:
            return _status(404, NOT_FOUND_MESSAGE)
        include = {str(i) for i in body.get("include") or [] if isinstance(i, str)}
        personal = value(record.fields, "personal_email") if "personal_email" in include else ""
        profile = _camel_profile(
            record, view, looked_up=personal, include=include, phone="phone" in include
        )
        return reply(200, {"status_code": 200, "profile": profile})


def _listed(body: Mapping[str, Any], key: str) -> str | None:
    found = body.get(key)
    if isinstance(found, list):
        found = next((item for item in found if isinstance(item, str) and item.strip()), None)
    return found.strip() if isinstance(found, str) and found.strip() else None


def _find(body: Mapping[str, Any], view: VendorView) -> VendorRecord | None:
    linkedin, email = _listed(body, "linkedin_url"), _listed(body, "email")
    if linkedin or email:
        return view.person(linkedin_url=linkedin, email=email)
    domain, company = _listed(body, "company_domain"), _listed(body, "company")
    first, last, full = _listed(body, "first_name"), _listed(body, "last_name"), None
    if not (first and last):
        full = _listed(body, "full_name")
    if not ((first and last) or full) or not (domain or company):
        return None
    return view.person(
        first_name=first,
        last_name=last,
        full_name=full,
        company_domain=domain,
        company_name=company,
    )


def _experience(fields: Mapping[str, Any]) -> list[dict[str, Any]]:
    if not fields.get("title"):
        return []
    start = job_start(fields)
    year, month = start if start else (None, None)
    return [
        {
            "start_date": f"{year}{month}" if start else "",  # the documented "20204" form
            "end_date": "",
            "title": value(fields, "title"),
            "summary": "",
            "locality": person_place(fields),
            "company_name": value(fields, "company_name"),
            "linkedin_url": value(fields, "company_linkedin_url"),
            "start_date_year": year,
            "start_date_month": month,
            "end_date_year": None,
            "end_date_month": None,
            "is_current": True,
        }
    ]


def _company(fields: Mapping[str, Any], *, structured_locations: bool) -> dict[str, Any]:
    domain = value(fields, "company_domain")
    hq: list[Any] = []
    if hq_place(fields):
        if structured_locations:
            hq = [
                {
                    "city": value(fields, "company_hq_city"),
                    "line1": "",
                    "line2": "",
                    "state": "",
                    "country": value(fields, "company_hq_country"),
                    "postalCode": "",
                    "description": "Headquarters",
                }
            ]
        else:
            hq = [hq_place(fields)]
    return {
        "name": value(fields, "company_name"),
        "url": value(fields, "company_linkedin_url"),
        "website": value(fields, "company_website") or (f"https://{domain}" if domain else ""),
        "linkedin_company_id": None,
        "domain": domain,
        "email_domain": domain,
        "overview": value(fields, "company_description"),
        "type": value(fields, "company_type"),
        "size": number(fields, "company_employee_count"),
        "country": value(fields, "company_hq_country"),
        "revenue": number(fields, "company_annual_revenue"),
        "founded_at": number(fields, "company_founded_year"),
        "industry": value(fields, "company_industry"),
        "headquarter": hq_place(fields),
        "logo_url": "",
        "specialties": [],
        "locations": hq,
    }


def _empty_sections() -> dict[str, Any]:
    return {
        "languages": [],
        "summary": "",
        "education": [],
        "skills": [],
        "certifications": [],
        "publications": [],
        "projects": [],
        "followers": 0,
    }


def _snake_profile(record: VendorRecord) -> dict[str, Any]:
    """LinkedIn enrich: snake_case keys, emails/phones/handles as lists."""
    f = record.fields
    work, personal = value(f, "email"), value(f, "personal_email")
    return {
        "url": value(f, "linkedin_url"),
        "email": unique([work, personal]),
        "work_email": unique([work]),
        "personal_email": unique([personal]),
        "phone": unique([f.get("phone"), f.get("mobile")]),
        "github": unique([handle(f.get("github_url"))]),
        "twitter": unique([handle(f.get("twitter_url"))]),
        "full_name": value(f, "full_name"),
        "headline": value(f, "headline"),
        "industry": value(f, "company_industry"),
        "company": _company(f, structured_locations=False),
        "location": person_place(f),
        "country": value(f, "country"),
        **_empty_sections(),
        "experience": _experience(f),
        "job_function": value(f, "department"),
        "seniority": value(f, "seniority"),
        "work_status": "",
        "profile_picture_url": value(f, "photo_url"),
        "updated_at": sql_time(record.observed_at),
    }


def _camel_profile(
    record: VendorRecord,
    view: VendorView,
    *,
    looked_up: str,
    include: set[str],
    phone: bool,
) -> dict[str, Any]:
    """Email enrich / people enrich: camelCase keys, single strings."""
    f = record.fields
    profile: dict[str, Any] = {"email": looked_up}
    if "work_email" in include:
        work = value(f, "email")
        verified = bool(work) and view.email_status(work) == "valid"
        profile["workEmail"] = work
        profile["workEmailStatus"] = "Verified" if verified else "Unverified"
    profile.update(
        {
            "fullName": value(f, "full_name"),
            "headline": value(f, "headline"),
            "industry": value(f, "company_industry"),
            "linkedinUrl": value(f, "linkedin_url"),
            "profilePictureUrl": value(f, "photo_url"),
            "confidenceLevel": "",
            "altMatches": [],
            "phone": (unique([f.get("phone"), f.get("mobile")]) or [""])[0] if phone else "",
            "twitter": handle(f.get("twitter_url")),
            "github": handle(f.get("github_url")),
            "company": _company(f, structured_locations=True),
            "location": person_place(f),
            **_empty_sections(),
            "experience": _experience(f),
            "jobFunction": value(f, "department"),
            "seniority": value(f, "seniority"),
            "workStatus": "",
            "updatedAt": sql_time(record.observed_at),
        }
    )
    return profile


WIRE = ContactOutWire()
