"""Snov.io: profile by email, and the (asynchronous) email finder by name and domain.

Docs: https://snov.io/api and https://snov.io/knowledgebase/how-to-enrich-your-data-via-snov-io-api
(research notes: shared/research/providers/Snov.md).

**Key format.** Snov.io authenticates with OAuth client credentials: the account's *API User
ID* and *API Secret*. Configure them as one key, ``"<client_id>:<client_secret>"`` (for
example ``CLEANLIST_PROVIDER_SNOV_KEY=c57a...:77cb...``). The adapter exchanges them at
``POST /v1/oauth/access_token`` (``grant_type=client_credentials``, form-encoded) for a
Bearer token, caches it until a minute before ``expires_in`` (3600 s), and sends
``Authorization: Bearer <token>`` on every other call. A 401 on a data call (expired or
revoked token) refreshes the token once and repeats the call.

Lookups:

- an email: ``POST /v1/get-profile-by-email`` (``email``), synchronous; not found is HTTP 200
  without a profile (``{"success": true, "message": "We couldn't find profile ..."}``);
- a first and last name with a company domain: ``POST /v2/emails-by-domain-by-name/start``
  (``{"rows": [{"first_name", "last_name", "domain"}]}``) returns ``data.task_hash``; then
  ``GET /v2/emails-by-domain-by-name/result?task_hash=...`` is polled every
  ``poll_interval`` seconds, at most ``max_polls`` times, until ``status`` is
  ``completed``. Not found is ``"result": []`` for the row. ``not_valid`` addresses are
  ignored.

Errors: 401 bad token; running out of credits is recognised by its message ("you ran out of
credits", whatever the status) or HTTP 402/403; 429 rate limited (60 requests a minute).

Cost: the token call and misses are free; the email finder takes 1 credit per email found
with ``valid`` or ``unknown`` status; profile by email 1 credit per request that finds a
profile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import httpx

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderTimeout,
)
from cleanlist_server.providers.config import ProviderSettings
from cleanlist_server.providers.http import HttpProvider, VendorVerdict, parse_date
from cleanlist_server.providers.vendors._group_c import (
    EMAIL_FIELDS,
    INDUSTRY_FIELDS,
    LOCATION_FIELDS,
    NAME_FIELDS,
    TITLE_FIELDS,
    first_last,
    month_of,
    obj,
    objs,
    text,
)

TOKEN_PATH: Final = "/v1/oauth/access_token"
PROFILE_PATH: Final = "/v1/get-profile-by-email"
FINDER_START_PATH: Final = "/v2/emails-by-domain-by-name/start"
FINDER_RESULT_PATH: Final = "/v2/emails-by-domain-by-name/result"

TOKEN_LIFETIME: Final = 3600.0
"""Seconds a token lives when the answer has no usable ``expires_in`` (the documented hour)."""
TOKEN_MARGIN: Final = 60.0
"""A token is renewed this many seconds before it expires."""

# Snov.io publishes no per-record score. Its finder checks each address over SMTP, so a
# ``valid`` one is trusted like a verifier's "valid"; a catch-all domain or an "unknown"
# answer is a pattern guess. A profile found by exact email is a solid identity match, but
# the job data is a scraped profile that lags behind job changes.
SMTP_CONFIDENCE: Final[dict[str, float]] = {"valid": 0.9, "catch-all": 0.6, "unknown": 0.5}
PROFILE_CONFIDENCE: Final = 0.8

_IN_PROGRESS: Final = frozenset({"in_progress", "in progress", "pending", "processing"})
_OAUTH_REFUSALS: Final = frozenset({"invalid_client", "invalid_grant", "unauthorized_client"})
_CATCH_ALL: Final = frozenset({"catch-all", "catch_all", "catchall", "accept_all"})


class SnovProvider(HttpProvider):
    name = "snov"
    fields = (
        NAME_FIELDS
        | TITLE_FIELDS
        | EMAIL_FIELDS
        | LOCATION_FIELDS
        | INDUSTRY_FIELDS
        | {"company_hq_location", "company_hq_city", "company_hq_country"}
        | {"photo_url", "linkedin_url", "twitter_url", "github_url", "job_start_date"}
        | {"company_name", "company_domain", "company_website", "company_linkedin_url"}
        | {"company_founded_year", "company_size", "company_type", "company_phone"}
    )
    poll_interval: float = 1.0
    """Seconds between two polls of an asynchronous task (tests set 0)."""
    max_polls: int = 8
    """Polls of one task before giving up with ``ProviderTimeout``."""

    def __init__(
        self,
        settings: ProviderSettings,
        client: httpx.AsyncClient,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(settings, client, clock=clock)
        self._token: str | None = None
        self._token_expires = datetime.min.replace(tzinfo=UTC)
        self._token_lock = asyncio.Lock()

    def accepts(self, query: Query) -> bool:
        if query.value("email"):
            return True
        first_name, last_name = first_last(query)
        return bool(first_name and last_name and query.value("company_domain"))

    async def lookup(self, query: Query) -> ProviderResult:
        email = text(query.value("email"))
        if email:
            return await self._profile_by_email(email)
        first_name, last_name = first_last(query)
        domain = text(query.value("company_domain"))
        if not (first_name and last_name and domain):
            return ProviderResult.miss(self.name)
        return await self._find_email(first_name, last_name, domain)

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        body = obj(payload)
        said = " ".join(
            t.lower()
            for t in map(text, (body.get(k) for k in ("message", "errors", "error", "result")))
            if t
        )
        if "out of credits" in said or "not enough credits" in said:
            return ProviderQuotaExceeded(f"snov: out of credits (HTTP {status})")
        if text(body.get("error")) in _OAUTH_REFUSALS:
            return ProviderAuthError(f"snov: client credentials refused (HTTP {status})")
        if status == 403:
            return ProviderQuotaExceeded("snov: HTTP 403 (out of credits or no API access)")
        return None

    # --- authentication ---------------------------------------------------------------

    def _credentials(self) -> tuple[str, str]:
        client_id, colon, secret = self.key.partition(":")
        if not colon or not client_id.strip() or not secret.strip():
            raise ProviderAuthError("snov: the key must be 'client_id:client_secret'")
        return client_id.strip(), secret.strip()

    async def _access_token(self) -> str:
        async with self._token_lock:
            if self._token is not None and self.clock() < self._token_expires:
                return self._token
            client_id, secret = self._credentials()
            form = {
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            }
            body = obj(await self.post_json(TOKEN_PATH, data=form))
            token = text(body.get("access_token"))
            if token is None:
                raise ProviderBadResponse("snov: the token answer has no access_token")
            lifetime = body.get("expires_in")
            seconds = float(lifetime) if isinstance(lifetime, int | float) else TOKEN_LIFETIME
            self._token = token
            self._token_expires = self.clock() + timedelta(seconds=seconds - TOKEN_MARGIN)
            return token

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
    ) -> Any | None:
        """One authenticated call; a refused token is renewed once and the call repeated."""
        token = await self._access_token()
        try:
            return await self.fetch(
                method, path, params=params, json=json, data=data, headers=_bearer(token)
            )
        except ProviderAuthError:
            if self._token == token:
                self._token = None  # expired or revoked before its time
            fresh = await self._access_token()
            return await self.fetch(
                method, path, params=params, json=json, data=data, headers=_bearer(fresh)
            )

    # --- lookups ----------------------------------------------------------------------

    async def _profile_by_email(self, email: str) -> ProviderResult:
        payload = await self._call("POST", PROFILE_PATH, data={"email": email})
        if payload is None:
            return ProviderResult.miss(self.name)
        profile = obj(payload)
        if not profile:
            raise ProviderBadResponse("snov: the profile answer is not an object")
        if not any(profile.get(k) for k in ("name", "firstName", "lastName")):
            if "success" in profile:  # "We couldn't find profile with this email"
                return ProviderResult.miss(self.name)
            raise ProviderBadResponse("snov: the profile answer has no profile")
        return self.result(
            _profile(profile),
            observed_at=parse_date(profile.get("lastUpdateDate")),
            confidence=PROFILE_CONFIDENCE,
        )

    async def _find_email(self, first_name: str, last_name: str, domain: str) -> ProviderResult:
        rows = [{"first_name": first_name, "last_name": last_name, "domain": domain}]
        started = obj(await self._call("POST", FINDER_START_PATH, json={"rows": rows}))
        task = text(obj(started.get("data")).get("task_hash")) or text(
            obj(started.get("meta")).get("task_hash")
        )
        if task is None:
            raise ProviderBadResponse("snov: the finder did not return a task_hash")
        for _ in range(self.max_polls):
            await asyncio.sleep(self.poll_interval)
            answer = await self._call("GET", FINDER_RESULT_PATH, params={"task_hash": task})
            if answer is None:
                return ProviderResult.miss(self.name)  # the task is gone
            status = str(obj(answer).get("status") or "").lower()
            if status == "completed":
                return self._found(obj(answer))
            if status not in _IN_PROGRESS:
                raise ProviderBadResponse("snov: the finder task has no known status")
        raise ProviderTimeout(f"snov: the finder task was not done after {self.max_polls} polls")

    def _found(self, answer: Mapping[str, Any]) -> ProviderResult:
        rows = objs(answer.get("data"))
        candidates = objs(rows[0].get("result")) if rows else []
        best: tuple[float, str, str] | None = None
        for candidate in candidates:
            email = text(candidate.get("email"))
            status = _smtp_status(candidate)
            if email is None or status is None:
                continue
            score = SMTP_CONFIDENCE[status]
            if best is None or score > best[0]:
                best = (score, email, status)
        if best is None:
            return ProviderResult.miss(self.name)
        score, email, status = best
        return self.result({"email": email, "email_status": status}, confidence=score)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _smtp_status(candidate: Mapping[str, Any]) -> str | None:
    """The product's email status of a finder candidate; None for ``not_valid`` ones."""
    status = str(candidate.get("smtp_status") or "").lower()
    reason = str(candidate.get("unknown_status_reason") or "").lower()
    if status == "valid":
        return "valid"
    if status in _CATCH_ALL or (status == "unknown" and reason in _CATCH_ALL):
        return "catch-all"
    if status == "unknown":
        return "unknown"
    return None


def _profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    links = {
        str(item.get("type") or "").lower(): item.get("link")
        for item in objs(profile.get("social"))
    }
    job = next(iter(objs(profile.get("currentJobs"))), {})
    return {
        "full_name": profile.get("name"),
        "first_name": profile.get("firstName"),
        "last_name": profile.get("lastName"),
        "photo_url": profile.get("logo"),
        "location": profile.get("locality"),
        "country": profile.get("country"),
        "linkedin_url": links.get("linkedin"),
        "twitter_url": links.get("twitter"),
        "github_url": links.get("github"),
        "title": job.get("position"),
        "job_start_date": month_of(job.get("startDate")),
        "company_name": job.get("companyName"),
        "company_linkedin_url": job.get("socialLink"),
        "company_website": job.get("site"),
        "company_hq_city": job.get("city"),
        "company_hq_country": job.get("country"),
        "company_founded_year": job.get("founded"),
        "company_size": job.get("size"),
        "company_industry": job.get("industry") or profile.get("industry"),
        "company_type": job.get("companyType"),
        "company_phone": job.get("hqPhone"),
    }


ADAPTER = SnovProvider
