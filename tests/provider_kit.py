"""Shared test kit for provider adapters and vendor wires (unit level, no sockets).

- ``VendorContract``: the checks every vendor adapter passes, which a vendor's test module
  subclasses with the vendor's specifics; the ``expect_*`` helpers, ``canned`` and
  ``unusable_bodies`` it is built from serve the vendor's own tests too.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import httpx
import pytest

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.normalize.record import normalize_fields
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.config import ProviderSettings
from cleanlist_server.providers.http import HttpProvider
from cleanlist_server.sandbox.market.wire import (
    EmailVerdict,
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorCompanyRecord,
    VendorRecord,
    VendorView,
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


def _http(
    status: int, headers: Mapping[str, str], text: str | None, data: Any, text_type: str
) -> httpx.Response:
    """``text`` as ``text_type``, or else ``data`` as JSON (unless ``headers`` say)."""
    content_type = "application/json" if text is None else text_type
    content = json.dumps(data) if text is None else text
    headers = {"content-type": content_type, **headers}
    return httpx.Response(status, headers=headers, content=content.encode())


def _response_for(fixture: dict[str, Any]) -> httpx.Response:
    resp = fixture["response"]
    body = resp.get("body")
    text = body if isinstance(body, str) else None
    return _http(resp["status"], resp.get("headers") or {}, text, body, "text/plain")


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
    text = (text or "").strip().lower()
    for prefix in ("https://", "http://", "www."):
        text = text.removeprefix(prefix)
    return text.rstrip("/")


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
        market = _market_request(request)
        seen.append(market)
        answer = (
            wire.handle(market, view) if wire.key_of(market) == key else wire.error("auth", market)
        )
        return _http_response(answer)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    adapter = adapter_cls(settings_for(adapter_cls.name, key=key), client, clock=lambda: NOW)
    return adapter, seen


def _market_request(request: httpx.Request) -> MarketRequest:
    return MarketRequest(
        method=request.method,
        path=request.url.path,
        query=dict(request.url.params),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.content,
    )


def _http_response(answer: MarketResponse) -> httpx.Response:
    text = None if answer.json is not None else answer.text or ""
    text_type = answer.content_type or "text/plain"
    return _http(answer.status, answer.headers, text, answer.json, text_type)


def values(result: Any) -> dict[str, Any]:
    return {name: fv.value for name, fv in result.fields.items()}


def all_cases(provider: str) -> Iterable[str]:
    return sorted(p.stem for p in (FIXTURES / provider).glob("*.json"))


# --- checks every vendor adapter test shares -------------------------------------------

Fixture = dict[str, Any]
"""A recorded (or hand-made, see ``canned``) exchange, as ``replay`` takes it."""

Outcome = bool | type[ProviderError]
"""What one lookup must come to: matched (True), "not found" (False), or the exact error."""

E = TypeVar("E", bound=ProviderError)

JANE_EMAIL = "jane.doe@acme-widgets.test"
"""``sample_person``'s address; the queries below find that person through a wire."""
JANE_BY_EMAIL = Query(account_id=1, email=JANE_EMAIL)
JANE_BY_NAME = Query(
    account_id=1, first_name="Jane", last_name="Doe", company_domain="acme-widgets.test"
)
JANE_BY_COMPANY = Query(account_id=1, full_name="Jane Doe", company_name="Acme Widgets")
JANE_BY_LINKEDIN = Query(account_id=1, linkedin_url="https://www.linkedin.com/in/jane-doe-42")


def full_view(*, verdicts: dict[str, EmailVerdict] | None = None, **overrides: Any) -> FakeView:
    """A view knowing ``sample_person`` (with ``overrides``) and the sample company."""
    return FakeView(
        people=[sample_person(**overrides)], companies=[sample_company()], verdicts=verdicts or {}
    )


def assert_carries(got: Mapping[str, Any], names: Iterable[str]) -> None:
    """``got`` holds, for each field in ``names``, ``sample_person``'s value as
    ``normalize_fields`` renders it: what a round trip through a wire must give back."""
    normalized = normalize_fields(sample_person().fields)
    expected = {**normalized.person, **normalized.company}
    names = tuple(names)
    assert {name: got.get(name) for name in names} == {name: expected[name] for name in names}


async def expect_error(adapter: HttpProvider, query: Query, error: type[E]) -> E:
    """The lookup raises exactly ``error`` (a rate limit is no outage, a refused key no
    quota), and the adapter's key shows in neither its message nor its repr."""
    with pytest.raises(error) as caught:
        await adapter.lookup(query)
    raised = caught.value
    assert type(raised) is error, f"{type(raised).__name__} raised, not {error.__name__}"
    if adapter.key:
        assert adapter.key not in str(raised) and adapter.key not in repr(raised)
    return raised


