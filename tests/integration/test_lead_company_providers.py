"""Company-only leads drawn from a provider's people search, through the real server.

The waterfall is the free built-ins plus Hunter, all pointed at the sandbox market: an
account that imported nobody at a company still gets that company's best-fit people, found
by Hunter's Domain Search, checked here against the market's ground truth.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cleanlist_server.api.schemas import CompanyLeads
from cleanlist_server.billing import pricing
from cleanlist_server.sandbox.market.running import RunningMarket
from cleanlist_server.services.leads import SEARCH_SIZE
from tests.conftest import Server, market_env, served
from tests.integration.lead_helpers import import_csv, quick_key

PROVIDERS = "kb,email_verifier,email_finder,phone,dns,hunter"
NORTHWIND = "northwind.test"
MAYA = "maya.patel@northwind.test"  # p000001, VP of Sales at Northwind (Hunter lists her)
LEADERS = {
    "name": "Finance and operations leaders",
    "criteria": {"seniorities": ["c_level", "director"], "departments": ["Finance", "Operations"]},
}


def _env(market: RunningMarket, **extra: str) -> dict[str, str]:
    return {**market_env(market), "CLEANLIST_PROVIDERS": PROVIDERS, **extra}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def hunter_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    market: RunningMarket,
) -> Iterator[Server]:
    with served(request.param, tmp_path_factory.mktemp("hunter-server"), **_env(market)) as srv:
        yield srv


@pytest.fixture(scope="module")
def refused_server(
    tmp_path_factory: pytest.TempPathFactory, market: RunningMarket
) -> Iterator[Server]:
    """Hunter configured with a key the market refuses (401 on every call)."""
    env = _env(market, CLEANLIST_PROVIDER_HUNTER_KEY="revoked")
    with served("sqlite", tmp_path_factory.mktemp("refused-server"), **env) as srv:
        yield srv


def company_leads(server: Server, key: str, **body: Any) -> dict[str, Any]:
    with server.client(key) as c:
        r = c.post("/v1/enrich/lead?expand=provenance", json=body)
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    CompanyLeads.model_validate(found)
    return found


def hunter_lists(market: RunningMarket, domain: str, limit: int) -> list[dict[str, Any]]:
    """The entries Hunter's Domain Search lists, asked of the market directly."""
    r = httpx.get(
        market.vendor_url("hunter") + "/v2/domain-search",
        params={"domain": domain, "limit": str(limit)},
        headers={"X-API-KEY": market.key("hunter")},
    )
    found: list[dict[str, Any]] = r.json()["data"]["emails"]
    return found


