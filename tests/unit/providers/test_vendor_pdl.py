"""People Data Labs: the adapter against recorded answers, and against the market's PDL wire."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cleanlist_server.domain.fields import CONTACT_FIELDS
from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.vendors.pdl import ADAPTER
from cleanlist_server.sandbox.market.vendors.pdl import WIRE, PdlWire
from cleanlist_server.sandbox.market.wire import MarketRequest
from tests import provider_kit as kit

BY_EMAIL = Query(account_id=1, email="kimberly_patton@hall-rios-and-miller.com")
JANE = kit.sample_person().fields

RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "not_found": False,
    "bad_key": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
    "bad_request": ProviderBadResponse,
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = BY_EMAIL
    recorded = RECORDED
    key_header = "x-api-key"
    unusable = kit.unusable_bodies(malformed='{"status": 200, "data": {', as_text='{"status": 200}')
    recorded_wait = 60
    wire = PdlWire
    wire_query = kit.JANE_BY_NAME
    wire_wait = 60


async def test_match_maps_the_documented_record() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture("pdl", "match"))
    result = await adapter.lookup(BY_EMAIL)
    got = kit.values(result)
    assert got["email"] == "kimberly_patton@hall-rios-and-miller.com"
    assert got["personal_email"] == "kimberly_patton@example.com"
    assert (got["first_name"], got["last_name"]) == ("Kimberly", "Patton")
    assert (got["title"], got["seniority"], got["department"]) == (
        "Tax Adviser",
        "individual_contributor",
        "Finance",
    )
    assert (got["mobile"], got["phone"], got["phone_type"]) == (
        "+15814854381",
        "+15814854381",
        "mobile",
    )
    assert got["linkedin_url"] == "https://linkedin.com/in/kimberly_patton"
    assert got["twitter_url"] == "https://x.com/kimberly_patton"
    assert (got["city"], got["state"], got["country"]) == (
        "San Francisco",
        "California",
        "United States",
    )
    assert got["job_start_date"] == "2020-03"
    assert (got["company_domain"], got["company_size"]) == ("hall-rios-and-miller.com", "1001-5000")
    assert (got["company_founded_year"], got["company_industry"]) == (1990, "Telecommunications")
    assert got["company_linkedin_url"] == "https://linkedin.com/company/hall-rios-and-miller"
    assert (got["company_hq_city"], got["company_hq_country"]) == ("San Francisco", "United States")
    assert set(got) <= ADAPTER.fields <= set(CONTACT_FIELDS)
    email = result.fields["email"]
    assert email.confidence == 1.0  # likelihood 10 of 10
    assert email.observed_at == datetime(2024, 6, 1, tzinfo=UTC)  # job_last_verified
    sent = calls[0]
    assert sent.method == "GET"
    assert dict(sent.url.params) == {"email": BY_EMAIL.email, "titlecase": "true"}


async def test_name_and_company_are_sent_as_documented() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture("pdl", "not_found"))
    await kit.expect_miss(adapter, kit.JANE_BY_NAME)
    params = calls[0].url.params
    assert (params["first_name"], params["last_name"], params["company"]) == (
        "Jane",
        "Doe",
        "acme-widgets.test",
    )
    await adapter.lookup(kit.JANE_BY_COMPANY)
    params = calls[1].url.params
    assert (params["name"], params["company"]) == ("Jane Doe", "Acme Widgets")


def test_accepts_documented_lookup_inputs() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture("pdl", "not_found"))
    linkedin = Query(account_id=1, linkedin_url=JANE["linkedin_url"])
    known = Query(account_id=1).with_known({"linkedin_url": JANE["linkedin_url"]})
    assert all(adapter.accepts(q) for q in (BY_EMAIL, kit.JANE_BY_NAME, linkedin, known))
    assert not adapter.accepts(Query(account_id=1, company_domain="acme-widgets.test"))


# --- through the market wire ------------------------------------------------------


@pytest.mark.parametrize("query", [kit.JANE_BY_NAME, kit.JANE_BY_EMAIL, kit.JANE_BY_LINKEDIN])
async def test_round_trip_recovers_what_pdl_carries(query: Query) -> None:
    adapter, seen = kit.paired(ADAPTER, WIRE, kit.full_view())
    result = await adapter.lookup(query)
    got = kit.values(result)
    assert got["email"] == JANE["email"]
    assert (got["first_name"], got["last_name"], got["title"]) == ("Jane", "Doe", "VP of Sales")
    assert (got["seniority"], got["department"]) == ("vp", "Sales")
    assert (got["phone"], got["mobile"]) == ("+14155550142", "+14155550143")
    assert "phone_type" not in got  # PDL's numbers are untyped: the phone built-in judges
    assert got["linkedin_url"] == "https://linkedin.com/in/jane-doe-42"
    assert got["twitter_url"] == "https://x.com/janedoe"
    assert (got["city"], got["state"], got["country"]) == (
        "San Francisco",
        "California",
        "United States",
    )
    assert (got["company_name"], got["company_domain"]) == ("Acme Widgets", "acme-widgets.test")
    assert (got["company_size"], got["company_industry"], got["company_founded_year"]) == (
        "201-500",
        "Software",
        2012,
    )
    assert got["company_linkedin_url"] == "https://linkedin.com/company/acme-widgets"
    assert (got["company_hq_city"], got["company_hq_country"]) == ("San Francisco", "United States")
    title = result.fields["title"]
    assert title.confidence == 0.9  # score 0.92 -> likelihood 9
    assert title.observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert seen[0].path == "/v5/person/enrich"


def _request(method: str, path: str, **query: str) -> MarketRequest:
    return MarketRequest(method=method, path=path, query=query, headers={"x-api-key": kit.TEST_KEY})


def test_wire_reads_the_key_from_the_header_or_the_query() -> None:
    assert WIRE.key_of(_request("GET", "/v5/person/enrich")) == kit.TEST_KEY
    assert WIRE.key_of(MarketRequest("GET", "/v5/person/enrich", {"api_key": "k"}, {})) == "k"


def test_wire_statuses_follow_the_docs() -> None:
    unknown = WIRE.handle(_request("GET", "/v5/person/search"), kit.full_view())
    assert unknown.status == 404 and unknown.json["error"]["type"] == "not_found"
    assert (
        WIRE.handle(
            _request("DELETE", "/v5/person/enrich", email=JANE["email"]), kit.full_view()
        ).status
        == 405
    )
    assert WIRE.handle(_request("GET", "/v5/person/enrich"), kit.full_view()).status == 400
    picky = _request("GET", "/v5/person/enrich", email=JANE["email"], min_likelihood="10")
    assert WIRE.handle(picky, kit.full_view()).status == 404  # likelihood 9 < 10


def test_wire_lower_cases_unless_titlecase() -> None:
    plain = WIRE.handle(_request("GET", "/v5/person/enrich", email=JANE["email"]), kit.full_view())
    assert (plain.json["status"], plain.json["likelihood"]) == (200, 9)
    data = plain.json["data"]
    assert (data["job_title"], data["job_company_name"]) == ("vp of sales", "acme widgets")
    assert (data["linkedin_url"], data["job_title_levels"]) == (
        "linkedin.com/in/jane-doe-42",
        ["vp"],
    )
    assert data["job_last_verified"] == "2026-09-14"
    titled = WIRE.handle(
        _request("GET", "/v5/person/enrich", email=JANE["email"], titlecase="true"), kit.full_view()
    )
    assert titled.json["data"]["job_company_name"] == "Acme Widgets"
