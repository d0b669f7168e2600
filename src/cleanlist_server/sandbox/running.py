"""``start_world``: turn a ``MailWorld`` into a running DNS server and SMTP hosts on loopback."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType

from . import addresses
from .dns import SandboxDNS
from .model import MailWorld
from .smtp import SandboxSMTP
from .stats import HostStats
from .tls import SandboxCA
from .zone import Zone, normalize

_BIND_ATTEMPTS = 3


@dataclass
class RunningWorld:
    """Live sandbox servers for a world. Point the verifier at ``env()`` and go."""

    world: MailWorld
    dns: SandboxDNS
    smtp: SandboxSMTP
    host_addresses: dict[str, str] = field(default_factory=dict)  # mail host name -> 127.x

    @property
    def dns_address(self) -> str:
        """``host:port`` of the DNS server, for ``CLEANLIST_DNS_NAMESERVERS``."""
        return self.dns.address

    @property
    def smtp_port(self) -> int:
        """The one port every mail host listens on, for ``CLEANLIST_SMTP_PORT``."""
        return self.smtp.port

    @property
    def ca(self) -> SandboxCA:
        """The CA behind the STARTTLS certificates (``ca.ca_pem``, ``ca.client_context()``)."""
        return self.smtp.ca

    def env(self) -> dict[str, str]:
        """The settings that point the verifier at this world."""
        return {
            "CLEANLIST_DNS_NAMESERVERS": self.dns_address,
            "CLEANLIST_SMTP_PORT": str(self.smtp_port),
        }

    def address_of(self, host: str) -> str:
        """The loopback address of a mail host (by MX name, or domain for implicit MX)."""
        return self.host_addresses[normalize(host)]

    def stats(self, host: str) -> HostStats:
        """Counters of one mail host, by name."""
        return self.smtp.stats(self.address_of(host))

    def domain_stats(self, domain: str) -> dict[str, HostStats]:
        """Counters of every mail host of ``domain``, by host name."""
        d = self.world.domain(domain)
        names = [normalize(h.name) for h in d.mx] + ([d.name] if d.implicit_mx else [])
        return {name: self.stats(name) for name in names}

    def stop(self) -> None:
        self.smtp.stop()
        self.dns.stop()

    def __enter__(self) -> RunningWorld:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def build_zone(world: MailWorld, host_addresses: dict[str, str]) -> Zone:
    """The DNS zone of ``world`` once its mail hosts have addresses."""
    zone = Zone()
    for domain in world.domains:
        if not domain.exists:
            continue
        zone.add_name(domain.name)
        if domain.null_mx:
            zone.add_null_mx(domain.name)
        if domain.mx:
            zone.add_mx(domain.name, [(h.preference, h.name) for h in domain.mx])
        if domain.txt:
            zone.add_txt(domain.name, *domain.txt)
        if domain.dns_fault is not None:
            zone.set_fault(domain.name, domain.dns_fault, qtypes=domain.fault_types)
    for name, address in host_addresses.items():
        zone.add_a(name, address)
    return zone


def start_world(
    world: MailWorld, smtp_port: int | None = None, *, ca: SandboxCA | None = None
) -> RunningWorld:
    """Allocate addresses, start DNS and every SMTP host; stop it with ``.stop()``.

    ``smtp_port``: None picks 25 when we may bind it (root) and else one ephemeral port shared
    by all hosts; 0 always picks an ephemeral port; any other number must be bindable.
    """
    hosts = world.mail_hosts()
    for attempt in range(_BIND_ATTEMPTS):
        names = sorted(hosts)
        host_addresses = dict(zip(names, addresses.allocate(len(names)), strict=True))
        smtp = SandboxSMTP(smtp_port, ca=ca)
        for name in names:
            smtp.add_host(host_addresses[name], hosts[name], hostname=name)
        try:
            smtp.start()
            break
        except OSError:
            if attempt == _BIND_ATTEMPTS - 1:
                raise  # another process grabbed one of our random addresses three times
    dns = SandboxDNS(build_zone(world, host_addresses))
    try:
        dns.start()
    except BaseException:
        smtp.stop()
        raise
    return RunningWorld(world, dns, smtp, host_addresses)
