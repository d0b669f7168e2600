"""The sandbox's DNS and SMTP servers, spoken to with real clients over loopback only."""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator

import aiosmtplib
import dns.asyncquery
import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.resolver
import pytest

from cleanlist_server.sandbox import (
    Behaviour,
    RunningWorld,
    SandboxDNS,
    SandboxSMTP,
    allocate,
    bench_world,
    default_world,
    start_world,
)
from cleanlist_server.sandbox.addresses import (
    can_bind,
    choose_smtp_port,
    common_free_port,
    is_root,
)

PROBE_FROM = "probe@verifier.test"


@pytest.fixture(scope="module")
def world() -> Iterator[RunningWorld]:
    with start_world(default_world()) as running:
        yield running


@pytest.fixture
def resolver(world: RunningWorld) -> dns.asyncresolver.Resolver:
    return _resolver(world.dns.host, world.dns.port)


def _resolver(host: str, port: int, lifetime: float = 2.0) -> dns.asyncresolver.Resolver:
    r = dns.asyncresolver.Resolver(configure=False)
    r.nameservers = [host]
    r.port = port
    r.lifetime = lifetime
    r.timeout = lifetime
    return r


def _fresh_stats(world: RunningWorld) -> None:
    assert world.smtp.wait_idle()
    world.smtp.reset_stats()


def _connect(world: RunningWorld, host: str, timeout: float = 5.0) -> smtplib.SMTP:
    return smtplib.SMTP(world.address_of(host), world.smtp_port, timeout=timeout)


def _probe(world: RunningWorld, host: str, *recipients: str) -> list[tuple[int, bytes]]:
    with _connect(world, host) as client:
        client.ehlo("verifier.test")
        client.mail(PROBE_FROM)
        return [client.rcpt(r) for r in recipients]


@pytest.fixture
def host() -> Iterator[Callable[..., tuple[str, int, SandboxSMTP]]]:
    """Start a one-host SandboxSMTP with the given behaviour fields, on an ephemeral port."""
    started: list[SandboxSMTP] = []

    def make(**fields: object) -> tuple[str, int, SandboxSMTP]:
        (address,) = allocate(1)
        server = SandboxSMTP(port=0)
        server.add_host(address, Behaviour(**fields), hostname="mx.custom.test")  # type: ignore[arg-type]
        started.append(server)
        return address, server.start(), server

    yield make
    for server in started:
        server.stop()


# -- addresses --------------------------------------------------------------------------------


def test_allocated_addresses_are_bindable_loopback() -> None:
    chosen = allocate(20)
    assert len(set(chosen)) == 20
    assert all(a.startswith("127.") and not a.startswith("127.0.0.") for a in chosen)
    port = common_free_port(chosen)
    assert all(can_bind(a, port) for a in chosen)


def test_smtp_port_is_25_as_root_else_shared_ephemeral() -> None:
    chosen = allocate(3)
    port = choose_smtp_port(chosen)
    assert port == 25 if is_root() else port >= 1024
    assert choose_smtp_port(chosen, 0) >= 1024
    with socket.socket() as held:
        held.bind((chosen[0], 0))
        held.listen()
        assert not can_bind(chosen[0], held.getsockname()[1])


# -- DNS --------------------------------------------------------------------------------------


async def test_mx_records_point_at_allocated_hosts(
    world: RunningWorld, resolver: dns.asyncresolver.Resolver
) -> None:
    answer = await resolver.resolve("ACME.test", "MX")
    assert sorted((r.preference, r.exchange.to_text()) for r in answer) == [
        (10, "mx1.acme.test."),
        (20, "mx2.acme.test."),
    ]
    assert answer.rrset is not None and answer.rrset.ttl == 300
    a = await resolver.resolve("mx1.acme.test", "A")
    assert [r.address for r in a] == [world.address_of("mx1.acme.test")]


async def test_implicit_mx_and_null_mx(
    world: RunningWorld, resolver: dns.asyncresolver.Resolver
) -> None:
    with pytest.raises(dns.resolver.NoAnswer):
        await resolver.resolve("nomx.test", "MX")
    a = await resolver.resolve("nomx.test", "A")
    assert [r.address for r in a] == [world.address_of("nomx.test")]
    null = await resolver.resolve("nullmx.test", "MX")
    assert [(r.preference, r.exchange) for r in null] == [(0, dns.name.root)]


