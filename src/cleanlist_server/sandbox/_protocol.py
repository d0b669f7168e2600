"""The aiosmtpd ``SMTP`` subclass behind each sandbox mail host.

aiosmtpd does the ESMTP grammar (EHLO/HELO, MAIL, RCPT, RSET, NOOP, QUIT, STARTTLS, pipelined
input); this class adds the scripted misbehaviours and the counters, and ``_Hooks`` gives the
replies Postfix's wording with enhanced status codes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from aiosmtpd.smtp import SMTP, TLSSetupException

from .behaviour import Behaviour, RcptContext, Reply, rcpt_reply

if TYPE_CHECKING:
    from .smtp import MailHost

logger = logging.getLogger("cleanlist.sandbox")

IDENT = "ESMTP Postfix (Cleanlist sandbox)"
SIZE_LIMIT = 52_428_800


class _Hooks:
    """aiosmtpd handler hooks: every reply of a well-behaved host."""

    def __init__(self, host: MailHost) -> None:
        self.host = host

    async def handle_EHLO(
        self, server: SandboxProtocol, session: Any, envelope: Any, name: str, responses: list[str]
    ) -> list[str]:
        session.host_name = name
        tls = ["250-STARTTLS"] if "250-STARTTLS" in responses else []
        return [
            f"250-{server.hostname}",
            "250-PIPELINING",
            f"250-SIZE {SIZE_LIMIT}",
            *tls,
            "250-ENHANCEDSTATUSCODES",
            "250-8BITMIME",
            "250 SMTPUTF8",
        ]

    async def handle_MAIL(
        self, server: SandboxProtocol, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        self.host.stats.sender(address)
        return "250 2.1.0 Ok"

    async def handle_RCPT(
        self, server: SandboxProtocol, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        behaviour = server.behaviour
        now = asyncio.get_running_loop().time()
        greylisted = self.host.greylist.too_early(
            server.client_ip, address, now, behaviour.greylist_seconds
        )
        ctx = RcptContext(server.client_ip, server.rcpt_seen, greylisted)
        reply = rcpt_reply(behaviour, address, ctx)
        server.rcpt_seen += 1
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(options)
        return reply

    async def handle_exception(self, error: Exception) -> str:
        if isinstance(error, TLSSetupException):  # a client that gave up on the handshake
            logger.debug("sandbox SMTP: TLS handshake failed: %r", error.__cause__)
        else:
            logger.warning("sandbox SMTP host %s failed", self.host.hostname, exc_info=error)
        return "451 4.3.0 Error: internal sandbox error"

    async def handle_RSET(self, server: SandboxProtocol, session: Any, envelope: Any) -> str:
        self.host.stats.bump("rset_count")
        return "250 2.0.0 Ok"

    async def handle_NOOP(
        self, server: SandboxProtocol, session: Any, envelope: Any, arg: str
    ) -> str:
        return "250 2.0.0 Ok"

    async def handle_QUIT(self, server: SandboxProtocol, session: Any, envelope: Any) -> str:
        self.host.stats.bump("quit_count")
        return "221 2.0.0 Bye"


class SandboxProtocol(SMTP):  # type: ignore[misc]
    """One connection to a sandbox mail host."""

    def __init__(self, host: MailHost, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        behaviour = host.behaviour
        tls = host.tls_context if behaviour.starttls else None
        super().__init__(
            _Hooks(host),
            hostname=host.hostname,
            ident=IDENT,
            tls_context=tls,
            require_starttls=behaviour.require_starttls,
            enable_SMTPUTF8=True,
            data_size_limit=SIZE_LIMIT,
            timeout=max(timeout, behaviour.banner_delay + 60),
            loop=loop,
        )
        self.host = host
        self.behaviour: Behaviour = behaviour
        self.rcpt_seen = 0
        self._greeted = False
        self._counted = False

    @property
    def client_ip(self) -> str:
        peer = self.session.peer if self.session is not None else None
        return str(peer[0]) if peer else ""

    # -- connection life cycle -------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        upgrading = self._original_transport is not None  # the STARTTLS re-entry
        super().connection_made(transport)
        if not upgrading:
            self._counted = True
            self.host.live.add(self)
            self.host.stats.connected()

    def connection_lost(self, error: Exception | None) -> None:
        super().connection_lost(error)
        if self._counted:
            self._counted = False
            self.host.live.discard(self)
            self.host.stats.disconnected(self.rcpt_seen)

    def abort(self) -> None:
        """Tear the connection down at once (server stop)."""
        transport = self._original_transport or self.transport
        if isinstance(transport, asyncio.WriteTransport):
            transport.abort()
        elif transport is not None:
            transport.close()

    def _drop(self) -> None:
        if self.transport is not None:
            self.transport.close()

    async def push(self, status: str) -> None:  # type: ignore[override]
        text = status
        final = len(text) < 4 or text[3] != "-"  # one delay per reply, not per line
        if self.behaviour.reply_delay > 0 and final:
            await asyncio.sleep(self.behaviour.reply_delay)
        await super().push(status)

    async def _handle_client(self) -> None:
        try:
            if await self._before_greeting():
                await super()._handle_client()
        except ConnectionError:
            self._drop()
        except asyncio.CancelledError:
            self._drop()  # the client hung up (EOF) while we were still scripted to wait
            raise

    async def _before_greeting(self) -> bool:
        """Play the connect-time script; False when the connection ends here."""
        b, stats = self.behaviour, self.host.stats
        if b.garbage:
            await self._send_garbage()
            return False
        crowded = b.max_connections is not None and self.host.stats.active > b.max_connections
        if b.busy or crowded:
            stats.bump("refused_busy")
            await self._final(Reply.BUSY.value.format(host=self.hostname))
            return False
        if b.block and b.block_stage == "connect":
            await self._final(Reply.BLOCKED.value.format(ip=self.client_ip))
            return False
        if b.banner_delay > 0:
            await asyncio.sleep(b.banner_delay)
        if b.drop_after == "banner":
            await self._final(f"220 {self.hostname} {IDENT}")
            return False
        return True

    async def _final(self, line: str) -> None:
        await self.push(line)
        self._drop()

    async def _send_garbage(self) -> None:
        assert self._writer is not None
        self._writer.write(self.behaviour.garbage_bytes)
        with contextlib.suppress(asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            await self._reader.readuntil(b"\n")
            self._writer.write(b"Protocol mismatch.\r\n")
        self._drop()

    # -- commands --------------------------------------------------------------------------

    async def smtp_EHLO(self, hostname: str) -> None:
        await self._greet(hostname, extended=True)

    async def smtp_HELO(self, hostname: str) -> None:
        await self._greet(hostname, extended=False)

    async def _greet(self, hostname: str, *, extended: bool) -> None:
        if hostname:
            self.host.stats.greeted(hostname, extended=extended, first=not self._greeted)
            self._greeted = True
        if extended:
            await super().smtp_EHLO(hostname)
        else:
            await super().smtp_HELO(hostname)
        if hostname and self.behaviour.drop_after == "ehlo":
            self._drop()

    async def smtp_MAIL(self, arg: str | None) -> None:
        await super().smtp_MAIL(arg)
        envelope = self.envelope
        if self.behaviour.drop_after == "mail" and envelope is not None and envelope.mail_from:
            self._drop()

    async def smtp_RCPT(self, arg: str | None) -> None:
        stripped = self._strip_command_keyword("TO:", arg or "")
        address = self._getaddr(stripped)[0] if stripped else None
        self.host.stats.recipient(address or (arg or ""))
        if self.behaviour.drop_after == "rcpt":
            self.rcpt_seen += 1
            self._drop()  # mid-command: the client never gets a reply
            return
        await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg: str | None) -> None:
        self.host.stats.bump("data_count")
        await self.push(Reply.DATA_REFUSED.value)

    async def smtp_STARTTLS(self, arg: str) -> None:
        self.host.stats.bump("starttls_count")
        await super().smtp_STARTTLS(arg)
