"""Benchmark: POST /v1/enrich/contact on knowledge-base hits vs a bare endpoint.

One run:
1. builds a fresh SQLite database and imports 100,000 synthetic contacts (CSV, through the
   real importer), timing the import;
2. starts ``cleanlist serve`` (one uvicorn worker) on 127.0.0.1;
3. drives it with ``wrk`` (a separate process): ``GET /hello`` at full speed, then
   ``POST /v1/enrich/contact`` at full speed (random known emails), then the enrichment
   path paced at half its peak rate;
4. prints requests/s, p50/p99 latency and the ratios.

Only loopback is touched. Usage: ``python bench/kb_enrich.py [--rows N] [--seconds S]``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from cleanlist_server.billing import ledger
from cleanlist_server.services.imports import Importer, ImportOptions
from cleanlist_server.storage import accounts
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.migrate import migrate

HERE = Path(__file__).resolve().parent
TITLES = ["VP of Sales", "Account Executive", "Software Engineer", "Head of Marketing", "CFO"]
COMPANIES = 5000

LUA_ENRICH = """
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
request = function()
  local i = math.random(0, %(rows)d - 1)
  local body = string.format('{"email":"p%%d@c%%d.test"}', i, i %% %(companies)d)
  return wrk.format(nil, "/v1/enrich/contact", nil, body)
end
%(pacing)s
"""


def email(i: int) -> str:
    return f"p{i}@c{i % COMPANIES}.test"


def write_csv(path: Path, rows: int) -> None:
    rnd = random.Random(7)
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Email",
                "First Name",
                "Last Name",
                "Title",
                "Company",
                "Website",
                "Phone",
                "City",
                "Country",
                "# Employees",
            ]
        )
        for i in range(rows):
            c = i % COMPANIES
            out.writerow(
                [
                    email(i),
                    f"First{i}",
                    f"Last{i}",
                    rnd.choice(TITLES),
                    f"Company {c}",
                    f"c{c}.test",
                    f"+1 415 555 {rnd.randint(100, 199):04d}" if i % 3 == 0 else "",
                    "San Francisco",
                    "United States",
                    str(10 + c % 900),
                ]
            )


async def prepare(url: str, csv_path: Path) -> tuple[str, float]:
    await migrate(url)
    db = Database(url)
    now = datetime.now(UTC)
    try:
        async with db.write() as conn:
            account = await accounts.get_or_create_account(conn, "bench", now=now)
            key, _ = await accounts.create_key(conn, account, mode="live", now=now)
            await ledger.roll_period(conn, account, grant=30, now=now)
            await ledger.grant(conn, account, 1_000_000_000, now=now, note="benchmark")
        started = time.perf_counter()
        with csv_path.open("rb") as handle:
            report = await Importer(db).run(account, handle, options=ImportOptions())
        elapsed = time.perf_counter() - started
        assert report.imported > 0 and report.rejected == 0, report
        return key, elapsed
    finally:
        await db.dispose()


def start_server(url: str, port: int, tmp: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CLEANLIST_DATABASE_URL": url,
        "CLEANLIST_LOG_LEVEL": "warning",
        # The knowledge-base path of issue #3: no DNS intelligence lookups (nothing may
        # leave loopback, and this benchmark has no sandbox DNS server).
        "CLEANLIST_PROVIDERS": "kb,email_verifier,email_finder",
        # The intent scheduler would start refreshing the imported companies' signals
        # (200 domains per cycle: websites, DNS, job boards) during the measurement.
        "CLEANLIST_INTENT_REFRESH_HOURS": "0",
    }
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleanlist_server", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError((tmp / "server.log").read_text())


def run_wrk(url: str, seconds: int, conns: int, script: Path | None = None) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        cmd[1:1] = ["-s", str(script)]
    text = subprocess.run(
        cmd, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", text, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": rps,
        "p50_ms": to_ms(lat["50"]),
        "p99_ms": to_ms(lat["99"]),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def lua(tmp: Path, name: str, key: str, rows: int, pacing: str = "") -> Path:
    path = tmp / name
    path.write_text(
        LUA_ENRICH % {"key": key, "rows": rows, "companies": COMPANIES, "pacing": pacing}
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url = f"sqlite:///{tmp / 'bench.db'}"
        write_csv(tmp / "contacts.csv", args.rows)
        key, import_s = asyncio.run(prepare(url, tmp / "contacts.csv"))
        port = 18000 + os.getpid() % 1000
        proc = start_server(url, port, tmp)
        try:
            base = f"http://127.0.0.1:{port}"
            hit = httpx.post(
                base + "/v1/enrich/contact",
                json={"email": email(42)},
                headers={"Authorization": f"Bearer {key}"},
            ).json()
            assert hit["status"] == "completed", hit
            run_wrk(base + "/hello", 3, args.connections)  # warm-up
            hello = run_wrk(base + "/hello", args.seconds, args.connections)
            peak = run_wrk(
                base, args.seconds, args.connections, lua(tmp, "peak.lua", key, args.rows)
            )
            conns = 16
            delay_ms = conns * 1000.0 / (peak["rps"] / 2)
            pacing = f"delay = function() return {delay_ms:.3f} end"
            half = run_wrk(base, args.seconds, conns, lua(tmp, "half.lua", key, args.rows, pacing))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    report(args, import_s, hello, peak, half)


def report(
    args: argparse.Namespace,
    import_s: float,
    hello: dict[str, float],
    peak: dict[str, float],
    half: dict[str, float],
) -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    )
    print(f"import: {args.rows} rows in {import_s:.1f} s ({args.rows / import_s:,.0f} rows/s)")
    print(
        f"wrk: 2 threads, {args.connections} connections, {args.seconds} s per run, 1 uvicorn worker"
    )
    print(
        f"GET  /hello               {hello['rps']:>9,.0f} req/s  p50 {hello['p50_ms']:.2f} ms  p99 {hello['p99_ms']:.2f} ms"
    )
    print(
        f"POST /v1/enrich/contact   {peak['rps']:>9,.0f} req/s  p50 {peak['p50_ms']:.2f} ms  p99 {peak['p99_ms']:.2f} ms  non-2xx {peak['non_2xx']:.0f}"
    )
    print(f"ratio enrich/hello: {peak['rps'] / hello['rps']:.1%}  (aim: >= 40%)")
    print(
        f"at half peak ({half['rps']:,.0f} req/s achieved): p50 {half['p50_ms']:.2f} ms  p99 {half['p99_ms']:.2f} ms  (aim: p99 < 20 ms)  non-2xx {half['non_2xx']:.0f}"
    )


if __name__ == "__main__":
    main()