async def test_nxdomain_and_nodata_carry_the_soa(world: RunningWorld) -> None:
    for name, rcode in (
        ("nodomain.test", dns.rcode.NXDOMAIN),
        ("norecords.test", dns.rcode.NOERROR),
    ):
        query = dns.message.make_query(name, "MX")
        reply = await dns.asyncquery.udp(query, world.dns.host, port=world.dns.port, timeout=2)
        assert reply.rcode() == rcode
        assert reply.answer == []
        assert [rrset.rdtype for rrset in reply.authority] == [dns.rdatatype.SOA]


async def test_dns_faults(resolver: dns.asyncresolver.Resolver) -> None:
    resolver.lifetime = resolver.timeout = 0.3
    with pytest.raises(dns.exception.Timeout):
        await resolver.resolve("dnstimeout.test", "MX")
    for name in ("dnsservfail.test", "dnsrefused.test"):
        with pytest.raises(dns.resolver.NoNameservers):
            await resolver.resolve(name, "MX")


async def test_rcodes_on_the_wire(world: RunningWorld) -> None:
    for name, rcode in (
        ("dnsservfail.test", dns.rcode.SERVFAIL),
        ("dnsrefused.test", dns.rcode.REFUSED),
    ):
        reply = await dns.asyncquery.udp(
            dns.message.make_query(name, "A"), world.dns.host, port=world.dns.port, timeout=2
        )
        assert reply.rcode() == rcode


async def test_tcp_queries_and_tcp_timeout() -> None:
    with SandboxDNS() as server:
        server.zone.add_mx("acme.test", [(10, "mx1.acme.test")])
        server.zone.set_fault("slow.test", "timeout")
        query = dns.message.make_query("acme.test", "MX")
        reply = await dns.asyncquery.tcp(query, server.host, port=server.port, timeout=2)
        assert reply.answer[0][0].exchange.to_text() == "mx1.acme.test."
        with pytest.raises(dns.exception.Timeout):
            await dns.asyncquery.tcp(
                dns.message.make_query("slow.test", "MX"),
                server.host,
                port=server.port,
                timeout=0.3,
            )


async def test_query_counters_and_live_zone_changes() -> None:
    with SandboxDNS() as server:
        resolver = _resolver(server.host, server.port)
        server.zone.add_a("mx.new.test", "127.66.7.7")
        for _ in range(3):
            await resolver.resolve("MX.new.test", "A")
        with pytest.raises(dns.resolver.NXDOMAIN):
            await resolver.resolve("later.test", "MX")
        server.zone.add_mx("later.test", [(5, "mx.new.test")])
        assert [r.preference for r in await resolver.resolve("later.test", "MX")] == [5]
        assert server.queries("mx.new.test", "A") == 3
        assert server.queries("later.test") == 2
        assert server.queries() == 5
        assert server.query_counts()[("later.test", "MX")] == 2
        server.reset_counters()
        assert server.queries() == 0


async def test_dns_answers_thousands_of_queries_per_second() -> None:
    with SandboxDNS() as server:
        server.zone.add_mx("acme.test", [(10, "mx1.acme.test")])
        query = dns.message.make_query("acme.test", "MX").to_wire()
        count = 3000
        started = time.perf_counter()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(2)
            for _ in range(count):
                sock.sendto(query, (server.host, server.port))
                sock.recv(512)
        rate = count / (time.perf_counter() - started)
        assert server.queries("acme.test", "MX") == count
        assert rate > 1000, rate


# -- SMTP: a well-behaved host ----------------------------------------------------------------


def test_ehlo_advertises_realistic_extensions(world: RunningWorld) -> None:
    with _connect(world, "mx1.acme.test") as client:
        code, banner = client.ehlo("verifier.test")
        assert code == 250
        assert banner.splitlines()[0] == b"mx1.acme.test"
        for ext in ("pipelining", "size", "8bitmime", "enhancedstatuscodes"):
            assert client.has_extn(ext)
        assert not client.has_extn("starttls")


