"""NeverBounce: the adapter against recorded answers, and against the market's NeverBounce wire."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
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
from cleanlist_server.sandbox.market.vendors.neverbounce import WIRE
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
    values,
)

QUERY = Query(account_id=1, email="support@neverbounce.test")

CASES: dict[str, bool | type[Exception]] = {
    "match": True,
    "catchall": True,
    "not_found": False,
    "bad_key": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
    "temp_unavail": ProviderUnavailable,
}
BAD_BODIES = {
    "html": ("text/html", "<html><body>Bad gateway</body></html>"),
    "empty": ("application/json", ""),
    "malformed": ("application/json", '{"status": "success", '),
    "wrong_type": ("text/plain", '{"status": "success", "result": "valid"}'),
}


def test_every_fixture_is_replayed() -> None:
    assert set(all_cases("neverbounce")) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
async def test_replay(case: str) -> None:
    adapter, calls = replay(ADAPTER, load_fixture("neverbounce", case))
    outcome = CASES[case]
    if isinstance(outcome, bool):
        assert (await adapter.lookup(QUERY)).matched is outcome
    else:
        with pytest.raises(outcome) as caught:
            await adapter.lookup(QUERY)
        assert type(caught.value) is outcome
        assert TEST_KEY not in str(caught.value)
    assert calls[0].url.params["key"] == TEST_KEY


async def test_match_maps_the_documented_example() -> None:
    adapter, calls = replay(ADAPTER, load_fixture("neverbounce", "match"))
    result = await adapter.lookup(QUERY)
    got = values(result)
    # "valid" with the role_account flag: a role address, as our own verifier says it
    assert (got["email"], got["email_status"]) == (QUERY.email, "role-based")
    assert set(got) <= ADAPTER.fields <= set(CONTACT_FIELDS)
    status = result.fields["email_status"]
    assert (status.confidence, status.observed_at, status.source) == (
        VERDICT_CONFIDENCE,
        NOW,
        "neverbounce",
    )
    assert dict(calls[0].url.params) == {"key": TEST_KEY, "email": QUERY.email}
    catchall, _ = replay(ADAPTER, load_fixture("neverbounce", "catchall"))
    assert values(await catchall.lookup(QUERY))["email_status"] == "catch-all"


def _answer(**body: Any) -> dict[str, Any]:
    fixture = copy.deepcopy(load_fixture("neverbounce", "match"))
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
    adapter, _ = replay(ADAPTER, _answer(result=result, flags=flags))
    found = await adapter.lookup(QUERY)
    assert values(found).get("email_status") == expected
    assert found.matched is (expected is not None)


@pytest.mark.parametrize(
    "body", [{"result": "maybe"}, {"result": None}, {"status": "something_new"}]
)
async def test_unexpected_answers_are_bad(body: dict[str, Any]) -> None:
    adapter, _ = replay(ADAPTER, _answer(**body))
    with pytest.raises(ProviderBadResponse):
        await adapter.lookup(QUERY)


async def test_an_error_message_echoing_the_key_is_not_repeated() -> None:
    fixture = _answer(status="auth_failure", message=f"Invalid API key '{TEST_KEY}'")
    adapter, _ = replay(ADAPTER, fixture)
    with pytest.raises(ProviderAuthError) as caught:
        await adapter.lookup(QUERY)
    assert TEST_KEY not in str(caught.value)


async def test_throttling_has_no_retry_after() -> None:
    adapter, _ = replay(ADAPTER, load_fixture("neverbounce", "rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(QUERY)
    assert caught.value.retry_after is None


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
async def test_unreadable_bodies_are_bad_responses(kind: str) -> None:
    content_type, body = BAD_BODIES[kind]
    answer = {"status": 200, "headers": {"content-type": content_type}, "body": body}
    adapter, _ = replay(ADAPTER, {"response": answer})
    with pytest.raises(ProviderBadResponse) as caught:
        await adapter.lookup(QUERY)
    assert TEST_KEY not in str(caught.value)


def test_accepts_an_email_from_the_request_or_found_earlier() -> None:
    adapter, _ = replay(ADAPTER, load_fixture("neverbounce", "match"))
    assert adapter.accepts(QUERY)
    assert adapter.accepts(Query(account_id=1).with_known({"email": "a@b.test"}))
    assert not adapter.accepts(Query(account_id=1, full_name="Jane Doe", company_domain="b.test"))


# --- through the market wire ------------------------------------------------------

ADDRESS = "jane.doe@acme-widgets.test"


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        ("valid", "valid"),
        ("invalid", "invalid"),
        ("catch_all", "catch-all"),
        ("disposable", "disposable"),
        ("role", "role-based"),
        ("unknown", None),
    ],
)
async def test_round_trip_verdicts(verdict: EmailVerdict, expected: str | None) -> None:
    adapter, seen = paired(ADAPTER, WIRE, FakeView(verdicts={ADDRESS: verdict}))
    result = await adapter.lookup(Query(account_id=1, email=ADDRESS))
    assert values(result).get("email_status") == expected
    assert seen[0].path == "/v4.2/single/check"


async def test_round_trip_empty_view_is_a_miss() -> None:
    adapter, _ = paired(ADAPTER, WIRE, FakeView())
    result = await adapter.lookup(Query(account_id=1, email=ADDRESS))
    assert not result.matched and result.fields == {}


@dataclass
class Failing:
    """The NeverBounce wire answering every request with one of its errors."""

    kind: ErrorKind
    name: str = "neverbounce"

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
        await adapter.lookup(QUERY)
    assert type(caught.value) is error
    assert TEST_KEY not in str(caught.value)


async def test_a_wrong_key_is_refused() -> None:
    adapter, _ = paired(ADAPTER, WIRE, FakeView())
    adapter.settings = replace(adapter.settings, key="wrong-key")
    with pytest.raises(ProviderAuthError):
        await adapter.lookup(QUERY)


def test_wire_format() -> None:
    get = MarketRequest("GET", "/v4/single/check", {"key": TEST_KEY, "email": "x@gmail.com"}, {})
    assert WIRE.key_of(get) == TEST_KEY
    form = MarketRequest(
        "POST",
        "/v4.1/single/check",
        {},
        {"content-type": "application/x-www-form-urlencoded"},
        body=f"key={TEST_KEY}&email=x%40gmail.com".encode(),
    )
    assert WIRE.key_of(form) == TEST_KEY
    view = FakeView(verdicts={"x@gmail.com": "role"})
    for request in (get, form):
        answer = WIRE.handle(request, view)
        assert (answer.status, answer.json["status"], answer.json["result"]) == (
            200,
            "success",
            "valid",
        )
        assert {"role_account", "free_email_host"} <= set(answer.json["flags"])
    unknown = WIRE.handle(MarketRequest("GET", "/v4.2/bulk", {"key": TEST_KEY}, {}), view)
    assert unknown.status == 404 and unknown.json["status"] == "general_failure"
    missing = WIRE.handle(MarketRequest("GET", "/v4.2/single/check", {"key": TEST_KEY}, {}), view)
    assert (missing.status, missing.json["status"]) == (200, "general_failure")
    assert all(
        WIRE.error(kind, get).status == 200 for kind in ("auth", "quota", "rate_limited", "server")
    )
