"""ContactOut adapter: recorded fixtures, error translation, and round trips through its wire."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.normalize.record import normalize_fields
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.vendors.contactout import (
    ADAPTER,
    PROFILE_CONFIDENCE,
    VERIFIED_CONFIDENCE,
    ContactOutProvider,
)
from cleanlist_server.sandbox.market.vendors.contactout import WIRE, ContactOutWire
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

PROVIDER = "contactout"
EMAIL_Q = Query(account_id=1, email="bobbi@obm-international.com")
PERSONAL_Q = Query(account_id=1, email="someone@gmail.com")
LINKEDIN_Q = Query(account_id=1, linkedin_url="https://linkedin.com/in/example-person")
NAME_Q = Query(account_id=1, first_name="Alex", last_name="Example", company_domain="example.com")


def _query_for(fixture: dict[str, Any]) -> Query:
    path = fixture["request"]["path"]
    if path == "/v1/linkedin/enrich":
        return LINKEDIN_Q
    if path == "/v1/people/enrich":
        return NAME_Q
    return EMAIL_Q


def _fixture(status: int, body: Any, content_type: str | None = None) -> dict[str, Any]:
    headers = {"content-type": content_type} if content_type else {}
    return {
        "request": {"method": "GET", "path": "/v1/email/enrich"},
        "response": {"status": status, "headers": headers, "body": body},
    }


def _http(answer: MarketResponse) -> httpx.Response:
    headers = dict(answer.headers)
    if answer.json is not None:
        headers.setdefault("content-type", "application/json")
        return httpx.Response(answer.status, headers=headers, content=json.dumps(answer.json))
    headers.setdefault("content-type", answer.content_type or "text/plain")
    return httpx.Response(answer.status, headers=headers, content=(answer.text or "").encode())


def _failing(kind: ErrorKind) -> ContactOutProvider:
    """The adapter talking to a wire that answers every request with ``error(kind)``."""

    def handler(request: httpx.Request) -> httpx.Response:
        market = MarketRequest(
            method=request.method,
            path=request.url.path,
            query=dict(request.url.params),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.content,
        )
        return _http(WIRE.error(kind, market))

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return ContactOutProvider(settings_for(PROVIDER), client, clock=lambda: NOW)


def _expected(**overrides: Any) -> dict[str, Any]:
    """The sample person's fields as the normalizer renders them."""
    normalized = normalize_fields(sample_person(**overrides).fields)
    return {**normalized.person, **normalized.company}


# --- fixtures ----------------------------------------------------------------------------


def test_the_wire_implements_the_vendor_wire_protocol() -> None:
    wire: VendorWire = WIRE
    assert wire.name == PROVIDER


def test_adapter_is_exported() -> None:
    assert ADAPTER is ContactOutProvider
    assert ADAPTER.name == PROVIDER
    assert WIRE.name == PROVIDER


@pytest.mark.parametrize("case", all_cases(PROVIDER))
async def test_every_fixture_replays_to_a_result_or_a_typed_error(case: str) -> None:
    fixture = load_fixture(PROVIDER, case)
    assert fixture["source"].startswith("https://api.contactout.com/")
    adapter, calls = replay(ADAPTER, fixture)
    try:
        result = await adapter.lookup(_query_for(fixture))
    except ProviderError:
        pass
    else:
        assert isinstance(result, ProviderResult)
        assert result.provider == PROVIDER
    assert len(calls) == 1


async def test_email_enrich_match_maps_the_documented_example() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    result = await adapter.lookup(EMAIL_Q)
    got = values(result)
    assert result.matched
    assert got["email"] == "work-email@obm-international.com"
    assert got["personal_email"] == "0getfisher@gmail.com"
    assert got["full_name"] == "Bobbi Singh"
    assert got["first_name"] == "Bobbi" and got["last_name"] == "Singh"
    assert got["linkedin_url"] == "https://linkedin.com/in/bobbisingh"
    assert got["phone"] == "+61438347437"
    assert got["headline"] == "Manager, Business Operations & Marketing at OBM International"
    assert got["photo_url"].startswith("https://images.contactout.com/profiles/")
    assert got["company_name"] == "OBM International"
    assert got["company_domain"] == "obm.international"
    assert got["company_linkedin_url"] == "https://linkedin.com/company/obm-international"
    assert got["company_employee_count"] == 50
    assert got["company_size"] == "11-50"
    assert got["company_founded_year"] == 1936
    assert got["company_annual_revenue"] == 6101000
    assert got["company_hq_city"] == "Miami"  # the "Headquarters" entry of locations
    assert got["company_type"] == "Public Company"
    # The documented placeholder "Verified | Unverified" is not a verification.
    assert "email_status" not in got
    assert "title" not in got  # the only experience is not current
    field = result.fields["email"]
    assert field.observed_at == datetime(2024, 1, 1, tzinfo=UTC)
    assert field.confidence == PROFILE_CONFIDENCE
    assert field.source == PROVIDER
    sent = calls[0]
    assert sent.url.params["email"] == "bobbi@obm-international.com"
    assert "include" not in sent.url.params  # a work address: no need for work_email


