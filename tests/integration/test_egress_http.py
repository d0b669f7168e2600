"""Egress-checked HTTP and socket connections against real servers on 127.0.0.1.

Only loopback is ever connected to. Denied destinations (10.1.2.3, 169.254.169.254 ...) are
exercised through a network backend that records connect attempts, so a test proves that the
refusal happened before any packet could be sent.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import httpx
import pytest

from cleanlist_server.net.egress import EgressDenied, EgressPolicy, Resolver
from cleanlist_server.net.http import (
    EgressBlockedError,
    create_connection,
    make_http_client,
    open_connection,
)

LOOPBACK_ONLY = EgressPolicy.from_strings("127.0.0.0/8", None)
DEFAULT = EgressPolicy.from_strings(None, None)


@dataclass
class LoopbackHTTPServer:
    port: int
    hosts: list[str] = field(default_factory=list)

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def http_server() -> Iterator[LoopbackHTTPServer]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so connection pooling is observable

        def do_GET(self) -> None:
            seen.append(self.headers["Host"])
            if self.path == "/to-metadata":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield LoopbackHTTPServer(port=server.server_address[1], hosts=seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """The real network backend, recording every connect attempt it is asked for."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        assert host.startswith("127."), f"test tried to leave loopback: {host}"
        return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def table_resolver(table: dict[str, Sequence[str]]) -> Resolver:
    async def resolve(host: str, port: int) -> Sequence[str]:
        return table[host]

    return resolve


# --- HTTP ----------------------------------------------------------------------------------


async def test_allowlisted_loopback_request_reaches_the_server(
    http_server: LoopbackHTTPServer,
) -> None:
    backend = RecordingBackend()
    async with make_http_client(LOOPBACK_ONLY, network_backend=backend) as client:
        response = await client.get(http_server.url())
    assert (response.status_code, response.text) == (200, "ok")
    assert backend.connects == [("127.0.0.1", http_server.port)]
    assert http_server.hosts == [f"127.0.0.1:{http_server.port}"]


async def test_default_policy_refuses_loopback_fast_without_connecting(
    http_server: LoopbackHTTPServer,
) -> None:
    backend = RecordingBackend()
    started = time.monotonic()
    async with make_http_client(DEFAULT, network_backend=backend) as client:
        with pytest.raises(EgressBlockedError) as info:
            await client.get(http_server.url())
    assert time.monotonic() - started < 1.0
    assert isinstance(info.value, httpx.TransportError)
    assert info.value.denied.address == "127.0.0.1"
    assert "denied by default rule 127.0.0.0/8" in str(info.value)
    assert backend.connects == []
    assert http_server.hosts == []


async def test_localhost_is_resolved_and_checked(http_server: LoopbackHTTPServer) -> None:
    backend = RecordingBackend()
    async with make_http_client(LOOPBACK_ONLY, network_backend=backend) as client:
        response = await client.get(http_server.url(host="localhost"))
    assert response.status_code == 200
    # localhost is 127.0.0.1 and ::1; only the allowed one is connected to.
    assert backend.connects == [("127.0.0.1", http_server.port)]
    assert http_server.hosts == [f"localhost:{http_server.port}"]


async def test_name_connects_to_the_checked_address_and_keeps_its_host_header(
    http_server: LoopbackHTTPServer,
) -> None:
    backend = RecordingBackend()
    resolver = table_resolver({"www.acme.test": ["10.0.0.7", "127.0.0.1"]})
    async with make_http_client(
        LOOPBACK_ONLY, network_backend=backend, resolver=resolver
    ) as client:
        response = await client.get(http_server.url(host="www.acme.test"))
    assert response.status_code == 200
    assert backend.connects == [("127.0.0.1", http_server.port)]
    assert http_server.hosts == [f"www.acme.test:{http_server.port}"]


async def test_next_allowed_address_is_tried_when_one_refuses(
    http_server: LoopbackHTTPServer,
) -> None:
    backend = RecordingBackend()
    # The server listens on 127.0.0.1 only, so 127.0.0.2 refuses the connection.
    resolver = table_resolver({"multi.acme.test": ["127.0.0.2", "127.0.0.1"]})
    async with make_http_client(
        LOOPBACK_ONLY, network_backend=backend, resolver=resolver
    ) as client:
        response = await client.get(http_server.url(host="multi.acme.test"))
    assert response.status_code == 200
    assert backend.connects == [("127.0.0.2", http_server.port), ("127.0.0.1", http_server.port)]


async def test_pooled_connections_are_keyed_by_host_name(http_server: LoopbackHTTPServer) -> None:
    backend = RecordingBackend()
    resolver = table_resolver({"a.acme.test": ["127.0.0.1"], "b.acme.test": ["127.0.0.1"]})
    async with make_http_client(
        LOOPBACK_ONLY, network_backend=backend, resolver=resolver
    ) as client:
        for host in ("a.acme.test", "a.acme.test", "b.acme.test"):
            assert (await client.get(http_server.url(host=host))).status_code == 200
    assert len(backend.connects) == 2


