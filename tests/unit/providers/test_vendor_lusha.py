"""Lusha: the adapter against recorded documented answers and against the market wire."""

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
)
from cleanlist_server.providers.vendors.lusha import ADAPTER
from cleanlist_server.sandbox.market.vendors.lusha import WIRE, LushaWire
from cleanlist_server.sandbox.market.wire import MarketRequest
from tests import provider_kit as kit

BY_EMAIL = Query(account_id=1, email="dustin@lusha.com")
SECRET = "sk-lusha-SECRET-999"


def fixture(case: str) -> dict[str, Any]:
    return kit.load_fixture("lusha", case)


RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "match_bulk_keys": True,
    "not_found": False,
    "not_found_404": False,
    "gdpr": False,
    "bad_key": ProviderAuthError,
    "inactive": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
    "contact_error": ProviderBadResponse,
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = BY_EMAIL
    key = SECRET
    recorded = RECORDED
    key_header = "api_key"
    unusable = kit.unusable_bodies(
        malformed='{"contact": {"data": ',
        as_text='{"contact": {"error": null, "data": {"firstName": "A"}}}',
        extra={
            "contact-null": {"contact": None},
            "no-data": {"contact": {"error": None, "isCreditCharged": False}},
        },
    )
    recorded_wait = 30.0  # from the X-RateLimit-Reset header
    wire = LushaWire
    wire_query = BY_EMAIL
    wire_wait = 1.0


# --- recorded answers ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v3/companies/search", "/v3/companies/signals"])
@pytest.mark.parametrize(
    "body", [[], {}, {"requestId": "r1", "data": []}], ids=["[]", "{}", "no-results"]
)
async def test_a_signals_answer_without_results_is_a_bad_response(path: str, body: Any) -> None:
    answer = kit.canned(200, body, method="POST", path=path)
    found = fixture("signals/search_match")
    adapter, _ = kit.replay(ADAPTER, [answer] if path.endswith("search") else [found, answer])
    with pytest.raises(ProviderBadResponse):
        await adapter.company_signals("acme-widgets.test", datetime(2026, 10, 1, tzinfo=UTC))


async def test_documented_example_maps_to_canonical_fields() -> None:
    adapter, _ = kit.replay(ADAPTER, fixture("match"))
    result = await adapter.lookup(BY_EMAIL)
    got = kit.values(result)
    assert result.matched
    assert got["email"] == "dustin@lusha.com"
    assert got["full_name"] == "Dustin Moskovitz"
    assert (got["title"], got["seniority"], got["department"]) == ("CEO", "c_level", "Executive")
    assert got["linkedin_url"] == "https://linkedin.com/in/dustin"
    assert got["twitter_url"] == "https://x.com/dustin"
    assert got["job_start_date"] == "2020-01"
    assert (got["city"], got["state"], got["country_code"]) == ("Boston", "Massachusetts", "US")
    assert got["company_name"] == "Lusha"
    assert got["company_domain"] == "lusha.com"
    assert got["company_size"] == "201-500"
    assert got["company_revenue"] == "$25M-$50M"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/lusha"
    assert got["company_hq_city"] == "Boston"
    assert "phone" not in got and "mobile" not in got  # +1-555-123-4567 is not a real number
    first = next(iter(result.fields.values()))
    assert first.observed_at == datetime(2024, 1, 15, tzinfo=UTC)  # updateDate
    assert first.confidence == 0.97  # emailConfidence "A+"