async def test_linkedin_enrich_match_maps_the_snake_case_layout() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match_linkedin"))
    result = await adapter.lookup(LINKEDIN_Q)
    got = values(result)
    assert got["linkedin_url"] == "https://linkedin.com/in/example-person"
    assert got["email"] == "email1@example.com"
    assert got["personal_email"] == "email2@gmail.com"
    assert "phone" not in got  # the documented placeholder "+1234567891" is no real number
    assert got["full_name"] == "Example Person"
    assert got["company_name"] == "Legros, Smitham and Kessler"
    assert got["company_domain"] == "legros.com"
    assert got["company_founded_year"] == 2007
    assert got["company_hq_country"] == "United States"
    assert result.fields["full_name"].observed_at == datetime(2024, 1, 1, tzinfo=UTC)
    assert calls[0].url.params["profile"] == "https://linkedin.com/in/example-person"


async def test_people_enrich_maps_current_job_and_verified_work_email() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "people_match"))
    result = await adapter.lookup(NAME_Q)
    got = values(result)
    assert got["email"] == "alex@example-robotics.com"
    assert got["email_status"] == "valid"
    assert got["personal_email"] == "alex.example@gmail.com"
    assert got["title"] == "Head of Operations"
    assert got["job_start_date"] == "2022-03"
    assert got["company_employee_count"] == 120
    assert result.fields["email"].confidence == VERIFIED_CONFIDENCE
    assert result.fields["email"].observed_at == datetime(2025, 6, 30, 8, 15, tzinfo=UTC)
    body = json.loads(calls[0].content)
    assert body == {
        "include": ["work_email", "personal_email", "phone"],
        "first_name": "Alex",
        "last_name": "Example",
        "company_domain": ["example.com"],
    }


async def test_people_enrich_asks_no_phone_when_the_query_wants_none() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "people_match"))
    query = Query(
        account_id=1, full_name="Alex Example", company_name="Example Robotics", include_phone=False
    )
    await adapter.lookup(query)
    body = json.loads(calls[0].content)
    assert body == {
        "include": ["work_email", "personal_email"],
        "full_name": "Alex Example",
        "company": ["Example Robotics"],
    }


async def test_a_personal_address_asks_for_the_work_email() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    await adapter.lookup(PERSONAL_Q)
    assert calls[0].url.params["include"] == "work_email"


@pytest.mark.parametrize("case", ["not_found", "linkedin_empty"])
async def test_documented_empty_results_are_misses(case: str) -> None:
    fixture = load_fixture(PROVIDER, case)
    adapter, _ = replay(ADAPTER, fixture)
    result = await adapter.lookup(_query_for(fixture))
    assert result == ProviderResult.miss(PROVIDER)


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("bad_key", ProviderAuthError),
        ("out_of_credits", ProviderQuotaExceeded),
        ("rate_limited", ProviderRateLimited),
        ("status_in_body", ProviderAuthError),
    ],
)
async def test_errors_are_typed(case: str, error: type[ProviderError]) -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, case))
    with pytest.raises(error):
        await adapter.lookup(EMAIL_Q)


async def test_rate_limited_carries_retry_after() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "rate_limited"))
    with pytest.raises(ProviderRateLimited) as caught:
        await adapter.lookup(EMAIL_Q)
    assert caught.value.retry_after == 12.0


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (404, None),
        (401, ProviderAuthError),
        (403, ProviderQuotaExceeded),
        (429, ProviderRateLimited),
        (503, ProviderUnavailable),
        (422, ProviderBadResponse),
    ],
)
async def test_the_body_status_code_of_an_http_200_wins(
    status: int, error: type[ProviderError] | None
) -> None:
    adapter, _ = replay(ADAPTER, _fixture(200, {"status_code": status, "message": "x"}))
    if error is None:
        assert not (await adapter.lookup(EMAIL_Q)).matched
        return
    with pytest.raises(error):
        await adapter.lookup(EMAIL_Q)


