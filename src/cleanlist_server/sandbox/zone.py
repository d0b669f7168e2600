"""The sandbox DNS data: a mutable, thread-safe zone and the pure lookup over it.

``Zone.lookup(name, qtype)`` decides what an authoritative server answers, without sockets:
the records (following CNAMEs inside the zone), NXDOMAIN for unknown names, NOERROR with no
data for known names lacking the type (both with the apex SOA for negative caching), or a
scripted fault. ``sandbox.dns.SandboxDNS`` only translates the result into packets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

SUPPORTED_TYPES = ("A", "AAAA", "MX", "TXT", "CNAME", "SOA")
_MAX_CNAME_CHAIN = 8


class Fault(StrEnum):
    """A scripted misbehaviour of the server for one name."""

    TIMEOUT = "timeout"  # drop the query: the client times out
    SERVFAIL = "servfail"
    REFUSED = "refused"


class Rcode(StrEnum):
    NOERROR = "NOERROR"
    NXDOMAIN = "NXDOMAIN"
    SERVFAIL = "SERVFAIL"
    REFUSED = "REFUSED"


@dataclass(frozen=True)
class Soa:
    mname: str
    rname: str
    serial: int = 2024010101
    refresh: int = 3600
    retry: int = 600
    expire: int = 86400
    minimum: int = 60


@dataclass(frozen=True)
class Record:
    """One resource record: ``data`` is an address, a host name, a text, an MX pair or a SOA."""

    name: str
    rtype: str
    ttl: int
    data: str | tuple[int, str] | Soa


@dataclass(frozen=True)
class Answer:
    """What the server should do: an rcode with records, or drop the query (``dropped``)."""

    rcode: Rcode
    records: tuple[Record, ...] = ()
    authority: tuple[Record, ...] = ()
    dropped: bool = False


@dataclass
class NameEntry:
    """All records of one owner name (lower case, no trailing dot)."""

    mx: list[tuple[int, str]] = field(default_factory=list)
    a: list[str] = field(default_factory=list)
    aaaa: list[str] = field(default_factory=list)
    txt: list[str] = field(default_factory=list)
    cname: str | None = None
    fault: Fault | None = None
    fault_types: frozenset[str] | None = None  # None: every query type
    ttl: int | None = None


def normalize(name: str) -> str:
    """DNS names compare case-insensitively and without the root dot."""
    return name.strip().rstrip(".").lower()


def apex(name: str) -> str:
    """The zone apex the sandbox pretends ``name`` lives in: its last two labels."""
    labels = normalize(name).split(".")
    return ".".join(labels[-2:])


class Zone:
    """Every name the sandbox DNS server knows; safe to change while the server runs."""

    def __init__(self, *, ttl: int = 300, negative_ttl: int = 60) -> None:
        self.ttl = ttl
        self.negative_ttl = negative_ttl
        self._names: dict[str, NameEntry] = {}
        self._lock = threading.Lock()

    # -- building --------------------------------------------------------------------------

    def add_name(self, name: str, *, ttl: int | None = None) -> NameEntry:
        """Make ``name`` exist (NOERROR, no data) and return its entry."""
        with self._lock:
            entry = self._names.setdefault(normalize(name), NameEntry())
            if ttl is not None:
                entry.ttl = ttl
            return entry

    def add_mx(self, domain: str, hosts: Iterable[tuple[int, str]]) -> None:
        """Add MX records: ``[(10, "mx1.acme.test"), (20, "mx2.acme.test")]``."""
        pairs = [(int(pref), normalize(host)) for pref, host in hosts]
        self._edit(domain, lambda e: e.mx.extend(pairs))

    def add_null_mx(self, domain: str) -> None:
        """RFC 7505: the domain accepts no mail (``MX 0 .``)."""
        self._edit(domain, lambda e: e.mx.append((0, "")))

    def add_a(self, name: str, *addresses: str) -> None:
        self._edit(name, lambda e: e.a.extend(addresses))

    def add_aaaa(self, name: str, *addresses: str) -> None:
        self._edit(name, lambda e: e.aaaa.extend(addresses))

    def add_txt(self, name: str, *texts: str) -> None:
        self._edit(name, lambda e: e.txt.extend(texts))

    def add_cname(self, name: str, target: str) -> None:
        self._edit(name, lambda e: setattr(e, "cname", normalize(target)))

    def set_fault(
        self, name: str, fault: Fault | str | None, *, qtypes: Iterable[str] | None = None
    ) -> None:
        """Script a fault for ``name`` (all query types, or only ``qtypes``); None clears it."""
        kind = Fault(fault) if fault is not None else None
        types = frozenset(t.upper() for t in qtypes) if qtypes is not None else None

        def apply(entry: NameEntry) -> None:
            entry.fault, entry.fault_types = kind, types

        self._edit(name, apply)

    def remove(self, name: str) -> None:
        """Forget ``name``: it answers NXDOMAIN from now on."""
        with self._lock:
            self._names.pop(normalize(name), None)

    def clear(self, name: str) -> None:
        """Drop every record of ``name`` but keep it existing."""
        with self._lock:
            self._names[normalize(name)] = NameEntry()

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._names)

    def get(self, name: str) -> NameEntry | None:
        with self._lock:
            return self._names.get(normalize(name))

    def _edit(self, name: str, change: Callable[[NameEntry], object]) -> None:
        with self._lock:
            change(self._names.setdefault(normalize(name), NameEntry()))

    # -- answering -------------------------------------------------------------------------

    def soa(self, name: str) -> Record:
        """The SOA record of the apex ``name`` lives in (its MINIMUM is the negative TTL)."""
        origin = apex(name)
        soa = Soa(f"ns1.{origin}", f"hostmaster.{origin}", minimum=self.negative_ttl)
        return Record(origin, "SOA", self.negative_ttl, soa)

    def lookup(self, name: str, qtype: str) -> Answer:
        """The authoritative answer for ``name``/``qtype`` (pure apart from reading the zone)."""
        qname, qtype = normalize(name), qtype.upper()
        with self._lock:
            return self._lookup(qname, qtype)

    def _lookup(self, qname: str, qtype: str) -> Answer:
        records: list[Record] = []
        current = qname
        for _ in range(_MAX_CNAME_CHAIN):
            entry = self._names.get(current)
            if entry is None:
                if records:  # a CNAME pointing outside what we know: answer the chain only
                    return Answer(Rcode.NOERROR, tuple(records))
                if self._has_children(current):  # an empty non-terminal exists
                    return Answer(Rcode.NOERROR, authority=(self.soa(current),))
                return Answer(Rcode.NXDOMAIN, authority=(self.soa(current),))
            fault = _fault_for(entry, qtype)
            if fault is not None:
                return fault
            ttl = entry.ttl if entry.ttl is not None else self.ttl
            if entry.cname is not None and qtype != "CNAME":
                records.append(Record(current, "CNAME", ttl, entry.cname))
                current = entry.cname
                continue
            records.extend(_records_of(current, entry, qtype, ttl))
            if qtype == "SOA" and current == apex(current):
                records.append(self.soa(current))
            authority = () if records else (self.soa(current),)
            return Answer(Rcode.NOERROR, tuple(records), authority)
        return Answer(Rcode.SERVFAIL)  # a CNAME loop

    def _has_children(self, name: str) -> bool:
        suffix = "." + name
        return any(known.endswith(suffix) for known in self._names)


def _fault_for(entry: NameEntry, qtype: str) -> Answer | None:
    if entry.fault is None or (entry.fault_types is not None and qtype not in entry.fault_types):
        return None
    if entry.fault is Fault.TIMEOUT:
        return Answer(Rcode.SERVFAIL, dropped=True)
    return Answer(Rcode.SERVFAIL if entry.fault is Fault.SERVFAIL else Rcode.REFUSED)


def _records_of(name: str, entry: NameEntry, qtype: str, ttl: int) -> list[Record]:
    wanted = {"ANY": ("MX", "A", "AAAA", "TXT", "CNAME")}.get(qtype, (qtype,))
    out: list[Record] = []
    for rtype in wanted:
        if rtype == "MX":
            out += [Record(name, "MX", ttl, (pref, host)) for pref, host in entry.mx]
        elif rtype == "A":
            out += [Record(name, "A", ttl, address) for address in entry.a]
        elif rtype == "AAAA":
            out += [Record(name, "AAAA", ttl, address) for address in entry.aaaa]
        elif rtype == "TXT":
            out += [Record(name, "TXT", ttl, text) for text in entry.txt]
        elif rtype == "CNAME" and entry.cname is not None:
            out.append(Record(name, "CNAME", ttl, entry.cname))
    return out
