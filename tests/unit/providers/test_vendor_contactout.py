"""ContactOut adapter: recorded fixtures, error translation, and round trips through its wire."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.providers.vendors.contactout import (
    ADAPTER,
    PROFILE_CONFIDENCE,
    VERIFIED_CONFIDENCE,
    ContactOutProvider,
)
from cleanlist_server.sandbox.market.vendors.contactout import WIRE, ContactOutWire
from cleanlist_server.sandbox.market.wire import MarketRequest, VendorWire
from tests import provider_kit as kit

PROVIDER = "contactout"
EMAIL_Q = Query(account_id=1, email="bobbi@obm-international.com")
PERSONAL_Q = Query(account_id=1, email="someone@gmail.com")
LINKEDIN_Q = Query(account_id=1, linkedin_url="https://linkedin.com/in/example-person")
NAME_Q = Query(account_id=1, first_name="Alex", last_name="Example", company_domain="example.com")
SECRET = "co-secret-token-9f8e7d"

RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "match_linkedin": True,
    "people_match": True,
    "not_found": False,
    "linkedin_empty": False,
    "bad_key": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
    "status_in_body": ProviderAuthError,
}
QUERIES = {"match_linkedin": LINKEDIN_Q, "linkedin_empty": LINKEDIN_Q, "people_match": NAME_Q}
EMAIL_ENRICH = "/v1/email/enrich"


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = EMAIL_Q
    key = SECRET
    recorded = RECORDED
    queries = QUERIES
    source = "https://api.contactout.com/"
    key_header = "token"
    unusable = kit.unusable_bodies(
        malformed="{not json",
        as_text='{"status_code": 200, "profile": {}}',
        extra={
            "no-profile": {"status_code": 200},
            "profile-string": {"status_code": 200, "profile": "Bobbi"},
            "list": ["profile"],
        },
        method="GET",
        path=EMAIL_ENRICH,
    )
    recorded_wait = 12.0
    wire = ContactOutWire
    wire_query = LINKEDIN_Q
    wire_wait = 2.0
    wrong_key = "not-the-key"


# --- fixtures ----------------------------------------------------------------------------


def test_the_wire_implements_the_vendor_wire_protocol() -> None:
    wire: VendorWire = WIRE
    assert wire.name == PROVIDER


def test_adapter_is_exported() -> None:
    assert ADAPTER is ContactOutProvider
    assert ADAPTER.name == PROVIDER
    assert WIRE.name == PROVIDER


async def test_email_enrich_match_maps_the_documented_example() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    result = await adapter.lookup(EMAIL_Q)
    got = kit.values(result)
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
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match_linkedin"))
    result = await adapter.lookup(LINKEDIN_Q)
    got = kit.values(result)
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
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "people_match"))
    result = await adapter.lookup(NAME_Q)
    got = kit.values(result)
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
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "people_match"))
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
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    await adapter.lookup(PERSONAL_Q)
    assert calls[0].url.params["include"] == "work_email"


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (404, False),
        (401, ProviderAuthError),
        (403, ProviderQuotaExceeded),
        (429, ProviderRateLimited),
        (503, ProviderUnavailable),
        (422, ProviderBadResponse),
    ],
)
async def test_the_body_status_code_of_an_http_200_wins(status: int, outcome: kit.Outcome) -> None:
    body = {"status_code": status, "message": "x"}
    adapter, _ = kit.replay(ADAPTER, kit.canned(200, body, method="GET", path=EMAIL_ENRICH))
    await kit.expect_outcome(adapter, EMAIL_Q, outcome)


async def test_the_key_goes_in_the_token_header() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    await adapter.lookup(EMAIL_Q)
    kit.assert_key_in_header(calls[0], "token")
    assert "authorization" not in calls[0].headers


def test_accepts_a_linkedin_url_an_email_or_a_name_with_a_company() -> None:
    adapter, _ = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match"))
    assert adapter.accepts(EMAIL_Q)
    assert adapter.accepts(LINKEDIN_Q)
    assert adapter.accepts(NAME_Q)
    assert adapter.accepts(Query(account_id=1, full_name="Alex Example", company_name="Ex"))
    assert adapter.accepts(Query(account_id=1, known={"linkedin_url": "https://linkedin.com/in/a"}))
    assert not adapter.accepts(Query(account_id=1, first_name="Alex", last_name="Example"))
    assert not adapter.accepts(Query(account_id=1, company_domain="example.com"))


async def test_a_linkedin_url_found_earlier_in_the_waterfall_is_used_first() -> None:
    adapter, calls = kit.replay(ADAPTER, kit.load_fixture(PROVIDER, "match_linkedin"))
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


@pytest.mark.parametrize(
    "query",
    [
        Query(account_id=1, linkedin_url="https://www.linkedin.com/in/jane-doe-42/"),
        kit.JANE_BY_EMAIL,
        kit.JANE_BY_NAME,
        kit.JANE_BY_COMPANY,
    ],
    ids=["linkedin", "email", "name-domain", "name-company"],
)
async def test_round_trip_recovers_the_vendor_record(query: Query) -> None:
    adapter, seen = kit.paired(ADAPTER, ContactOutWire(), kit.full_view())
    result = await adapter.lookup(query)
    kit.assert_carries(kit.values(result), ROUND_TRIP_FIELDS)
    assert result.fields["email"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert seen[0].headers["token"] == kit.TEST_KEY


async def test_round_trip_people_enrich_without_phone_returns_none() -> None:
    adapter, _ = kit.paired(ADAPTER, ContactOutWire(), kit.full_view())
    got = kit.values(await adapter.lookup(replace(kit.JANE_BY_NAME, include_phone=False)))
    assert "phone" not in got and "mobile" not in got
    assert got["email"] == kit.JANE_EMAIL


async def test_round_trip_verified_work_email_raises_confidence() -> None:
    view = kit.full_view(verdicts={kit.JANE_EMAIL: "valid"})
    adapter, _ = kit.paired(ADAPTER, ContactOutWire(), view)
    result = await adapter.lookup(kit.JANE_BY_NAME)
    assert kit.values(result)["email_status"] == "valid"
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
    adapter, _ = kit.paired(ADAPTER, ContactOutWire(), kit.FakeView())
    await kit.expect_miss(adapter, query)


def _market(method: str, path: str, **query: str) -> MarketRequest:
    return MarketRequest(method=method, path=path, query=query, headers={"token": kit.TEST_KEY})


def test_wire_unknown_path_is_a_404_in_its_style() -> None:
    answer = WIRE.handle(_market("GET", "/v2/nothing"), kit.full_view())
    assert answer.status == 404
    assert answer.json == {"status_code": 404, "message": "Not Found"}


def test_wire_email_enrich_adds_the_work_email_only_when_included() -> None:
    plain = WIRE.handle(
        _market("GET", "/v1/email/enrich", email="jane.doe@acme-widgets.test"), kit.full_view()
    )
    assert "workEmail" not in plain.json["profile"]
    asked = WIRE.handle(
        _market(
            "GET", "/v1/email/enrich", email="jane.doe@acme-widgets.test", include="work_email"
        ),
        kit.full_view(),
    )
    profile = asked.json["profile"]
    assert profile["workEmail"] == "jane.doe@acme-widgets.test"
    assert profile["workEmailStatus"] == "Unverified"
    assert profile["updatedAt"] == "2026-09-14 00:00:00"
    assert profile["experience"][0]["start_date_year"] is None


def test_wire_key_is_the_token_header() -> None:
    assert WIRE.key_of(_market("GET", "/v1/email/enrich")) == kit.TEST_KEY
    assert WIRE.key_of(MarketRequest("GET", "/v1/email/enrich", {}, {})) is None


def test_wire_linkedin_enrich_lists_contacts_and_handles() -> None:
    answer = WIRE.handle(
        _market("GET", "/v1/linkedin/enrich", profile="linkedin.com/in/jane-doe-42"),
        kit.full_view(),
    )
    profile = answer.json["profile"]
    assert profile["work_email"] == ["jane.doe@acme-widgets.test"]
    assert profile["phone"] == ["+14155550142", "+14155550143"]
    assert profile["twitter"] == ["janedoe"]
    assert profile["company"]["size"] == 320
    assert profile["experience"][0]["is_current"] is True
