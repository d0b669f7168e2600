"""Gravatar adapter: profile by email hash, optional key, errors, and its market wire."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.config import ProviderSettings
from cleanlist_server.providers.http import UNDATED_AGE
from cleanlist_server.providers.vendors.gravatar import (
    ADAPTER,
    GRAVATAR_CONFIDENCE,
    GRAVATAR_URL,
    GravatarProvider,
)
from cleanlist_server.sandbox.market.vendors.gravatar import WIRE, GravatarWire
from cleanlist_server.sandbox.market.wire import (
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

PROVIDER = "gravatar"
ALEX_Q = Query(account_id=1, email="  Alex@Example.com ")
ALEX_HASH = hashlib.sha256(b"alex@example.com").hexdigest()
JANE = "jane.doe@acme-widgets.test"


def _fixture(status: int, body: Any, content_type: str | None = None) -> dict[str, Any]:
    headers = {"content-type": content_type} if content_type else {}
    return {
        "request": {"method": "GET", "path": f"/v3/profiles/{ALEX_HASH}"},
        "response": {"status": status, "headers": headers, "body": body},
    }


def test_the_wire_implements_the_vendor_wire_protocol() -> None:
    wire: VendorWire = WIRE
    assert wire.name == PROVIDER


def test_adapter_is_exported_and_needs_no_key() -> None:
    assert ADAPTER is GravatarProvider
    assert ADAPTER.name == PROVIDER == WIRE.name
    assert ADAPTER.requires_key is False


def test_the_base_url_defaults_to_gravatar() -> None:
    client = httpx.AsyncClient()
    adapter = GravatarProvider(ProviderSettings(name=PROVIDER, enabled=True), client)
    assert adapter.base_url == GRAVATAR_URL == "https://api.gravatar.com"
    custom = ProviderSettings(name=PROVIDER, enabled=True, url="http://127.0.0.1:9/")
    assert GravatarProvider(custom, client).base_url == "http://127.0.0.1:9"


@pytest.mark.parametrize("case", all_cases(PROVIDER))
async def test_every_fixture_replays_to_a_result_or_a_typed_error(case: str) -> None:
    fixture = load_fixture(PROVIDER, case)
    assert fixture["source"].startswith("https://")
    adapter, calls = replay(ADAPTER, fixture)
    try:
        result = await adapter.lookup(ALEX_Q)
    except ProviderError:
        pass
    else:
        assert result.provider == PROVIDER
    assert len(calls) == 1


async def test_match_maps_the_profile() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    result = await adapter.lookup(ALEX_Q)
    got = values(result)
    assert got["full_name"] == "Alex Morgan"
    assert got["first_name"] == "Alex" and got["last_name"] == "Morgan"
    assert got["photo_url"].startswith("https://0.gravatar.com/avatar/")
    assert got["location"] == "New York, United States"
    assert got["country"] == "United States"
    assert got["title"] == "Landscape Architect"
    assert got["company_name"] == "ACME Corp"
    assert "linkedin_url" not in got  # the only verified account is a Tumblr
    field = result.fields["full_name"]
    assert field.observed_at == datetime(2021, 10, 1, 12, tzinfo=UTC)  # last_profile_edit
    assert field.confidence == GRAVATAR_CONFIDENCE
    assert calls[0].url.path == f"/v3/profiles/{ALEX_HASH}"


async def test_the_address_is_sent_only_as_its_sha256() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    await adapter.lookup(ALEX_Q)
    sent = str(calls[0].url) + calls[0].content.decode()
    assert "alex" not in sent.lower().replace(ALEX_HASH, "")
    legacy_md5 = hashlib.md5(b"alex@example.com").hexdigest()  # the pre-v3 identifier
    assert legacy_md5 not in sent


async def test_public_profile_maps_visible_verified_accounts() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "public_social"))
    result = await adapter.lookup(ALEX_Q)
    got = values(result)
    assert got["linkedin_url"] == "https://linkedin.com/in/alex-morgan-example"
    assert got["github_url"] == "https://github.com/alexmorgan"
    assert "twitter_url" not in got  # hidden
    assert (
        result.fields["full_name"].observed_at == NOW - UNDATED_AGE
    )  # no last_profile_edit without a key


async def test_not_found_is_a_miss() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "not_found"))
    assert await adapter.lookup(ALEX_Q) == ProviderResult.miss(PROVIDER)


async def test_bad_key_is_an_auth_error() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "bad_key"))
    with pytest.raises(ProviderAuthError):
        await adapter.lookup(ALEX_Q)


async def test_rate_limited_waits_until_the_documented_reset() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(ALEX_Q)
    assert caught.value.retry_after == 1800.0  # X-RateLimit-Reset is 30 minutes after NOW


async def test_retry_after_wins_over_the_reset_header() -> None:
    fixture = load_fixture(PROVIDER, "rate_limited")
    fixture["response"]["headers"]["Retry-After"] = "7"
    adapter, _ = replay(ADAPTER, fixture)
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(ALEX_Q)
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize("reset", ["soon", ""])
async def test_an_unusable_reset_header_gives_no_wait(reset: str) -> None:
    fixture = load_fixture(PROVIDER, "rate_limited")
    fixture["response"]["headers"]["X-RateLimit-Reset"] = reset
    adapter, _ = replay(ADAPTER, fixture)
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(ALEX_Q)
    assert caught.value.retry_after is None


async def test_a_server_error_is_unavailable() -> None:
    adapter, _ = replay(ADAPTER, _fixture(500, {"error": "Internal", "code": "internal_error"}))
    with pytest.raises(ProviderUnavailable):
        await adapter.lookup(ALEX_Q)


@pytest.mark.parametrize(
    "fixture",
    [
        _fixture(200, "<html><body>Gravatar</body></html>", "text/html"),
        _fixture(200, ""),
        _fixture(200, '{"hash": "abc", ', "application/json"),
        _fixture(200, '{"hash": "abc"}', "text/plain"),
        _fixture(200, {"display_name": "Alex"}),
        _fixture(200, ["hash"]),
    ],
    ids=["html", "empty", "malformed", "wrong-type", "no-hash", "list"],
)
async def test_bad_bodies_are_bad_responses(fixture: dict[str, Any]) -> None:
    adapter, _ = replay(ADAPTER, fixture)
    with pytest.raises(ProviderBadResponse):
        await adapter.lookup(ALEX_Q)


@pytest.mark.parametrize("case", ["bad_key", "rate_limited"])
async def test_the_key_never_appears_in_errors(case: str) -> None:
    key = "grav-key-3b7e91"
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, case), key=key)
    with pytest.raises(ProviderError) as caught:
        await adapter.lookup(ALEX_Q)
    assert key not in str(caught.value)


async def test_an_optional_key_is_sent_as_bearer() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    await adapter.lookup(ALEX_Q)
    assert calls[0].headers["authorization"] == f"Bearer {TEST_KEY}"
    keyless, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"), key=None)
    assert (await keyless.lookup(ALEX_Q)).matched
    assert "authorization" not in calls[0].headers


def test_accepts_an_email_from_the_request_or_the_waterfall() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    assert adapter.accepts(ALEX_Q)
    assert adapter.accepts(Query(account_id=1, known={"email": JANE}))
    assert not adapter.accepts(Query(account_id=1, linkedin_url="https://linkedin.com/in/x"))
    assert not adapter.accepts(Query(account_id=1, full_name="Alex Morgan", company_name="ACME"))


async def test_an_email_found_earlier_in_the_waterfall_is_looked_up() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    await adapter.lookup(Query(account_id=1, known={"email": "alex@example.com"}))
    assert calls[0].url.path == f"/v3/profiles/{ALEX_HASH}"


# --- round trips through the wire -----------------------------------------------------


def _wire() -> GravatarWire:
    wire = GravatarWire()
    wire.register_emails([JANE, "someone@else.test", ""])
    return wire


def _view() -> FakeView:
    person = sample_person(github_url="https://github.com/janedoe")
    return FakeView(people=[person], companies=[sample_company()])


async def test_round_trip_with_a_key_recovers_the_public_fields() -> None:
    adapter, seen = paired(ADAPTER, _wire(), _view())
    result = await adapter.lookup(Query(account_id=1, email="Jane.Doe@acme-widgets.test"))
    got = values(result)
    assert got["full_name"] == "Jane Doe"
    assert got["first_name"] == "Jane" and got["last_name"] == "Doe"
    assert got["title"] == "VP of Sales"
    assert got["company_name"] == "Acme Widgets"
    assert got["city"] == "San Francisco" and got["country"] == "United States"
    assert got["linkedin_url"] == "https://linkedin.com/in/jane-doe-42"
    assert got["twitter_url"] == "https://x.com/janedoe"
    assert got["github_url"] == "https://github.com/janedoe"
    assert (
        got["photo_url"]
        == "https://0.gravatar.com/avatar/" + hashlib.sha256(JANE.encode()).hexdigest()
    )
    assert result.fields["title"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert seen[0].headers["authorization"] == f"Bearer {TEST_KEY}"


async def test_round_trip_without_a_key_gets_the_reduced_profile() -> None:
    wire = _wire()
    answer = wire.handle(
        MarketRequest("GET", f"/v3/profiles/{hashlib.sha256(JANE.encode()).hexdigest()}", {}, {}),
        _view(),
    )
    assert answer.status == 200 and answer.json is not None
    assert "first_name" not in answer.json and "last_profile_edit" not in answer.json
    assert answer.json["display_name"] == "Jane Doe"
    assert wire.key_of(MarketRequest("GET", "/v3/profiles/x", {}, {})) is None


async def test_round_trip_unregistered_or_unknown_address_is_a_miss() -> None:
    adapter, _ = paired(ADAPTER, _wire(), _view())
    assert not (await adapter.lookup(Query(account_id=1, email="ghost@acme-widgets.test"))).matched
    adapter, _ = paired(ADAPTER, _wire(), FakeView())
    assert await adapter.lookup(Query(account_id=1, email=JANE)) == ProviderResult.miss(PROVIDER)


async def test_round_trip_wrong_key_is_an_auth_error() -> None:
    adapter, _ = paired(ADAPTER, _wire(), _view())
    adapter.settings = settings_for(PROVIDER, key="wrong")
    with pytest.raises(ProviderAuthError):
        await adapter.lookup(Query(account_id=1, email=JANE))


def _http(answer: MarketResponse) -> httpx.Response:
    headers = dict(answer.headers)
    headers.setdefault("content-type", "application/json")
    return httpx.Response(answer.status, headers=headers, content=json.dumps(answer.json))


def _failing(kind: ErrorKind) -> GravatarProvider:
    def handler(request: httpx.Request) -> httpx.Response:
        market = MarketRequest(
            method=request.method,
            path=request.url.path,
            query=dict(request.url.params),
            headers={k.lower(): v for k, v in request.headers.items()},
        )
        return _http(WIRE.error(kind, market))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return GravatarProvider(settings_for(PROVIDER), client, clock=lambda: NOW)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("auth", ProviderAuthError),
        # Gravatar is free: its only quota is the hourly allowance, answered as a 429.
        ("quota", ProviderRateLimited),
        ("rate_limited", ProviderRateLimited),
        ("server", ProviderUnavailable),
    ],
)
async def test_wire_errors_become_typed_errors(kind: ErrorKind, error: type[ProviderError]) -> None:
    with pytest.raises(error):
        await _failing(kind).lookup(Query(account_id=1, email=JANE))


def test_wire_rate_limit_headers_and_unknown_path() -> None:
    keyed = MarketRequest("GET", "/v3/profiles/x", {}, {"authorization": "Bearer k"})
    limited = WIRE.error("rate_limited", keyed)
    assert limited.status == 429
    assert limited.json == {"error": "Rate limit exceeded", "code": "rate_limit_exceeded"}
    assert limited.headers["X-RateLimit-Limit"] == "1000"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    anonymous = WIRE.error("rate_limited", MarketRequest("GET", "/v3/profiles/x", {}, {}))
    assert anonymous.headers["X-RateLimit-Limit"] == "100"
    unknown = WIRE.handle(MarketRequest("GET", "/v2/users/x", {}, {}), _view())
    assert unknown.status == 404 and unknown.json == {"error": "Not found", "code": "not_found"}
