"""The SMTP port (a connector that opens ready sessions) and its aiosmtplib adapter.

A session is connected, greeted (EHLO, or HELO as fallback) and, when asked and offered,
upgraded with STARTTLS. Every failure that leaves the connection unusable is one exception,
``SmtpFailure``, whose ``reason`` is a stable code; replies are values (``Reply``).
aiosmtplib's exceptions are translated here and nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from typing import Protocol

import aiosmtplib
from python_socks import ProxyError, ProxyTimeoutError, parse_proxy_url
from python_socks.async_.asyncio import Proxy

from cleanlist_server.net.egress import EgressDenied, EgressPolicy
from cleanlist_server.verification.classify import Reply
from cleanlist_server.verification.config import VerifierConfig


class SmtpFailure(Exception):
    """The session cannot go on. ``reason``: connect_refused, connect_timeout, banner_timeout,
    banner_rejected, egress_denied, proxy_error, tls_failed, greeting_rejected, timeout,
    connection_closed, server_closing, protocol_error."""

    def __init__(self, reason: str, detail: str = "", reply: Reply | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.reply = reply

    @property
    def at_connect(self) -> bool:
        """A failure before the session was usable: the next MX host may do better."""
        return self.reason in _CONNECT_REASONS


_CONNECT_REASONS = frozenset(
    {"connect_refused", "connect_timeout", "banner_timeout", "banner_rejected", "egress_denied"}
)


class SmtpSession(Protocol):
    host: str
    address: str
    banner: Reply
    starttls: bool

    def supports(self, extension: str) -> bool:
        """Whether EHLO advertised ``extension`` (lower case, e.g. ``smtputf8``)."""
        ...

    async def command(self, line: str) -> Reply:
        """Send one command, return its reply; ``SmtpFailure`` if the session broke
        (including a 421 reply, after which the server closes)."""
        ...

    async def quit(self) -> None:
        """QUIT politely (bounded by the command timeout) and close. Never raises."""
        ...

    def abort(self) -> None:
        """Close now, without QUIT. Idempotent."""
        ...


class SmtpConnector(Protocol):
    async def connect(self, host: str, address: str, *, tls: bool) -> SmtpSession:
        """A ready session to ``address`` (an address of MX ``host``), or ``SmtpFailure``.
        The caller has checked ``address`` against the egress policy."""
        ...


def opportunistic_tls_context() -> ssl.SSLContext:
    """Like an MTA's ``smtp_tls_security_level = may``: encrypt, do not authenticate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class AiosmtplibSession:
    def __init__(self, smtp: aiosmtplib.SMTP, host: str, address: str, banner: Reply,
                 starttls: bool, command_timeout: float) -> None:  # fmt: skip
        self._smtp = smtp
        self.host = host
        self.address = address
        self.banner = banner
        self.starttls = starttls
        self._timeout = command_timeout

    def supports(self, extension: str) -> bool:
        return self._smtp.supports_extension(extension)

    async def command(self, line: str) -> Reply:
        if not self._smtp.is_connected:
            raise SmtpFailure("connection_closed", "not connected")
        try:
            response = await self._smtp.execute_command(line.encode(), timeout=self._timeout)
        except BaseException as exc:
            self.abort()
            raise _translate(exc) from None
        reply = Reply(response.code, response.message)
        if reply.code == 421:
            self.abort()
            raise SmtpFailure("server_closing", response.message, reply)
        return reply

    async def quit(self) -> None:
        if self._smtp.is_connected:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(min(self._timeout, 2.0)):
                    await self._smtp.execute_command(b"QUIT")
        self.abort()

    def abort(self) -> None:
        _abort(self._smtp)


def _abort(smtp: aiosmtplib.SMTP) -> None:
    transport = smtp.transport
    if isinstance(transport, asyncio.WriteTransport):
        transport.abort()  # not close(): a TLS close waits for the peer; abort frees the fd now
    smtp.close()


def _translate(exc: BaseException) -> BaseException:
    if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
        return exc
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return SmtpFailure("timeout", str(exc))
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return SmtpFailure("connection_closed", str(exc))
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return SmtpFailure("protocol_error", exc.message)
    if isinstance(exc, ValueError | UnicodeError):
        return SmtpFailure("protocol_error", str(exc))
    if isinstance(exc, OSError):
        return SmtpFailure("connection_closed", str(exc))
    return SmtpFailure("protocol_error", f"{type(exc).__name__}: {exc}")