async def expect_miss(adapter: HttpProvider, query: Query) -> None:
    """The lookup answers "not found": not matched, no fields, no error."""
    assert await adapter.lookup(query) == ProviderResult.miss(adapter.name)


async def expect_outcome(adapter: HttpProvider, query: Query, outcome: Outcome) -> None:
    if outcome is True:
        result = await adapter.lookup(query)
        assert result.matched and result.provider == adapter.name
    elif outcome is False:
        await expect_miss(adapter, query)
    else:
        await expect_error(adapter, query, outcome)


async def expect_key_refused(adapter: HttpProvider, query: Query, key: str = "wrong-key") -> None:
    """Given a key the wire does not know, the adapter reports an auth error."""
    adapter.settings = replace(adapter.settings, key=key)
    await expect_error(adapter, query, ProviderAuthError)


def assert_key_in_header(
    request: httpx.Request, header: str, *, scheme: str = "", key: str = TEST_KEY
) -> None:
    """The key travels in ``header`` (after ``scheme``, such as ``"Bearer "``) and
    nowhere in the URL or the body."""
    assert request.headers[header] == scheme + key
    assert key not in str(request.url)
    assert key.encode() not in request.content


def canned(status: int, body: Any, content_type: str | None = None, **request: str) -> Fixture:
    """A hand-made exchange for ``replay``: a string ``body`` is sent as is (text/plain
    unless ``content_type`` says otherwise), anything else as JSON; ``request`` (``method``,
    ``path``) is what the adapter must have asked, where given."""
    headers = {"content-type": content_type} if content_type else {}
    return {"request": request, "response": {"status": status, "headers": headers, "body": body}}


NOT_AN_ENVELOPE: dict[str, Any] = {
    "empty-array": [],
    "array": [1, 2],
    "empty-object": {},
    "unrelated-keys": {"kind": "unrelated", "items": [], "ok": True},
}
"""JSON bodies, sent as application/json, holding none of any vendor's documented top-level
keys: a vendor that changed its format, not one that found nobody."""


def unusable_bodies(
    *,
    malformed: str,
    as_text: str,
    extra: Mapping[str, Any] | None = None,
    html: str = "<html><body>502 Bad Gateway</body></html>",
    **request: str,
) -> list[pytest.ParameterSet]:
    """HTTP 200 answers no adapter may take for a result, nor for "not found", one
    ``pytest.param`` each: an HTML page, an empty body (JSON-typed and untyped),
    ``malformed`` JSON, the vendor's own JSON (``as_text``) sent as text/plain, well-formed
    JSON that is no vendor's envelope (``NOT_AN_ENVELOPE``); then the vendor's ``extra``
    JSON bodies (shapes of its own that carry no result), by id. ``request`` as for
    ``canned``."""
    bodies: dict[str, tuple[Any, str | None]] = {
        "html": (html, "text/html"),
        "empty": ("", "application/json"),
        "empty-untyped": ("", None),
        "malformed": (malformed, "application/json"),
        "text-plain": (as_text, "text/plain"),
        **{name: (body, None) for name, body in NOT_AN_ENVELOPE.items()},
        **{name: (body, None) for name, body in (extra or {}).items()},
    }
    return [
        pytest.param(canned(200, body, content_type, **request), id=name)
        for name, (body, content_type) in bodies.items()
    ]


VERDICT_STATUSES: dict[EmailVerdict, str | None] = {
    "valid": "valid",
    "invalid": "invalid",
    "catch_all": "catch-all",
    "disposable": "disposable",
    "role": "role-based",
    "unknown": None,
}
"""The ``email_status`` verifiers report for each verdict of the market (None: a miss)."""

WIRE_ERRORS: dict[ErrorKind, type[ProviderError]] = {
    "auth": ProviderAuthError,
    "quota": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
    "server": ProviderUnavailable,
}
"""How adapters translate the failures ``VendorWire.error`` renders."""


@dataclass
class FailingWire:
    """``wire`` answering every request with its rendering of one failure, except the
    ``spared`` paths (a token endpoint), which it serves as usual."""

    wire: VendorWire
    kind: ErrorKind
    spared: frozenset[str] = frozenset()
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = self.wire.name

    def key_of(self, request: MarketRequest) -> str | None:
        return self.wire.key_of(request)

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return self.wire.error(kind, request)

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        if request.path in self.spared:
            return self.wire.handle(request, view)
        return self.wire.error(self.kind, request)


