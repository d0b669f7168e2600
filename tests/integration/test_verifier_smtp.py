"""The verifier against real DNS (dnslib) and SMTP (aiosmtpd and raw asyncio) servers on
127.0.0.0/8: every server gets its own 127.0.25.x address and all share one port."""

from __future__ import annotations

import asyncio
import gc
import os
import socket
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from dnslib import AAAA, MX, QTYPE, RR, A, DNSRecord
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from cleanlist_server.domain.enums import EmailStatus
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.verification import EmailVerifier, VerifierConfig

POLICY = EgressPolicy.from_strings("127.0.0.0/8", None)
DNS_IP = "127.0.53.1"
SILENT_DNS_IP = "127.0.53.2"
IP = {
    "good": "127.0.25.1",
    "catch": "127.0.25.2",
    "grey": "127.0.25.3",
    "tarpit": "127.0.25.4",
    "drop": "127.0.25.5",
    "busy": "127.0.25.6",
    "down": "127.0.25.7",  # nothing listens here
    "garbage": "127.0.25.8",
}
Z = "cltest.net"
ZONE_MX: dict[str, list[tuple[int, str]]] = {
    f"good.{Z}": [(10, f"mx-good.{Z}")],
    f"catchall.{Z}": [(10, f"mx-catch.{Z}")],
    f"grey.{Z}": [(10, f"mx-grey.{Z}")],
    f"tarpit.{Z}": [(10, f"mx-tarpit.{Z}")],
    f"drop.{Z}": [(10, f"mx-drop.{Z}")],
    f"busy.{Z}": [(10, f"mx-busy.{Z}"), (20, f"mx-good.{Z}")],
    f"down.{Z}": [(10, f"mx-down.{Z}"), (20, f"mx-good.{Z}")],
    f"garbage.{Z}": [(10, f"mx-garbage.{Z}")],
    f"nullmx.{Z}": [(0, ".")],
}
ZONE_A = {f"mx-{name}.{Z}": ip for name, ip in IP.items()} | {f"amx.{Z}": IP["good"]}
EXISTING = set(ZONE_MX) | set(ZONE_A) | {f"noroute.{Z}"}
MAILBOXES = {f"alice@{d}.{Z}" for d in ("good", "amx", "busy", "down", "grey")}


class ZoneResolver(BaseResolver):  # type: ignore[misc]
    def resolve(self, request: DNSRecord, handler: object) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        if name not in EXISTING:
            reply.header.rcode = 3  # NXDOMAIN
        elif qtype == "MX":
            for pref, host in ZONE_MX.get(name, []):
                reply.add_answer(RR(name, QTYPE.MX, rdata=MX(host, pref), ttl=60))
        elif qtype == "A" and name in ZONE_A:
            reply.add_answer(RR(name, QTYPE.A, rdata=A(ZONE_A[name]), ttl=60))
        elif qtype == "AAAA" and name == "never":
            reply.add_answer(RR(name, QTYPE.AAAA, rdata=AAAA("::1")))
        return reply


class Mailboxes:
    """aiosmtpd handler: known mailboxes, 5.1.1 for the rest, or accept-all, or greylist."""

    def __init__(self, *, catch_all: bool = False, greylist: bool = False) -> None:
        self.catch_all = catch_all
        self.greylist = greylist
        self.seen: set[tuple[str, str]] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        address = address.lower()
        if self.greylist and (envelope.mail_from, address) not in self.seen:
            self.seen.add((envelope.mail_from, address))
            return "451 4.7.1 Greylisted, please try again later"
        if address.startswith("full@"):
            return "452 4.2.2 The email account that you tried to reach is over quota"
        if self.catch_all or address in MAILBOXES:
            envelope.rcpt_tos.append(address)
            return "250 2.1.5 OK"
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


