"""LeadMagic's wire format (https://leadmagic.io/docs; notes: research/providers/LeadMagic.md).

Key: the ``X-API-Key`` header (``Authorization: Bearer <key>`` is accepted too, as a live
probe reported). Endpoints, ``POST`` with a JSON body:

- ``/v1/people/email-finder`` (also the older unversioned ``/email-finder``):
  ``first_name`` + ``last_name`` (or ``full_name``) and ``domain`` or ``company_name``. The
  vendor's verdict on the address (``view.email_status``) is its ``status``: valid (or a
  role address) -> ``valid``; catch-all -> ``valid_catch_all`` when the vendor's ``score``
  is at least 0.5 (it has engagement data), else ``catch_all``; anything else, or nobody,
  is HTTP 200 ``{"email": "", "status": "not_found", "credits_consumed": 0, ...}``. A found
  address comes with the current company's firmographics in the documented v1 layout
  (``company_profile_url`` as a slug, lower-case ``company_location``).
- ``/v1/people/b2b-profile-email``: ``profile_url`` (URL or slug) -> ``{email, profile_url,
  credits_consumed: 5, message}``; nobody (or an invalid address) is ``"email": null``.

Errors are RFC 9457 problem details (``application/problem+json``; the documented fields
``type``, ``title``, ``status``, ``detail`` plus ``error``/``message`` as in LeadMagic's own
client types, and a ``request_id``): 401 bad key, 402 no credits, 429 with ``Retry-After``,
500; an unknown path is a 404 problem. LeadMagic has no last-seen field, so ``observed_at``
is not rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from cleanlist_server.sandbox.market.vendors._group_c import (
    SANDBOX_RETRY_AFTER,
    bearer,
    handle,
    hq_place,
    number,
    reply,
    reply_type,
    stable_hex,
    value,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

FINDER_PATHS: Final = frozenset({"/v1/people/email-finder", "/email-finder"})
PROFILE_EMAIL_PATH: Final = "/v1/people/b2b-profile-email"
PROBLEM: Final = "application/problem+json"
CATCH_ALL_ENGAGED: Final = 0.5
"""Vendor score from which a catch-all address counts as ``valid_catch_all``."""

NOT_FOUND: Final = {
    "email": "",
    "status": "not_found",
    "credits_consumed": 0,
    "message": "Email not found",
}

_ERRORS: dict[ErrorKind, tuple[int, str, str, str]] = {
    "auth": (401, "unauthorized", "Unauthorized", "Missing or invalid API key."),
    "quota": (402, "insufficient_credits", "Payment Required", "Insufficient credits."),
    "rate_limited": (429, "rate_limited", "Too Many Requests", "Rate limit exceeded."),
    "server": (500, "internal_error", "Internal Server Error", "Temporary issue, retry."),
}


def problem(
    request: MarketRequest,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
) -> MarketResponse:
    body = {
        "type": f"https://leadmagic.io/docs/errors/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "error": code,
        "message": detail,
        "request_id": stable_hex(request.method, request.path, request.body.hex(), length=24),
    }
    return reply_type(status, body, PROBLEM, headers)


class LeadMagicWire:
    name = "leadmagic"

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("x-api-key") or bearer(request)

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        status, code, title, detail = _ERRORS[kind]
        headers = {"Retry-After": SANDBOX_RETRY_AFTER} if kind == "rate_limited" else None
        return problem(request, status, code, title, detail, headers)

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        path = request.path.rstrip("/")
        if request.method.upper() == "POST" and path in FINDER_PATHS:
            return self._finder(request, view)
        if request.method.upper() == "POST" and path == PROFILE_EMAIL_PATH:
            return self._profile_email(request, view)
        return problem(request, 404, "not_found", "Not Found", "No such endpoint.")

    def _finder(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        body = _body(request)
        first, last = _text(body, "first_name"), _text(body, "last_name")
        full = _text(body, "full_name")
        domain, company = _text(body, "domain"), _text(body, "company_name")
        if not ((first and last) or full):
            return problem(request, 400, "bad_request", "Bad Request", "A name is required.")
        if not (domain or company):
            detail = "You must provide either the Company Domain or the Company Name."
            return problem(request, 400, "bad_request", "Bad Request", detail)
        record = view.person(
            first_name=first,
            last_name=last,
            full_name=None if first and last else full,
            company_domain=domain,
            company_name=company,
        )
        email = value(record.fields, "email") if record else ""
        status = _finder_status(view, record, email) if record and email else None
        if record is None or status is None:
            return reply(200, NOT_FOUND)
        return reply(200, _found(record, email, status))

    def _profile_email(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        profile_url = _text(_body(request), "profile_url")
        if not profile_url:
            detail = "profile_url is required."
            return problem(request, 400, "bad_request", "Bad Request", detail)
        url = profile_url if "/" in profile_url else f"linkedin.com/in/{profile_url}"
        record = view.person(linkedin_url=url)
        email = value(record.fields, "email") if record else ""
        if email and view.email_status(email) not in ("invalid", "disposable"):
            answer = {
                "email": email,
                "profile_url": profile_url,
                "credits_consumed": 5,
                "message": "Email found.",
            }
        else:
            answer = {
                "email": None,
                "profile_url": profile_url,
                "credits_consumed": 0,
                "message": "No email found for this profile.",
            }
        return reply(200, answer)


def _body(request: MarketRequest) -> dict[str, Any]:
    body = request.json()
    return body if isinstance(body, dict) else {}


def _text(body: Mapping[str, Any], key: str) -> str | None:
    found = body.get(key)
    return found.strip() if isinstance(found, str) and found.strip() else None


def _finder_status(view: VendorView, record: VendorRecord, email: str) -> str | None:
    verdict = view.email_status(email)
    if verdict in ("valid", "role"):
        return "valid"
    if verdict == "catch_all":
        return "valid_catch_all" if record.score >= CATCH_ALL_ENGAGED else "catch_all"
    return None


_MESSAGES = {
    "valid": "Valid email found.",
    "valid_catch_all": "Valid catch-all email found.",
    "catch_all": "Catch-all email found.",
}


def _found(record: VendorRecord, email: str, status: str) -> dict[str, Any]:
    f = record.fields
    domain = value(f, "company_domain") or email.rsplit("@", 1)[-1]
    city, country = value(f, "company_hq_city"), value(f, "company_hq_country")
    return {
        "email": email,
        "status": status,
        "credits_consumed": 1,
        "message": _MESSAGES[status],
        "first_name": value(f, "first_name"),
        "last_name": value(f, "last_name"),
        "domain": domain,
        "mx_record": "",
        "mx_provider": "",
        "mx_security_gateway": False,
        "has_mx": True,
        "mx_records_full": [],
        "company_name": value(f, "company_name"),
        "company_industry": value(f, "company_industry"),
        "company_size": value(f, "company_size"),
        "company_founded": number(f, "company_founded_year"),
        "company_location": {
            "name": hq_place(f).lower(),
            "locality": city.lower(),
            "region": "",
            "metro": "",
            "country": country.lower(),
            "continent": "",
            "street_address": None,
            "address_line_2": None,
            "postal_code": None,
            "geo": None,
        },
        "company_profile_url": handle(f.get("company_linkedin_url")),
        "company_profile_id": None,
        "company_facebook_url": "",
        "company_twitter_url": value(f, "company_twitter_url"),
        "company_type": value(f, "company_type"),
        "employment_verified": True,
    }


WIRE = LeadMagicWire()
