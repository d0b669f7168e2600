"""``SandboxDNS``: an authoritative DNS server on loopback serving a mutable ``Zone``.

Built on dnslib's server framework with one UDP and one TCP listener on the same address and
port, each in a background thread. UDP queries are answered inline (no thread per packet), which
keeps thousands of queries per second cheap. Every query is counted per (name, type) so tests
can assert that a client cached its answers.

    with SandboxDNS() as dns:
        dns.zone.add_mx("acme.test", [(10, "mx1.acme.test")])
        dns.zone.add_a("mx1.acme.test", "127.66.1.2")
        host, port = dns.host, dns.port
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections import Counter
from types import TracebackType
from typing import Any

from dnslib import AAAA, CNAME, MX, QTYPE, RCODE, RR, SOA, TXT, A
from dnslib.server import DNSHandler, DNSLogger

from . import addresses
from .zone import Answer, Record, Soa, Zone, normalize

_RDATA = {"A": A, "AAAA": AAAA, "CNAME": CNAME, "TXT": TXT}
_TCP_IDLE_SECONDS = 5.0
_POLL_SECONDS = 0.05
_UDP_BUFFER_BYTES = 8 * 1024 * 1024


class _Dropped(Exception):
    """The scripted answer is silence."""


def to_rr(record: Record) -> Any:
    """Translate a zone record into a dnslib resource record."""
    rtype, data = record.rtype, record.data
    if rtype == "MX":
        assert isinstance(data, tuple)
        rdata: Any = MX(data[1] or ".", data[0])
    elif rtype == "SOA":
        assert isinstance(data, Soa)
        times = (data.serial, data.refresh, data.retry, data.expire, data.minimum)
        rdata = SOA(data.mname, data.rname, times)
    elif rtype == "TXT":
        assert isinstance(data, str)
        # One TXT record may hold several character-strings of at most 255 octets each
        # (RFC 1035 3.3.14); resolvers join them, as they do for long SPF records.
        raw = data.encode()
        rdata = TXT([raw[i : i + 255] for i in range(0, len(raw), 255)] or [b""])
    else:
        assert isinstance(data, str)
        rdata = _RDATA[rtype](data)
    return RR(record.name, getattr(QTYPE, rtype), rdata=rdata, ttl=record.ttl)


class _Resolver:
    """dnslib resolver: counts the query, asks the zone, builds the reply."""

    def __init__(self, zone: Zone) -> None:
        self.zone = zone
        self.counts: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()

    def resolve(self, request: Any, handler: Any) -> Any:
        qname = normalize(str(request.q.qname))
        qtype = QTYPE.get(request.q.qtype, str(request.q.qtype))
        with self.lock:
            self.counts[(qname, qtype)] += 1
        answer = self.zone.lookup(qname, qtype)
        if answer.dropped:
            raise _Dropped(f"scripted timeout for {qname}/{qtype}")
        return self._reply(request, answer)

    @staticmethod
    def _reply(request: Any, answer: Answer) -> Any:
        reply = request.reply()
        reply.header.rcode = getattr(RCODE, answer.rcode.value)
        for record in answer.records:
            reply.add_answer(to_rr(record))
        for record in answer.authority:
            reply.add_auth(to_rr(record))
        return reply


class _Handler(DNSHandler):  # type: ignore[misc]
    def handle(self) -> None:
        if self.server.socket_type == socket.SOCK_STREAM:
            self.request.settimeout(_TCP_IDLE_SECONDS)
        try:
            super().handle()
        except _Dropped:
            if self.server.socket_type == socket.SOCK_STREAM:
                # A silent server keeps the TCP connection open; hold it until stop().
                self.server.stopping.wait(_TCP_IDLE_SECONDS)
        except (OSError, ValueError):
            pass  # a client that went away or sent garbage: nothing to answer

    def get_reply(self, data: bytes) -> bytes:
        return bytes(super().get_reply(data))


class _Quiet:
    """Shared by both servers: no tracebacks on stderr for client errors."""

    resolver: _Resolver
    logger: DNSLogger
    stopping: threading.Event

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None


class _UDPServer(_Quiet, socketserver.UDPServer):
    max_packet_size = 65535

    def server_bind(self) -> None:
        # A burst of queries must queue, not be dropped (which a client sees as a timeout).
        with contextlib.suppress(OSError):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _UDP_BUFFER_BYTES)
        super().server_bind()


class _TCPServer(_Quiet, socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128


class SandboxDNS:
    """An authoritative DNS server for the sandbox; see the module docstring."""

    def __init__(self, zone: Zone | None = None, *, host: str | None = None, port: int = 0) -> None:
        self.zone = zone if zone is not None else Zone()
        self._resolver = _Resolver(self.zone)
        self._wanted = (host, port)
        self._servers: list[_Quiet] = []
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self.host = ""
        self.port = 0

    @property
    def address(self) -> str:
        """``host:port``, the form ``CLEANLIST_DNS_NAMESERVERS`` takes."""
        return f"{self.host}:{self.port}"

    def start(self) -> tuple[str, int]:
        if self._servers:
            return self.host, self.port
        host, port = self._wanted
        host = host or addresses.allocate(1)[0]
        port = port or addresses.free_port(host, udp=True)
        self._stopping.clear()
        for server_class in (_UDPServer, _TCPServer):
            server = server_class((host, port), _Handler)
            server.resolver = self._resolver
            server.logger = DNSLogger("-request,-reply,-truncated,-error", prefix=False)
            server.stopping = self._stopping
            self._servers.append(server)
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": _POLL_SECONDS},
                name=f"sandbox-dns-{server_class.__name__}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        self.host, self.port = host, port
        return host, port

    def stop(self) -> None:
        self._stopping.set()
        for server in self._servers:
            assert isinstance(server, socketserver.BaseServer)
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> SandboxDNS:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- counters --------------------------------------------------------------------------

    def queries(self, name: str | None = None, qtype: str | None = None) -> int:
        """How many queries arrived, optionally only for ``name`` and/or ``qtype``."""
        wanted_name = normalize(name) if name is not None else None
        wanted_type = qtype.upper() if qtype is not None else None
        with self._resolver.lock:
            return sum(
                count
                for (qname, kind), count in self._resolver.counts.items()
                if wanted_name in (None, qname) and wanted_type in (None, kind)
            )

    def query_counts(self) -> dict[tuple[str, str], int]:
        """A copy of every counter, keyed by (lower-case name, type)."""
        with self._resolver.lock:
            return dict(self._resolver.counts)

    def reset_counters(self) -> None:
        with self._resolver.lock:
            self._resolver.counts.clear()