class VendorContract:
    """What every vendor adapter must do, whatever its wire format. A vendor's test module
    subclasses it (``class TestContract(VendorContract)``), sets what is specific to the
    vendor, and may override a check with a stricter one of its own."""

    adapter: ClassVar[type[HttpProvider]]
    key: ClassVar[str] = TEST_KEY  # of the form the vendor issues

    # Against recorded and hand-made answers. ``recorded`` maps fixture names to what each
    # comes to for ``query`` (or the query ``queries`` names); ``chained`` names the other
    # fixtures, which the vendor's own tests replay as conversations.
    query: ClassVar[Query]  # answered with one call, after the ``before`` exchanges
    before: ClassVar[Sequence[Fixture]] = ()  # such as an OAuth token
    recorded: ClassVar[Mapping[str, Outcome]]
    queries: ClassVar[Mapping[str, Query]] = {}
    chained: ClassVar[Iterable[str]] = ()
    source: ClassVar[str] = "https://"  # how every recorded fixture's source starts
    key_header: ClassVar[str | None] = None  # the key goes in this header (after
    key_scheme: ClassVar[str] = ""  # this scheme) ...
    key_param: ClassVar[str | None] = None  # ... or in this query parameter
    unusable: ClassVar[list[pytest.ParameterSet]]  # ``unusable_bodies(...)``
    recorded_wait: ClassVar[float | None]  # ``retry_after`` of the recorded rate limit

    # Against the vendor's market wire (a fresh one for each check):
    wire: ClassVar[type[VendorWire]]
    wire_query: ClassVar[Query]  # a lookup the wire answers from ``full_view()``
    wire_wait: ClassVar[float | None]  # ``retry_after`` of the wire's rate limit
    wire_quota: ClassVar[type[ProviderError]] = ProviderQuotaExceeded  # its "no credits"
    spared: ClassVar[Iterable[str]] = ()  # paths the failing wire still serves
    wrong_key: ClassVar[str] = "wrong-key"

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        tables: dict[str, Iterable[Any]] = {"case": sorted(self.recorded), "kind": WIRE_ERRORS}
        tables["unusable"] = self.unusable
        for name in set(tables) & set(metafunc.fixturenames):
            metafunc.parametrize(name, list(tables[name]))

    def test_every_fixture_is_replayed(self) -> None:
        assert set(all_cases(self.adapter.name)) == {*self.recorded, *self.chained}

    async def test_recorded_answer(self, case: str) -> None:
        fixture = load_fixture(self.adapter.name, case)
        assert fixture["source"].startswith(self.source)
        adapter, calls = replay(self.adapter, [*self.before, fixture], key=self.key)
        await expect_outcome(adapter, self.queries.get(case, self.query), self.recorded[case])
        (call,) = calls[len(self.before) :]
        if self.key_header:
            assert_key_in_header(call, self.key_header, scheme=self.key_scheme, key=self.key)
        if self.key_param:
            assert call.url.params[self.key_param] == self.key

    async def test_unusable_bodies_are_bad_responses(self, unusable: Fixture) -> None:
        adapter, _ = replay(self.adapter, [*self.before, unusable], key=self.key)
        await expect_error(adapter, self.query, ProviderBadResponse)

    async def test_a_recorded_rate_limit_says_how_long_to_wait(self) -> None:
        limited = load_fixture(self.adapter.name, "rate_limited")
        adapter, _ = replay(self.adapter, [*self.before, limited], key=self.key)
        raised = await expect_error(adapter, self.query, ProviderRateLimited)
        assert raised.retry_after == self.recorded_wait

    async def test_wire_errors_reach_the_adapter_typed(self, kind: ErrorKind) -> None:
        wire = FailingWire(self.wire(), kind, frozenset(self.spared))
        adapter, _ = paired(self.adapter, wire, FakeView(), key=self.key)
        error = self.wire_quota if kind == "quota" else WIRE_ERRORS[kind]
        raised = await expect_error(adapter, self.wire_query, error)
        if isinstance(raised, ProviderRateLimited):
            assert raised.retry_after == self.wire_wait

    async def test_a_wrong_key_is_refused(self) -> None:
        adapter, _ = paired(self.adapter, self.wire(), full_view(), key=self.key)
        await expect_key_refused(adapter, self.wire_query, self.wrong_key)

    async def test_an_empty_view_is_a_miss(self) -> None:
        adapter, _ = paired(self.adapter, self.wire(), FakeView(), key=self.key)
        await expect_miss(adapter, self.wire_query)
