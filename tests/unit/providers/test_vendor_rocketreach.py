"""RocketReach: the polling adapter against recorded answers and against the market wire."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
    ProviderTimeout,
)
from cleanlist_server.providers.vendors.rocketreach import ADAPTER, RocketReachProvider
from cleanlist_server.sandbox.market.vendors.rocketreach import RocketReachWire
from cleanlist_server.sandbox.market.wire import MarketRequest
from tests import provider_kit as kit

BY_EMAIL = Query(account_id=1, email="jamie@rocketreach.co")
SECRET = "sk-rocketreach-SECRET-999"


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RocketReachProvider, "poll_interval", 0.0)


def fixtures(*cases: str) -> list[dict[str, Any]]:
    return [kit.load_fixture("rocketreach", case) for case in cases]


RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "not_found": False,
    "bad_key": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = BY_EMAIL
    key = SECRET
    recorded = RECORDED
    chained = ("searching", "check_progress", "check_complete")
    key_header = "api-key"
    unusable = kit.unusable_bodies(
        malformed='{"id": 5244, "status": ',
        as_text='{"id": 5244, "status": "complete", "name": "A B"}',
    )
    recorded_wait = 3.0
    wire = RocketReachWire
    wire_query = kit.JANE_BY_EMAIL
    wire_wait = 1.0


# --- recorded answers ------------------------------------------------------------------


async def test_complete_profile_maps_to_canonical_fields() -> None:
    adapter, _ = kit.replay(ADAPTER, fixtures("match"))
    result = await adapter.lookup(BY_EMAIL)
    got = kit.values(result)
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
    adapter, calls = kit.replay(ADAPTER, fixtures("not_found"))
    await adapter.lookup(query.with_known({"email": "jamie@rocketreach.co"}))
    (request,) = calls
    kit.assert_key_in_header(request, "api-key")
    assert dict(request.url.params) == {
        "email": "jamie@rocketreach.co",
        "name": "Jamie Gullbrand",
        "current_employer": "RocketReach",
    }


async def test_a_search_in_progress_is_polled_until_complete() -> None:
    adapter, calls = kit.replay(ADAPTER, fixtures("searching", "check_progress", "check_complete"))
    result = await adapter.lookup(BY_EMAIL)
    assert kit.values(result)["email"] == "jamie@rocketreach.co"
    assert [c.url.path for c in calls] == [
        "/api/v2/person/lookup",
        "/api/v2/person/checkStatus",
        "/api/v2/person/checkStatus",
    ]
    assert calls[1].url.params["ids"] == "5244"
    for call in calls:
        kit.assert_key_in_header(call, "api-key")


async def test_gives_up_with_a_timeout_after_max_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RocketReachProvider, "max_polls", 2)
    adapter, calls = kit.replay(ADAPTER, fixtures("searching", "check_progress"))
    await kit.expect_error(adapter, BY_EMAIL, ProviderTimeout)
    assert len(calls) == 1 + 2


@pytest.mark.parametrize(
    "answer", [{}, [1, 2], {"id": 5244}, {"detail": "ok"}], ids=["{}", "[1,2]", "no-status", "x"]
)
async def test_a_check_status_answer_that_is_no_profile_list_is_a_bad_response(
    answer: Any,
) -> None:
    check = kit.canned(200, answer, method="GET", path="/api/v2/person/checkStatus")
    adapter, _ = kit.replay(ADAPTER, [*fixtures("searching"), check])
    await kit.expect_error(adapter, BY_EMAIL, ProviderBadResponse)


def test_accepts_an_email_a_linkedin_url_or_a_name_with_a_company() -> None:
    adapter, _ = kit.replay(ADAPTER, fixtures("not_found"))
    assert adapter.accepts(BY_EMAIL)
    assert adapter.accepts(Query(account_id=1).with_known({"linkedin_url": "https://x"}))
    assert adapter.accepts(Query(account_id=1, full_name="Jo Do", company_domain="acme.com"))
    assert not adapter.accepts(Query(account_id=1, full_name="Jo Do"))


# --- through the market wire -----------------------------------------------------------


async def test_round_trip_searches_first_then_answers_from_cache() -> None:
    wire = RocketReachWire()
    adapter, seen = kit.paired(ADAPTER, wire, kit.full_view())
    result = await adapter.lookup(kit.JANE_BY_EMAIL)
    got = kit.values(result)
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
    assert first.observed_at == kit.sample_person().observed_at
    assert first.confidence == 0.93  # score 0.92 renders as grade "A"
    again = await adapter.lookup(kit.JANE_BY_COMPANY)
    assert kit.values(again) == got
    assert len(seen) == 3  # a known profile comes back complete at once


def test_wire_reads_the_key_and_answers_in_its_style() -> None:
    wire, view = RocketReachWire(), kit.full_view()
    assert wire.key_of(MarketRequest("GET", "/", {}, {"api-key": "k1"})) == "k1"
    assert wire.key_of(MarketRequest("GET", "/", {"api_key": "k2"}, {})) == "k2"
    check = wire.handle(MarketRequest("GET", "/api/v2/person/checkStatus", {}, {}), view)
    assert check.status == 400 and "detail" in check.json
    bare = wire.handle(MarketRequest("GET", "/api/v2/person/lookup", {"name": "Jane"}, {}), view)
    assert bare.status == 400
    missing = wire.handle(MarketRequest("GET", "/api/v1/other", {}, {}), view)
    assert missing.status == 404 and missing.json == {"detail": "Not found."}
