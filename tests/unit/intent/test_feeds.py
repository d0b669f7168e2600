"""Intent feeds: the ``IntentFeed`` contract, the merge step, Lusha's Company Signals.

Lusha answers are documented-shape fixtures under ``tests/fixtures/providers/lusha/signals/``
(replayed in order: the company search, then the signals call), or the sandbox market's
Lusha wire over a ``MarketView`` of the demo population, in-process (no sockets).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from cleanlist_server.config import Settings
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.intent.feeds import FeedItem, IntentFeed, build_feeds, merge_items
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.config import load_provider_config
from cleanlist_server.providers.http import HttpProvider
from cleanlist_server.providers.vendors.hunter import ADAPTER as HUNTER
from cleanlist_server.providers.vendors.lusha import ADAPTER, FEED_TYPES, signal_code
from cleanlist_server.sandbox.market.events import company_events
from cleanlist_server.sandbox.market.running import demo_market
from cleanlist_server.sandbox.market.vendors.lusha import SIGNAL_TYPES, WIRE, company_id
from cleanlist_server.sandbox.market.views import MarketView, default_profiles
from cleanlist_server.sandbox.market.wire import MarketRequest
from cleanlist_server.verification import VerifierConfig
from tests.provider_kit import NOW, TEST_KEY, FakeView, load_fixture, paired, replay

SINCE = NOW - timedelta(days=90)
DOMAIN = "acme-widgets.test"
SECRET = "sk-lusha-SECRET-777"


def fixture(case: str) -> dict[str, Any]:
    return load_fixture("lusha", f"signals/{case}")


def status(code: int, path: str) -> dict[str, Any]:
    """An answer of ``code`` with the documented error body."""
    body = {"statusCode": code, "message": "Resource not found"}
    return {"request": {"method": "POST", "path": path}, "response": {"status": code, "body": body}}


def feed(cases: list[dict[str, Any]], *, key: str = TEST_KEY) -> tuple[Any, list[Any]]:
    adapter, calls = replay(ADAPTER, cases, key=key)
    assert isinstance(adapter, IntentFeed)
    return adapter, calls


# --- the contract -----------------------------------------------------------------------


def test_lusha_is_an_intent_feed_and_hunter_is_not() -> None:
    lusha, _ = replay(ADAPTER, fixture("no_signals"))
    hunter, _ = replay(HUNTER, fixture("no_signals"))
    assert isinstance(lusha, IntentFeed)
    assert not isinstance(hunter, IntentFeed)
    assert lusha.cost_per_signal == lusha.cost_per_hit  # one credit per matched signal


@pytest.mark.parametrize(
    ("env", "feeds"),
    [
        (
            {"CLEANLIST_PROVIDERS": "kb,lusha,hunter", "CLEANLIST_PROVIDER_LUSHA_KEY": "k"},
            ["lusha"],
        ),
        ({"CLEANLIST_PROVIDERS": "kb,lusha"}, []),  # no key: missing_key, not enabled
        ({"CLEANLIST_PROVIDERS": "kb,hunter", "CLEANLIST_PROVIDER_LUSHA_KEY": "k"}, []),
        ({"CLEANLIST_PROVIDERS": "kb", "CLEANLIST_PROVIDER_LUSHA_ENABLED": "true"}, []),
    ],
)
async def test_feeds_are_the_enabled_keyed_providers_that_answer_company_signals(
    env: dict[str, str], feeds: list[str]
) -> None:
    config = load_provider_config(env, path=None)
    built = build_feeds(config, EgressPolicy.from_strings("", ""), VerifierConfig(), lambda: NOW)
    assert [f.name for f in built] == feeds
    for f in built:
        assert isinstance(f, HttpProvider)
        await f.client.aclose()


def test_merge_keeps_one_signal_per_code_newest_first() -> None:
    def item(code: str, day: int, kind: str = "x", **detail: Any) -> FeedItem:
        return FeedItem(code, datetime(2026, 10, day, tzinfo=UTC), kind, detail)

    items = [
        item("headcount_growth", 3, "headcountIncrease12m", newEmployeesCount=10),
        item("headcount_growth", 20, "headcountIncrease3m", newEmployeesCount=12),
        item("hiring_surge", 30, "surgeInHiring"),
        item("hiring_surge", 1, "surgeInHiring"),  # before since: dropped
        *(item("news_people", d, "peopleNews") for d in (5, 6, 7, 8)),
    ]
    now = datetime(2026, 10, 25, tzinfo=UTC)
    since = datetime(2026, 10, 2, tzinfo=UTC)
    got = {s.code: s for s in merge_items(items, source="v", since=since, now=now)}
    assert list(got) == ["headcount_growth", "hiring_surge", "news_people"]
    growth = got["headcount_growth"]
    assert growth.detected_at == datetime(2026, 10, 20, tzinfo=UTC) and growth.source == "v"
    assert growth.evidence["count"] == 2
    assert growth.evidence["signal_types"] == ["headcountIncrease12m", "headcountIncrease3m"]
    assert [e["newEmployeesCount"] for e in growth.evidence["examples"]] == [12, 10]
    assert got["hiring_surge"].detected_at == now  # a vendor date ahead of our clock is capped
    assert got["hiring_surge"].evidence["count"] == 1
    news = got["news_people"].evidence
    assert news["count"] == 4 and [e["date"] for e in news["examples"]] == [
        "2026-10-08",
        "2026-10-07",
        "2026-10-06",
    ]


# --- Lusha: the mapping -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("vendor_type", "item", "code"),
    [
        ("surgeInHiring", {}, "hiring_surge"),
        (
            "surgeInHiringByDepartment",
            {"department": "Engineering & Technical"},
            "hiring_engineering",
        ),
        ("surgeInHiringByDepartment", {"department": "Sales"}, "hiring_sales"),
        ("surgeInHiringByDepartment", {"department": "Business Development"}, "hiring_sales"),
        (
            "surgeInHiringByDepartment",
            {"department": "Customer Service"},
            "hiring_customer_success",
        ),
        ("surgeInHiringByDepartment", {"department": "Information Technology"}, "hiring_it"),
        ("surgeInHiringByDepartment", {"department": "Human Resources"}, "hiring_hr"),
        ("surgeInHiringByDepartment", {"department": "General Management"}, None),
        ("surgeInHiringByDepartment", {"department": "Other"}, None),
        ("surgeInHiringByDepartment", {}, None),
        ("surgeInHiringByLocation", {"country": "United States"}, "hiring_location_surge"),
        ("headcountIncrease1m", {}, "headcount_growth"),
        ("headcountIncrease12m", {}, "headcount_growth"),
        ("headcountDecrease6m", {}, None),
        ("websiteTrafficIncrease", {}, "web_traffic_surge"),
        ("websiteTrafficDecrease", {}, None),
        ("itSpendIncrease", {}, "it_spend_increase"),
        ("itSpendDecrease", {}, None),
        ("riskNews", {}, None),
        ("commercialActivityNews", {}, "news_commercial_activity"),
        ("corporateStrategyNews", {}, "news_corporate_strategy"),
        ("financialEventsNews", {}, "news_financial_events"),
        ("peopleNews", {}, "news_people"),
        ("marketIntelligenceNews", {}, "news_market_intelligence"),
        ("productActivityNews", {}, "news_product_activity"),
        ("linkedinActivityIntent", {}, None),
        ("News", {}, None),
        ("promotion", {}, None),
    ],
)
def test_signal_types_map_to_stable_codes(
    vendor_type: str, item: dict[str, Any], code: str | None
) -> None:
    assert signal_code(vendor_type, item) == code


def test_every_type_asked_for_is_mapped_and_nothing_else_is() -> None:
    asked = {t for t in SIGNAL_TYPES if signal_code(t, {"department": "Sales"}) is not None}
    assert asked == set(FEED_TYPES)


async def test_the_documented_answer_maps_to_dated_signals() -> None:
    adapter, calls = feed([fixture("search_match"), fixture("match")])
    signals = await adapter.company_signals(DOMAIN, SINCE)
    got = {s.code: s for s in signals}
    assert [s.code for s in signals] == sorted(got)
    assert {code: s.detected_at.date().isoformat() for code, s in got.items()} == {
        "headcount_growth": "2026-09-30",  # the 12m item predates startDate
        "hiring_engineering": "2026-10-18",
        "hiring_sales": "2026-10-02",  # General Management has no code of ours
        "hiring_surge": "2026-10-20",
        "it_spend_increase": "2026-09-15",
        "news_financial_events": "2026-10-28",  # dated by articlePublishedDate
        "web_traffic_surge": "2026-10-01",
    }
    for s in signals:
        assert s.source == "lusha"
        assert s.detected_at.tzinfo is not None and s.detected_at <= NOW
        assert s.evidence["count"] == 1
        (example,) = s.evidence["examples"]
        assert not example.keys() & {"companyId", "companyName", "domain", "signalId"}
    assert got["hiring_surge"].evidence["examples"][0]["newJobsPostedLastWeek"] == 9
    news = got["news_financial_events"].evidence
    assert news["signal_types"] == ["financialEventsNews"]
    assert news["examples"][0]["articleUrl"] == "https://news.example/acme-widgets-series-b"
    search, signals_call = calls
    assert json.loads(search.content) == {
        "companies": [{"clientReferenceId": "1", "domain": DOMAIN}]
    }
    assert json.loads(signals_call.content) == {
        "ids": ["58120447"],
        "signalTypes": list(FEED_TYPES),
        "startDate": "2026-08-03",
        "maxResultsPerSignal": 5,
    }
    assert search.headers["api_key"] == signals_call.headers["api_key"] == TEST_KEY


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(["search_not_found"], id="search NOT_FOUND"),
        pytest.param([status(404, "/v3/companies/search")], id="search 404"),
        pytest.param(["search_match", "no_signals"], id="no matched signal"),
        pytest.param(["search_match", status(404, "/v3/companies/signals")], id="signals 404"),
    ],
)
async def test_an_unknown_company_or_a_quiet_one_has_no_signals(answers: list[Any]) -> None:
    cases = [fixture(a) if isinstance(a, str) else a for a in answers]
    adapter, calls = feed(cases)
    assert await adapter.company_signals(DOMAIN, SINCE) == []
    assert len(calls) == len(cases)  # no signals call without an id


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        (["bad_key"], ProviderAuthError),
        (["search_match", "out_of_credits"], ProviderQuotaExceeded),
        (["search_match", "rate_limited"], ProviderRateLimited),
        (["search_match", "server_error"], ProviderUnavailable),
    ],
)
async def test_errors_are_typed_and_never_show_the_key(
    answers: list[str], error: type[ProviderError]
) -> None:
    adapter, _ = feed([fixture(a) for a in answers], key=SECRET)
    with pytest.raises(error) as caught:
        await adapter.company_signals(DOMAIN, SINCE)
    assert SECRET not in str(caught.value)
    assert str(caught.value).startswith("lusha POST /v3/companies/")


# --- Lusha: against the sandbox market's wire -------------------------------------------


@pytest.fixture(scope="module")
def view() -> MarketView:
    population = demo_market(today=date(2026, 11, 1))
    return MarketView(population, default_profiles()["lusha"], seed=7)


async def test_the_feed_reads_back_the_truth_the_market_serves(view: MarketView) -> None:
    population = view.population
    company = next(
        c for c in population.companies.values() if c.domain == "signalgatesolutions.test"
    )
    truth = company_events(population, company)
    assert truth.hiring is not None and view.company(domain=company.domain) is not None
    adapter, seen = paired(ADAPTER, WIRE, view)
    assert isinstance(adapter, IntentFeed)
    signals = await adapter.company_signals(company.domain, SINCE)
    got = {s.code: s for s in signals}
    assert got["hiring_surge"].detected_at.date() == truth.hiring.day
    assert got["hiring_surge"].evidence["examples"][0]["newJobsPostedLastWeek"] == (
        truth.hiring.last_week
    )
    departments = {f"hiring_{d.department.value.lower()}": d.day for d in truth.departments}
    assert {c: got[c].detected_at.date() for c in departments} == departments
    assert set(got) == {"hiring_surge", *departments}
    assert [r.path for r in seen] == ["/v3/companies/search", "/v3/companies/signals"]


async def test_companies_the_market_lusha_does_not_cover_have_none(view: MarketView) -> None:
    adapter, seen = paired(ADAPTER, WIRE, view)
    assert await adapter.company_signals("northwind.test", SINCE) == []  # outside its coverage
    assert await adapter.company_signals("nowhere.test", SINCE) == []
    assert [r.path for r in seen] == ["/v3/companies/search"] * 2


def signals_request(body: Any) -> MarketRequest:
    raw = json.dumps(body).encode()
    return MarketRequest("POST", "/v3/companies/signals", {}, {"api_key": "k"}, raw)


@pytest.mark.parametrize(
    "body",
    [
        {"signalTypes": ["allSignals"]},
        {"ids": [], "signalTypes": ["allSignals"]},
        {"ids": [str(i) for i in range(101)], "signalTypes": ["allSignals"]},
        {"ids": ["1"]},
        {"ids": ["1"], "signalTypes": ["surgeInHiring", "noSuchSignal"]},
        {"ids": ["1"], "signalTypes": ["allSignals"], "maxResultsPerSignal": 0},
        {"ids": ["1"], "signalTypes": ["allSignals"], "startDate": "last week"},
        ["not", "an", "object"],
    ],
)
def test_the_market_refuses_undocumented_requests(view: MarketView, body: Any) -> None:
    answer = WIRE.handle(signals_request(body), view)
    assert answer.status == 400 and answer.json["statusCode"] == 400


def test_the_market_answers_every_id_in_the_documented_envelope(view: MarketView) -> None:
    known = company_id("signalgatesolutions.test")
    body = {"ids": [known, "123"], "signalTypes": ["allSignals"], "startDate": "2026-08-03"}
    answer = WIRE.handle(signals_request(body), view)
    assert answer.status == 200
    found, missing = answer.json["results"]
    assert (found["id"], found["domain"]) == (known, "signalgatesolutions.test")
    assert found["surgeInHiring"] and found["productActivityNews"] == []
    assert missing == {"id": "123", "error": {"code": "NOT_FOUND", "message": "Company not found"}}
    charged = sum(len(v) for v in found.values() if isinstance(v, list))
    assert answer.json["billing"] == {"creditsCharged": charged, "resultsReturned": 2}
    assert (answer.json["startDate"], answer.json["endDate"]) == ("2026-08-03", "2026-11-01")


def test_a_view_without_a_population_knows_no_signals() -> None:
    body = {"ids": [company_id(DOMAIN)], "signalTypes": ["surgeInHiring"]}
    answer = WIRE.handle(signals_request(body), FakeView())
    assert answer.json["results"][0]["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("setting", "only", "feeds"),
    [("auto", None, ["lusha"]), ("none", (), []), ("lusha", ("lusha",), ["lusha"])],
)
async def test_cleanlist_intent_feeds_narrows_the_feeds(
    setting: str, only: tuple[str, ...] | None, feeds: list[str]
) -> None:
    settings = Settings(intent_feeds=setting)
    assert settings.feed_names() == only
    config = load_provider_config(
        {"CLEANLIST_PROVIDERS": "kb,lusha", "CLEANLIST_PROVIDER_LUSHA_KEY": "k"}, path=None
    )
    egress = EgressPolicy.from_strings("", "")
    built = build_feeds(config, egress, VerifierConfig(), lambda: NOW, only=settings.feed_names())
    assert [f.name for f in built] == feeds
    for f in built:
        assert isinstance(f, HttpProvider)
        await f.client.aclose()


def test_cleanlist_intent_feeds_names_only_commercial_providers() -> None:
    with pytest.raises(ValueError, match="kb"):
        Settings(intent_feeds="lusha,kb")