@pytest.mark.parametrize(
    "fixture",
    [
        _fixture(200, "<html><body>Whoops</body></html>", "text/html"),
        _fixture(200, ""),
        _fixture(200, "{not json", "application/json"),
        _fixture(200, '{"status_code": 200, "profile": {}}', "text/plain"),
        _fixture(200, {"status_code": 200}),
        _fixture(200, {"status_code": 200, "profile": "Bobbi"}),
        _fixture(200, ["profile"]),
    ],
    ids=["html", "empty", "malformed", "wrong-type", "no-profile", "profile-string", "list"],
)
async def test_bad_bodies_are_bad_responses(fixture: dict[str, Any]) -> None:
    adapter, _ = replay(ADAPTER, fixture)
    with pytest.raises(ProviderBadResponse):
        await adapter.lookup(EMAIL_Q)


@pytest.mark.parametrize("case", ["bad_key", "out_of_credits", "rate_limited", "status_in_body"])
async def test_the_key_never_appears_in_errors(case: str) -> None:
    key = "co-secret-token-9f8e7d"
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, case), key=key)
    with pytest.raises(ProviderError) as caught:
        await adapter.lookup(EMAIL_Q)
    assert key not in str(caught.value)
    assert key not in repr(caught.value)


async def test_the_key_goes_in_the_token_header() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    await adapter.lookup(EMAIL_Q)
    assert calls[0].headers["token"] == TEST_KEY
    assert TEST_KEY not in str(calls[0].url)
    assert "authorization" not in calls[0].headers


def test_accepts_a_linkedin_url_an_email_or_a_name_with_a_company() -> None:
    adapter, _ = replay(ADAPTER, load_fixture(PROVIDER, "match"))
    assert adapter.accepts(EMAIL_Q)
    assert adapter.accepts(LINKEDIN_Q)
    assert adapter.accepts(NAME_Q)
    assert adapter.accepts(Query(account_id=1, full_name="Alex Example", company_name="Ex"))
    assert adapter.accepts(Query(account_id=1, known={"linkedin_url": "https://linkedin.com/in/a"}))
    assert not adapter.accepts(Query(account_id=1, first_name="Alex", last_name="Example"))
    assert not adapter.accepts(Query(account_id=1, company_domain="example.com"))


async def test_a_linkedin_url_found_earlier_in_the_waterfall_is_used_first() -> None:
    adapter, calls = replay(ADAPTER, load_fixture(PROVIDER, "match_linkedin"))
    query = Query(
        account_id=1,
        email="bobbi@obm-international.com",
        known={"linkedin_url": "https://linkedin.com/in/example-person"},
    )
    assert (await adapter.lookup(query)).matched
    assert calls[0].url.path == "/v1/linkedin/enrich"


# --- round trips through the wire -----------------------------------------------------


ROUND_TRIP_FIELDS = (
    "email",
    "full_name",
    "first_name",
    "last_name",
    "title",
    "linkedin_url",
    "twitter_url",
    "phone",
    "city",
    "country",
    "company_name",
    "company_domain",
    "company_linkedin_url",
    "company_employee_count",
    "company_industry",
    "company_founded_year",
    "company_hq_country",
)


def _view() -> FakeView:
    return FakeView(people=[sample_person()], companies=[sample_company()])


