"""Hunter: the adapter against recorded answers, and against the market's Hunter wire."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

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
from cleanlist_server.providers.vendors._group_a import VERDICT_CONFIDENCE
from cleanlist_server.providers.vendors.hunter import ADAPTER, FUZZY_CONFIDENCE, PROFILE_CONFIDENCE
from cleanlist_server.sandbox.market.vendors.hunter import WIRE
from cleanlist_server.sandbox.market.wire import (
    EmailVerdict,
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorView,
)
from tests.provider_kit import (
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

BY_NAME = Query(account_id=1, first_name="Alexis", last_name="Ohanian", company_domain="reddit.com")
BY_EMAIL = Query(account_id=1, email="matt@hunter.io")
FOUND_EMAIL = Query(account_id=1, linkedin_url="https://linkedin.com/in/patrick").with_known(
    {"email": "patrick@stripe.com"}
)
JANE = sample_person().fields

CASES: dict[str, tuple[Query, bool | type[Exception]]] = {
    "match": (BY_NAME, True),
    "match_combined": (BY_EMAIL, True),
    "match_verifier": (FOUND_EMAIL, True),
    "finder_no_email": (BY_NAME, False),
    "not_found": (BY_EMAIL, False),
    "claimed_email": (BY_EMAIL, False),
    "bad_key": (BY_NAME, ProviderAuthError),
    "rate_limited": (BY_NAME, ProviderRateLimited),
    "out_of_credits": (BY_NAME, ProviderQuotaExceeded),
    "bad_params": (BY_NAME, ProviderBadResponse),
    "verification_pending": (FOUND_EMAIL, ProviderUnavailable),
}
BAD_BODIES = {
    "html": ("text/html", "<html><body>Bad gateway</body></html>"),
    "empty": ("application/json", ""),
    "malformed": ("application/json", '{"data": {'),
    "wrong_type": ("text/plain", '{"data": {}}'),
}


def test_every_fixture_is_replayed() -> None:
    assert set(all_cases("hunter")) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
async def test_replay(case: str) -> None:
    query, outcome = CASES[case]
    adapter, calls = replay(ADAPTER, load_fixture("hunter", case))  # checks the endpoint chosen
    if isinstance(outcome, bool):
        assert (await adapter.lookup(query)).matched is outcome
    else:
        with pytest.raises(outcome) as caught:
            await adapter.lookup(query)
        assert TEST_KEY not in str(caught.value)
    assert calls[0].headers["x-api-key"] == TEST_KEY
    assert TEST_KEY not in str(calls[0].url)
    assert len(calls) == 1


async def test_email_finder_example() -> None:
    adapter, calls = replay(ADAPTER, load_fixture("hunter", "match"))
    result = await adapter.lookup(BY_NAME)
    got = values(result)
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
    adapter, calls = replay(ADAPTER, load_fixture("hunter", "match_combined"))
    result = await adapter.lookup(BY_EMAIL)
    got = values(result)
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
    fixture = copy.deepcopy(load_fixture("hunter", "match_combined"))
    fixture["response"]["body"]["data"]["person"]["fuzzy"] = True
    adapter, _ = replay(ADAPTER, fixture)
    assert (await adapter.lookup(BY_EMAIL)).fields["title"].confidence == FUZZY_CONFIDENCE


async def test_a_linkedin_url_looks_up_the_handle() -> None:
    adapter, calls = replay(ADAPTER, load_fixture("hunter", "finder_no_email"))
    await adapter.lookup(Query(account_id=1, linkedin_url="https://linkedin.com/in/jane-doe-42"))
    assert dict(calls[0].url.params) == {"linkedin_handle": "jane-doe-42"}
    legacy = Query(account_id=1, linkedin_url="https://linkedin.com/pub/jane-doe/1/2/3")
    assert not (await adapter.lookup(legacy)).matched
    assert len(calls) == 1  # no handle to send: nothing asked


def _verifier(**data: Any) -> dict[str, Any]:
    fixture = copy.deepcopy(load_fixture("hunter", "match_verifier"))
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
    adapter, _ = replay(ADAPTER, _verifier(**data))
    result = await adapter.lookup(FOUND_EMAIL)
    if expected is None:
        assert not result.matched and result.fields == {}
        return
    assert values(result)["email_status"] == expected
    assert result.fields["email_status"].confidence == VERDICT_CONFIDENCE


async def test_hunter_status_meanings() -> None:
    adapter, _ = replay(ADAPTER, load_fixture("hunter", "rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(BY_NAME)
    assert caught.value.retry_after is None  # 403: Hunter sends no Retry-After


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
async def test_unreadable_bodies_are_bad_responses(kind: str) -> None:
    content_type, body = BAD_BODIES[kind]
    answer = {"status": 200, "headers": {"content-type": content_type}, "body": body}
    adapter, _ = replay(ADAPTER, {"response": answer})
    with pytest.raises(ProviderBadResponse) as caught:
        await adapter.lookup(BY_NAME)
    assert TEST_KEY not in str(caught.value)


def test_accepts_documented_lookup_inputs() -> None:
    adapter, _ = replay(ADAPTER, load_fixture("hunter", "not_found"))
    by_company = Query(account_id=1, full_name="Jane Doe", company_name="Acme Widgets")
    linkedin = Query(account_id=1, linkedin_url=JANE["linkedin_url"])
    assert all(adapter.accepts(q) for q in (BY_NAME, BY_EMAIL, FOUND_EMAIL, by_company, linkedin))
    assert not adapter.accepts(Query(account_id=1, first_name="Jane", last_name="Doe"))


# --- through the market wire ------------------------------------------------------


def _view(verdicts: dict[str, EmailVerdict] | None = None) -> FakeView:
    return FakeView(people=[sample_person()], companies=[sample_company()], verdicts=verdicts or {})


JANE_BY_NAME = Query(
    account_id=1, first_name="Jane", last_name="Doe", company_domain=JANE["company_domain"]
)


@pytest.mark.parametrize(
    "query", [JANE_BY_NAME, Query(account_id=1, linkedin_url=JANE["linkedin_url"])]
)
async def test_round_trip_email_finder(query: Query) -> None:
    adapter, seen = paired(ADAPTER, WIRE, _view({JANE["email"]: "catch_all"}))
    result = await adapter.lookup(query)
    got = values(result)
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
    adapter, seen = paired(ADAPTER, WIRE, _view())
    result = await adapter.lookup(Query(account_id=1, email=JANE["email"]))
    got = values(result)
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


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        ("valid", "valid"),
        ("catch_all", "catch-all"),
        ("invalid", "invalid"),
        ("disposable", "disposable"),
        ("unknown", None),
    ],
)
async def test_round_trip_email_verifier(verdict: EmailVerdict, expected: str | None) -> None:
    adapter, seen = paired(ADAPTER, WIRE, _view({"sam@acme-widgets.test": verdict}))
    result = await adapter.lookup(
        Query(account_id=1).with_known({"email": "sam@acme-widgets.test"})
    )
    assert seen[0].path == "/v2/email-verifier"
    assert values(result).get("email_status") == expected


async def test_round_trip_webmail_is_not_verified() -> None:
    adapter, _ = paired(ADAPTER, WIRE, _view({"sam@gmail.com": "valid"}))
    assert not (
        await adapter.lookup(Query(account_id=1).with_known({"email": "sam@gmail.com"}))
    ).matched


@pytest.mark.parametrize("query", [JANE_BY_NAME, Query(account_id=1, email=JANE["email"])])
async def test_round_trip_empty_view_is_a_miss(query: Query) -> None:
    adapter, _ = paired(ADAPTER, WIRE, FakeView())
    result = await adapter.lookup(query)
    assert not result.matched and result.fields == {}


@dataclass
class Failing:
    """The Hunter wire answering every request with one of its errors."""

    kind: ErrorKind
    name: str = "hunter"

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
        await adapter.lookup(JANE_BY_NAME)
    assert TEST_KEY not in str(caught.value)


async def test_a_wrong_key_is_refused() -> None:
    adapter, _ = paired(ADAPTER, WIRE, _view())
    adapter.settings = replace(adapter.settings, key="wrong-key")
    with pytest.raises(ProviderAuthError):
        await adapter.lookup(JANE_BY_NAME)


def _get(path: str, **query: str) -> MarketRequest:
    return MarketRequest(method="GET", path=path, query=query, headers={"x-api-key": TEST_KEY})


def test_wire_reads_the_key_where_hunter_does() -> None:
    assert WIRE.key_of(_get("/v2/email-finder")) == TEST_KEY
    assert (
        WIRE.key_of(MarketRequest("GET", "/v2/account", {}, {"authorization": "Bearer k1"})) == "k1"
    )
    assert WIRE.key_of(MarketRequest("GET", "/v2/account", {"api_key": "k2"}, {})) == "k2"


def test_wire_errors_and_unknown_paths() -> None:
    unknown = WIRE.handle(_get("/v2/discover"), _view())
    assert unknown.status == 404 and unknown.json["errors"][0]["code"] == 404
    missing = WIRE.handle(_get("/v2/email-finder", first_name="Jane"), _view())
    assert (missing.status, missing.json["errors"][0]["id"]) == (400, "wrong_params")
    assert WIRE.error("rate_limited", _get("/v2/email-finder")).status == 403
    assert WIRE.error("quota", _get("/v2/email-finder")).status == 429


def test_wire_domain_search_and_company_find() -> None:
    found = WIRE.handle(_get("/v2/domain-search", domain=JANE["company_domain"]), _view())
    data = found.json["data"]
    assert (data["organization"], found.json["meta"]["results"]) == ("Acme Widgets", 1)
    listed = data["emails"][0]
    assert (listed["value"], listed["confidence"]) == (JANE["email"], 92)
    assert (listed["seniority"], listed["department"], listed["position"]) == (
        "executive",
        "sales",
        "VP of Sales",
    )
    empty = WIRE.handle(_get("/v2/domain-search", domain="nobody.test"), _view())
    assert (empty.status, empty.json["data"]["emails"]) == (200, [])
    company = WIRE.handle(_get("/v2/companies/find", domain=JANE["company_domain"]), _view())
    assert company.json["data"]["metrics"]["employees"] == "201-500"
    assert company.json["data"]["linkedin"]["handle"] == "company/acme-widgets"
    person = WIRE.handle(_get("/v2/people/find", linkedin_handle="jane-doe-42"), _view())
    assert person.json["data"]["employment"]["seniority"] == "executive"
    assert WIRE.handle(_get("/v2/companies/find", domain="nobody.test"), _view()).status == 404
