"""Dropcontact: the asynchronous adapter against recorded answers and the market wire."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
    ProviderTimeout,
)
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.http import HttpProvider
from cleanlist_server.providers.vendors.dropcontact import ADAPTER, DropcontactProvider
from cleanlist_server.sandbox.market.vendors.dropcontact import WIRE, DropcontactWire
from cleanlist_server.sandbox.market.wire import ErrorKind, MarketRequest
from tests.provider_kit import (
    NOW,
    TEST_KEY,
    FakeView,
    load_fixture,
    paired,
    replay,
    sample_company,
    sample_person,
    settings_for,
    values,
)

BY_NAME = Query(
    account_id=1, first_name="Denis", last_name="Dupont", company_domain="companytest.fr"
)
SECRET = "sk-dropcontact-SECRET-999"
RESULT_PATH = "/v1/enrich/all/a1b2c3d4e5"


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DropcontactProvider, "poll_interval", 0.0)


def fixtures(*cases: str) -> list[dict[str, Any]]:
    return [load_fixture("dropcontact", case) for case in cases]


def full_view(**overrides: Any) -> FakeView:
    return FakeView(people=[sample_person(**overrides)], companies=[sample_company()])


# --- recorded answers ------------------------------------------------------------------


async def test_documented_flow_submits_polls_and_maps_the_row() -> None:
    adapter, calls = replay(ADAPTER, fixtures("submitted", "not_ready", "match"))
    result = await adapter.lookup(BY_NAME)
    got = values(result)
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
    adapter, calls = replay(ADAPTER, fixtures("submitted", "match"))
    await adapter.lookup(query)
    assert all(c.headers["x-access-token"] == TEST_KEY for c in calls)
    assert all(TEST_KEY not in str(c.url) for c in calls)
    assert json.loads(calls[0].content) == {
        "data": [{"email": "denis@companytest.com", "company": "companyTest"}],
        "siren": False,
        "language": "en",
    }


@pytest.mark.parametrize("result_case", ["not_found", "unknown_request"])
async def test_contact_returned_as_sent_or_unknown_request_is_a_miss(result_case: str) -> None:
    adapter, _ = replay(ADAPTER, fixtures("submitted", result_case))
    result = await adapter.lookup(BY_NAME)
    assert not result.matched and result.fields == {}


async def test_gives_up_with_a_timeout_after_max_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DropcontactProvider, "max_polls", 3)
    adapter, calls = replay(ADAPTER, fixtures("submitted", "not_ready"))
    with pytest.raises(ProviderTimeout):
        await adapter.lookup(BY_NAME)
    assert len(calls) == 1 + 3


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("bad_key", ProviderAuthError),
        ("out_of_credits", ProviderQuotaExceeded),
        ("rate_limited", ProviderRateLimited),
        ("error_200", ProviderBadResponse),
    ],
)
async def test_errors_are_typed_and_never_show_the_key(
    case: str, error: type[ProviderError]
) -> None:
    adapter, _ = replay(ADAPTER, fixtures(case), key=SECRET)
    with pytest.raises(error) as caught:
        await adapter.lookup(BY_NAME)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


async def test_rate_limit_carries_retry_after() -> None:
    adapter, _ = replay(ADAPTER, fixtures("rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(BY_NAME)
    assert caught.value.retry_after == 5.0


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html", "<html><body>502 Bad Gateway</body></html>"),
        ("application/json", ""),
        ("application/json", '{"error": false, "request_id": '),
        ("text/plain", '{"error": false, "request_id": "r1", "success": true}'),
        ("application/json", '{"error": false, "success": true}'),  # no request_id
    ],
)
async def test_unusable_bodies_are_bad_responses(content_type: str, body: str) -> None:
    answer = {"response": {"status": 200, "headers": {"content-type": content_type}, "body": body}}
    adapter, _ = replay(ADAPTER, answer)
    with pytest.raises(ProviderBadResponse):
        await adapter.lookup(BY_NAME)


def test_accepts_an_email_a_linkedin_url_or_a_name_with_a_company() -> None:
    adapter, _ = replay(ADAPTER, fixtures("submitted"))
    assert adapter.accepts(BY_NAME)
    assert adapter.accepts(Query(account_id=1, email="a@b.com"))
    assert adapter.accepts(Query(account_id=1).with_known({"linkedin_url": "https://x"}))
    assert not adapter.accepts(Query(account_id=1, full_name="Denis Dupont"))


# --- through the market wire -----------------------------------------------------------


async def test_round_trip_recovers_what_dropcontact_carries() -> None:
    adapter, seen = paired(ADAPTER, DropcontactWire(), full_view())
    result = await adapter.lookup(Query(account_id=1, email="jane.doe@acme-widgets.test"))
    got = values(result)
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
    view = full_view(email_status="catch-all", personal_email="jane@gmail.com")
    adapter, _ = paired(ADAPTER, WIRE, view)
    query = Query(account_id=1, full_name="Jane Doe", company_name="Acme Widgets")
    result = await adapter.lookup(query)
    got = values(result)
    assert got["email_status"] == "catch-all"
    assert got["personal_email"] == "jane@gmail.com"
    assert result.fields["email"].confidence == 0.6  # catch_all@pro: the work address's


async def test_round_trip_unknown_person_is_a_miss() -> None:
    adapter, _ = paired(ADAPTER, DropcontactWire(), FakeView())
    assert not (await adapter.lookup(BY_NAME)).matched


def _wire_failing(kind: ErrorKind) -> HttpProvider:
    def handler(request: httpx.Request) -> httpx.Response:
        answer = WIRE.error(kind, MarketRequest(request.method, request.url.path, {}, {}))
        headers = {"content-type": "application/json", **answer.headers}
        return httpx.Response(answer.status, headers=headers, content=json.dumps(answer.json))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return ADAPTER(settings_for("dropcontact"), client, clock=lambda: NOW)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("auth", ProviderAuthError),
        ("quota", ProviderQuotaExceeded),
        ("rate_limited", ProviderRateLimited),
        ("server", ProviderUnavailable),
    ],
)
async def test_wire_errors_reach_the_adapter_typed(
    kind: ErrorKind, error: type[ProviderError]
) -> None:
    with pytest.raises(error) as caught:
        await _wire_failing(kind).lookup(BY_NAME)
    if isinstance(caught.value, ProviderRateLimited):
        assert caught.value.retry_after == 1.0


def test_wire_keeps_pending_batches_and_answers_in_its_style() -> None:
    wire, view = DropcontactWire(), full_view()
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
