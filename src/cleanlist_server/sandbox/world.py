"""Ready-made mail worlds: ``default_world()`` for tests and the demo, ``bench_world()`` for load.

Each domain of the default world scripts one behaviour and documents, in ``Domain.expected``,
the status a correct verifier reaches (see docs/sandbox.md for the table and the rules).

    with start_world(default_world()) as world:
        os.environ.update(world.env())
"""

from __future__ import annotations

import random
from dataclasses import replace

from .behaviour import Behaviour
from .model import Domain, MailWorld, MxHost, Status
from .running import RunningWorld, start_world
from .zone import Fault

__all__ = [
    "Domain",
    "MailWorld",
    "MxHost",
    "RunningWorld",
    "Status",
    "bench_world",
    "default_world",
    "start_world",
]

V, X, C, R, U = Status.VALID, Status.INVALID, Status.CATCH_ALL, Status.RISKY, Status.UNKNOWN
TARPIT_SECONDS = 60.0
GREYLIST_SECONDS = 300.0


def _one(domain: str, behaviour: Behaviour) -> tuple[MxHost, ...]:
    return (MxHost(f"mx1.{domain}", 10, behaviour),)


def _expect(domain: str, **by_local: Status) -> dict[str, Status]:
    return {f"{local}@{domain}": status for local, status in by_local.items()}


