"""ZeroBounce: the adapter against recorded answers, and against the market's ZeroBounce wire."""

from __future__ import annotations

import copy
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
from cleanlist_server.providers.vendors._group_a import VERDICT_CONFIDENCE
from cleanlist_server.providers.vendors.zerobounce import ADAPTER
from cleanlist_server.sandbox.market.vendors.zerobounce import WIRE
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
    sample_person,
    values,
)

QUERY = Query(account_id=1, email="valid@example.com")
JANE = sample_person().fields

# case -> (fixtures answered in order, outcome)
CASES: dict[str, tuple[list[str], bool | type[Exception]]] = {
    "match": (["match"], True),
    "invalid": (["invalid"], True),
    "do_not_mail_role": (["do_not_mail_role"], True),
    "not_found": (["not_found"], False),
    "missing_key": (["missing_key"], ProviderAuthError),
    "bad_key": (["bad_key", "credits_invalid_key"], ProviderAuthError),
    "out_of_credits": (["out_of_credits", "credits_empty"], ProviderQuotaExceeded),
    "rate_limited": (["rate_limited"], ProviderRateLimited),
}
CHAINED = {"credits_invalid_key", "credits_empty"}
BAD_BODIES = {
    "html": ("text/html", "<html><body>Bad gateway</body></html>"),
    "empty": ("application/json", ""),
    "malformed": ("application/json", '{"status": "valid"'),
    "wrong_type": ("text/plain", '{"status": "valid"}'),
}


def test_every_fixture_is_replayed() -> None:
    assert set(all_cases("zerobounce")) == set(CASES) | CHAINED


@pytest.mark.parametrize("case", sorted(CASES))
async def test_replay(case: str) -> None:
    names, outcome = CASES[case]
    adapter, calls = replay(ADAPTER, [load_fixture("zerobounce", name) for name in names])
    if isinstance(outcome, bool):
        assert (await adapter.lookup(QUERY)).matched is outcome
    else:
        with pytest.raises(outcome) as caught:
            await adapter.lookup(QUERY)
        assert type(caught.value) is outcome  # a refused key is not reported as quota
        assert TEST_KEY not in str(caught.value)
    assert len(calls) == len(names)  # getcredits only to tell key from credits
    assert all(call.url.params["api_key"] == TEST_KEY for call in calls)


async def test_match_maps_the_documented_example() -> None:
    adapter, calls = replay(ADAPTER, load_fixture("zerobounce", "match"))
    result = await adapter.lookup(QUERY)
    got = values(result)
    assert (got["email"], got["email_status"]) == ("valid@example.com", "valid")
    assert (got["first_name"], got["last_name"]) == ("Zero", "Bounce")
    assert set(got) <= ADAPTER.fields <= set(CONTACT_FIELDS)
    status = result.fields["email_status"]
    assert status.confidence == VERDICT_CONFIDENCE
    assert status.observed_at == datetime(2023, 3, 23, 13, 30, 28, 105000, tzinfo=UTC)
    assert dict(calls[0].url.params) == {"api_key": TEST_KEY, "email": "valid@example.com"}
    invalid, _ = replay(ADAPTER, load_fixture("zerobounce", "invalid"))
    assert values(await invalid.lookup(QUERY))["email_status"] == "invalid"
    role, _ = replay(ADAPTER, load_fixture("zerobounce", "do_not_mail_role"))
    assert values(await role.lookup(QUERY))["email_status"] == "role-based"


@pytest.mark.parametrize(
    ("status", "sub_status", "expected"),
    [
        ("catch-all", "", "catch-all"),
        ("Valid", "", "valid"),  # v1 capitalised its statuses
        ("spamtrap", "", "risky"),
        ("abuse", "", "risky"),
        ("do_not_mail", "disposable", "disposable"),
        ("do_not_mail", "role_based_catch_all", "role-based"),
        ("do_not_mail", "toxic", "risky"),
        ("unknown", "greylisted", None),
    ],
)
async def test_statuses_map_to_product_statuses(
    status: str, sub_status: str, expected: str | None
) -> None:
    fixture = copy.deepcopy(load_fixture("zerobounce", "match"))
    fixture["response"]["body"].update({"status": status, "sub_status": sub_status})
    adapter, _ = replay(ADAPTER, fixture)
    result = await adapter.lookup(QUERY)
    assert values(result).get("email_status") == expected
    assert result.matched is (expected is not None)


async def test_an_answer_without_a_status_is_bad() -> None:
    fixture = copy.deepcopy(load_fixture("zerobounce", "match"))
    fixture["response"]["body"] = {"Message": "Please try again later"}
    adapter, _ = replay(ADAPTER, fixture)
    with pytest.raises(ProviderBadResponse):
        await adapter.lookup(QUERY)


