"""Prospeo's wire format: ``POST /enrich-person`` (https://prospeo.io/api-docs/enrich-person).

Key in ``X-KEY``; every error is ``{"error": true, "error_code": ...}``; not found is HTTP 400
``NO_MATCH``; no credits is HTTP 400 ``INSUFFICIENT_CREDITS``. Prospeo has no score: its
confidence shows only as the email ``status`` (``VERIFIED`` or not).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.sandbox.market.vendors._group_b import (
    bounds,
    domain_of,
    enough,
    phone_text,
    reply,
    stable_hex,
    text,
    year_month,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

VERIFIED_SCORE = 0.8
"""Without a verifier's verdict, a record scored at least this is shown as ``VERIFIED``."""
STATUS = {"valid": "VERIFIED", "catch-all": "CATCH_ALL"}
SENIORITY = {
    "owner": "Founder/Owner",
    "c_level": "C-Suite",
    "vp": "Vice President",
    "director": "Director",
    "manager": "Manager",
    "individual_contributor": "Senior",
    "entry": "Entry",
}
ERRORS: dict[ErrorKind, tuple[int, str, dict[str, str]]] = {
    "auth": (401, "INVALID_API_KEY", {}),
    "quota": (400, "INSUFFICIENT_CREDITS", {}),
    "rate_limited": (429, "RATE_LIMITED", {"x-minute-reset-seconds": "1"}),
    "server": (400, "INTERNAL_ERROR", {}),  # documented as a 400, not a 5xx
}


def _fail(status: int, code: str, headers: Mapping[str, str] | None = None) -> MarketResponse:
    return reply(status, {"error": True, "error_code": code}, headers)


class ProspeoWire:
    name = "prospeo"

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("x-key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return _fail(*ERRORS[kind])

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        if (request.method, request.path) != ("POST", "/enrich-person"):
            return _fail(404, "INVALID_REQUEST")
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            return _fail(400, "INVALID_REQUEST")
        data = body["data"]
        lookup = {
            key: text(data.get(key))
            for key in ("email", "linkedin_url", "first_name", "last_name", "full_name")
        }
        lookup["company_domain"] = domain_of(data.get("company_website"))
        lookup["company_name"] = text(data.get("company_name"))
        if not enough(lookup):
            return _fail(400, "INVALID_DATAPOINTS")
        record = view.person(**lookup)
        if record is None:
            return _fail(400, "NO_MATCH")
        return reply(
            200,
            {
                "error": False,
                "free_enrichment": False,
                "person": _person(record, with_mobile=bool(body.get("enrich_mobile"))),
                "company": _company(record.fields),
            },
        )


def _person(record: VendorRecord, *, with_mobile: bool) -> dict[str, Any]:
    f = record.fields
    return {
        "person_id": stable_hex(record.person_id),
        "first_name": f.get("first_name"),
        "last_name": f.get("last_name"),
        "full_name": f.get("full_name"),
        "linkedin_url": f.get("linkedin_url"),
        "current_job_title": f.get("title"),
        "current_job_key": None,
        "headline": f.get("headline"),
        "linkedin_member_id": None,
        "last_job_change_detected_at": None,
        "job_history": _jobs(f),
        "mobile": _mobile(f.get("mobile") if with_mobile else None),
        "email": _email(record),
        "location": {
            "country": f.get("country"),
            "country_code": f.get("country_code"),
            "state": f.get("state"),
            "city": f.get("city"),
            "time_zone": f.get("timezone"),
            "time_zone_offset": None,
        },
        "skills": [],
    }


def _jobs(f: Mapping[str, Any]) -> list[dict[str, Any]]:
    if not f.get("title"):
        return []
    year, month = year_month(f.get("job_start_date"))
    return [
        {
            "title": f["title"],
            "company_name": f.get("company_name"),
            "logo_url": None,
            "current": True,
            "start_year": year,
            "start_month": month,
            "end_year": None,
            "end_month": None,
            "duration_in_months": None,
            "departments": [f["department"]] if f.get("department") else [],
            "seniority": SENIORITY.get(str(f.get("seniority"))),
            "company_id": stable_hex(f.get("company_domain")),
            "job_key": None,
        }
    ]


def _email(record: VendorRecord) -> dict[str, Any] | None:
    email = record.fields.get("email")
    if not email:
        return None
    verdict = record.fields.get("email_status")
    if verdict:
        status = STATUS.get(str(verdict), "UNVERIFIED")
    else:
        status = "VERIFIED" if record.score >= VERIFIED_SCORE else "UNVERIFIED"
    return {
        "status": status,
        "revealed": True,
        "email": email,
        "verification_method": "BOUNCEBAN" if status == "VERIFIED" else None,
        "email_mx_provider": None,
    }


def _mobile(number: Any) -> dict[str, Any]:
    """The mobile block: revealed when asked for (``enrich_mobile``) and known."""
    shown = phone_text(number)
    return {
        "status": "VERIFIED" if shown else "NOT_ENRICHED",
        "revealed": bool(shown),
        "mobile": shown,
        "mobile_national": phone_text(number, "national"),
        "mobile_international": shown,
        "mobile_country": None,
        "mobile_country_code": None,
    }


def _company(f: Mapping[str, Any]) -> dict[str, Any] | None:
    domain = f.get("company_domain")
    if not (domain or f.get("company_name")):
        return None  # documented: null when the person has no current job
    low, high = bounds(f.get("company_revenue"))
    tech = list(f.get("company_tech_stack") or [])
    return {
        "company_id": stable_hex(domain or f.get("company_name")),
        "name": f.get("company_name"),
        "website": f.get("company_website") or (f"https://{domain}" if domain else None),
        "domain": domain,
        "other_websites": [],
        "description": f.get("company_description"),
        "type": f.get("company_type"),
        "industry": f.get("company_industry"),
        "employee_count": f.get("company_employee_count"),
        "employee_range": f.get("company_size"),
        "location": {
            "country": f.get("company_hq_country"),
            "country_code": None,
            "state": None,
            "city": f.get("company_hq_city"),
            "raw_address": f.get("company_hq_location"),
        },
        "sic_codes": [f["company_sic_code"]] if f.get("company_sic_code") else [],
        "naics_codes": [f["company_naics_code"]] if f.get("company_naics_code") else [],
        "linkedin_url": f.get("company_linkedin_url"),
        "twitter_url": f.get("company_twitter_url"),
        "phone_hq": _hq_phone(f.get("company_phone")),
        "founded": f.get("company_founded_year"),
        "revenue_range": {"min": low, "max": high} if low is not None else None,
        "revenue_range_printed": f.get("company_revenue"),
        "technology": {"count": len(tech), "technology_names": tech, "technology_list": []},
    }


def _hq_phone(number: Any) -> dict[str, Any] | None:
    if not number:
        return None
    return {
        "phone_hq": number,
        "phone_hq_national": phone_text(number, "national"),
        "phone_hq_international": number,
        "phone_hq_country": None,
        "phone_hq_country_code": None,
    }


WIRE = ProspeoWire()
