"""The market's loopback HTTP server and mail world, spoken to with real clients.

A small wire of our own (``EchoWire``) stands in for a vendor: the vendor modules are tested
on their own; here the core's routing, keys, faults, stats, truth, sites and DNS/SMTP are.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import dns.resolver
import httpx
import pytest

from cleanlist_server.providers.config import COMMERCIAL, load_provider_config
from cleanlist_server.sandbox.market.model import Population, TruePerson
from cleanlist_server.sandbox.market.population import generate
from cleanlist_server.sandbox.market.running import RunningMarket, start_market
from cleanlist_server.sandbox.market.server import default_key, load_wires, special_key
from cleanlist_server.sandbox.market.views import VendorProfile
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorView,
)

VENDOR = "echo"
PROFILE = VendorProfile(
    VENDOR,
    coverage={"email": 1.0, "linkedin": 1.0, "name": 1.0, "domain": 1.0, "company": 1.0},
    fields={"name": 1.0, "email": 1.0, "title": 1.0, "company_name": 1.0},
    accuracy=1.0,
    staleness=0.0,
    verify_accuracy=1.0,
    latency=0.2,
    latency_jitter=0.0,
    failure_rate=0.0,
    cost_per_call=0.5,
    cost_per_hit=2.0,
)
STATUS: dict[ErrorKind, int] = {"auth": 401, "quota": 402, "rate_limited": 429, "server": 503}


class EchoWire:
    """Key in ``X-Key``; ``GET /person?email=``, ``/verify?email=``, ``/company?domain=``."""

    name = VENDOR

    def __init__(self) -> None:
        self.registered: list[str] = []

    def register_emails(self, emails: list[str]) -> None:
        self.registered += emails

    def key_of(self, request: MarketRequest) -> str | None:
        return request.headers.get("x-key")

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        headers = {"Retry-After": "7"} if kind == "rate_limited" else {}
        return MarketResponse(STATUS[kind], json={"error": kind}, headers=headers)

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        params = request.params()
        if request.path == "/person":
            record = view.person(email=params.get("email"))
            if record is None:
                return MarketResponse(404, json={"error": "not found"})
            return MarketResponse(json={"id": record.person_id, **record.fields})
        if request.path == "/verify":
            return MarketResponse(json={"status": view.email_status(str(params.get("email")))})
        if request.path == "/company":
            company = view.company(domain=params.get("domain"))
            return MarketResponse(json={"company": dict(company.fields) if company else None})
        return MarketResponse(404, text="no such endpoint", content_type="text/plain")


@pytest.fixture(scope="module")
def population() -> Population:
    return generate(21, companies=40, people=300, today=date(2025, 6, 1))


@pytest.fixture(scope="module")
def wire() -> EchoWire:
    return EchoWire()


@pytest.fixture(scope="module")
def market(population: Population, wire: EchoWire) -> Iterator[RunningMarket]:
    with start_market(
        population,
        profiles={VENDOR: PROFILE},
        wires={VENDOR: wire},
        seed=9,
        latency_scale=0,
        smtp_port=0,
    ) as running:
        yield running


@pytest.fixture
def client(market: RunningMarket) -> Iterator[httpx.Client]:
    market.set_vendor(VENDOR)  # back to the profile's behaviour
    httpx.delete(market.url + "/_market/stats")
    with httpx.Client(base_url=market.vendor_url(VENDOR), timeout=5) as c:
        c.headers["x-key"] = market.key(VENDOR)
        yield c


def _someone(population: Population) -> TruePerson:
    return next(p for p in population.people.values() if not p.history)


def test_the_server_listens_on_loopback_only(market: RunningMarket) -> None:
    assert market.url.startswith("http://127.0.0.1:")
    assert market.vendor_url(VENDOR) == market.url + "/" + VENDOR


def test_a_good_key_gets_the_vendors_answer(
    client: httpx.Client, population: Population, wire: EchoWire
) -> None:
    person = _someone(population)
    response = client.get("/person", params={"email": person.email})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["id"] == person.id
    assert body["title"] == person.fields["title"]
    assert body["company_domain"] == population.company_of(person).domain
    assert client.get("/person", params={"email": "nobody@nowhere.test"}).status_code == 404
    assert str(person.email) in wire.registered  # every address was registered at start


def test_keys_are_checked_where_the_wire_reads_them(
    client: httpx.Client, market: RunningMarket
) -> None:
    url = "/person"
    assert client.get(url, headers={"x-key": "wrong"}).json() == {"error": "auth"}
    assert httpx.get(market.vendor_url(VENDOR) + url).status_code == 401
    nocredits = client.get(url, headers={"x-key": f"sandbox-{VENDOR}-nocredits"})
    assert (nocredits.status_code, nocredits.json()) == (402, {"error": "quota"})
    limited = client.get(url, headers={"x-key": f"sandbox-{VENDOR}-ratelimited"})
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "7")
    stats = market.stats()[VENDOR]
    assert stats["errors"] == {"auth": 2, "quota": 1, "rate_limited": 1}
    assert stats["units"] == 0


def test_snov_keys_are_client_id_and_secret_pairs() -> None:
    assert default_key("snov") == "sandbox-snov-key:sandbox-snov-secret"
    assert special_key("snov", "nocredits") == "sandbox-snov-nocredits:sandbox-snov-secret"
    assert default_key("apollo") == "sandbox-apollo-key"


def test_stats_count_requests_hits_and_units(
    client: httpx.Client, market: RunningMarket, population: Population
) -> None:
    person = _someone(population)
    client.get("/person", params={"email": person.email})
    client.get("/person", params={"email": "nobody@nowhere.test"})
    client.get("/verify", params={"email": person.email})
    stats = httpx.get(market.url + "/_market/stats").json()[VENDOR]
    assert (stats["requests"], stats["hits"], stats["misses"]) == (3, 2, 1)
    assert stats["units"] == pytest.approx(3 * 0.5 + 2 * 2.0)
    assert stats == market.stats()[VENDOR]


def test_forced_faults(client: httpx.Client, market: RunningMarket, population: Population) -> None:
    params = {"email": _someone(population).email}
    control = market.url + "/_market/vendors/" + VENDOR
    seen: dict[str, httpx.Response] = {}
    for fault in ("server", "rate_limited", "html", "empty", "truncated", "text_plain"):
        assert httpx.post(control, json={"fault": fault}).status_code == 200
        seen[fault] = client.get("/person", params=params)
    assert seen["server"].json() == {"error": "server"}
    assert seen["rate_limited"].status_code == 429
    assert seen["html"].status_code == 200
    assert seen["html"].headers["content-type"].startswith("text/html")
    assert seen["empty"].status_code == 200 and seen["empty"].content == b""
    truncated = seen["truncated"]
    assert truncated.headers["content-type"] == "application/json"
    with pytest.raises(ValueError):
        truncated.json()
    assert seen["text_plain"].headers["content-type"].startswith("text/plain")
    assert seen["text_plain"].json()["email"] == params["email"]
    faults = market.stats()[VENDOR]["faults"]
    assert faults == {k: 1 for k in seen}
    assert httpx.post(control, json={"fault": "gremlins"}).status_code == 400
    assert httpx.post(market.url + "/_market/vendors/nobody", json={}).status_code == 404


def test_a_hang_outlasts_the_client_timeout(client: httpx.Client, market: RunningMarket) -> None:
    market.set_vendor(VENDOR, fault="hang")
    with pytest.raises(httpx.ReadTimeout):
        client.get("/person", timeout=0.3)


def test_random_faults_are_deterministic_per_request_number(
    client: httpx.Client, market: RunningMarket, population: Population
) -> None:
    params = {"email": _someone(population).email}

    def run() -> list[int]:
        httpx.delete(market.url + "/_market/stats")
        market.set_vendor(VENDOR, failure_rate=0.5)
        codes = [client.get("/person", params=params, timeout=0.5) for _ in range(30)]
        return [r.status_code * 1000 + len(r.content) for r in codes]

    market.server.profiles[VENDOR] = replace(
        PROFILE, faults={"server": 1.0, "html": 1.0, "empty": 1.0}
    )
    try:
        first, second = run(), run()
    finally:
        market.server.profiles[VENDOR] = PROFILE
    assert first == second
    faults = market.stats()[VENDOR]["faults"]
    assert 5 <= sum(faults.values()) <= 25
    assert set(faults) <= {"server", "html", "empty"}


def test_latency_follows_the_profile_when_enabled(
    client: httpx.Client, market: RunningMarket, population: Population
) -> None:
    params = {"email": _someone(population).email}
    market.set_vendor(VENDOR, latency_scale=1.0)
    started = time.monotonic()
    client.get("/person", params=params)
    slow = time.monotonic() - started
    assert slow >= 0.19  # the simulated latency is a sleep: a lower bound, never an upper


def test_truth_endpoint(market: RunningMarket, population: Population) -> None:
    changer = next(p for p in population.people.values() if p.history)
    body = httpx.get(f"{market.url}/_market/truth/{changer.id}").json()
    assert body["contact"] == population.contact(changer)
    assert body["history"][0]["email"] == changer.history[0].email
    assert httpx.get(market.url + "/_market/truth/p999999").status_code == 404


def test_sites_serve_company_homepages(market: RunningMarket, population: Population) -> None:
    pytest.importorskip("cleanlist_server.sandbox.market.sites")
    company = next(iter(population.companies.values()))
    page = httpx.get(f"{market.url}/sites/{company.domain}/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert company.name.split()[0] in page.text
    assert httpx.get(f"{market.url}/sites/nowhere.test/").status_code == 404


def test_env_points_the_product_at_the_market(market: RunningMarket) -> None:
    env = market.env()
    assert env["CLEANLIST_ALLOW_TEST_DOMAINS"] == "true"
    assert env["CLEANLIST_PROVIDER_WEBSITE_URL"] == market.url + "/sites/{domain}/"
    assert "CLEANLIST_DNS_NAMESERVERS" in env and "CLEANLIST_SMTP_PORT" in env
    assert not any(VENDOR.upper() in key for key in env)  # not a provider the product knows
    load_provider_config(env=env)


def test_mail_world_answers_mx_and_rcpt(market: RunningMarket, population: Population) -> None:
    assert market.world is not None
    host, port = market.world.dns_address.rsplit(":", 1)
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port, resolver.lifetime = [host], int(port), 3.0
    person = next(
        p
        for p in population.people.values()
        if p.history and not population.companies[p.history[0].company_id].catch_all
    )
    company = population.company_of(person)
    answer = resolver.resolve(company.domain, "MX")
    exchanges = sorted((r.preference, str(r.exchange).rstrip(".")) for r in answer)
    assert exchanges == sorted(
        (h.preference, h.name) for h in market.world.world.domain(company.domain).mx
    )
    old = population.companies[person.history[0].company_id]
    checks = [(company, str(person.email), 250), (old, str(person.history[0].email), 550)]
    for owner, address, expected in checks:
        mx = min(market.world.world.domain(owner.domain).mx, key=lambda h: h.preference)
        with smtplib.SMTP(
            market.world.address_of(mx.name), market.world.smtp_port, timeout=5
        ) as smtp:
            smtp.ehlo("verifier.test")
            smtp.mail("probe@verifier.test")
            assert smtp.rcpt(address)[0] == expected, address


def test_the_real_vendor_modules_are_served_by_default(
    population: Population, caplog: pytest.LogCaptureFixture
) -> None:
    with start_market(population, latency_scale=0, with_mail=False) as running:
        served = set(running.vendors)
        env = running.env()
        config = load_provider_config(env=env)
        for name in served & COMMERCIAL:
            assert config.providers[name].url == running.vendor_url(name)
            assert config.providers[name].key == default_key(name)
            assert str(config.providers[name].key).startswith(f"sandbox-{name}-key")
        stats: dict[str, Any] = httpx.get(running.url + "/_market/stats").json()
        assert served <= set(stats)
    assert served == set(load_wires(sorted(COMMERCIAL | {"gravatar"})))
    with caplog.at_level(logging.WARNING, "cleanlist.sandbox.market"):
        assert load_wires(["no_such_vendor"]) == {}
    assert "no_such_vendor" in caplog.text


async def test_job_boards_and_careers_pages_over_http(
    market: RunningMarket, population: Population
) -> None:
    from cleanlist_server.intent.jobs import JobBoardClient, find_careers
    from cleanlist_server.net.egress import EgressPolicy
    from cleanlist_server.net.http import make_http_client
    from cleanlist_server.sandbox.market import jobs

    today = population.today
    assert today is not None
    hiring = [
        c
        for c in population.companies.values()
        if jobs.postings_for(c, today, seed=population.seed)
    ]
    assert hiring, "the population has companies with open postings"
    async with make_http_client(EgressPolicy.from_strings("127.0.0.0/8", ""), timeout=5) as http:
        boards = JobBoardClient(http, urls=jobs.board_urls(market.url), timeout=5)
        for company in hiring[:4]:
            refs = await find_careers(http, market.url + "/sites/{domain}", company.domain)
            assert refs == [jobs.board_for(company, seed=population.seed)]
            fetched = await boards.fetch(refs[0])
            truth = [
                p.as_posting() for p in jobs.postings_for(company, today, seed=population.seed)
            ]
            assert sorted(fetched, key=lambda p: p.title + str(p.url)) == sorted(
                truth, key=lambda p: p.title + str(p.url)
            )
        assert (await http.get(market.url + "/jobs/monster/v1/x")).status_code == 404
