"""The waterfall through the real server: 20 providers over the loopback sandbox market.

Every commercial vendor speaks its documented wire format from the market; the website,
DNS, Gravatar and SMTP built-ins read the market's sites, zone and mail hosts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from cleanlist_server.sandbox.market.running import RunningMarket
from tests.conftest import Server, market_env, start_server, stop_server

MAYA = {"email": "maya.patel@northwind.test"}
LEO = {"linkedin_url": "https://linkedin.com/in/leomartin"}


def enrich(c: httpx.Client, body: dict[str, object], expand: bool = False) -> httpx.Response:
    return c.post("/v1/enrich/contact" + ("?expand=provenance" if expand else ""), json=body)


def test_a_rich_truthful_record_with_no_vendor_of_our_own(
    market_server: Server, market: RunningMarket
) -> None:
    truth = market.population.contact(market.population.people["p000001"])
    with market_server.client(market_server.new_key()) as c:
        r = enrich(c, MAYA).json()
    contact, meta = r["contact"], r["meta"]
    assert r["status"] == "completed" and "provenance" not in r
    for name in ("email", "first_name", "last_name", "title", "seniority", "company_domain"):
        assert contact[name] == truth[name], name
    assert contact["email_status"] == "valid"  # checked live against the market's mail host
    assert (
        meta["providers_queried"] >= 10
        and 1 <= meta["providers_matched"] <= meta["providers_queried"]
    )
    assert 0 < meta["confidence"] <= 1
    filled = sum(v is not None for v in contact.values())
    assert filled >= 30


def test_provenance_on_request_and_on_fetch(market_server: Server) -> None:
    with market_server.client(market_server.new_key()) as c:
        r = enrich(c, MAYA, expand=True).json()
        again = c.get(f"/v1/enrichments/{r['id']}?expand=provenance").json()
        plain = c.get(f"/v1/enrichments/{r['id']}").json()
        bad = c.get(f"/v1/enrichments/{r['id']}?expand=everything")
    prov = r["provenance"]
    assert again["provenance"] == prov and "provenance" not in plain
    assert bad.status_code == 422 and bad.json()["error"]["param"] == "expand"
    called = [p for p in prov["providers"] if p["outcome"] in ("matched", "miss", "checked")]
    assert len(called) == r["meta"]["providers_queried"] - sum(
        p["outcome"].startswith("error:") for p in prov["providers"]
    )
    assert (
        sum(p["outcome"] == "matched" for p in prov["providers"]) == r["meta"]["providers_matched"]
    )
    title = prov["fields"]["title"]
    assert title["value"] == r["contact"]["title"]
    assert {"source", "observed_at", "confidence", "confirmed_by", "rejected"} <= title.keys()
    assert prov["fields"]["email"]["source"] == "request"  # the address asked about


def test_a_job_change_comes_back_with_the_new_employer(
    market_server: Server, market: RunningMarket
) -> None:
    leo = market.population.people["p000002"]
    assert leo.history, "Leo moved from Bluebird to Northwind"
    with market_server.client(market_server.new_key()) as c:
        r = enrich(c, LEO, expand=True).json()
    assert r["contact"]["company_domain"] == "northwind.test"
    assert r["contact"]["email"] == "leo.martin@northwind.test"
    rejected = {fv["value"] for fv in r["provenance"]["fields"]["company_domain"]["rejected"]}
    assert "bluebird.test" in rejected  # stale vendors still had the old employer


def test_request_options_narrow_the_waterfall(market_server: Server) -> None:
    with market_server.client(market_server.new_key()) as c:
        only = enrich(c, {**MAYA, "providers": ["apollo", "pdl"]}, expand=True).json()
        free = enrich(c, {**MAYA, "max_provider_cost": 0}, expand=True).json()
        strict = enrich(c, {**MAYA, "required": ["github_url"], "providers": ["hunter"]}).json()
        sure = enrich(c, {**MAYA, "min_confidence": 0.99}).json()
        bad_field = enrich(c, {**MAYA, "required": ["shoe_size"]})
        bad_provider = enrich(c, {**MAYA, "providers": ["clearbit"]})
        bad_conf = enrich(c, {**MAYA, "min_confidence": 2})
    assert [p["name"] for p in only["provenance"]["providers"]] == ["apollo", "pdl"]
    paid = [p for p in free["provenance"]["providers"] if p["cost"] > 0]
    assert paid == [] and free["provenance"]["provider_cost"] == 0
    assert any(p["outcome"] == "skipped:budget" for p in free["provenance"]["providers"])
    assert strict["status"] == "not_found" and strict["meta"]["credits_used"] == 0
    assert sure["status"] == "not_found" and sure["meta"]["credits_used"] == 0
    for response, param in (
        (bad_field, "required"),
        (bad_provider, "providers"),
        (bad_conf, "min_confidence"),
    ):
        assert response.status_code == 422, response.text
        assert response.json()["error"]["param"] == param


@pytest.mark.parametrize("fault", ["html", "empty", "truncated", "text_plain", "server", "hang"])
def test_a_faulty_provider_never_fails_the_request(
    market_server: Server, market: RunningMarket, fault: str
) -> None:
    market.set_vendor("apollo", fault=fault)
    try:
        with market_server.client(market_server.new_key()) as c:
            r = enrich(c, {**MAYA, "providers": ["apollo", "pdl"]}, expand=True).json()
    finally:
        market.set_vendor("apollo", fault=None)
    assert r["status"] == "completed"  # pdl still answered
    assert "apollo" in r["meta"]["providers_skipped"]
    outcome = next(p["outcome"] for p in r["provenance"]["providers"] if p["name"] == "apollo")
    assert outcome.startswith("error:")


def test_faults_are_counted_and_keys_never_logged(
    tmp_path_factory: pytest.TempPathFactory, market: RunningMarket
) -> None:
    tmp = tmp_path_factory.mktemp("faults")
    env = market_env(market)
    env["CLEANLIST_PROVIDER_LUSHA_KEY"] = "sandbox-lusha-nocredits"
    env["CLEANLIST_PROVIDER_HUNTER_KEY"] = "not-the-hunter-key-3f9a"
    env["CLEANLIST_LOG_LEVEL"] = "info"
    srv = start_server(tmp, f"sqlite:///{tmp / 'c.db'}", **env)
    try:
        with srv.client(srv.new_key()) as c:
            r = enrich(c, {**MAYA, "providers": ["lusha", "hunter", "pdl"]}, expand=True).json()
        outcomes = {p["name"]: p["outcome"] for p in r["provenance"]["providers"]}
        assert outcomes["lusha"] == "error:quota" and outcomes["hunter"] == "error:auth"
        assert r["status"] == "completed"
        doc: dict[str, object] = {}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # statistics are persisted every few seconds
            doc = json.loads(srv.cli("providers", "--json").stdout)
            rows = {p["name"]: p for p in doc["providers"]}  # type: ignore[union-attr]
            if rows["lusha"]["calls"] and rows["pdl"]["calls"]:
                break
            time.sleep(0.5)
        rows = {p["name"]: p for p in doc["providers"]}  # type: ignore[union-attr]
        assert rows["lusha"]["errors"] == {"quota": 1}
        assert rows["hunter"]["errors"] == {"auth": 1}
        assert rows["pdl"]["hit_rate"] == 1.0 and rows["pdl"]["mean_latency_ms"] is not None
    finally:
        stop_server(srv)
    log = srv.log.read_text()
    for secret in ("sandbox-lusha-nocredits", "not-the-hunter-key-3f9a", market.key("pdl")):
        assert secret not in log


def test_the_sdk_narrows_and_expands(market_server: Server) -> None:
    from cleanlist import Cleanlist

    with Cleanlist(api_key=market_server.new_key(), base_url=market_server.base_url) as client:
        r = client.enrich.contact(
            email=MAYA["email"], providers=["pdl", "hunter"], expand="provenance"
        )
        again = client.enrichments.retrieve(r["id"], expand="provenance")
    assert [p["name"] for p in r["provenance"]["providers"]] == ["pdl", "hunter"]
    assert again["provenance"] == r["provenance"]


FINDERS = ("apollo", "hunter", "findymail", "prospeo", "leadmagic", "snov")


def test_an_address_whose_mailbox_is_dead_loses_to_the_live_one(
    market_server: Server, market: RunningMarket
) -> None:
    """A vendor believes a wrong address pattern; the live check refutes it, and the
    waterfall goes on to the vendor with the right one. The case is found in the market
    (each vendor's belief, confirmed through the server), not chosen by hand."""
    pop = market.population
    mailboxes = {str(p.fields.get("email", "")).casefold() for p in pop.people.values()}
    views = market.server.views

    def candidates() -> Iterator[tuple[dict[str, str], list[tuple[str, str]], list[str]]]:
        for person in sorted(pop.people.values(), key=lambda p: p.id):
            truth, company = pop.contact(person), pop.company_of(person)
            if not truth.get("email") or company.catch_all:
                continue
            name = {"first_name": truth["first_name"], "last_name": truth["last_name"]}
            said = {}
            for vendor in FINDERS:
                record = views[vendor].person(**name, company_domain=company.domain)
                if record is not None and record.fields.get("email"):
                    said[vendor] = str(record.fields["email"])
            dead = [
                (v, e)
                for v, e in said.items()
                if e.endswith("@" + company.domain) and e.casefold() not in mailboxes
            ]
            live = [v for v, e in said.items() if e == truth["email"]]
            if dead and live:
                yield truth, dead, live

    def body(truth: dict[str, str], providers: list[str]) -> dict[str, object]:
        return {
            "first_name": truth["first_name"],
            "last_name": truth["last_name"],
            "company_domain": truth["company_domain"],
            "include_phone": False,
            "providers": providers,
        }

    with market_server.client(market_server.new_key()) as c:

        def says(truth: dict[str, str], vendor: str) -> object:
            contact = enrich(c, body(truth, [vendor])).json()["contact"]
            return contact and contact["email"]

        for truth, dead, live in candidates():
            liars = [(v, e) for v, e in dead if says(truth, v) == e]
            honest = [v for v in live if says(truth, v) == truth["email"]]
            if liars and honest:
                break
        else:
            raise AssertionError("no vendor of the demo market returns a dead address")
        (liar, address), right = liars[0], honest[0]
        r = enrich(c, body(truth, [liar, "email_verifier", right]), expand=True).json()
    assert r["contact"]["email"] == truth["email"]
    assert r["contact"]["email_status"] == "valid"  # the market's mail host accepted it
    prov = r["provenance"]
    assert address in {fv["value"] for fv in prov["fields"]["email"]["rejected"]}
    assert prov["fields"]["email_status"]["source"] == "email_verifier"
    calls = [(p["name"], p["outcome"]) for p in prov["providers"]]
    assert calls == [
        (liar, "matched"),
        ("email_verifier", "checked"),
        (right, "matched"),
        ("email_verifier", "checked"),
    ]
    assert r["meta"]["providers_queried"] == 3 and r["meta"]["providers_matched"] == 2
