"""The verifier over fake DNS and SMTP ports: precedence, catch-all, caching, deadlines."""

from __future__ import annotations

import asyncio
import time

import pytest
from verification_fakes import FakeConnector, FakeResolver, mailbox_handler, make_verifier

from cleanlist_server.domain.enums import EmailStatus
from cleanlist_server.verification import Reply, SmtpFailure

VALID = {"jane@acme.com", "info@acme.com", "bob@gmail.com", "joe@implicit.com"}


@pytest.fixture
def connector() -> FakeConnector:
    return FakeConnector(mailbox_handler(VALID))


@pytest.mark.parametrize(
    ("email", "status", "reason"),
    [
        ("not an email", EmailStatus.INVALID, "invalid_syntax"),
        ("a@b@acme.com", EmailStatus.INVALID, "invalid_syntax"),
        ("x@example.com", EmailStatus.INVALID, "reserved_domain"),
        ("x@host.test", EmailStatus.INVALID, "reserved_domain"),
        ("x@mailinator.com", EmailStatus.DISPOSABLE, "disposable_domain"),
        ("info@mailinator.com", EmailStatus.DISPOSABLE, "disposable_domain"),
        ("x@nxdomain-here.com", EmailStatus.INVALID, "nxdomain"),
        ("info@nxdomain-here.com", EmailStatus.INVALID, "nxdomain"),
        ("x@nullmx.com", EmailStatus.INVALID, "null_mx"),
        ("x@bare.com", EmailStatus.INVALID, "no_mail_route"),
        ("x@dangling.com", EmailStatus.INVALID, "mx_host_not_found"),
        ("x@slowdns.com", EmailStatus.UNKNOWN, "dns_timeout"),
        ("x@brokendns.com", EmailStatus.UNKNOWN, "dns_error"),
        ("nobody@acme.com", EmailStatus.INVALID, "mailbox_not_found"),
        ("sales@acme.com", EmailStatus.INVALID, "mailbox_not_found"),
        ("info@acme.com", EmailStatus.ROLE_BASED, "role_account"),
        ("jane@acme.com", EmailStatus.VALID, "mailbox_accepted"),
        ("JANE@Acme.COM", EmailStatus.VALID, "mailbox_accepted"),
        ("joe@implicit.com", EmailStatus.VALID, "mailbox_accepted"),
        ("bob@gmail.com", EmailStatus.VALID, "mailbox_accepted"),
    ],
)
async def test_precedence(
    resolver: FakeResolver, connector: FakeConnector, email: str, status: EmailStatus, reason: str
) -> None:
    result = await make_verifier(resolver, connector).verify(email)
    assert result.email_status is status, result.reasons
    assert reason in result.reasons


async def test_result_shape(resolver: FakeResolver, connector: FakeConnector) -> None:
    result = await make_verifier(resolver, connector).verify("bob@gmail.com")
    data = result.to_dict()
    assert data["email"] == "bob@gmail.com" and data["email_status"] == "valid"
    assert data["verified_at"].endswith("Z")
    checks = data["checks"]
    assert checks["provider"] == "google" and checks["free_provider"] is True
    assert checks["mx"] == ["gmail-smtp-in.l.google.com"]
    assert checks["mx_tried"][0]["outcome"] == "connected"
    assert checks["smtp"]["code"] == 250 and checks["smtp"]["connected"] is True
    assert checks["catch_all"] is False and checks["score"] == 90
    assert set(checks["syntax"]) == {"valid", "reason", "local_part", "domain", "ascii_domain"}
    assert set(checks["domain"]) == {"exists", "has_mx", "null_mx", "implicit_mx"}


async def test_implicit_mx_and_null_mx_flags(
    resolver: FakeResolver, connector: FakeConnector
) -> None:
    verifier = make_verifier(resolver, connector)
    implicit, null = await verifier.verify_many(["joe@implicit.com", "x@nullmx.com"])
    assert implicit.domain.implicit_mx and implicit.mx == ("implicit.com",)
    assert null.domain.null_mx and null.domain.exists


async def test_allow_test_domains_resolves_reserved_names(connector: FakeConnector) -> None:
    resolver = FakeResolver()
    resolver.add_domain("shop.test", (10, "mx.shop.test"))
    connector.handler = mailbox_handler({"ann@shop.test"})
    verifier = make_verifier(resolver, connector, allow_test_domains=True)
    assert (await verifier.verify("ann@shop.test")).email_status is EmailStatus.VALID