@pytest.mark.parametrize(
    "query",
    [
        Query(account_id=1, linkedin_url="https://www.linkedin.com/in/jane-doe-42/"),
        Query(account_id=1, email="jane.doe@acme-widgets.test"),
        Query(account_id=1, first_name="Jane", last_name="Doe", company_domain="acme-widgets.test"),
        Query(account_id=1, full_name="Jane Doe", company_name="Acme Widgets"),
    ],
    ids=["linkedin", "email", "name-domain", "name-company"],
)
async def test_round_trip_recovers_the_vendor_record(query: Query) -> None:
    adapter, seen = paired(ADAPTER, ContactOutWire(), _view())
    result = await adapter.lookup(query)
    got, expected = values(result), _expected()
    for name in ROUND_TRIP_FIELDS:
        assert got.get(name) == expected[name], name
    assert result.fields["email"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert seen[0].headers["token"] == TEST_KEY


async def test_round_trip_people_enrich_without_phone_returns_none() -> None:
    adapter, _ = paired(ADAPTER, ContactOutWire(), _view())
    query = Query(
        account_id=1,
        first_name="Jane",
        last_name="Doe",
        company_domain="acme-widgets.test",
        include_phone=False,
    )
    got = values(await adapter.lookup(query))
    assert "phone" not in got and "mobile" not in got
    assert got["email"] == "jane.doe@acme-widgets.test"


async def test_round_trip_verified_work_email_raises_confidence() -> None:
    view = FakeView(people=[sample_person()], verdicts={"jane.doe@acme-widgets.test": "valid"})
    adapter, _ = paired(ADAPTER, ContactOutWire(), view)
    query = Query(
        account_id=1, first_name="Jane", last_name="Doe", company_domain="acme-widgets.test"
    )
    result = await adapter.lookup(query)
    assert values(result)["email_status"] == "valid"
    assert result.fields["email"].confidence == VERIFIED_CONFIDENCE


@pytest.mark.parametrize(
    "query",
    [
        Query(account_id=1, linkedin_url="https://linkedin.com/in/nobody"),
        Query(account_id=1, email="nobody@acme-widgets.test"),
        Query(account_id=1, first_name="No", last_name="Body", company_domain="acme-widgets.test"),
    ],
    ids=["linkedin", "email", "name"],
)
async def test_round_trip_unknown_person_is_a_miss(query: Query) -> None:
    adapter, _ = paired(ADAPTER, ContactOutWire(), FakeView())
    assert await adapter.lookup(query) == ProviderResult.miss(PROVIDER)


async def test_round_trip_wrong_key_is_an_auth_error() -> None:
    adapter, _ = paired(ADAPTER, ContactOutWire(), _view())
    adapter.settings = settings_for(PROVIDER, key="not-the-key")
    with pytest.raises(ProviderAuthError):
        await adapter.lookup(EMAIL_Q)


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("auth", ProviderAuthError),
        ("quota", ProviderQuotaExceeded),
        ("rate_limited", ProviderRateLimited),
        ("server", ProviderUnavailable),
    ],
)
async def test_wire_errors_become_typed_errors(kind: ErrorKind, error: type[ProviderError]) -> None:
    adapter = _failing(kind)
    with pytest.raises(error) as caught:
        await adapter.lookup(LINKEDIN_Q)
    if isinstance(caught.value, ProviderRateLimited):
        assert caught.value.retry_after == 2.0


def _market(method: str, path: str, **query: str) -> MarketRequest:
    return MarketRequest(method=method, path=path, query=query, headers={"token": TEST_KEY})


def test_wire_unknown_path_is_a_404_in_its_style() -> None:
    answer = WIRE.handle(_market("GET", "/v2/nothing"), _view())
    assert answer.status == 404
    assert answer.json == {"status_code": 404, "message": "Not Found"}


def test_wire_email_enrich_adds_the_work_email_only_when_included() -> None:
    plain = WIRE.handle(
        _market("GET", "/v1/email/enrich", email="jane.doe@acme-widgets.test"), _view()
    )
    assert "workEmail" not in plain.json["profile"]
    asked = WIRE.handle(
        _market(
            "GET", "/v1/email/enrich", email="jane.doe@acme-widgets.test", include="work_email"
        ),
        _view(),
    )
    profile = asked.json["profile"]
    assert profile["workEmail"] == "jane.doe@acme-widgets.test"
    assert profile["workEmailStatus"] == "Unverified"
    assert profile["updatedAt"] == "2026-09-14 00:00:00"
    assert profile["experience"][0]["start_date_year"] is None


def test_wire_key_is_the_token_header() -> None:
    assert WIRE.key_of(_market("GET", "/v1/email/enrich")) == TEST_KEY
    assert WIRE.key_of(MarketRequest("GET", "/v1/email/enrich", {}, {})) is None


def test_wire_linkedin_enrich_lists_contacts_and_handles() -> None:
    answer = WIRE.handle(
        _market("GET", "/v1/linkedin/enrich", profile="linkedin.com/in/jane-doe-42"), _view()
    )
    profile = answer.json["profile"]
    assert profile["work_email"] == ["jane.doe@acme-widgets.test"]
    assert profile["phone"] == ["+14155550142", "+14155550143"]
    assert profile["twitter"] == ["janedoe"]
    assert profile["company"]["size"] == 320
    assert profile["experience"][0]["is_current"] is True
