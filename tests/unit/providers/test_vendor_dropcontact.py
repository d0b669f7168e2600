"""Dropcontact: the asynchronous adapter against recorded answers and the market wire."""

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
    ProviderTimeout,
)
from cleanlist_server.providers.vendors.dropcontact import ADAPTER, DropcontactProvider
from cleanlist_server.sandbox.market.vendors.dropcontact import WIRE, DropcontactWire
from cleanlist_server.sandbox.market.wire import MarketRequest
from tests import provider_kit as kit

BY_NAME = Query(
    account_id=1, first_name="Denis", last_name="Dupont", company_domain="companytest.fr"
)
SECRET = "sk-dropcontact-SECRET-999"
RESULT_PATH = "/v1/enrich/all/a1b2c3d4e5"


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DropcontactProvider, "poll_interval", 0.0)


def fixtures(*cases: str) -> list[dict[str, Any]]:
    return [kit.load_fixture("dropcontact", case) for case in cases]


RECORDED: dict[str, kit.Outcome] = {
    "bad_key": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
    "error_200": ProviderBadResponse,
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = BY_NAME
    key = SECRET
    recorded = RECORDED
    chained = ("submitted", "not_ready", "match", "not_found", "unknown_request")
    key_header = "x-access-token"
    unusable = kit.unusable_bodies(
        malformed='{"error": false, "request_id": ',
        as_text='{"error": false, "request_id": "r1", "success": true}',
        extra={"no-request-id": {"error": False, "success": True}},
    )
    recorded_wait = 5.0
    wire = DropcontactWire
    wire_query = BY_NAME
    wire_wait = 1.0


# --- recorded answers ------------------------------------------------------------------


async def test_documented_flow_submits_polls_and_maps_the_row() -> None:
    adapter, calls = kit.replay(ADAPTER, fixtures("submitted", "not_ready", "match"))
    result = await adapter.lookup(BY_NAME)
    got = kit.values(result)
    assert result.matched
    assert got["email"] == "denis@companytest.com"  # nominative@pro, not the generic one
    assert got["email_status"] == "valid"
    assert (got["first_name"], got["last_name"]) == ("Denis", "Dupont")
    assert got["title"] == "Customer Success Manager"
    assert got["seniority"] == "individual_contributor"
    assert got["department"] == "Customer Success"
    assert got["company_domain"] == "companytest.fr"
    assert got["company_employee_count"] == 202 and got["company_size"] == "201-500"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/companytest"
    assert "phone" not in got  # "0707070707" is not a valid number: dropped
    assert {fv.confidence for fv in result.fields.values()} == {0.9}
    assert [(c.method, c.url.path) for c in calls] == [
        ("POST", "/v1/enrich/all"),
        ("GET", RESULT_PATH),
        ("GET", RESULT_PATH),
    ]


async def test_request_carries_the_token_header_and_documented_body() -> None:
    query = Query(account_id=1, email="denis@companytest.com").with_known(
        {"company_name": "companyTest"}
    )
    adapter, calls = kit.replay(ADAPTER, fixtures("submitted", "match"))
    await adapter.lookup(query)
    for call in calls:
        kit.assert_key_in_header(call, "x-access-token")
    assert json.loads(calls[0].content) == {
        "data": [{"email": "denis@companytest.com", "company": "companyTest"}],
        "siren": False,
        "language": "en",
    }


@pytest.mark.parametrize("result_case", ["not_found", "unknown_request"])
async def test_contact_returned_as_sent_or_unknown_request_is_a_miss(result_case: str) -> None:
    adapter, _ = kit.replay(ADAPTER, fixtures("submitted", result_case))
    await kit.expect_miss(adapter, BY_NAME)


async def test_gives_up_with_a_timeout_after_max_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DropcontactProvider, "max_polls", 3)
    adapter, calls = kit.replay(ADAPTER, fixtures("submitted", "not_ready"))
    await kit.expect_error(adapter, BY_NAME, ProviderTimeout)
    assert len(calls) == 1 + 3


def test_accepts_an_email_a_linkedin_url_or_a_name_with_a_company() -> None:
    adapter, _ = kit.replay(ADAPTER, fixtures("submitted"))
    assert adapter.accepts(BY_NAME)
    assert adapter.accepts(Query(account_id=1, email="a@b.com"))
    assert adapter.accepts(Query(account_id=1).with_known({"linkedin_url": "https://x"}))
    assert not adapter.accepts(Query(account_id=1, full_name="Denis Dupont"))


# --- through the market wire -----------------------------------------------------------


async def test_round_trip_recovers_what_dropcontact_carries() -> None:
    adapter, seen = kit.paired(ADAPTER, DropcontactWire(), kit.full_view())
    result = await adapter.lookup(kit.JANE_BY_EMAIL)
    got = kit.values(result)
    assert got["email"] == "jane.doe@acme-widgets.test" and got["email_status"] == "valid"
    assert (got["full_name"], got["title"], got["seniority"]) == ("Jane Doe", "VP of Sales", "vp")
    assert got["linkedin_url"] == "https://linkedin.com/in/jane-doe-42"
    assert got["phone"] == "+14155550142"
    assert got["company_name"] == "Acme Widgets"
    assert got["company_domain"] == "acme-widgets.test"
    assert got["company_employee_count"] == 320
    assert got["company_linkedin_url"] == "https://linkedin.com/company/acme-widgets"
    assert [m.method for m in seen] == ["POST", "GET", "GET"]  # first poll: not ready


async def test_round_trip_catch_all_and_personal_addresses() -> None:
    view = kit.full_view(email_status="catch-all", personal_email="jane@gmail.com")
    adapter, _ = kit.paired(ADAPTER, WIRE, view)
    result = await adapter.lookup(kit.JANE_BY_COMPANY)
    got = kit.values(result)
    assert got["email_status"] == "catch-all"
    assert got["personal_email"] == "jane@gmail.com"
    assert result.fields["email"].confidence == 0.6  # catch_all@pro: the work address's


def test_wire_keeps_pending_batches_and_answers_in_its_style() -> None:
    wire, view = DropcontactWire(), kit.full_view()
    assert wire.key_of(MarketRequest("POST", "/", {}, {"x-access-token": "k1"})) == "k1"
    body = json.dumps({"data": [{"email": "jane.doe@acme-widgets.test"}, {"email": "x@y.z"}]})
    submitted = wire.handle(MarketRequest("POST", "/v1/enrich/all", {}, {}, body.encode()), view)
    request_id = submitted.json["request_id"]
    poll = MarketRequest("GET", f"/v1/enrich/all/{request_id}", {}, {})
    assert wire.handle(poll, view).json["success"] is False
    ready = wire.handle(poll, view).json
    assert ready["success"] is True
    assert ready["data"][0]["email"][0]["qualification"] == "nominative@pro"
    assert ready["data"][1] == {"email": "x@y.z"}  # unknown: returned as sent
    unknown = wire.handle(MarketRequest("GET", "/v1/enrich/all/nope", {}, {}), view)
    assert unknown.status == 404 and unknown.json["error"] is True
    empty = wire.handle(MarketRequest("POST", "/v1/enrich/all", {}, {}, b'{"data": []}'), view)
    assert empty.status == 400
    assert wire.handle(MarketRequest("GET", "/v2/other", {}, {}), view).status == 404
