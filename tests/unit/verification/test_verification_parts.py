"""Syntax, lists, provider detection, status precedence table, scores, config warnings."""

from __future__ import annotations

import pytest

from cleanlist_server.domain.enums import EmailStatus
from cleanlist_server.verification import VerifierConfig, helo_warnings, provider_for
from cleanlist_server.verification.classify import Outcome
from cleanlist_server.verification.lists import DomainLists, builtin_roles
from cleanlist_server.verification.resolver import parse_nameserver
from cleanlist_server.verification.status import Evidence, decide, score
from cleanlist_server.verification.syntax import check_syntax


@pytest.mark.parametrize(
    ("raw", "valid", "email"),
    [
        ("Jane.Doe@Acme.COM", True, "jane.doe@acme.com"),
        ("  mailto:jane@acme.com ", True, "jane@acme.com"),
        ("jane@bücher.de", True, "jane@xn--bcher-kva.de"),
        ("jane@@acme.com", False, None),
        ("jane..doe@acme.com", False, None),
        ("Jane <jane@acme.com>", False, None),
        ("jane@[192.0.2.1]", False, None),
        ("jane@acme", False, None),
        ("", False, None),
    ],
)
def test_syntax(raw: str, valid: bool, email: str | None) -> None:
    check = check_syntax(raw)
    assert check.valid is valid
    if email:
        assert check.email == email and check.reason is None
    else:
        assert check.reason


@pytest.mark.parametrize(
    "email", ["a@example.com", "a@mail.example.org", "a@b.test", "a@b.invalid", "a@b.localhost"]
)
def test_reserved_names(email: str) -> None:
    check = check_syntax(email)
    assert check.valid and check.reserved


def test_lists_and_extras() -> None:
    lists = DomainLists.build(("ceo-office",), ("corp-mail.net",), ("burner.net",))
    assert {"info", "sales", "admin", "support"} <= builtin_roles()
    assert lists.is_role("ceo-office") and lists.is_role("sales+emea")
    assert not lists.is_role("jane.doe")
    assert lists.is_free("gmail.com") and lists.is_free("corp-mail.net")
    assert lists.is_disposable("burner.net") and lists.is_disposable("x.mailinator.com")
    assert not lists.is_free("mailinator.com")


@pytest.mark.parametrize(
    ("hosts", "provider"),
    [
        (("aspmx.l.google.com", "alt1.aspmx.l.google.com"), "google"),
        (("gmail-smtp-in.l.google.com",), "google"),
        (("acme-com.mail.protection.outlook.com",), "microsoft"),
        (("eur.olc.protection.outlook.com",), "microsoft"),
        (("mta7.am0.yahoodns.net",), "yahoo"),
        (("mx0a-001.pphosted.com",), "proofpoint"),
        (("eu-smtp-inbound-1.mimecast.com",), "mimecast"),
        (("mx.zoho.eu",), "zoho"),
        (("mail.notgoogle.com",), "other"),
        ((), "other"),
    ],
)
def test_provider(hosts: tuple[str, ...], provider: str) -> None:
    assert provider_for(hosts) == provider


E = Evidence
PRECEDENCE = [
    (E(syntax_valid=False, disposable=True), EmailStatus.INVALID),
    (E(reserved=True), EmailStatus.INVALID),
    (E(disposable=True, no_route="nxdomain"), EmailStatus.DISPOSABLE),
    (E(role=True, no_route="null_mx"), EmailStatus.INVALID),
    (E(role=True, outcome=Outcome.USER_UNKNOWN), EmailStatus.INVALID),
    (E(role=True, outcome=Outcome.ACCEPTED, catch_all=True), EmailStatus.ROLE_BASED),
    (E(role=True, failure="smtp_timeout"), EmailStatus.ROLE_BASED),
    (E(role=True, dns_failure="dns_timeout"), EmailStatus.UNKNOWN),
    (E(outcome=Outcome.ACCEPTED, catch_all=True), EmailStatus.CATCH_ALL),
    (E(outcome=Outcome.ACCEPTED, catch_all=False), EmailStatus.VALID),
    (E(outcome=Outcome.ACCEPTED), EmailStatus.VALID),
    (E(outcome=Outcome.USER_UNKNOWN, catch_all=True), EmailStatus.INVALID),
    (E(outcome=Outcome.MAILBOX_FULL), EmailStatus.RISKY),
    (E(outcome=Outcome.MAILBOX_DISABLED), EmailStatus.RISKY),
    (E(outcome=Outcome.GREYLISTED), EmailStatus.UNKNOWN),
    (E(outcome=Outcome.BLOCKED), EmailStatus.UNKNOWN),
    (E(failure="connection_refused"), EmailStatus.UNKNOWN),
]


@pytest.mark.parametrize(("evidence", "status"), PRECEDENCE)
def test_precedence_table(evidence: Evidence, status: EmailStatus) -> None:
    assert decide(evidence)[0] is status


def test_scores() -> None:
    assert score(EmailStatus.VALID, ("mailbox_accepted",), free=False) == 95
    assert score(EmailStatus.VALID, ("mailbox_accepted",), free=True) == 90
    assert score(EmailStatus.VALID, ("mailbox_accepted", "catch_all_unknown"), free=False) == 85
    assert score(EmailStatus.CATCH_ALL, (), free=False) == 50
    assert score(EmailStatus.UNKNOWN, ("greylisted",), free=False) == 30
    assert score(EmailStatus.INVALID, (), free=True) == 0


def test_helo_warnings() -> None:
    assert len(helo_warnings(VerifierConfig())) >= 2
    owned = VerifierConfig(helo="mx.acme-verify.com", from_address="bounce@acme-verify.com")
    assert helo_warnings(owned) == []
    mismatch = VerifierConfig(helo="mx.acme-verify.com", from_address="x@other.org")
    assert any("not at the HELO domain" in w for w in helo_warnings(mismatch))


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        VerifierConfig(proxy="http://proxy:3128")
    with pytest.raises(ValueError):
        VerifierConfig(address_deadline=0)
    assert VerifierConfig(helo="a.b.c").mail_from == "verify@a.b.c"


@pytest.mark.parametrize(
    ("entry", "parsed"),
    [("127.0.0.1", ("127.0.0.1", 53)), ("127.0.0.1:5353", ("127.0.0.1", 5353)),
     ("::1", ("::1", 53)), ("[::1]:5353", ("::1", 5353))],
)  # fmt: skip
def test_parse_nameserver(entry: str, parsed: tuple[str, int]) -> None:
    assert parse_nameserver(entry) == parsed


def test_nameserver_must_be_an_address() -> None:
    with pytest.raises(ValueError):
        parse_nameserver("dns.google")
