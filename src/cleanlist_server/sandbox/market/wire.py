"""The contract between the market core and one vendor's documented wire format.

The core (``sandbox/market/server.py``) owns the population, each vendor's coverage,
accuracy, staleness, latency and fault injection, key checking and HTTP serving. A vendor
module owns only its wire format:

- ``VendorWire.key_of`` reads the API key where that vendor's docs put it;
- ``VendorWire.error`` renders that vendor's documented error for a kind of failure;
- ``VendorWire.handle`` parses a documented request, asks the ``VendorView`` (what this
  vendor believes, in canonical field names) and renders the documented response,
  including the vendor's own way of saying "not found".

Paths in ``MarketRequest.path`` are the vendor's documented paths (``/api/v1/people/match``)
with the market's per-vendor prefix already removed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol
from urllib.parse import parse_qsl

ErrorKind = Literal["auth", "quota", "rate_limited", "server"]
EmailVerdict = Literal["valid", "invalid", "catch_all", "unknown", "disposable", "role"]


@dataclass(frozen=True)
class VendorRecord:
    """What one vendor believes about one person (its coverage, errors and staleness
    already applied). ``fields`` uses canonical names and normalized values, person and
    company fields together; only the fields this vendor knows are present."""

    person_id: str
    fields: Mapping[str, Any]
    observed_at: datetime
    """When the vendor last saw this data (renderers map it to their last-seen field)."""
    score: float
    """The vendor's own confidence in [0, 1]; render it as the vendor's API does
    (0-100 score, likelihood 1-10, ...)."""


@dataclass(frozen=True)
class VendorCompanyRecord:
    company_id: str
    fields: Mapping[str, Any]
    """``company_*`` canonical fields."""
    observed_at: datetime


class VendorView(Protocol):
    """What one vendor knows. Every lookup is deterministic for a given market seed."""

    name: str

    def person(
        self,
        *,
        email: str | None = None,
        linkedin_url: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        full_name: str | None = None,
        company_domain: str | None = None,
        company_name: str | None = None,
    ) -> VendorRecord | None:
        """The person matching the identifiers given (any one of email, LinkedIn URL, or
        a name with a company domain or name), or None when this vendor does not know them.
        Inputs are matched loosely (case, ``www.``, trailing slashes, ``http(s)``)."""
        ...

    def company(
        self, *, domain: str | None = None, name: str | None = None
    ) -> VendorCompanyRecord | None: ...

    def people_at(self, domain: str, *, limit: int = 10) -> list[VendorRecord]:
        """People this vendor knows at the company (domain search)."""
        ...

    def email_status(self, email: str) -> EmailVerdict:
        """This vendor's verdict on an address (verifier vendors)."""
        ...


@dataclass
class MarketRequest:
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    """Lower-case header names."""
    body: bytes = b""

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is empty or not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """The body parsed as ``application/x-www-form-urlencoded``."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def params(self) -> dict[str, Any]:
        """Query string, form body and JSON object body merged (JSON wins)."""
        merged: dict[str, Any] = dict(self.query)
        content_type = self.headers.get("content-type", "")
        if "application/x-www-form-urlencoded" in content_type:
            merged.update(self.form())
        body = self.json()
        if isinstance(body, dict):
            merged.update(body)
        return merged


@dataclass
class MarketResponse:
    status: int = 200
    json: Any = None
    """A JSON body (rendered with ``application/json``), or None."""
    text: str | None = None
    """A raw body instead of JSON (``content_type`` says what it is)."""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class VendorWire(Protocol):
    name: str
    """The provider name of ``providers/config.py`` (``apollo``, ``pdl`` ...)."""

    def key_of(self, request: MarketRequest) -> str | None:
        """The API key where the vendor's docs put it (header, query or body)."""
        ...

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        """The vendor's documented response for a bad key, no credits, rate limiting or a
        server fault (status code, body, ``Retry-After`` where documented)."""
        ...

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        """Serve one documented endpoint; an unknown path is a 404 in the vendor's style."""
        ...
