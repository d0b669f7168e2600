"""Shared test kit for provider adapters and vendor wires (unit level, no sockets).

- ``load_fixture(provider, case)``: a recorded response under
  ``tests/fixtures/providers/<provider>/<case>.json``::

      {"source": "<documentation URL the shape came from>",
       "request": {"method": "GET", "path": "/v2/email-finder"},      # what the adapter must call
       "response": {"status": 200, "headers": {...}, "body": <JSON or a string>}}

- ``replay(adapter_cls, fixture)``: the adapter wired to an ``httpx.MockTransport`` that
  checks method and path and answers the recorded response; returns (adapter, calls);
- ``FakeView``: a ``VendorView`` over hand-made records;
- ``paired(adapter_cls, wire, view)``: the adapter talking to the vendor's market wire
  in-process (what the loopback market serves, minus the socket).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from cleanlist_server.providers.config import ProviderSettings
from cleanlist_server.providers.http import HttpProvider
from cleanlist_server.sandbox.market.wire import (
    EmailVerdict,
    MarketRequest,
    VendorCompanyRecord,
    VendorRecord,
    VendorWire,
)

FIXTURES = Path(__file__).parent / "fixtures" / "providers"
TEST_KEY = "test-key-123"
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def load_fixture(provider: str, case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / provider / f"{case}.json").read_text("utf-8"))
    return data


def settings_for(
    name: str, *, key: str | None = TEST_KEY, url: str = "http://vendor.test"
) -> ProviderSettings:
    return ProviderSettings(name=name, enabled=True, key=key, url=url, cost_per_call=1.0)


def _response_for(fixture: dict[str, Any]) -> httpx.Response:
    resp = fixture["response"]
    body = resp.get("body")
    headers = dict(resp.get("headers") or {})
    if isinstance(body, str):
        headers.setdefault("content-type", "text/plain")
        return httpx.Response(resp["status"], headers=headers, content=body.encode())
    headers.setdefault("content-type", "application/json")
    return httpx.Response(resp["status"], headers=headers, content=json.dumps(body).encode())


def replay(
    adapter_cls: type[HttpProvider],
    fixture: dict[str, Any] | list[dict[str, Any]],
    *,
    key: str | None = TEST_KEY,
) -> tuple[HttpProvider, list[httpx.Request]]:
    """The adapter answered by recorded responses, in order; ``calls`` records requests."""
    queue = list(fixture) if isinstance(fixture, list) else [fixture]
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        current = queue.pop(0) if len(queue) > 1 else queue[0]
        expected = current.get("request") or {}
        if "method" in expected:
            assert request.method == expected["method"], (request.method, expected)
        if "path" in expected:
            assert request.url.path == expected["path"], (request.url.path, expected)
        return _response_for(current)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    adapter = adapter_cls(settings_for(adapter_cls.name, key=key), client, clock=lambda: NOW)
    return adapter, calls


def _norm(text: str | None) -> str:
    return (
        (text or "")
        .strip()
        .lower()
        .removeprefix("https://")
        .removeprefix("http://")
        .removeprefix("www.")
        .rstrip("/")
    )


@dataclass
class FakeView:
    """A ``VendorView`` over explicit records (each record's fields hold its identifiers)."""

    name: str = "fake"
    people: list[VendorRecord] = field(default_factory=list)
    companies: list[VendorCompanyRecord] = field(default_factory=list)
    verdicts: dict[str, EmailVerdict] = field(default_factory=dict)

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
        for rec in self.people:
            f = rec.fields
            if email and _norm(f.get("email")) == _norm(email):
                return rec
            if linkedin_url and _norm(f.get("linkedin_url")) == _norm(linkedin_url):
                return rec
            name_ok = (
                first_name
                and last_name
                and _norm(f.get("first_name")) == _norm(first_name)
                and _norm(f.get("last_name")) == _norm(last_name)
            ) or (full_name and _norm(f.get("full_name")) == _norm(full_name))
            company_ok = (
                company_domain and _norm(f.get("company_domain")) == _norm(company_domain)
            ) or (company_name and _norm(f.get("company_name")) == _norm(company_name))
            if name_ok and company_ok:
                return rec
        return None

    def company(
        self, *, domain: str | None = None, name: str | None = None
    ) -> VendorCompanyRecord | None:
        for rec in self.companies:
            if domain and _norm(rec.fields.get("company_domain")) == _norm(domain):
                return rec
            if name and _norm(rec.fields.get("company_name")) == _norm(name):
                return rec
        return None

    def people_at(self, domain: str, *, limit: int = 10) -> list[VendorRecord]:
        return [r for r in self.people if _norm(r.fields.get("company_domain")) == _norm(domain)][
            :limit
        ]

    def email_status(self, email: str) -> EmailVerdict:
        return self.verdicts.get(email.lower(), "unknown")


def sample_person(**overrides: Any) -> VendorRecord:
    """A fully known person at a fully known company (canonical, normalized values)."""
    fields: dict[str, Any] = {
        "email": "jane.doe@acme-widgets.test",
        "first_name": "Jane",
        "last_name": "Doe",
        "full_name": "Jane Doe",
        "title": "VP of Sales",
        "seniority": "vp",
        "department": "sales",
        "linkedin_url": "https://www.linkedin.com/in/jane-doe-42",
        "twitter_url": "https://twitter.com/janedoe",
        "phone": "+14155550142",
        "mobile": "+14155550143",
        "city": "San Francisco",
        "state": "California",
        "country": "United States",
        "country_code": "US",
        "company_name": "Acme Widgets",
        "company_domain": "acme-widgets.test",
        "company_industry": "Software",
        "company_employee_count": 320,
        "company_size": "201-500",
        "company_linkedin_url": "https://www.linkedin.com/company/acme-widgets",
        "company_founded_year": 2012,
        "company_hq_city": "San Francisco",
        "company_hq_country": "US",
    }
    fields.update(overrides)
    return VendorRecord(
        person_id="p000001",
        fields=fields,
        observed_at=datetime(2026, 9, 14, tzinfo=UTC),
        score=0.92,
    )


def sample_company(**overrides: Any) -> VendorCompanyRecord:
    person = sample_person().fields
    fields = {k: v for k, v in person.items() if k.startswith("company_")}
    fields.update(overrides)
    return VendorCompanyRecord(
        company_id="c00001", fields=fields, observed_at=datetime(2026, 9, 14, tzinfo=UTC)
    )


def paired(
    adapter_cls: type[HttpProvider], wire: VendorWire, view: Any, *, key: str = TEST_KEY
) -> tuple[HttpProvider, list[MarketRequest]]:
    """The adapter talking to ``wire`` in-process; the wire accepts only ``key``."""
    seen: list[MarketRequest] = []

    def handler(request: httpx.Request) -> httpx.Response:
        market = MarketRequest(
            method=request.method,
            path=request.url.path,
            query=dict(request.url.params),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.content,
        )
        seen.append(market)
        answer = (
            wire.handle(market, view) if wire.key_of(market) == key else wire.error("auth", market)
        )
        headers = dict(answer.headers)
        if answer.json is not None:
            headers.setdefault("content-type", "application/json")
            return httpx.Response(
                answer.status, headers=headers, content=json.dumps(answer.json).encode()
            )
        headers.setdefault("content-type", answer.content_type or "text/plain")
        return httpx.Response(answer.status, headers=headers, content=(answer.text or "").encode())

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    adapter = adapter_cls(settings_for(adapter_cls.name, key=key), client, clock=lambda: NOW)
    return adapter, seen


def values(result: Any) -> dict[str, Any]:
    return {name: fv.value for name, fv in result.fields.items()}


def all_cases(provider: str) -> Iterable[str]:
    return sorted(p.stem for p in (FIXTURES / provider).glob("*.json"))
