"""Hunter: the adapter against recorded answers, and against the market's Hunter wire."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from cleanlist_server.domain.fields import CONTACT_FIELDS
from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.providers.vendors._group_a import VERDICT_CONFIDENCE
from cleanlist_server.providers.vendors.hunter import ADAPTER, FUZZY_CONFIDENCE, PROFILE_CONFIDENCE
from cleanlist_server.sandbox.market.vendors.hunter import WIRE, HunterWire
from cleanlist_server.sandbox.market.wire import EmailVerdict, MarketRequest
from tests import provider_kit as kit

BY_NAME = Query(account_id=1, first_name="Alexis", last_name="Ohanian", company_domain="reddit.com")
BY_EMAIL = Query(account_id=1, email="matt@hunter.io")
FOUND_EMAIL = Query(account_id=1, linkedin_url="https://linkedin.com/in/patrick").with_known(
    {"email": "patrick@stripe.com"}
)
JANE = kit.sample_person().fields

RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "match_combined": True,
    "match_verifier": True,
    "finder_no_email": False,
    "not_found": False,
    "claimed_email": False,
    "bad_key": ProviderAuthError,
    "rate_limited": ProviderRateLimited,
    "out_of_credits": ProviderQuotaExceeded,
    "bad_params": ProviderBadResponse,
    "verification_pending": ProviderUnavailable,
}
"""For ``BY_NAME`` unless ``QUERIES`` says (each fixture checks the endpoint chosen)."""
QUERIES = {
    "match_combined": BY_EMAIL,
    "match_verifier": FOUND_EMAIL,
    "not_found": BY_EMAIL,
    "claimed_email": BY_EMAIL,
    "verification_pending": FOUND_EMAIL,
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = BY_NAME
    recorded = RECORDED
    queries = QUERIES
    key_header = "x-api-key"
    unusable = kit.unusable_bodies(
        malformed='{"data": {',
        as_text='{"data": {}}',
        extra={
            "data-null": {"data": None, "meta": {}},
            "data-list": {"data": [], "meta": {}},
            "no-email": {"data": {"first_name": "Alexis", "domain": "reddit.com"}, "meta": {}},
        },
    )
    recorded_wait = None  # Hunter rate-limits with a 403 and no Retry-After
    wire = HunterWire
    wire_query = kit.JANE_BY_NAME
    wire_wait = None


async def test_email_finder_example() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture("hunter", "match"))
    result = await adapter.lookup(BY_NAME)
    got = kit.values(result)
    assert (got["email"], got["email_status"]) == ("alexis@reddit.com", "valid")
    assert (got["first_name"], got["last_name"], got["title"]) == (
        "Alexis",
        "Ohanian",
        "Co-Founder",
    )
    assert (got["company_name"], got["company_domain"]) == ("Reddit", "reddit.com")
    assert set(got) <= ADAPTER.fields <= set(CONTACT_FIELDS)
    email = result.fields["email"]
    assert email.confidence == 0.97  # score 97
    assert email.observed_at == datetime(2021, 6, 14, tzinfo=UTC)  # verification.date
    params = dict(calls[0].url.params)
    assert params == {"domain": "reddit.com", "first_name": "Alexis", "last_name": "Ohanian"}


async def test_combined_find_example() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture("hunter", "match_combined"))
    result = await adapter.lookup(BY_EMAIL)
    got = kit.values(result)
    assert (got["full_name"], got["title"], got["seniority"]) == ("Matthew Tharp", "CEO", "c_level")
    assert (got["linkedin_url"], got["twitter_url"]) == (
        "https://linkedin.com/in/matttharp",
        "https://x.com/matttharp",
    )
    assert (got["city"], got["state"], got["country_code"]) == ("Framingham", "Massachusetts", "US")
    assert (got["company_name"], got["company_domain"], got["company_size"]) == (
        "Hunter",
        "hunter.io",
        "11-50",
    )
    assert got["company_linkedin_url"] == "https://linkedin.com/company/hunterio"
    assert (got["company_founded_year"], got["company_type"]) == (2015, "private")
    assert got["company_tech_stack"] == ["cloudflare", "hsts", "http-3", "ruby", "stimulus"]
    assert got["company_hq_city"] == "Wilmington"
    assert "email_status" not in got
    assert set(got) <= ADAPTER.fields <= set(CONTACT_FIELDS)
    email = result.fields["email"]
    assert (email.confidence, email.observed_at) == (
        PROFILE_CONFIDENCE,
        datetime(2025, 8, 30, tzinfo=UTC),
    )
    assert dict(calls[0].url.params) == {"email": "matt@hunter.io"}


async def test_fuzzy_profile_match_is_less_certain() -> None:
    fixture = copy.deepcopy(kit.load_fixture("hunter", "match_combined"))
    fixture["response"]["body"]["data"]["person"]["fuzzy"] = True
    adapter, _ = kit.replay(ADAPTER, fixture)
    assert (await adapter.lookup(BY_EMAIL)).fields["title"].confidence == FUZZY_CONFIDENCE


async def test_a_linkedin_url_looks_up_the_handle() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture("hunter", "finder_no_email"))
    await adapter.lookup(Query(account_id=1, linkedin_url="https://linkedin.com/in/jane-doe-42"))
    assert dict(calls[0].url.params) == {"linkedin_handle": "jane-doe-42"}
    legacy = Query(account_id=1, linkedin_url="https://linkedin.com/pub/jane-doe/1/2/3")
    await kit.expect_miss(adapter, legacy)
    assert len(calls) == 1  # no handle to send: nothing asked


def _verifier(**data: Any) -> dict[str, Any]:
    fixture = copy.deepcopy(kit.load_fixture("hunter", "match_verifier"))
    body = fixture["response"]["body"]["data"]
    body.pop("status")
    body.update(data)
    return fixture


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"status": "valid"}, "valid"),
        ({"status": "accept_all"}, "catch-all"),
        ({"status": "invalid"}, "invalid"),
        ({"status": "disposable"}, "disposable"),
        ({"status": "webmail"}, None),
        ({"status": "unknown"}, None),
        ({"result": "undeliverable"}, "invalid"),  # the deprecated field, when status is absent
        ({"result": "risky"}, "risky"),
    ],
)
async def test_verifier_statuses(data: dict[str, str], expected: str | None) -> None:
    adapter, _ = kit.replay(ADAPTER, _verifier(**data))
    result = await adapter.lookup(FOUND_EMAIL)
    if expected is None:
        assert result == ProviderResult.miss("hunter")
        return
    assert kit.values(result)["email_status"] == expected
    assert result.fields["email_status"].confidence == VERDICT_CONFIDENCE


@pytest.mark.parametrize(
    ("query", "path", "data"),
    [
        (BY_EMAIL, "/v2/combined/find", {"company": None}),
        (FOUND_EMAIL, "/v2/email-verifier", {"email": "patrick@stripe.com", "score": 100}),
    ],
    ids=["combined-without-person", "verifier-without-status"],
)
async def test_data_without_the_calls_documented_key_is_a_bad_response(
    query: Query, path: str, data: dict[str, Any]
) -> None:
    answer = kit.canned(200, {"data": data, "meta": {}}, method="GET", path=path)
    adapter, _ = kit.replay(ADAPTER, answer)
    await kit.expect_error(adapter, query, ProviderBadResponse)


async def test_combined_find_with_a_null_person_is_a_miss() -> None:
    body = {"data": {"person": None, "company": None}, "meta": {}}
    adapter, _ = kit.replay(ADAPTER, kit.canned(200, body, path="/v2/combined/find"))
    await kit.expect_miss(adapter, BY_EMAIL)


@pytest.mark.parametrize(
    "body",
    [[], {}, {"data": None}, {"data": {"domain": "reddit.com", "organization": "Reddit"}}],
    ids=["[]", "{}", "data-null", "data-without-emails"],
)
async def test_a_domain_search_answer_that_is_no_envelope_is_a_bad_response(body: Any) -> None:
    adapter, _ = kit.replay(ADAPTER, kit.canned(200, body, path="/v2/domain-search"))
    with pytest.raises(ProviderBadResponse):
        await adapter.people_at("reddit.com", None, 10)


def test_accepts_documented_lookup_inputs() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture("hunter", "not_found"))
    accepted = (BY_NAME, BY_EMAIL, FOUND_EMAIL, kit.JANE_BY_COMPANY, kit.JANE_BY_LINKEDIN)
    assert all(adapter.accepts(q) for q in accepted)
    assert not adapter.accepts(Query(account_id=1, first_name="Jane", last_name="Doe"))


# --- through the market wire ------------------------------------------------------


@pytest.mark.parametrize("query", [kit.JANE_BY_NAME, kit.JANE_BY_LINKEDIN])
async def test_round_trip_email_finder(query: Query) -> None:
    adapter, seen = kit.paired(ADAPTER, WIRE, kit.full_view(verdicts={JANE["email"]: "catch_all"}))
    result = await adapter.lookup(query)
    got = kit.values(result)
    assert (got["email"], got["email_status"]) == (JANE["email"], "catch-all")
    assert (got["first_name"], got["last_name"], got["title"]) == ("Jane", "Doe", "VP of Sales")
    assert (got["linkedin_url"], got["twitter_url"]) == (
        "https://linkedin.com/in/jane-doe-42",
        "https://x.com/janedoe",
    )
    assert (got["phone"], got["company_name"]) == ("+14155550142", "Acme Widgets")
    assert result.fields["email"].confidence == 0.92
    assert result.fields["email"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert seen[0].path == "/v2/email-finder"


async def test_round_trip_combined_find() -> None:
    adapter, seen = kit.paired(ADAPTER, WIRE, kit.full_view())
    result = await adapter.lookup(kit.JANE_BY_EMAIL)
    got = kit.values(result)
    assert (got["full_name"], got["title"], got["department"]) == (
        "Jane Doe",
        "VP of Sales",
        "Sales",
    )
    assert (got["city"], got["state"], got["country"]) == (
        "San Francisco",
        "California",
        "United States",
    )
    assert (got["company_domain"], got["company_size"], got["company_industry"]) == (
        "acme-widgets.test",
        "201-500",
        "Software",
    )
    assert (got["company_founded_year"], got["company_hq_country"]) == (2012, "United States")
    assert got["company_linkedin_url"] == "https://linkedin.com/company/acme-widgets"
    assert result.fields["title"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert seen[0].path == "/v2/combined/find"


# Hunter has no word for a role address: it calls one valid.
@pytest.mark.parametrize(("verdict", "expected"), {**kit.VERDICT_STATUSES, "role": "valid"}.items())
async def test_round_trip_email_verifier(verdict: EmailVerdict, expected: str | None) -> None:
    adapter, seen = kit.paired(
        ADAPTER, WIRE, kit.full_view(verdicts={"sam@acme-widgets.test": verdict})
    )
    result = await adapter.lookup(
        Query(account_id=1).with_known({"email": "sam@acme-widgets.test"})
    )
    assert seen[0].path == "/v2/email-verifier"
    assert kit.values(result).get("email_status") == expected


async def test_round_trip_webmail_is_not_verified() -> None:
    adapter, _ = kit.paired(ADAPTER, WIRE, kit.full_view(verdicts={"sam@gmail.com": "valid"}))
    await kit.expect_miss(adapter, Query(account_id=1).with_known({"email": "sam@gmail.com"}))


async def test_round_trip_combined_find_of_nobody_is_a_miss() -> None:
    adapter, _ = kit.paired(ADAPTER, WIRE, kit.FakeView())
    await kit.expect_miss(adapter, kit.JANE_BY_EMAIL)


def _get(path: str, **query: str) -> MarketRequest:
    return MarketRequest(method="GET", path=path, query=query, headers={"x-api-key": kit.TEST_KEY})


def test_wire_reads_the_key_where_hunter_does() -> None:
    assert WIRE.key_of(_get("/v2/email-finder")) == kit.TEST_KEY
    assert (
        WIRE.key_of(MarketRequest("GET", "/v2/account", {}, {"authorization": "Bearer k1"})) == "k1"
    )
    assert WIRE.key_of(MarketRequest("GET", "/v2/account", {"api_key": "k2"}, {})) == "k2"


def test_wire_errors_and_unknown_paths() -> None:
    unknown = WIRE.handle(_get("/v2/discover"), kit.full_view())
    assert unknown.status == 404 and unknown.json["errors"][0]["code"] == 404
    missing = WIRE.handle(_get("/v2/email-finder", first_name="Jane"), kit.full_view())
    assert (missing.status, missing.json["errors"][0]["id"]) == (400, "wrong_params")
    assert WIRE.error("rate_limited", _get("/v2/email-finder")).status == 403
    assert WIRE.error("quota", _get("/v2/email-finder")).status == 429


def test_wire_domain_search_and_company_find() -> None:
    found = WIRE.handle(_get("/v2/domain-search", domain=JANE["company_domain"]), kit.full_view())
    data = found.json["data"]
    assert (data["organization"], found.json["meta"]["results"]) == ("Acme Widgets", 1)
    listed = data["emails"][0]
    assert (listed["value"], listed["confidence"]) == (JANE["email"], 92)
    assert (listed["seniority"], listed["department"], listed["position"]) == (
        "executive",
        "sales",
        "VP of Sales",
    )
    empty = WIRE.handle(_get("/v2/domain-search", domain="nobody.test"), kit.full_view())
    assert (empty.status, empty.json["data"]["emails"]) == (200, [])
    company = WIRE.handle(
        _get("/v2/companies/find", domain=JANE["company_domain"]), kit.full_view()
    )
    assert company.json["data"]["metrics"]["employees"] == "201-500"
    assert company.json["data"]["linkedin"]["handle"] == "company/acme-widgets"
    person = WIRE.handle(_get("/v2/people/find", linkedin_handle="jane-doe-42"), kit.full_view())
    assert person.json["data"]["employment"]["seniority"] == "executive"
    assert (
        WIRE.handle(_get("/v2/companies/find", domain="nobody.test"), kit.full_view()).status == 404
    )
