"""ZeroBounce's wire format: ``GET /v2/validate`` and ``GET /v2/getcredits``
(https://www.zerobounce.net/docs/api-dashboard/api-error-codes).

The key is the ``api_key`` query parameter. A validation is a flat object (``status``,
``sub_status``, the owner's ``firstname``/``lastname`` when known, ``processed_at``). API
errors are ``{"error": "..."}`` with HTTP 200, and a refused key and an empty balance get the
same message; ``getcredits`` answers ``"-1"`` for a refused key instead of an error. Rate
limiting blocks the caller for a minute (``Retry-After: 60``).
"""

from __future__ import annotations

from typing import Any

from cleanlist_server.normalize.emails import is_free_domain
from cleanlist_server.sandbox.market.vendors._group_a import param, reply
from cleanlist_server.sandbox.market.wire import (
    EmailVerdict,
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorView,
)

VALIDATE = "/v2/validate"
CREDITS = "/v2/getcredits"
BALANCE = "25000"
"""What ``getcredits`` reports for a working key (the market tracks no balance)."""
KEY_OR_CREDITS = "Invalid API key or your account ran out of credits"
ERRORS: dict[ErrorKind, tuple[int, str, int | None]] = {
    "auth": (200, KEY_OR_CREDITS, None),
    "quota": (200, KEY_OR_CREDITS, None),
    "rate_limited": (429, "Too many requests: blocked for one minute", 60),
    "server": (500, "Internal server error", None),
}
CREDITS_ERRORS: dict[ErrorKind, str] = {"auth": "-1", "quota": "0"}
STATUS: dict[EmailVerdict, tuple[str, str]] = {
    "valid": ("valid", ""),
    "invalid": ("invalid", "mailbox_not_found"),
    "catch_all": ("catch-all", ""),
    "unknown": ("unknown", "mail_server_did_not_respond"),
    "disposable": ("do_not_mail", "disposable"),
    "role": ("do_not_mail", "role_based"),
}


class ZeroBounceWire:
    name = "zerobounce"

    def key_of(self, request: MarketRequest) -> str | None:
        return request.query.get("api_key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        if request.path == CREDITS and kind in CREDITS_ERRORS:
            return reply(200, {"Credits": CREDITS_ERRORS[kind]})
        status, message, retry_after = ERRORS[kind]
        return reply(status, {"error": message}, retry_after=retry_after)

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        if request.method != "GET" or request.path not in (VALIDATE, CREDITS):
            return reply(404, {"error": "Not found"})
        if request.path == CREDITS:
            return reply(200, {"Credits": BALANCE})
        email = param(request.query, "email")
        if not email or "@" not in email:
            return reply(200, {"error": "Missing parameter: email."})
        return reply(200, _validation(email.lower(), view))


def _validation(email: str, view: VendorView) -> dict[str, Any]:
    status, sub_status = STATUS[view.email_status(email)]
    account, domain = email.rsplit("@", 1)
    record = view.person(email=email)
    f = record.fields if record else {}
    return {
        "address": email,
        "status": status,
        "sub_status": sub_status,
        "free_email": is_free_domain(domain),
        "did_you_mean": None,
        "account": account,
        "domain": domain,
        "domain_age_days": None,
        "smtp_provider": None,
        "mx_found": "false" if sub_status == "mailbox_not_found" else "true",
        "mx_record": None,
        "firstname": f.get("first_name"),
        "lastname": f.get("last_name"),
        "gender": None,
        "country": None,
        "region": None,
        "city": None,
        "zipcode": None,
        # The market has no wall clock: a known owner's last-seen date, else none.
        "processed_at": record.observed_at.strftime("%Y-%m-%d %H:%M:%S.000") if record else None,
    }


WIRE = ZeroBounceWire()
