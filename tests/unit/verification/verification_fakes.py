"""Fakes for the verifier's DNS and SMTP ports: plain data in, no sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.verification import (
    AddressAnswer,
    DnsStatus,
    EmailVerifier,
    MxAnswer,
    MxRecord,
    Reply,
    SmtpFailure,
    VerifierConfig,
)

POLICY = EgressPolicy.from_strings("127.0.0.0/8,192.0.2.0/24", None)


@dataclass
class FakeResolver:
    mx_records: dict[str, MxAnswer] = field(default_factory=dict)
    hosts: dict[str, AddressAnswer] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0

    def add_domain(self, domain: str, *mx: tuple[int, str], ip: str = "192.0.2.1") -> None:
        self.mx_records[domain] = MxAnswer(
            DnsStatus.OK, tuple(MxRecord(p, h) for p, h in mx), 300.0
        )
        for _, host in mx:
            if host:
                self.hosts.setdefault(host, AddressAnswer(DnsStatus.OK, (ip,), 300.0))

    async def mx(self, domain: str) -> MxAnswer:
        self.calls.append(("MX", domain))
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.mx_records.get(domain, MxAnswer(DnsStatus.NXDOMAIN))

    async def addresses(self, host: str) -> AddressAnswer:
        self.calls.append(("A", host))
        return self.hosts.get(host, AddressAnswer(DnsStatus.NXDOMAIN))


# A handler gets (host, command line) and returns a Reply, or raises SmtpFailure.
Handler = Callable[[str, str], Reply]


def mailbox_handler(
    valid: set[str], *, catch_all: bool = False, overrides: dict[str, Reply] | None = None
) -> Handler:
    def handle(host: str, line: str) -> Reply:
        if line.startswith("RCPT TO:<"):
            rcpt = line[len("RCPT TO:<") : -1]
            if overrides and rcpt in overrides:
                return overrides[rcpt]
            if rcpt in valid or catch_all:
                return Reply(250, "2.1.5 OK")
            return Reply(550, f"5.1.1 <{rcpt}>: Recipient address rejected: User unknown")
        return Reply(250, "2.0.0 OK")

    return handle


@dataclass
class FakeSession:
    host: str
    address: str
    handler: Handler
    connector: FakeConnector
    banner: Reply = field(default_factory=lambda: Reply(220, "fake ESMTP"))
    starttls: bool = False
    closed: bool = False
    commands: list[str] = field(default_factory=list)

    def supports(self, extension: str) -> bool:
        return extension in self.connector.extensions

    async def command(self, line: str) -> Reply:
        if self.closed:
            raise SmtpFailure("connection_closed")
        self.commands.append(line)
        self.connector.log.append((self.host, line))
        if self.connector.reply_delay:
            await asyncio.sleep(self.connector.reply_delay)
        try:
            reply = self.handler(self.host, line)
        except SmtpFailure:
            self.abort()
            raise
        if reply.code == 421:
            self.abort()
            raise SmtpFailure("server_closing", reply.message, reply)
        return reply

    async def quit(self) -> None:
        if not self.closed:
            self.connector.log.append((self.host, "QUIT"))
        self.abort()

    def abort(self) -> None:
        if not self.closed:
            self.closed = True
            self.connector.open_sessions -= 1


@dataclass
class FakeConnector:
    handler: Handler
    refuse: dict[str, str] = field(default_factory=dict)  # host -> SmtpFailure reason
    extensions: set[str] = field(default_factory=set)
    reply_delay: float = 0.0
    connect_delay: float = 0.0
    log: list[tuple[str, str]] = field(default_factory=list)
    connects: list[str] = field(default_factory=list)
    open_sessions: int = 0
    max_open: int = 0

    async def connect(self, host: str, address: str, *, tls: bool) -> FakeSession:
        self.connects.append(host)
        if self.connect_delay:
            await asyncio.sleep(self.connect_delay)
        if host in self.refuse:
            reason = self.refuse[host]
            reply = Reply(421, "4.3.2 busy") if reason == "banner_rejected" else None
            raise SmtpFailure(reason, "fake", reply)
        self.open_sessions += 1
        self.max_open = max(self.max_open, self.open_sessions)
        return FakeSession(host, address, self.handler, self)


def make_verifier(
    resolver: FakeResolver, connector: FakeConnector, *, naive: bool = False, **overrides: object
) -> EmailVerifier:
    settings: dict[str, object] = {
        "helo": "verifier.example.net",
        "from_address": "check@verifier.example.net",
        "connect_timeout": 1.0,
        "command_timeout": 1.0,
        "address_deadline": 3.0,
        "greylist_retry_after": 0.05,
    }
    settings.update(overrides)
    config = VerifierConfig(**settings)  # type: ignore[arg-type]
    return EmailVerifier(config, POLICY, resolver=resolver, smtp_connector=connector, naive=naive)


def standard_resolver() -> FakeResolver:
    r = FakeResolver()
    r.add_domain("acme.com", (10, "mx1.acme.com"), (20, "mx2.acme.com"))
    r.add_domain("catchall.com", (10, "mx.catchall.com"))
    r.add_domain("nullmx.com", (0, ""))
    r.mx_records["implicit.com"] = MxAnswer(DnsStatus.NO_DATA)
    r.hosts["implicit.com"] = AddressAnswer(DnsStatus.OK, ("192.0.2.9",), 60.0)
    r.mx_records["bare.com"] = MxAnswer(DnsStatus.NO_DATA)
    r.hosts["bare.com"] = AddressAnswer(DnsStatus.NO_DATA)
    r.mx_records["slowdns.com"] = MxAnswer(DnsStatus.TIMEOUT)
    r.mx_records["brokendns.com"] = MxAnswer(DnsStatus.ERROR)
    r.add_domain("gmail.com", (5, "gmail-smtp-in.l.google.com"))
    r.add_domain("dangling.com", (10, "nowhere.dangling.com"))
    r.hosts.pop("nowhere.dangling.com")
    return r