def default_world() -> MailWorld:
    """One memorable domain per scripted behaviour (the table in docs/sandbox.md)."""
    people = frozenset({"jane", "bob"})
    ok = Behaviour(mailboxes=people | {"info"})
    down = Behaviour(down=True)
    domains = [
        Domain(
            "acme.test",
            mx=(MxHost("mx1.acme.test", 10, ok), MxHost("mx2.acme.test", 20, ok)),
            txt=("v=spf1 mx -all",),
            note="rejects unknown users (550 5.1.1); jane, bob and info exist",
            expected=_expect("acme.test", jane=V, bob=V, nobody=X, info=Status.ROLE_BASED),
        ),
        Domain(
            "catchall.test",
            mx=_one("catchall.test", Behaviour(accept_all=True)),
            note="accepts every recipient (250 2.1.5)",
            expected=_expect("catchall.test", jane=C, anyone=C, sales=Status.ROLE_BASED),
        ),
        Domain(
            "greylist.test",
            mx=_one(
                "greylist.test", Behaviour(mailboxes=people, greylist_seconds=GREYLIST_SECONDS)
            ),
            note=f"451 4.7.1 greylisting for {GREYLIST_SECONDS:.0f} s per (client, recipient)",
            expected=_expect("greylist.test", jane=U, nosuchuser=U),
        ),
        Domain(
            "tarpit.test",
            mx=_one("tarpit.test", Behaviour(mailboxes=people, banner_delay=TARPIT_SECONDS)),
            note=f"greets only after {TARPIT_SECONDS:.0f} s",
            expected=_expect("tarpit.test", jane=U),
        ),
        Domain(
            "slow.test",
            mx=_one("slow.test", Behaviour(mailboxes=people, reply_delay=0.2)),
            note="answers every command after 0.2 s, but answers",
            expected=_expect("slow.test", jane=V, nobody=X),
        ),
        Domain(
            "dropper.test",
            mx=_one("dropper.test", Behaviour(mailboxes=people, drop_after="rcpt")),
            note="hangs up in the middle of RCPT TO",
            expected=_expect("dropper.test", jane=U),
        ),
        Domain(
            "busy.test",
            mx=_one("busy.test", Behaviour(mailboxes=people, busy=True)),
            note="421 4.7.0 too many connections at connect",
            expected=_expect("busy.test", jane=U),
        ),
        Domain(
            "full.test",
            mx=_one("full.test", Behaviour(mailboxes=people, full_mailboxes={"bob"})),
            note="bob's mailbox is full (552 5.2.2); jane is fine",
            expected=_expect("full.test", jane=V, bob=R, nobody=X),
        ),
        Domain(
            "disabled.test",
            mx=_one("disabled.test", Behaviour(mailboxes=people, disabled_mailboxes={"carol"})),
            note="carol's mailbox is disabled (550 5.2.1)",
            expected=_expect("disabled.test", jane=V, carol=R, nobody=X),
        ),
        Domain(
            "downmx.test",
            mx=(
                MxHost("mx1.downmx.test", 10, down),
                MxHost("mx2.downmx.test", 20, Behaviour(mailboxes=people)),
            ),
            note="primary MX refuses connections; the secondary works",
            expected=_expect("downmx.test", jane=V, nobody=X),
        ),
        Domain(
            "alldown.test",
            mx=(MxHost("mx1.alldown.test", 10, down), MxHost("mx2.alldown.test", 20, down)),
            note="every MX refuses connections",
            expected=_expect("alldown.test", jane=U),
        ),
        Domain(
            "nomx.test",
            implicit_mx=Behaviour(mailboxes=people),
            note="no MX, an A record: the domain itself is the mail host (implicit MX)",
            expected=_expect("nomx.test", jane=V, nobody=X),
        ),
        Domain(
            "nullmx.test",
            null_mx=True,
            note="null MX (MX 0 .): accepts no mail",
            expected=_expect("nullmx.test", jane=X),
        ),
        Domain(
            "nodomain.test",
            exists=False,
            note="NXDOMAIN",
            expected=_expect("nodomain.test", jane=X),
        ),
        Domain(
            "norecords.test",
            txt=("v=spf1 -all",),
            note="exists (TXT only) but has no MX, A or AAAA: no mail route",
            expected=_expect("norecords.test", jane=X),
        ),
        Domain(
            "dnstimeout.test",
            dns_fault=Fault.TIMEOUT,
            note="the DNS server never answers for this name",
            expected=_expect("dnstimeout.test", jane=U),
        ),
        Domain(
            "dnsservfail.test",
            dns_fault=Fault.SERVFAIL,
            note="SERVFAIL for every query",
            expected=_expect("dnsservfail.test", jane=U),
        ),
        Domain(
            "dnsrefused.test",
            dns_fault=Fault.REFUSED,
            note="REFUSED for every query",
            expected=_expect("dnsrefused.test", jane=U),
        ),
        Domain(
            "garbage.test",
            mx=_one("garbage.test", Behaviour(garbage=True)),
            note="the MX speaks something else (an SSH banner and binary bytes)",
            expected=_expect("garbage.test", jane=U),
        ),
        Domain(
            "blocked.test",
            mx=_one("blocked.test", Behaviour(mailboxes=people, block=True)),
            note="554 5.7.1 client host blocked, at RCPT",
            expected=_expect("blocked.test", jane=U, nosuchuser=U),
        ),
        Domain(
            "blocked-connect.test",
            mx=_one("blocked-connect.test", Behaviour(block=True, block_stage="connect")),
            note="554 5.7.1 client host blocked, as the greeting",
            expected=_expect("blocked-connect.test", jane=U),
        ),
        Domain(
            "tls.test",
            mx=_one("tls.test", Behaviour(mailboxes=people, require_starttls=True)),
            note="requires STARTTLS (530 5.7.0 before it); certificate from the sandbox CA",
            expected=_expect("tls.test", jane=V, nobody=X),
        ),
        Domain(
            "limit.test",
            mx=_one("limit.test", Behaviour(mailboxes=people, max_recipients_per_session=2)),
            note="452 4.5.3 after 2 RCPTs on one connection",
            expected=_expect("limit.test", jane=V, bob=V, nobody=X),
        ),
        Domain(
            "mailinator.com",
            mx=_one("mailinator.com", Behaviour(accept_all=True)),
            note="a disposable-mail domain (only inside the sandbox DNS)",
            expected=_expect("mailinator.com", jane=Status.DISPOSABLE),
        ),
    ]
    return MailWorld(domains)