@dataclass
class World:
    port: int
    dns_port: int

    def verifier(self, *, silent_dns: bool = False, **overrides: object) -> EmailVerifier:
        dns = f"{SILENT_DNS_IP if silent_dns else DNS_IP}:{self.dns_port}"
        settings: dict[str, object] = {
            "dns_nameservers": (dns,),
            "dns_timeout": 0.5,
            "dns_lifetime": 1.0,
            "smtp_port": self.port,
            "helo": "verifier.cltest.net",
            "from_address": "probe@verifier.cltest.net",
            "connect_timeout": 1.0,
            "command_timeout": 1.0,
            "address_deadline": 4.0,
            "greylist_retry_after": 0.3,
        }
        settings.update(overrides)
        return EmailVerifier(VerifierConfig(**settings), POLICY)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
        tcp.bind(("127.0.0.1", 0))
        return int(tcp.getsockname()[1])


@pytest.fixture(scope="module")
def dns_world() -> Iterator[tuple[int, socket.socket]]:
    dns_port = _free_port()
    server = DNSServer(
        ZoneResolver(),
        address=DNS_IP,
        port=dns_port,
        logger=DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data"),
    )
    server.start_thread()
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # receives, never answers
    silent.bind((SILENT_DNS_IP, dns_port))
    try:
        yield dns_port, silent
    finally:
        server.stop()
        server.server.server_close()
        silent.close()


@pytest.fixture(scope="module")
def smtp_port() -> Iterator[int]:
    port = _free_port()
    controllers = [
        Controller(Mailboxes(), hostname=IP["good"], port=port),
        Controller(Mailboxes(catch_all=True), hostname=IP["catch"], port=port),
        Controller(Mailboxes(greylist=True), hostname=IP["grey"], port=port),
    ]
    for controller in controllers:
        controller.start()
    try:
        yield port
    finally:
        for controller in controllers:
            controller.stop()


