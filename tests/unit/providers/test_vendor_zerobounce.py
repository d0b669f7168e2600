"""ZeroBounce: the adapter against recorded answers, and against the market's ZeroBounce wire."""

from __future__ import annotations

import copy
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
from cleanlist_server.providers.vendors._group_a import VERDICT_CONFIDENCE
from cleanlist_server.providers.vendors.zerobounce import ADAPTER
from cleanlist_server.sandbox.market.vendors.zerobounce import WIRE, ZeroBounceWire
from cleanlist_server.sandbox.market.wire import EmailVerdict, MarketRequest
from tests import provider_kit as kit

QUERY = Query(account_id=1, email="valid@example.com")
JANE = kit.sample_person().fields

RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "invalid": True,
    "do_not_mail_role": True,
    "not_found": False,
    "missing_key": ProviderAuthError,
    "rate_limited": ProviderRateLimited,
}
# An ambiguous refusal, then the balance (getcredits) that tells a bad key from no credits.
REFUSALS: dict[str, tuple[list[str], kit.Outcome]] = {
    "bad_key": (["bad_key", "credits_invalid_key"], ProviderAuthError),
    "out_of_credits": (["out_of_credits", "credits_empty"], ProviderQuotaExceeded),
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = QUERY
    recorded = RECORDED
    chained = ("bad_key", "credits_invalid_key", "out_of_credits", "credits_empty")
    key_param = "api_key"
    unusable = kit.unusable_bodies(malformed='{"status": "valid"', as_text='{"status": "valid"}')
    recorded_wait = 60
    wire = ZeroBounceWire
    wire_query = kit.JANE_BY_EMAIL
    wire_wait = 60  # and auth told from quota despite one message: the types are exact

    async def test_a_wrong_key_is_refused(self) -> None:
        adapter, seen = kit.paired(ADAPTER, ZeroBounceWire(), kit.full_view())
        await kit.expect_key_refused(adapter, QUERY)
        assert [r.path for r in seen] == ["/v2/validate", "/v2/getcredits"]


@pytest.mark.parametrize("case", sorted(REFUSALS))
async def test_a_refusal_is_told_apart_by_the_balance(case: str) -> None:
    names, outcome = REFUSALS[case]
    adapter, calls = kit.replay(ADAPTER, [kit.load_fixture("zerobounce", name) for name in names])
    await kit.expect_outcome(adapter, QUERY, outcome)  # exact: a refused key is not quota
    assert len(calls) == len(names)  # getcredits only to tell key from credits
    assert all(call.url.params["api_key"] == kit.TEST_KEY for call in calls)


async def test_match_maps_the_documented_example() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture("zerobounce", "match"))
    result = await adapter.lookup(QUERY)
    got = kit.values(result)
    assert got["email_status"] == "valid" and "email" not in got
    assert result.about == {"email": "valid@example.com"}
    assert (got["first_name"], got["last_name"]) == ("Zero", "Bounce")
    assert set(got) <= ADAPTER.fields <= set(CONTACT_FIELDS)
    status = result.fields["email_status"]
    assert status.confidence == VERDICT_CONFIDENCE
    assert status.observed_at == datetime(2023, 3, 23, 13, 30, 28, 105000, tzinfo=UTC)
    assert dict(calls[0].url.params) == {"api_key": kit.TEST_KEY, "email": "valid@example.com"}
    invalid, _ = kit.replay(ADAPTER, kit.load_fixture("zerobounce", "invalid"))
    assert kit.values(await invalid.lookup(QUERY))["email_status"] == "invalid"
    role, _ = kit.replay(ADAPTER, kit.load_fixture("zerobounce", "do_not_mail_role"))
    assert kit.values(await role.lookup(QUERY))["email_status"] == "role-based"


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
    fixture = copy.deepcopy(kit.load_fixture("zerobounce", "match"))
    fixture["response"]["body"].update({"status": status, "sub_status": sub_status})
    adapter, _ = kit.replay(ADAPTER, fixture)
    result = await adapter.lookup(QUERY)
    assert kit.values(result).get("email_status") == expected
    assert result.matched is (expected is not None)


async def test_an_answer_without_a_status_is_bad() -> None:
    fixture = copy.deepcopy(kit.load_fixture("zerobounce", "match"))
    fixture["response"]["body"] = {"Message": "Please try again later"}
    adapter, _ = kit.replay(ADAPTER, fixture)
    await kit.expect_error(adapter, QUERY, ProviderBadResponse)


async def test_an_unreadable_balance_leaves_the_ambiguous_refusal() -> None:
    html = kit.canned(200, "<html></html>", "text/html")
    adapter, calls = kit.replay(ADAPTER, [kit.load_fixture("zerobounce", "bad_key"), html])
    await kit.expect_error(adapter, QUERY, ProviderAuthError)
    assert [c.url.path for c in calls] == ["/v2/validate", "/v2/getcredits"]


def test_accepts_an_email_from_the_request_or_found_earlier() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture("zerobounce", "match"))
    assert adapter.accepts(QUERY)
    assert adapter.accepts(Query(account_id=1).with_known({"email": "valid@example.com"}))
    assert not adapter.accepts(Query(account_id=1, linkedin_url=JANE["linkedin_url"]))


# --- through the market wire ------------------------------------------------------


@pytest.mark.parametrize(("verdict", "expected"), kit.VERDICT_STATUSES.items())
async def test_round_trip_verdicts(verdict: EmailVerdict, expected: str | None) -> None:
    adapter, seen = kit.paired(ADAPTER, WIRE, kit.full_view(verdicts={JANE["email"]: verdict}))
    result = await adapter.lookup(kit.JANE_BY_EMAIL)
    assert kit.values(result).get("email_status") == expected
    assert seen[0].path == "/v2/validate"
    if expected is not None:
        got = kit.values(result)
        assert (got["first_name"], got["last_name"]) == ("Jane", "Doe")
        assert result.about["email"] == JANE["email"]
        assert result.fields["email_status"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)


def _get(path: str, **query: str) -> MarketRequest:
    return MarketRequest(
        method="GET", path=path, query={"api_key": kit.TEST_KEY, **query}, headers={}
    )


def test_wire_format() -> None:
    assert WIRE.key_of(_get("/v2/validate")) == kit.TEST_KEY
    assert (
        WIRE.key_of(MarketRequest("GET", "/v2/validate", {}, {"x-api-key": kit.TEST_KEY})) is None
    )
    assert WIRE.handle(_get("/v2/validatebatch"), kit.full_view()).status == 404
    assert WIRE.handle(_get("/v2/getcredits"), kit.full_view()).json == {"Credits": "25000"}
    assert "error" in WIRE.handle(_get("/v2/validate"), kit.full_view()).json
    answer = WIRE.handle(
        _get("/v2/validate", email=JANE["email"]), kit.full_view(verdicts={JANE["email"]: "role"})
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
    stranger = WIRE.handle(_get("/v2/validate", email="who@gmail.com"), kit.full_view()).json
    assert (stranger["status"], stranger["free_email"], stranger["processed_at"]) == (
        "unknown",
        True,
        None,
    )
