"""The egress policy as pure rules: parsing, default deny, allowlist, deny-wins, host names."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections.abc import Sequence

import pytest

from cleanlist_server.net.egress import (
    DEFAULT_DENY,
    EgressDenied,
    EgressError,
    EgressPolicy,
    EgressResolutionError,
    EgressResolutionTimeout,
    HostPattern,
    parse_rule,
    system_resolver,
)

DEFAULT = EgressPolicy.from_strings(None, None)
LOOPBACK_ONLY = EgressPolicy.from_strings("127.0.0.0/8", None)


class FakeResolver:
    """Answers from a table and records every name it was asked for."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        return self.table.get(host, [])


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("10.0.0.0/8", ipaddress.ip_network("10.0.0.0/8")),
        (" 10.0.0.5 ", ipaddress.ip_network("10.0.0.5/32")),
        ("::1", ipaddress.ip_network("::1/128")),
        ("fd00::/8", ipaddress.ip_network("fd00::/8")),
        ("smtp.acme.test", HostPattern("smtp.acme.test")),
        ("SMTP.Acme.Test.", HostPattern("smtp.acme.test")),
        ("*.acme.test", HostPattern("acme.test", subdomains=True)),
        (".acme.test", HostPattern("acme.test", subdomains=True)),
        ("localhost", HostPattern("localhost")),
        ("xn--bcher-kva.example", HostPattern("xn--bcher-kva.example")),
    ],
)
def test_parse_rule(entry: str, expected: object) -> None:
    assert parse_rule(entry) == expected


@pytest.mark.parametrize(
    "entry",
    ["10.0.0.5/8", "10.0.0.0/33", "300.1.1.1", "fe80::zz", "*", "http://acme.test", "a b.test",
     "-bad.test", "acme..test", "*.", "smtp.acme.test:25", "bücher.example"],
)  # fmt: skip
def test_invalid_rule_names_the_entry(entry: str) -> None:
    with pytest.raises(ValueError, match="CLEANLIST_EGRESS_DENY") as info:
        EgressPolicy.from_strings("127.0.0.0/8", f"10.0.0.0/8, {entry}")
    assert repr(entry) in str(info.value)


def test_from_strings_is_whitespace_tolerant_and_skips_empty_entries() -> None:
    policy = EgressPolicy.from_strings(" 127.0.0.0/8 ,, ::1 ,", "  ")
    assert policy.allow == (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
    assert policy.deny == ()
    assert EgressPolicy.from_strings("", None) == DEFAULT


def test_invalid_allow_entry_names_the_allow_setting() -> None:
    with pytest.raises(ValueError, match=r"CLEANLIST_EGRESS_ALLOW: invalid egress rule '10\.1/8'"):
        EgressPolicy.from_strings("10.1/8", None)


# --- the default policy (empty ALLOW) ------------------------------------------------------


@pytest.mark.parametrize("network", DEFAULT_DENY, ids=str)
def test_default_policy_denies_every_default_range(network: ipaddress.IPv4Network) -> None:
    for address in (network.network_address, network.broadcast_address):
        assert not DEFAULT.is_allowed(str(address))


@pytest.mark.parametrize(
    "address",
    ["0.0.0.0", "10.1.2.3", "100.64.0.1", "127.0.0.1", "127.255.0.9", "169.254.169.254",
     "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.168.1.1", "198.18.0.1", "224.0.0.251",
     "240.0.0.1", "255.255.255.255", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1",
     "fe80::1%eth0", "ff02::1", "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
     "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "[::1]"],
)  # fmt: skip
def test_default_policy_denies_special_addresses(address: str) -> None:
    with pytest.raises(EgressDenied, match="denied by default rule"):
        DEFAULT.check_address(address)


@pytest.mark.parametrize(
    "address",
    ["93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
     "::ffff:93.184.216.34", "64:ff9b::808:808"],
)  # fmt: skip
def test_default_policy_allows_public_addresses(address: str) -> None:
    DEFAULT.check_address(address)
    assert DEFAULT.is_allowed(address, host="example.com")


def test_metadata_refusal_names_the_metadata_rule() -> None:
    with pytest.raises(EgressDenied) as info:
        DEFAULT.check_address("169.254.169.254", host="metadata.internal")
    denied = info.value
    assert (denied.host, denied.address, denied.rule) == (
        "metadata.internal",
        "169.254.169.254",
        "169.254.169.254/32",
    )
    assert str(denied).startswith("egress to 169.254.169.254 (host metadata.internal) denied by")
    assert "cloud metadata" in str(denied)


def test_mapped_ipv4_is_checked_as_ipv4() -> None:
    policy = EgressPolicy.from_strings(None, "93.184.216.0/24")
    assert not policy.is_allowed("::ffff:93.184.216.34")
    assert LOOPBACK_ONLY.is_allowed("::ffff:127.0.0.1")


def test_denied_is_an_oserror_and_a_permission_error() -> None:
    denied = DEFAULT.denial("10.0.0.1")
    assert isinstance(denied, PermissionError)
    assert isinstance(denied, EgressError)


# --- allowlist mode ------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.53", "::ffff:127.0.0.1"])
def test_loopback_allowlist_lifts_default_deny_for_loopback(address: str) -> None:
    LOOPBACK_ONLY.check_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "10.1.2.3", "169.254.169.254", "::1", "192.168.0.1", "8.8.8.8"]
)
def test_loopback_allowlist_denies_everything_else(address: str) -> None:
    with pytest.raises(EgressDenied, match="not in CLEANLIST_EGRESS_ALLOW") as info:
        LOOPBACK_ONLY.check_address(address, host="example.com")
    assert str(info.value) == (
        f"egress to {address} (host example.com) denied: not in CLEANLIST_EGRESS_ALLOW"
    )


