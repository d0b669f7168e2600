"""Snov.io adapter: OAuth token flow, asynchronous finder, errors, and its market wire."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

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
from cleanlist_server.providers.http import UNDATED_AGE
from cleanlist_server.providers.vendors.snov import (
    ADAPTER,
    PROFILE_CONFIDENCE,
    SMTP_CONFIDENCE,
    SnovProvider,
)
from cleanlist_server.sandbox.market.vendors.snov import WIRE, SnovWire
from cleanlist_server.sandbox.market.wire import EmailVerdict, MarketRequest, VendorWire
from tests import provider_kit as kit

PROVIDER = "snov"
KEY = "c57a0459f6t141659ea75cccb393c5111:77cbf92b71553e85ce3bfd505214f40b"
DOCUMENTED_TOKEN = "WaNfY5dIQ7fCrmtJBpkh6hrSQjuN3EKaHa0tu1FA"
EMAIL_Q = Query(account_id=1, email="jordan@octagon.com")
NAME_Q = Query(account_id=1, first_name="John", last_name="Doe", company_domain="example.com")
TOKEN_PATH = "/v1/oauth/access_token"


def fx(*cases: str) -> list[dict[str, Any]]:
    return [kit.load_fixture(PROVIDER, case) for case in cases]


def _snov(
    fixtures: list[dict[str, Any]], *, key: str = KEY
) -> tuple[SnovProvider, list[httpx.Request]]:
    adapter, calls = kit.replay(ADAPTER, fixtures, key=key)
    assert isinstance(adapter, SnovProvider)
    adapter.poll_interval = 0
    return adapter, calls


def _inline(path: str, status: int, body: Any) -> kit.Fixture:
    method = "GET" if path.endswith("/result") else "POST"
    return kit.canned(status, body, method=method, path=path)


def _paths(calls: list[httpx.Request]) -> list[str]:
    return [f"{c.method} {c.url.path}" for c in calls]


# Profile answers, each after a token.
RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "not_found": False,
    "not_found_unsuccessful": False,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
}
# Every other fixture belongs to at least one of these recorded conversations.
SCENARIOS: dict[str, tuple[list[str], Query, kit.Outcome]] = {
    "finder": (["token", "finder_start", "finder_in_progress", "finder_result"], NAME_Q, True),
    "finder-empty": (["token", "finder_start", "finder_empty"], NAME_Q, False),
    "finder-catch-all": (["token", "finder_start", "finder_catch_all"], NAME_Q, True),
    "bad-key": (["bad_key"], EMAIL_Q, ProviderAuthError),
    "expired": (["token", "token_expired", "token", "match"], EMAIL_Q, True),
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    key = KEY
    query = EMAIL_Q
    before = fx("token")
    recorded = RECORDED
    chained = frozenset(case for cases, _, _ in SCENARIOS.values() for case in cases)
    unusable = kit.unusable_bodies(
        malformed='{"name": ',
        as_text='{"name": "A B"}',
        extra={"no-profile": {"id": 3}},
        method="POST",
        path="/v1/get-profile-by-email",
    )
    recorded_wait = 30.0
    wire = SnovWire
    wire_query = kit.JANE_BY_EMAIL
    spared = (TOKEN_PATH,)  # tokens are issued, every other call fails
    wire_wait = 2.0

    async def test_a_wrong_key_is_refused(self) -> None:
        adapter, seen = _paired(kit.full_view())
        await kit.expect_key_refused(adapter, kit.JANE_BY_EMAIL, "someone:else")
        assert [m.path for m in seen] == [TOKEN_PATH]


def test_the_wire_implements_the_vendor_wire_protocol() -> None:
    wire: VendorWire = WIRE
    assert wire.name == PROVIDER


def test_adapter_is_exported() -> None:
    assert ADAPTER is SnovProvider
    assert ADAPTER.name == PROVIDER == WIRE.name


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_every_scenario_replays_to_its_outcome(scenario: str) -> None:
    cases, query, outcome = SCENARIOS[scenario]
    fixtures = fx(*cases)
    assert all(fixture["source"].startswith("https://") for fixture in fixtures)
    adapter, calls = _snov(fixtures)
    await kit.expect_outcome(adapter, query, outcome)
    assert len(calls) == len(cases)


# --- token flow --------------------------------------------------------------------------


async def test_the_token_is_fetched_with_the_client_credentials_then_sent_as_bearer() -> None:
    adapter, calls = _snov(fx("token", "match"))
    await adapter.lookup(EMAIL_Q)
    assert _paths(calls) == ["POST /v1/oauth/access_token", "POST /v1/get-profile-by-email"]
    token_call, data_call = calls
    assert token_call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(token_call.content.decode())) == {
        "grant_type": "client_credentials",
        "client_id": "c57a0459f6t141659ea75cccb393c5111",
        "client_secret": "77cbf92b71553e85ce3bfd505214f40b",
    }
    assert "authorization" not in token_call.headers
    assert data_call.headers["authorization"] == f"Bearer {DOCUMENTED_TOKEN}"
    assert dict(parse_qsl(data_call.content.decode())) == {"email": "jordan@octagon.com"}
    assert "77cbf92b" not in str(data_call.url) + data_call.content.decode()


async def test_the_token_is_cached_until_it_expires() -> None:
    adapter, calls = _snov(fx("token", "match", "match", "token", "match"))
    moment = kit.NOW
    adapter.clock = lambda: moment
    await adapter.lookup(EMAIL_Q)
    await adapter.lookup(EMAIL_Q)
    assert len(calls) == 3  # one token for two lookups
    moment = kit.NOW + timedelta(seconds=3600 - 30)  # inside the renewal margin
    await adapter.lookup(EMAIL_Q)
    assert _paths(calls)[3:] == ["POST /v1/oauth/access_token", "POST /v1/get-profile-by-email"]


async def test_a_refused_token_is_renewed_once_and_the_call_repeated() -> None:
    adapter, calls = _snov(fx("token", "token_expired", "token", "match"))
    result = await adapter.lookup(EMAIL_Q)
    assert result.matched
    assert _paths(calls) == [
        "POST /v1/oauth/access_token",
        "POST /v1/get-profile-by-email",
        "POST /v1/oauth/access_token",
        "POST /v1/get-profile-by-email",
    ]


async def test_a_token_refused_twice_is_an_auth_error() -> None:
    adapter, calls = _snov(fx("token", "token_expired", "token", "token_expired"))
    await kit.expect_error(adapter, EMAIL_Q, ProviderAuthError)
    assert len(calls) == 4


async def test_refused_credentials_are_an_auth_error_without_retry() -> None:
    adapter, calls = _snov(fx("bad_key"))
    await kit.expect_error(adapter, EMAIL_Q, ProviderAuthError)
    assert len(calls) == 1


@pytest.mark.parametrize("key", ["no-colon-here", ":secret", "client:", ""])
async def test_a_key_not_in_client_id_colon_secret_form_is_refused_locally(key: str) -> None:
    adapter, calls = _snov(fx("token"), key=key)
    raised = await kit.expect_error(adapter, EMAIL_Q, ProviderAuthError)  # and never shows the key
    assert calls == []
    assert "client_id:client_secret" in str(raised)


@pytest.mark.parametrize(
    "body",
    [{"token_type": "Bearer"}, {"access_token": ""}, {"access_token": None}],
)
async def test_a_token_answer_without_a_token_is_a_bad_response(body: dict[str, Any]) -> None:
    adapter, _ = _snov([_inline("/v1/oauth/access_token", 200, body)])
    await kit.expect_error(adapter, EMAIL_Q, ProviderBadResponse)


# --- profile by email -----------------------------------------------------------------


async def test_profile_by_email_maps_the_recorded_shape() -> None:
    adapter, _ = _snov(fx("token", "match"))
    result = await adapter.lookup(EMAIL_Q)
    got = kit.values(result)
    assert got["full_name"] == "Jordan Sample"
    assert got["first_name"] == "Jordan" and got["last_name"] == "Sample"
    assert got["linkedin_url"] == "https://linkedin.com/in/jordansample"
    assert got["twitter_url"] == "https://x.com/jordansample"
    assert got["photo_url"].startswith("https://app.snov.io/img/peoples/")
    assert got["country"] == "Singapore"
    assert got["title"] == "Regional Creative Director"
    assert got["job_start_date"] == "2016-01"
    assert got["company_name"] == "Octagon"
    assert got["company_domain"] == "octagon.com"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/165282"
    assert got["company_founded_year"] == 1983
    assert got["company_hq_city"] == "Stamford"
    assert got["company_hq_country"] == "United States"
    assert got["company_size"] == "1-10"
    assert "company_phone" not in got  # "233-344-533" is no phone number
    field = result.fields["full_name"]
    assert field.observed_at == datetime(2018, 2, 7, 10, 12, 28, tzinfo=UTC)
    assert field.confidence == PROFILE_CONFIDENCE


@pytest.mark.parametrize("case", ["not_found", "not_found_unsuccessful"])
async def test_profile_not_found_is_a_miss(case: str) -> None:
    adapter, _ = _snov(fx("token", case))
    await kit.expect_miss(adapter, EMAIL_Q)


# --- email finder ---------------------------------------------------------------------


async def test_finder_starts_a_task_and_polls_until_completed() -> None:
    adapter, calls = _snov(fx("token", "finder_start", "finder_in_progress", "finder_result"))
    result = await adapter.lookup(NAME_Q)
    assert kit.values(result) == {
        "email": "john.doe@example.com",
        "email_free_provider": False,
        "email_status": "valid",
        "company_domain": "example.com",
    }
    assert result.fields["email"].confidence == SMTP_CONFIDENCE["valid"]
    assert result.fields["email"].observed_at == kit.NOW - UNDATED_AGE
    assert json.loads(calls[1].content) == {
        "rows": [{"first_name": "John", "last_name": "Doe", "domain": "example.com"}]
    }
    task = "4f7d8e2a1b3c4d5e6f708192a3b4c5d6"
    assert [c.url.params.get("task_hash") for c in calls[2:]] == [task, task]
    assert all(c.headers["authorization"] == f"Bearer {DOCUMENTED_TOKEN}" for c in calls[1:])


async def test_finder_empty_result_is_a_miss() -> None:
    adapter, _ = _snov(fx("token", "finder_start", "finder_empty"))
    await kit.expect_miss(adapter, NAME_Q)


async def test_finder_skips_not_valid_and_marks_catch_all() -> None:
    adapter, _ = _snov(fx("token", "finder_start", "finder_catch_all"))
    result = await adapter.lookup(NAME_Q)
    assert kit.values(result)["email"] == "john@example.com"
    assert kit.values(result)["email_status"] == "catch-all"
    assert result.fields["email"].confidence == SMTP_CONFIDENCE["catch-all"]


async def test_finder_gives_up_after_max_polls() -> None:
    adapter, calls = _snov(fx("token", "finder_start", "finder_in_progress"))
    adapter.max_polls = 3
    await kit.expect_error(adapter, NAME_Q, ProviderTimeout)
    assert len(calls) == 2 + 3


async def test_finder_splits_a_full_name() -> None:
    adapter, calls = _snov(fx("token", "finder_start", "finder_result"))
    await adapter.lookup(Query(account_id=1, full_name="John Doe", company_domain="example.com"))
    assert json.loads(calls[1].content)["rows"][0]["first_name"] == "John"


@pytest.mark.parametrize(
    "fixtures",
    [
        [_inline("/v2/emails-by-domain-by-name/start", 200, {"data": {}})],
        [_inline("/v2/emails-by-domain-by-name/result", 200, {"status": "exploded"})],
        [_inline("/v2/emails-by-domain-by-name/result", 200, {"data": []})],
    ],
    ids=["no-task-hash", "unknown-status", "no-status"],
)
async def test_finder_bad_answers_are_bad_responses(fixtures: list[dict[str, Any]]) -> None:
    start = [] if fixtures[0]["request"]["path"].endswith("/start") else fx("finder_start")
    adapter, _ = _snov([*fx("token"), *start, *fixtures])
    await kit.expect_error(adapter, NAME_Q, ProviderBadResponse)


async def test_finder_vanished_task_is_a_miss() -> None:
    gone = _inline("/v2/emails-by-domain-by-name/result", 404, {"success": False})
    adapter, _ = _snov([*fx("token", "finder_start"), gone])
    await kit.expect_miss(adapter, NAME_Q)


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "error"),
    [
        (kit.load_fixture(PROVIDER, "out_of_credits"), ProviderQuotaExceeded),
        (
            _inline(
                "/v1/get-profile-by-email",
                200,
                {"success": False, "message": "Sorry, you ran out of credits"},
            ),
            ProviderQuotaExceeded,
        ),
        (
            _inline("/v1/get-profile-by-email", 502, {"errors": "you ran out of credits"}),
            ProviderQuotaExceeded,
        ),
        (_inline("/v1/get-profile-by-email", 403, {"success": False}), ProviderQuotaExceeded),
        (kit.load_fixture(PROVIDER, "rate_limited"), ProviderRateLimited),
        (_inline("/v1/get-profile-by-email", 500, {"success": False}), ProviderUnavailable),
        (_inline("/v1/get-profile-by-email", 422, {"error": {"code": 1}}), ProviderBadResponse),
    ],
    ids=["402", "200-message", "502-message", "403", "429", "500", "422-object-error"],
)
async def test_errors_are_typed(fixture: kit.Fixture, error: type[ProviderError]) -> None:
    adapter, _ = _snov([*fx("token"), fixture])
    await kit.expect_error(adapter, EMAIL_Q, error)


@pytest.mark.parametrize(
    "cases", [["bad_key"], ["token", "out_of_credits"], ["token", "rate_limited"]]
)
async def test_the_key_never_appears_in_errors(cases: list[str]) -> None:
    adapter, _ = _snov(fx(*cases), key="my-client-id:my-very-secret")
    with pytest.raises(ProviderError) as caught:
        await adapter.lookup(EMAIL_Q)
    for secret in ("my-client-id", "my-very-secret", DOCUMENTED_TOKEN):
        assert secret not in str(caught.value)


def test_accepts_an_email_or_a_name_with_a_domain() -> None:
    adapter, _ = _snov(fx("token"))
    assert adapter.accepts(EMAIL_Q)
    assert adapter.accepts(NAME_Q)
    assert adapter.accepts(Query(account_id=1, full_name="John Doe", company_domain="x.com"))
    assert adapter.accepts(Query(account_id=1, known={"email": "a@b.com"}))
    assert not adapter.accepts(Query(account_id=1, first_name="J", last_name="D", company_name="X"))
    assert not adapter.accepts(Query(account_id=1, linkedin_url="https://linkedin.com/in/x"))


# --- round trips through the wire -----------------------------------------------------


def _paired(view: kit.FakeView, wire: SnovWire | None = None) -> tuple[SnovProvider, list[Any]]:
    adapter, seen = kit.paired(ADAPTER, wire or SnovWire(), view, key=KEY)
    assert isinstance(adapter, SnovProvider)
    adapter.poll_interval = 0
    return adapter, seen


async def test_round_trip_profile_by_email() -> None:
    adapter, seen = _paired(kit.full_view())
    result = await adapter.lookup(kit.JANE_BY_EMAIL)
    carried = (
        "full_name",
        "first_name",
        "last_name",
        "title",
        "linkedin_url",
        "twitter_url",
        "city",
        "country",
        "company_name",
        "company_domain",
        "company_linkedin_url",
        "company_industry",
        "company_size",
        "company_founded_year",
        "company_hq_city",
        "company_hq_country",
    )
    kit.assert_carries(kit.values(result), carried)
    assert result.fields["title"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert [m.path for m in seen] == ["/v1/oauth/access_token", "/v1/get-profile-by-email"]


@pytest.mark.parametrize(
    ("verdict", "status", "confidence"),
    [
        ("valid", "valid", SMTP_CONFIDENCE["valid"]),
        ("catch_all", "catch-all", SMTP_CONFIDENCE["catch-all"]),
        # "unknown" is among normalize_fields' blanks, so that status is not kept
        ("unknown", "unknown", SMTP_CONFIDENCE["unknown"]),
    ],
)
async def test_round_trip_finder(
    verdict: EmailVerdict, status: str | None, confidence: float
) -> None:
    adapter, seen = _paired(kit.full_view(verdicts={kit.JANE_EMAIL: verdict}))
    result = await adapter.lookup(kit.JANE_BY_NAME)
    assert kit.values(result)["email"] == kit.JANE_EMAIL
    assert kit.values(result).get("email_status") == status
    assert result.fields["email"].confidence == confidence
    assert [m.method + " " + m.path for m in seen] == [
        "POST /v1/oauth/access_token",
        "POST /v2/emails-by-domain-by-name/start",
        "GET /v2/emails-by-domain-by-name/result",  # in_progress
        "GET /v2/emails-by-domain-by-name/result",  # completed
    ]


async def test_round_trip_invalid_address_is_a_miss() -> None:
    adapter, _ = _paired(kit.full_view(verdicts={kit.JANE_EMAIL: "invalid"}))
    await kit.expect_miss(adapter, kit.JANE_BY_NAME)


async def test_round_trip_finder_of_nobody_is_a_miss() -> None:
    adapter, _ = _paired(kit.FakeView())
    await kit.expect_miss(adapter, kit.JANE_BY_NAME)


async def test_round_trip_reuses_the_issued_token() -> None:
    wire = SnovWire()
    adapter, seen = _paired(kit.full_view(), wire)
    await adapter.lookup(kit.JANE_BY_EMAIL)
    await adapter.lookup(kit.JANE_BY_EMAIL)
    assert [m.path for m in seen].count("/v1/oauth/access_token") == 1
    token = seen[1].headers["authorization"].removeprefix("Bearer ")
    assert wire.key_of(seen[1]) == KEY
    assert token not in KEY


# --- the wire itself ------------------------------------------------------------------


def _market(method: str, path: str, body: Any = None, **headers: str) -> MarketRequest:
    content = json.dumps(body).encode() if body is not None else b""
    heads = {"content-type": "application/json", **headers}
    return MarketRequest(method=method, path=path, query={}, headers=heads, body=content)


def test_wire_token_endpoint_key_is_the_credential_pair() -> None:
    wire = SnovWire()
    form = b"grant_type=client_credentials&client_id=abc&client_secret=xyz"
    request = MarketRequest(
        "POST",
        "/v1/oauth/access_token",
        {},
        {"content-type": "application/x-www-form-urlencoded"},
        form,
    )
    assert wire.key_of(request) == "abc:xyz"
    answer = wire.handle(request, kit.FakeView())
    assert answer.json["token_type"] == "Bearer" and answer.json["expires_in"] == 3600
    token = answer.json["access_token"]
    assert (
        wire.key_of(_market("POST", "/v1/get-profile-by-email", authorization=f"Bearer {token}"))
        == "abc:xyz"
    )
    assert (
        wire.key_of(_market("POST", "/v1/get-profile-by-email", {"access_token": token}))
        == "abc:xyz"
    )
    assert (
        wire.key_of(_market("POST", "/v1/get-profile-by-email", authorization="Bearer forged"))
        is None
    )
    assert wire.handle(request, kit.FakeView()).json["access_token"] == token  # deterministic


def test_wire_token_endpoint_refuses_other_grants_and_renders_oauth_errors() -> None:
    wire = SnovWire()
    bad_grant = _market(
        "POST",
        "/v1/oauth/access_token",
        {"grant_type": "password", "client_id": "a", "client_secret": "b"},
    )
    assert wire.handle(bad_grant, kit.FakeView()).status == 400
    refused = wire.error("auth", bad_grant)
    assert refused.status == 401 and refused.json["error"] == "invalid_client"
    assert wire.error("auth", _market("GET", "/v2/x")).json == {
        "success": False,
        "message": "Unauthorized",
    }


def test_wire_finder_tasks_belong_to_their_key_and_validate_rows() -> None:
    wire = SnovWire()
    token = wire.token_for(KEY)
    auth = {"authorization": f"Bearer {token}"}
    rows = [{"first_name": "Jane", "last_name": "Doe", "domain": "acme-widgets.test"}]
    started = wire.handle(
        _market("POST", "/v2/emails-by-domain-by-name/start", {"rows": rows}, **auth),
        kit.full_view(),
    )
    task = started.json["data"]["task_hash"]
    assert started.json["meta"] == {"rows": rows, "task_hash": task}
    other = wire.token_for("other:key")
    foreign = MarketRequest(
        "GET",
        "/v2/emails-by-domain-by-name/result",
        {"task_hash": task},
        {"authorization": f"Bearer {other}"},
    )
    assert wire.handle(foreign, kit.full_view()).status == 404
    mine = MarketRequest("GET", "/v2/emails-by-domain-by-name/result", {"task_hash": task}, auth)
    assert wire.handle(mine, kit.full_view()).json["status"] == "in_progress"
    done = wire.handle(mine, kit.full_view()).json
    assert done["status"] == "completed"
    assert done["data"][0]["people"] == "Jane Doe"
    assert done["data"][0]["result"][0]["email"] == "jane.doe@acme-widgets.test"
    too_many = {"rows": rows * 11}
    assert (
        wire.handle(
            _market("POST", "/v2/emails-by-domain-by-name/start", too_many, **auth), kit.full_view()
        ).status
        == 400
    )
    assert (
        wire.handle(
            _market(
                "POST",
                "/v2/emails-by-domain-by-name/start",
                {"rows": [{"first_name": "J"}]},
                **auth,
            ),
            kit.full_view(),
        ).status
        == 400
    )


def test_wire_keeps_a_bounded_number_of_tasks() -> None:
    wire = SnovWire(max_tasks=2)
    auth = {"authorization": f"Bearer {wire.token_for(KEY)}"}
    rows = [{"first_name": "Jane", "last_name": "Doe", "domain": "acme-widgets.test"}]
    hashes = [
        wire.handle(
            _market("POST", "/v2/emails-by-domain-by-name/start", {"rows": rows}, **auth),
            kit.full_view(),
        ).json["data"]["task_hash"]
        for _ in range(3)
    ]
    assert len(set(hashes)) == 3
    first = MarketRequest(
        "GET", "/v2/emails-by-domain-by-name/result", {"task_hash": hashes[0]}, auth
    )
    assert wire.handle(first, kit.full_view()).status == 404


def test_wire_profile_and_unknown_path() -> None:
    wire = SnovWire()
    auth = {"authorization": f"Bearer {wire.token_for(KEY)}"}
    found = wire.handle(
        _market(
            "POST", "/v1/get-profile-by-email", {"email": "jane.doe@acme-widgets.test"}, **auth
        ),
        kit.full_view(),
    ).json
    assert found["currentJobs"][0]["startDate"] is None
    assert found["lastUpdateDate"] == "2026-09-14 00:00:00"
    assert found["social"][0] == {
        "link": "https://www.linkedin.com/in/jane-doe-42",
        "type": "linkedIn",
    }
    missing = wire.handle(
        _market("POST", "/v1/get-profile-by-email", {"email": "x@y.test"}, **auth), kit.full_view()
    )
    assert missing.json == {"success": True, "message": "We couldn't find profile with this email"}
    unknown = wire.handle(_market("GET", "/v9/unknown", **auth), kit.full_view())
    assert unknown.status == 404 and unknown.json["success"] is False


def test_wire_job_start_is_the_month_end() -> None:
    wire = SnovWire()
    auth = {"authorization": f"Bearer {wire.token_for(KEY)}"}
    view = kit.FakeView(people=[kit.sample_person(job_start_date="2024-02")])
    found = wire.handle(
        _market(
            "POST", "/v1/get-profile-by-email", {"email": "jane.doe@acme-widgets.test"}, **auth
        ),
        view,
    ).json
    assert found["currentJobs"][0]["startDate"] == "2024-02-29"