@pytest.mark.parametrize("policy", [LOOPBACK_ONLY, DEFAULT], ids=["allow-loopback", "default"])
@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:169.254.169.254]/",
        "http://metadata.acme.test/",
    ],
)
async def test_denied_destinations_are_refused_before_any_connect(
    policy: EgressPolicy, url: str
) -> None:
    backend = RecordingBackend()
    resolver = table_resolver({"metadata.acme.test": ["169.254.169.254"]})
    async with make_http_client(policy, network_backend=backend, resolver=resolver) as client:
        with pytest.raises(EgressBlockedError) as info:
            await client.get(url)
    assert backend.connects == []
    assert info.value.request.url == httpx.URL(url)


async def test_redirect_to_metadata_is_refused(http_server: LoopbackHTTPServer) -> None:
    backend = RecordingBackend()
    async with make_http_client(
        LOOPBACK_ONLY, network_backend=backend, follow_redirects=True
    ) as client:
        with pytest.raises(EgressBlockedError) as info:
            await client.get(http_server.url("/to-metadata"))
    assert info.value.denied.address == "169.254.169.254"
    assert backend.connects == [("127.0.0.1", http_server.port)]


async def test_refusal_is_logged_without_the_url(caplog: pytest.LogCaptureFixture) -> None:
    backend = RecordingBackend()
    async with make_http_client(DEFAULT, network_backend=backend) as client:
        with (
            caplog.at_level(logging.WARNING, logger="cleanlist.egress"),
            pytest.raises(EgressBlockedError) as info,
        ):
            await client.get("http://user:hunter2@10.1.2.3/v1/people?api_key=s3cret")
    [record] = [r for r in caplog.records if r.name == "cleanlist.egress"]
    assert "address=10.1.2.3" in record.getMessage()
    for text in (record.getMessage(), str(info.value)):
        assert "s3cret" not in text
        assert "hunter2" not in text


async def test_resolution_timeout_is_a_connect_timeout_not_a_hang() -> None:
    async def hang(host: str, port: int) -> Sequence[str]:
        await asyncio.sleep(60)
        return []

    async with make_http_client(LOOPBACK_ONLY, timeout=0.2, resolver=hang) as client:
        started = time.monotonic()
        with pytest.raises(httpx.ConnectTimeout):
            await client.get("http://slow.acme.test/")
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": None},
        {"timeout": httpx.Timeout(5.0, read=None)},
        {"timeout": 0},
        {"transport": httpx.MockTransport(lambda request: httpx.Response(200))},
        {"proxy": "http://127.0.0.1:3128"},
        {"trust_env": True},
        {"mounts": {}},
    ],
)
def test_make_http_client_refuses_what_would_bypass_the_policy(kwargs: dict[str, object]) -> None:
    with pytest.raises((TypeError, ValueError)):
        make_http_client(LOOPBACK_ONLY, **kwargs)  # type: ignore[arg-type]


async def test_client_timeout_is_finite() -> None:
    async with make_http_client(LOOPBACK_ONLY) as client:
        assert client.timeout == httpx.Timeout(10.0)
        assert client.trust_env is False


# --- sockets -------------------------------------------------------------------------------


@pytest.fixture
def tcp_listener() -> Iterator[socket.socket]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    try:
        yield listener
    finally:
        listener.close()


def pending_connection(listener: socket.socket) -> bool:
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_create_connection_connects_to_allowed_loopback(
    tcp_listener: socket.socket, host: str
) -> None:
    port = tcp_listener.getsockname()[1]
    with create_connection(LOOPBACK_ONLY, host, port, timeout=2.0) as sock:
        assert sock.getpeername() == ("127.0.0.1", port)
        assert sock.gettimeout() == 2.0
    time.sleep(0.05)
    assert pending_connection(tcp_listener)


def test_create_connection_refuses_before_connecting(tcp_listener: socket.socket) -> None:
    port = tcp_listener.getsockname()[1]
    with pytest.raises(EgressDenied, match=r"denied by default rule 127\.0\.0\.0/8"):
        create_connection(DEFAULT, "127.0.0.1", port, timeout=2.0)
    with pytest.raises(EgressDenied, match="not in CLEANLIST_EGRESS_ALLOW"):
        create_connection(LOOPBACK_ONLY, "10.1.2.3", port, timeout=2.0)
    time.sleep(0.05)
    assert not pending_connection(tcp_listener)


def test_create_connection_needs_a_finite_timeout() -> None:
    with pytest.raises(ValueError, match="finite"):
        create_connection(LOOPBACK_ONLY, "127.0.0.1", 25, timeout=None)  # type: ignore[arg-type]


async def test_open_connection_talks_to_allowed_loopback() -> None:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(await reader.readline())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        reader, writer = await open_connection(LOOPBACK_ONLY, "localhost", port, timeout=2.0)
        writer.write(b"EHLO sandbox.test\r\n")
        assert await reader.readline() == b"EHLO sandbox.test\r\n"
        writer.close()
        await writer.wait_closed()


async def test_open_connection_refuses_before_connecting() -> None:
    accepted: list[object] = []

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)
        writer.close()

    server = await asyncio.start_server(record, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        with pytest.raises(EgressDenied):
            await open_connection(DEFAULT, "127.0.0.1", port, timeout=2.0)
        with pytest.raises(EgressDenied):
            await open_connection(LOOPBACK_ONLY, "169.254.169.254", port, timeout=2.0)
        await asyncio.sleep(0.05)
    assert accepted == []
