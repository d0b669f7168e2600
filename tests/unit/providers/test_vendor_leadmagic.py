"""LeadMagic adapter: recorded fixtures, error translation, and round trips through its wire."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

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
from cleanlist_server.providers.http import UNDATED_AGE
from cleanlist_server.providers.vendors.leadmagic import (
    ADAPTER,
    FINDER_STATUS,
    PROFILE_EMAIL_CONFIDENCE,
    LeadMagicProvider,
)
from cleanlist_server.sandbox.market.vendors.leadmagic import WIRE, LeadMagicWire
from cleanlist_server.sandbox.market.wire import (
    EmailVerdict,
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorWire,
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
    settings_for,
    values,
)

PROVIDER = "leadmagic"
NAME_Q = Query(
    account_id=1, first_name="Jesse", last_name="Ouellette", company_domain="leadmagic.io"
)
LINKEDIN_Q = Query(account_id=1, linkedin_url="https://linkedin.com/in/alex-rivera")
JANE = "jane.doe@acme-widgets.test"


def _query_for(fixture: dict[str, Any]) -> Query:
    return LINKEDIN_Q if fixture["request"]["path"] == "/v1/people/b2b-profile-email" else NAME_Q


def _fixture(status: int, body: Any, content_type: str | None = None) -> dict[str, Any]:
    headers = {"content-type": content_type} if content_type else {}
    return {
        "request": {"method": "POST", "path": "/v1/people/email-finder"},
        "response": {"status": status, "headers": headers, "body": body},
    }


def test_the_wire_implements_the_vendor_wire_protocol() -> None:
    wire: VendorWire = WIRE
    assert wire.name == PROVIDER


def test_adapter_is_exported() -> None:
    assert ADAPTER is LeadMagicProvider
    assert ADAPTER.name == PROVIDER == WIRE.name


@pytest.mark.parametrize("case", all_cases(PROVIDER))
async def test_every_fixture_replays_to_a_result_or_a_typed_error(case: str) -> None:
    fixture = load_fixture(PROVIDER, case)
    assert fixture["source"].startswith("https://")
    adapter, calls = replay(ADAPTER, fixture)
    try:
        result = await adapter.lookup(_query_for(fixture))
    except ProviderError:
        pass
    else:
        assert result.provider == PROVIDER
    assert len(calls) == 1


async def test_email_finder_match_maps_the_documented_example() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    result = await adapter.lookup(NAME_Q)
    got = values(result)
    assert got["email"] == "jesse@leadmagic.io"
    assert got["email_status"] == "valid"
    assert got["first_name"] == "Jesse" and got["last_name"] == "Ouellette"
    assert got["company_domain"] == "leadmagic.io"
    assert got["company_name"] == "Leadmagic"
    assert got["company_size"] == "11-50"
    assert got["company_founded_year"] == 2022
    assert got["company_type"] == "private"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/leadmagichq"
    assert got["company_hq_city"] == "Boston"
    assert got["company_hq_country"] == "United States"
    assert "company_industry" not in got  # documented as ""
    email = result.fields["email"]
    assert email.confidence == FINDER_STATUS["valid"][1]
    assert email.observed_at == NOW - UNDATED_AGE  # LeadMagic has no last-seen field
    assert json.loads(calls[0].content) == {
        "first_name": "Jesse",
        "last_name": "Ouellette",
        "domain": "leadmagic.io",
    }


async def test_email_finder_older_layout_and_catch_all_confidence() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "match_linkedin_layout"))
    result = await adapter.lookup(NAME_Q)
    got = values(result)
    assert got["email"] == "jane.doe@example.com"
    assert got["email_status"] == "catch-all"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/example"
    assert got["company_industry"] == "Software"
    assert result.fields["email"].confidence == FINDER_STATUS["valid_catch_all"][1]


async def test_email_finder_by_company_name_when_no_domain() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    await adapter.lookup(Query(account_id=1, full_name="Jesse Ouellette", company_name="LeadMagic"))
    assert json.loads(calls[0].content) == {
        "first_name": "Jesse",
        "last_name": "Ouellette",
        "company_name": "LeadMagic",
    }


async def test_status_not_found_is_a_miss() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "not_found"))
    assert await adapter.lookup(NAME_Q) == ProviderResult.miss(PROVIDER)


async def test_http_404_is_a_miss() -> None:
    adapter, _ = replay(ADAPTER, _fixture(404, {"title": "Not Found"}, "application/problem+json"))
    assert not (await adapter.lookup(NAME_Q)).matched


async def test_an_unknown_status_is_a_miss() -> None:
    body = {"email": "x@leadmagic.io", "status": "invalid", "credits_consumed": 0}
    adapter, _ = replay(ADAPTER, _fixture(200, body))
    assert not (await adapter.lookup(NAME_Q)).matched


async def test_profile_to_email_match() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "profile_email_match"))
    result = await adapter.lookup(LINKEDIN_Q)
    got = values(result)
    assert got["email"] == "alex.rivera@example.com"
    assert got["linkedin_url"] == "https://linkedin.com/in/alex-rivera"
    assert result.fields["email"].confidence == PROFILE_EMAIL_CONFIDENCE
    assert json.loads(calls[0].content) == {"profile_url": "https://linkedin.com/in/alex-rivera"}


async def test_profile_to_email_not_found_is_a_miss() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "profile_email_not_found"))
    assert await adapter.lookup(LINKEDIN_Q) == ProviderResult.miss(PROVIDER)


async def test_the_cheaper_email_finder_wins_over_profile_to_email() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    query = Query(
        account_id=1,
        first_name="Jesse",
        last_name="Ouellette",
        company_domain="leadmagic.io",
        linkedin_url="https://linkedin.com/in/jesse",
    )
    await adapter.lookup(query)
    assert calls[0].url.path == "/v1/people/email-finder"


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("bad_key", ProviderAuthError),
        ("out_of_credits", ProviderQuotaExceeded),
        ("rate_limited", ProviderRateLimited),
    ],
)
async def test_errors_are_typed(case: str, error: type[ProviderError]) -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, case))
    with pytest.raises(error):
        await adapter.lookup(NAME_Q)


async def test_rate_limited_carries_retry_after() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(NAME_Q)
    assert caught.value.retry_after == 42.0


@pytest.mark.parametrize(
    "fixture",
    [
        _fixture(200, "<!doctype html><html></html>", "text/html"),
        _fixture(200, ""),
        _fixture(200, '{"email": "a@b.c", "status": ', "application/json"),
        _fixture(200, '{"email": "a@b.c", "status": "valid"}', "text/plain"),
        _fixture(200, {"email": "a@b.c"}),
        _fixture(200, [1, 2]),
        _fixture(400, {"title": "Bad Request"}, "application/problem+json"),
    ],
    ids=["html", "empty", "malformed", "wrong-type", "no-status", "list", "400"],
)
async def test_bad_bodies_are_bad_responses(fixture: dict[str, Any]) -> None:
    adapter, _ = replay(ADAPTER, fixture)
    with pytest.raises(ProviderBadResponse):
        await adapter.lookup(NAME_Q)


async def test_profile_answer_without_email_field_is_a_bad_response() -> None:
    fixture = {
        "request": {"method": "POST", "path": "/v1/people/b2b-profile-email"},
        "response": {"status": 200, "body": {"message": "ok"}},
    }
    adapter, _ = replay(ADAPTER, fixture)
    with pytest.raises(ProviderBadResponse):
        await adapter.lookup(LINKEDIN_Q)


@pytest.mark.parametrize("case", ["bad_key", "out_of_credits", "rate_limited"])
async def test_the_key_never_appears_in_errors(case: str) -> None:
    key = "lm-live-5c1e0a9b7d"
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, case), key=key)
    with pytest.raises(ProviderError) as caught:
        await adapter.lookup(NAME_Q)
    assert key not in str(caught.value)


async def test_the_key_goes_in_the_x_api_key_header() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    await adapter.lookup(NAME_Q)
    assert calls[0].headers["x-api-key"] == TEST_KEY
    assert calls[0].headers["content-type"] == "application/json"
    assert TEST_KEY not in str(calls[0].url) and TEST_KEY.encode() not in calls[0].content


def test_accepts_a_name_with_a_company_or_a_linkedin_url() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    assert adapter.accepts(NAME_Q)
    assert adapter.accepts(LINKEDIN_Q)
    assert adapter.accepts(Query(account_id=1, full_name="Jesse Ouellette", company_name="LM"))
    assert adapter.accepts(
        Query(account_id=1, first_name="A", last_name="B", known={"company_domain": "x.com"})
    )
    assert not adapter.accepts(Query(account_id=1, email="jesse@leadmagic.io"))
    assert not adapter.accepts(Query(account_id=1, first_name="Jesse", company_domain="x.io"))


# --- round trips through the wire -----------------------------------------------------


def _view(verdict: EmailVerdict = "valid", score: float | None = None) -> FakeView:
    person = sample_person()
    if score is not None:
        person = replace(person, score=score)
    return FakeView(people=[person], companies=[sample_company()], verdicts={JANE: verdict})


def _expected() -> dict[str, Any]:
    normalized = normalize_fields(sample_person().fields)
    return {**normalized.person, **normalized.company}


JANE_Q = Query(account_id=1, first_name="Jane", last_name="Doe", company_domain="acme-widgets.test")


async def test_round_trip_email_finder_recovers_the_record() -> None:
    adapter, seen = paired(ADAPTER, LeadMagicWire(), _view())
    result = await adapter.lookup(JANE_Q)
    got, expected = values(result), _expected()
    for name in (
        "email",
        "first_name",
        "last_name",
        "company_name",
        "company_domain",
        "company_industry",
        "company_size",
        "company_founded_year",
        "company_linkedin_url",
        "company_hq_city",
        "company_hq_country",
    ):
        assert got.get(name) == expected[name], name
    assert got["email_status"] == "valid"
    assert seen[0].headers["x-api-key"] == TEST_KEY


@pytest.mark.parametrize(("score", "status"), [(0.9, "valid_catch_all"), (0.3, "catch_all")])
async def test_round_trip_catch_all_follows_the_vendor_score(score: float, status: str) -> None:
    adapter, _ = paired(ADAPTER, LeadMagicWire(), _view("catch_all", score))
    result = await adapter.lookup(JANE_Q)
    assert values(result)["email_status"] == "catch-all"
    assert result.fields["email"].confidence == FINDER_STATUS[status][1]


@pytest.mark.parametrize("verdict", ["invalid", "unknown", "disposable"])
async def test_round_trip_undeliverable_is_not_found(verdict: EmailVerdict) -> None:
    adapter, _ = paired(ADAPTER, LeadMagicWire(), _view(verdict))
    assert not (await adapter.lookup(JANE_Q)).matched


async def test_round_trip_profile_to_email() -> None:
    adapter, seen = paired(ADAPTER, LeadMagicWire(), _view())
    result = await adapter.lookup(
        Query(account_id=1, linkedin_url="https://linkedin.com/in/jane-doe-42")
    )
    assert values(result)["email"] == JANE
    assert values(result)["linkedin_url"] == "https://linkedin.com/in/jane-doe-42"
    assert seen[0].path == "/v1/people/b2b-profile-email"


@pytest.mark.parametrize(
    "query",
    [JANE_Q, Query(account_id=1, linkedin_url="https://linkedin.com/in/jane-doe-42")],
    ids=["finder", "profile"],
)
async def test_round_trip_empty_view_is_a_miss(query: Query) -> None:
    adapter, _ = paired(ADAPTER, LeadMagicWire(), FakeView())
    assert await adapter.lookup(query) == ProviderResult.miss(PROVIDER)


async def test_round_trip_wrong_key_is_an_auth_error() -> None:
    adapter, _ = paired(ADAPTER, LeadMagicWire(), _view())
    adapter.settings = settings_for(PROVIDER, key="wrong")
    with pytest.raises(ProviderAuthError):
        await adapter.lookup(JANE_Q)


def _http(answer: MarketResponse) -> httpx.Response:
    headers = dict(answer.headers)
    if answer.json is not None:
        headers.setdefault("content-type", "application/json")
        return httpx.Response(answer.status, headers=headers, content=json.dumps(answer.json))
    headers.setdefault("content-type", answer.content_type or "text/plain")
    return httpx.Response(answer.status, headers=headers, content=(answer.text or "").encode())


def _failing(kind: ErrorKind) -> LeadMagicProvider:
    def handler(request: httpx.Request) -> httpx.Response:
        market = MarketRequest(
            method=request.method,
            path=request.url.path,
            query=dict(request.url.params),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.content,
        )
        return _http(WIRE.error(kind, market))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return LeadMagicProvider(settings_for(PROVIDER), client, clock=lambda: NOW)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("auth", ProviderAuthError),
        ("quota", ProviderQuotaExceeded),
        ("rate_limited", ProviderRateLimited),
        ("server", ProviderUnavailable),
    ],
)
async def test_wire_errors_become_typed_errors(kind: ErrorKind, error: type[ProviderError]) -> None:
    with pytest.raises(error) as caught:
        await _failing(kind).lookup(JANE_Q)
    if isinstance(caught.value, ProviderRateLimited):
        assert caught.value.retry_after == 2.0


def _market(path: str, body: Any, **headers: str) -> MarketRequest:
    heads = {"content-type": "application/json", **headers}
    return MarketRequest("POST", path, {}, heads, json.dumps(body).encode())


def test_wire_key_header_or_bearer() -> None:
    assert WIRE.key_of(_market("/v1/people/email-finder", {}, **{"x-api-key": "k1"})) == "k1"
    assert WIRE.key_of(_market("/v1/people/email-finder", {}, authorization="Bearer k2")) == "k2"
    assert WIRE.key_of(_market("/v1/people/email-finder", {})) is None


def test_wire_problem_details_and_requests() -> None:
    unknown = WIRE.handle(_market("/v1/people/nothing", {}), _view())
    assert unknown.status == 404 and unknown.content_type == "application/problem+json"
    problem = json.loads(unknown.text or "")
    assert problem["status"] == 404 and problem["title"] == "Not Found"
    no_company = WIRE.handle(
        _market("/v1/people/email-finder", {"first_name": "Jane", "last_name": "Doe"}), _view()
    )
    assert no_company.status == 400
    older = WIRE.handle(
        _market("/email-finder", {"full_name": "Jane Doe", "company_name": "Acme Widgets"}), _view()
    )
    assert older.json is not None and older.json["status"] == "valid"
    assert older.json["company_profile_url"] == "acme-widgets"
    assert older.json["company_location"]["locality"] == "san francisco"
    by_slug = WIRE.handle(
        _market("/v1/people/b2b-profile-email", {"profile_url": "jane-doe-42"}), _view()
    )
    assert by_slug.json == {
        "email": JANE,
        "profile_url": "jane-doe-42",
        "credits_consumed": 5,
        "message": "Email found.",
    }