def test_known_and_unknown_users_share_one_session(world: RunningWorld) -> None:
    _fresh_stats(world)
    replies = _probe(world, "mx1.acme.test", "jane@acme.test", "bob@acme.test", "nobody@acme.test")
    assert [code for code, _ in replies] == [250, 250, 550]
    assert replies[2][1].startswith(b"5.1.1 <nobody@acme.test>: Recipient address rejected")
    assert world.smtp.wait_idle()
    stats = world.stats("mx1.acme.test")
    assert (stats.connections, stats.sessions, stats.rcpt_count) == (1, 1, 3)
    assert stats.ehlo_names == ["verifier.test"]
    assert stats.mail_from == [PROBE_FROM]
    assert stats.recipients_per_connection == [3]
    assert stats.quit_count == 1


def test_helo_rset_noop_and_refused_data(world: RunningWorld) -> None:
    _fresh_stats(world)
    with _connect(world, "mx2.acme.test") as client:
        assert client.helo("old.verifier.test")[0] == 250
        assert client.mail(PROBE_FROM)[0] == 250
        assert client.rcpt("jane@acme.test")[0] == 250
        assert client.rset()[0] == 250
        assert client.noop()[0] == 250
        assert client.mail(PROBE_FROM)[0] == 250
        assert client.rcpt("jane@acme.test")[0] == 250
        code, _ = client.docmd("DATA")
        assert code == 554
    assert world.smtp.wait_idle()
    stats = world.stats("mx2.acme.test")
    assert stats.helo_names == ["old.verifier.test"]
    assert (stats.rset_count, stats.data_count, len(stats.mail_from)) == (1, 1, 2)


def test_relay_for_foreign_domains_is_denied(world: RunningWorld) -> None:
    ((code, text),) = _probe(world, "mx1.acme.test", "jane@elsewhere.test")
    assert code == 554 and b"Relay access denied" in text


def test_commands_out_of_order(world: RunningWorld) -> None:
    with _connect(world, "mx1.acme.test") as client:
        assert client.docmd("MAIL", f"FROM:<{PROBE_FROM}>")[0] == 503
        client.ehlo("verifier.test")
        assert client.docmd("RCPT", "TO:<jane@acme.test>")[0] == 503


@pytest.mark.parametrize(
    ("host", "address", "code", "enhanced"),
    [
        ("mx1.catchall.test", "x9q2z7@catchall.test", 250, b"2.1.5"),
        ("mx1.full.test", "bob@full.test", 552, b"5.2.2"),
        ("mx1.full.test", "jane@full.test", 250, b"2.1.5"),
        ("mx1.disabled.test", "carol@disabled.test", 550, b"5.2.1"),
        ("mx1.greylist.test", "jane@greylist.test", 451, b"4.7.1"),
        ("mx1.blocked.test", "jane@blocked.test", 554, b"5.7.1"),
        ("mx2.downmx.test", "jane@downmx.test", 250, b"2.1.5"),
        ("nomx.test", "jane@nomx.test", 250, b"2.1.5"),
        ("nomx.test", "nobody@nomx.test", 550, b"5.1.1"),
        ("mx1.slow.test", "jane@slow.test", 250, b"2.1.5"),
    ],
)
def test_recipient_replies(
    world: RunningWorld, host: str, address: str, code: int, enhanced: bytes
) -> None:
    ((got, text),) = _probe(world, host, address)
    assert (got, text.split()[0]) == (code, enhanced)


def test_block_text_names_the_client(world: RunningWorld) -> None:
    ((_, text),) = _probe(world, "mx1.blocked.test", "jane@blocked.test")
    assert b"Service unavailable; client host [127.0.0.1] blocked" in text


def test_recipient_limit_per_session(world: RunningWorld) -> None:
    replies = _probe(world, "mx1.limit.test", "jane@limit.test", "bob@limit.test", "x@limit.test")
    assert [code for code, _ in replies] == [250, 250, 452]


# -- SMTP: hosts that misbehave ---------------------------------------------------------------


def test_down_hosts_refuse_connections(world: RunningWorld) -> None:
    for host in ("mx1.downmx.test", "mx1.alldown.test", "mx2.alldown.test"):
        with pytest.raises(ConnectionRefusedError):
            _connect(world, host, timeout=2)


def test_busy_host_says_421_at_connect(world: RunningWorld) -> None:
    with pytest.raises(smtplib.SMTPConnectError) as caught:
        _connect(world, "mx1.busy.test")
    assert caught.value.smtp_code == 421
    assert world.stats("mx1.busy.test").refused_busy >= 1


def test_blocked_at_connect(world: RunningWorld) -> None:
    with pytest.raises(smtplib.SMTPConnectError) as caught:
        _connect(world, "mx1.blocked-connect.test")
    assert caught.value.smtp_code == 554


