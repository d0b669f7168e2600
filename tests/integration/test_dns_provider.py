"""The dns provider against a real authoritative server on loopback (``SandboxDNS``).

The zone is what the sandbox market publishes for synthetic companies (``dnsdata``: MX of
the mail provider, SPF includes and verification TXT records of the SaaS tools); the
provider must recover the mail provider and the tools, by name. Faults scripted in the
zone come back as typed provider errors within the resolver's deadline.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import CallPolicy, ProviderRunner, ProviderTimeout
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.providers.base import Provider, ProviderError, ProviderUnavailable
from cleanlist_server.providers.dns_intel import (
    DnsProvider,
    analyze,
    load_signatures,
    spf_targets,
)
from cleanlist_server.sandbox.dns import SandboxDNS
from cleanlist_server.sandbox.market.dnsdata import (
    MAIL_PROVIDERS,
    MAX_TXT_LENGTH,
    SAAS_TOOLS,
    mx_records,
    txt_records,
)
from cleanlist_server.sandbox.market.model import TrueCompany
from cleanlist_server.sandbox.zone import Fault, Zone
from cleanlist_server.verification.config import VerifierConfig

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
LOOPBACK = EgressPolicy.from_strings("127.0.0.0/8", "")
SPF_TOOLS = tuple(t.name for t in load_signatures().tools if t.spf_example)


def company(domain: str, mail: str, *tools: str) -> TrueCompany:
    fields = {"company_domain": domain, "company_name": domain.split(".")[0].title()}
    return TrueCompany(id=f"c-{domain}", fields=fields, mail_provider=mail, saas_tools=tools)


COMPANIES = (
    company("googly.test", "google", "HubSpot", "Salesforce", "Slack"),
    company("softy.test", "microsoft", "DocuSign", "Zoom", "Atlassian"),
    company("zohoish.test", "zoho"),
    company("selfhost.test", "self", "SendGrid", "Stripe", "Zendesk", "Microsoft 365"),
    company("guarded.test", "proofpoint"),
    company("everything.test", "mimecast", *SAAS_TOOLS),
)
PRODUCT = {sig.key: sig.name for sig in load_signatures().mail_providers}


def publish(zone: Zone, co: TrueCompany) -> None:
    zone.add_mx(co.domain, mx_records(co))
    zone.add_txt(co.domain, *txt_records(co))


@pytest.fixture(scope="module")
def dns() -> Iterator[SandboxDNS]:
    zone = Zone()
    for co in COMPANIES:
        publish(zone, co)
    zone.add_name("empty.test")  # exists, no records
    zone.add_txt("own.test", "v=spf1 include:_spf.own.test -all")
    zone.add_txt("_spf.own.test", "v=spf1 include:sendgrid.net include:_spf2.own.test ~all")
    zone.add_txt("_spf2.own.test", "v=spf1 include:mailgun.org ~all")
    zone.add_mx("own.test", [(10, "mx1.own.test")])
    zone.add_mx("slow.test", [(10, "aspmx.l.google.com")])
    zone.set_fault("slow.test", Fault.TIMEOUT)
    zone.add_mx("broken.test", [(10, "aspmx.l.google.com")])
    zone.set_fault("broken.test", Fault.SERVFAIL)
    zone.add_mx("refusing.test", [(10, "aspmx.l.google.com")])
    zone.set_fault("refusing.test", Fault.REFUSED)
    zone.add_mx("slowtxt.test", [(10, "aspmx.l.google.com")])
    zone.set_fault("slowtxt.test", Fault.TIMEOUT, qtypes=["TXT"])
    with SandboxDNS(zone) as server:
        yield server


def provider(dns: SandboxDNS, *, timeout: float = 0.4, lifetime: float = 0.8) -> DnsProvider:
    config = VerifierConfig(
        dns_nameservers=(dns.address,), dns_timeout=timeout, dns_lifetime=lifetime
    )
    return DnsProvider(config, LOOPBACK, clock=lambda: NOW)


def query(domain: str) -> Query:
    return Query(account_id=1, company_domain=domain)


# -- recovering what the sandbox published --------------------------------------------------


@pytest.mark.parametrize("co", COMPANIES, ids=lambda c: c.domain)
async def test_recovers_the_mail_provider_and_the_tools(dns: SandboxDNS, co: TrueCompany) -> None:
    result = await provider(dns).lookup(query(co.domain))
    assert result.matched
    (name,) = result.fields
    stack = result.fields["company_tech_stack"]
    assert name == "company_tech_stack"
    mail = {PRODUCT[co.mail_provider]} if co.mail_provider in PRODUCT else set()
    assert stack.value == sorted(mail | set(co.saas_tools))
    assert (stack.source, stack.observed_at) == ("dns", NOW)


async def test_exact_stacks_and_confidences(dns: SandboxDNS) -> None:
    p = provider(dns)
    found = {}
    for domain in ("googly.test", "softy.test", "zohoish.test", "guarded.test", "selfhost.test"):
        fv = (await p.lookup(query(domain))).fields["company_tech_stack"]
        found[domain] = (fv.value, fv.confidence)
    assert found == {
        # TXT verification evidence (Slack) caps the list at 0.75.
        "googly.test": (["Google Workspace", "HubSpot", "Salesforce", "Slack"], 0.75),
        "softy.test": (["Atlassian", "DocuSign", "Microsoft 365", "Zoom"], 0.75),
        # MX and SPF only.
        "zohoish.test": (["Zoho Mail"], 0.85),
        # MX alone: how mail is routed today.
        "guarded.test": (["Proofpoint"], 0.95),
        # Self-hosted mail is no product; its SaaS senders and verifications are.
        "selfhost.test": (["Microsoft 365", "SendGrid", "Stripe", "Zendesk"], 0.75),
    }


async def test_long_spf_records_are_split_and_all_recovered(dns: SandboxDNS) -> None:
    everything = COMPANIES[-1]
    texts = txt_records(everything)
    spf = [t for t in texts if t.startswith("v=spf1")]
    assert len(spf) > 1
    assert all(len(t.encode()) <= MAX_TXT_LENGTH for t in texts)
    result = await provider(dns).lookup(query(everything.domain))
    assert result.fields["company_tech_stack"].value == sorted({"Mimecast", *SAAS_TOOLS})


async def test_includes_inside_the_own_domain_are_followed(dns: SandboxDNS) -> None:
    result = await provider(dns).lookup(query("own.test"))
    assert result.fields["company_tech_stack"].value == ["Mailgun", "SendGrid"]
    assert dns.queries("_spf.own.test", "TXT") >= 1
    assert dns.queries("_spf2.own.test", "TXT") >= 1


# -- misses -----------------------------------------------------------------------------------


async def test_nxdomain_is_a_miss(dns: SandboxDNS) -> None:
    assert await provider(dns).lookup(query("nosuchcompany.test")) == ProviderResult.miss("dns")


async def test_no_records_is_a_miss(dns: SandboxDNS) -> None:
    assert await provider(dns).lookup(query("empty.test")) == ProviderResult.miss("dns")


def test_accepts_a_company_domain_only(dns: SandboxDNS) -> None:
    p = provider(dns)
    assert isinstance(p, Provider)
    assert (p.name, p.requires_key, p.cost_per_call, p.fields) == (
        "dns",
        False,
        0,
        frozenset({"company_tech_stack"}),
    )
    assert p.accepts(query("acme.test"))
    assert p.accepts(Query(account_id=1).with_known({"company_domain": "acme.test"}))
    assert not p.accepts(Query(account_id=1, company_name="Acme"))
    assert not p.accepts(query("not a domain"))


# -- faults -----------------------------------------------------------------------------------


async def test_a_silent_server_is_a_timeout_within_the_deadline(dns: SandboxDNS) -> None:
    started = time.monotonic()
    with pytest.raises(ProviderTimeout, match=r"slow\.test"):
        await provider(dns, timeout=0.3, lifetime=0.6).lookup(query("slow.test"))
    assert time.monotonic() - started < 2.0


async def test_a_txt_only_timeout_is_a_timeout_too(dns: SandboxDNS) -> None:
    with pytest.raises(ProviderTimeout):
        await provider(dns, timeout=0.3, lifetime=0.6).lookup(query("slowtxt.test"))


@pytest.mark.parametrize("domain", ["broken.test", "refusing.test"])
async def test_servfail_and_refused_are_unavailable(dns: SandboxDNS, domain: str) -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await provider(dns).lookup(query(domain))
    assert not isinstance(caught.value, ProviderTimeout)
    assert caught.value.retryable


async def test_the_runner_reports_the_timeout(dns: SandboxDNS) -> None:
    runner = ProviderRunner(lambda name: CallPolicy(timeout=3.0, retries=0))
    attempt = await runner.call(provider(dns, timeout=0.3, lifetime=0.6), query("slow.test"))
    assert (attempt.error, attempt.attempts) == ("timeout", 1)
    assert attempt.elapsed < 2.0


async def test_nameservers_the_egress_policy_refuses_are_never_asked(dns: SandboxDNS) -> None:
    config = VerifierConfig(dns_nameservers=(dns.address,), dns_timeout=0.3, dns_lifetime=0.6)
    dns.reset_counters()
    p = DnsProvider(config, EgressPolicy.from_strings("", ""))  # loopback is default-denied
    with pytest.raises(ProviderError, match="egress") as caught:
        await p.lookup(query("googly.test"))
    assert type(caught.value) is ProviderError
    assert not caught.value.retryable
    assert dns.queries() == 0


# -- the sandbox data and the pure analysis ----------------------------------------------------


def test_sandbox_tables_come_from_the_provider_table() -> None:
    table = load_signatures()
    assert set(MAIL_PROVIDERS) == {sig.key for sig in table.mail_providers}
    assert {"google", "microsoft", "zoho"} <= set(MAIL_PROVIDERS)
    assert "self" not in MAIL_PROVIDERS
    assert MAIL_PROVIDERS["google"][:2] == (
        (1, "aspmx.l.google.com"),
        (5, "alt1.aspmx.l.google.com"),
    )
    assert tuple(t.name for t in table.tools) == SAAS_TOOLS
    assert len(set(SAAS_TOOLS)) == len(SAAS_TOOLS) >= 30


def test_mx_records_are_personalised() -> None:
    softy = company("softy.test", "microsoft")
    assert mx_records(softy) == ((0, "softy-test.mail.protection.outlook.com"),)
    assert mx_records(company("own.test", "self")) == ((10, "mx1.own.test"),)


def test_txt_records_are_deterministic_and_realistic() -> None:
    googly = COMPANIES[0]
    texts = txt_records(googly)
    assert texts == txt_records(googly)
    spf, *verifications = texts
    assert spf.startswith("v=spf1 include:_spf.google.com include:")
    assert "include:_spf.salesforce.com" in spf and spf.endswith(" ~all")
    assert [v.split("=")[0] for v in verifications] == [
        "hubspot-developer-verification",
        "slack-domain-verification",
    ]
    assert txt_records(company("bare.test", "self")) == ("v=spf1 mx ~all",)


@pytest.mark.parametrize(
    ("record", "targets"),
    [
        ("v=spf1 include:_spf.google.com ~all", ["_spf.google.com"]),
        ("v=spf1 ip4:192.0.2.0/24 +include:SendGrid.net. -all", ["sendgrid.net"]),
        ("v=spf1 exists:%{i}._spf.mta.salesforce.com -all", ["_spf.mta.salesforce.com"]),
        ("v=spf1 redirect=_spf.acme.test", ["_spf.acme.test"]),
        ("google-site-verification=abc include:nothing.test", []),
        ("v=spf10 include:x.test", []),
    ],
)
def test_spf_targets(record: str, targets: list[str]) -> None:
    assert spf_targets(record) == targets


def test_analyze_matches_suffixes_on_label_boundaries() -> None:
    facts = analyze(
        [(10, "mx.notgoogle.com"), (20, "ALT1.ASPMX.L.GOOGLE.COM.")],
        ["v=spf1 include:evilsendgrid.net include:u123.wl.sendgrid.net ~all", "MS=ms12345678"],
    )
    assert facts.mail_provider == "google"
    assert facts.products == ["Google Workspace", "Microsoft 365", "SendGrid"]
    assert facts.confidence == 0.75
    assert analyze([(0, "")], ["v=spf1 -all"]).products == []  # null MX, no senders
