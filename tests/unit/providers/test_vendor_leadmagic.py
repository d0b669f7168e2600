"""LeadMagic adapter: recorded fixtures, error translation, and round trips through its wire."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.http import UNDATED_AGE
from cleanlist_server.providers.vendors.leadmagic import (
    ADAPTER,
    FINDER_STATUS,
    PROFILE_EMAIL_CONFIDENCE,
    LeadMagicProvider,
)
from cleanlist_server.sandbox.market.vendors.leadmagic import WIRE, LeadMagicWire
from cleanlist_server.sandbox.market.wire import EmailVerdict, MarketRequest, VendorWire
from tests import provider_kit as kit

PROVIDER = "leadmagic"
NAME_Q = Query(
    account_id=1, first_name="Jesse", last_name="Ouellette", company_domain="leadmagic.io"
)
LINKEDIN_Q = Query(account_id=1, linkedin_url="https://linkedin.com/in/alex-rivera")
SECRET = "lm-live-5c1e0a9b7d"
FINDER = "/v1/people/email-finder"

RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "match_linkedin_layout": True,
    "not_found": False,
    "profile_email_match": True,
    "profile_email_not_found": False,
    "bad_key": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
}
QUERIES = {"profile_email_match": LINKEDIN_Q, "profile_email_not_found": LINKEDIN_Q}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = NAME_Q
    key = SECRET
    recorded = RECORDED
    queries = QUERIES
    key_header = "x-api-key"
    unusable = kit.unusable_bodies(
        html="<!doctype html><html></html>",
        malformed='{"email": "a@b.c", "status": ',
        as_text='{"email": "a@b.c", "status": "valid"}',
        extra={"no-status": {"email": "a@b.c"}},
        method="POST",
        path=FINDER,
    )
    recorded_wait = 42.0
    wire = LeadMagicWire
    wire_query = kit.JANE_BY_NAME
    wire_wait = 2.0
    wrong_key = "wrong"


def test_the_wire_implements_the_vendor_wire_protocol() -> None:
    wire: VendorWire = WIRE
    assert wire.name == PROVIDER


def test_adapter_is_exported() -> None:
    assert ADAPTER is LeadMagicProvider
    assert ADAPTER.name == PROVIDER == WIRE.name


async def test_email_finder_match_maps_the_documented_example() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    result = await adapter.lookup(NAME_Q)
    got = kit.values(result)
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
    assert email.observed_at == kit.NOW - UNDATED_AGE  # LeadMagic has no last-seen field
    assert json.loads(calls[0].content) == {
        "first_name": "Jesse",
        "last_name": "Ouellette",
        "domain": "leadmagic.io",
    }


async def test_email_finder_older_layout_and_catch_all_confidence() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match_linkedin_layout"))
    result = await adapter.lookup(NAME_Q)
    got = kit.values(result)
    assert got["email"] == "jane.doe@example.com"
    assert got["email_status"] == "catch-all"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/example"
    assert got["company_industry"] == "Software"
    assert result.fields["email"].confidence == FINDER_STATUS["valid_catch_all"][1]


async def test_email_finder_by_company_name_when_no_domain() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    await adapter.lookup(Query(account_id=1, full_name="Jesse Ouellette", company_name="LeadMagic"))
    assert json.loads(calls[0].content) == {
        "first_name": "Jesse",
        "last_name": "Ouellette",
        "company_name": "LeadMagic",
    }


async def test_http_404_is_a_miss() -> None:
    not_found = kit.canned(
        404, {"title": "Not Found"}, "application/problem+json", method="POST", path=FINDER
    )
    adapter, _ = kit.replay(ADAPTER, not_found)
    await kit.expect_miss(adapter, NAME_Q)


async def test_an_unknown_status_is_a_miss() -> None:
    body = {"email": "x@leadmagic.io", "status": "invalid", "credits_consumed": 0}
    adapter, _ = kit.replay(ADAPTER, kit.canned(200, body, method="POST", path=FINDER))
    await kit.expect_miss(adapter, NAME_Q)


async def test_profile_to_email_match() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "profile_email_match"))
    result = await adapter.lookup(LINKEDIN_Q)
    got = kit.values(result)
    assert got["email"] == "alex.rivera@example.com"
    assert got["linkedin_url"] == "https://linkedin.com/in/alex-rivera"
    assert result.fields["email"].confidence == PROFILE_EMAIL_CONFIDENCE
    assert json.loads(calls[0].content) == {"profile_url": "https://linkedin.com/in/alex-rivera"}


async def test_the_cheaper_email_finder_wins_over_profile_to_email() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    query = Query(
        account_id=1,
        first_name="Jesse",
        last_name="Ouellette",
        company_domain="leadmagic.io",
        linkedin_url="https://linkedin.com/in/jesse",
    )
    await adapter.lookup(query)
    assert calls[0].url.path == "/v1/people/email-finder"


async def test_http_400_is_a_bad_response() -> None:
    refused = kit.canned(
        400, {"title": "Bad Request"}, "application/problem+json", method="POST", path=FINDER
    )
    adapter, _ = kit.replay(ADAPTER, refused)
    await kit.expect_error(adapter, NAME_Q, ProviderBadResponse)


async def test_profile_answer_without_email_field_is_a_bad_response() -> None:
    fixture = kit.canned(200, {"message": "ok"}, method="POST", path="/v1/people/b2b-profile-email")
    adapter, _ = kit.replay(ADAPTER, fixture)
    await kit.expect_error(adapter, LINKEDIN_Q, ProviderBadResponse)


async def test_the_key_goes_in_the_x_api_key_header() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    await adapter.lookup(NAME_Q)
    kit.assert_key_in_header(calls[0], "x-api-key")
    assert calls[0].headers["content-type"] == "application/json"


def test_accepts_a_name_with_a_company_or_a_linkedin_url() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    assert adapter.accepts(NAME_Q)
    assert adapter.accepts(LINKEDIN_Q)
    assert adapter.accepts(Query(account_id=1, full_name="Jesse Ouellette", company_name="LM"))
    assert adapter.accepts(
        Query(account_id=1, first_name="A", last_name="B", known={"company_domain": "x.com"})
    )
    assert not adapter.accepts(Query(account_id=1, email="jesse@leadmagic.io"))
    assert not adapter.accepts(Query(account_id=1, first_name="Jesse", company_domain="x.io"))


# --- round trips through the wire -----------------------------------------------------


def _view(verdict: EmailVerdict = "valid", score: float | None = None) -> kit.FakeView:
    person = kit.sample_person()
    if score is not None:
        person = replace(person, score=score)
    return kit.FakeView(
        people=[person], companies=[kit.sample_company()], verdicts={kit.JANE_EMAIL: verdict}
    )


async def test_round_trip_email_finder_recovers_the_record() -> None:
    adapter, seen = kit.paired(ADAPTER, LeadMagicWire(), _view())
    result = await adapter.lookup(kit.JANE_BY_NAME)
    got = kit.values(result)
    carried = (
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
    )
    kit.assert_carries(got, carried)
    assert got["email_status"] == "valid"
    assert seen[0].headers["x-api-key"] == kit.TEST_KEY


@pytest.mark.parametrize(("score", "status"), [(0.9, "valid_catch_all"), (0.3, "catch_all")])
async def test_round_trip_catch_all_follows_the_vendor_score(score: float, status: str) -> None:
    adapter, _ = kit.paired(ADAPTER, LeadMagicWire(), _view("catch_all", score))
    result = await adapter.lookup(kit.JANE_BY_NAME)
    assert kit.values(result)["email_status"] == "catch-all"
    assert result.fields["email"].confidence == FINDER_STATUS[status][1]


@pytest.mark.parametrize("verdict", ["invalid", "unknown", "disposable"])
async def test_round_trip_undeliverable_is_not_found(verdict: EmailVerdict) -> None:
    adapter, _ = kit.paired(ADAPTER, LeadMagicWire(), _view(verdict))
    await kit.expect_miss(adapter, kit.JANE_BY_NAME)


async def test_round_trip_profile_to_email() -> None:
    adapter, seen = kit.paired(ADAPTER, LeadMagicWire(), _view())
    result = await adapter.lookup(
        Query(account_id=1, linkedin_url="https://linkedin.com/in/jane-doe-42")
    )
    assert kit.values(result)["email"] == kit.JANE_EMAIL
    assert kit.values(result)["linkedin_url"] == "https://linkedin.com/in/jane-doe-42"
    assert seen[0].path == "/v1/people/b2b-profile-email"


async def test_round_trip_profile_of_nobody_is_a_miss() -> None:
    adapter, _ = kit.paired(ADAPTER, LeadMagicWire(), kit.FakeView())
    await kit.expect_miss(
        adapter, Query(account_id=1, linkedin_url="https://linkedin.com/in/jane-doe-42")
    )


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
        "email": kit.JANE_EMAIL,
        "profile_url": "jane-doe-42",
        "credits_consumed": 5,
        "message": "Email found.",
    }
