"""Intent refresh against the sandbox market (careers pages, job boards, homepages, DNS),
through a real server and the CLI on each backend."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cleanlist_server.intent.jobs import hiring_signals
from cleanlist_server.sandbox.market.jobs import board_for, board_urls, postings_for
from cleanlist_server.sandbox.market.running import demo_market, start_market
from tests.conftest import (
    database,
    start_server,
    stop_server,
)
from tests.integration.lead_helpers import World


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The demo market and a server whose website, DNS and job-board clients point at it
    (no background schedule: the tests refresh on purpose)."""
    tmp = tmp_path_factory.mktemp("intent")
    with (
        database(request.param, tmp) as url,
        start_market(demo_market(), latency_scale=0) as market,
    ):
        boards = ",".join(f"{b}={u}" for b, u in board_urls(market.url).items())
        env = {
            **market.env(),
            "CLEANLIST_JOB_BOARD_URLS": boards,
            "CLEANLIST_INTENT_REFRESH_HOURS": "0",
            # no technology provider in the waterfall: a lead's stack comes from the refresh
            "CLEANLIST_PROVIDERS": "kb,email_verifier,email_finder",
            "CLEANLIST_SMTP_HELO": "verifier.cleanlist.test",
            "CLEANLIST_SMTP_FROM": "verify@cleanlist.test",
            "CLEANLIST_VERIFY_DEADLINE": "6",
            "CLEANLIST_DNS_TIMEOUT": "1",
        }
        server = start_server(tmp, url, **env)
        try:
            yield World(server, market)
        finally:
            stop_server(server)


def expected_hiring(world: World, domain: str, window_days: int) -> set[str]:
    company = world.company(domain)
    postings = [p.as_posting() for p in postings_for(company, world.today, seed=7)]
    employees = company.fields.get("company_employee_count")
    now = datetime.now(UTC)
    found = hiring_signals(postings, now=now, window_days=window_days, employee_count=employees)
    return {s.code for s in found}


def refresh(world: World, *args: str) -> list[dict[str, Any]]:
    done = world.server.cli("refresh-intent", *args, "--json")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def stack(world: World, domain: str) -> list[str]:
    return sorted(world.company(domain).fields["company_tech_stack"], key=str.casefold)


def import_people(world: World, tmp: Path, rows: str) -> str:
    name = "acct_" + secrets.token_hex(4)
    key = world.server.new_key(name)
    path = tmp / "people.csv"
    path.write_text("First Name,Last Name,Email,Job Title,Website\n" + rows)
    world.server.cli("import", str(path), "--account", name)
    world.server.cli("credits", "grant", "100", "--account", name)
    return key


@pytest.mark.parametrize("domain", ["northwind.test", "signalgatesolutions.test"])
def test_the_cli_refreshes_a_domain_from_the_market(world: World, domain: str) -> None:
    ref = board_for(world.company(domain), seed=world.population.seed)
    assert ref is not None
    [report] = refresh(world, "--domain", domain)
    assert report["domain"] == domain and report["status"] == "ok", report
    hiring = report["hiring"]
    assert hiring["boards"] == [ref.source]
    assert hiring["postings"] == len(postings_for(world.company(domain), world.today, seed=7))
    got = set(hiring["signals"])
    assert expected_hiring(world, domain, 89) <= got <= expected_hiring(world, domain, 91)
    assert got, "the chosen companies are hiring"
    tech = report["technology"]
    assert tech["technologies"] == stack(world, domain)
    assert set(tech["sources"]) == {"website", "dns"}
    assert tech["signals"] == []  # the first snapshot is the baseline
    again = world.server.cli("refresh-intent", "--domain", domain).stdout
    assert again.startswith(f"{domain}: ok; boards {ref.source}")


def test_a_lead_at_a_company_never_refreshed_is_refreshed_inline(
    world: World, tmp_path: Path
) -> None:
    domain = "novabaypartners.test"
    key = import_people(world, tmp_path, f"Ada,Stone,ada.stone@{domain},VP of Sales,{domain}\n")
    with world.server.client(key) as c:
        r = c.post("/v1/enrich/lead", json={"email": f"ada.stone@{domain}"})
    assert r.status_code == 200, r.text
    lead = r.json()["lead"]
    hiring = {s for s in lead["intent_signals"] if s.startswith("hiring_")}
    assert expected_hiring(world, domain, 89) <= hiring <= expected_hiring(world, domain, 91)
    for detail in lead["intent_signal_details"]:
        assert detail["source"] == f"ashby:{domain.split('.')[0]}"
        assert detail["detected_at"].endswith("Z")
        assert detail["evidence"]["count"] >= 1 and detail["evidence"]["examples"]
    # the knowledge base has no stack for the company: the refresh's snapshot fills it
    assert lead["company_tech_stack"] == stack(world, domain)
    assert lead["icp_score"] == sum(lead["icp_breakdown"].values())


def test_company_only_leads_carry_the_company_signals(world: World, tmp_path: Path) -> None:
    domain = "signalgatesolutions.test"
    key = import_people(
        world,
        tmp_path,
        f"Bo,Lund,bo.lund@{domain},Head of Sales,{domain}\nCy,Ames,cy.ames@{domain},Engineer,{domain}\n",
    )
    refresh(world, "--domain", domain)
    with world.server.client(key) as c:
        r = c.post("/v1/enrich/lead", json={"company_domain": domain})
    body = r.json()
    assert [x["email"] for x in body["leads"]] == [f"bo.lund@{domain}", f"cy.ames@{domain}"]
    for x in body["leads"]:
        assert "hiring_sales" in x["intent_signals"]
    assert body["company"]["company_tech_stack"] == stack(world, domain)


def test_due_domains_are_refreshed_once_per_period(world: World, tmp_path: Path) -> None:
    domains = ["ironbeamhq.test", "lyonsdixon.test"]
    rows = "".join(f"X,Y{i},x.y{i}@{d},CEO,{d}\n" for i, d in enumerate(domains))
    import_people(world, tmp_path, rows)
    first = {r["domain"]: r for r in refresh(world, "--limit", "500")}
    second = {r["domain"] for r in refresh(world, "--limit", "500")}
    for domain in domains:
        assert first[domain]["status"] == "ok"
        assert domain not in second
    assert world.server.cli("refresh-intent").stdout.strip() == "no domain is due"


def test_bad_domains_are_refused(world: World) -> None:
    done = world.server.cli("refresh-intent", "--domain", "not a domain", check=False)
    assert done.returncode == 2 and "not a domain name" in done.stderr
