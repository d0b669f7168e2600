"""Hunter's Domain Search as a people search: recorded answers, then the market's wire."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from cleanlist_server.domain.fields import CONTACT_FIELDS
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import Provider, ProviderUnavailable
from cleanlist_server.providers.people import PeopleSearch
from cleanlist_server.providers.vendors.apollo import ADAPTER as APOLLO
from cleanlist_server.providers.vendors.hunter import ADAPTER, HunterProvider
from cleanlist_server.sandbox.market.vendors.hunter import WIRE
from cleanlist_server.sandbox.market.wire import MarketRequest, VendorRecord
from tests.provider_kit import (
    TEST_KEY,
    FakeView,
    load_fixture,
    paired,
    replay,
    sample_company,
    sample_person,
    values,
)

DOMAIN = "larkspur-analytics.test"


def _case(case: str) -> dict[str, Any]:
    return load_fixture("hunter", f"domain_search/{case}")


def _hunter(fixture: dict[str, Any] | list[dict[str, Any]]) -> tuple[HunterProvider, list[Any]]:
    adapter, calls = replay(ADAPTER, fixture)
    assert isinstance(adapter, HunterProvider)
    return adapter, calls


def _paired(view: FakeView) -> tuple[HunterProvider, list[MarketRequest]]:
    adapter, seen = paired(ADAPTER, WIRE, view)
    assert isinstance(adapter, HunterProvider)
    return adapter, seen


def test_hunter_is_a_provider_that_searches_people() -> None:
    adapter, _ = _hunter(_case("empty"))
    apollo, _ = replay(APOLLO, _case("empty"))
    assert isinstance(adapter, Provider) and isinstance(adapter, PeopleSearch)
    assert isinstance(apollo, Provider) and not isinstance(apollo, PeopleSearch)


async def test_the_documented_answer_becomes_one_result_per_person() -> None:
    adapter, calls = _hunter(_case("match"))
    found = await adapter.people_at(DOMAIN, "Larkspur Analytics", 10)
    nadia, tomas = (values(r) for r in found)
    assert (nadia["email"], nadia["email_status"]) == (f"nadia.okafor@{DOMAIN}", "valid")
    assert (nadia["first_name"], nadia["last_name"], nadia["full_name"]) == (
        "Nadia",
        "Okafor",
        "Nadia Okafor",
    )
    # seniority and department come from the position, not Hunter's coarse "executive"
    assert (nadia["title"], nadia["seniority"], nadia["department"]) == (
        "VP of Sales",
        "vp",
        "Sales",
    )
    assert (nadia["linkedin_url"], nadia["twitter_url"]) == (
        "https://linkedin.com/in/nadia-okafor",
        "https://x.com/nadiaokafor",
    )
    assert (tomas["seniority"], tomas["department"]) == ("individual_contributor", "Engineering")
    assert (tomas["phone"], tomas["email_status"]) == ("+14155550199", "catch-all")
    for got in (nadia, tomas):
        assert (got["company_domain"], got["company_name"]) == (DOMAIN, "Larkspur Analytics")
        assert set(got) <= ADAPTER.fields <= set(CONTACT_FIELDS)
    first, second = found
    assert all(r.provider == "hunter" and r.matched for r in found)
    assert (first.fields["email"].confidence, second.fields["email"].confidence) == (0.94, 0.81)
    assert first.fields["title"].observed_at == datetime(2025, 2, 11, tzinfo=UTC)
    assert second.fields["title"].observed_at == datetime(2025, 1, 20, tzinfo=UTC)  # last seen
    assert len(calls) == 1 and calls[0].method == "GET"
    assert dict(calls[0].url.params) == {"domain": DOMAIN, "limit": "10", "type": "personal"}
    assert calls[0].headers["x-api-key"] == TEST_KEY and TEST_KEY not in str(calls[0].url)


async def test_a_company_name_is_searched_when_no_domain_is_known() -> None:
    adapter, calls = _hunter(_case("match"))
    found = await adapter.people_at(None, "Larkspur Analytics", 1)
    assert [values(r)["company_domain"] for r in found] == [DOMAIN]  # the name resolved
    assert dict(calls[0].url.params) == {
        "company": "Larkspur Analytics",
        "limit": "1",
        "type": "personal",
    }


async def test_limits_are_kept_and_nothing_is_asked_without_a_company() -> None:
    adapter, calls = _hunter(_case("match"))
    assert len(await adapter.people_at(DOMAIN, None, 1)) == 1  # the vendor sent two
    await adapter.people_at(DOMAIN, None, 500)
    assert dict(calls[1].url.params)["limit"] == "100"  # the documented maximum
    assert await adapter.people_at(None, None, 10) == []
    assert await adapter.people_at(DOMAIN, None, 0) == []
    assert len(calls) == 2


async def test_entries_without_an_address_are_left_out() -> None:
    fixture = copy.deepcopy(_case("match"))
    emails = fixture["response"]["body"]["data"]["emails"]
    emails[0]["value"] = None
    emails.append("not an object")
    adapter, _ = _hunter(fixture)
    found = await adapter.people_at(DOMAIN, None, 10)
    assert [values(r)["last_name"] for r in found] == ["Brandt"]


async def test_nobody_known_is_an_empty_list() -> None:
    adapter, _ = _hunter(_case("empty"))
    assert await adapter.people_at("nobody-works-here.test", None, 10) == []


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("bad_key", ProviderAuthError),
        ("rate_limited", ProviderRateLimited),  # Hunter's 403
        ("usage_limit", ProviderQuotaExceeded),  # Hunter's 429
    ],
)
async def test_documented_errors_are_typed(case: str, error: type[Exception]) -> None:
    adapter, _ = _hunter(_case(case))
    with pytest.raises(error) as caught:
        await adapter.people_at(DOMAIN, None, 10)
    assert TEST_KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "content_type", "body", "error"),
    [
        (500, "application/json", {"errors": [{"id": "server_error"}]}, ProviderUnavailable),
        (200, "text/html", "<html>Bad gateway</html>", ProviderBadResponse),
        (400, "application/json", {"errors": [{"id": "wrong_params"}]}, ProviderBadResponse),
    ],
)
async def test_trouble_is_typed(
    status: int, content_type: str, body: Any, error: type[Exception]
) -> None:
    answer = {"status": status, "headers": {"content-type": content_type}, "body": body}
    adapter, _ = _hunter({"response": answer})
    with pytest.raises(error) as caught:
        await adapter.people_at(DOMAIN, None, 10)
    assert TEST_KEY not in str(caught.value)


# --- through the market wire ------------------------------------------------------


COLLEAGUES = ("Omar", "Priya", "Quinn", "Rosa")


def _staff(n: int) -> list[VendorRecord]:
    """Jane, then up to four colleagues at her company, each less certain than Jane."""
    jane = sample_person()
    people = [jane]
    for i, first in enumerate(COLLEAGUES[: n - 1], start=1):
        fields = {
            **jane.fields,
            "email": f"{first.lower()}.doe@acme-widgets.test",
            "first_name": first,
            "full_name": f"{first} Doe",
            "title": "Account Executive",
            "linkedin_url": None,
        }
        people.append(replace(jane, person_id=f"p{i:06d}", fields=fields, score=0.5))
    return people


async def test_round_trip_lists_the_market_people() -> None:
    adapter, seen = _paired(FakeView(people=_staff(3), companies=[sample_company()]))
    found = await adapter.people_at("acme-widgets.test", None, 10)
    got = [values(r) for r in found]
    assert [g["email"] for g in got] == [
        "jane.doe@acme-widgets.test",
        "omar.doe@acme-widgets.test",
        "priya.doe@acme-widgets.test",
    ]
    assert (got[0]["title"], got[0]["seniority"], got[0]["linkedin_url"]) == (
        "VP of Sales",
        "vp",
        "https://linkedin.com/in/jane-doe-42",
    )
    assert all(g["company_name"] == "Acme Widgets" for g in got)
    assert found[0].fields["email"].confidence == 0.92
    assert found[0].fields["email"].observed_at == datetime(2026, 9, 14, tzinfo=UTC)
    assert seen[0].path == "/v2/domain-search"
    by_name = await adapter.people_at(None, "Acme Widgets", 10)
    assert len(by_name) == 3 and values(by_name[0])["company_domain"] == "acme-widgets.test"


async def test_round_trip_a_wrong_key_is_refused() -> None:
    adapter, _ = _paired(FakeView(people=_staff(1)))
    adapter.settings = replace(adapter.settings, key="wrong-key")
    with pytest.raises(ProviderAuthError):
        await adapter.people_at("acme-widgets.test", None, 10)


def _search(**query: str) -> dict[str, Any]:
    view = FakeView(people=_staff(5), companies=[sample_company()])
    request = MarketRequest("GET", "/v2/domain-search", query, {"x-api-key": TEST_KEY})
    answer = WIRE.handle(request, view)
    assert answer.status == 200
    body: dict[str, Any] = answer.json
    return body


def test_wire_meta_counts_every_address_and_pages_through_them() -> None:
    first = _search(domain="acme-widgets.test", limit="2")
    second = _search(domain="acme-widgets.test", limit="2", offset="2")
    assert first["meta"]["results"] == second["meta"]["results"] == 5
    assert (first["meta"]["limit"], second["meta"]["offset"]) == (2, 2)
    emails = [e["value"] for page in (first, second) for e in page["data"]["emails"]]
    assert len(emails) == len(set(emails)) == 4
    assert set(first["meta"]["params"]) == {"domain", "company", "type", "seniority", "department"}
    assert _search(domain="acme-widgets.test", type="generic")["data"]["emails"] == []
    named = _search(company="Acme Widgets")
    assert named["data"]["domain"] == "acme-widgets.test"
    assert named["meta"]["params"]["company"] == "Acme Widgets"
