"""``start_market``: the market's HTTP server plus the mail world of its population.

    with start_market(demo_market(), latency_scale=0) as market:
        os.environ.update(market.env())  # every provider now points at loopback
        ...
        print(market.stats()["apollo"]["units"])

The mail world (``mail_world``) has one domain per company: MX records from
``dnsdata.MAIL_PROVIDERS`` (hosts shared by several companies, such as Google's, serve one
union of mailboxes) or ``mx1.<domain>`` for self-hosted mail; catch-all companies accept
every recipient; mailboxes are the current employees' addresses only, so past addresses
bounce; TXT records from ``dnsdata.txt_records``. The free-mail domains of people's
personal addresses exist too, holding exactly those addresses.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import ModuleType, TracebackType
from typing import Any

from cleanlist_server.providers.config import COMMERCIAL, KNOWN_PROVIDERS

from ..behaviour import Behaviour
from ..model import Domain, MailWorld, MxHost
from ..running import RunningWorld, start_world
from .model import Population, TrueCompany
from .population import FeaturedCompany, FeaturedPerson, generate
from .server import MarketServer
from .views import VendorProfile, default_profiles
from .wire import VendorWire

__all__ = [
    "RunningMarket",
    "bench_population",
    "demo_market",
    "mail_world",
    "start_market",
]

log = logging.getLogger("cleanlist.sandbox.market")

# Used only while ``dnsdata.py`` is absent: the records of the DNS provider's own table.
_FALLBACK_MX: dict[str, tuple[tuple[int, str], ...]] = {
    "google": ((1, "aspmx.l.google.com"), (5, "alt1.aspmx.l.google.com")),
    "microsoft": ((0, "{slug}.mail.protection.outlook.com"),),
    "zoho": ((10, "mx.zoho.com"), (20, "mx2.zoho.com"), (50, "mx3.zoho.com")),
}
FREE_MAIL_MX: dict[str, tuple[tuple[int, str], ...]] = {
    "gmail.com": ((5, "gmail-smtp-in.l.google.com"), (10, "alt1.gmail-smtp-in.l.google.com")),
    "yahoo.com": ((1, "mta5.am0.yahoodns.net"), (1, "mta6.am0.yahoodns.net")),
    "outlook.com": ((5, "outlook-com.olc.protection.outlook.com"),),
    "hotmail.com": ((2, "hotmail-com.olc.protection.outlook.com"),),
    "icloud.com": ((10, "mx01.mail.icloud.com"), (10, "mx02.mail.icloud.com")),
    "proton.me": ((10, "mail.protonmail.ch"), (20, "mailsec.protonmail.ch")),
}


def _dnsdata() -> ModuleType | None:
    try:
        return importlib.import_module("cleanlist_server.sandbox.market.dnsdata")
    except ImportError:
        return None


def _expand(host: str, domain: str) -> str:
    """Fill a provider template (``{slug}.mail.protection.outlook.com``) for one domain."""
    digest = hashlib.sha256(domain.encode()).hexdigest()
    return host.format(
        slug=domain.replace(".", "-"),
        domain=domain,
        digits=str(int(digest[:12], 16))[:7].rjust(7, "0"),
        hex=digest[:8],
        uuid=f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}",
    )


def _mx_of(
    company: TrueCompany, table: Mapping[str, tuple[tuple[int, str], ...]]
) -> list[tuple[int, str, bool]]:
    """(preference, host, shared) of the company's MX records."""
    records = table.get(company.mail_provider, ())
    if not records or (company.catch_all and any("{" not in h for _, h in records)):
        if records:  # a shared host cannot accept everything for one company only
            log.debug("sandbox market: %s is catch-all, so self-hosted", company.domain)
        return [(10, f"mx1.{company.domain}", False)]
    return [(pref, _expand(host, company.domain), "{" not in host) for pref, host in records]


def mail_world(population: Population) -> MailWorld:
    """The DNS and SMTP world of a population (see the module docstring)."""
    dnsdata = _dnsdata()
    table: Mapping[str, tuple[tuple[int, str], ...]] = getattr(
        dnsdata, "MAIL_PROVIDERS", _FALLBACK_MX
    )
    txt: Callable[[TrueCompany], tuple[str, ...]] = getattr(
        dnsdata, "txt_records", lambda company: ("v=spf1 mx ~all",)
    )
    staff: dict[str, set[str]] = {cid: set() for cid in population.companies}
    personal: dict[str, set[str]] = {}
    for person in population.people.values():
        if person.email:
            staff[person.company_id].add(person.email)
        address = str(person.fields.get("personal_email") or "")
        if address:
            personal.setdefault(address.rpartition("@")[2], set()).add(address)
    plans = {cid: _mx_of(c, table) for cid, c in population.companies.items()}
    shared: dict[str, set[str]] = {}
    for cid, records in plans.items():
        for _, host, is_shared in records:
            if is_shared:
                shared.setdefault(host, set()).update(staff[cid])
    shared_behaviours = {host: Behaviour(mailboxes=boxes) for host, boxes in shared.items()}
    world = MailWorld()
    for cid, company in sorted(population.companies.items()):
        own = Behaviour(mailboxes=staff[cid], accept_all=company.catch_all)
        hosts = tuple(
            MxHost(host, pref, shared_behaviours[host] if is_shared else own)
            for pref, host, is_shared in plans[cid]
        )
        world.add(Domain(company.domain, mx=hosts, txt=tuple(txt(company))))
    for domain, addresses in sorted(personal.items()):
        free_mx = FREE_MAIL_MX.get(domain, ((10, f"mx1.{domain}"),))
        behaviour = Behaviour(mailboxes=addresses)
        world.add(Domain(domain, mx=tuple(MxHost(h, p, behaviour) for p, h in free_mx)))
    return world