async def test_bulk_style_keys_are_read_too() -> None:
    adapter, _ = kit.replay(ADAPTER, fixture("match_bulk_keys"))
    result = await adapter.lookup(BY_EMAIL)
    got = kit.values(result)
    assert got["email"] == "john.doe@amazon.com"
    assert got["personal_email"] == "johndoe@gmail.com"
    assert got["title"] == "Engineering Manager" and got["seniority"] == "manager"
    assert next(iter(result.fields.values())).observed_at == datetime(2025, 11, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    ("query", "params"),
    [
        (BY_EMAIL, {"email": "dustin@lusha.com"}),
        (
            Query(account_id=1).with_known({"linkedin_url": "https://www.linkedin.com/in/dustin"}),
            {"linkedinUrl": "https://www.linkedin.com/in/dustin"},
        ),
        (
            Query(account_id=1, full_name="Dustin Moskovitz", company_domain="lusha.com"),
            {"firstName": "Dustin", "lastName": "Moskovitz", "companyDomain": "lusha.com"},
        ),
        (
            Query(account_id=1, first_name="Dustin", last_name="Moskovitz", company_name="Lusha"),
            {"firstName": "Dustin", "lastName": "Moskovitz", "companyName": "Lusha"},
        ),
    ],
)
async def test_request_sends_one_documented_identifier_set_and_the_key_header(
    query: Query, params: dict[str, str]
) -> None:
    adapter, calls = kit.replay(ADAPTER, fixture("not_found"))
    await adapter.lookup(query)
    (request,) = calls
    assert dict(request.url.params) == params
    kit.assert_key_in_header(request, "api_key")


def test_accepts_an_email_a_linkedin_url_or_a_full_name_with_a_company() -> None:
    adapter, _ = kit.replay(ADAPTER, fixture("not_found"))
    assert adapter.accepts(BY_EMAIL)
    assert adapter.accepts(Query(account_id=1, linkedin_url="https://linkedin.com/in/x"))
    assert adapter.accepts(Query(account_id=1, full_name="Jo Do", company_name="Acme"))
    assert not adapter.accepts(Query(account_id=1, first_name="Jo", company_name="Acme"))
    assert not adapter.accepts(Query(account_id=1, first_name="Jo", last_name="Do"))


# --- through the market wire -----------------------------------------------------------


@pytest.mark.parametrize("query", [kit.JANE_BY_EMAIL, kit.JANE_BY_LINKEDIN, kit.JANE_BY_NAME])
async def test_round_trip_recovers_what_lusha_carries(query: Query) -> None:
    adapter, _ = kit.paired(ADAPTER, WIRE, kit.full_view())
    result = await adapter.lookup(query)
    got = kit.values(result)
    assert got["email"] == "jane.doe@acme-widgets.test"
    assert (got["first_name"], got["last_name"], got["title"]) == ("Jane", "Doe", "VP of Sales")
    assert (got["seniority"], got["department"]) == ("vp", "Sales")
    assert got["linkedin_url"] == "https://linkedin.com/in/jane-doe-42"
    assert got["twitter_url"] == "https://x.com/janedoe"
    assert (got["phone"], got["phone_type"]) == ("+14155550142", "direct_dial")
    assert got["mobile"] == "+14155550143"
    assert (got["city"], got["state"], got["country_code"]) == ("San Francisco", "California", "US")
    assert got["company_name"] == "Acme Widgets"
    assert got["company_domain"] == "acme-widgets.test"
    assert got["company_size"] == "201-500"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/acme-widgets"
    assert (got["company_hq_city"], got["company_hq_country"]) == ("San Francisco", "United States")
    first = next(iter(result.fields.values()))
    assert first.observed_at == kit.sample_person().observed_at
    assert first.confidence == 0.93  # score 0.92 renders as grade "A"


def test_wire_reads_the_key_and_answers_in_its_style() -> None:
    assert WIRE.key_of(MarketRequest("GET", "/v2/person", {}, {"api_key": "k1"})) == "k1"
    missing = WIRE.handle(MarketRequest("GET", "/v3/nope", {}, {}), kit.full_view())
    assert missing.status == 404 and missing.json["statusCode"] == 404
    bare = WIRE.handle(
        MarketRequest("GET", "/v2/person", {"firstName": "Jane"}, {}), kit.full_view()
    )
    assert bare.status == 400 and bare.json["statusCode"] == 400
    unknown = WIRE.handle(
        MarketRequest("GET", "/v2/person", {"email": "x@y.z"}, {}), kit.FakeView()
    )
    assert unknown.json["contact"]["error"]["name"] == "EMPTY_DATA"
    assert unknown.json["contact"]["isCreditCharged"] is False
