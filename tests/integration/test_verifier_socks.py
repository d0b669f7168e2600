"""SMTP checks through a SOCKS5 proxy (CLEANLIST_SMTP_PROXY), all on loopback.

The proxy is a minimal RFC 1928 server written for this test (no authentication,
CONNECT only): it records where it was asked to connect and relays bytes both ways.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import struct
from collections.abc import AsyncIterator

import pytest

from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.sandbox.world import RunningWorld
from cleanlist_server.verification import EmailVerifier, VerifierConfig


class Socks5:
    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            _, methods = await reader.readexactly(2)
            await reader.readexactly(methods)
            writer.write(b"\x05\x00")  # no authentication
            _, cmd, _, kind = await reader.readexactly(4)
            if kind == 1:
                host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
            else:
                host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
            (port,) = struct.unpack("!H", await reader.readexactly(2))
            assert cmd == 1, "CONNECT only"
            self.connects.append((host, port))
            up_reader, up_writer = await asyncio.open_connection(host, port)
            writer.write(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", 0))
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    try:
        while data := await src.read(65536):
            dst.write(data)
            await dst.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(Exception):
            dst.close()


@pytest.fixture
async def socks() -> AsyncIterator[tuple[Socks5, int]]:
    proxy = Socks5()
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield proxy, port
        server.close()


async def test_checks_go_through_the_proxy(
    mail_world: RunningWorld, socks: tuple[Socks5, int]
) -> None:
    proxy, port = socks
    env = mail_world.env()
    config = VerifierConfig(
        dns_nameservers=(env["CLEANLIST_DNS_NAMESERVERS"],),
        smtp_port=int(env["CLEANLIST_SMTP_PORT"]),
        allow_test_domains=True,
        helo="verifier.cleanlist.test",
        from_address="verify@cleanlist.test",
        proxy=f"socks5://127.0.0.1:{port}",
        address_deadline=10.0,
    )
    verifier = EmailVerifier(config, EgressPolicy.from_strings("127.0.0.0/8", ""))
    jane, ghost = await verifier.verify_many(["jane@acme.test", "ghost@acme.test"])
    assert (jane.email_status.value, ghost.email_status.value) == ("valid", "invalid")
    mx = mail_world.address_of("mx1.acme.test")
    assert (mx, int(env["CLEANLIST_SMTP_PORT"])) in proxy.connects


async def test_a_proxy_outside_the_egress_policy_is_refused(mail_world: RunningWorld) -> None:
    env = mail_world.env()
    config = VerifierConfig(
        dns_nameservers=(env["CLEANLIST_DNS_NAMESERVERS"],),
        smtp_port=int(env["CLEANLIST_SMTP_PORT"]),
        allow_test_domains=True,
        helo="verifier.cleanlist.test",
        from_address="verify@cleanlist.test",
        proxy="socks5://10.9.9.9:1080",  # refused by the policy before any packet is sent
        address_deadline=5.0,
    )
    verifier = EmailVerifier(config, EgressPolicy.from_strings("127.0.0.0/8", ""))
    result = await verifier.verify("jane@acme.test")
    assert result.email_status.value == "unknown"
    assert "egress_denied" in result.reasons
