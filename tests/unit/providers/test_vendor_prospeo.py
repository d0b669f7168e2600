"""Prospeo: the adapter against recorded documented answers and against the market wire."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from cleanlist_server.domain.records import Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.providers.http import UNDATED_AGE
from cleanlist_server.providers.vendors.prospeo import (
    ADAPTER,
    UNVERIFIED_CONFIDENCE,
    VERIFIED_CONFIDENCE,
)
from cleanlist_server.sandbox.market.vendors.prospeo import WIRE, ProspeoWire
from cleanlist_server.sandbox.market.wire import MarketRequest
from tests import provider_kit as kit

BY_EMAIL = Query(account_id=1, email="eoghan@intercom.com")
SECRET = "sk-prospeo-SECRET-999"
CARRIED = (
    *("email", "first_name", "last_name", "full_name", "title", "seniority", "department"),
    *("linkedin_url", "city", "state", "country", "country_code"),
    *("company_name", "company_domain", "company_industry", "company_employee_count"),
    *("company_size", "company_linkedin_url", "company_founded_year"),
    *("company_hq_city", "company_hq_country"),
)
"""The canonical fields of the sample person that Prospeo's format carries."""


def fixture(case: str) -> dict[str, Any]:
    return kit.load_fixture("prospeo", case)


RECORDED: dict[str, kit.Outcome] = {
    "match": True,
    "not_found": False,  # a 400 carrying NO_MATCH
    "invalid_datapoints": False,
    "bad_key": ProviderAuthError,
    "out_of_credits": ProviderQuotaExceeded,
    "rate_limited": ProviderRateLimited,
    "internal_error": ProviderUnavailable,
}


class TestContract(kit.VendorContract):
    adapter = ADAPTER
    query = BY_EMAIL
    key = SECRET
    recorded = RECORDED
    key_header = "x-key"
    unusable = kit.unusable_bodies(
        malformed='{"error": false, "person": ',
        as_text='{"error": false, "person": {"full_name": "A B"}}',
    )
    recorded_wait = 12.0  # from the minute window's reset header
    wire = ProspeoWire
    wire_query = kit.JANE_BY_EMAIL
    wire_wait = 1.0


# --- recorded answers ------------------------------------------------------------------


async def test_documented_example_maps_to_canonical_fields() -> None:
    adapter, _ = kit.replay(ADAPTER, fixture("match"))
    result = await adapter.lookup(BY_EMAIL)
    got = kit.values(result)
    assert result.matched and result.provider == "prospeo"
    assert got["full_name"] == "Eoghan McCabe"
    assert (got["first_name"], got["last_name"]) == ("Eoghan", "McCabe")
    assert got["seniority"] == "owner" and got["department"] == "Executive"
    assert got["linkedin_url"] == "https://linkedin.com/in/eoghanmccabe"
    assert got["job_start_date"] == "2022-10"
    assert (got["city"], got["state"], got["country_code"]) == ("San Francisco", "California", "US")
    assert got["company_name"] == "Intercom"
    assert got["company_domain"] == "intercom.io"
    assert got["company_employee_count"] == 1822
    assert got["company_size"] == "1001-5000"
    assert got["company_revenue"] == "$100M-$250M"
    assert got["company_phone"] == "+14156733820"
    assert got["company_founded_year"] == 2011
    assert got["company_linkedin_url"] == "https://linkedin.com/company/intercom"
    assert got["company_tech_stack"] == ["6sense", "Amazon SES", "theTradeDesk"]
    assert got["company_type"] == "Private"
    assert got["company_industry"] == "Software"


async def test_masked_values_are_never_returned() -> None:
    """The example's email is starred out and its mobile is ``revealed: false``."""
    adapter, _ = kit.replay(ADAPTER, fixture("match"))
    got = kit.values(await adapter.lookup(BY_EMAIL))
    assert "email" not in got and "email_status" not in got
    assert "mobile" not in got and "phone" not in got
    assert not any("*" in str(v) for v in got.values())


