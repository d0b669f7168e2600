"""The declarative mail world: domains, their DNS shape and their mail hosts' behaviours.

A ``MailWorld`` says nothing about addresses or ports; ``start_world`` (``sandbox.running``)
turns it into running servers. Each domain may carry the verification status the verifier is
expected to reach for some addresses (``expected``), which docs and tests share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .behaviour import Behaviour
from .zone import Fault, normalize


class Status(StrEnum):
    """The verification statuses of the product (precedence in docs/sandbox.md)."""

    VALID = "valid"
    INVALID = "invalid"
    CATCH_ALL = "catch-all"
    RISKY = "risky"
    UNKNOWN = "unknown"
    DISPOSABLE = "disposable"
    ROLE_BASED = "role-based"


@dataclass(frozen=True)
class MxHost:
    """One MX record target and how the SMTP server behind it behaves."""

    name: str
    preference: int = 10
    behaviour: Behaviour = field(default_factory=Behaviour)


@dataclass(frozen=True)
class Domain:
    """One mail domain as DNS and SMTP show it.

    - ``mx``: MX records (the usual case); several hosts share a server when names repeat
      across domains;
    - ``implicit_mx``: no MX but an A record for the domain itself, served by an SMTP host
      with this behaviour (RFC 5321 section 5.1 implicit MX);
    - ``null_mx``: ``MX 0 .`` (RFC 7505);
    - ``exists=False``: NXDOMAIN; ``exists=True`` with nothing else: a name without records;
    - ``dns_fault``: the DNS server misbehaves for the name (for ``fault_types``, or all).
    """

    name: str
    mx: tuple[MxHost, ...] = ()
    implicit_mx: Behaviour | None = None
    null_mx: bool = False
    exists: bool = True
    dns_fault: Fault | None = None
    fault_types: tuple[str, ...] | None = None
    txt: tuple[str, ...] = ()
    note: str = ""
    expected: Mapping[str, Status] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", normalize(self.name))
        object.__setattr__(self, "mx", tuple(self.mx))


@dataclass
class MailWorld:
    """A set of domains; build it by hand, or take ``default_world()`` / ``bench_world()``."""

    domains: list[Domain] = field(default_factory=list)

    def add(self, domain: Domain) -> Domain:
        if any(d.name == domain.name for d in self.domains):
            raise ValueError(f"domain {domain.name} is already in the world")
        self.domains.append(domain)
        return domain

    def domain(self, name: str) -> Domain:
        wanted = normalize(name)
        for domain in self.domains:
            if domain.name == wanted:
                return domain
        raise KeyError(name)

    def expectations(self) -> dict[str, Status]:
        """Every documented address with the status a correct verifier reaches."""
        return {addr: status for d in self.domains for addr, status in d.expected.items()}

    def mail_hosts(self) -> dict[str, Behaviour]:
        """Every SMTP host by name, its behaviour told which domains it serves."""
        behaviours: dict[str, Behaviour] = {}
        served: dict[str, set[str]] = {}
        for name, behaviour, domain in self._host_refs():
            known = behaviours.setdefault(name, behaviour)
            if replace(known, domains=frozenset()) != replace(behaviour, domains=frozenset()):
                raise ValueError(f"mail host {name} is given two different behaviours")
            served.setdefault(name, set()).add(domain)
        return {
            name: b if b.domains else b.with_domains(served[name]) for name, b in behaviours.items()
        }

    def _host_refs(self) -> Iterable[tuple[str, Behaviour, str]]:
        for domain in self.domains:
            if domain.implicit_mx is not None:
                yield domain.name, domain.implicit_mx, domain.name
            for host in domain.mx:
                yield normalize(host.name), host.behaviour, domain.name
