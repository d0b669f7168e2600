"""Mail routes: MX lookup, null MX (RFC 7505), implicit MX (RFC 5321 5.1), with TTL caches."""

from __future__ import annotations

from dataclasses import dataclass, field

from cleanlist_server.verification.cache import TTLCache
from cleanlist_server.verification.config import VerifierConfig
from cleanlist_server.verification.resolver import (
    AddressAnswer,
    DnsStatus,
    MxAnswer,
    Resolver,
)
from cleanlist_server.verification.result import DomainCheck

_DNS_FAILURE = {
    DnsStatus.TIMEOUT: "dns_timeout",
    DnsStatus.ERROR: "dns_error",
    DnsStatus.DENIED: "egress_denied",
}


@dataclass(frozen=True)
class Route:
    """Where mail for a domain goes. ``hosts`` in preference order (ties: by name)."""

    hosts: tuple[str, ...] = ()
    check: DomainCheck = field(default_factory=DomainCheck)
    no_route: str | None = None  # nxdomain | null_mx | no_mail_route
    dns_failure: str | None = None  # dns_timeout | dns_error | egress_denied

    @property
    def ok(self) -> bool:
        return self.no_route is None and self.dns_failure is None


class RouteFinder:
    """Turns DNS answers into routes; caches answers for min(record TTL, configured cap).
    With ``cache=False`` (the naive baseline) every call asks the resolver."""

    def __init__(self, resolver: Resolver, config: VerifierConfig, *, cache: bool = True):
        self._resolver = resolver
        self._config = config
        self._cache = cache
        self._mx: TTLCache[str, MxAnswer] = TTLCache()
        self._addresses: TTLCache[str, AddressAnswer] = TTLCache()

    async def route(self, domain: str) -> Route:
        answer = await self._mx_answer(domain)
        if answer.status is DnsStatus.NXDOMAIN:
            return Route(check=DomainCheck(exists=False, has_mx=False), no_route="nxdomain")
        if answer.status in _DNS_FAILURE:
            return Route(dns_failure=_DNS_FAILURE[answer.status])
        if answer.status is DnsStatus.OK and answer.records:
            hosts = tuple(dict.fromkeys(r.host for r in sorted(answer.records) if r.host))
            if not hosts:
                check = DomainCheck(exists=True, has_mx=True, null_mx=True)
                return Route(check=check, no_route="null_mx")
            return Route(hosts=hosts, check=DomainCheck(exists=True, has_mx=True))
        return await self._implicit(domain)

    async def _implicit(self, domain: str) -> Route:
        answer = await self.addresses(domain)
        if answer.status is DnsStatus.OK:
            return Route(
                hosts=(domain,), check=DomainCheck(exists=True, has_mx=False, implicit_mx=True)
            )
        if answer.status in _DNS_FAILURE:
            return Route(dns_failure=_DNS_FAILURE[answer.status])
        exists = answer.status is not DnsStatus.NXDOMAIN
        reason = "no_mail_route" if exists else "nxdomain"
        return Route(check=DomainCheck(exists=exists, has_mx=False), no_route=reason)

    async def _mx_answer(self, domain: str) -> MxAnswer:
        if not self._cache:
            return await self._resolver.mx(domain)

        async def load() -> tuple[MxAnswer, float]:
            answer = await self._resolver.mx(domain)
            return answer, self._ttl(answer.status, answer.ttl)

        return await self._mx.get_or_load(domain, load)

    async def addresses(self, host: str) -> AddressAnswer:
        if not self._cache:
            return await self._resolver.addresses(host)

        async def load() -> tuple[AddressAnswer, float]:
            answer = await self._resolver.addresses(host)
            return answer, self._ttl(answer.status, answer.ttl)

        return await self._addresses.get_or_load(host, load)

    def _ttl(self, status: DnsStatus, ttl: float) -> float:
        if status is DnsStatus.OK:
            return min(ttl, self._config.mx_cache_ttl)
        if status in (DnsStatus.NXDOMAIN, DnsStatus.NO_DATA):
            return min(ttl or self._config.negative_cache_ttl, self._config.negative_cache_ttl)
        return 0.0  # failures are retried, never cached