@dataclass
class RunningMarket:
    """A running market: the HTTP server and (``with_mail``) its DNS/SMTP world."""

    population: Population
    server: MarketServer
    world: RunningWorld | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def vendors(self) -> list[str]:
        return sorted(self.server.wires)

    def vendor_url(self, name: str) -> str:
        return f"{self.server.url}/{name}"

    def key(self, name: str) -> str:
        return self.server.key(name)

    def stats(self) -> dict[str, dict[str, Any]]:
        return self.server.stats()

    def site_events(self, domains: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The population's site events in ``POST /v1/events`` form (``events.market_events``)."""
        from cleanlist_server.sandbox.market.events import market_events

        return market_events(self.population, domains)

    def set_vendor(
        self,
        vendor: str,
        *,
        failure_rate: float | None = None,
        latency_scale: float | None = None,
        fault: str | None = None,
    ) -> None:
        self.server.set_vendor(
            vendor, failure_rate=failure_rate, latency_scale=latency_scale, fault=fault
        )

    def env(self) -> dict[str, str]:
        """The settings that point the product at this market (and its mail world)."""
        env = dict(self.world.env()) if self.world else {}
        env["CLEANLIST_ALLOW_TEST_DOMAINS"] = "true"
        for name in self.vendors:
            if name not in KNOWN_PROVIDERS:
                continue  # a test wire: the product's configuration would refuse its name
            env[f"CLEANLIST_PROVIDER_{name.upper()}_URL"] = self.vendor_url(name)
            if name in COMMERCIAL:
                env[f"CLEANLIST_PROVIDER_{name.upper()}_KEY"] = self.key(name)
        env["CLEANLIST_PROVIDER_WEBSITE_URL"] = f"{self.url}/sites/{{domain}}/"
        from cleanlist_server.sandbox.market.jobs import board_urls

        env["CLEANLIST_JOB_BOARD_URLS"] = ",".join(
            f"{board}={url}" for board, url in board_urls(self.url).items()
        )
        if "gravatar" in self.server.wires:
            env["CLEANLIST_PROVIDER_GRAVATAR_URL"] = f"{self.url}/gravatar"
        return env

    def stop(self) -> None:
        try:
            self.server.stop()
        finally:
            if self.world is not None:
                self.world.stop()

    def __enter__(self) -> RunningMarket:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_market(
    population: Population | None = None,
    *,
    profiles: Mapping[str, VendorProfile] | None = None,
    seed: int = 7,
    latency_scale: float = 1.0,
    with_mail: bool = True,
    wires: Mapping[str, VendorWire] | None = None,
    keys: Mapping[str, str] | None = None,
    port: int = 0,
    smtp_port: int | None = None,
) -> RunningMarket:
    """Start the market for ``population`` (default ``demo_market()``); stop it with ``.stop()``.

    ``wires`` replaces the vendor modules (tests register their own); vendors whose module
    cannot be imported are skipped with a warning. ``seed`` drives the vendors' beliefs and
    faults; ``latency_scale=0`` removes all simulated latency. ``smtp_port`` as in
    ``start_world``.
    """
    population = population if population is not None else demo_market()
    server = MarketServer(
        population,
        profiles=profiles if profiles is not None else default_profiles(),
        wires=wires,
        seed=seed,
        latency_scale=latency_scale,
        keys=keys,
        port=port,
    )
    world = start_world(mail_world(population), smtp_port) if with_mail else None
    try:
        server.start()
    except BaseException:
        if world is not None:
            world.stop()
        raise
    return RunningMarket(population, server, world)


DEMO_COMPANIES = (
    FeaturedCompany(
        "Northwind Analytics", "northwind.test", industry="SaaS", city="San Francisco",
        country="US", mail_provider="google", email_pattern="{first}.{last}", employees=180,
    ),
    FeaturedCompany(
        "Bluebird Logistics", "bluebird.test", industry="Transportation & Logistics",
        city="Chicago", country="US", mail_provider="microsoft", email_pattern="{f}{last}",
        employees=950,
    ),
    FeaturedCompany(
        "Greyhaven Consulting", "greyhaven.test", industry="Management Consulting",
        city="London", country="GB", mail_provider="self", email_pattern="{first}.{last}",
        catch_all=True, employees=60,
    ),
)  # fmt: skip
DEMO_PEOPLE = (
    FeaturedPerson("Maya", "Patel", "VP of Sales", company=0),
    FeaturedPerson(
        "Leo", "Martin", "Head of Marketing", company=0, previous=(1, "Marketing Manager")
    ),
    FeaturedPerson("Sam", "Rivera", "CTO", company=2),
)


def demo_market(today: date | None = None) -> Population:
    """The small demo population (seed 7, 40 companies, 400 people) with memorable people.

    ``p000001`` is Maya Patel, VP of Sales at Northwind Analytics (``maya.patel@northwind.test``,
    Google mail); ``p000002`` Leo Martin, Head of Marketing there since a recent move from
    Bluebird Logistics (``lmartin@bluebird.test`` now bounces); ``p000003`` Sam Rivera, CTO
    of Greyhaven Consulting, whose mail server is catch-all.
    """
    return generate(
        7,
        companies=40,
        people=400,
        today=today or date.today(),
        featured_companies=DEMO_COMPANIES,
        featured_people=DEMO_PEOPLE,
    )


def bench_population(
    people: int = 5000, seed: int = 1234, *, companies: int | None = None, today: date | None = None
) -> Population:
    """A benchmark population: ``people`` people at ``people // 10`` companies by default."""
    return generate(
        seed,
        companies=companies or max(1, people // 10),
        people=people,
        today=today or date.today(),
    )
