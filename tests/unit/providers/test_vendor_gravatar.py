"""Gravatar adapter: profile by email hash, optional key, errors, and its market wire."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import httpx
import pytest

from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.providers.config import ProviderSettings
from cleanlist_server.providers.http import UNDATED_AGE
from cleanlist_server.providers.vendors.gravatar import (
    ADAPTER,
    GRAVATAR_CONFIDENCE,
    GRAVATAR_URL,
    GravatarProvider,
)
from cleanlist_server.sandbox.market.vendors.gravatar import WIRE, GravatarWire
from cleanlist_server.sandbox.market.wire import ErrorKind, MarketRequest, VendorWire
from tests import provider_kit as kit

PROVIDER = "gravatar"
ALEX_Q = Query(account_id=1, email="  Alex@Example.com ")
ALEX_HASH = hashlib.sha256(b"alex@example.com").hexdigest()
PROFILE = f"/v3/profiles/{ALEX_HASH}"
SECRET = "grav-key-3b7e91"

RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "public_social": True,
    "not_found": False,
    "bad_key": ProviderAuthError,
    "rate_limited": ProviderRateLimited,
}


class PinnedWire(GravatarWire):
    """The wire on the adapters' clock: ``kit.NOW``, the top of an hour."""

    def __init__(self) -> None:
        super().__init__(clock=kit.NOW.timestamp)


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = ALEX_Q
    key = SECRET
    recorded = RECORDED
    key_header = "authorization"
    key_scheme = "Bearer "
    unusable = kit.unusable_bodies(
        malformed='{"hash": "abc", ',
        as_text='{"hash": "abc"}',
        extra={"no-hash": {"display_name": "Alex"}, "list": ["hash"]},
        method="GET",
        path=PROFILE,
    )
    recorded_wait = 1800.0  # X-RateLimit-Reset is 30 minutes after NOW
    wire = PinnedWire
    wire_query = kit.JANE_BY_EMAIL
    # Gravatar is free: its only quota is the hourly allowance, answered as a 429 whose
    # X-RateLimit-Reset is the end of the window: a whole hour after NOW.
    wire_quota = ProviderRateLimited
    wire_wait = 3600.0
    wrong_key = "wrong"


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


async def test_match_maps_the_profile() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    result = await adapter.lookup(ALEX_Q)
    got = kit.values(result)
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
    assert calls[0].url.path == PROFILE


async def test_the_address_is_sent_only_as_its_sha256() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    await adapter.lookup(ALEX_Q)
    sent = str(calls[0].url) + calls[0].content.decode()
    assert "alex" not in sent.lower().replace(ALEX_HASH, "")
    legacy_md5 = hashlib.md5(b"alex@example.com").hexdigest()  # the pre-v3 identifier
    assert legacy_md5 not in sent


async def test_public_profile_maps_visible_verified_accounts() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "public_social"))
    result = await adapter.lookup(ALEX_Q)
    got = kit.values(result)
    assert got["linkedin_url"] == "https://linkedin.com/in/alex-morgan-example"
    assert got["github_url"] == "https://github.com/alexmorgan"
    assert "twitter_url" not in got  # hidden
    assert (
        result.fields["full_name"].observed_at == kit.NOW - UNDATED_AGE
    )  # no last_profile_edit without a key


async def test_retry_after_wins_over_the_reset_header() -> None:
    fixture = kit.load_fixture(PROVIDER, "rate_limited")
    fixture["response"]["headers"]["Retry-After"] = "7"
    adapter, _ = kit.replay(ADAPTER, fixture)
    assert (await kit.expect_error(adapter, ALEX_Q, ProviderRateLimited)).retry_after == 7.0


@pytest.mark.parametrize("reset", ["soon", ""])
async def test_an_unusable_reset_header_gives_no_wait(reset: str) -> None:
    fixture = kit.load_fixture(PROVIDER, "rate_limited")
    fixture["response"]["headers"]["X-RateLimit-Reset"] = reset
    adapter, _ = kit.replay(ADAPTER, fixture)
    assert (await kit.expect_error(adapter, ALEX_Q, ProviderRateLimited)).retry_after is None


async def test_a_server_error_is_unavailable() -> None:
    body = {"error": "Internal", "code": "internal_error"}
    adapter, _ = kit.replay(ADAPTER, kit.canned(500, body, method="GET", path=PROFILE))
    await kit.expect_error(adapter, ALEX_Q, ProviderUnavailable)


