"""The base of every HTTP provider adapter: one request path, one error translation.

An adapter subclasses ``HttpProvider``, declares ``name``, ``fields`` and ``accepts``,
and implements ``lookup`` with ``self.get_json`` / ``self.post_json``, then
``self.result(raw, observed_at=..., confidence=...)`` to normalize what it found.

``fetch`` turns every transport outcome into a typed ``ProviderError`` in one place:

- connect errors, 5xx -> ``ProviderUnavailable``; timeouts -> ``ProviderTimeout`` (retried);
- 429 -> ``ProviderRateLimited`` carrying ``Retry-After`` (retried);
- 401 / 403 -> ``ProviderAuthError``; 402 -> ``ProviderQuotaExceeded``;
- a status in ``not_found`` (default 404) -> ``None`` (a miss, never an error);
- another 4xx, a non-JSON content type, HTML, an empty or malformed body
  -> ``ProviderBadResponse``;
- a 2xx whose JSON is not the vendor's documented answer (``envelope``: the top-level keys
  it always holds) -> ``ProviderBadResponse``: ``[]``, ``{}`` or an object of other keys
  says the vendor changed its format or is in trouble, which must not pass for "not found".

Before that generic mapping, ``vendor_error(status, payload)`` lets an adapter recognise
its provider's own error conventions (a 200 carrying ``{"error": ...}``, quota reported as
400 ``INSUFFICIENT_CREDITS``, not-found as 400 ``NO_MATCH`` ...): it returns a
``ProviderError`` to raise, ``MISS`` for a documented not-found, or None.

Keys never appear in messages: an error says the provider, the method and the path,
never the query string, headers or body.
"""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Final

import httpx
import orjson

from cleanlist_server.domain.enums import PhoneType
from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
    ProviderTimeout,
)
from cleanlist_server.normalize.record import Normalized, normalize_fields
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.config import ProviderSettings

log = logging.getLogger("cleanlist.providers")


UNDATED_AGE = timedelta(days=180)
"""How old data is assumed to be when a provider does not say when it last saw it: a
typical age of a vendor's database, so an undated answer never outranks a dated recent one."""


class _Miss:
    def __repr__(self) -> str:
        return "MISS"


MISS: Final = _Miss()
"""Returned by ``vendor_error`` for a documented not-found answer."""

