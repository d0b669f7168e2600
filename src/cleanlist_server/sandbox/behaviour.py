"""How one sandbox mail host behaves, and the pure decisions that follow from it.

A ``Behaviour`` scripts a mail host the way real MTAs misbehave; the reply texts copy Postfix
so that a verifier tested here meets the wording it will meet in the wild. ``rcpt_reply``
decides the answer to one ``RCPT TO`` without any I/O, so it is unit-tested with tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

DropPoint = Literal["banner", "ehlo", "mail", "rcpt"]
BlockStage = Literal["connect", "rcpt"]

DEFAULT_GARBAGE = b"SSH-2.0-OpenSSH_9.6p1\r\n\x00\xff\xfe\x16\x03\x01 not an SMTP server\r\n"


class Reply(StrEnum):
    """The reply texts (``{addr}`` and ``{ip}`` are filled in)."""

    ACCEPTED = "250 2.1.5 Ok"
    USER_UNKNOWN = "550 5.1.1 <{addr}>: Recipient address rejected: User unknown"
    MAILBOX_FULL = "552 5.2.2 <{addr}>: Mailbox full"
    MAILBOX_DISABLED = "550 5.2.1 <{addr}>: Mailbox disabled"
    GREYLISTED = "451 4.7.1 <{addr}>: Greylisted, try again later"
    TOO_MANY_RECIPIENTS = "452 4.5.3 Error: too many recipients"
    RELAY_DENIED = "554 5.7.1 <{addr}>: Relay access denied"
    BLOCKED = "554 5.7.1 Service unavailable; client host [{ip}] blocked"
    BUSY = "421 4.7.0 {host} Error: too many connections, try again later"
    DATA_REFUSED = "554 5.5.1 Error: no valid recipients (this sandbox never accepts DATA)"


@dataclass(frozen=True)
class Behaviour:
    """The script of one mail host. The defaults are a well-behaved server with no users.

    Mailbox sets hold local parts (any hosted domain) or full addresses; matching ignores case.
    """

    mailboxes: AbstractSet[str] = frozenset()
    accept_all: bool = False
    full_mailboxes: AbstractSet[str] = frozenset()
    disabled_mailboxes: AbstractSet[str] = frozenset()
    greylist_seconds: float = 0.0
    banner_delay: float = 0.0
    reply_delay: float = 0.0
    drop_after: DropPoint | None = None
    busy: bool = False
    max_connections: int | None = None  # above this many at once: the ``busy`` reply
    garbage: bool = False
    garbage_bytes: bytes = DEFAULT_GARBAGE
    down: bool = False
    max_recipients_per_session: int | None = None
    starttls: bool = False
    require_starttls: bool = False
    block: bool = False
    block_stage: BlockStage = "rcpt"
    domains: AbstractSet[str] = frozenset()  # empty: accept any recipient domain

    def __post_init__(self) -> None:
        for name in ("mailboxes", "full_mailboxes", "disabled_mailboxes", "domains"):
            value = getattr(self, name)
            object.__setattr__(self, name, frozenset(str(v).lower() for v in value))
        if self.require_starttls and not self.starttls:
            object.__setattr__(self, "starttls", True)

    def with_domains(self, domains: Iterable[str]) -> Behaviour:
        return replace(self, domains=frozenset(domains))


def _matches(mailboxes: AbstractSet[str], address: str) -> bool:
    local = address.rpartition("@")[0]
    return address in mailboxes or local in mailboxes


@dataclass(frozen=True)
class RcptContext:
    """What the server knows when it answers a RCPT beyond the address itself."""

    client_ip: str
    recipients_this_session: int  # RCPTs before this one on the connection
    greylisted: bool  # the greylist says "too early" for this (client, recipient)


def rcpt_reply(behaviour: Behaviour, address: str, ctx: RcptContext) -> str:
    """The full reply line for ``RCPT TO:<address>`` (Postfix's checks, in Postfix's order)."""
    addr = address.strip().lower()
    domain = addr.rpartition("@")[2]
    limit = behaviour.max_recipients_per_session
    if behaviour.block:
        reply = Reply.BLOCKED
    elif limit is not None and ctx.recipients_this_session >= limit:
        reply = Reply.TOO_MANY_RECIPIENTS
    elif behaviour.domains and domain not in behaviour.domains:
        reply = Reply.RELAY_DENIED
    elif ctx.greylisted:
        reply = Reply.GREYLISTED
    elif _matches(behaviour.disabled_mailboxes, addr):
        reply = Reply.MAILBOX_DISABLED
    elif _matches(behaviour.full_mailboxes, addr):
        reply = Reply.MAILBOX_FULL
    elif behaviour.accept_all or _matches(behaviour.mailboxes, addr):
        reply = Reply.ACCEPTED
    else:
        reply = Reply.USER_UNKNOWN
    return reply.value.format(addr=address, ip=ctx.client_ip)


class Greylist:
    """Remembers the first attempt per (client, recipient); passes them once the window is over."""

    def __init__(self) -> None:
        self._first_seen: dict[tuple[str, str], float] = {}

    def too_early(self, client: str, recipient: str, now: float, window: float) -> bool:
        if window <= 0:
            return False
        key = (client, recipient.lower())
        first = self._first_seen.setdefault(key, now)
        return now - first < window