async def test_an_optional_key_is_sent_as_bearer() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    await adapter.lookup(ALEX_Q)
    kit.assert_key_in_header(calls[0], "authorization", scheme="Bearer ")
    keyless, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"), key=None)
    assert (await keyless.lookup(ALEX_Q)).matched
    assert "authorization" not in calls[0].headers


def test_accepts_an_email_from_the_request_or_the_waterfall() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    assert adapter.accepts(ALEX_Q)
    assert adapter.accepts(Query(account_id=1, known={"email": kit.JANE_EMAIL}))
    assert not adapter.accepts(Query(account_id=1, linkedin_url="https://linkedin.com/in/x"))
    assert not adapter.accepts(Query(account_id=1, full_name="Alex Morgan", company_name="ACME"))


async def test_an_email_found_earlier_in_the_waterfall_is_looked_up() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    await adapter.lookup(Query(account_id=1, known={"email": "alex@example.com"}))
    assert calls[0].url.path == PROFILE


# --- round trips through the wire -----------------------------------------------------


def _wire() -> GravatarWire:
    wire = GravatarWire()
    wire.register_emails([kit.JANE_EMAIL, "someone@else.test", ""])
    return wire


def _view() -> kit.FakeView:
    return kit.full_view(github_url="https://github.com/janedoe")


async def test_round_trip_with_a_key_recovers_the_public_fields() -> None:
    adapter, seen = kit.paired(ADAPTER, _wire(), _view())
    result = await adapter.lookup(Query(account_id=1, email="Jane.Doe@acme-widgets.test"))
    got = kit.values(result)
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
        == "https://0.gravatar.com/avatar/" + hashlib.sha256(kit.JANE_EMAIL.encode()).hexdigest()
    )
    assert result.fields["title"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert seen[0].headers["authorization"] == f"Bearer {kit.TEST_KEY}"


async def test_round_trip_without_a_key_gets_the_reduced_profile() -> None:
    wire = _wire()
    answer = wire.handle(
        MarketRequest(
            "GET", f"/v3/profiles/{hashlib.sha256(kit.JANE_EMAIL.encode()).hexdigest()}", {}, {}
        ),
        _view(),
    )
    assert answer.status == 200 and answer.json is not None
    assert "first_name" not in answer.json and "last_profile_edit" not in answer.json
    assert answer.json["display_name"] == "Jane Doe"
    assert wire.key_of(MarketRequest("GET", "/v3/profiles/x", {}, {})) is None


async def test_round_trip_unregistered_or_unknown_address_is_a_miss() -> None:
    adapter, _ = kit.paired(ADAPTER, _wire(), _view())
    await kit.expect_miss(adapter, Query(account_id=1, email="ghost@acme-widgets.test"))
    adapter, _ = kit.paired(ADAPTER, _wire(), kit.FakeView())
    await kit.expect_miss(adapter, kit.JANE_BY_EMAIL)


@pytest.mark.parametrize("kind", ["rate_limited", "quota"])
def test_wire_rate_limit_headers_are_the_documented_ones(kind: ErrorKind) -> None:
    documented = kit.load_fixture(PROVIDER, "rate_limited")["response"]
    wire = GravatarWire(clock=lambda: kit.NOW.timestamp() + 600)  # 10 minutes into the hour
    keyed = MarketRequest("GET", "/v3/profiles/x", {}, {"authorization": "Bearer k"})
    limited = wire.error(kind, keyed)
    assert (limited.status, limited.json) == (429, documented["body"])
    assert set(limited.headers) == set(documented["headers"])  # no Retry-After, as documented
    assert limited.headers["X-RateLimit-Limit"] == "1000"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.headers["X-RateLimit-Reset"] == str(int(kit.NOW.timestamp()) + 3600)
    anonymous = wire.error(kind, MarketRequest("GET", "/v3/profiles/x", {}, {}))
    assert anonymous.headers["X-RateLimit-Limit"] == "100"


def test_wire_unknown_path() -> None:
    unknown = WIRE.handle(MarketRequest("GET", "/v2/users/x", {}, {}), _view())
    assert unknown.status == 404 and unknown.json == {"error": "Not found", "code": "not_found"}