VendorVerdict = ProviderError | _Miss | None


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpProvider:
    """Shared machinery of the commercial (and other HTTP) adapters."""

    name: ClassVar[str]
    fields: ClassVar[frozenset[str]]
    requires_key: ClassVar[bool] = True
    not_found: ClassVar[frozenset[int]] = frozenset({404})
    """HTTP statuses that mean "no match" for this provider."""
    employer_from_email: ClassVar[bool] = True
    """Whether a work email it returns also claims the employer's domain (False for
    verifiers, which only echo the address they checked)."""
    phones_typed: ClassVar[bool] = True
    """Whether its API says what kind of line a person's number is (Lusha's and
    RocketReach's typed lists, Dropcontact's phone beside its mobile_phone). False for
    an untyped list (ContactOut, PDL, Hunter): then ``direct_dial``, which the
    normalizer reads into a number filed as the ``phone``, would be our guess, not the
    vendor's claim, and is dropped (a type from the numbering plan, "mobile", stays)."""

    def __init__(
        self,
        settings: ProviderSettings,
        client: httpx.AsyncClient,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if settings.url is None:
            raise ValueError(f"provider {settings.name} has no base URL")
        self.settings = settings
        self.client = client
        self.clock = clock
        self.base_url = settings.url.rstrip("/")
        self.cost_per_call = settings.cost_per_call
        self.cost_per_hit = settings.cost_per_hit

    @property
    def key(self) -> str:
        return self.settings.key or ""

    # --- to override ---------------------------------------------------------------

    def accepts(self, query: Query) -> bool:
        raise NotImplementedError

    async def lookup(self, query: Query) -> ProviderResult:
        raise NotImplementedError

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        """Recognise the provider's own error conventions before the generic mapping."""
        return None

    # --- requests ------------------------------------------------------------------

    async def get_json(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        envelope: Collection[str] = (),
    ) -> Any | None:
        return await self.fetch("GET", path, params=params, headers=headers, envelope=envelope)

    async def post_json(
        self,
        path: str,
        *,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        envelope: Collection[str] = (),
    ) -> Any | None:
        return await self.fetch(
            "POST", path, json=json, data=data, params=params, headers=headers, envelope=envelope
        )

    async def fetch(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        envelope: Collection[str] = (),
    ) -> Any | None:
        """One HTTP exchange: the parsed JSON payload, None for not-found, or a typed error.

        With ``envelope``, a payload must be a JSON object holding each of those keys (see
        ``expect_envelope``); a documented not-found (None) needs none.
        """
        where = f"{self.name} {method} {path}"
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = await self.client.request(
                method,
                self.base_url + path,
                params=clean_params or None,
                json=json,
                data=data,
                headers=dict(headers or {}),
            )
        except httpx.TimeoutException:
            raise ProviderTimeout(f"{where}: timed out") from None
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"{where}: {type(exc).__name__}") from None
        payload = self.interpret(response.status_code, response.headers, response.content, where)
        if payload is None or not envelope:
            return payload
        return expect_envelope(payload, envelope, where)

    def interpret(
        self, status: int, headers: Mapping[str, str], content: bytes, where: str
    ) -> Any | None:
        payload = _parse_json(headers.get("content-type", ""), content)
        verdict = self.vendor_error(status, payload)
        if isinstance(verdict, ProviderError):
            raise verdict
        if verdict is MISS:
            return None
        if status in self.not_found:
            return None
        if status == 429:
            raise ProviderRateLimited(
                f"{where}: HTTP 429", retry_after=retry_after_seconds(headers.get("retry-after"))
            )
        if status in (401, 403):
            raise ProviderAuthError(f"{where}: HTTP {status} (key refused)")
        if status == 402:
            raise ProviderQuotaExceeded(f"{where}: HTTP 402 (out of credits)")
        if status >= 500:
            raise ProviderUnavailable(f"{where}: HTTP {status}")
        if status >= 400 or status < 200:
            raise ProviderBadResponse(f"{where}: HTTP {status}")
        if payload is _NOT_JSON:
            raise ProviderBadResponse(f"{where}: the body is not JSON")
        return payload

    # --- results -------------------------------------------------------------------

    def result(
        self,
        raw: Mapping[str, Any],
        *,
        observed_at: datetime | None = None,
        confidence: float,
        employer_from_email: bool | None = None,
    ) -> ProviderResult:
        """Normalize canonical-named raw values into a matched ``ProviderResult``.

        ``confidence`` is this provider's belief in [0, 1] (its native score mapped by
        the adapter); values that do not normalize are dropped. An answer with no usable
        field is a miss.
        """
        normalized = normalize_fields(raw)
        derive = self.employer_from_email if employer_from_email is None else employer_from_email
        if not derive and not raw.keys() & {"company_domain", "company_website"}:
            # A domain derived from the email is not this provider's claim about the
            # employer (a verifier only echoes the address it checked).
            normalized.company.pop("company_domain", None)
            normalized.company.pop("company_website", None)
        person = normalized.person
        if "phone" not in raw and "phone" in person and person.get("phone") == person.get("mobile"):
            # Only a mobile was given: it is not a claim about the direct dial. The merged
            # record falls back to the mobile itself when no provider knows a direct line.
            person.pop("phone")
            person.pop("phone_type", None)
        if not self.phones_typed and person.get("phone_type") == PhoneType.DIRECT_DIAL.value:
            person.pop("phone_type")
        seen = observed_at or self.clock() - UNDATED_AGE
        conf = round(min(1.0, max(0.0, confidence)), 4)
        fields = {
            name: FieldValue(value, self.name, seen, conf)
            for name, value in _flatten(normalized).items()
        }
        if not fields:
            return ProviderResult.miss(self.name)
        return ProviderResult(provider=self.name, matched=True, fields=fields)


def expect_envelope(payload: Any, keys: Collection[str], where: str) -> dict[str, Any]:
    """``payload`` when it is a JSON object holding every one of ``keys`` (the keys a vendor's
    documented answer always carries, ``null`` when it found nothing), else
    ``ProviderBadResponse``. Adapters call it for a nested object too (``where`` names the
    exchange, as in ``fetch``); the message names the keys, never a value."""
    if not isinstance(payload, dict):
        raise ProviderBadResponse(f"{where}: the answer is not a JSON object")
    missing = [key for key in keys if key not in payload]
    if missing:
        raise ProviderBadResponse(f"{where}: the answer has no {', '.join(missing)}")
    return payload


class _NotJson:
    pass


_NOT_JSON: Final = _NotJson()


def _parse_json(content_type: str, content: bytes) -> Any:
    """The JSON payload, or ``_NOT_JSON`` (empty body, HTML, another type, bad JSON)."""
    if not content.strip():
        return _NOT_JSON
    if "json" not in content_type.lower():
        return _NOT_JSON
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return _NOT_JSON


def _flatten(normalized: Normalized) -> dict[str, Any]:
    return {**normalized.person, **normalized.company}


def parse_date(value: Any) -> datetime | None:
    """A provider timestamp (ISO 8601 date or date-time, or epoch seconds) as aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip().replace("Z", "+00:00")
    if len(text) == 7:  # "2024-03": a month
        text += "-01"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
