"""Gravatar's wire format: Profiles REST API v3 (https://docs.gravatar.com/rest-api; notes:
research/providers/Gravatar.md).

``GET /v3/profiles/{identifier}`` where the identifier is the SHA-256 hex of the trimmed,
lower-cased email address.

**Finding the person behind a hash.** A ``VendorView`` looks people up by email, not by
hash, and a hash cannot be reversed. So this wire keeps a hash -> email table: the market
core calls ``WIRE.register_emails(emails)`` once at start with every address of the
population (it may call it again to add more), and ``handle`` turns the path's hash back
into an address, then asks ``view.person(email=...)``. A hash of an address never
registered is a 404, as is one whose person this vendor does not know.

**Keys.** Gravatar works without a key; ``key_of`` returns the ``Authorization: Bearer``
token when one is sent and None otherwise, so the core must let keyless requests through
(the adapter has ``requires_key = False``). An authenticated request gets the full profile
(``first_name``, ``last_name``, ``last_profile_edit`` ...); an anonymous one the reduced
public profile (at most 4 verified accounts).

**Rendering.** ``display_name`` <- full_name, ``avatar_url`` <- photo_url (else the avatar
CDN address of the hash), ``location`` <- city/state/country, ``job_title``, ``company``,
``verified_accounts`` <- the LinkedIn, X/Twitter and GitHub URLs, ``description`` (the
"about me" text) <- headline; ``last_profile_edit`` <- ``observed_at``. Unset text fields
are ``""`` as Gravatar sends
them. ``score`` is not rendered (Gravatar has none).

**Errors.** 404 ``{"error": "Profile not found", "code": "not_found"}``; 429 with the
documented body ``{"error": "Rate limit exceeded", "code": "rate_limit_exceeded"}`` and the
documented ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset``
headers, the reset in epoch seconds: the end of the current hourly window by the wire's
``clock`` (the wall clock unless a test pins one). Like Gravatar it sends no
``Retry-After``: the adapter must read the reset. Gravatar is free: it has no credits, so a
``quota`` fault is its exhausted hourly allowance, the same 429. 401 for a refused key and
500 use the same ``{error, code}`` body (assembled).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from cleanlist_server.sandbox.market.vendors._group_c import (
    bearer,
    iso_z,
    name_of,
    person_place,
    reply,
    value,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

PROFILE_PREFIX: Final = "/v3/profiles/"
ANONYMOUS_ACCOUNTS: Final = 4
"""Verified accounts shown to an unauthenticated request."""
HOURLY_LIMIT: Final = {False: "100", True: "1000"}
"""Requests an hour without / with a key (``X-RateLimit-Limit``)."""
WINDOW_SECONDS: Final = 3600
"""The allowance's window: hourly, modelled as clock hours (it resets on the hour)."""

SERVICES: Final = (
    ("linkedin_url", "linkedin", "LinkedIn"),
    ("twitter_url", "twitter", "X"),
    ("github_url", "github", "GitHub"),
)


def gravatar_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def _error(
    status: int, message: str, code: str, headers: Mapping[str, str] | None = None
) -> MarketResponse:
    return reply(status, {"error": message, "code": code}, headers)


class GravatarWire:
    name = "gravatar"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._emails: dict[str, str] = {}
        self._clock = clock

    def register_emails(self, emails: Iterable[str]) -> None:
        """Learn the addresses whose hashes may be asked for (see the module docstring)."""
        for email in emails:
            if email and "@" in email:
                self._emails[gravatar_hash(email)] = email.strip().lower()

    def key_of(self, request: MarketRequest) -> str | None:
        return bearer(request)

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        if kind in ("rate_limited", "quota"):
            keyed = bearer(request) is not None
            headers = {
                "X-RateLimit-Limit": HOURLY_LIMIT[keyed],
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(self._window_end()),
            }
            return _error(429, "Rate limit exceeded", "rate_limit_exceeded", headers)
        if kind == "auth":
            return _error(401, "Invalid API key", "unauthorized")
        return _error(500, "Internal server error", "internal_error")

    def _window_end(self) -> int:
        """When the current hourly window ends, in epoch seconds (``X-RateLimit-Reset``)."""
        return (int(self._clock()) // WINDOW_SECONDS + 1) * WINDOW_SECONDS

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        path = request.path.rstrip("/")
        if request.method.upper() != "GET" or not path.startswith(PROFILE_PREFIX):
            return _error(404, "Not found", "not_found")
        identifier = path.removeprefix(PROFILE_PREFIX).lower()
        email = self._emails.get(identifier)
        record = view.person(email=email) if email else None
        if record is None or email is None:
            return _error(404, "Profile not found", "not_found")
        return reply(200, _profile(record, identifier, full=bearer(request) is not None))


def _accounts(fields: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "service_type": kind,
            "service_label": label,
            "service_icon": f"https://gravatar.com/icons/{kind}.svg",
            "url": str(fields[key]),
            "is_hidden": False,
        }
        for key, kind, label in SERVICES
        if fields.get(key)
    ]


def _profile(record: VendorRecord, identifier: str, *, full: bool) -> dict[str, Any]:
    f = record.fields
    accounts = _accounts(f)
    slug = record.person_id.lower()
    profile: dict[str, Any] = {
        "hash": identifier,
        "display_name": name_of(f),
        "profile_url": f"https://gravatar.com/{slug}",
        "avatar_url": value(f, "photo_url") or f"https://0.gravatar.com/avatar/{identifier}",
        "avatar_alt_text": "",
        "location": person_place(f),
        "description": value(f, "headline"),
        "job_title": value(f, "title"),
        "company": value(f, "company_name"),
        "verified_accounts": accounts if full else accounts[:ANONYMOUS_ACCOUNTS],
        "pronunciation": "",
        "pronouns": "",
    }
    if not full:
        return profile
    edited = iso_z(record.observed_at)
    profile.update(
        {
            "timezone": value(f, "timezone"),
            "languages": [],
            "first_name": value(f, "first_name"),
            "last_name": value(f, "last_name"),
            "is_organization": False,
            "links": [],
            "interests": [],
            "payments": {"links": [], "crypto_wallets": []},
            "contact_info": {
                "home_phone": "",
                "work_phone": "",
                "cell_phone": "",
                "email": "",
                "contact_form": "",
                "calendar": "",
            },
            "gallery": [],
            "number_verified_accounts": len(accounts),
            "last_profile_edit": edited,
            "registration_date": edited,
        }
    )
    return profile


WIRE = GravatarWire()
