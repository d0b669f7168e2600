"""Gravatar: the public profile behind an email address (Profiles REST API v3).

Docs: https://docs.gravatar.com/rest-api and the OpenAPI file
https://api.gravatar.com/v3/openapi (research notes: shared/research/providers/Gravatar.md).

``GET https://api.gravatar.com/v3/profiles/{sha256}``, where the identifier is the SHA-256
hex of the trimmed, lower-cased address (the email itself never leaves this process). The
key is optional: without one the answer is the reduced public profile; with one
(``Authorization: Bearer <key>``) it adds ``first_name``/``last_name``,
``last_profile_edit`` and the rest. 404 is "no profile" (a miss).

Mapped: ``display_name`` -> full_name, first/last name, ``avatar_url`` -> photo_url,
``location``, ``job_title`` -> title, ``company`` -> company_name, and the LinkedIn, X/Twitter
and GitHub accounts among ``verified_accounts`` (hidden ones skipped). ``last_profile_edit``
is the observation time when present. ``description`` (a free-text "about me") is not
taken as a headline. A 429 without ``Retry-After`` takes its wait from
``X-RateLimit-Reset`` (epoch seconds).

Cost: free (100 requests an hour without a key, 1,000 with one); no credits.

The base URL defaults to https://api.gravatar.com: Gravatar is a built-in provider, and
built-ins have no entry in ``DEFAULT_URLS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Final

import httpx

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import ProviderBadResponse, ProviderRateLimited
from cleanlist_server.providers.config import ProviderSettings
from cleanlist_server.providers.http import HttpProvider, parse_date
from cleanlist_server.providers.vendors._group_c import (
    LOCATION_FIELDS,
    NAME_FIELDS,
    TITLE_FIELDS,
    email_hash,
    obj,
    objs,
    text,
)

GRAVATAR_URL: Final = "https://api.gravatar.com"
PROFILE_PATH: Final = "/v3/profiles/{}"

# A profile keyed by the exact address is the right person, but everything in it is
# self-declared and edited rarely (job title and company go stale), so one modest prior.
GRAVATAR_CONFIDENCE: Final = 0.7

SOCIAL: Final[dict[str, str]] = {
    "linkedin": "linkedin_url",
    "twitter": "twitter_url",
    "x": "twitter_url",
    "github": "github_url",
}


class GravatarProvider(HttpProvider):
    name = "gravatar"
    requires_key = False
    fields = (
        NAME_FIELDS
        | TITLE_FIELDS
        | LOCATION_FIELDS
        | {"photo_url", "linkedin_url", "twitter_url", "github_url", "company_name"}
    )

    def __init__(
        self,
        settings: ProviderSettings,
        client: httpx.AsyncClient,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if settings.url is None:
            settings = replace(settings, url=GRAVATAR_URL)
        super().__init__(settings, client, clock=clock)

    def accepts(self, query: Query) -> bool:
        email = text(query.value("email"))
        return bool(email and "@" in email)

    async def lookup(self, query: Query) -> ProviderResult:
        email = text(query.value("email"))
        if not email or "@" not in email:
            return ProviderResult.miss(self.name)
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        payload = await self.get_json(PROFILE_PATH.format(email_hash(email)), headers=headers)
        if payload is None:
            return ProviderResult.miss(self.name)
        profile = obj(payload)
        if not profile or "hash" not in profile:
            raise ProviderBadResponse("gravatar: the answer is not a profile")
        return self.result(
            _profile(profile),
            observed_at=parse_date(profile.get("last_profile_edit")),
            confidence=GRAVATAR_CONFIDENCE,
        )

    def interpret(
        self, status: int, headers: Mapping[str, str], content: bytes, where: str
    ) -> Any | None:
        try:
            return super().interpret(status, headers, content, where)
        except ProviderRateLimited as exc:
            if exc.retry_after is not None:
                raise
            raise ProviderRateLimited(
                str(exc), retry_after=self._until_reset(headers.get("x-ratelimit-reset"))
            ) from None

    def _until_reset(self, reset: str | None) -> float | None:
        """Seconds until ``X-RateLimit-Reset`` (an epoch timestamp), None if unusable."""
        try:
            moment = float(reset) if reset else None
        except ValueError:
            return None
        if moment is None:
            return None
        return max(0.0, moment - self.clock().timestamp())


def _profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "full_name": profile.get("display_name"),
        "first_name": profile.get("first_name"),
        "last_name": profile.get("last_name"),
        "photo_url": profile.get("avatar_url"),
        "location": profile.get("location"),
        "title": profile.get("job_title"),
        "company_name": profile.get("company"),
    }
    for account in objs(profile.get("verified_accounts")):
        name = SOCIAL.get(str(account.get("service_type") or "").lower())
        if name and not account.get("is_hidden") and name not in raw:
            raw[name] = account.get("url")
    return raw


ADAPTER = GravatarProvider
