"""Loopback address and port allocation for the sandbox servers.

Every sandbox mail host listens on its own ``127.x.y.z`` address so that one SMTP port (25 when
we may bind it) serves many hosts, the way the internet looks to a verifier. Addresses are drawn
at random from ``127.16.0.1``-``127.250.255.250`` (never ``127.0.0.0/24``, where ordinary local
services live) and each one is checked by binding, so parallel test processes and concurrent
sessions rarely collide and never silently share a host.

Nothing here ever touches an address outside ``127.0.0.0/8``.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import random
import socket
from collections.abc import Callable, Iterable, Sequence

logger = logging.getLogger("cleanlist.sandbox")

SMTP_PORT = 25
LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
_MAX_ATTEMPTS = 200
_rng = random.SystemRandom()


class AllocationError(OSError):
    """No free loopback address or port could be found."""


def is_loopback(address: str) -> bool:
    """True for an IPv4 address inside ``127.0.0.0/8``."""
    try:
        return ipaddress.IPv4Address(address) in LOOPBACK
    except ValueError:
        return False


def random_address(rng: random.Random | None = None) -> str:
    """One random address in 127.16-250.*.1-250, away from 127.0.0.1 and 127.0.0.0/24."""
    r = rng or _rng
    return f"127.{r.randint(16, 250)}.{r.randint(0, 255)}.{r.randint(1, 250)}"


def can_bind(address: str, port: int, kind: int = socket.SOCK_STREAM) -> bool:
    """Whether ``(address, port)`` can be bound right now (the socket is closed again).

    TCP probes use SO_REUSEADDR like the servers do: a listener blocks them, TIME_WAIT does not.
    """
    _require_loopback(address)
    with socket.socket(socket.AF_INET, kind) as sock:
        if kind == socket.SOCK_STREAM:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL, errno.EPERM):
                return False
            raise
    return True


def allocate(
    n: int,
    *,
    port: int = 0,
    rng: random.Random | None = None,
    probe: Callable[[str, int], bool] | None = None,
) -> list[str]:
    """``n`` distinct random loopback addresses on which TCP ``port`` (0: any) is free.

    ``probe`` decides whether an address is usable (default: ``can_bind``).
    """
    usable = probe or can_bind
    chosen: list[str] = []
    attempts = 0
    while len(chosen) < n:
        attempts += 1
        if attempts > _MAX_ATTEMPTS + 2 * n:
            raise AllocationError(f"could not allocate {n} loopback addresses for port {port}")
        address = random_address(rng)
        if address not in chosen and usable(address, port):
            chosen.append(address)
    return chosen


def free_port(address: str, *, udp: bool = False) -> int:
    """An ephemeral port free for TCP (and UDP too when ``udp``) on ``address``."""
    for _ in range(_MAX_ATTEMPTS):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((_require_loopback(address), 0))
            port: int = sock.getsockname()[1]
        if not udp or can_bind(address, port, socket.SOCK_DGRAM):
            return port
    raise AllocationError(f"no free port on {address}")


def common_free_port(addresses: Sequence[str]) -> int:
    """An ephemeral TCP port free on every one of ``addresses``."""
    if not addresses:
        raise ValueError("common_free_port needs at least one address")
    for _ in range(_MAX_ATTEMPTS):
        port = free_port(addresses[0])
        if all(can_bind(address, port) for address in addresses[1:]):
            return port
    raise AllocationError(f"no port free on all of {len(addresses)} addresses")


def is_root() -> bool:
    """Whether this process may bind ports below 1024."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def choose_smtp_port(addresses: Iterable[str], preferred: int | None = None) -> int:
    """The one SMTP port every mail host will listen on.

    ``preferred`` (default 25) is used when it can be bound on every address; a privileged
    port we may not bind, or an explicit ``0``, falls back to one ephemeral port shared by all
    hosts. The choice is logged: the verifier must then be told (``CLEANLIST_SMTP_PORT``).
    """
    hosts = list(addresses)
    wanted = SMTP_PORT if preferred is None else preferred
    if wanted and (wanted >= 1024 or is_root()) and all(can_bind(a, wanted) for a in hosts):
        return wanted
    if preferred:
        raise AllocationError(f"SMTP port {preferred} cannot be bound on every sandbox host")
    port = common_free_port(hosts) if hosts else free_port(random_address())
    if wanted:
        logger.info("sandbox SMTP falls back to port %d (port %d not bindable)", port, wanted)
    return port


def _require_loopback(address: str) -> str:
    if not is_loopback(address):
        raise ValueError(f"sandbox servers bind loopback only, not {address!r}")
    return address
