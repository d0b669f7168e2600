"""Outbound connections that honour the egress policy: an httpx client and socket helpers.

Every adapter that talks to the network gets its client or socket from here, never from
``httpx.AsyncClient()`` or ``socket.create_connection`` directly.

The HTTP client checks at the moment a connection is opened: ``EgressNetworkBackend`` sits
under httpcore's connection pool, resolves the host once, checks every address and connects to
a checked address. The URL, the Host header and TLS (SNI and certificate checks) keep the real
host name, pooled connections stay keyed by that name, and a DNS answer that changes between
check and connect (rebinding) is never consulted. Redirects open new connections, so each hop
is checked too.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from cleanlist_server.net.egress import (
    DEFAULT_RESOLVE_TIMEOUT,
    EgressDenied,
    EgressPolicy,
    EgressResolutionError,
    EgressResolutionTimeout,
    Resolver,
    SyncResolver,
)

# Each of these would let a request bypass the policy (another transport, a proxy from the
# environment, credentials from ~/.netrc), so make_http_client refuses them.
_FORBIDDEN_CLIENT_ARGS = frozenset({"transport", "mounts", "proxy", "trust_env", "app"})


class EgressBlockedError(httpx.ConnectError):
    """An httpx transport error for a request the egress policy refused; ``denied`` says why."""

    def __init__(self, denied: EgressDenied, *, request: httpx.Request) -> None:
        super().__init__(str(denied), request=request)
        self.denied = denied


class EgressNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that resolves, checks, then connects to a checked address."""

    def __init__(
        self,
        policy: EgressPolicy,
        *,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        deadline = time.monotonic() + (timeout if timeout is not None else DEFAULT_RESOLVE_TIMEOUT)
        addresses = await self._policy.resolve_and_check(
            host,
            port,
            resolver=self._resolver,
            timeout=_remaining(deadline, DEFAULT_RESOLVE_TIMEOUT),
        )
        last_error: Exception = httpcore.ConnectTimeout(f"timed out connecting to {host}:{port}")
        for address in addresses:
            if timeout is not None and _remaining(deadline) <= 0:
                break
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=None if timeout is None else _remaining(deadline),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise EgressDenied(host=path, address=None, reason="denied: unix sockets are not egress")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class EgressTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose connections go through ``EgressNetworkBackend``.

    Policy errors surface as httpx transport errors: a refusal as ``EgressBlockedError`` (an
    ``httpx.ConnectError``), a resolution timeout as ``httpx.ConnectTimeout``, a name that does
    not resolve as ``httpx.ConnectError``.
    """

    def __init__(
        self,
        policy: EgressPolicy,
        *,
        resolver: Resolver | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = httpx.Limits(max_connections=100, max_keepalive_connections=20),
        retries: int = 0,
    ) -> None:
        ssl_context = httpx.create_ssl_context(verify=verify)
        super().__init__(verify=ssl_context, trust_env=False, limits=limits, retries=retries)
        # httpx offers no public way to choose the pool's network backend, so the pool it just
        # built is replaced by an identical one that has ours (tests fail if this stops working).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            retries=retries,
            network_backend=EgressNetworkBackend(policy, resolver=resolver, inner=network_backend),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except EgressDenied as exc:
            raise EgressBlockedError(exc, request=request) from exc
        except EgressResolutionTimeout as exc:
            raise httpx.ConnectTimeout(str(exc), request=request) from exc
        except EgressResolutionError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc


def make_http_client(
    policy: EgressPolicy,
    *,
    timeout: float | httpx.Timeout = 10.0,
    resolver: Resolver | None = None,
    network_backend: httpcore.AsyncNetworkBackend | None = None,
    verify: ssl.SSLContext | bool = True,
    **kwargs: Any,
) -> httpx.AsyncClient:
    """The ``httpx.AsyncClient`` for all outbound HTTP. Every timeout must be finite.

    Other keyword arguments go to ``httpx.AsyncClient`` (``base_url``, ``headers``,
    ``follow_redirects`` ...), except those that would bypass the policy (``transport``,
    ``mounts``, ``proxy``, ``trust_env``, ``app``), which raise ``TypeError``.
    """
    forbidden = sorted(_FORBIDDEN_CLIENT_ARGS & kwargs.keys())
    if forbidden:
        raise TypeError(
            f"make_http_client does not accept {', '.join(forbidden)}: it would bypass egress"
        )
    transport = EgressTransport(
        policy, resolver=resolver, network_backend=network_backend, verify=verify
    )
    return httpx.AsyncClient(
        transport=transport, timeout=_finite_timeout(timeout), trust_env=False, **kwargs
    )


def create_connection(
    policy: EgressPolicy,
    host: str,
    port: int,
    timeout: float,
    *,
    resolver: SyncResolver | None = None,
) -> socket.socket:
    """Checked ``socket.create_connection``: resolve, check, connect to the first allowed
    address that answers, all within ``timeout`` seconds; the socket keeps that timeout."""
    _require_finite(timeout)
    deadline = time.monotonic() + timeout
    addresses = policy.resolve_and_check_sync(
        host, port, resolver=resolver, timeout=min(timeout, DEFAULT_RESOLVE_TIMEOUT)
    )
    last_error: OSError = TimeoutError(f"timed out connecting to {host}:{port}")
    for address in addresses:
        if _remaining(deadline) <= 0:
            break
        try:
            return _connect_socket(address, port, _remaining(deadline), timeout)
        except OSError as exc:
            last_error = exc
    raise last_error


def _connect_socket(
    address: str, port: int, connect_timeout: float, timeout: float
) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(connect_timeout)
        sock.connect((address, port))
        sock.settimeout(timeout)
    except BaseException:
        sock.close()
        raise
    return sock


async def open_connection(
    policy: EgressPolicy,
    host: str,
    port: int,
    *,
    timeout: float,  # noqa: ASYNC109 - a mandatory deadline: egress never hangs
    ssl_context: ssl.SSLContext | None = None,
    resolver: Resolver | None = None,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Checked ``asyncio.open_connection``; resolution and connecting share one ``timeout``.
    With ``ssl_context``, TLS verifies the certificate against ``host``, not the address."""
    _require_finite(timeout)
    server_hostname = host if ssl_context is not None else None
    last_error: OSError = TimeoutError(f"timed out connecting to {host}:{port}")
    async with asyncio.timeout(timeout):
        addresses = await policy.resolve_and_check(
            host, port, resolver=resolver, timeout=min(timeout, DEFAULT_RESOLVE_TIMEOUT)
        )
        for address in addresses:
            try:
                return await asyncio.open_connection(
                    address, port, ssl=ssl_context, server_hostname=server_hostname
                )
            except OSError as exc:
                last_error = exc
    raise last_error


def _remaining(deadline: float, cap: float | None = None) -> float:
    left = deadline - time.monotonic()
    return left if cap is None else min(left, cap)


def _require_finite(timeout: float | None) -> None:
    if timeout is None or not 0 < timeout < float("inf"):
        raise ValueError(f"egress connections need a finite, positive timeout, not {timeout!r}")


def _finite_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    result = httpx.Timeout(timeout)
    for value in (result.connect, result.read, result.write, result.pool):
        _require_finite(value)
    return result
