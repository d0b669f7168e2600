"""The verifier's knobs (one frozen dataclass) and the start-up safety warnings."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from functools import lru_cache


@lru_cache(maxsize=1)
def default_helo() -> str:
    """This machine's FQDN: a guess that is wrong for most hosts (see ``helo_warnings``)."""
    name = socket.getfqdn().strip().rstrip(".").lower()
    return name if name and "." in name else "localhost.localdomain"


@dataclass(frozen=True)
class VerifierConfig:
    """Every setting of the email verifier, with defaults safe for a first run.

    ``helo`` and ``from_address`` default to values derived from ``socket.getfqdn()``; live
    checks need a HELO name you own (forward and reverse DNS matching the egress IP) and a
    MAIL FROM at that domain, or the egress IP soon lands on blocklists.
    """

    # DNS
    dns_nameservers: tuple[str, ...] = ()  # "host[:port]" or "[v6]:port"; () = /etc/resolv.conf
    dns_timeout: float = 3.0  # per query (per nameserver try)
    dns_lifetime: float = 6.0  # per lookup, all tries included
    mx_cache_ttl: float = 3600.0  # caps the record TTL of cached MX and address answers
    negative_cache_ttl: float = 300.0  # caps caching of NXDOMAIN / no-data answers
    # SMTP
    smtp_port: int = 25
    helo: str | None = None  # None = default_helo()
    from_address: str | None = None  # None = f"verify@{helo}"
    starttls: bool = True
    tls_context: ssl.SSLContext | None = field(default=None, compare=False)
    proxy: str | None = None  # "socks5://[user:pass@]host:port"
    connect_timeout: float = 10.0  # TCP connect + banner, per MX address
    command_timeout: float = 10.0  # per SMTP command
    address_deadline: float = 30.0  # one address, everything included
    batch_deadline: float = 900.0  # one verify_many call, greylist retries included
    # Politeness and throughput
    max_connections_per_mx: int = 5  # Postfix delivers with up to 20 per destination
    max_concurrency: int = 200  # SMTP sessions and DNS lookups in flight, process-wide
    max_recipients_per_session: int = 20
    greylist_retry_after: float = 60.0
    catch_all_ttl: float = 86400.0
    mx_down_ttl: float = 60.0  # skip an MX that refused or timed out for this long
    # Policy
    allow_test_domains: bool = False
    extra_disposable: tuple[str, ...] = ()
    extra_free: tuple[str, ...] = ()
    extra_roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("dns_timeout", "dns_lifetime", "connect_timeout", "command_timeout"):
            _require_positive(name, getattr(self, name))
        _require_positive("address_deadline", self.address_deadline)
        _require_positive("batch_deadline", self.batch_deadline)
        for name in ("max_connections_per_mx", "max_concurrency", "max_recipients_per_session"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if not 0 < self.smtp_port < 65536:
            raise ValueError("smtp_port must be a TCP port")
        if self.proxy is not None and not self.proxy.lower().startswith("socks5://"):
            raise ValueError("proxy must be a socks5://host:port URL (SMTP cannot go over HTTP)")

    @property
    def helo_name(self) -> str:
        return (self.helo or default_helo()).strip().rstrip(".").lower()

    @property
    def mail_from(self) -> str:
        return self.from_address or f"verify@{self.helo_name}"


def _require_positive(name: str, value: float) -> None:
    if not 0 < value < float("inf"):
        raise ValueError(f"{name} must be a positive, finite number of seconds")


def helo_warnings(config: VerifierConfig) -> list[str]:
    """Loud start-up warnings about an identity that gets the egress IP blocklisted."""
    warnings: list[str] = []
    helo = config.helo_name
    if config.helo is None:
        warnings.append(
            f"SMTP HELO name not set (CLEANLIST_SMTP_HELO); using {helo!r} from socket.getfqdn(). "
            "Live checks from a HELO name you do not own, without matching forward and "
            "reverse DNS for the egress IP, get that IP blocklisted (Spamhaus & co)."
        )
    if "." not in helo or helo.endswith((".local", ".localdomain", ".internal", ".lan")):
        warnings.append(f"SMTP HELO name {helo!r} is not a public FQDN; mail servers reject it.")
    if config.from_address is None:
        warnings.append(
            f"SMTP MAIL FROM not set (CLEANLIST_SMTP_FROM); using {config.mail_from!r}. "
            "Use a real mailbox at the HELO domain so that bounces and abuse reports reach you."
        )
    elif config.mail_from.rpartition("@")[2].lower() != helo and not helo.endswith(
        "." + config.mail_from.rpartition("@")[2].lower()
    ):
        warnings.append(
            f"SMTP MAIL FROM {config.mail_from!r} is not at the HELO domain {helo!r}; "
            "receivers trust a matching identity more."
        )
    return warnings