async def test_catch_all_probe_follows_the_real_recipient_once_per_domain(
    resolver: FakeResolver,
) -> None:
    connector = FakeConnector(mailbox_handler(set(), catch_all=True))
    verifier = make_verifier(resolver, connector, max_connections_per_mx=1)
    emails = [f"user{i}@catchall.com" for i in range(5)]
    results = await verifier.verify_many(emails)
    assert {r.email_status for r in results} == {EmailStatus.CATCH_ALL}
    rcpts = [line for _, line in connector.log if line.startswith("RCPT")]
    assert rcpts[0] == "RCPT TO:<user0@catchall.com>"
    assert len(rcpts) == 6  # five recipients + one probe, right after the first
    probe = rcpts[1][len("RCPT TO:<") : -1]
    assert probe.endswith("@catchall.com") and len(probe.split("@")[0]) == 20
    assert verifier.catch_all_cached("catchall.com") is True
    # Cached: a later call does not probe again.
    connector.log.clear()
    assert (await verifier.verify("other@catchall.com")).email_status is EmailStatus.CATCH_ALL
    assert len([line for _, line in connector.log if line.startswith("RCPT")]) == 1


async def test_rejected_recipient_on_catch_all_domain_trusts_5_1_1(resolver: FakeResolver) -> None:
    handler = mailbox_handler(
        set(), catch_all=True, overrides={"gone@catchall.com": Reply(550, "5.1.1 no such user")}
    )
    verifier = make_verifier(resolver, FakeConnector(handler), max_connections_per_mx=1)
    ok, gone = await verifier.verify_many(["a@catchall.com", "gone@catchall.com"])
    assert ok.email_status is EmailStatus.CATCH_ALL
    assert gone.email_status is EmailStatus.INVALID


async def test_session_reuse_shares_one_transaction_and_recipient_limit(
    resolver: FakeResolver, connector: FakeConnector
) -> None:
    verifier = make_verifier(
        resolver, connector, max_recipients_per_session=3, max_connections_per_mx=2
    )
    emails = [f"u{i}@acme.com" for i in range(7)] + ["jane@acme.com"]
    results = await verifier.verify_many(emails)
    assert results[-1].email_status is EmailStatus.VALID
    assert all(r.email_status is EmailStatus.INVALID for r in results[:-1])
    sessions = len(connector.connects)
    assert 3 <= sessions <= 4  # at most 3 recipients each, over at most 2 connections
    assert connector.max_open <= 2
    # Recipients of one session share its MAIL FROM transaction: no RSET between them.
    assert sum(1 for _, line in connector.log if line == "RSET") == 0
    assert 3 <= sum(1 for _, line in connector.log if line.startswith("MAIL FROM")) <= sessions
    assert connector.open_sessions == 0


async def test_per_mx_connection_limit(resolver: FakeResolver) -> None:
    connector = FakeConnector(mailbox_handler(VALID), reply_delay=0.002)
    verifier = make_verifier(resolver, connector, max_connections_per_mx=2)
    await verifier.verify_many([f"u{i}@acme.com" for i in range(60)])
    assert connector.max_open == 2


async def test_naive_mode_matches_and_uses_one_connection_per_address(
    resolver: FakeResolver, connector: FakeConnector
) -> None:
    emails = ["jane@acme.com", "nobody@acme.com", "info@acme.com", "joe@implicit.com", "x@bare.com"]
    fast = await make_verifier(resolver, connector).verify_many(emails)
    naive_connector = FakeConnector(mailbox_handler(VALID))
    slow = await make_verifier(resolver, naive_connector, naive=True).verify_many(emails)
    assert [r.email_status for r in fast] == [r.email_status for r in slow]
    assert len(naive_connector.connects) == 4


async def test_mx_fallback_on_refusal_and_421(resolver: FakeResolver) -> None:
    for reason in ("connect_refused", "banner_rejected", "connect_timeout"):
        connector = FakeConnector(mailbox_handler(VALID), refuse={"mx1.acme.com": reason})
        result = await make_verifier(resolver, connector).verify("jane@acme.com")
        assert result.email_status is EmailStatus.VALID
        assert [a.host for a in result.mx_tried] == ["mx1.acme.com", "mx2.acme.com"]


async def test_every_mx_refusing_is_unknown(resolver: FakeResolver) -> None:
    refuse = {"mx1.acme.com": "connect_refused", "mx2.acme.com": "connect_refused"}
    connector = FakeConnector(mailbox_handler(VALID), refuse=refuse)
    results = await make_verifier(resolver, connector).verify_many(["jane@acme.com", "b@acme.com"])
    assert {r.email_status for r in results} == {EmailStatus.UNKNOWN}
    assert "connection_refused" in results[0].reasons