async def _raw_server(
    ip: str, port: int, behaviour: str, tasks: set[asyncio.Task[None]]
) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)  # type: ignore[arg-type]
        try:
            if behaviour == "tarpit":
                await asyncio.sleep(30)
                return
            if behaviour == "busy":
                writer.write(b"421 4.3.2 mx-busy too busy, try later\r\n")
                await writer.drain()
                return
            writer.write(b"220 raw ESMTP\r\n")
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb == b"RCPT":
                    if behaviour == "drop":
                        return  # close mid-conversation
                    writer.write(b"this is not smtp\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    return
                else:
                    writer.write(b"250 ok\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.transport.abort()
            tasks.discard(task)  # type: ignore[arg-type]

    return await asyncio.start_server(handle, ip, port)


@pytest.fixture
async def world(dns_world: tuple[int, socket.socket], smtp_port: int) -> AsyncIterator[World]:
    tasks: set[asyncio.Task[None]] = set()
    servers = [
        await _raw_server(IP[name], smtp_port, name, tasks)
        for name in ("tarpit", "drop", "busy", "garbage")
    ]
    try:
        yield World(smtp_port, dns_world[0])
    finally:
        for server in servers:
            server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for server in servers:
            await server.wait_closed()


@pytest.mark.parametrize(
    ("email", "status", "reason"),
    [
        (f"alice@good.{Z}", EmailStatus.VALID, "mailbox_accepted"),
        (f"bob@good.{Z}", EmailStatus.INVALID, "mailbox_not_found"),
        (f"full@good.{Z}", EmailStatus.RISKY, "mailbox_full"),
        (f"anyone@catchall.{Z}", EmailStatus.CATCH_ALL, "catch_all_domain"),
        (f"alice@busy.{Z}", EmailStatus.VALID, "mailbox_accepted"),
        (f"alice@down.{Z}", EmailStatus.VALID, "mailbox_accepted"),
        (f"x@nullmx.{Z}", EmailStatus.INVALID, "null_mx"),
        (f"alice@amx.{Z}", EmailStatus.VALID, "mailbox_accepted"),
        (f"x@noroute.{Z}", EmailStatus.INVALID, "no_mail_route"),
        (f"x@nxdomain.{Z}", EmailStatus.INVALID, "nxdomain"),
        (f"alice@drop.{Z}", EmailStatus.UNKNOWN, "connection_dropped"),
        (f"alice@garbage.{Z}", EmailStatus.UNKNOWN, "protocol_error"),
        (f"alice@grey.{Z}", EmailStatus.VALID, "mailbox_accepted"),
        (f"bob@grey.{Z}", EmailStatus.INVALID, "mailbox_not_found"),
    ],
)
async def test_statuses(world: World, email: str, status: EmailStatus, reason: str) -> None:
    result = await world.verifier().verify(email)
    assert result.email_status is status, result.to_dict()
    assert reason in result.reasons


async def test_fallback_records_every_mx_tried(world: World) -> None:
    busy = await world.verifier().verify(f"alice@busy.{Z}")
    assert [(a.host, a.outcome) for a in busy.mx_tried] == [
        (f"mx-busy.{Z}", "banner_rejected_421"),
        (f"mx-good.{Z}", "connected"),
    ]
    down = await world.verifier().verify(f"alice@down.{Z}")
    assert down.mx_tried[0].outcome == "connect_refused"
    assert down.mx == (f"mx-down.{Z}", f"mx-good.{Z}")


async def test_greylist_without_time_to_retry_is_unknown(world: World) -> None:
    verifier = world.verifier(greylist_retry_after=60.0)
    result = await verifier.verify(f"carol@grey.{Z}")
    assert result.email_status is EmailStatus.UNKNOWN and "greylisted" in result.reasons


async def test_tarpit_ends_within_the_deadline(world: World) -> None:
    verifier = world.verifier(connect_timeout=5.0, address_deadline=1.0)
    started = time.monotonic()
    result = await verifier.verify(f"alice@tarpit.{Z}")
    assert time.monotonic() - started < 1.5
    assert result.email_status is EmailStatus.UNKNOWN


async def test_dns_timeout_is_unknown(world: World) -> None:
    verifier = world.verifier(silent_dns=True, dns_timeout=0.2, dns_lifetime=0.4)
    result = await verifier.verify(f"alice@good.{Z}")
    assert result.email_status is EmailStatus.UNKNOWN and result.reasons[0] == "dns_timeout"


async def test_batch_mixes_domains_and_matches_naive(world: World) -> None:
    emails = [f"alice@good.{Z}", f"bob@good.{Z}", f"info@good.{Z}", f"x@catchall.{Z}"]
    emails += [f"u{i}@good.{Z}" for i in range(20)] + [f"alice@down.{Z}", f"x@nullmx.{Z}"]
    fast = await world.verifier().verify_many(emails)
    naive = (
        await world.verifier(starttls=False)
        .__class__(world.verifier().config, POLICY, naive=True)
        .verify_many(emails)
    )
    assert [r.email_status for r in fast] == [r.email_status for r in naive]
    assert fast[2].email_status is EmailStatus.INVALID  # a rejected role address


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def test_faulty_checks_leak_no_file_descriptors(world: World) -> None:
    drop = world.verifier(address_deadline=1.0)
    silent = world.verifier(silent_dns=True, dns_timeout=0.1, dns_lifetime=0.2)
    await drop.verify(f"warmup@drop.{Z}")
    gc.collect()
    before = _open_fds()
    drop_results = await drop.verify_many([f"u{i}@drop.{Z}" for i in range(500)])
    dns_results = await asyncio.gather(*(silent.verify(f"u{i}@d{i}.{Z}") for i in range(500)))
    await asyncio.sleep(0.1)
    gc.collect()
    assert {r.email_status for r in drop_results + list(dns_results)} == {EmailStatus.UNKNOWN}
    assert _open_fds() - before <= 3