_FIRST = ("ana", "ben", "carla", "dmitri", "emma", "farid", "grace", "hiro", "ines", "jonas")
_LAST = ("smith", "garcia", "novak", "okafor", "larsen", "tanaka", "silva", "moreau", "rossi")
# kind -> share of the bench domains
_BENCH_KINDS = {
    "normal": 0.55,
    "two_mx": 0.08,
    "shared": 0.10,
    "primary_down": 0.03,
    "catch_all": 0.10,
    "full": 0.05,
    "greylist": 0.03,
    "all_down": 0.02,
    "busy": 0.02,
    "null_mx": 0.01,
    "nxdomain": 0.01,
}
_SHARED_HOSTS = ("mx1.mailhost-a.test", "mx2.mailhost-a.test")


def _bench_kinds(n: int, rng: random.Random) -> list[str]:
    kinds = [k for k, share in _BENCH_KINDS.items() for _ in range(round(share * n))]
    kinds = (kinds + ["normal"] * n)[:n]
    rng.shuffle(kinds)
    return kinds


def _locals(n: int, rng: random.Random) -> list[str]:
    names = [f"{f}.{last}" for f in _FIRST for last in _LAST]
    rng.shuffle(names)
    return [
        names[i % len(names)] + (str(i // len(names)) if i >= len(names) else "") for i in range(n)
    ]


def bench_world(
    domains: int = 200, users_per_domain: int = 50, reply_delay: float = 0.02, seed: int = 1234
) -> tuple[MailWorld, list[tuple[str, Status]]]:
    """A seeded world of ``domains`` domains and its ground truth, one (address, status) per user.

    Statuses are valid, invalid, catch-all, risky and unknown only (no role or disposable
    addresses). Every mail host answers after ``reply_delay`` seconds.
    """
    rng = random.Random(seed)
    world, truth = MailWorld(), []
    base = Behaviour(reply_delay=reply_delay)
    shared: set[str] = set()
    shared_domains: list[tuple[str, list[str]]] = []
    for index, kind in enumerate(_bench_kinds(domains, rng)):
        name = f"co{index:04d}.test"
        users = [f"{local}@{name}" for local in _locals(users_per_domain, rng)]
        exists = [rng.random() < 0.7 for _ in users]
        full = {u for u, e in zip(users, exists, strict=True) if e and rng.random() < 0.3}
        mailboxes = {u for u, e in zip(users, exists, strict=True) if e}
        truth += [
            (u, _bench_status(kind, e, u in full)) for u, e in zip(users, exists, strict=True)
        ]
        b = replace(base, mailboxes=mailboxes, full_mailboxes=full if kind == "full" else set())
        if kind == "shared":
            shared |= mailboxes
            shared_domains.append((name, users))
            continue
        world.add(_bench_domain(name, kind, b))
    shared_b = replace(base, mailboxes=shared)
    for name, _users in shared_domains:
        hosts = tuple(MxHost(h, 10 * (i + 1), shared_b) for i, h in enumerate(_SHARED_HOSTS))
        world.add(Domain(name, mx=hosts))
    return world, truth


def _bench_status(kind: str, exists: bool, full: bool) -> Status:
    if kind in ("greylist", "all_down", "busy"):
        return U
    if kind in ("null_mx", "nxdomain"):
        return X
    if kind == "catch_all":
        return C
    if kind == "full" and full:
        return R
    return V if exists else X


def _bench_domain(name: str, kind: str, b: Behaviour) -> Domain:
    mx1, mx2 = f"mx1.{name}", f"mx2.{name}"
    down = replace(b, down=True)
    if kind == "null_mx":
        return Domain(name, null_mx=True)
    if kind == "nxdomain":
        return Domain(name, exists=False)
    if kind == "two_mx":
        return Domain(name, mx=(MxHost(mx1, 10, b), MxHost(mx2, 20, b)))
    if kind == "primary_down":
        return Domain(name, mx=(MxHost(mx1, 10, down), MxHost(mx2, 20, b)))
    if kind == "all_down":
        return Domain(name, mx=(MxHost(mx1, 10, down), MxHost(mx2, 20, down)))
    scripted = {
        "catch_all": replace(b, accept_all=True),
        "greylist": replace(b, greylist_seconds=3600.0),
        "busy": replace(b, busy=True),
    }
    return Domain(name, mx=(MxHost(mx1, 10, scripted.get(kind, b)),))