async def test_rate_limit_carries_retry_after() -> None:
    adapter, _ = replay(ADAPTER, load_fixture("zerobounce", "rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(QUERY)
    assert caught.value.retry_after == 60


async def test_an_unreadable_balance_leaves_the_ambiguous_refusal() -> None:
    html = {
        "response": {
            "status": 200,
            "headers": {"content-type": "text/html"},
            "body": "<html></html>",
        }
    }
    adapter, calls = replay(ADAPTER, [load_fixture("zerobounce", "bad_key"), html])
    with pytest.raises(ProviderAuthError):
        await adapter.lookup(QUERY)
    assert [c.url.path for c in calls] == ["/v2/validate", "/v2/getcredits"]


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
async def test_unreadable_bodies_are_bad_responses(kind: str) -> None:
    content_type, body = BAD_BODIES[kind]
    answer = {"status": 200, "headers": {"content-type": content_type}, "body": body}
    adapter, _ = replay(ADAPTER, {"response": answer})
    with pytest.raises(ProviderBadResponse) as caught:
        await adapter.lookup(QUERY)
    assert TEST_KEY not in str(caught.value)


def test_accepts_an_email_from_the_request_or_found_earlier() -> None:
    adapter, _ = replay(ADAPTER, load_fixture("zerobounce", "match"))
    assert adapter.accepts(QUERY)
    assert adapter.accepts(Query(account_id=1).with_known({"email": "valid@example.com"}))
    assert not adapter.accepts(Query(account_id=1, linkedin_url=JANE["linkedin_url"]))


# --- through the market wire ------------------------------------------------------


def _view(verdicts: dict[str, EmailVerdict] | None = None) -> FakeView:
    return FakeView(people=[sample_person()], verdicts=verdicts or {})


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
    adapter, seen = paired(ADAPTER, WIRE, _view({JANE["email"]: verdict}))
    result = await adapter.lookup(Query(account_id=1, email=JANE["email"]))
    assert values(result).get("email_status") == expected
    assert seen[0].path == "/v2/validate"
    if expected is not None:
        got = values(result)
        assert (got["email"], got["first_name"], got["last_name"]) == (JANE["email"], "Jane", "Doe")
        assert result.fields["email_status"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)


async def test_round_trip_empty_view_is_a_miss() -> None:
    adapter, _ = paired(ADAPTER, WIRE, FakeView())
    result = await adapter.lookup(Query(account_id=1, email=JANE["email"]))
    assert not result.matched and result.fields == {}


@dataclass
class Failing:
    """The ZeroBounce wire answering every request with one of its errors."""

    kind: ErrorKind
    name: str = "zerobounce"

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
    assert type(caught.value) is error  # auth and quota told apart despite one message
    assert TEST_KEY not in str(caught.value)
    if kind == "rate_limited":
        assert isinstance(caught.value, ProviderRateLimited) and caught.value.retry_after == 60


async def test_a_wrong_key_is_refused_as_auth() -> None:
    adapter, seen = paired(ADAPTER, WIRE, _view())
    adapter.settings = replace(adapter.settings, key="wrong-key")
    with pytest.raises(ProviderAuthError) as caught:
        await adapter.lookup(QUERY)
    assert type(caught.value) is ProviderAuthError
    assert [r.path for r in seen] == ["/v2/validate", "/v2/getcredits"]


def _get(path: str, **query: str) -> MarketRequest:
    return MarketRequest(method="GET", path=path, query={"api_key": TEST_KEY, **query}, headers={})


def test_wire_format() -> None:
    assert WIRE.key_of(_get("/v2/validate")) == TEST_KEY
    assert WIRE.key_of(MarketRequest("GET", "/v2/validate", {}, {"x-api-key": TEST_KEY})) is None
    assert WIRE.handle(_get("/v2/validatebatch"), _view()).status == 404
    assert WIRE.handle(_get("/v2/getcredits"), _view()).json == {"Credits": "25000"}
    assert "error" in WIRE.handle(_get("/v2/validate"), _view()).json
    answer = WIRE.handle(
        _get("/v2/validate", email=JANE["email"]), _view({JANE["email"]: "role"})
    ).json
    assert (answer["status"], answer["sub_status"], answer["mx_found"]) == (
        "do_not_mail",
        "role_based",
        "true",
    )
    assert (answer["account"], answer["domain"], answer["free_email"]) == (
        "jane.doe",
        "acme-widgets.test",
        False,
    )
    assert answer["processed_at"] == "2026-09-14 00:00:00.000"
    stranger = WIRE.handle(_get("/v2/validate", email="who@gmail.com"), _view()).json
    assert (stranger["status"], stranger["free_email"], stranger["processed_at"]) == (
        "unknown",
        True,
        None,
    )
