"""Hunter's wire format (https://hunter.io/api-documentation/v2): GETs under ``/v2``.

Served: ``email-finder``, ``email-verifier``, ``domain-search``, ``people/find``,
``companies/find`` and ``combined/find``. The key in ``X-API-KEY``, ``Authorization: Bearer``
or ``api_key``. Answers are ``{"data", "meta"}``; errors ``{"errors": [{"id", "code",
"details"}]}``. Hunter's statuses: 401 bad key, 403 rate limit, 429 usage limit (no credits),
404 no match for the enrichment calls; the finder's miss is a 200 with ``"email": null``.
Scores are 0-100; last seen shows as ``verification.date`` and ``indexedAt``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from cleanlist_server.normalize.emails import is_free_domain
from cleanlist_server.sandbox.market.vendors._group_a import (
    country_name,
    day,
    department,
    handle,
    param,
    place,
    reply,
    seniority,
    stable_id,
)
from cleanlist_server.sandbox.market.wire import (
    EmailVerdict,
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

ERRORS: dict[ErrorKind, tuple[int, str, str]] = {
    "auth": (401, "authentication_failed", "No user found for the API key supplied"),
    "rate_limited": (403, "too_many_requests", "You have reached the rate limit"),
    "quota": (429, "too_many_requests", "You have reached your monthly usage limit"),
    "server": (500, "server_error", "Something went wrong on our side"),
}
FINDER_STATUS: dict[EmailVerdict, str] = {"valid": "valid", "catch_all": "accept_all"}
VERIFIER_STATUS: dict[EmailVerdict, str] = {
    "valid": "valid",
    "invalid": "invalid",
    "catch_all": "accept_all",
    "disposable": "disposable",
    "unknown": "unknown",
    "role": "valid",  # Hunter has no role status
}
VERIFIER_SCORE = {"valid": 95, "accept_all": 60, "webmail": 50, "unknown": 30}
RESULT = {"valid": "deliverable", "invalid": "undeliverable", "disposable": "undeliverable"}
Route = Callable[[Mapping[str, Any], VendorView], MarketResponse]


def _profile_url(linkedin_handle: str | None) -> str | None:
    return f"https://linkedin.com/in/{linkedin_handle}" if linkedin_handle else None


def _fail(status: int, kind: str, details: str) -> MarketResponse:
    return reply(status, {"errors": [{"id": kind, "code": status, "details": details}]})


def _missing(name: str) -> MarketResponse:
    return _fail(400, "wrong_params", f"You are missing the {name} parameter")


class HunterWire:
    name = "hunter"

    def key_of(self, request: MarketRequest) -> str | None:
        bearer = request.headers.get("authorization", "")
        if bearer.lower().startswith("bearer "):
            return bearer[7:].strip()
        return request.headers.get("x-api-key") or request.query.get("api_key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return _fail(*ERRORS[kind])

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        route = ROUTES.get(request.path) if request.method == "GET" else None
        if route is None:
            return _fail(404, "not_found", "This route does not exist")
        return route(request.params(), view)


def _email_finder(params: Mapping[str, Any], view: VendorView) -> MarketResponse:
    domain, company = param(params, "domain"), param(params, "company")
    linkedin = param(params, "linkedin_handle")
    first, last = param(params, "first_name"), param(params, "last_name")
    full = param(params, "full_name")
    if not (domain or company or linkedin):
        return _missing("domain")
    if not (linkedin or full or (first and last)):
        return _missing("first_name")
    record = view.person(
        linkedin_url=_profile_url(linkedin),
        first_name=first,
        last_name=last,
        full_name=full,
        company_domain=domain,
        company_name=None if domain else company,
    )
    f = record.fields if record else {}
    email = f.get("email")
    verdict = view.email_status(str(email)) if email else "unknown"
    data = {
        "first_name": f.get("first_name", first),
        "last_name": f.get("last_name", last),
        "email": email,
        "score": round(record.score * 100) if record and email else None,
        "domain": f.get("company_domain", domain),
        "accept_all": verdict == "catch_all",
        "position": f.get("title"),
        "twitter": handle(f.get("twitter_url"), ".com/"),
        "linkedin_url": f.get("linkedin_url"),
        "phone_number": f.get("phone"),
        "company": f.get("company_name", company),
        "sources": [],
        "verification": {
            "date": day(record.observed_at) if record and email else None,
            "status": FINDER_STATUS.get(verdict, "unknown") if email else None,
        },
    }
    meta = {"first_name": first, "last_name": last, "full_name": full, "domain": domain}
    return reply(200, {"data": data, "meta": {"params": {**meta, "company": company}}})


def _email_verifier(params: Mapping[str, Any], view: VendorView) -> MarketResponse:
    email = param(params, "email")
    if not email or "@" not in email:
        return _missing("email")
    verdict = view.email_status(email)
    webmail = is_free_domain(email.rsplit("@", 1)[1])
    status = "webmail" if webmail and verdict == "valid" else VERIFIER_STATUS[verdict]
    data = {
        "status": status,
        "result": RESULT.get(status, "risky"),
        "score": VERIFIER_SCORE.get(status, 0),
        "email": email,
        "regexp": True,
        "gibberish": False,
        "disposable": status == "disposable",
        "webmail": webmail,
        "mx_records": status != "invalid",
        "smtp_server": status != "invalid",
        "smtp_check": status in ("valid", "accept_all"),
        "accept_all": status == "accept_all",
        "block": False,
        "sources": [],
    }
    return reply(200, {"data": data, "meta": {"params": {"email": email}}})


def _domain_search(params: Mapping[str, Any], view: VendorView) -> MarketResponse:
    """Domain Search: ``meta.results`` counts every address known there (the page is
    ``limit`` from ``offset``); ``type=generic`` lists nothing (the market has no role
    addresses); the company is looked up only to resolve a ``company`` name."""
    domain, company = param(params, "domain"), param(params, "company")
    if not (domain or company):
        return _missing("domain")
    found = None if domain else view.company(name=company)
    domain = domain or (str(found.fields.get("company_domain")) if found else None)
    limit = min(100, _number(param(params, "limit"), 10))
    offset = _number(param(params, "offset"), 0)
    kind = param(params, "type")
    listed = view.people_at(domain, limit=10_000) if domain and kind != "generic" else []
    people = [p for p in listed if p.fields.get("email")]
    page = people[offset : offset + limit]
    name = found.fields.get("company_name") if found else None
    data = {
        "domain": domain,
        "disposable": False,
        "webmail": bool(domain) and is_free_domain(str(domain)),
        "accept_all": any(_verdict(p, view) == "catch_all" for p in people),
        "pattern": None,
        "organization": name or (people[0].fields.get("company_name") if people else None),
        "linked_domains": [],
        "emails": [_listed(p, view) for p in page],
    }
    filters = {k: param(params, k) for k in ("type", "seniority", "department")}
    meta = {"results": len(people), "limit": limit, "offset": offset}
    return reply(
        200,
        {
            "data": data,
            "meta": {**meta, "params": {"domain": domain, "company": company, **filters}},
        },
    )


def _verdict(record: VendorRecord, view: VendorView) -> EmailVerdict | None:
    email = record.fields.get("email")
    return view.email_status(str(email)) if email else None


def _number(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


def _listed(record: VendorRecord, view: VendorView) -> dict[str, Any]:
    f = record.fields
    verdict = _verdict(record, view)
    return {
        "value": f["email"],
        "type": "personal",
        "confidence": round(record.score * 100),
        "sources": [],
        "first_name": f.get("first_name"),
        "last_name": f.get("last_name"),
        "position": f.get("title"),
        "position_raw": f.get("title"),
        "seniority": seniority("hunter", f.get("seniority")),
        "department": department("hunter", f.get("department")),
        "linkedin": f.get("linkedin_url"),
        "twitter": handle(f.get("twitter_url"), ".com/"),
        "phone_number": f.get("phone"),
        "verification": {
            "date": day(record.observed_at),
            "status": FINDER_STATUS.get(verdict or "unknown", "unknown"),
        },
    }


def _people_find(params: Mapping[str, Any], view: VendorView) -> MarketResponse:
    email, linkedin = param(params, "email"), param(params, "linkedin_handle")
    if not (email or linkedin):
        return _missing("email")
    record = view.person(linkedin_url=_profile_url(linkedin)) if linkedin else None
    record = record or (view.person(email=email) if email else None)
    if record is None:
        return _fail(404, "not_found", "No person found for this email")
    return reply(200, {"data": _person(record), "meta": {"email": email}})


def _companies_find(params: Mapping[str, Any], view: VendorView) -> MarketResponse:
    domain = param(params, "domain")
    if not domain:
        return _missing("domain")
    found = view.company(domain=domain)
    if found is None:
        return _fail(404, "not_found", "No company found for this domain")
    return reply(200, {"data": _company(found.fields), "meta": {"domain": domain}})


def _combined_find(params: Mapping[str, Any], view: VendorView) -> MarketResponse:
    email = param(params, "email")
    if not email:
        return _missing("email")
    record = view.person(email=email)
    if record is None:
        return _fail(404, "not_found", "No person found for this email")
    company = _company(record.fields) if record.fields.get("company_domain") else None
    data = {"person": _person(record), "company": company}
    return reply(200, {"data": data, "meta": {"email": email}})


def _person(record: VendorRecord) -> dict[str, Any]:
    f = record.fields
    country = country_name(f.get("country"))
    twitter = handle(f.get("twitter_url"), ".com/")
    linkedin = handle(f.get("linkedin_url"), "/in/")
    return {
        "id": str(uuid.UUID(stable_id(record.person_id, 32))),
        "name": {
            "fullName": f.get("full_name"),
            "givenName": f.get("first_name"),
            "familyName": f.get("last_name"),
        },
        "email": f.get("email"),
        "location": place(f.get("city"), f.get("state"), country),
        "timeZone": f.get("timezone"),
        "geo": {
            "city": f.get("city"),
            "state": f.get("state"),
            "country": country,
            "countryCode": f.get("country_code"),
        },
        "employment": {
            "domain": f.get("company_domain"),
            "name": f.get("company_name"),
            "title": f.get("title"),
            "role": department("hunter", f.get("department")),
            "subRole": None,
            "seniority": seniority("hunter", f.get("seniority")),
        },
        "twitter": {"handle": twitter},
        "linkedin": {"handle": linkedin},
        "fuzzy": False,
        "indexedAt": day(record.observed_at),
        "phone": f.get("phone"),
    }


def _company(f: Mapping[str, Any]) -> dict[str, Any]:
    slug = handle(f.get("company_linkedin_url"), "/company/")
    domain = f.get("company_domain")
    return {
        "id": str(uuid.UUID(stable_id(f"company/{domain}", 32))),
        "name": f.get("company_name"),
        "legalName": f.get("company_name"),
        "domain": domain,
        "category": {"industry": f.get("company_industry")},
        "tags": [],
        "description": f.get("company_description"),
        "foundedYear": f.get("company_founded_year"),
        "location": place(f.get("company_hq_city"), country_name(f.get("company_hq_country"))),
        "linkedin": {"handle": f"company/{slug}" if slug else None},
        "type": f.get("company_type"),
        "metrics": {"employees": f.get("company_size")},
        "tech": list(f.get("company_tech_stack") or []),
        "fundingRounds": [],
    }


ROUTES: dict[str, Route] = {
    "/v2/email-finder": _email_finder,
    "/v2/email-verifier": _email_verifier,
    "/v2/domain-search": _domain_search,
    "/v2/people/find": _people_find,
    "/v2/companies/find": _companies_find,
    "/v2/combined/find": _combined_find,
}

WIRE = HunterWire()
