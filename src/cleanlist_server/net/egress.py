"""The egress policy: the one gate every outbound connection of the server passes.

Configured by ``CLEANLIST_EGRESS_ALLOW`` and ``CLEANLIST_EGRESS_DENY`` (comma-separated CIDRs,
addresses and host names); see ``docs/egress.md`` for the full semantics. In short:

- an explicit DENY rule always wins;
- with an empty ALLOW list, ``DEFAULT_DENY`` (private, loopback, link-local, metadata ...) is
  refused and every other address allowed;
- with a non-empty ALLOW list only matching hosts or addresses pass, and a default-denied range
  is reachable only through an ALLOW rule that names it (a network inside that range, or a host
  name, which authorizes whatever it resolves to).

Errors::

    OSError
     └── EgressError                    root of this module's errors
          ├── EgressDenied              (also PermissionError) refused by the policy
          └── EgressResolutionError     the host name could not be resolved
               └── EgressResolutionTimeout   (also TimeoutError) resolution missed its deadline

They derive from ``OSError`` so that code written against sockets sees a refused connection
as a connection failure; catch ``EgressDenied`` to tell a policy refusal apart.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import threading
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

logger = logging.getLogger("cleanlist.egress")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
SyncResolver = Callable[[str, int], Sequence[str]]

ALLOW_VAR = "CLEANLIST_EGRESS_ALLOW"
DENY_VAR = "CLEANLIST_EGRESS_DENY"
DEFAULT_RESOLVE_TIMEOUT = 5.0

# Metadata addresses come first so that a refusal names them rather than the wider range.
_DEFAULT_DENY_LABELS: dict[str, str] = {
    "169.254.169.254/32": "cloud metadata",
    "fd00:ec2::254/128": "cloud metadata",
    "0.0.0.0/8": "'this' network",
    "10.0.0.0/8": "private",
    "100.64.0.0/10": "carrier-grade NAT",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link-local",
    "172.16.0.0/12": "private",
    "192.0.0.0/24": "IETF protocol assignments",
    "192.168.0.0/16": "private",
    "198.18.0.0/15": "benchmarking",
    "224.0.0.0/4": "multicast",
    "240.0.0.0/4": "reserved",
    "255.255.255.255/32": "broadcast",
    "::1/128": "loopback",
    "::/128": "unspecified",
    "fc00::/7": "unique local",
    "fe80::/10": "link-local",
    "ff00::/8": "multicast",
}
DEFAULT_DENY: tuple[IPNetwork, ...] = tuple(ipaddress.ip_network(n) for n in _DEFAULT_DENY_LABELS)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class EgressError(OSError):
    """Root of the egress errors; carries the host (and address) the connection was for."""

    def __init__(self, message: str, *, host: str | None, address: str | None = None) -> None:
        super().__init__(message)
        self.host = host
        self.address = address


class EgressDenied(EgressError, PermissionError):
    """The policy refused a destination. ``reason`` says which rule (or missing rule) did it."""

    def __init__(
        self, *, host: str | None, address: str | None, reason: str, rule: str | None = None
    ) -> None:
        target = address if address is not None else f"host {host}"
        if address is not None and host is not None:
            target = f"{address} (host {host})"
        super().__init__(f"egress to {target} {reason}", host=host, address=address)
        self.reason = reason
        self.rule = rule


class EgressResolutionError(EgressError):
    """The host name did not resolve to any address (or the resolver failed)."""


class EgressResolutionTimeout(EgressResolutionError, TimeoutError):
    """The resolver did not answer before the deadline."""


@dataclass(frozen=True)
class HostPattern:
    """A host-name rule: ``smtp.acme.test`` (exact) or ``*.acme.test`` (strict subdomains)."""

    name: str
    subdomains: bool = False

    def matches(self, host: str) -> bool:
        host = normalize_host(host)
        return host.endswith("." + self.name) if self.subdomains else host == self.name

    def __str__(self) -> str:
        return f"*.{self.name}" if self.subdomains else self.name


Rule = IPNetwork | HostPattern


def normalize_host(host: str) -> str:
    """Lowercase, without brackets around IPv6 literals and without a trailing dot."""
    return host.strip().strip("[]").rstrip(".").lower()


def parse_rule(entry: str) -> Rule:
    """One ALLOW/DENY entry: a CIDR, a bare address, a host name or a ``*.``/``.`` suffix."""
    text = entry.strip()
    try:
        return ipaddress.ip_network(text)
    except ValueError as exc:
        if "/" in text or _looks_numeric(text):
            raise ValueError(f"invalid egress rule {entry.strip()!r}: {exc}") from None
    pattern = text.lower().rstrip(".")
    subdomains = pattern.startswith(("*.", "."))
    name = pattern.removeprefix("*").removeprefix(".") if subdomains else pattern
    if not _valid_host_name(name):
        raise ValueError(
            f"invalid egress rule {entry.strip()!r}: expected a CIDR (10.0.0.0/8), an address, "
            "a host name (smtp.acme.test) or a suffix (*.acme.test)"
        )
    return HostPattern(name, subdomains)


def _looks_numeric(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdefABCDEF.:" for c in text) and ":" in text


def _valid_host_name(name: str) -> bool:
    labels = name.split(".")
    if not name or len(name) > 253 or not any(c.isalpha() for c in labels[-1]):
        return False
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    return all(
        0 < len(label) <= 63 and set(label) <= allowed and label[0] != "-" and label[-1] != "-"
        for label in labels
    )


def _parse_rules(text: str | None, var: str) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for entry in (text or "").split(","):
        if entry.strip():
            try:
                rules.append(parse_rule(entry))
            except ValueError as exc:
                raise ValueError(f"{var}: {exc}") from None
    return tuple(rules)


def parse_ip(ip: str) -> IPAddress:
    """The address a connection to ``ip`` really reaches: IPv4-mapped and NAT64 addresses
    (``::ffff:10.0.0.1``, ``64:ff9b::a00:1``) are checked as the IPv4 address they carry."""
    addr = ipaddress.ip_address(normalize_host(ip).split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return addr.ipv4_mapped
        if addr in _NAT64:
            return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return addr


def is_ip_literal(host: str) -> bool:
    try:
        parse_ip(host)
    except ValueError:
        return False
    return True


def _first_host(rules: Iterable[Rule], host: str | None) -> HostPattern | None:
    if host is None:
        return None
    return next((r for r in rules if isinstance(r, HostPattern) and r.matches(host)), None)


def _first_net(rules: Iterable[Rule], addr: IPAddress) -> IPNetwork | None:
    return next((r for r in rules if not isinstance(r, HostPattern) and addr in r), None)


@dataclass(frozen=True)
class EgressPolicy:
    """ALLOW and DENY rules; see the module docstring for how they combine."""

    allow: tuple[Rule, ...] = ()
    deny: tuple[Rule, ...] = ()

    @classmethod
    def from_strings(cls, allow: str | None, deny: str | None) -> EgressPolicy:
        """Parse the two settings; an invalid entry raises ``ValueError`` naming it."""
        return cls(_parse_rules(allow, ALLOW_VAR), _parse_rules(deny, DENY_VAR))

    def check_host(self, host: str) -> None:
        """Refuse a name before it is resolved, when no address it could have would pass."""
        if is_ip_literal(host):
            self.check_address(host)
            return
        if rule := _first_host(self.deny, host):
            self._refuse(host, None, f"denied by {DENY_VAR} rule {rule}", str(rule))
        only_names = all(isinstance(r, HostPattern) for r in self.allow)
        if self.allow and only_names and _first_host(self.allow, host) is None:
            self._refuse(host, None, f"denied: not in {ALLOW_VAR}", None)

    def check_address(self, ip: str, host: str | None = None) -> None:
        """Raise ``EgressDenied`` (logged at WARNING) unless a connection to ``ip`` — reached
        through the name ``host``, if any — is allowed."""
        denial = self.denial(ip, host)
        if denial is not None:
            _log_refusal(denial, [ip])
            raise denial

    def is_allowed(self, ip: str, host: str | None = None) -> bool:
        return self.denial(ip, host) is None

    def denial(self, ip: str, host: str | None = None) -> EgressDenied | None:
        """The refusal for ``ip`` (via ``host``), or None if allowed. Neither logs nor raises."""
        addr = parse_ip(ip)
        host = normalize_host(host) if host is not None and not is_ip_literal(host) else None
        for rule in (_first_host(self.deny, host), _first_net(self.deny, addr)):
            if rule is not None:
                return EgressDenied(
                    host=host,
                    address=ip,
                    reason=f"denied by {DENY_VAR} rule {rule}",
                    rule=str(rule),
                )
        if _first_host(self.allow, host) is not None:
            return None  # an allowed name authorizes every address it resolves to
        return self._default_or_allow_denial(addr, ip, host)

    def _default_or_allow_denial(
        self, addr: IPAddress, ip: str, host: str | None
    ) -> EgressDenied | None:
        defaults = [net for net in DEFAULT_DENY if addr in net]
        allowed_by = _first_net(self.allow, addr)
        if self.allow and allowed_by is None:
            return EgressDenied(host=host, address=ip, reason=f"denied: not in {ALLOW_VAR}")
        # An ALLOW network lifts a default deny only if it lies inside that default range, so
        # that ALLOW=0.0.0.0/0 means "all public addresses", not "no SSRF protection".
        if not defaults or (allowed_by is not None and _inside_any(allowed_by, defaults)):
            return None
        default = defaults[0]
        reason = (
            f"denied by default rule {default} ({_DEFAULT_DENY_LABELS[str(default)]}); "
            f"list it in {ALLOW_VAR} to allow it"
        )
        return EgressDenied(host=host, address=ip, reason=reason, rule=str(default))

    def check_resolved(self, host: str, addresses: Sequence[str]) -> list[str]:
        """The allowed subset of ``addresses`` (in order); raise if there is none."""
        if not addresses:
            raise EgressResolutionError(f"{host} resolved to no address", host=host)
        denials = [(a, self.denial(a, host)) for a in addresses]
        allowed = [a for a, denial in denials if denial is None]
        refused = [denial for _, denial in denials if denial is not None]
        if not allowed:
            _log_refusal(refused[0], addresses)
            raise refused[0]
        if refused:
            logger.debug("egress: skipped %s for host %s", [d.address for d in refused], host)
        return allowed

    async def resolve_and_check(
        self,
        host: str,
        port: int,
        *,
        resolver: Resolver | None = None,
        timeout: float = DEFAULT_RESOLVE_TIMEOUT,  # noqa: ASYNC109 - the deadline is the point
    ) -> list[str]:
        """Resolve ``host`` within ``timeout`` seconds and return its allowed addresses.

        IP literals are checked without resolving. Raises ``EgressDenied`` if no address is
        allowed, ``EgressResolutionTimeout`` on the deadline, ``EgressResolutionError`` else.
        """
        host = normalize_host(host)
        if is_ip_literal(host):
            self.check_address(host)
            return [host]
        self.check_host(host)
        try:
            async with asyncio.timeout(timeout):
                addresses = await (resolver or system_resolver)(host, port)
        except EgressError:
            raise
        except TimeoutError:
            raise _timeout_error(host, timeout) from None
        except OSError as exc:
            raise EgressResolutionError(f"could not resolve {host}: {exc}", host=host) from exc
        return self.check_resolved(host, addresses)

    def resolve_and_check_sync(
        self,
        host: str,
        port: int,
        *,
        resolver: SyncResolver | None = None,
        timeout: float = DEFAULT_RESOLVE_TIMEOUT,
    ) -> list[str]:
        """Blocking twin of ``resolve_and_check``; the resolver runs in a daemon thread so the
        deadline holds even though ``getaddrinfo`` itself cannot be interrupted."""
        host = normalize_host(host)
        if is_ip_literal(host):
            self.check_address(host)
            return [host]
        self.check_host(host)
        try:
            addresses = _call_with_deadline(resolver or system_resolver_sync, host, port, timeout)
        except EgressError:
            raise
        except TimeoutError:
            raise _timeout_error(host, timeout) from None
        except OSError as exc:
            raise EgressResolutionError(f"could not resolve {host}: {exc}", host=host) from exc
        return self.check_resolved(host, addresses)

    def _refuse(self, host: str, address: str | None, reason: str, rule: str | None) -> None:
        denial = EgressDenied(host=host, address=address, reason=reason, rule=rule)
        _log_refusal(denial, [])
        raise denial


def _inside_any(net: IPNetwork, ranges: Iterable[IPNetwork]) -> bool:
    return any(net.version == r.version and net.subnet_of(r) for r in ranges)  # type: ignore[arg-type]


def _timeout_error(host: str, timeout: float) -> EgressResolutionTimeout:
    return EgressResolutionTimeout(f"resolving {host} took longer than {timeout:g}s", host=host)


def _log_refusal(denial: EgressDenied, addresses: Sequence[str]) -> None:
    # Only host, addresses and rule: never a URL, whose query string may carry credentials.
    logger.warning(
        "egress denied: host=%s address=%s rule=%s addresses=%s reason=%s",
        denial.host,
        denial.address,
        denial.rule,
        list(addresses),
        denial.reason,
    )


def _is_localhost(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")


def _unique(addresses: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(addresses))


async def system_resolver(host: str, port: int) -> list[str]:
    """The default resolver: ``getaddrinfo`` on the event loop's executor. ``localhost`` and
    ``*.localhost`` are answered here (RFC 6761), without asking any DNS server."""
    if _is_localhost(host):
        return ["127.0.0.1", "::1"]
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return _unique(str(info[4][0]) for info in infos)


def system_resolver_sync(host: str, port: int) -> list[str]:
    """Blocking twin of ``system_resolver``."""
    if _is_localhost(host):
        return ["127.0.0.1", "::1"]
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return _unique(str(info[4][0]) for info in infos)


def _call_with_deadline(
    resolver: SyncResolver, host: str, port: int, timeout: float
) -> Sequence[str]:
    future: Future[Sequence[str]] = Future()

    def run() -> None:
        try:
            future.set_result(resolver(host, port))
        except Exception as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name="egress-resolve", daemon=True).start()
    return future.result(timeout)
