"""People Data Labs' wire format: ``GET /v5/person/enrich``
(https://docs.peopledatalabs.com/docs/reference-person-enrichment-api).

The key in ``X-Api-Key`` (or ``api_key`` in the query); parameters in the query string or a
JSON body. A match is ``{"status": 200, "likelihood": 1-10, "data": {...}}`` with every
string lower-cased unless ``titlecase=true``; a miss (or a likelihood below
``min_likelihood``) is a 404. Errors are ``{"status": n, "error": {"type", "message"}}``
(https://docs.peopledatalabs.com/docs/errors.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.sandbox.market.vendors._group_a import (
    country_name,
    day,
    department,
    handle,
    param,
    place,
    reply,
    seniority,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

PATH = "/v5/person/enrich"
NOT_FOUND = "No records were found matching your request"
ERRORS: dict[ErrorKind, tuple[int, str, str, int | None]] = {
    "auth": (401, "authentication_error", "Invalid or missing API key", None),
    "quota": (402, "payment_required", "You have hit your account maximum for all matches", None),
    "rate_limited": (429, "rate_limit_error", "Rate limit exceeded", 60),
    "server": (500, "api_error", "Internal server error", None),
}
IDENTIFIERS = ("email", "profile", "name", "first_name", "last_name", "company")


def _fail(status: int, kind: str, message: str, retry_after: int | None = None) -> MarketResponse:
    body = {"status": status, "error": {"type": kind, "message": message}}
    return reply(status, body, retry_after=retry_after)


class PdlWire:
    name = "pdl"

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("x-api-key") or request.query.get("api_key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return _fail(*ERRORS[kind])

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        if request.path != PATH:
            return _fail(404, "not_found", "Not found")
        if request.method != "GET":
            return _fail(405, "invalid_request_error", "Method not allowed")
        params = request.params()
        if not any(param(params, name) for name in IDENTIFIERS):
            return _fail(400, "invalid_request_error", "No identifying parameters given")
        company = param(params, "company")
        domain = company if company and "." in company and " " not in company else None
        record = view.person(
            email=param(params, "email"),
            linkedin_url=param(params, "profile"),
            first_name=param(params, "first_name"),
            last_name=param(params, "last_name"),
            full_name=param(params, "name"),
            company_domain=domain,
            company_name=None if domain else company,
        )
        likelihood = max(1, min(10, round(record.score * 10))) if record else 0
        wanted = param(params, "min_likelihood") or "0"
        if record is None or likelihood < (int(wanted) if wanted.isdigit() else 0):
            return _fail(404, "not_found", NOT_FOUND)
        data = _data(record)
        if (param(params, "titlecase") or "").lower() != "true":
            data = _lower(data)
        return reply(200, {"status": 200, "likelihood": likelihood, "data": data})


def _data(record: VendorRecord) -> dict[str, Any]:
    f = record.fields
    slug = handle(f.get("linkedin_url"), "/in/")
    twitter = handle(f.get("twitter_url"), ".com/")
    github = handle(f.get("github_url"), ".com/")
    personal = f.get("personal_email")
    email = f.get("email")
    numbers = [n for n in dict.fromkeys([f.get("mobile"), f.get("phone")]) if n]
    country = country_name(f.get("country"))
    level = seniority("pdl", f.get("seniority"))
    return {
        "id": record.person_id,
        "full_name": f.get("full_name"),
        "first_name": f.get("first_name"),
        "middle_name": f.get("middle_name"),
        "last_name": f.get("last_name"),
        "linkedin_url": f"linkedin.com/in/{slug}" if slug else None,
        "linkedin_username": slug,
        "twitter_url": f"twitter.com/{twitter}" if twitter else None,
        "twitter_username": twitter,
        "github_url": f"github.com/{github}" if github else None,
        "github_username": github,
        "headline": f.get("headline"),
        "work_email": email,
        "personal_emails": [personal] if personal else [],
        "recommended_personal_email": personal,
        "mobile_phone": f.get("mobile"),
        "phone_numbers": numbers,
        "industry": f.get("company_industry"),
        "job_title": f.get("title"),
        "job_title_role": department("pdl", f.get("department")),
        "job_title_levels": [level] if level else [],
        **_job_company(f),
        "job_start_date": f.get("job_start_date"),
        "job_last_verified": day(record.observed_at),
        "location_name": place(f.get("city"), f.get("state"), country),
        "location_locality": f.get("city"),
        "location_region": f.get("state"),
        "location_country": country,
        "emails": [
            {"address": address, "type": kind}
            for address, kind in ((email, "current_professional"), (personal, "personal"))
            if address
        ],
    }


def _job_company(f: Mapping[str, Any]) -> dict[str, Any]:
    slug = handle(f.get("company_linkedin_url"), "/company/")
    twitter = handle(f.get("company_twitter_url"), ".com/")
    country = country_name(f.get("company_hq_country"))
    domain = f.get("company_domain")
    return {
        "job_company_id": domain.replace(".", "-") if domain else None,
        "job_company_name": f.get("company_name"),
        "job_company_website": domain,
        "job_company_size": _size(f.get("company_size"), f.get("company_employee_count")),
        "job_company_founded": f.get("company_founded_year"),
        "job_company_industry": f.get("company_industry"),
        "job_company_linkedin_url": f"linkedin.com/company/{slug}" if slug else None,
        "job_company_twitter_url": f"twitter.com/{twitter}" if twitter else None,
        "job_company_location_name": place(f.get("company_hq_city"), country),
        "job_company_location_locality": f.get("company_hq_city"),
        "job_company_location_country": country,
    }


def _size(band: Any, count: Any) -> str | None:
    """PDL's size ranges match ours except above 5,000 (``5001-10000``, ``10001+``)."""
    if band != "5001+":
        return str(band) if band else None
    return "10001+" if isinstance(count, int) and count > 10_000 else "5001-10000"


def _lower(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, list):
        return [_lower(v) for v in value]
    if isinstance(value, dict):
        return {k: _lower(v) for k, v in value.items()}
    return value


WIRE = PdlWire()
