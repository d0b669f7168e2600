"""SMTP work: open sessions in MX preference order, run one transaction per recipient on a
reused session, probe catch-all once per domain. Mutates ``Job`` records; never raises for
what servers do (that becomes an outcome or a failure reason on the job)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cleanlist_server.net.egress import EgressDenied, EgressPolicy
from cleanlist_server.verification.cache import TTLCache
from cleanlist_server.verification.classify import Outcome, Reply, classify_rcpt
from cleanlist_server.verification.config import VerifierConfig
from cleanlist_server.verification.resolver import DnsStatus
from cleanlist_server.verification.result import MxAttempt
from cleanlist_server.verification.routing import Route, RouteFinder
from cleanlist_server.verification.smtp import SmtpConnector, SmtpFailure, SmtpSession
from cleanlist_server.verification.syntax import SyntaxCheck

# Session failure reason (smtp.SmtpFailure.reason) -> the reason code in results.
FAILURE_REASON = {
    "connect_refused": "connection_refused",
    "connect_timeout": "connect_timeout",
    "banner_timeout": "smtp_timeout",
    "timeout": "smtp_timeout",
    "connection_closed": "connection_dropped",
    "server_closing": "service_unavailable",
    "protocol_error": "protocol_error",
    "greeting_rejected": "blocked",
    "egress_denied": "egress_denied",
    "tls_failed": "tls_failed",
    "proxy_error": "proxy_error",
}
_DOWN_REASONS = frozenset({"connect_refused", "connect_timeout", "banner_timeout"})
_ADDRESSES_PER_HOST = 3


@dataclass
class _Transaction:
    """The SMTP transaction a session has open: its MAIL line and recipients so far."""

    used: bool = False
    mail: str | None = None
    recipients: int = 0


@dataclass(eq=False)
class Job:
    """One address's evidence, filled in as the checks go."""

    syntax: SyntaxCheck
    reserved: bool = False
    disposable: bool = False
    role: bool = False
    free: bool = False
    route: Route | None = None
    reply: Reply | None = None
    outcome: Outcome | None = None
    failure: str | None = None
    mx_tried: list[MxAttempt] = field(default_factory=list)
    connected: bool = False
    starttls: bool = False
    catch_all: bool | None = None  # naive mode: this address's own probe
    retried: bool = False

    @property
    def email(self) -> str:
        return self.syntax.email

    @property
    def domain(self) -> str:
        return self.syntax.ascii_domain or ""

    def reset_for_retry(self) -> None:
        self.reply = self.outcome = self.failure = None
        self.retried = False


class Prober:
    """Catch-all state per domain: cached for ``catch_all_ttl`` once known."""

    def __init__(
        self, config: VerifierConfig, *, use_cache: bool, local_part: Callable[[str], str]
    ) -> None:
        self._config = config
        self._use_cache = use_cache
        self.local_part = local_part
        self._cache: TTLCache[str, bool] = TTLCache()
        self._in_flight: set[str] = set()
        self._failed: dict[str, int] = {}

    def cached(self, domain: str) -> bool | None:
        return self._cache.get(domain)

    value = cached

    def wanted(self, domain: str, pass_no: int) -> bool:
        if not self._use_cache:
            return True
        if self._cache.get(domain) is not None or domain in self._in_flight:
            return False
        return self._failed.get(domain) != pass_no

    async def probe(self, session: SmtpSession, job: Job, pass_no: int, mail: str) -> None:
        """RCPT a never-existing recipient after ``job``'s, in the same transaction."""
        domain = job.domain
        self._in_flight.add(domain)
        try:
            value = await self._ask(session, domain, mail)
        finally:
            self._in_flight.discard(domain)
        if not self._use_cache:
            job.catch_all = value
        elif value is None:
            self._failed[domain] = pass_no
        else:
            self._cache.set(domain, value, self._config.catch_all_ttl)

    async def _ask(self, session: SmtpSession, domain: str, mail: str) -> bool | None:
        rcpt = f"RCPT TO:<{self.local_part(domain)}@{domain}>"
        outcome = classify_rcpt(await session.command(rcpt))
        if outcome is Outcome.TOO_MANY_RECIPIENTS:  # one recipient per transaction here
            await session.command("RSET")
            await session.command(mail)
            outcome = classify_rcpt(await session.command(rcpt))
        if outcome is Outcome.ACCEPTED:
            return True
        return False if outcome is Outcome.USER_UNKNOWN else None


@dataclass(eq=False)
class _Group:
    hosts: tuple[str, ...]
    queue: deque[Job]
    pass_no: int
    active: int = 0