def test_broad_allow_does_not_lift_default_deny() -> None:
    policy = EgressPolicy.from_strings("0.0.0.0/0, ::/0", None)
    assert policy.is_allowed("93.184.216.34")
    assert policy.is_allowed("2606:4700::1111")
    for address in ("10.0.0.1", "127.0.0.1", "169.254.169.254", "::1", "fe80::1"):
        assert not policy.is_allowed(address), address


def test_allow_inside_a_default_range_lifts_it_for_that_part_only() -> None:
    policy = EgressPolicy.from_strings("10.20.0.0/16, 169.254.0.0/16", None)
    assert policy.is_allowed("10.20.3.4")
    assert not policy.is_allowed("10.21.3.4")
    assert policy.is_allowed("169.254.169.254")


# --- deny wins -----------------------------------------------------------------------------


def test_explicit_deny_wins_over_allow() -> None:
    policy = EgressPolicy.from_strings("127.0.0.0/8", "127.0.0.99")
    assert policy.is_allowed("127.0.0.1")
    with pytest.raises(EgressDenied) as info:
        policy.check_address("127.0.0.99", host="sandbox.test")
    assert str(info.value) == (
        "egress to 127.0.0.99 (host sandbox.test) "
        "denied by CLEANLIST_EGRESS_DENY rule 127.0.0.99/32"
    )
    assert info.value.rule == "127.0.0.99/32"


def test_explicit_deny_in_default_mode() -> None:
    policy = EgressPolicy.from_strings(None, "93.184.216.0/24, *.tracker.test")
    assert not policy.is_allowed("93.184.216.34")
    assert policy.is_allowed("93.184.217.1")
    assert not policy.is_allowed("93.184.217.1", host="pixel.tracker.test")


def test_deny_host_wins_over_allow_host() -> None:
    policy = EgressPolicy.from_strings("*.acme.test", "smtp.acme.test")
    assert policy.is_allowed("10.0.0.5", host="www.acme.test")
    assert not policy.is_allowed("10.0.0.5", host="smtp.acme.test")


def test_deny_address_wins_over_allowed_name() -> None:
    policy = EgressPolicy.from_strings("smtp.acme.test", "10.9.0.0/16")
    assert policy.is_allowed("10.8.0.1", host="smtp.acme.test")
    assert not policy.is_allowed("10.9.0.1", host="smtp.acme.test")


# --- host-name rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("smtp.acme.test", "smtp.acme.test", True),
        ("smtp.acme.test", "SMTP.acme.test.", True),
        ("smtp.acme.test", "mx.smtp.acme.test", False),
        ("*.acme.test", "smtp.acme.test", True),
        ("*.acme.test", "a.b.acme.test", True),
        ("*.acme.test", "acme.test", False),
        ("*.acme.test", "evilacme.test", False),
        (".acme.test", "www.acme.test", True),
    ],
)
def test_host_pattern(pattern: str, host: str, matches: bool) -> None:
    rule = parse_rule(pattern)
    assert isinstance(rule, HostPattern)
    assert rule.matches(host) is matches


def test_allowed_name_authorizes_its_addresses_but_not_others() -> None:
    policy = EgressPolicy.from_strings("smtp.acme.test", None)
    assert policy.is_allowed("10.0.0.5", host="smtp.acme.test")
    assert not policy.is_allowed("10.0.0.5", host="www.acme.test")
    assert not policy.is_allowed("10.0.0.5")


def test_default_deny_applies_to_names_in_default_mode() -> None:
    assert not DEFAULT.is_allowed("10.0.0.5", host="intranet.acme.test")


def test_host_rules_do_not_match_ip_literal_hosts() -> None:
    policy = EgressPolicy.from_strings("localhost", None)
    assert not policy.is_allowed("127.0.0.1", host="127.0.0.1")