def test_garbage_host(world: RunningWorld) -> None:
    address = world.address_of("mx1.garbage.test")
    with socket.create_connection((address, world.smtp_port), timeout=2) as sock:
        first = sock.recv(1024)
        assert first.startswith(b"SSH-2.0-")
        sock.sendall(b"EHLO verifier.test\r\n")
        rest = b""
        while chunk := sock.recv(1024):
            rest += chunk
        assert b"Protocol mismatch" in first + rest
    with pytest.raises((smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)):
        _connect(world, "mx1.garbage.test")


def test_dropper_hangs_up_mid_rcpt(world: RunningWorld) -> None:
    with _connect(world, "mx1.dropper.test") as client:
        client.ehlo("verifier.test")
        assert client.mail(PROBE_FROM)[0] == 250
        with pytest.raises(smtplib.SMTPServerDisconnected):
            client.rcpt("jane@dropper.test")


@pytest.mark.parametrize("point", ["banner", "ehlo", "mail"])
def test_drop_points(host: Callable[..., tuple[str, int, SandboxSMTP]], point: str) -> None:
    address, port, _ = host(mailboxes={"jane"}, drop_after=point)
    with (
        pytest.raises(smtplib.SMTPServerDisconnected),
        smtplib.SMTP(address, port, timeout=3) as client,
    ):
        client.ehlo("verifier.test")
        client.mail(PROBE_FROM)
        client.rcpt("jane@custom.test")


def test_greylist_passes_after_the_window(
    host: Callable[..., tuple[str, int, SandboxSMTP]],
) -> None:
    address, port, _ = host(mailboxes={"jane"}, greylist_seconds=0.4)

    def attempt() -> int:
        with smtplib.SMTP(address, port, timeout=3) as client:
            client.ehlo("verifier.test")
            client.mail(PROBE_FROM)
            return client.rcpt("jane@custom.test")[0]

    assert attempt() == 451
    assert attempt() == 451
    time.sleep(0.45)
    assert attempt() == 250


def test_tarpit_and_reply_delay(host: Callable[..., tuple[str, int, SandboxSMTP]]) -> None:
    address, port, _ = host(mailboxes={"jane"}, banner_delay=0.4, reply_delay=0.1)
    started = time.perf_counter()
    with smtplib.SMTP(address, port, timeout=3) as client:
        connected = time.perf_counter() - started
        client.ehlo("verifier.test")  # multi-line: delayed once
        client.mail(PROBE_FROM)
        client.rcpt("jane@custom.test")
        total = time.perf_counter() - started
    assert 0.5 <= connected < 1.0  # banner delay plus the banner's reply delay
    assert 0.8 <= total < 1.6


def test_tarpit_times_out_a_patient_client(world: RunningWorld) -> None:
    with pytest.raises((TimeoutError, smtplib.SMTPServerDisconnected)):
        _connect(world, "mx1.tarpit.test", timeout=0.3)
    assert world.smtp.wait_idle()  # the server lets go of a client that hung up


def test_max_connections(host: Callable[..., tuple[str, int, SandboxSMTP]]) -> None:
    address, port, server = host(mailboxes={"jane"}, max_connections=1)
    with smtplib.SMTP(address, port, timeout=3):
        with pytest.raises(smtplib.SMTPConnectError) as caught:
            smtplib.SMTP(address, port, timeout=3)
        assert caught.value.smtp_code == 421
    assert server.stats(address).refused_busy == 1


# -- STARTTLS ---------------------------------------------------------------------------------


def test_starttls_required_and_verifiable(world: RunningWorld) -> None:
    _fresh_stats(world)
    with _connect(world, "mx1.tls.test") as client:
        client.ehlo("verifier.test")
        assert client.has_extn("starttls")
        assert client.mail(PROBE_FROM)[0] == 530
        context = world.ca.client_context()
        assert client.starttls(context=context)[0] == 220
        client.ehlo("verifier.test")
        assert not client.has_extn("starttls")
        assert client.mail(PROBE_FROM)[0] == 250
        assert client.rcpt("jane@tls.test")[0] == 250
        assert client.rcpt("nobody@tls.test")[0] == 550
    assert world.smtp.wait_idle()
    stats = world.stats("mx1.tls.test")
    assert (stats.connections, stats.sessions, stats.starttls_count) == (1, 1, 1)


