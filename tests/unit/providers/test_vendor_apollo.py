"""Apollo: the adapter against recorded answers, and against the market's Apollo wire."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
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
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.providers.http import UNDATED_AGE
from cleanlist_server.providers.vendors.apollo import ADAPTER, MATCH_CONFIDENCE
from cleanlist_server.sandbox.market.vendors.apollo import WIRE
from cleanlist_server.sandbox.market.wire import (
    EmailVerdict,
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorView,
)
from tests.provider_kit import (
    NOW,
    TEST_KEY,
    FakeView,
    all_cases,
    load_fixture,
    paired,
    replay,
    sample_company,
    sample_person,
    values,
)

BY_EMAIL = Query(account_id=1, email="tim@apollo.io")
JANE = sample_person().fields
BY_NAME = Query(
    account_id=1, first_name="Jane", last_name="Doe", company_domain=JANE["company_domain"]
)

CASES: dict[str, bool | type[Exception]] = {
    "match": True,
    "not_found": False,
    "bad_key": ProviderAuthError,
    "plan_forbidden": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "invalid_params": ProviderBadResponse,
    "rate_limited": ProviderRateLimited,
}
BAD_BODIES = {
    "html": ("text/html", "<html><body>Bad gateway</body></html>"),
    "empty": ("application/json", ""),
    "malformed": ("application/json", '{"person": {'),
    "wrong_type": ("text/plain", '{"person": null}'),
}


def test_every_fixture_is_replayed() -> None:
    assert set(all_cases("apollo")) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
async def test_replay(case: str) -> None:
    adapter, calls = replay(ADAPTER, load_fixture("apollo", case))
    outcome = CASES[case]
    if isinstance(outcome, bool):
        assert (await adapter.lookup(BY_EMAIL)).matched is outcome
    else:
        with pytest.raises(outcome) as caught:
            await adapter.lookup(BY_EMAIL)
        assert TEST_KEY not in str(caught.value)
    assert calls[0].headers["x-api-key"] == TEST_KEY
    assert TEST_KEY not in str(calls[0].url)


async def test_match_maps_the_documented_example() -> None:
    adapter, calls = replay(ADAPTER, load_fixture("apollo", "match"))
    result = await adapter.lookup(BY_EMAIL)
    got = values(result)
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
        NOW - UNDATED_AGE,
    )
    sent = calls[0]
    assert (sent.method, sent.url.params["email"]) == ("POST", "tim@apollo.io")
    assert sent.url.params["reveal_phone_number"] == "false"
    assert json.loads(sent.content) == {}


async def test_name_and_company_are_sent_as_documented() -> None:
    adapter, calls = replay(ADAPTER, load_fixture("apollo", "not_found"))
    await adapter.lookup(Query(account_id=1, full_name="Jane Doe", company_name="Acme Widgets"))
    params = calls[0].url.params
    assert (params["name"], params["organization_name"]) == ("Jane Doe", "Acme Widgets")
    assert "domain" not in params and "email" not in params


async def test_rate_limit_carries_retry_after() -> None:
    adapter, _ = replay(ADAPTER, load_fixture("apollo", "rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(BY_EMAIL)
    assert caught.value.retry_after == 30


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
async def test_unreadable_bodies_are_bad_responses(kind: str) -> None:
    content_type, body = BAD_BODIES[kind]
    answer = {"status": 200, "headers": {"content-type": content_type}, "body": body}
    adapter, _ = replay(ADAPTER, {"response": answer})
    with pytest.raises(ProviderBadResponse) as caught:
        await adapter.lookup(BY_EMAIL)
    assert TEST_KEY not in str(caught.value)


def test_accepts_documented_lookup_inputs() -> None:
    adapter, _ = replay(ADAPTER, load_fixture("apollo", "not_found"))
    linkedin = Query(account_id=1, linkedin_url=JANE["linkedin_url"])
    known = Query(account_id=1).with_known({"email": "tim@apollo.io"})
    assert all(adapter.accepts(q) for q in (BY_EMAIL, BY_NAME, linkedin, known))
    assert not adapter.accepts(Query(account_id=1, first_name="Jane", last_name="Doe"))


# --- through the market wire ------------------------------------------------------


def _view(verdicts: dict[str, EmailVerdict] | None = None) -> FakeView:
    return FakeView(people=[sample_person()], companies=[sample_company()], verdicts=verdicts or {})


@pytest.mark.parametrize(
    "query",
    [
        BY_NAME,
        Query(account_id=1, email=JANE["email"]),
        Query(account_id=1, linkedin_url=JANE["linkedin_url"]),
    ],
)
async def test_round_trip_recovers_what_apollo_carries(query: Query) -> None:
    adapter, seen = paired(ADAPTER, WIRE, _view({JANE["email"]: "valid"}))
    result = await adapter.lookup(query)
    got = values(result)
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
    adapter, _ = paired(ADAPTER, WIRE, _view())
    got = values(await adapter.lookup(BY_NAME))
    assert got["email"] == JANE["email"] and "email_status" not in got


async def test_round_trip_empty_view_is_a_miss() -> None:
    adapter, _ = paired(ADAPTER, WIRE, FakeView())
    result = await adapter.lookup(BY_NAME)
    assert not result.matched and result.fields == {}


@dataclass
class Failing:
    """The Apollo wire answering every request with one of its errors."""

    kind: ErrorKind
    name: str = "apollo"

    def key_of(self, request: MarketRequest) -> str | None:
        return WIRE.key_of(request)

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        return WIRE.error(kind, request)

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        return WIRE.error(self.kind, request)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("auth", ProviderAuthError),
        ("quota", ProviderQuotaExceeded),
        ("rate_limited", ProviderRateLimited),
        ("server", ProviderUnavailable),
    ],
)
async def test_wire_errors_reach_the_adapter_typed(kind: ErrorKind, error: type[Exception]) -> None:
    adapter, _ = paired(ADAPTER, Failing(kind), FakeView())
    with pytest.raises(error) as caught:
        await adapter.lookup(BY_NAME)
    assert TEST_KEY not in str(caught.value)
    if kind == "rate_limited":
        assert isinstance(caught.value, ProviderRateLimited) and caught.value.retry_after == 60


async def test_a_wrong_key_is_refused() -> None:
    adapter, _ = paired(ADAPTER, WIRE, _view())
    adapter.settings = replace(adapter.settings, key="wrong-key")
    with pytest.raises(ProviderAuthError):
        await adapter.lookup(BY_NAME)


def _request(method: str, path: str, **query: str) -> MarketRequest:
    return MarketRequest(method=method, path=path, query=query, headers={"x-api-key": TEST_KEY})


def test_wire_reads_the_key_from_the_header() -> None:
    assert WIRE.key_of(_request("POST", "/api/v1/people/match")) == TEST_KEY
    assert WIRE.key_of(MarketRequest("POST", "/api/v1/people/match", {"api_key": "k"}, {})) is None


def test_wire_unknown_path_and_method_are_404() -> None:
    for method, path in (("POST", "/api/v1/people/search"), ("GET", "/api/v1/people/match")):
        answer = WIRE.handle(_request(method, path), _view())
        assert answer.status == 404 and "error" in answer.json


def test_wire_renders_the_documented_shape() -> None:
    answer = WIRE.handle(_request("POST", "/api/v1/people/match", email=JANE["email"]), _view())
    person = answer.json["person"]
    assert person["linkedin_url"] == "http://www.linkedin.com/in/jane-doe-42"
    assert (person["seniority"], person["departments"]) == ("vp", ["sales"])
    assert person["organization"]["primary_domain"] == "acme-widgets.test"
    assert person["organization"]["website_url"] == "http://www.acme-widgets.test"
    assert person["employment_history"][0]["current"] is True
    nobody = WIRE.handle(_request("POST", "/api/v1/people/match"), _view())
    assert (nobody.status, nobody.json) == (200, {"person": None})
