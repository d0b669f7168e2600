"""Apollo: the adapter against recorded answers, and against the market's Apollo wire."""

from __future__ import annotations

import json
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
from cleanlist_server.providers.http import UNDATED_AGE
from cleanlist_server.providers.vendors.apollo import ADAPTER, MATCH_CONFIDENCE
from cleanlist_server.sandbox.market.vendors.apollo import WIRE, ApolloWire
from cleanlist_server.sandbox.market.wire import MarketRequest
from tests import provider_kit as kit

BY_EMAIL = Query(account_id=1, email="tim@apollo.io")
JANE = kit.sample_person().fields

RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "not_found": False,
    "bad_key": ProviderAuthError,
    "plan_forbidden": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "invalid_params": ProviderBadResponse,
    "rate_limited": ProviderRateLimited,
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = BY_EMAIL
    recorded = RECORDED
    key_header = "x-api-key"
    unusable = kit.unusable_bodies(malformed='{"person": {', as_text='{"person": null}')
    recorded_wait = 30
    wire = ApolloWire
    wire_query = kit.JANE_BY_NAME
    wire_wait = 60


async def test_match_maps_the_documented_example() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture("apollo", "match"))
    result = await adapter.lookup(BY_EMAIL)
    got = kit.values(result)
    assert got["email"] == "tim@apollo.io" and got["email_status"] == "valid"
    assert (got["first_name"], got["last_name"]) == ("Tim", "Zheng")
    assert (got["title"], got["seniority"], got["department"]) == (
        "Founder & CEO",
        "owner",
        "Executive",
    )
    assert got["linkedin_url"] == "https://linkedin.com/in/tim-zheng-677ba010"
    assert (got["city"], got["state"], got["country_code"]) == ("San Francisco", "California", "US")
    assert got["job_start_date"] == "2016-01"
    assert (got["company_name"], got["company_domain"]) == ("Apollo.io", "apollo.io")
    assert (got["company_employee_count"], got["company_size"]) == (1600, "1001-5000")
    assert (got["company_annual_revenue"], got["company_revenue"]) == (100_000_000, "$100M-$250M")
    assert got["company_linkedin_url"] == "https://linkedin.com/company/apolloio"
    assert got["company_twitter_url"] == "https://x.com/meetapollo"
    assert (got["company_founded_year"], got["company_hq_city"]) == (2015, "San Francisco")
    assert "Salesforce" in got["company_tech_stack"]
    # The team's CRM contact (another person) carries phones: they are not this person's.
    assert not {"phone", "mobile"} & set(got)
    assert set(got) <= ADAPTER.fields <= set(CONTACT_FIELDS)
    email = result.fields["email"]
    assert (email.source, email.confidence, email.observed_at) == (
        "apollo",
        MATCH_CONFIDENCE,
        kit.NOW - UNDATED_AGE,
    )
    sent = calls[0]
    assert (sent.method, sent.url.params["email"]) == ("POST", "tim@apollo.io")
    assert sent.url.params["reveal_phone_number"] == "false"
    assert json.loads(sent.content) == {}


async def test_name_and_company_are_sent_as_documented() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture("apollo", "not_found"))
    await adapter.lookup(kit.JANE_BY_COMPANY)
    params = calls[0].url.params
    assert (params["name"], params["organization_name"]) == ("Jane Doe", "Acme Widgets")
    assert "domain" not in params and "email" not in params


def test_accepts_documented_lookup_inputs() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture("apollo", "not_found"))
    linkedin = Query(account_id=1, linkedin_url=JANE["linkedin_url"])
    known = Query(account_id=1).with_known({"email": "tim@apollo.io"})
    assert all(adapter.accepts(q) for q in (BY_EMAIL, kit.JANE_BY_NAME, linkedin, known))
    assert not adapter.accepts(Query(account_id=1, first_name="Jane", last_name="Doe"))


# --- through the market wire ------------------------------------------------------


@pytest.mark.parametrize("query", [kit.JANE_BY_NAME, kit.JANE_BY_EMAIL, kit.JANE_BY_LINKEDIN])
async def test_round_trip_recovers_what_apollo_carries(query: Query) -> None:
    adapter, seen = kit.paired(ADAPTER, WIRE, kit.full_view(verdicts={JANE["email"]: "valid"}))
    result = await adapter.lookup(query)
    got = kit.values(result)
    assert got["email"] == JANE["email"] and got["email_status"] == "valid"
    assert (got["first_name"], got["last_name"], got["title"]) == ("Jane", "Doe", "VP of Sales")
    assert (got["seniority"], got["department"]) == ("vp", "Sales")
    assert got["linkedin_url"] == "https://linkedin.com/in/jane-doe-42"
    assert got["twitter_url"] == "https://x.com/janedoe"
    assert (got["city"], got["state"], got["country"]) == (
        "San Francisco",
        "California",
        "United States",
    )
    assert (got["company_name"], got["company_domain"]) == ("Acme Widgets", "acme-widgets.test")
    assert (got["company_employee_count"], got["company_size"]) == (320, "201-500")
    assert (got["company_industry"], got["company_founded_year"]) == ("Software", 2012)
    assert got["company_linkedin_url"] == "https://linkedin.com/company/acme-widgets"
    assert (got["company_hq_city"], got["company_hq_country"]) == ("San Francisco", "United States")
    assert not {"phone", "mobile"} & set(got)  # Apollo delivers phones only to a webhook
    assert result.fields["title"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert seen[0].path == "/api/v1/people/match"


async def test_round_trip_unverified_email_has_no_status() -> None:
    adapter, _ = kit.paired(ADAPTER, WIRE, kit.full_view())
    got = kit.values(await adapter.lookup(kit.JANE_BY_NAME))
    assert got["email"] == JANE["email"] and "email_status" not in got


def _request(method: str, path: str, **query: str) -> MarketRequest:
    return MarketRequest(method=method, path=path, query=query, headers={"x-api-key": kit.TEST_KEY})


def test_wire_reads_the_key_from_the_header() -> None:
    assert WIRE.key_of(_request("POST", "/api/v1/people/match")) == kit.TEST_KEY
    assert WIRE.key_of(MarketRequest("POST", "/api/v1/people/match", {"api_key": "k"}, {})) is None


def test_wire_unknown_path_and_method_are_404() -> None:
    for method, path in (("POST", "/api/v1/people/search"), ("GET", "/api/v1/people/match")):
        answer = WIRE.handle(_request(method, path), kit.full_view())
        assert answer.status == 404 and "error" in answer.json


def test_wire_renders_the_documented_shape() -> None:
    answer = WIRE.handle(
        _request("POST", "/api/v1/people/match", email=JANE["email"]), kit.full_view()
    )
    person = answer.json["person"]
    assert person["linkedin_url"] == "http://www.linkedin.com/in/jane-doe-42"
    assert (person["seniority"], person["departments"]) == ("vp", ["sales"])
    assert person["organization"]["primary_domain"] == "acme-widgets.test"
    assert person["organization"]["website_url"] == "http://www.acme-widgets.test"
    assert person["employment_history"][0]["current"] is True
    nobody = WIRE.handle(_request("POST", "/api/v1/people/match"), kit.full_view())
    assert (nobody.status, nobody.json) == (200, {"person": None})
