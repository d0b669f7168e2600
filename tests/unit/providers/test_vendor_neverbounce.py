"""NeverBounce: the adapter against recorded answers, and against the market's NeverBounce wire."""

from __future__ import annotations

import copy
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
from cleanlist_server.providers.vendors.neverbounce import ADAPTER
from cleanlist_server.sandbox.market.vendors.neverbounce import WIRE, NeverBounceWire
from cleanlist_server.sandbox.market.wire import EmailVerdict, MarketRequest
from tests import provider_kit as kit

QUERY = Query(account_id=1, email="support@neverbounce.test")

RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "catchall": True,
    "not_found": False,
    "bad_key": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
    "temp_unavail": ProviderUnavailable,
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = QUERY
    recorded = RECORDED
    key_param = "key"
    unusable = kit.unusable_bodies(
        malformed='{"status": "success", ', as_text='{"status": "success", "result": "valid"}'
    )
    recorded_wait = None  # NeverBounce throttles without saying for how long
    wire = NeverBounceWire
    wire_query = kit.JANE_BY_EMAIL
    wire_wait = None


async def test_match_maps_the_documented_example() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture("neverbounce", "match"))
    result = await adapter.lookup(QUERY)
    got = kit.values(result)
    # "valid" with the role_account flag: a role address, as our own verifier says it
    assert got["email_status"] == "role-based"
    # the address is what the verdict is about, not a finding that could second it
    assert "email" not in got and result.about == {"email": QUERY.email}
    assert set(got) <= ADAPTER.fields <= set(CONTACT_FIELDS)
    status = result.fields["email_status"]
    assert (status.confidence, status.observed_at, status.source) == (
        VERDICT_CONFIDENCE,
        kit.NOW,
        "neverbounce",
    )
    assert dict(calls[0].url.params) == {"key": kit.TEST_KEY, "email": QUERY.email}
    catchall, _ = kit.replay(ADAPTER, kit.load_fixture("neverbounce", "catchall"))
    assert kit.values(await catchall.lookup(QUERY))["email_status"] == "catch-all"


def _answer(**body: Any) -> dict[str, Any]:
    fixture = copy.deepcopy(kit.load_fixture("neverbounce", "match"))
    fixture["response"]["body"].update(body)
    return fixture


@pytest.mark.parametrize(
    ("result", "flags", "expected"),
    [
        ("valid", [], "valid"),
        ("invalid", ["role_account"], "invalid"),
        ("disposable", [], "disposable"),
        ("catchall", ["role_account"], "role-based"),
        (0, [], "valid"),  # numeric result codes of older clients
        (3, [], "catch-all"),
        (4, [], None),
    ],
)
async def test_results_map_to_product_statuses(
    result: str | int, flags: list[str], expected: str | None
) -> None:
    adapter, _ = kit.replay(ADAPTER, _answer(result=result, flags=flags))
    found = await adapter.lookup(QUERY)
    assert kit.values(found).get("email_status") == expected
    assert found.matched is (expected is not None)


@pytest.mark.parametrize(
    "body", [{"result": "maybe"}, {"result": None}, {"status": "something_new"}]
)
async def test_unexpected_answers_are_bad(body: dict[str, Any]) -> None:
    adapter, _ = kit.replay(ADAPTER, _answer(**body))
    await kit.expect_error(adapter, QUERY, ProviderBadResponse)


async def test_an_error_message_echoing_the_key_is_not_repeated() -> None:
    fixture = _answer(status="auth_failure", message=f"Invalid API key '{kit.TEST_KEY}'")
    adapter, _ = kit.replay(ADAPTER, fixture)
    await kit.expect_error(adapter, QUERY, ProviderAuthError)


def test_accepts_an_email_from_the_request_or_found_earlier() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture("neverbounce", "match"))
    assert adapter.accepts(QUERY)
    assert adapter.accepts(Query(account_id=1).with_known({"email": "a@b.test"}))
    assert not adapter.accepts(Query(account_id=1, full_name="Jane Doe", company_domain="b.test"))


# --- through the market wire ------------------------------------------------------


@pytest.mark.parametrize(("verdict", "expected"), kit.VERDICT_STATUSES.items())
async def test_round_trip_verdicts(verdict: EmailVerdict, expected: str | None) -> None:
    adapter, seen = kit.paired(ADAPTER, WIRE, kit.FakeView(verdicts={kit.JANE_EMAIL: verdict}))
    result = await adapter.lookup(kit.JANE_BY_EMAIL)
    assert kit.values(result).get("email_status") == expected
    assert seen[0].path == "/v4.2/single/check"


def test_wire_format() -> None:
    get = MarketRequest(
        "GET", "/v4/single/check", {"key": kit.TEST_KEY, "email": "x@gmail.com"}, {}
    )
    assert WIRE.key_of(get) == kit.TEST_KEY
    form = MarketRequest(
        "POST",
        "/v4.1/single/check",
        {},
        {"content-type": "application/x-www-form-urlencoded"},
        body=f"key={kit.TEST_KEY}&email=x%40gmail.com".encode(),
    )
    assert WIRE.key_of(form) == kit.TEST_KEY
    view = kit.FakeView(verdicts={"x@gmail.com": "role"})
    for request in (get, form):
        answer = WIRE.handle(request, view)
        assert (answer.status, answer.json["status"], answer.json["result"]) == (
            200,
            "success",
            "valid",
        )
        assert {"role_account", "free_email_host"} <= set(answer.json["flags"])
    unknown = WIRE.handle(MarketRequest("GET", "/v4.2/bulk", {"key": kit.TEST_KEY}, {}), view)
    assert unknown.status == 404 and unknown.json["status"] == "general_failure"
    missing = WIRE.handle(
        MarketRequest("GET", "/v4.2/single/check", {"key": kit.TEST_KEY}, {}), view
    )
    assert (missing.status, missing.json["status"]) == (200, "general_failure")
    assert all(
        WIRE.error(kind, get).status == 200 for kind in ("auth", "quota", "rate_limited", "server")
    )
