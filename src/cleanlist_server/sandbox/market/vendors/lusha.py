"""Lusha's wire format: Person API v2, ``GET /v2/person`` (https://docs.lusha.com/apis/openapi).

Key in the ``api_key`` header. Errors are ``{"statusCode": ..., "message": ...}``; a miss is
HTTP 200 with ``contact.error`` ``EMPTY_DATA``; out of credits is HTTP 402; 429 carries the
``RateLimit-*`` headers. ``score`` is rendered as the email's ``emailConfidence`` grade and
``observed_at`` as ``updateDate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.sandbox.market.vendors._group_b import (
    bounds,
    domain_of,
    enough,
    grade,
    iso_date,
    location_text,
    phone_text,
    reply,
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

RATE_HEADERS = {"RateLimit-Limit": "60", "RateLimit-Remaining": "0", "RateLimit-Reset": "1"}
ERRORS: dict[ErrorKind, tuple[int, str, dict[str, str]]] = {
    "auth": (401, "Invalid API key", {}),
    "quota": (402, "Your account requires payment", {}),
    "rate_limited": (429, "Hourly rate limit exceeded", RATE_HEADERS),
    "server": (500, "Internal server error", {}),
}
EMPTY_DATA = {"code": 3, "name": "EMPTY_DATA", "message": "Could not find requested data"}
SENIORITY = {
    "owner": "Founder",
    "c_level": "Executive",
    "vp": "VP",
    "director": "Director",
    "manager": "Manager",
    "individual_contributor": "Senior",
    "entry": "Entry",
}


def _fail(status: int, message: str, headers: Mapping[str, str] | None = None) -> MarketResponse:
    return reply(status, {"statusCode": status, "message": message}, headers)


class LushaWire:
    name = "lusha"

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("api_key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return _fail(*ERRORS[kind])

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        if (request.method, request.path) != ("GET", "/v2/person"):
            return _fail(404, "Resource not found")
        q = request.query
        lookup = {
            "email": text(q.get("email")),
            "linkedin_url": text(q.get("linkedinUrl")),
            "first_name": text(q.get("firstName")),
            "last_name": text(q.get("lastName")),
            "company_domain": domain_of(q.get("companyDomain")),
            "company_name": text(q.get("companyName")),
        }
        if not enough(lookup):
            return _fail(400, "Provide email, linkedinUrl, or firstName, lastName and a company")
        record = view.person(**lookup)
        if record is None:
            contact = {"error": EMPTY_DATA, "isCreditCharged": False, "data": None}
        else:
            contact = {"error": None, "isCreditCharged": True, "data": _data(record)}
        return reply(200, {"contact": contact})


def _data(record: VendorRecord) -> dict[str, Any]:
    f, updated = record.fields, iso_date(record.observed_at)
    emails = [
        {
            "address": f[key],
            "type": kind,
            "emailConfidence": grade(record.score),
            "updateDate": updated,
        }
        for key, kind in (("email", "work"), ("personal_email", "private"))
        if f.get(key)
    ]
    phones = [
        {"number": phone_text(f[key]), "phoneType": kind, "doNotCall": False, "updateDate": updated}
        for key, kind in (("phone", "Direct"), ("mobile", "Mobile"))
        if f.get(key) and not (key == "phone" and f[key] == f.get("mobile"))
    ]
    return {
        "companyId": stable_id(f.get("company_domain")) if f.get("company_name") else None,
        "firstName": f.get("first_name"),
        "lastName": f.get("last_name"),
        "fullName": f.get("full_name"),
        "emailAddresses": emails,
        "phoneNumbers": phones,
        "location": {
            "country": f.get("country"),
            "countryIso2": f.get("country_code"),
            "continent": None,
            "rawLocation": location_text(f.get("city"), f.get("state"), f.get("country")),
            "city": f.get("city"),
            "state": f.get("state"),
            "stateCode": None,
            "isEuContact": None,
        },
        "jobTitle": {
            "seniority": SENIORITY.get(str(f.get("seniority"))),
            "title": f.get("title"),
            "departments": [f["department"]] if f.get("department") else [],
        },
        "socialLinks": {"linkedin": f.get("linkedin_url"), "xUrl": f.get("twitter_url")},
        "jobStartDate": f.get("job_start_date"),
        "personId": stable_id(record.person_id),
        "updateDate": updated,
        "company": _company(f),
    }


def _company(f: Mapping[str, Any]) -> dict[str, Any] | None:
    if not f.get("company_name"):
        return None
    domain = f.get("company_domain")
    size, revenue = bounds(f.get("company_size")), bounds(f.get("company_revenue"))
    return {
        "name": f["company_name"],
        "description": f.get("company_description"),
        "domains": {
            "homepage": f.get("company_website") or (f"https://{domain}" if domain else None),
            "email": domain,
        },
        "fqdn": domain,
        "location": {
            "country": f.get("company_hq_country"),
            "countryIso2": None,
            "continent": None,
            "rawLocation": f.get("company_hq_location"),
            "city": f.get("company_hq_city"),
            "state": None,
        },
        "companySize": list(size) if size[0] is not None else None,
        "revenueRange": list(revenue) if revenue[0] is not None else None,
        "logoUrl": None,
        "social": {"linkedin": f.get("company_linkedin_url"), "crunchbase": None},
    }


WIRE = LushaWire()