class SessionRunner:
    def __init__(
        self,
        config: VerifierConfig,
        policy: EgressPolicy,
        connector: SmtpConnector,
        routes: RouteFinder,
        prober: Prober,
        *,
        naive: bool,
    ) -> None:
        self._config = config
        self._policy = policy
        self._connector = connector
        self._routes = routes
        self._prober = prober
        self._naive = naive
        self._slots = asyncio.Semaphore(config.max_concurrency)
        self._mx_slots: dict[str, asyncio.Semaphore] = {}
        self._down: TTLCache[str, str] = TTLCache()
        self._no_tls: TTLCache[str, bool] = TTLCache()

    async def close_idle(self) -> None:
        """Sessions never outlive a batch today; kept for a future pool."""

    # -- batch mode -------------------------------------------------------------------------

    async def run_group(self, hosts: tuple[str, ...], jobs: list[Job], *, pass_no: int) -> None:
        group = _Group(hosts, deque(jobs), pass_no)
        workers = min(self._config.max_connections_per_mx, len(jobs))
        await asyncio.gather(*(self._worker(group) for _ in range(workers)))

    async def _worker(self, group: _Group) -> None:
        mx_slots = self._mx_slots.setdefault(
            group.hosts[0], asyncio.Semaphore(self._config.max_connections_per_mx)
        )
        while group.queue:
            async with mx_slots, self._slots:
                if not group.queue:
                    return
                session, attempts = await self._open(group.hosts)
                if session is None:
                    if group.active == 0:
                        _fail_all(group.queue, attempts)
                    return
                group.active += 1
                try:
                    await self._serve(session, group, attempts)
                finally:
                    group.active -= 1
                    await _quit(session)

    async def _serve(self, session: SmtpSession, group: _Group, attempts: list[MxAttempt]) -> None:
        served = 0
        tx = _Transaction()
        while group.queue and served < self._config.max_recipients_per_session:
            job = group.queue.popleft()
            job.mx_tried, job.connected, job.starttls = list(attempts), True, session.starttls
            try:
                async with asyncio.timeout(self._config.address_deadline):
                    await self._transaction(session, job, group.pass_no, tx=tx)
            except (SmtpFailure, TimeoutError) as exc:
                if served > 0 and not job.retried:
                    job.retried = True  # the session died under a reused connection: once more
                    group.queue.appendleft(job)
                else:
                    job.failure = _reason(exc)
                session.abort()
                return
            served += 1

    # -- naive mode -------------------------------------------------------------------------

    async def run_one(self, job: Job) -> None:
        assert job.route is not None
        mx_slots = self._mx_slots.setdefault(
            job.route.hosts[0], asyncio.Semaphore(self._config.max_connections_per_mx)
        )
        async with mx_slots, self._slots:
            await self._run_one(job)

    async def _run_one(self, job: Job) -> None:
        assert job.route is not None
        try:
            async with asyncio.timeout(self._config.address_deadline):
                session, attempts = await self._open(job.route.hosts)
                job.mx_tried = attempts
                if session is None:
                    _fail_all([job], attempts)
                    return
                job.connected, job.starttls = True, session.starttls
                try:
                    await self._transaction(session, job, 1, tx=_Transaction())
                finally:
                    await _quit(session)
        except (SmtpFailure, TimeoutError) as exc:
            job.failure = _reason(exc)

    # -- shared -----------------------------------------------------------------------------

    async def _transaction(
        self, session: SmtpSession, job: Job, pass_no: int, *, tx: _Transaction
    ) -> None:
        """RCPT one job, in the session's open transaction when there is one.

        Several recipients share one MAIL FROM transaction (one round trip each instead of
        three); RSET opens a new transaction when the sender line changes or the server
        says the transaction is full (452 4.5.3).
        """
        utf8 = not (job.syntax.local_part or "").isascii()
        if utf8 and not session.supports("smtputf8"):
            job.failure = "smtputf8_unsupported"
            return
        mail = f"MAIL FROM:<{self._config.mail_from}>" + (" SMTPUTF8" if utf8 else "")
        if tx.mail != mail and not await self._begin(session, job, tx, mail):
            return
        job.reply = await session.command(f"RCPT TO:<{job.email}>")
        job.outcome = classify_rcpt(job.reply)
        if job.outcome is Outcome.TOO_MANY_RECIPIENTS and tx.recipients > 0:
            if not await self._begin(session, job, tx, mail, restart=True):
                return
            job.reply = await session.command(f"RCPT TO:<{job.email}>")
            job.outcome = classify_rcpt(job.reply)
        if job.outcome is Outcome.TOO_MANY_RECIPIENTS:
            job.outcome = Outcome.TEMPORARY
        tx.recipients += 1
        probe = job.outcome in (Outcome.ACCEPTED, Outcome.GREYLISTED)
        if probe and self._prober.wanted(job.domain, pass_no):
            await self._prober.probe(session, job, pass_no, mail)
            tx.recipients += 1

    async def _begin(
        self, session: SmtpSession, job: Job, tx: _Transaction, mail: str, *, restart: bool = False
    ) -> bool:
        """RSET if needed and MAIL FROM; False (with the job's outcome set) if refused."""
        if tx.used or restart:
            reply = await session.command("RSET")
            if reply.code != 250:
                raise SmtpFailure("protocol_error", f"RSET: {reply.code} {reply.message}")
        tx.used, tx.mail, tx.recipients = True, None, 0
        reply = await session.command(mail)
        if not 200 <= reply.code < 300:
            job.reply, job.outcome = reply, _sender_outcome(reply)
            return False
        tx.mail = mail
        return True

    async def _open(self, hosts: tuple[str, ...]) -> tuple[SmtpSession | None, list[MxAttempt]]:
        attempts: list[MxAttempt] = []
        for host in hosts:
            down = None if self._naive else self._down.get(host)
            if down is not None:
                attempts.append(MxAttempt(host, None, down))
                continue
            answer = await self._routes.addresses(host)
            if answer.status is not DnsStatus.OK:
                attempts.append(MxAttempt(host, None, f"dns_{answer.status.value}"))
                continue
            for address in answer.addresses[:_ADDRESSES_PER_HOST]:
                session = await self._connect(host, address, attempts)
                if session is not None:
                    return session, attempts
        return None, attempts

    async def _connect(
        self, host: str, address: str, attempts: list[MxAttempt]
    ) -> SmtpSession | None:
        try:
            self._policy.check_address(address, host)
        except EgressDenied:
            attempts.append(MxAttempt(host, address, "egress_denied"))
            return None
        tls = self._config.starttls and (self._naive or self._no_tls.get(host) is None)
        try:
            session = await self._connector.connect(host, address, tls=tls)
        except SmtpFailure as exc:
            if exc.reason == "tls_failed" and tls:
                # Opportunistic TLS, as MTAs do it: a failed handshake means plain text.
                if not self._naive:
                    self._no_tls.set(host, True, self._config.mx_cache_ttl)
                attempts.append(MxAttempt(host, address, "tls_failed"))
                return await self._connect_plain(host, address, attempts)
            self._note_failure(host, address, exc, attempts)
            return None
        attempts.append(MxAttempt(host, address, "connected"))
        return session

    async def _connect_plain(
        self, host: str, address: str, attempts: list[MxAttempt]
    ) -> SmtpSession | None:
        try:
            session = await self._connector.connect(host, address, tls=False)
        except SmtpFailure as exc:
            self._note_failure(host, address, exc, attempts)
            return None
        attempts.append(MxAttempt(host, address, "connected"))
        return session

    def _note_failure(
        self, host: str, address: str, exc: SmtpFailure, attempts: list[MxAttempt]
    ) -> None:
        attempts.append(MxAttempt(host, address, exc.reason))
        if exc.reason == "banner_rejected" and exc.reply is not None:
            attempts[-1] = MxAttempt(host, address, f"banner_rejected_{exc.reply.code}")
        if exc.reason in _DOWN_REASONS and not self._naive:
            self._down.set(host, exc.reason, self._config.mx_down_ttl)


