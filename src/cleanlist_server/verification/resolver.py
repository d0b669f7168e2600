"""The DNS port (MX and address lookups as values, never exceptions) and its dnspython adapter.

Every nameserver address is checked against the egress policy when the adapter is built; a
nameserver the policy refuses is never queried.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.rdatatype
import dns.resolver

from cleanlist_server.net.egress import EgressDenied, EgressPolicy
from cleanlist_server.verification.config import VerifierConfig

logger = logging.getLogger("cleanlist.verification.dns")


class DnsStatus(StrEnum):
    OK = "ok"
    NXDOMAIN = "nxdomain"
    NO_DATA = "no_data"  # the name exists but has no record of that type
    TIMEOUT = "timeout"
    ERROR = "error"  # SERVFAIL, REFUSED, malformed answers ...
    DENIED = "denied"  # no nameserver passes the egress policy


@dataclass(frozen=True, order=True)
class MxRecord:
    preference: int
    host: str  # lower case, no trailing dot; "" is the null MX "."


@dataclass(frozen=True)
class MxAnswer:
    status: DnsStatus
    records: tuple[MxRecord, ...] = ()
    ttl: float = 0.0


@dataclass(frozen=True)
class AddressAnswer:
    status: DnsStatus
    addresses: tuple[str, ...] = ()
    ttl: float = 0.0


class Resolver(Protocol):
    """The DNS port. Implementations return outcomes as values and never raise."""

    async def mx(self, domain: str) -> MxAnswer:
        """MX records of ``domain`` (ASCII, no trailing dot)."""
        ...

    async def addresses(self, host: str) -> AddressAnswer:
        """IPv4 addresses of ``host``, or IPv6 ones when it has no A record."""
        ...


def parse_nameserver(entry: str) -> tuple[str, int]:
    """``1.2.3.4``, ``1.2.3.4:5353``, ``::1``, ``[::1]:5353`` -> (address, port)."""
    text = entry.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") else 53
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = int(port_text)
    else:
        host, port = text, 53
    ipaddress.ip_address(host)  # nameservers are addresses: a name would need DNS to find DNS
    if not 0 < port < 65536:
        raise ValueError(f"invalid nameserver port in {entry!r}")
    return host, port


class DnspythonResolver:
    """``Resolver`` over ``dns.asyncresolver`` with the configured (or system) nameservers."""

    def __init__(self, config: VerifierConfig, policy: EgressPolicy) -> None:
        custom = [parse_nameserver(entry) for entry in config.dns_nameservers]
        self._resolver = dns.asyncresolver.Resolver(configure=not custom)
        servers = custom or [(ns.address, ns.port) for ns in self._nameserver_objects()]
        allowed = [(ip, port) for ip, port in servers if _allowed(policy, ip)]
        self._denied = not allowed
        if allowed:
            self._resolver.nameservers = [dns.nameserver.Do53Nameserver(ip, p) for ip, p in allowed]
        self._resolver.timeout = config.dns_timeout
        self._resolver.lifetime = config.dns_lifetime
        self._resolver.cache = None  # the verifier caches with its own TTL caps

    def _nameserver_objects(self) -> list[dns.nameserver.Do53Nameserver]:
        result: list[dns.nameserver.Do53Nameserver] = []
        for ns in self._resolver.nameservers:
            if isinstance(ns, dns.nameserver.Do53Nameserver):
                result.append(ns)
            elif isinstance(ns, str):
                result.append(dns.nameserver.Do53Nameserver(ns, 53))
        return result

    async def mx(self, domain: str) -> MxAnswer:
        status, answer = await self._query(domain, "MX")
        if answer is None:
            return MxAnswer(status)
        records = tuple(
            sorted(
                MxRecord(int(r.preference), r.exchange.to_text().rstrip(".").lower())
                for r in answer
            )
        )
        return MxAnswer(DnsStatus.OK, records, float(answer.rrset.ttl if answer.rrset else 0))

    async def addresses(self, host: str) -> AddressAnswer:
        status_a, answer = await self._query(host, "A")
        if answer is None and status_a in (DnsStatus.NO_DATA, DnsStatus.NXDOMAIN):
            status_aaaa, answer = await self._query(host, "AAAA")
            status_a = status_aaaa if status_aaaa != DnsStatus.NXDOMAIN else status_a
        if answer is None:
            return AddressAnswer(status_a)
        addresses = tuple(dict.fromkeys(r.to_text() for r in answer))
        return AddressAnswer(
            DnsStatus.OK, addresses, float(answer.rrset.ttl if answer.rrset else 0)
        )

    async def _query(self, name: str, rdtype: str) -> tuple[DnsStatus, dns.resolver.Answer | None]:
        if self._denied:
            return DnsStatus.DENIED, None
        try:
            answer = await self._resolver.resolve(name + ".", rdtype, search=False)
        except dns.resolver.NXDOMAIN:
            return DnsStatus.NXDOMAIN, None
        except dns.resolver.NoAnswer:
            return DnsStatus.NO_DATA, None
        except dns.exception.Timeout:
            return DnsStatus.TIMEOUT, None
        except (dns.exception.DNSException, OSError, ValueError) as exc:
            logger.debug("dns %s %s failed: %s", name, rdtype, exc)
            return (_timeout_or_error(exc), None)
        return DnsStatus.OK, answer


def _timeout_or_error(exc: Exception) -> DnsStatus:
    # NoNameservers wraps per-server errors; when every server merely timed out, say so.
    if isinstance(exc, dns.resolver.NoNameservers):
        errors = exc.kwargs.get("errors") or []
        if errors and all(isinstance(e[3], dns.exception.Timeout) for e in errors):
            return DnsStatus.TIMEOUT
    return DnsStatus.ERROR


def _allowed(policy: EgressPolicy, ip: str) -> bool:
    try:
        policy.check_address(ip)
    except EgressDenied:
        return False
    return True