def test_check_host_refuses_denied_names_before_resolution() -> None:
    policy = EgressPolicy.from_strings(None, "*.evil.test")
    with pytest.raises(EgressDenied) as info:
        policy.check_host("a.evil.test")
    assert (
        str(info.value)
        == "egress to host a.evil.test denied by CLEANLIST_EGRESS_DENY rule *.evil.test"
    )
    assert info.value.address is None
    policy.check_host("good.test")


def test_check_host_refuses_names_a_names_only_allowlist_does_not_list() -> None:
    policy = EgressPolicy.from_strings("*.acme.test", None)
    policy.check_host("www.acme.test")
    with pytest.raises(EgressDenied, match="not in CLEANLIST_EGRESS_ALLOW"):
        policy.check_host("example.com")
    # With address rules in ALLOW, the name must be resolved before it can be judged.
    LOOPBACK_ONLY.check_host("example.com")


# --- resolve_and_check ---------------------------------------------------------------------


async def test_resolve_and_check_returns_allowed_addresses_in_order() -> None:
    resolver = FakeResolver({"sandbox.test": ["::1", "10.0.0.1", "127.0.0.2", "127.0.0.1"]})
    addresses = await LOOPBACK_ONLY.resolve_and_check("sandbox.test", 80, resolver=resolver)
    assert addresses == ["127.0.0.2", "127.0.0.1"]
    assert resolver.asked == ["sandbox.test"]


async def test_resolve_and_check_raises_when_no_address_is_allowed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    resolver = FakeResolver({"rebind.test": ["169.254.169.254", "10.0.0.1"]})
    with (
        caplog.at_level(logging.WARNING, logger="cleanlist.egress"),
        pytest.raises(EgressDenied) as info,
    ):
        await DEFAULT.resolve_and_check("rebind.test", 80, resolver=resolver)
    assert info.value.address == "169.254.169.254"
    assert info.value.host == "rebind.test"
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "host=rebind.test" in record.getMessage()
    assert "rule=169.254.169.254/32" in record.getMessage()


async def test_ip_literals_skip_resolution() -> None:
    resolver = FakeResolver({})
    assert await LOOPBACK_ONLY.resolve_and_check("127.0.0.1", 80, resolver=resolver) == [
        "127.0.0.1"
    ]
    assert await DEFAULT.resolve_and_check("[2606:4700::1111]", 443, resolver=resolver) == [
        "2606:4700::1111"
    ]
    with pytest.raises(EgressDenied):
        await DEFAULT.resolve_and_check("10.1.2.3", 80, resolver=resolver)
    assert resolver.asked == []


async def test_denied_names_are_never_resolved() -> None:
    resolver = FakeResolver({"x.evil.test": ["93.184.216.34"]})
    policy = EgressPolicy.from_strings(None, "*.evil.test")
    with pytest.raises(EgressDenied):
        await policy.resolve_and_check("x.evil.test", 80, resolver=resolver)
    assert resolver.asked == []


async def test_resolution_timeout_is_distinct_from_denial() -> None:
    async def hang(host: str, port: int) -> Sequence[str]:
        await asyncio.sleep(60)
        return []

    with pytest.raises(EgressResolutionTimeout) as info:
        await DEFAULT.resolve_and_check("slow.test", 80, resolver=hang, timeout=0.05)
    assert isinstance(info.value, TimeoutError)
    assert not isinstance(info.value, EgressDenied)
    assert info.value.host == "slow.test"


async def test_unresolvable_names_raise_resolution_error() -> None:
    async def fail(host: str, port: int) -> Sequence[str]:
        raise OSError("Name or service not known")

    with pytest.raises(EgressResolutionError, match=r"could not resolve nx\.test"):
        await DEFAULT.resolve_and_check("nx.test", 80, resolver=fail)
    with pytest.raises(EgressResolutionError, match="resolved to no address"):
        await DEFAULT.resolve_and_check("empty.test", 80, resolver=FakeResolver({}))


async def test_system_resolver_answers_localhost_itself() -> None:
    assert await system_resolver("localhost", 80) == ["127.0.0.1", "::1"]
    assert await system_resolver("api.localhost", 80) == ["127.0.0.1", "::1"]
    assert await LOOPBACK_ONLY.resolve_and_check("LocalHost.", 80) == ["127.0.0.1"]


def test_resolve_and_check_sync_honours_the_deadline() -> None:
    def hang(host: str, port: int) -> Sequence[str]:
        time.sleep(0.5)
        return ["93.184.216.34"]

    with pytest.raises(EgressResolutionTimeout):
        DEFAULT.resolve_and_check_sync("slow.test", 80, resolver=hang, timeout=0.05)
    assert DEFAULT.resolve_and_check_sync(
        "ok.test", 80, resolver=lambda h, p: ["10.0.0.1", "93.184.216.34"]
    ) == ["93.184.216.34"]
