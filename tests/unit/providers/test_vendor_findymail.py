"""Findymail: the adapter against recorded answers and against the market wire."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.vendors.findymail import ADAPTER, VERIFIED_CONFIDENCE
from cleanlist_server.sandbox.market.vendors.findymail import WIRE, FindymailWire
from cleanlist_server.sandbox.market.wire import MarketRequest
from tests import provider_kit as kit

BY_NAME = Query(account_id=1, first_name="John", last_name="Doe", company_domain="example.com")
BY_LINKEDIN = Query(account_id=1, linkedin_url="https://www.linkedin.com/in/johndoe")
SECRET = "sk-findymail-SECRET-999"


def fixture(case: str) -> dict[str, Any]:
    return kit.load_fixture("findymail", case)


RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "match_linkedin": True,
    "not_found": False,
    "empty_contact": False,
    "bad_key": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "out_of_credits_402": ProviderQuotaExceeded,
    "error_200": ProviderBadResponse,
    "rate_limited": ProviderRateLimited,
}
QUERIES = {"match_linkedin": BY_LINKEDIN}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = BY_NAME
    key = SECRET
    recorded = RECORDED
    queries = QUERIES
    key_header = "authorization"
    key_scheme = "Bearer "
    unusable = kit.unusable_bodies(
        malformed='{"contact": {"email": ', as_text='{"contact": {"email": "a@b.com"}}'
    )
    recorded_wait = 7.0
    wire = FindymailWire
    wire_query = BY_LINKEDIN
    wire_wait = 1.0


# --- recorded answers ------------------------------------------------------------------


async def test_name_search_maps_the_contact() -> None:
    adapter, calls = kit.replay(ADAPTER, fixture("match"))
    result = await adapter.lookup(BY_NAME)
    assert result.matched
    assert kit.values(result) == {
        "email": "john.doe@example.com",
        "email_status": "valid",
        "email_free_provider": False,
        "first_name": "John",
        "last_name": "Doe",
        "full_name": "John Doe",
        "company_domain": "example.com",
        "company_website": "https://example.com",
    }
    assert {fv.confidence for fv in result.fields.values()} == {VERIFIED_CONFIDENCE}
    (request,) = calls
    kit.assert_key_in_header(request, "authorization", scheme="Bearer ")
    assert json.loads(request.content) == {"name": "John Doe", "domain": "example.com"}


async def test_linkedin_search_is_preferred_when_a_profile_is_known() -> None:
    query = Query(account_id=1, full_name="John Doe", company_name="Example Inc").with_known(
        {"linkedin_url": "https://www.linkedin.com/in/johndoe"}
    )
    adapter, calls = kit.replay(ADAPTER, fixture("match_linkedin"))
    got = kit.values(await adapter.lookup(query))
    assert got["email"] == "john.doe@example.com"
    assert json.loads(calls[0].content) == {"linkedin_url": "https://www.linkedin.com/in/johndoe"}


async def test_company_name_is_sent_as_the_domain_when_no_domain_is_known() -> None:
    adapter, calls = kit.replay(ADAPTER, fixture("not_found"))
    await adapter.lookup(Query(account_id=1, full_name="John Doe", company_name="Example Inc"))
    assert json.loads(calls[0].content) == {"name": "John Doe", "domain": "Example Inc"}


def test_accepts_a_linkedin_url_or_a_name_with_a_company_when_no_email_is_given() -> None:
    adapter, _ = kit.replay(ADAPTER, fixture("not_found"))
    assert adapter.accepts(BY_NAME)
    assert adapter.accepts(BY_LINKEDIN)
    assert adapter.accepts(Query(account_id=1, full_name="Jo Do", company_name="Acme"))
    assert not adapter.accepts(Query(account_id=1, email="jo@acme.com", linkedin_url="x"))
    assert not adapter.accepts(Query(account_id=1, first_name="Jo", last_name="Do"))


# --- through the market wire -----------------------------------------------------------


@pytest.mark.parametrize("query", [kit.JANE_BY_LINKEDIN, kit.JANE_BY_NAME, kit.JANE_BY_COMPANY])
async def test_round_trip_recovers_the_verified_email(query: Query) -> None:
    adapter, seen = kit.paired(ADAPTER, WIRE, kit.full_view())
    result = await adapter.lookup(query)
    got = kit.values(result)
    assert got["email"] == "jane.doe@acme-widgets.test"
    assert got["email_status"] == "valid"
    assert (got["first_name"], got["last_name"]) == ("Jane", "Doe")
    assert got["company_domain"] == "acme-widgets.test"
    assert seen[0].headers["authorization"] == f"Bearer {kit.TEST_KEY}"


async def test_round_trip_unverified_person_is_a_miss() -> None:
    adapter, _ = kit.paired(ADAPTER, WIRE, kit.full_view(email_status="catch-all"))
    await kit.expect_miss(adapter, BY_LINKEDIN)


def test_wire_key_verifier_and_unknown_paths() -> None:
    assert WIRE.key_of(MarketRequest("POST", "/", {}, {"authorization": "Bearer k1"})) == "k1"
    assert WIRE.key_of(MarketRequest("POST", "/", {}, {"authorization": "Basic k1"})) is None
    view = kit.FakeView(verdicts={"a@acme.test": "valid"})
    body = json.dumps({"email": "a@acme.test"}).encode()
    answer = WIRE.handle(MarketRequest("POST", "/api/verify", {}, {}, body), view)
    assert answer.json == {"email": "a@acme.test", "verified": True}
    missing = WIRE.handle(MarketRequest("POST", "/api/nope", {}, {}), view)
    assert missing.status == 404 and "error" in missing.json
