"""RocketReach: the polling adapter against recorded answers and against the market wire."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
    ProviderTimeout,
)
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.http import HttpProvider
from cleanlist_server.providers.vendors.rocketreach import ADAPTER, RocketReachProvider
from cleanlist_server.sandbox.market.vendors.rocketreach import WIRE, RocketReachWire
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

BY_EMAIL = Query(account_id=1, email="jamie@rocketreach.co")
SECRET = "sk-rocketreach-SECRET-999"
JANE = Query(account_id=1, email="jane.doe@acme-widgets.test")


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RocketReachProvider, "poll_interval", 0.0)


def fixtures(*cases: str) -> list[dict[str, Any]]:
    return [load_fixture("rocketreach", case) for case in cases]


def full_view() -> FakeView:
    return FakeView(people=[sample_person()], companies=[sample_company()])


# --- recorded answers ------------------------------------------------------------------


async def test_complete_profile_maps_to_canonical_fields() -> None:
    adapter, _ = replay(ADAPTER, fixtures("match"))
    result = await adapter.lookup(BY_EMAIL)
    got = values(result)
    assert result.matched
    assert (got["first_name"], got["last_name"]) == ("Jamie", "Gullbrand")
    assert got["email"] == "jamie@rocketreach.co" and got["email_status"] == "valid"
    assert got["personal_email"] == "jamie.g@gmail.com"
    assert (got["mobile"], got["phone"], got["phone_type"]) == (
        "+12345556789",
        "+12345556789",
        "mobile",
    )
    assert (got["title"], got["department"]) == ("Product Manager", "Product")
    assert got["linkedin_url"] == "https://linkedin.com/in/jamesgullbrand"
    assert got["job_start_date"] == "2020-01"
    assert (got["city"], got["state"], got["country_code"]) == ("San Francisco", "California", "US")
    assert got["company_name"] == "RocketReach"
    assert got["company_domain"] == "rocketreach.co"
    assert got["company_industry"] == "Software"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/rocketreach"
    first = next(iter(result.fields.values()))
    assert first.observed_at == datetime(2026, 1, 1, 12, tzinfo=UTC)  # last validation check
    assert first.confidence == 0.88  # the work email's grade "A-"


async def test_request_carries_the_key_header_and_identifiers() -> None:
    query = Query(account_id=1, full_name="Jamie Gullbrand", company_name="RocketReach")
    adapter, calls = replay(ADAPTER, fixtures("not_found"))
    await adapter.lookup(query.with_known({"email": "jamie@rocketreach.co"}))
    (request,) = calls
    assert request.headers["api-key"] == TEST_KEY
    assert TEST_KEY not in str(request.url)
    assert dict(request.url.params) == {
        "email": "jamie@rocketreach.co",
        "name": "Jamie Gullbrand",
        "current_employer": "RocketReach",
    }


async def test_a_search_in_progress_is_polled_until_complete() -> None:
    adapter, calls = replay(ADAPTER, fixtures("searching", "check_progress", "check_complete"))
    result = await adapter.lookup(BY_EMAIL)
    assert values(result)["email"] == "jamie@rocketreach.co"
    assert [c.url.path for c in calls] == [
        "/api/v2/person/lookup",
        "/api/v2/person/checkStatus",
        "/api/v2/person/checkStatus",
    ]
    assert calls[1].url.params["ids"] == "5244"
    assert all(c.headers["api-key"] == TEST_KEY for c in calls)


async def test_gives_up_with_a_timeout_after_max_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RocketReachProvider, "max_polls", 2)
    adapter, calls = replay(ADAPTER, fixtures("searching", "check_progress"))
    with pytest.raises(ProviderTimeout):
        await adapter.lookup(BY_EMAIL)
    assert len(calls) == 1 + 2


async def test_not_found_is_a_miss() -> None:
    adapter, _ = replay(ADAPTER, fixtures("not_found"))
    result = await adapter.lookup(BY_EMAIL)
    assert not result.matched and result.fields == {}


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("bad_key", ProviderAuthError),
        ("out_of_credits", ProviderQuotaExceeded),
        ("rate_limited", ProviderRateLimited),
    ],
)
async def test_errors_are_typed_and_never_show_the_key(
    case: str, error: type[ProviderError]
) -> None:
    adapter, _ = replay(ADAPTER, fixtures(case), key=SECRET)
    with pytest.raises(error) as caught:
        await adapter.lookup(BY_EMAIL)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


async def test_rate_limit_carries_retry_after() -> None:
    adapter, _ = replay(ADAPTER, fixtures("rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(BY_EMAIL)
    assert caught.value.retry_after == 3.0


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", "<html><body>502 Bad Gateway</body></html>"),
        ("application/json", ""),
        ("application/json", '{"id": 5244, "status": '),
        ("text/plain", '{"id": 5244, "status": "complete", "name": "A B"}'),
    ],
)
async def test_unusable_bodies_are_bad_responses(content_type: str, body: str) -> None:
    answer = {"response": {"status": 200, "headers": {"content-type": content_type}, "body": body}}
    adapter, _ = replay(ADAPTER, answer)
    with pytest.raises(ProviderBadResponse):
        await adapter.lookup(BY_EMAIL)


def test_accepts_an_email_a_linkedin_url_or_a_name_with_a_company() -> None:
    adapter, _ = replay(ADAPTER, fixtures("not_found"))
    assert adapter.accepts(BY_EMAIL)
    assert adapter.accepts(Query(account_id=1).with_known({"linkedin_url": "https://x"}))
    assert adapter.accepts(Query(account_id=1, full_name="Jo Do", company_domain="acme.com"))
    assert not adapter.accepts(Query(account_id=1, full_name="Jo Do"))


# --- through the market wire -----------------------------------------------------------


async def test_round_trip_searches_first_then_answers_from_cache() -> None:
    wire = RocketReachWire()
    adapter, seen = paired(ADAPTER, wire, full_view())
    result = await adapter.lookup(JANE)
    got = values(result)
    assert [m.path for m in seen] == ["/api/v2/person/lookup", "/api/v2/person/checkStatus"]
    assert got["email"] == "jane.doe@acme-widgets.test" and got["email_status"] == "valid"
    assert (got["full_name"], got["seniority"]) == ("Jane Doe", "vp")
    assert (got["phone"], got["mobile"]) == ("+14155550142", "+14155550143")
    assert got["linkedin_url"] == "https://linkedin.com/in/jane-doe-42"
    assert got["twitter_url"] == "https://x.com/janedoe"
    assert (got["city"], got["state"], got["country_code"]) == ("San Francisco", "California", "US")
    assert (got["company_name"], got["company_domain"]) == ("Acme Widgets", "acme-widgets.test")
    assert got["company_industry"] == "Software"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/acme-widgets"
    first = next(iter(result.fields.values()))
    assert first.observed_at == sample_person().observed_at
    assert first.confidence == 0.93  # score 0.92 renders as grade "A"
    by_name = Query(account_id=1, full_name="Jane Doe", company_name="Acme Widgets")
    again = await adapter.lookup(by_name)
    assert values(again) == got
    assert len(seen) == 3  # a known profile comes back complete at once


async def test_round_trip_unknown_person_is_a_miss() -> None:
    adapter, _ = paired(ADAPTER, RocketReachWire(), FakeView())
    assert not (await adapter.lookup(JANE)).matched


def _wire_failing(kind: ErrorKind) -> HttpProvider:
    def handler(request: httpx.Request) -> httpx.Response:
        answer = WIRE.error(kind, MarketRequest(request.method, request.url.path, {}, {}))
        headers = {"content-type": "application/json", **answer.headers}
        return httpx.Response(answer.status, headers=headers, content=json.dumps(answer.json))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return ADAPTER(settings_for("rocketreach"), client, clock=lambda: NOW)


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
        await _wire_failing(kind).lookup(BY_EMAIL)
    if isinstance(caught.value, ProviderRateLimited):
        assert caught.value.retry_after == 1.0


def test_wire_reads_the_key_and_answers_in_its_style() -> None:
    wire, view = RocketReachWire(), full_view()
    assert wire.key_of(MarketRequest("GET", "/", {}, {"api-key": "k1"})) == "k1"
    assert wire.key_of(MarketRequest("GET", "/", {"api_key": "k2"}, {})) == "k2"
    check = wire.handle(MarketRequest("GET", "/api/v2/person/checkStatus", {}, {}), view)
    assert check.status == 400 and "detail" in check.json
    bare = wire.handle(MarketRequest("GET", "/api/v2/person/lookup", {"name": "Jane"}, {}), view)
    assert bare.status == 400
    missing = wire.handle(MarketRequest("GET", "/api/v1/other", {}, {}), view)
    assert missing.status == 404 and missing.json == {"detail": "Not found."}
