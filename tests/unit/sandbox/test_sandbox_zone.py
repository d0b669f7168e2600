"""The sandbox DNS zone model: what an authoritative server answers, without sockets."""

from __future__ import annotations

import threading

import pytest

from cleanlist_server.sandbox.zone import Fault, Rcode, Soa, Zone, apex, normalize


@pytest.fixture
def zone() -> Zone:
    z = Zone(ttl=300, negative_ttl=60)
    z.add_mx("acme.test", [(20, "MX2.acme.test."), (10, "mx1.acme.test")])
    z.add_a("mx1.acme.test", "127.66.1.2")
    z.add_aaaa("mx1.acme.test", "::1")
    z.add_txt("acme.test", "v=spf1 mx -all")
    z.add_null_mx("nullmx.test")
    z.add_cname("www.acme.test", "web.acme.test")
    z.add_a("web.acme.test", "127.66.1.3")
    return z


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Acme.TEST.", "acme.test"), (" mx1.acme.test ", "mx1.acme.test"), ("x", "x")],
)
def test_names_are_normalized(name: str, expected: str) -> None:
    assert normalize(name) == expected


@pytest.mark.parametrize(
    ("name", "origin"),
    [("acme.test", "acme.test"), ("mx1.eu.acme.test", "acme.test"), ("test", "test")],
)
def test_apex_is_the_last_two_labels(name: str, origin: str) -> None:
    assert apex(name) == origin


def test_mx_records_keep_preferences_and_ttl(zone: Zone) -> None:
    answer = zone.lookup("ACME.test.", "mx")
    assert answer.rcode is Rcode.NOERROR
    assert sorted(str(r.data) for r in answer.records) == [
        str((10, "mx1.acme.test")),
        str((20, "mx2.acme.test")),
    ]
    assert {r.ttl for r in answer.records} == {300}
    assert answer.authority == ()


@pytest.mark.parametrize(
    ("name", "qtype", "data"),
    [
        ("mx1.acme.test", "A", ["127.66.1.2"]),
        ("mx1.acme.test", "AAAA", ["::1"]),
        ("acme.test", "TXT", ["v=spf1 mx -all"]),
        ("nullmx.test", "MX", [(0, "")]),
    ],
)
def test_records_by_type(zone: Zone, name: str, qtype: str, data: list[object]) -> None:
    assert [r.data for r in zone.lookup(name, qtype).records] == data


def test_unknown_name_is_nxdomain_with_soa(zone: Zone) -> None:
    answer = zone.lookup("nodomain.test", "MX")
    assert answer.rcode is Rcode.NXDOMAIN
    assert answer.records == ()
    (soa,) = answer.authority
    assert soa.rtype == "SOA" and soa.name == "nodomain.test" and soa.ttl == 60
    assert isinstance(soa.data, Soa) and soa.data.minimum == 60


def test_known_name_without_the_type_is_nodata_with_soa(zone: Zone) -> None:
    answer = zone.lookup("mx1.acme.test", "MX")
    assert answer.rcode is Rcode.NOERROR
    assert answer.records == ()
    assert [r.rtype for r in answer.authority] == ["SOA"]


def test_empty_non_terminal_is_nodata_not_nxdomain(zone: Zone) -> None:
    zone.add_a("mx1.eu.corp.test", "127.66.1.9")
    assert zone.lookup("eu.corp.test", "A").rcode is Rcode.NOERROR


def test_cname_is_followed_inside_the_zone(zone: Zone) -> None:
    answer = zone.lookup("www.acme.test", "A")
    assert [(r.rtype, r.data) for r in answer.records] == [
        ("CNAME", "web.acme.test"),
        ("A", "127.66.1.3"),
    ]
    assert [r.rtype for r in zone.lookup("www.acme.test", "CNAME").records] == ["CNAME"]


def test_cname_loop_is_servfail(zone: Zone) -> None:
    zone.add_cname("a.loop.test", "b.loop.test")
    zone.add_cname("b.loop.test", "a.loop.test")
    assert zone.lookup("a.loop.test", "A").rcode is Rcode.SERVFAIL


@pytest.mark.parametrize(
    ("fault", "rcode", "dropped"),
    [
        (Fault.TIMEOUT, Rcode.SERVFAIL, True),
        (Fault.SERVFAIL, Rcode.SERVFAIL, False),
        (Fault.REFUSED, Rcode.REFUSED, False),
    ],
)
def test_faults(zone: Zone, fault: Fault, rcode: Rcode, dropped: bool) -> None:
    zone.set_fault("acme.test", fault)
    answer = zone.lookup("acme.test", "MX")
    assert (answer.rcode, answer.dropped, answer.records) == (rcode, dropped, ())


def test_fault_limited_to_some_types(zone: Zone) -> None:
    zone.set_fault("acme.test", "timeout", qtypes=["mx"])
    assert zone.lookup("acme.test", "MX").dropped
    assert zone.lookup("acme.test", "TXT").records
    zone.set_fault("acme.test", None)
    assert not zone.lookup("acme.test", "MX").dropped


def test_fault_on_unknown_name_makes_it_exist(zone: Zone) -> None:
    zone.set_fault("dnstimeout.test", Fault.TIMEOUT)
    assert zone.lookup("dnstimeout.test", "A").dropped


def test_remove_clear_and_per_name_ttl(zone: Zone) -> None:
    zone.add_name("short.test", ttl=5)
    zone.add_a("short.test", "127.66.1.4")
    assert zone.lookup("short.test", "A").records[0].ttl == 5
    zone.clear("nullmx.test")
    assert zone.lookup("nullmx.test", "MX").rcode is Rcode.NOERROR
    assert zone.lookup("nullmx.test", "MX").records == ()
    zone.remove("nullmx.test")
    assert zone.lookup("nullmx.test", "MX").rcode is Rcode.NXDOMAIN
    assert "nullmx.test" not in zone.names()


def test_soa_query_at_the_apex(zone: Zone) -> None:
    assert [r.rtype for r in zone.lookup("acme.test", "SOA").records] == ["SOA"]


def test_any_returns_every_type(zone: Zone) -> None:
    assert {r.rtype for r in zone.lookup("acme.test", "ANY").records} == {"MX", "TXT"}


def test_concurrent_edits_and_lookups_are_safe() -> None:
    zone = Zone()

    def writer(start: int) -> None:
        for i in range(start, start + 200):
            zone.add_a(f"h{i}.test", "127.66.0.1")
            zone.lookup(f"h{i}.test", "A")

    threads = [threading.Thread(target=writer, args=(n * 200,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(zone.names()) == 800