async def test_starttls_with_aiosmtplib_by_host_name(world: RunningWorld) -> None:
    context = world.ca.client_context()
    client = aiosmtplib.SMTP(
        hostname=world.address_of("mx1.tls.test"),
        port=world.smtp_port,
        tls_context=context,
        start_tls=False,
        timeout=5,
    )
    await client.connect()
    try:
        await client.ehlo(hostname="verifier.test")
        await client.starttls(server_hostname="mx1.tls.test", tls_context=context)
        await client.ehlo(hostname="verifier.test")
        await client.mail(PROBE_FROM)
        response = await client.rcpt("jane@tls.test")
        assert response.code == 250
    finally:
        await client.quit()
    assert b"BEGIN CERTIFICATE" in world.ca.ca_pem


def test_tls_refuses_an_untrusting_client(world: RunningWorld) -> None:
    with _connect(world, "mx1.tls.test") as client:
        client.ehlo("verifier.test")
        with pytest.raises(ssl.SSLCertVerificationError):
            client.starttls(context=ssl.create_default_context())


# -- concurrency and life cycle ---------------------------------------------------------------


async def test_hundreds_of_concurrent_pipelined_sessions(
    host: Callable[..., tuple[str, int, SandboxSMTP]],
) -> None:
    address, port, server = host(mailboxes={"jane"}, reply_delay=0.05)

    async def session(n: int) -> list[int]:
        client = aiosmtplib.SMTP(hostname=address, port=port, timeout=20, start_tls=False)
        await client.connect()
        try:
            await client.ehlo(hostname="verifier.test")
            await client.mail(PROBE_FROM)
            codes = []
            for user in ("jane", f"x{n}"):
                reply = await client.execute_command(b"RCPT", f"TO:<{user}@custom.test>".encode())
                codes.append(reply.code)
        finally:
            await client.quit()
        return codes

    results = await asyncio.gather(*(session(n) for n in range(300)))
    assert all(codes == [250, 550] for codes in results)
    await asyncio.to_thread(server.wait_idle)
    stats = server.stats(address)
    assert stats.connections == stats.sessions == 300
    assert stats.rcpt_count == 600
    assert stats.max_concurrent > 50


def test_host_goes_down_and_comes_back(host: Callable[..., tuple[str, int, SandboxSMTP]]) -> None:
    address, port, server = host(mailboxes={"jane"})
    server.set_behaviour(address, Behaviour(down=True))
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP(address, port, timeout=2)
    server.set_behaviour(address, Behaviour(accept_all=True))
    with smtplib.SMTP(address, port, timeout=2) as client:
        client.ehlo("verifier.test")
        client.mail(PROBE_FROM)
        assert client.rcpt("anyone@custom.test")[0] == 250


def test_stop_closes_everything(host: Callable[..., tuple[str, int, SandboxSMTP]]) -> None:
    threads_before = threading.active_count()
    address, port, server = host(mailboxes={"jane"}, banner_delay=5)
    idle = socket.create_connection((address, port), timeout=2)  # parked in the tarpit
    deadline = time.monotonic() + 2
    while server.stats(address).active != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.stats(address).active == 1
    server.stop()
    idle.settimeout(2)
    assert idle.recv(100) == b""  # the server closed the connection
    idle.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address, port), timeout=2)
    assert can_bind(address, port)
    assert threading.active_count() == threads_before


def test_env_points_the_verifier_at_the_world(world: RunningWorld) -> None:
    env = world.env()
    assert env["CLEANLIST_DNS_NAMESERVERS"] == f"{world.dns.host}:{world.dns.port}"
    assert int(env["CLEANLIST_SMTP_PORT"]) == world.smtp_port
    assert world.dns.host.startswith("127.")


def test_bench_world_starts_and_answers_like_its_truth() -> None:
    bench, truth = bench_world(domains=40, users_per_domain=5, reply_delay=0.0, seed=11)
    with start_world(bench, smtp_port=0) as running:
        assert running.smtp_port >= 1024
        checked = 0
        for address, status in truth:
            domain = bench.domain(address.rpartition("@")[2])
            if status not in ("valid", "risky") or checked >= 10:
                continue
            mx = domain.mx[-1].name
            ((code, _),) = _probe(running, mx, address)
            assert code == (250 if status == "valid" else 552)
            checked += 1
        assert checked == 10
