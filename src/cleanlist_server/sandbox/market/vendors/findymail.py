"""Findymail's wire format (https://app.findymail.com/docs): finders and the verifier.

Key as ``Authorization: Bearer``; errors are ``{"error": "..."}``; a miss is HTTP 404. Out of
credits is rendered as the documented example, ``{"error": "Not enough credits"}`` with HTTP
200 as the page shows it. Findymail only hands out addresses it has verified.
"""

from __future__ import annotations

from typing import Any

from cleanlist_server.sandbox.market.vendors._group_b import reply, split_company, text
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

ERRORS: dict[ErrorKind, tuple[int, str, dict[str, str]]] = {
    "auth": (401, "Invalid API key", {}),
    "quota": (200, "Not enough credits", {}),
    "rate_limited": (429, "Too many requests", {"Retry-After": "1"}),
    "server": (500, "Server error", {}),
}


def _fail(status: int, message: str, headers: dict[str, str] | None = None) -> MarketResponse:
    return reply(status, {"error": message}, headers)


class FindymailWire:
    name = "findymail"

    def key_of(self, request: MarketRequest) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token.strip() or None if scheme.lower() == "bearer" else None

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return _fail(*ERRORS[kind])

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        params = request.params()
        if request.method != "POST":
            return _fail(404, "Not found")
        if request.path == "/api/search/name":
            name, company = text(params.get("name")), text(params.get("domain"))
            if not (name and company):
                return _fail(422, "The name and domain fields are required.")
            return _found(view.person(full_name=name, **split_company(company)))
        if request.path == "/api/search/linkedin":
            url = text(params.get("linkedin_url"))
            if not url:
                return _fail(422, "The linkedin url field is required.")
            return _found(view.person(linkedin_url=url))
        if request.path == "/api/verify":
            email = text(params.get("email"))
            if not email:
                return _fail(422, "The email field is required.")
            return reply(200, {"email": email, "verified": view.email_status(email) == "valid"})
        return _fail(404, "Not found")


def _found(record: VendorRecord | None) -> MarketResponse:
    f: Any = record.fields if record else {}
    if not f.get("email") or f.get("email_status") not in (None, "valid"):
        return _fail(404, "Contact not found")
    contact = {"name": f.get("full_name"), "email": f["email"], "domain": f.get("company_domain")}
    return reply(200, {"contact": contact})


WIRE = FindymailWire()
