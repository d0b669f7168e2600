"""The declarative mail worlds and the zone built from them (no servers started)."""

from __future__ import annotations

from collections import Counter

import pytest

from cleanlist_server.sandbox import Behaviour, Domain, MailWorld, MxHost, Status
from cleanlist_server.sandbox.running import build_zone
from cleanlist_server.sandbox.world import bench_world, default_world
from cleanlist_server.sandbox.zone import Rcode


def test_default_world_scripts_every_behaviour() -> None:
    hosts = default_world().mail_hosts().values()
    scripted = {
        "accept_all": any(b.accept_all for b in hosts),
        "greylist": any(b.greylist_seconds for b in hosts),
        "banner_delay": any(b.banner_delay for b in hosts),
        "reply_delay": any(b.reply_delay for b in hosts),
        "drop_after": any(b.drop_after for b in hosts),
        "busy": any(b.busy for b in hosts),
        "full": any(b.full_mailboxes for b in hosts),
        "disabled": any(b.disabled_mailboxes for b in hosts),
        "garbage": any(b.garbage for b in hosts),
        "down": any(b.down for b in hosts),
        "limit": any(b.max_recipients_per_session for b in hosts),
        "tls": any(b.require_starttls for b in hosts),
        "block": any(b.block for b in hosts),
    }
    assert all(scripted.values()), scripted


def test_default_world_documents_every_status() -> None:
    world = default_world()
    assert set(world.expectations().values()) == set(Status)
    assert all(d.note for d in world.domains)
    assert world.expectations()["jane@acme.test"] is Status.VALID
    assert world.expectations()["bob@full.test"] is Status.RISKY


def test_hosts_learn_the_domains_they_serve() -> None:
    shared = Behaviour(mailboxes={"jane"})
    world = MailWorld(
        [
            Domain("a.test", mx=(MxHost("mx.shared.test", 10, shared),)),
            Domain("b.test", mx=(MxHost("MX.shared.test", 10, shared),)),
            Domain("c.test", implicit_mx=Behaviour()),
        ]
    )
    hosts = world.mail_hosts()
    assert set(hosts) == {"mx.shared.test", "c.test"}
    assert hosts["mx.shared.test"].domains == {"a.test", "b.test"}
    assert hosts["c.test"].domains == {"c.test"}


def test_a_host_cannot_have_two_behaviours() -> None:
    world = MailWorld(
        [
            Domain("a.test", mx=(MxHost("mx.shared.test", 10, Behaviour()),)),
            Domain("b.test", mx=(MxHost("mx.shared.test", 10, Behaviour(busy=True)),)),
        ]
    )
    with pytest.raises(ValueError, match="two different behaviours"):
        world.mail_hosts()


def test_duplicate_domains_are_refused() -> None:
    world = MailWorld([Domain("a.test")])
    with pytest.raises(ValueError):
        world.add(Domain("A.test"))
    assert world.domain("A.TEST").name == "a.test"


def test_zone_of_the_default_world() -> None:
    world = default_world()
    names = sorted(world.mail_hosts())
    addresses = {name: f"127.99.0.{i + 1}" for i, name in enumerate(names)}
    zone = build_zone(world, addresses)
    mx = zone.lookup("acme.test", "MX").records
    assert sorted(str(r.data) for r in mx) == [
        str((10, "mx1.acme.test")),
        str((20, "mx2.acme.test")),
    ]
    assert [r.data for r in zone.lookup("mx1.acme.test", "A").records] == [
        addresses["mx1.acme.test"]
    ]
    assert zone.lookup("nomx.test", "MX").records == ()
    assert [r.data for r in zone.lookup("nomx.test", "A").records] == [addresses["nomx.test"]]
    assert [r.data for r in zone.lookup("nullmx.test", "MX").records] == [(0, "")]
    assert zone.lookup("nodomain.test", "MX").rcode is Rcode.NXDOMAIN
    assert zone.lookup("norecords.test", "MX").records == ()
    assert zone.lookup("norecords.test", "A").rcode is Rcode.NOERROR
    assert zone.lookup("dnstimeout.test", "MX").dropped
    assert zone.lookup("dnsservfail.test", "MX").rcode is Rcode.SERVFAIL
    assert zone.lookup("dnsrefused.test", "A").rcode is Rcode.REFUSED


def test_bench_world_ground_truth() -> None:
    world, truth = bench_world(domains=200, users_per_domain=50, seed=3)
    assert len(truth) == 10_000
    assert len({address for address, _ in truth}) == 10_000
    assert len(world.domains) == 200
    counts = Counter(status for _, status in truth)
    assert set(counts) == {"valid", "invalid", "catch-all", "risky", "unknown"}
    assert counts[Status.VALID] > 4000
    assert all(b.reply_delay == 0.02 for b in world.mail_hosts().values())


def test_bench_world_is_seeded() -> None:
    assert bench_world(20, 5, seed=9)[1] == bench_world(20, 5, seed=9)[1]
    assert bench_world(20, 5, seed=9)[1] != bench_world(20, 5, seed=10)[1]


def test_bench_truth_matches_the_scripts() -> None:
    world, truth = bench_world(domains=100, users_per_domain=10, seed=5)
    hosts = world.mail_hosts()
    for address, status in truth:
        domain = world.domain(address.rpartition("@")[2])
        if status is Status.VALID:
            behaviour = hosts[domain.mx[-1].name]
            assert address in behaviour.mailboxes and not behaviour.accept_all
        elif status is Status.CATCH_ALL:
            assert hosts[domain.mx[0].name].accept_all
        elif status is Status.RISKY:
            assert address in hosts[domain.mx[0].name].full_mailboxes