def _sender_outcome(reply: Reply) -> Outcome:
    """MAIL FROM refused: never the recipient's fault, so never 'user unknown'."""
    outcome = classify_rcpt(reply)
    if reply.code >= 500 or outcome is Outcome.PROTOCOL_ERROR:
        return Outcome.BLOCKED
    return outcome if outcome in (Outcome.GREYLISTED, Outcome.TEMPORARY) else Outcome.TEMPORARY


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SmtpFailure):
        return FAILURE_REASON.get(exc.reason, exc.reason)
    return "smtp_timeout"


def _fail_all(jobs: Iterable[Job], attempts: list[MxAttempt]) -> None:
    reason = group_failure(attempts)
    for job in list(jobs):
        job.mx_tried = list(attempts)
        job.failure = reason
    if isinstance(jobs, deque):
        jobs.clear()


def group_failure(attempts: list[MxAttempt]) -> str:
    """The reason code when no MX host gave a session."""
    connected = [a for a in attempts if a.address is not None or not a.outcome.startswith("dns_")]
    if not connected:
        outcomes = {a.outcome for a in attempts}
        if outcomes <= {"dns_nxdomain", "dns_no_data"}:
            return "mx_host_not_found"
        return "dns_timeout" if "dns_timeout" in outcomes else "dns_error"
    last = connected[-1].outcome
    if last.startswith("banner_rejected_"):
        return "blocked" if last.endswith("_554") or last[-3] == "5" else "service_unavailable"
    return FAILURE_REASON.get(last, last)


async def _quit(session: SmtpSession) -> None:
    with contextlib.suppress(Exception):
        await session.quit()
    session.abort()
