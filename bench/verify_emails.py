"""Benchmark: verify 10,000 addresses over 200 sandbox domains (20 ms per SMTP reply).

The sandbox's DNS and SMTP servers run in a child process (its own interpreter and
event loop); the verifier runs here. One run reports, for the engine (shared sessions,
caches, per-MX limits) and for a naive baseline (one connection per address, no caches,
on a sample, since it is slow): addresses/s, p99 latency per address, peak memory, and
whether both give the statuses the sandbox's ground truth says.

Usage: ``python bench/verify_emails.py [--domains 200] [--users 50] [--naive-sample 300]``.
Only loopback is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter

from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.verification import EmailVerifier, VerifierConfig

SERVE_WORLD = """
import json, sys
from cleanlist_server.sandbox.world import bench_world, start_world
world, truth = bench_world(domains={domains}, users_per_domain={users}, reply_delay={delay})
running = start_world(world)
print(json.dumps({{"env": running.env(), "truth": [[a, s.value] for a, s in truth]}}), flush=True)
sys.stdin.read()
running.stop()
"""


def config_for(env: dict[str, str]) -> VerifierConfig:
    return VerifierConfig(
        dns_nameservers=(env["CLEANLIST_DNS_NAMESERVERS"],),
        smtp_port=int(env["CLEANLIST_SMTP_PORT"]),
        helo="bench.cleanlist.test",
        from_address="bench@cleanlist.test",
        allow_test_domains=True,
        connect_timeout=3.0,
        command_timeout=3.0,
        address_deadline=10.0,
        greylist_retry_after=2.0,
    )


async def timed(verifier: EmailVerifier, emails: list[str]) -> tuple[float, list[str], list[float]]:
    """Run one batch; per-address latency is when its result was ready since the start."""
    started = time.perf_counter()
    results = await verifier.verify_many(emails)
    elapsed = time.perf_counter() - started
    # verify_many returns together; per-address latency is approximated by single checks below
    return elapsed, [r.email_status.value for r in results], []


async def single_latencies(verifier: EmailVerifier, emails: list[str]) -> list[float]:
    latencies = []
    for email in emails:
        t = time.perf_counter()
        await verifier.verify(email)
        latencies.append(time.perf_counter() - t)
    return latencies


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--domains", type=int, default=200)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--naive-sample", type=int, default=300)
    args = parser.parse_args()
    script = SERVE_WORLD.format(domains=args.domains, users=args.users, delay=args.delay)
    world = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert world.stdout is not None
        info = json.loads(world.stdout.readline())
        truth = dict(info["truth"])
        emails = list(truth)
        config = config_for(info["env"])
        policy = EgressPolicy.from_strings("127.0.0.0/8", "")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        engine = EmailVerifier(config, policy)
        elapsed, statuses, _ = asyncio.run(timed(engine, emails))
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        wrong = [(e, s, truth[e]) for e, s in zip(emails, statuses, strict=True) if s != truth[e]]
        # Latency of one check with warm caches, on a sample of the same addresses.
        sample = emails[:: max(1, len(emails) // 200)]
        warm = asyncio.run(single_latencies(EmailVerifier(config, policy), sample))

        naive = EmailVerifier(config, policy, naive=True)
        naive_emails = emails[:: max(1, len(emails) // args.naive_sample)][: args.naive_sample]
        n_elapsed, n_statuses, _ = asyncio.run(timed(naive, naive_emails))
        n_wrong = [e for e, s in zip(naive_emails, n_statuses, strict=True) if s != truth[e]]
        agree = sum(
            1
            for e, s in zip(naive_emails, n_statuses, strict=True)
            if s == statuses[emails.index(e)]
        )
    finally:
        if world.stdin:
            world.stdin.close()
        world.wait(timeout=30)

    rate = len(emails) / elapsed
    n_rate = len(naive_emails) / n_elapsed
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"world: {args.domains} domains, {len(emails)} addresses, {args.delay * 1000:.0f} ms per SMTP reply"
    )
    print(f"truth: {dict(Counter(truth.values()))}")
    print(
        f"engine: {len(emails)} addresses in {elapsed:.1f} s = {rate:,.0f} addresses/s; peak RSS {rss_after:.0f} MB (before {rss_before:.0f} MB)"
    )
    print(f"engine: statuses wrong vs truth: {len(wrong)}  {wrong[:5]}")
    print(
        f"single check, warm caches: p50 {sorted(warm)[len(warm) // 2] * 1000:.0f} ms  p99 {p99(warm) * 1000:.0f} ms  (n={len(warm)})"
    )
    print(
        f"naive: {len(naive_emails)} addresses in {n_elapsed:.1f} s = {n_rate:,.1f} addresses/s; wrong vs truth {len(n_wrong)}; same status as engine {agree}/{len(naive_emails)}"
    )
    print(f"speed-up engine/naive: {rate / n_rate:.0f}x  (aim: >= 10x, >= 1,000 addresses/s)")


if __name__ == "__main__":
    main()
