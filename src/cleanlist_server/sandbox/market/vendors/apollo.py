"""Apollo's wire format: ``POST /api/v1/people/match`` (https://docs.apollo.io/reference/people-enrichment).

The key in ``X-Api-Key``; identifiers in the query string or a JSON body. A miss is a 200
with ``"person": null``. Apollo publishes no error bodies: ``{"error": ...}`` as third-party
guides show, with an empty balance answered as a 422 naming credits. Apollo has no match
score to render, and delivers phones only by webhook, so neither appears here. When the
record was last seen shows as the current employment's ``updated_at``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.sandbox.market.vendors._group_a import (
    country_name,
    department,
    handle,
    param,
    reply,
    seniority,
    stable_id,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

PATHS = frozenset({"/api/v1/people/match", "/v1/people/match"})
ERRORS: dict[ErrorKind, tuple[int, dict[str, str], int | None]] = {
    "auth": (401, {"error": "Invalid access credentials."}, None),
    "quota": (422, {"error": "Insufficient credits: upgrade your plan or add credits."}, None),
    "rate_limited": (429, {"message": "Rate limit reached for people/match."}, 60),
    "server": (500, {"error": "Internal server error"}, None),
}


class ApolloWire:
    name = "apollo"

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("x-api-key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        status, body, retry_after = ERRORS[kind]
        return reply(status, body, retry_after=retry_after)

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        if request.method != "POST" or request.path not in PATHS:
            return reply(404, {"error": "Not found"})
        params = request.params()
        lookup = {
            "email": param(params, "email"),
            "linkedin_url": param(params, "linkedin_url"),
            "first_name": param(params, "first_name"),
            "last_name": param(params, "last_name"),
            "full_name": param(params, "name"),
            "company_domain": param(params, "domain"),
            "company_name": param(params, "organization_name"),
        }
        # A request naming nobody is not an error for Apollo: nothing is enriched.
        record = view.person(**lookup) if any(lookup.values()) else None
        return reply(200, {"person": _person(record, view) if record else None})


def _person(record: VendorRecord, view: VendorView) -> dict[str, Any]:
    f = record.fields
    email = f.get("email")
    org = _organization(f)
    slug = handle(f.get("linkedin_url"), "/in/")
    twitter = handle(f.get("twitter_url"), ".com/")
    job = {
        "_id": stable_id(record.person_id + "/job"),
        "current": True,
        "end_date": None,
        "organization_id": org["id"] if org else None,
        "organization_name": f.get("company_name"),
        "start_date": f.get("job_start_date"),
        "title": f.get("title"),
        "updated_at": record.observed_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }
    dept = department("apollo", f.get("department"))
    return {
        "id": stable_id(record.person_id),
        "first_name": f.get("first_name"),
        "last_name": f.get("last_name"),
        "name": f.get("full_name"),
        "linkedin_url": f"http://www.linkedin.com/in/{slug}" if slug else None,
        "title": f.get("title"),
        "email_status": _email_status(email, view),
        "photo_url": f.get("photo_url"),
        "twitter_url": f"https://twitter.com/{twitter}" if twitter else None,
        "github_url": f.get("github_url"),
        "facebook_url": None,
        "extrapolated_email_confidence": None,
        "headline": f.get("headline"),
        "email": email,
        "organization_id": job["organization_id"],
        "employment_history": [job] if f.get("company_name") or f.get("title") else [],
        "state": f.get("state"),
        "city": f.get("city"),
        "country": country_name(f.get("country")),
        "organization": org,
        "departments": [dept] if dept else [],
        "subdepartments": [],
        "functions": [],
        "seniority": seniority("apollo", f.get("seniority")),
    }


def _email_status(email: Any, view: VendorView) -> str | None:
    if not email:
        return None
    return "verified" if view.email_status(str(email)) == "valid" else "unverified"


def _organization(f: Mapping[str, Any]) -> dict[str, Any] | None:
    domain = f.get("company_domain")
    if not (domain or f.get("company_name")):
        return None
    slug = handle(f.get("company_linkedin_url"), "/company/")
    twitter = handle(f.get("company_twitter_url"), ".com/")
    industry = f.get("company_industry")
    return {
        "id": stable_id(f"org/{domain or f.get('company_name')}"),
        "name": f.get("company_name"),
        "website_url": f"http://www.{domain}" if domain else None,
        "linkedin_url": f"http://www.linkedin.com/company/{slug}" if slug else None,
        "twitter_url": f"https://twitter.com/{twitter}" if twitter else None,
        "phone": f.get("company_phone"),
        "founded_year": f.get("company_founded_year"),
        "primary_domain": domain,
        "industry": str(industry).lower() if industry else None,
        "estimated_num_employees": f.get("company_employee_count"),
        "annual_revenue": f.get("company_annual_revenue"),
        "technology_names": list(f.get("company_tech_stack") or []),
        "city": f.get("company_hq_city"),
        "country": country_name(f.get("company_hq_country")),
        "short_description": f.get("company_description"),
    }


WIRE = ApolloWire()
