"""Shared fixtures: real databases (SQLite files, the local PostgreSQL) and a real server.

PostgreSQL tests skip with a reason when no server answers at 127.0.0.1:5432, except
under ``CI=true``, where they fail: CI must prove both backends.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import httpx
import pytest

from cleanlist_server.sandbox.market.running import RunningMarket, demo_market, start_market
from cleanlist_server.sandbox.market.views import default_profiles
from cleanlist_server.sandbox.model import Domain
from cleanlist_server.sandbox.world import RunningWorld, default_world, start_world

PG_HOST = os.environ.get("CLEANLIST_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("CLEANLIST_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("CLEANLIST_TEST_PG_USER", "postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"

# Nothing in the suite may leave loopback, whatever the code under test tries.
os.environ["CLEANLIST_EGRESS_ALLOW"] = "127.0.0.0/8"


def _pg_admin_url(db: str = "postgres") -> str:
    return f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{db}"


def _pg_available() -> str | None:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            pass
    except OSError as exc:
        return f"no PostgreSQL at {PG_HOST}:{PG_PORT} ({exc})"
    return None


def require_postgres() -> None:
    reason = _pg_available()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}: PostgreSQL tests must run in CI")
    pytest.skip(reason)


def create_pg_database() -> tuple[str, str]:
    import psycopg

    name = "cl_test_" + secrets.token_hex(6)
    with psycopg.connect(_pg_admin_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, _pg_admin_url(name)


def drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(_pg_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cleanlist.db'}"
        return
    require_postgres()
    name, url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cleanlist.db'}"


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    """A fresh database URL for ``backend`` (``sqlite``: a file in ``tmp``; ``postgres``:
    a new database on the local server, dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'cleanlist.db'}"
        return
    require_postgres()
    name, url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run the ``cleanlist`` CLI against the server's database."""
        done = subprocess.run(
            [sys.executable, "-m", "cleanlist_server", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"cleanlist {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
            )
        return done

    def new_key(self, account: str | None = None, *, test: bool = False) -> str:
        account = account or "acct_" + secrets.token_hex(4)
        args = ["keys", "create", "--account", account] + (["--test"] if test else [])
        return self.cli(*args).stdout.strip().splitlines()[-1]

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)


def start_server(tmp: Path, database_url: str, **extra_env: str) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "CLEANLIST_DATABASE_URL": database_url,
        "CLEANLIST_HOST": "127.0.0.1",
        "CLEANLIST_PORT": str(port),
        "CLEANLIST_EGRESS_ALLOW": "127.0.0.0/8",
        "CLEANLIST_LOG_LEVEL": "warning",
        **extra_env,
    }
    log = tmp / f"server-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "cleanlist_server", "serve"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", env, process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            if httpx.get(server.base_url + "/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


@contextmanager
def served(backend: str, tmp: Path, **extra_env: str) -> Iterator[Server]:
    """A real server on a fresh ``backend`` database, stopped (and the database dropped)
    when the block ends."""
    with database(backend, tmp) as url:
        srv = start_server(tmp, url, **extra_env)
        try:
            yield srv
        finally:
            stop_server(srv)


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def mail_world() -> Iterator[RunningWorld]:
    """The sandbox's DNS and SMTP servers (default world) on loopback.

    Greylisting lasts an hour here (300 s in the documented world): a session is longer
    than 300 s, and a retry after the window would rightly pass, which would make the
    verdict for greylist.test depend on test order.
    """
    spec = default_world()
    spec.domains = [_long_greylist(d) if d.name == "greylist.test" else d for d in spec.domains]
    world = start_world(spec)
    try:
        yield world
    finally:
        world.stop()


def _long_greylist(domain: Domain) -> Domain:
    hosts = tuple(
        replace(h, behaviour=replace(h.behaviour, greylist_seconds=3600.0)) for h in domain.mx
    )
    return replace(domain, mx=hosts)


def sandbox_env(world: RunningWorld) -> dict[str, str]:
    """Point the verifier at the sandbox, with deadlines short enough for tests."""
    return {
        **world.env(),
        "CLEANLIST_ALLOW_TEST_DOMAINS": "true",
        "CLEANLIST_SMTP_HELO": "verifier.cleanlist.test",
        "CLEANLIST_SMTP_FROM": "verify@cleanlist.test",
        "CLEANLIST_VERIFY_DEADLINE": "6",
        "CLEANLIST_SMTP_CONNECT_TIMEOUT": "2",
        "CLEANLIST_SMTP_COMMAND_TIMEOUT": "2",
        "CLEANLIST_DNS_TIMEOUT": "1",
        "CLEANLIST_GREYLIST_RETRY_AFTER": "1",
    }


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    mail_world: RunningWorld,
) -> Iterator[Server]:
    """A real ``cleanlist serve`` process on loopback, per backend, shared by a module.

    Its email verifier asks the sandbox's DNS server, so nothing leaves loopback.
    """
    with served(request.param, tmp_path_factory.mktemp("server"), **sandbox_env(mail_world)) as srv:
        yield srv


ALL_PROVIDERS = (
    "kb,email_verifier,email_finder,website,dns,phone,gravatar,apollo,pdl,hunter,prospeo,"
    "findymail,leadmagic,snov,dropcontact,lusha,contactout,rocketreach,zerobounce,neverbounce"
)


@pytest.fixture(scope="session")
def market() -> Iterator[RunningMarket]:
    """The demo sandbox market (13 vendor APIs, websites, job boards, DNS and SMTP) with no
    simulated latency and no random faults, so answers are deterministic."""
    population = demo_market(today=date(2026, 11, 1))
    profiles = {name: replace(p, failure_rate=0.0) for name, p in default_profiles().items()}
    running = start_market(population, profiles=profiles, latency_scale=0.0, seed=7)
    try:
        yield running
    finally:
        running.stop()


def market_env(running: RunningMarket) -> dict[str, str]:
    """Every provider enabled and pointed at the market; deadlines short enough for tests."""
    env = {**running.env(), "CLEANLIST_PROVIDERS": ALL_PROVIDERS}
    world = running.world
    assert world is not None
    verify = sandbox_env(world)
    env.update({k: v for k, v in verify.items() if k not in env})
    for name in ALL_PROVIDERS.split(","):
        env[f"CLEANLIST_PROVIDER_{name.upper()}_TIMEOUT"] = "3"
        env[f"CLEANLIST_PROVIDER_{name.upper()}_RETRIES"] = "0"
    return env


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def market_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    market: RunningMarket,
) -> Iterator[Server]:
    """A real ``cleanlist serve`` whose waterfall runs over every provider of the market."""
    with served(
        request.param, tmp_path_factory.mktemp("market-server"), **market_env(market)
    ) as srv:
        yield srv
