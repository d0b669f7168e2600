"""``EmailVerifier``: syntax, lists, DNS and SMTP checks for one address or a batch.

A batch groups addresses by MX hosts and runs each group over at most
``max_connections_per_mx`` SMTP sessions, one transaction per recipient on a reused session
(RSET between), the catch-all probe once per domain right after a real recipient on the same
session; greylisted recipients get one retry after ``greylist_retry_after`` if the deadline
allows. ``naive=True`` is the baseline: one address at a time, a fresh connection each, no
caches, a catch-all probe for every accepted address.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.verification.classify import Outcome
from cleanlist_server.verification.config import VerifierConfig
from cleanlist_server.verification.lists import DomainLists
from cleanlist_server.verification.resolver import DnspythonResolver, Resolver
from cleanlist_server.verification.result import VerificationResult
from cleanlist_server.verification.routing import Route, RouteFinder
from cleanlist_server.verification.session import Job, Prober, SessionRunner
from cleanlist_server.verification.smtp import AiosmtplibConnector, SmtpConnector
from cleanlist_server.verification.syntax import check_syntax
from cleanlist_server.verification.verdict import build_result

RETRYABLE = frozenset({Outcome.GREYLISTED, Outcome.TEMPORARY, Outcome.TOO_MANY_RECIPIENTS})


@dataclass
class _Batch:
    deadline: float  # loop time
    jobs: list[Job] = field(default_factory=list)


class EmailVerifier:
    def __init__(
        self,
        config: VerifierConfig,
        egress_policy: EgressPolicy,
        *,
        resolver: Resolver | None = None,
        smtp_connector: SmtpConnector | None = None,
        naive: bool = False,
    ) -> None:
        self.config = config
        self.naive = naive
        self._policy = egress_policy
        self._lists = DomainLists.build(
            config.extra_roles, config.extra_free, config.extra_disposable
        )
        self._resolver = resolver or DnspythonResolver(config, egress_policy)
        self._connector = smtp_connector or AiosmtplibConnector(config, egress_policy)
        self._routes = RouteFinder(self._resolver, config, cache=not naive)
        self._secret = secrets.token_bytes(16)
        self._prober = Prober(config, use_cache=not naive, local_part=self._probe_local)
        self._runner = SessionRunner(
            config, egress_policy, self._connector, self._routes, self._prober, naive=naive
        )
        self._dns_slots = asyncio.Semaphore(config.max_concurrency)

    # -- public API -------------------------------------------------------------------------

    async def verify(self, email: str) -> VerificationResult:
        """One address, within ``address_deadline`` seconds whatever the servers do."""
        return (await self._run([email], self.config.address_deadline))[0]

    async def verify_many(self, emails: Iterable[str]) -> list[VerificationResult]:
        """Results in input order, within ``batch_deadline`` seconds."""
        return await self._run(list(emails), self.config.batch_deadline)

    def catch_all_cached(self, domain: str) -> bool | None:
        return self._prober.cached(domain)

    # -- batch ------------------------------------------------------------------------------

    async def _run(self, emails: list[object], seconds: float) -> list[VerificationResult]:
        loop = asyncio.get_running_loop()
        batch = _Batch(deadline=loop.time() + seconds)
        slots: list[Job] = []
        by_email: dict[str, Job] = {}
        for raw in emails:
            job = self._job(raw)
            slots.append(by_email.setdefault(job.email, job) if job.syntax.valid else job)
        batch.jobs = list(by_email.values())
        try:
            async with asyncio.timeout_at(batch.deadline):
                await self._check(batch)
        except TimeoutError:
            pass
        finally:
            await self._runner.close_idle()
        return [self._finish(job) for job in slots]

    def _job(self, raw: object) -> Job:
        syntax = check_syntax(raw)
        job = Job(syntax=syntax)
        if syntax.valid and syntax.ascii_domain and syntax.local_part is not None:
            job.reserved = syntax.reserved and not self.config.allow_test_domains
            job.disposable = self._lists.is_disposable(syntax.ascii_domain)
            job.role = self._lists.is_role(syntax.local_part)
            job.free = self._lists.is_free(syntax.ascii_domain)
        return job

    def _needs_dns(self, job: Job) -> bool:
        return job.syntax.valid and not job.reserved and not job.disposable

    async def _check(self, batch: _Batch) -> None:
        pending = [job for job in batch.jobs if self._needs_dns(job)]
        if self.naive:
            await self._naive(pending, batch)
            return
        domains = {job.domain for job in pending}
        routes = dict(zip(domains, await asyncio.gather(*map(self._route, domains)), strict=True))
        groups: dict[tuple[str, ...], list[Job]] = {}
        for job in pending:
            job.route = routes[job.domain]
            if job.route.ok:
                groups.setdefault(job.route.hosts, []).append(job)
        await asyncio.gather(*(self._group(hosts, jobs, batch) for hosts, jobs in groups.items()))

    async def _route(self, domain: str) -> Route:
        async with self._dns_slots:
            return await self._routes.route(domain)

    async def _group(self, hosts: tuple[str, ...], jobs: list[Job], batch: _Batch) -> None:
        await self._runner.run_group(hosts, jobs, pass_no=1)
        retry = [job for job in jobs if job.outcome in RETRYABLE]
        if retry and await self._wait_for_retry(batch):
            for job in retry:
                job.reset_for_retry()
            await self._runner.run_group(hosts, retry, pass_no=2)

    async def _wait_for_retry(self, batch: _Batch) -> bool:
        loop = asyncio.get_running_loop()
        wake = loop.time() + self.config.greylist_retry_after
        # The retry itself needs time: connect, greet, one transaction.
        if wake + self.config.connect_timeout >= batch.deadline:
            return False
        await asyncio.sleep(self.config.greylist_retry_after)
        return True

    async def _naive(self, jobs: list[Job], batch: _Batch) -> None:
        for job in jobs:
            job.route = await self._routes.route(job.domain)
            if job.route.ok:
                await self._runner.run_one(job)
        retry = [job for job in jobs if job.outcome in RETRYABLE]
        if retry and await self._wait_for_retry(batch):
            for job in retry:
                job.reset_for_retry()
                assert job.route is not None
                await self._runner.run_one(job)

    # -- results ----------------------------------------------------------------------------

    def _finish(self, job: Job) -> VerificationResult:
        if (
            job.route is not None and job.route.ok and job.outcome is None and job.failure is None
        ) or (self._needs_dns(job) and job.route is None):
            job.failure = "deadline_exceeded"
        catch_all = job.catch_all if self.naive else self._prober.value(job.domain)
        return build_result(job, catch_all)

    def _probe_local(self, domain: str) -> str:
        """A never-existing local part, stable per domain for this verifier (so that a
        greylisting server has seen it when the retry comes), unguessable by the server."""
        digest = hmac.new(self._secret, domain.encode(), hashlib.sha256).digest()
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(alphabet[b % 36] for b in digest[:20])
