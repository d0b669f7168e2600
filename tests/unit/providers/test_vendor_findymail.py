"""Findymail: the adapter against recorded answers and against the market wire."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.http import HttpProvider
from cleanlist_server.providers.vendors.findymail import ADAPTER, VERIFIED_CONFIDENCE
from cleanlist_server.sandbox.market.vendors.findymail import WIRE
from cleanlist_server.sandbox.market.wire import ErrorKind, MarketRequest
from tests.provider_kit import (
    NOW,
    TEST_KEY,
    FakeView,
    load_fixture,
    paired,
    replay,
    sample_company,
    sample_person,
    settings_for,
    values,
)

BY_NAME = Query(account_id=1, first_name="John", last_name="Doe", company_domain="example.com")
BY_LINKEDIN = Query(account_id=1, linkedin_url="https://www.linkedin.com/in/johndoe")
SECRET = "sk-findymail-SECRET-999"


def fixture(case: str) -> dict[str, Any]:
    return load_fixture("findymail", case)


def full_view(**overrides: Any) -> FakeView:
    return FakeView(people=[sample_person(**overrides)], companies=[sample_company()])


# --- recorded answers ------------------------------------------------------------------


async def test_name_search_maps_the_contact() -> None:
    adapter, calls = replay(ADAPTER, fixture("match"))
    result = await adapter.lookup(BY_NAME)
    assert result.matched
    assert values(result) == {
        "email": "john.doe@example.com",
        "email_status": "valid",
        "email_free_provider": False,
        "first_name": "John",
        "last_name": "Doe",
        "full_name": "John Doe",
        "company_domain": "example.com",
        "company_website": "https://example.com",
    }
    assert {fv.confidence for fv in result.fields.values()} == {VERIFIED_CONFIDENCE}
    (request,) = calls
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert TEST_KEY not in str(request.url) and TEST_KEY not in request.content.decode()
    assert json.loads(request.content) == {"name": "John Doe", "domain": "example.com"}


async def test_linkedin_search_is_preferred_when_a_profile_is_known() -> None:
    query = Query(account_id=1, full_name="John Doe", company_name="Example Inc").with_known(
        {"linkedin_url": "https://www.linkedin.com/in/johndoe"}
    )
    adapter, calls = replay(ADAPTER, fixture("match_linkedin"))
    got = values(await adapter.lookup(query))
    assert got["email"] == "john.doe@example.com"
    assert json.loads(calls[0].content) == {"linkedin_url": "https://www.linkedin.com/in/johndoe"}


async def test_company_name_is_sent_as_the_domain_when_no_domain_is_known() -> None:
    adapter, calls = replay(ADAPTER, fixture("not_found"))
    await adapter.lookup(Query(account_id=1, full_name="John Doe", company_name="Example Inc"))
    assert json.loads(calls[0].content) == {"name": "John Doe", "domain": "Example Inc"}


@pytest.mark.parametrize("case", ["not_found", "empty_contact"])
async def test_not_found_is_a_miss(case: str) -> None:
    adapter, _ = replay(ADAPTER, fixture(case))
    result = await adapter.lookup(BY_NAME)
    assert not result.matched and result.fields == {}


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("bad_key", ProviderAuthError),
        ("out_of_credits", ProviderQuotaExceeded),
        ("out_of_credits_402", ProviderQuotaExceeded),
        ("error_200", ProviderBadResponse),
        ("rate_limited", ProviderRateLimited),
    ],
)
async def test_errors_are_typed_and_never_show_the_key(
    case: str, error: type[ProviderError]
) -> None:
    adapter, _ = replay(ADAPTER, fixture(case), key=SECRET)
    with pytest.raises(error) as caught:
        await adapter.lookup(BY_NAME)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


async def test_rate_limit_carries_retry_after() -> None:
    adapter, _ = replay(ADAPTER, fixture("rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(BY_NAME)
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", "<html><body>502 Bad Gateway</body></html>"),
        ("application/json", ""),
        ("application/json", '{"contact": {"email": '),
        ("text/plain", '{"contact": {"email": "a@b.com"}}'),
    ],
)
async def test_unusable_bodies_are_bad_responses(content_type: str, body: str) -> None:
    answer = {"response": {"status": 200, "headers": {"content-type": content_type}, "body": body}}
    adapter, _ = replay(ADAPTER, answer)
    with pytest.raises(ProviderBadResponse):
        await adapter.lookup(BY_NAME)


def test_accepts_a_linkedin_url_or_a_name_with_a_company_when_no_email_is_given() -> None:
    adapter, _ = replay(ADAPTER, fixture("not_found"))
    assert adapter.accepts(BY_NAME)
    assert adapter.accepts(BY_LINKEDIN)
    assert adapter.accepts(Query(account_id=1, full_name="Jo Do", company_name="Acme"))
    assert not adapter.accepts(Query(account_id=1, email="jo@acme.com", linkedin_url="x"))
    assert not adapter.accepts(Query(account_id=1, first_name="Jo", last_name="Do"))


# --- through the market wire -----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        Query(account_id=1, linkedin_url="https://www.linkedin.com/in/jane-doe-42"),
        Query(account_id=1, first_name="Jane", last_name="Doe", company_domain="acme-widgets.test"),
        Query(account_id=1, full_name="Jane Doe", company_name="Acme Widgets"),
    ],
)
async def test_round_trip_recovers_the_verified_email(query: Query) -> None:
    adapter, seen = paired(ADAPTER, WIRE, full_view())
    result = await adapter.lookup(query)
    got = values(result)
    assert got["email"] == "jane.doe@acme-widgets.test"
    assert got["email_status"] == "valid"
    assert (got["first_name"], got["last_name"]) == ("Jane", "Doe")
    assert got["company_domain"] == "acme-widgets.test"
    assert seen[0].headers["authorization"] == f"Bearer {TEST_KEY}"


async def test_round_trip_unknown_or_unverified_person_is_a_miss() -> None:
    for view in (FakeView(), full_view(email_status="catch-all")):
        adapter, _ = paired(ADAPTER, WIRE, view)
        assert not (await adapter.lookup(BY_LINKEDIN)).matched


def _wire_failing(kind: ErrorKind) -> HttpProvider:
    def handler(request: httpx.Request) -> httpx.Response:
        answer = WIRE.error(kind, MarketRequest(request.method, request.url.path, {}, {}))
        headers = {"content-type": "application/json", **answer.headers}
        return httpx.Response(answer.status, headers=headers, content=json.dumps(answer.json))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return ADAPTER(settings_for("findymail"), client, clock=lambda: NOW)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("auth", ProviderAuthError),
        ("quota", ProviderQuotaExceeded),
        ("rate_limited", ProviderRateLimited),
        ("server", ProviderUnavailable),
    ],
)
async def test_wire_errors_reach_the_adapter_typed(
    kind: ErrorKind, error: type[ProviderError]
) -> None:
    with pytest.raises(error) as caught:
        await _wire_failing(kind).lookup(BY_NAME)
    if isinstance(caught.value, ProviderRateLimited):
        assert caught.value.retry_after == 1.0


def test_wire_key_verifier_and_unknown_paths() -> None:
    assert WIRE.key_of(MarketRequest("POST", "/", {}, {"authorization": "Bearer k1"})) == "k1"
    assert WIRE.key_of(MarketRequest("POST", "/", {}, {"authorization": "Basic k1"})) is None
    view = FakeView(verdicts={"a@acme.test": "valid"})
    body = json.dumps({"email": "a@acme.test"}).encode()
    answer = WIRE.handle(MarketRequest("POST", "/api/verify", {}, {}, body), view)
    assert answer.json == {"email": "a@acme.test", "verified": True}
    missing = WIRE.handle(MarketRequest("POST", "/api/nope", {}, {}), view)
    assert missing.status == 404 and "error" in missing.json