@pytest.mark.parametrize(
    ("reply", "status", "reason"),
    [
        (Reply(452, "4.2.2 Mailbox full"), EmailStatus.RISKY, "mailbox_full"),
        (Reply(550, "5.2.1 mailbox disabled"), EmailStatus.RISKY, "mailbox_disabled"),
        (
            Reply(550, "5.7.1 Service unavailable; client host blocked"),
            EmailStatus.UNKNOWN,
            "blocked",
        ),
        (Reply(554, "Transaction failed"), EmailStatus.UNKNOWN, "blocked"),
        (Reply(451, "4.7.1 Greylisted, try again later"), EmailStatus.UNKNOWN, "greylisted"),
    ],
)
async def test_rcpt_replies(
    resolver: FakeResolver, reply: Reply, status: EmailStatus, reason: str
) -> None:
    connector = FakeConnector(mailbox_handler(set(), overrides={"kim@acme.com": reply}))
    result = await make_verifier(resolver, connector).verify("kim@acme.com")
    assert result.email_status is status and reason in result.reasons


async def test_greylisted_address_is_retried_in_the_batch(resolver: FakeResolver) -> None:
    seen: set[str] = set()

    def handler(host: str, line: str) -> Reply:
        if line.startswith("RCPT") and line not in seen:
            seen.add(line)
            return Reply(451, "4.7.1 Greylisted, please retry")
        return mailbox_handler({"kim@acme.com"})(host, line)

    verifier = make_verifier(resolver, FakeConnector(handler), greylist_retry_after=0.05)
    result = await verifier.verify("kim@acme.com")
    assert result.email_status is EmailStatus.VALID
    assert result.catch_all is False  # the probe was registered on pass 1, answered on pass 2


async def test_greylist_retry_skipped_when_it_cannot_fit_the_deadline(
    resolver: FakeResolver,
) -> None:
    connector = FakeConnector(
        mailbox_handler(set(), overrides={"kim@acme.com": Reply(451, "4.7.1 greylisted")})
    )
    verifier = make_verifier(resolver, connector, greylist_retry_after=60.0)
    started = time.monotonic()
    result = await verifier.verify("kim@acme.com")
    assert time.monotonic() - started < 1.0
    assert result.email_status is EmailStatus.UNKNOWN and "greylisted" in result.reasons


async def test_address_deadline_is_honoured(resolver: FakeResolver) -> None:
    connector = FakeConnector(mailbox_handler(VALID), reply_delay=5.0)
    verifier = make_verifier(resolver, connector, address_deadline=0.3)
    started = time.monotonic()
    result = await verifier.verify("jane@acme.com")
    assert time.monotonic() - started < 1.0
    assert result.email_status is EmailStatus.UNKNOWN
    assert connector.open_sessions == 0


async def test_mid_session_drop_retries_once_on_a_fresh_connection(resolver: FakeResolver) -> None:
    state = {"rcpts": 0}

    def handler(host: str, line: str) -> Reply:
        if line.startswith("RCPT"):
            state["rcpts"] += 1
            if state["rcpts"] == 2:
                raise SmtpFailure("connection_closed", "peer closed")
        return mailbox_handler(VALID)(host, line)

    connector = FakeConnector(handler)
    verifier = make_verifier(resolver, connector, max_connections_per_mx=1)
    results = await verifier.verify_many(["jane@acme.com", "nobody@acme.com", "info@acme.com"])
    assert [r.email_status for r in results] == [
        EmailStatus.VALID,
        EmailStatus.INVALID,
        EmailStatus.ROLE_BASED,
    ]
    assert len(connector.connects) == 2


async def test_dns_answers_are_cached(resolver: FakeResolver, connector: FakeConnector) -> None:
    verifier = make_verifier(resolver, connector)
    await verifier.verify("jane@acme.com")
    await verifier.verify("nobody@acme.com")
    assert resolver.calls.count(("MX", "acme.com")) == 1
    assert resolver.calls.count(("A", "mx1.acme.com")) == 1


async def test_concurrent_verify_calls_share_one_dns_lookup(connector: FakeConnector) -> None:
    resolver = FakeResolver(delay=0.05)
    resolver.add_domain("acme.com", (10, "mx1.acme.com"))
    verifier = make_verifier(resolver, connector)
    await asyncio.gather(*(verifier.verify(f"u{i}@acme.com") for i in range(10)))
    assert resolver.calls.count(("MX", "acme.com")) == 1


async def test_garbage_input_never_raises(resolver: FakeResolver, connector: FakeConnector) -> None:
    verifier = make_verifier(resolver, connector)
    results = await verifier.verify_many(["", "@", "a@", None, 42, "x" * 400 + "@acme.com"])  # type: ignore[list-item]
    assert {r.email_status for r in results} == {EmailStatus.INVALID}


async def test_duplicates_share_one_check(resolver: FakeResolver, connector: FakeConnector) -> None:
    results = await make_verifier(resolver, connector).verify_many(
        ["jane@acme.com", "JANE@acme.com"]
    )
    assert [r.email_status for r in results] == [EmailStatus.VALID, EmailStatus.VALID]
    assert sum(1 for _, line in connector.log if line == "RCPT TO:<jane@acme.com>") == 1
