"""Reply classification against replies seen from real servers."""

from __future__ import annotations

import pytest

from cleanlist_server.verification import Outcome, Reply, classify_rcpt

OC = Outcome
REAL_WORLD = [
    # Gmail
    (
        550,
        "5.1.1 The email account that you tried to reach does not exist. Please try\n5.1.1 double-checking",
        OC.USER_UNKNOWN,
    ),
    (452, "4.2.2 The email account that you tried to reach is over quota.", OC.MAILBOX_FULL),
    (550, "5.2.1 The email account that you tried to reach is disabled.", OC.MAILBOX_DISABLED),
    (
        550,
        "5.7.1 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail",
        OC.BLOCKED,
    ),
    (
        421,
        "4.7.0 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail",
        OC.TEMPORARY,
    ),
    (
        450,
        "4.2.1 The user you are trying to contact is receiving mail at a rate that prevents",
        OC.TEMPORARY,
    ),
    (250, "2.1.5 OK a1si123 - gsmtp", OC.ACCEPTED),
    # Outlook / Microsoft 365
    (550, "5.5.0 Requested action not taken: mailbox unavailable (S2017062302)", OC.USER_UNKNOWN),
    (550, "5.4.1 Recipient address rejected: Access denied. AS(201806281)", OC.USER_UNKNOWN),
    (550, "5.7.606 Access denied, banned sending IP [192.0.2.1]", OC.BLOCKED),
    (
        451,
        "4.4.4 Mail received as unauthenticated, recipients belong to multiple regions",
        OC.TEMPORARY,
    ),
    (452, "4.5.3 Too many recipients", OC.TOO_MANY_RECIPIENTS),
    # Yahoo
    (
        554,
        "delivery error: dd This user doesn't have a yahoo.com account (x@yahoo.com) [0]",
        OC.USER_UNKNOWN,
    ),
    (
        554,
        "delivery error: dd Sorry your message to x@yahoo.com cannot be delivered. This mailbox is disabled (554.30).",
        OC.MAILBOX_DISABLED,
    ),
    (
        421,
        "4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume",
        OC.GREYLISTED,
    ),
    (553, "5.7.1 [BL21] Connections will not be accepted from 192.0.2.1", OC.BLOCKED),
    # Postfix
    (
        550,
        "5.1.1 <x@acme.com>: Recipient address rejected: User unknown in virtual mailbox table",
        OC.USER_UNKNOWN,
    ),
    (
        450,
        "4.2.0 <x@acme.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/",
        OC.GREYLISTED,
    ),
    (554, "5.7.1 <x@acme.com>: Relay access denied", OC.BLOCKED),
    (
        554,
        "5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
        OC.BLOCKED,
    ),
    (552, "5.2.2 <x@acme.com>: Recipient address rejected: Mailbox full", OC.MAILBOX_FULL),
    (450, "4.1.1 <x@acme.com>: Recipient address rejected: unverified address", OC.TEMPORARY),
    # Exim
    (550, "Unrouteable address", OC.USER_UNKNOWN),
    (550, "No Such User Here", OC.USER_UNKNOWN),
    (451, "Temporary local problem - please try later", OC.GREYLISTED),
    (550, "Verification failed for <probe@verifier.net>\nSender verify failed", OC.REJECTED),
    # Proofpoint / Mimecast / others
    (550, "5.1.1 User Unknown", OC.USER_UNKNOWN),
    (553, "5.7.1 Message rejected by policy", OC.BLOCKED),
    (550, "Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550", OC.USER_UNKNOWN),
    (
        451,
        "Internal resource temporarily unavailable - https://community.mimecast.com/docs/DOC-1369#451",
        OC.GREYLISTED,
    ),
    (550, "", OC.USER_UNKNOWN),
    (550, "Requested action not taken", OC.USER_UNKNOWN),
    (552, "Requested mail action aborted: exceeded storage allocation (quota)", OC.MAILBOX_FULL),
    (554, "Transaction failed", OC.BLOCKED),
    (252, "2.1.5 Cannot VRFY user, but will accept message", OC.CANNOT_VERIFY),
    (999, "what", OC.PROTOCOL_ERROR),
]


@pytest.mark.parametrize(("code", "message", "outcome"), REAL_WORLD)
def test_real_world_replies(code: int, message: str, outcome: Outcome) -> None:
    assert classify_rcpt(Reply(code, message)) is outcome


def test_policy_550_5_7_1_is_not_user_unknown() -> None:
    reply = Reply(550, "5.7.1 Recipient address rejected: user unknown? policy says no")
    assert classify_rcpt(reply) is Outcome.BLOCKED


def test_enhanced_code_parsing() -> None:
    assert Reply(550, "5.1.1 nope").enhanced_code == "5.1.1"
    assert Reply(550, "4.1.1 mismatched class").enhanced_code is None
    assert Reply(250, "OK").enhanced_code is None
