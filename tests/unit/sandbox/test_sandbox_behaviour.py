"""RCPT decisions of a scripted mail host, and the greylist, as tables."""

from __future__ import annotations

import pytest

from cleanlist_server.sandbox.behaviour import Behaviour, Greylist, RcptContext, rcpt_reply

CTX = RcptContext(client_ip="127.1.2.3", recipients_this_session=0, greylisted=False)
PEOPLE = {"jane", "bob"}


@pytest.mark.parametrize(
    ("behaviour", "address", "reply"),
    [
        (Behaviour(mailboxes=PEOPLE), "jane@acme.test", "250 2.1.5 Ok"),
        (Behaviour(mailboxes=PEOPLE), "JANE@Acme.test", "250 2.1.5 Ok"),
        (
            Behaviour(mailboxes=PEOPLE),
            "nobody@acme.test",
            "550 5.1.1 <nobody@acme.test>: Recipient address rejected: User unknown",
        ),
        (Behaviour(mailboxes={"jane@acme.test"}), "jane@acme.test", "250 2.1.5 Ok"),
        (Behaviour(mailboxes={"jane@acme.test"}), "jane@other.test", "550 5.1.1"),
        (Behaviour(accept_all=True), "x7f3k@catchall.test", "250 2.1.5 Ok"),
        (Behaviour(mailboxes=PEOPLE, full_mailboxes={"bob"}), "bob@f.test", "552 5.2.2"),
        (Behaviour(accept_all=True, disabled_mailboxes={"bob"}), "bob@d.test", "550 5.2.1"),
        (Behaviour(mailboxes=PEOPLE, block=True), "jane@b.test", "554 5.7.1 Service unavailable"),
        (Behaviour(mailboxes=PEOPLE, domains={"acme.test"}), "jane@evil.test", "554 5.7.1 <jane"),
        (Behaviour(mailboxes=PEOPLE, domains={"acme.test"}), "jane@acme.test", "250 2.1.5"),
    ],
)
def test_rcpt_reply(behaviour: Behaviour, address: str, reply: str) -> None:
    assert rcpt_reply(behaviour, address, CTX).startswith(reply)


def test_block_names_the_client() -> None:
    assert "[127.1.2.3] blocked" in rcpt_reply(Behaviour(block=True), "a@b.test", CTX)


def test_greylisted_recipients_get_451_even_unknown_ones() -> None:
    ctx = RcptContext("127.1.2.3", 0, greylisted=True)
    for address in ("jane@g.test", "nobody@g.test"):
        assert rcpt_reply(Behaviour(mailboxes=PEOPLE), address, ctx).startswith("451 4.7.1")


def test_recipient_limit_per_session() -> None:
    b = Behaviour(mailboxes=PEOPLE, max_recipients_per_session=2)
    assert rcpt_reply(b, "jane@l.test", RcptContext("127.1.2.3", 1, False)).startswith("250")
    assert rcpt_reply(b, "jane@l.test", RcptContext("127.1.2.3", 2, False)).startswith("452 4.5.3")


def test_behaviour_normalizes_sets_and_implies_starttls() -> None:
    b = Behaviour(mailboxes={"Jane"}, require_starttls=True)
    assert b.mailboxes == frozenset({"jane"})
    assert b.starttls
    assert hash(b) == hash(Behaviour(mailboxes=frozenset({"jane"}), require_starttls=True))


def test_greylist_window() -> None:
    grey = Greylist()
    assert grey.too_early("127.1.1.1", "jane@g.test", now=100.0, window=60)
    assert grey.too_early("127.1.1.1", "JANE@g.test", now=159.0, window=60)
    assert not grey.too_early("127.1.1.1", "jane@g.test", now=160.0, window=60)
    # another client, or another recipient, starts its own window
    assert grey.too_early("127.1.1.2", "jane@g.test", now=160.0, window=60)
    assert grey.too_early("127.1.1.1", "bob@g.test", now=160.0, window=60)
    assert not grey.too_early("127.1.1.1", "bob@g.test", now=160.0, window=0)
