"""Loopback address allocation (the binding check is injected; see the integration tests)."""

from __future__ import annotations

import ipaddress
import random

import pytest

from cleanlist_server.sandbox import addresses
from cleanlist_server.sandbox.addresses import AllocationError, allocate, is_loopback


def test_random_addresses_stay_in_the_private_part_of_loopback() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        address = ipaddress.IPv4Address(addresses.random_address(rng))
        assert address in ipaddress.IPv4Network("127.0.0.0/8")
        assert address not in ipaddress.IPv4Network("127.0.0.0/24")
        octets = str(address).split(".")
        assert 16 <= int(octets[1]) <= 250 and 1 <= int(octets[3]) <= 250


@pytest.mark.parametrize(
    ("address", "expected"),
    [("127.0.0.1", True), ("127.200.3.4", True), ("10.0.0.1", False), ("::1", False), ("x", False)],
)
def test_is_loopback(address: str, expected: bool) -> None:
    assert is_loopback(address) is expected


def test_allocate_returns_distinct_addresses_that_passed_the_probe() -> None:
    probed: list[tuple[str, int]] = []

    def probe(address: str, port: int) -> bool:
        probed.append((address, port))
        return True

    chosen = allocate(50, port=25, rng=random.Random(1), probe=probe)
    assert len(chosen) == len(set(chosen)) == 50
    assert all(port == 25 for _, port in probed)
    assert all(is_loopback(a) for a in chosen)


def test_allocate_skips_addresses_the_probe_refuses() -> None:
    taken: set[str] = set()

    def probe(address: str, port: int) -> bool:
        if len(taken) < 5:
            taken.add(address)
            return False
        return True

    chosen = allocate(3, rng=random.Random(2), probe=probe)
    assert not taken & set(chosen)


def test_allocate_gives_up_when_nothing_is_free() -> None:
    with pytest.raises(AllocationError):
        allocate(2, probe=lambda address, port: False)


@pytest.mark.parametrize("address", ["10.0.0.1", "0.0.0.0", "192.168.1.1"])
def test_nothing_binds_outside_loopback(address: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        addresses.free_port(address)
    with pytest.raises(ValueError, match="loopback"):
        addresses.can_bind(address, 25)


def test_common_free_port_needs_addresses() -> None:
    with pytest.raises(ValueError):
        addresses.common_free_port([])