class AiosmtplibConnector:
    """``SmtpConnector`` over aiosmtplib, directly or through a SOCKS5 proxy."""

    def __init__(self, config: VerifierConfig, policy: EgressPolicy) -> None:
        self._config = config
        self._policy = policy
        self._tls = config.tls_context or opportunistic_tls_context()
        self._proxy_url = config.proxy
        self._proxy_address: str | None = None

    async def connect(self, host: str, address: str, *, tls: bool) -> SmtpSession:
        cfg = self._config
        self._policy.check_address(address, host)
        sock = await self._proxy_socket(address) if self._proxy_url else None
        smtp = aiosmtplib.SMTP(
            hostname=None if sock else address,
            port=None if sock else cfg.smtp_port,
            sock=sock,
            local_hostname=cfg.helo_name,
            timeout=cfg.command_timeout,
            start_tls=False,
            use_tls=False,
        )
        try:
            banner = await self._connect(smtp, sock)
            starttls = await self._greet(smtp, host, tls)
        except BaseException:
            _abort(smtp)
            if sock is not None:
                sock.close()
            raise
        return AiosmtplibSession(smtp, host, address, banner, starttls, cfg.command_timeout)

    async def _connect(self, smtp: aiosmtplib.SMTP, sock: socket.socket | None) -> Reply:
        try:
            async with asyncio.timeout(self._config.connect_timeout):
                response = await smtp.connect(timeout=self._config.connect_timeout)
        except aiosmtplib.SMTPConnectResponseError as exc:
            raise SmtpFailure(
                "banner_rejected", exc.message, Reply(exc.code, exc.message)
            ) from None
        except aiosmtplib.SMTPConnectTimeoutError as exc:
            reason = "banner_timeout" if "ready message" in str(exc) else "connect_timeout"
            raise SmtpFailure(reason, str(exc)) from None
        except TimeoutError:
            transport_up = smtp.transport is not None or sock is not None
            raise SmtpFailure("banner_timeout" if transport_up else "connect_timeout") from None
        except aiosmtplib.SMTPConnectError as exc:
            # Raised both for a refused TCP connect and for a peer gone before its banner.
            text = str(exc)
            lost = "Connection lost" in text or "EOF" in text
            raise SmtpFailure("connection_closed" if lost else "connect_refused", text) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise SmtpFailure("protocol_error", exc.message) from None
        except aiosmtplib.SMTPServerDisconnected as exc:
            raise SmtpFailure("connection_closed", str(exc)) from None
        except OSError as exc:
            raise SmtpFailure("connect_refused", str(exc)) from None
        return Reply(response.code, response.message)

    async def _greet(self, smtp: aiosmtplib.SMTP, host: str, tls: bool) -> bool:
        await self._ehlo(smtp)
        if not (tls and self._config.starttls and smtp.supports_extension("starttls")):
            return False
        try:
            response = await smtp.starttls(
                server_hostname=host, tls_context=self._tls, timeout=self._config.command_timeout
            )
        except (ssl.SSLError, aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise SmtpFailure("tls_failed", str(exc)) from None
        if response.code != 220:
            raise SmtpFailure(
                "tls_failed", response.message, Reply(response.code, response.message)
            )
        await self._ehlo(smtp)
        return True

    async def _ehlo(self, smtp: aiosmtplib.SMTP) -> None:
        try:
            try:
                await smtp.ehlo()
                return
            except aiosmtplib.SMTPHeloError as exc:
                if exc.code == 421:
                    raise SmtpFailure(
                        "server_closing", exc.message, Reply(exc.code, exc.message)
                    ) from None
            await smtp.helo()
        except aiosmtplib.SMTPHeloError as exc:
            reply = Reply(exc.code, exc.message)
            raise SmtpFailure("greeting_rejected", exc.message, reply) from None
        except SmtpFailure:
            raise
        except BaseException as exc:
            raise _translate(exc) from None

    async def _proxy_socket(self, address: str) -> socket.socket:
        if self._proxy_address is None:
            self._proxy_address = await self._check_proxy()
        kind, _, port, user, password = parse_proxy_url(self._proxy_url or "")
        # Connect to the address the policy approved, not to a name resolved again later.
        proxy = Proxy.create(kind, self._proxy_address, port, user, password)
        try:
            sock = await proxy.connect(
                dest_host=address, dest_port=self._config.smtp_port,
                timeout=self._config.connect_timeout,
            )  # fmt: skip
        except ProxyTimeoutError as exc:
            raise SmtpFailure("connect_timeout", f"via proxy: {exc}") from None
        except (ProxyError, OSError) as exc:
            raise SmtpFailure("proxy_error", str(exc)) from None
        sock.setblocking(False)
        return sock

    async def _check_proxy(self) -> str:
        try:
            _, host, port, _, _ = parse_proxy_url(self._proxy_url or "")
            allowed = await self._policy.resolve_and_check(
                host, port, timeout=self._config.connect_timeout
            )
        except EgressDenied as exc:
            raise SmtpFailure("egress_denied", f"proxy: {exc}") from None
        except (OSError, ValueError) as exc:
            raise SmtpFailure("proxy_error", str(exc)) from None
        return allowed[0]