async def test_confidence_is_the_verified_prior_only_with_an_email() -> None:
    adapter, _ = kit.replay(ADAPTER, fixture("match"))
    result = await adapter.lookup(BY_EMAIL)
    assert {fv.confidence for fv in result.fields.values()} == {UNVERIFIED_CONFIDENCE}
    assert {fv.observed_at for fv in result.fields.values()} == {
        kit.NOW - UNDATED_AGE
    }  # no last-seen field


async def test_request_carries_the_key_header_and_documented_body() -> None:
    query = Query(
        account_id=1, first_name="John", last_name="Doe", company_domain="intercom.com"
    ).with_known({"linkedin_url": "https://linkedin.com/in/johndoe"})
    adapter, calls = kit.replay(ADAPTER, fixture("not_found"))
    await adapter.lookup(query)
    (request,) = calls
    assert request.method == "POST" and request.url.path == "/enrich-person"
    kit.assert_key_in_header(request, "x-key")
    body = json.loads(request.content)
    assert body == {
        "enrich_mobile": True,
        "data": {
            "linkedin_url": "https://linkedin.com/in/johndoe",
            "first_name": "John",
            "last_name": "Doe",
            "company_website": "intercom.com",
        },
    }


async def test_mobile_is_only_asked_for_when_phones_are_wanted() -> None:
    adapter, calls = kit.replay(ADAPTER, fixture("not_found"))
    await adapter.lookup(Query(account_id=1, email="a@b.com", include_phone=False))
    assert json.loads(calls[0].content)["enrich_mobile"] is False


def test_accepts_an_email_a_linkedin_url_or_a_name_with_a_company() -> None:
    adapter, _ = kit.replay(ADAPTER, fixture("not_found"))
    assert adapter.accepts(Query(account_id=1, email="a@b.com"))
    assert adapter.accepts(Query(account_id=1, linkedin_url="https://linkedin.com/in/x"))
    assert adapter.accepts(Query(account_id=1, full_name="Jo Do", company_name="Acme"))
    assert adapter.accepts(Query(account_id=1).with_known({"email": "a@b.com"}))
    assert not adapter.accepts(Query(account_id=1, first_name="Jo", last_name="Do"))
    assert not adapter.accepts(Query(account_id=1, company_domain="acme.com"))


# --- through the market wire -----------------------------------------------------------


async def test_round_trip_recovers_what_prospeo_carries() -> None:
    adapter, seen = kit.paired(ADAPTER, WIRE, kit.full_view())
    result = await adapter.lookup(kit.JANE_BY_EMAIL)
    got = kit.values(result)
    kit.assert_carries(got, CARRIED)
    assert got["mobile"] == "+14155550143"
    assert "phone" not in got and "phone_type" not in got  # a mobile alone is no direct dial
    assert got["email_status"] == "valid"  # score 0.92 renders as VERIFIED
    assert {fv.confidence for fv in result.fields.values()} == {VERIFIED_CONFIDENCE}
    assert seen[0].headers["x-key"] == kit.TEST_KEY


async def test_round_trip_by_name_and_domain_and_without_phones() -> None:
    adapter, _ = kit.paired(ADAPTER, WIRE, kit.full_view())
    got = kit.values(await adapter.lookup(replace(kit.JANE_BY_NAME, include_phone=False)))
    assert got["email"] == "jane.doe@acme-widgets.test"
    assert "mobile" not in got  # not enriched: not revealed


def test_wire_reads_the_key_and_answers_unknown_paths_in_its_style() -> None:
    request = MarketRequest("POST", "/enrich-person", {}, {"x-key": "k1"})
    assert WIRE.key_of(request) == "k1"
    assert WIRE.key_of(MarketRequest("POST", "/enrich-person", {}, {})) is None
    answer = WIRE.handle(MarketRequest("GET", "/v1/unknown", {}, {}), kit.full_view())
    assert answer.status == 404 and answer.json["error"] is True


def test_wire_rejects_too_few_datapoints() -> None:
    body = json.dumps({"data": {"first_name": "Jane"}}).encode()
    request = MarketRequest("POST", "/enrich-person", {}, {}, body)
    answer = WIRE.handle(request, kit.full_view())
    assert (answer.status, answer.json) == (
        400,
        {"error": True, "error_code": "INVALID_DATAPOINTS"},
    )