def staff(market: RunningMarket, domain: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The company's true current employees, by (first name, last name)."""
    pop = market.population
    company = next(c for c in pop.companies.values() if c.domain == domain)
    return {
        (p.fields["first_name"], p.fields["last_name"]): pop.contact(p)
        for p in pop.people.values()
        if p.company_id == company.id
    }


def balance(server: Server, key: str) -> int:
    with server.client(key) as c:
        found: int = c.get("/v1/credits").json()["balance"]
    return found


def test_a_company_nobody_imported_gets_its_best_fit_people_from_domain_search(
    hunter_server: Server, market: RunningMarket
) -> None:
    key = quick_key(hunter_server, credits=1000)
    with hunter_server.client(key) as c:
        made = c.post("/v1/icp-profiles", json={**LEADERS, "default": True})
    assert made.status_code == 201, made.text
    truth = staff(market, NORTHWIND)
    # The people Hunter lists (one page) whose position shows them, truly, as targets.
    page = hunter_lists(market, NORTHWIND, SEARCH_SIZE)
    targets = {
        e["value"]
        for e in page
        if e["position"]
        and (real := truth.get((e["first_name"], e["last_name"]))) is not None
        and real["seniority"] in LEADERS["criteria"]["seniorities"]
        and real["department"] in LEADERS["criteria"]["departments"]
    }
    assert len(targets) == 3  # the CFO and two directors (finance, operations)
    before = balance(hunter_server, key)
    r = company_leads(hunter_server, key, company_domain=NORTHWIND, limit=len(targets))
    after = balance(hunter_server, key)
    leads, meta = r["leads"], r["meta"]
    assert r["status"] == "completed"
    assert {lead["email"] for lead in leads} == targets
    for lead in leads:
        real = truth[(lead["first_name"], lead["last_name"])]
        for name in ("email", "title", "seniority", "department", "company_domain"):
            assert lead[name] == real[name], (lead["email"], name)
        assert lead["email_status"] == "valid"  # verified live on the market's mail host
        assert lead["icp_score"] == sum(lead["icp_breakdown"].values())
        assert {"target_seniority", "target_department"} <= set(lead["icp_signals"])
    scores = [lead["icp_score"] for lead in leads]
    assert scores == sorted(scores, reverse=True)
    assert (r["company"]["company_domain"], r["company"]["company_name"]) == (
        NORTHWIND,
        "Northwind Analytics",
    )
    (search,) = r["provenance"]["searches"]
    assert (search["name"], search["outcome"], search["cost"]) == ("hunter", "matched", 4.9)
    assert search["people"] == len(page)
    runs = r["provenance"]["leads"]
    assert all(run["fields"]["title"]["source"] == "hunter" for run in runs)
    calls = [p for run in runs for p in run["providers"] if not p["outcome"].startswith("skip")]
    assert meta["providers_queried"] == 1 + len(calls)  # the search, then each lead's calls
    matched = sum(p["outcome"] == "matched" for p in calls)
    assert meta["providers_matched"] == 1 + matched
    assert meta["credits_used"] == sum(pricing.contact_cost(x) for x in leads) == before - after


def test_every_lead_is_a_real_employee_and_only_true_addresses_are_valid(
    hunter_server: Server, market: RunningMarket
) -> None:
    key = quick_key(hunter_server, credits=1000)
    r = company_leads(hunter_server, key, company_domain=NORTHWIND, limit=SEARCH_SIZE)
    truth = staff(market, NORTHWIND)
    assert len(r["leads"]) == SEARCH_SIZE
    for lead in r["leads"]:
        real = truth[(lead["first_name"], lead["last_name"])]
        assert lead["company_domain"] == real["company_domain"]
        assert (lead["email_status"] == "valid") is (lead["email"] == real["email"]), lead
        assert lead["title"] in (None, real["title"])
        assert lead["icp_score"] == sum(lead["icp_breakdown"].values())
    assert any(lead["email_status"] == "invalid" for lead in r["leads"])  # Hunter erred once


def test_a_company_name_alone_is_resolved_by_the_search(
    hunter_server: Server, market: RunningMarket
) -> None:
    key = quick_key(hunter_server, credits=1000)
    r = company_leads(hunter_server, key, company_name="Northwind Analytics", limit=2)
    assert r["status"] == "completed" and len(r["leads"]) == 2
    assert r["company"]["company_domain"] == NORTHWIND
    truth = staff(market, NORTHWIND)
    assert all((x["first_name"], x["last_name"]) in truth for x in r["leads"])
    assert r["provenance"]["searches"][0]["outcome"] == "matched"


def test_a_known_person_listed_by_the_search_comes_back_once(hunter_server: Server) -> None:
    key = quick_key(hunter_server, credits=1000)
    import_csv(
        hunter_server,
        key,
        "First Name,Last Name,Email,Job Title,Website\n"
        f"Maya,Patel,{MAYA},VP of Sales,{NORTHWIND}\n",
    )
    r = company_leads(hunter_server, key, company_domain=NORTHWIND, limit=3)
    emails = [x["email"] for x in r["leads"]]
    assert emails.count(MAYA) == 1 and len(emails) == 3
    maya = r["provenance"]["leads"][emails.index(MAYA)]["fields"]
    assert maya["title"]["source"].startswith("kb")  # Hunter lists her without a position
    assert "hunter" in maya["email"]["confirmed_by"]


def test_options_narrow_the_search_too(hunter_server: Server) -> None:
    key = quick_key(hunter_server, credits=1000)
    free = company_leads(hunter_server, key, company_domain=NORTHWIND, max_provider_cost=0)
    builtin = company_leads(
        hunter_server, key, company_domain=NORTHWIND, providers=["kb", "email_verifier"]
    )
    assert free["status"] == builtin["status"] == "not_found"
    assert free["leads"] == builtin["leads"] == []
    assert [s["outcome"] for s in free["provenance"]["searches"]] == ["skipped:budget"]
    assert free["meta"]["providers_skipped"] == ["hunter"]
    assert free["meta"]["providers_queried"] == builtin["meta"]["providers_queried"] == 0
    assert builtin["provenance"]["searches"] == []
    assert free["meta"]["credits_used"] == builtin["meta"]["credits_used"] == 0


def test_a_faulty_search_never_fails_the_request(
    hunter_server: Server, market: RunningMarket
) -> None:
    key = quick_key(hunter_server, credits=1000)
    market.set_vendor("hunter", fault="server")
    try:
        r = company_leads(hunter_server, key, company_domain=NORTHWIND)
    finally:
        market.set_vendor("hunter", fault=None)
    assert (r["status"], r["leads"], r["meta"]["credits_used"]) == ("not_found", [], 0)
    assert r["provenance"]["searches"][0]["outcome"] == "error:unavailable"
    assert r["meta"]["providers_skipped"] == ["hunter"]


def test_a_refused_key_leaves_the_knowledge_base_answer(
    refused_server: Server, market: RunningMarket
) -> None:
    key = quick_key(refused_server, credits=1000)
    unknown = company_leads(refused_server, key, company_domain="bluebird.test")
    assert (unknown["status"], unknown["company"], unknown["meta"]["credits_used"]) == (
        "not_found",
        None,
        0,
    )
    (search,) = unknown["provenance"]["searches"]
    assert (search["outcome"], search["people"]) == ("error:auth", 0)
    assert unknown["meta"]["providers_queried"] == 1
    assert unknown["meta"]["providers_skipped"] == ["hunter"]
    assert "revoked" not in json.dumps(unknown)
    hunter = _observed(refused_server, "hunter")
    assert hunter["calls"] >= 1 and hunter["errors"].get("auth", 0) >= 1

    import_csv(
        refused_server,
        key,
        "First Name,Last Name,Email,Job Title,Website\n"
        f"Maya,Patel,{MAYA},VP of Sales,{NORTHWIND}\n",
    )
    known = company_leads(refused_server, key, company_domain=NORTHWIND)
    assert known["status"] == "completed"
    assert [x["email"] for x in known["leads"]] == [MAYA]
    assert known["provenance"]["searches"][0]["outcome"] == "error:auth"


def _observed(server: Server, name: str) -> dict[str, Any]:
    """The provider's row of `cleanlist providers --json`, once the server has flushed
    its statistics (every 5 seconds)."""
    deadline = time.monotonic() + 20
    while True:
        doc = json.loads(server.cli("providers", "--json").stdout)
        row: dict[str, Any] = next(p for p in doc["providers"] if p["name"] == name)
        if row["calls"] or time.monotonic() > deadline:
            return row
        time.sleep(1)
