"""Dropcontact's wire format (https://developer.dropcontact.com): asynchronous enrichment.

``POST /v1/enrich/all`` takes ``{"data": [contacts]}`` and answers a ``request_id``;
``GET /v1/enrich/all/{request_id}`` answers "not ready" on its first poll, then the enriched
contacts in request order. A contact Dropcontact cannot enrich comes back as sent. Key in
``X-Access-Token``; errors are ``{"error": true, "reason": ..., "success": false}``; out of
credits is HTTP 403. Pending batches live in the wire object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cleanlist_server.sandbox.market.vendors._group_b import (
    PendingResults,
    domain_of,
    enough,
    phone_text,
    reply,
    text,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

BATCH_LIMIT = 250
CREDITS_LEFT = 1000  # illustrative: the market core keeps the real counts
NOMINATIVE_SCORE = 0.8
"""Without a verifier's verdict, a work address scored at least this is ``nominative@pro``."""
QUALIFICATION = {
    "valid": "nominative@pro",
    "catch-all": "catch_all@pro",
    "role-based": "generic@pro",
    "invalid": "invalid@pro",
}
ERRORS: dict[ErrorKind, tuple[int, str, dict[str, str]]] = {
    "auth": (401, "Invalid token", {}),
    "quota": (403, "You don't have enough credits", {}),
    "rate_limited": (429, "Too many requests, slow down", {"Retry-After": "1"}),
    "server": (500, "Internal server error", {}),
}
NOT_READY = {
    "error": False,
    "reason": "Request not ready yet, try again in 30 seconds",
    "success": False,
}
PREFIX = "/v1/enrich/all"


def _fail(status: int, reason: str, headers: Mapping[str, str] | None = None) -> MarketResponse:
    return reply(status, {"error": True, "reason": reason, "success": False}, headers)


class DropcontactWire:
    name = "dropcontact"

    def __init__(self) -> None:
        self.batches: PendingResults[list[dict[str, Any]]] = PendingResults("dc")

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("x-access-token")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return _fail(*ERRORS[kind])

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        if request.method == "POST" and request.path == PREFIX:
            return self._submit(request, view)
        if request.method == "GET" and request.path.startswith(PREFIX + "/"):
            return self._result(request.path.removeprefix(PREFIX + "/"))
        return _fail(404, "Not found")

    def _submit(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        body = request.json()
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not 0 < len(data) <= BATCH_LIMIT:
            return _fail(400, f"data must be a list of 1 to {BATCH_LIMIT} contacts")
        if not all(isinstance(contact, dict) for contact in data):
            return _fail(400, "each contact must be an object")
        request_id = self.batches.add([_enrich(contact, view) for contact in data])
        answer = {"error": False, "request_id": request_id, "success": True}
        return reply(200, {**answer, "credits_left": CREDITS_LEFT})

    def _result(self, request_id: str) -> MarketResponse:
        rows = self.batches.get(request_id)
        if rows is None:
            return _fail(404, "Request not found")
        if self.batches.poll(request_id) == 0:
            return reply(200, NOT_READY)
        return reply(200, {"error": False, "success": True, "data": rows})


def _enrich(contact: Mapping[str, Any], view: VendorView) -> dict[str, Any]:
    lookup = {
        "email": text(contact.get("email")),
        "linkedin_url": text(contact.get("linkedin")),
        "first_name": text(contact.get("first_name")),
        "last_name": text(contact.get("last_name")),
        "full_name": text(contact.get("full_name")),
        "company_domain": domain_of(contact.get("website")),
        "company_name": text(contact.get("company")),
    }
    record = view.person(**lookup) if enough(lookup) else None
    if record is None or not record.fields.get("email"):
        return dict(contact)  # documented not-found: the contact unchanged, no email array
    return {**contact, **_render(record)}


def _render(record: VendorRecord) -> dict[str, Any]:
    f = record.fields
    emails = [{"email": f["email"], "qualification": _qualification(record)}]
    if f.get("personal_email"):
        emails.append({"email": f["personal_email"], "qualification": "nominative@perso"})
    domain = f.get("company_domain")
    count = f.get("company_employee_count")
    return {
        "civility": None,
        "first_name": f.get("first_name"),
        "last_name": f.get("last_name"),
        "full_name": f.get("full_name"),
        "email": emails,
        "phone": phone_text(f.get("phone") or f.get("mobile")),
        "company": f.get("company_name"),
        "website": f"www.{domain}" if domain else None,
        "linkedin": f.get("linkedin_url"),
        "nb_employees": str(count) if count is not None else None,
        "company_linkedin": f.get("company_linkedin_url"),
        "job": f.get("title"),
        "job_level": None,
        "job_function": f.get("department"),
    }


def _qualification(record: VendorRecord) -> str:
    verdict = record.fields.get("email_status")
    if record.fields.get("email_free_provider"):
        return "nominative@perso"
    if verdict:
        return QUALIFICATION.get(str(verdict), "random@pro")
    return "nominative@pro" if record.score >= NOMINATIVE_SCORE else "catch_all@pro"


WIRE = DropcontactWire()
