"""NeverBounce's wire format: ``/v4.2/single/check`` (also ``/v4`` and ``/v4.1``, GET or POST)
(https://developers.neverbounce.com/reference/single-check).

The key is the ``key`` parameter. Every answer is HTTP 200: ``{"status": "success",
"result", "flags", ...}``, or ``status`` naming the failure (``auth_failure``,
``throttle_triggered``, ``temp_unavail``, ``general_failure``) with a ``message``. No score and
no date are part of the format.
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

PATHS = frozenset(f"/{version}/single/check" for version in ("v4", "v4.1", "v4.2"))
EXECUTION_TIME = 312
"""Milliseconds reported on every answer (fixed: the market's latency is the core's)."""
ERRORS: dict[ErrorKind, tuple[str, str]] = {
    "auth": ("auth_failure", "Invalid API key"),
    "quota": ("general_failure", "Insufficient credits to complete this request"),
    "rate_limited": ("throttle_triggered", "Too many requests in a short amount of time"),
    "server": ("temp_unavail", "The service is temporarily unavailable"),
}
RESULT: dict[EmailVerdict, str] = {
    "valid": "valid",
    "invalid": "invalid",
    "catch_all": "catchall",
    "unknown": "unknown",
    "disposable": "disposable",
    "role": "valid",  # a deliverable role address, flagged role_account
}


def _fail(status: str, message: str, http: int = 200) -> MarketResponse:
    body = {"status": status, "message": message, "execution_time": EXECUTION_TIME}
    return reply(http, body)


class NeverBounceWire:
    name = "neverbounce"

    def key_of(self, request: MarketRequest) -> str | None:
        return param(request.params(), "key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return _fail(*ERRORS[kind])

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        if request.method not in ("GET", "POST") or request.path not in PATHS:
            return _fail("general_failure", "Unknown endpoint", 404)
        email = param(request.params(), "email")
        if not email:
            return _fail("general_failure", "Missing required parameter 'email'")
        return reply(200, _check(email.lower(), view))


def _check(email: str, view: VendorView) -> dict[str, Any]:
    verdict = view.email_status(email)
    flags = [] if verdict == "invalid" else ["has_dns", "has_dns_mx"]
    if verdict in ("valid", "role", "catch_all"):
        flags.append("smtp_connectable")
    if verdict == "role":
        flags.append("role_account")
    if is_free_domain(email.rsplit("@", 1)[-1]):
        flags.append("free_email_host")
    return {
        "status": "success",
        "result": RESULT[verdict],
        "flags": flags,
        "suggested_correction": "",
        "retry_token": "",
        "execution_time": EXECUTION_TIME,
    }


WIRE = NeverBounceWire()
