"""``SandboxSMTP``: scripted ESMTP servers, one per loopback "mail host", on one port.

Built on aiosmtpd's ``SMTP`` protocol class; a subclass adds the scripted misbehaviours of
``Behaviour`` (delays, drops, busy, garbage, blocks) and records ``HostStats``. All hosts share
one asyncio event loop in a background thread, so synchronous tests use them directly and
hundreds of concurrent connections cost no threads. ``stop()`` closes every socket and task.

    smtp = SandboxSMTP(port=0)
    smtp.add_host("127.66.1.2", Behaviour(mailboxes=frozenset({"jane"})), hostname="mx1.acme.test")
    port = smtp.start()
    ...
    assert smtp.stats("127.66.1.2").sessions == 1
    smtp.stop()
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

from . import addresses
from ._protocol import SandboxProtocol
from .behaviour import Behaviour, Greylist
from .stats import HostStats
from .tls import SandboxCA

T = TypeVar("T")
_CALL_TIMEOUT = 30.0


@dataclass
class MailHost:
    """One listening mail host (internal state; read its stats through ``SandboxSMTP``)."""

    address: str
    hostname: str
    behaviour: Behaviour
    stats: HostStats = field(default_factory=HostStats)
    greylist: Greylist = field(default_factory=Greylist)
    server: asyncio.Server | None = None
    reserved: socket.socket | None = None  # a "down" host: bound, never listening
    live: set[SandboxProtocol] = field(default_factory=set)
    tls_context: Any = None


class SandboxSMTP:
    """Many scripted SMTP hosts on distinct loopback addresses sharing one port."""

    def __init__(
        self, port: int | None = None, *, ca: SandboxCA | None = None, idle_timeout: float = 300.0
    ) -> None:
        self._wanted_port = port
        self.port = 0
        self.idle_timeout = idle_timeout
        self._ca = ca
        self._hosts: dict[str, MailHost] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- configuration ---------------------------------------------------------------------

    @property
    def ca(self) -> SandboxCA:
        """The CA that signs STARTTLS certificates (created on first use)."""
        if self._ca is None:
            self._ca = SandboxCA()
        return self._ca

    @property
    def hosts(self) -> list[str]:
        return list(self._hosts)

    def add_host(
        self, address: str, behaviour: Behaviour | None = None, *, hostname: str | None = None
    ) -> None:
        """Add a mail host; when already running it starts listening at once."""
        if not addresses.is_loopback(address):
            raise ValueError(f"sandbox SMTP hosts listen on loopback only, not {address!r}")
        if address in self._hosts:
            raise ValueError(f"{address} already has a sandbox mail host")
        host = MailHost(address, hostname or f"mx-{address}.sandbox.test", behaviour or Behaviour())
        self._hosts[address] = host
        if self._loop is not None:
            self._call(self._open(host))

    def set_behaviour(self, address: str, behaviour: Behaviour) -> None:
        """Re-script a host; new connections see it (a host can go down or come back)."""
        host = self._hosts[address]
        if self._loop is None:
            host.behaviour = behaviour
            return
        self._call(self._reopen(host, behaviour))

    def behaviour(self, address: str) -> Behaviour:
        return self._hosts[address].behaviour

    def stats(self, address: str) -> HostStats:
        """A snapshot of the host's counters."""
        return self._hosts[address].stats.snapshot()

    def all_stats(self) -> dict[str, HostStats]:
        return {address: host.stats.snapshot() for address, host in self._hosts.items()}

    def reset_stats(self) -> None:
        for host in self._hosts.values():
            host.stats.reset()

    def wait_idle(self, timeout: float = 2.0) -> bool:
        """Wait until no connection is open on any host (a client's QUIT is processed
        after the client returns); True when idle. Call before reading or resetting stats."""
        deadline = time.monotonic() + timeout
        while any(h.stats.active for h in self._hosts.values()):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> int:
        """Bind every host and return the shared SMTP port."""
        if self._loop is not None:
            return self.port
        self.port = addresses.choose_smtp_port(self._hosts, self._wanted_port)
        loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, args=(loop,), name="sandbox-smtp")
        self._thread.daemon = True
        self._loop = loop
        self._thread.start()
        try:
            for host in self._hosts.values():
                self._call(self._open(host))
        except BaseException:
            self.stop()
            raise
        return self.port

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            self._call(self._close_all())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=_CALL_TIMEOUT)
            self._loop = self._thread = None

    def __enter__(self) -> SandboxSMTP:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- the loop thread -------------------------------------------------------------------

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(_CALL_TIMEOUT)

    async def _open(self, host: MailHost) -> None:
        behaviour = host.behaviour
        if behaviour.down:
            reserved = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            reserved.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            reserved.bind((host.address, self.port))  # bound, not listening: refused
            host.reserved = reserved
            return
        if behaviour.starttls and host.tls_context is None:
            host.tls_context = self.ca.server_context([host.hostname, host.address])
        loop = asyncio.get_running_loop()
        host.server = await loop.create_server(
            lambda: SandboxProtocol(host, loop, self.idle_timeout),
            host=host.address,
            port=self.port,
            backlog=1024,
            reuse_address=True,
        )

    async def _reopen(self, host: MailHost, behaviour: Behaviour) -> None:
        was_down, host.behaviour = host.behaviour.down, behaviour
        if was_down != behaviour.down:
            await self._close(host, abort=True)
            await self._open(host)

    async def _close(self, host: MailHost, *, abort: bool) -> None:
        if host.reserved is not None:
            host.reserved.close()
            host.reserved = None
        server, host.server = host.server, None
        if server is not None:
            server.close()
        if abort:
            for protocol in list(host.live):
                protocol.abort()
        if server is not None:
            await server.wait_closed()

    async def _close_all(self) -> None:
        for host in self._hosts.values():
            await self._close(host, abort=True)
        await asyncio.sleep(0)  # let connection_lost() callbacks run
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
