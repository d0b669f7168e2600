"""Issue #5 benchmark: the waterfall against a 5,000-person sandbox market, vs baselines.

    .venv/bin/python bench/waterfall_market.py [--people 5000] [--latency 0.1]

One run, one market (19 providers: 13 commercial vendors over their documented wire
formats, plus the email verifier and finder, which talk SMTP to the market's mail hosts,
and the website, DNS, phone and Gravatar built-ins), every strategy on the same people
with the same identifiers:

- ``static``: the configured order, early stop, value-of-information stop;
- ``adaptive``: ordered by expected cost per missing field from learned statistics;
- ``query-all``: every provider, in parallel (baseline);
- ``fixed-no-stop``: the configured order, no early stop (baseline);
- each provider alone, given only the caller's identifiers (what buying that one
  provider gives): the "best single provider" the accuracy aim names.

Accuracy against single providers is judged head to head: a provider's values against
our record's, same person and field, both as each provider answered in the query-all run
(fed by what every other provider found) and as it answers alone.

The static and adaptive strategies start from statistics learned on a separate warm-up
population (seed 98), as a server's persisted provider statistics would hold them.
Confidence comes from the shipped calibration (fitted by bench/calibrate.py on seed 99);
the calibration error is measured here on seed 1234. Market latency is scaled by
``--latency`` (1.0 = the profiles' real latencies, 0.1 by default to keep the run short):
latency figures are comparable between strategies, not absolute.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.market_harness import (
    FIXED_NO_STOP,
    JUDGED,
    QUERY_ALL,
    Duel,
    Report,
    alone,
    build,
    copy_learning,
    enrich_all,
    head_to_head,
    judge,
    market_process,
    single_provider_accuracy,
    split,
    warm_up,
    waterfall,
)
from cleanlist_server.engine.calibration import Calibrator
from cleanlist_server.engine.waterfall import RunOptions


def line(r: Report, base: Report) -> str:
    return (
        f"{r.name:14s} fill {r.fill_rate:6.1%} ({r.fill_rate / base.fill_rate:6.1%} of all)  "
        f"accuracy {r.accuracy_rate:6.2%}  matched {r.matched:5d}  "
        f"cost/enriched {r.cost_per_enriched:6.2f}c ({r.total_cost / base.total_cost:6.1%} of all)  "
        f"p50 {r.p50 * 1000:6.0f} ms  p99 {r.p99 * 1000:6.0f} ms  ECE {r.ece:.3f}"
    )


def duel_line(name: str, s: Duel, a: Duel) -> str:
    """One provider head to head with the static (``s``) and adaptive (``a``) records."""
    return (
        f"  {name:12s} shared: theirs {s.theirs_shared:6.2%}  static {s.ours_shared:6.2%}  "
        f"adaptive {a.ours_shared:6.2%} ({s.shared}/{a.shared} values)   all: theirs "
        f"{s.theirs:6.2%}  static {s.ours:6.2%}  adaptive {a.ours:6.2%} ({s.values} values)"
    )


async def main(people: int, latency: float) -> None:
    warm_n = max(300, people // 5)
    calibrator = Calibrator.shipped()
    started = time.perf_counter()
    with market_process(people + warm_n, seed=1234, latency=latency) as (population, market):
        providers, policies = await build(market)
        warm, everyone = split(population, warm_n)
        print(
            f"market: {len(population.people)} people ({len(everyone)} measured, {len(warm)} "
            f"warm-up), {len(population.companies)} companies; "
            f"{len(providers)} providers: {', '.join(p.name for p in providers)}"
        )
        learning, _ = await warm_up(providers, policies, population, warm, calibrator=calibrator)
        runs = [
            ("query-all", {"parallel": True}, QUERY_ALL),
            ("fixed-no-stop", {}, FIXED_NO_STOP),
            ("static", {}, RunOptions()),
            ("adaptive", {"strategy": "adaptive"}, RunOptions()),
        ]
        reports: dict[str, Report] = {}
        singles: dict[str, tuple[float, int]] = {}
        outcomes = {}
        for name, kw, options in runs:
            wf = waterfall(
                providers, policies, learning=copy_learning(learning), calibrator=calibrator, **kw
            )  # type: ignore[arg-type]
            outs = await enrich_all(wf, population, everyone, options, seed=7)
            reports[name] = judge(name, population, outs)
            outcomes[name] = outs
            if name == "query-all":
                singles = single_provider_accuracy(population, outs)
        solo = await alone(
            providers, policies, population, everyone, learning=learning, calibrator=calibrator
        )
    base = reports["query-all"]
    print(f"\nwall time {time.perf_counter() - started:.0f} s, market latency scale {latency}\n")
    for r in reports.values():
        print(line(r, base))
    print("\nfill rate per field (query-all / fixed-no-stop / static / adaptive):")
    for f in JUDGED:
        cells = "  ".join(f"{reports[n].fill.get(f, 0):6.1%}" for n in reports)
        accs = "  ".join(f"{reports[n].accuracy.get(f, 0):6.1%}" for n in reports)
        print(f"  {f:24s} fill {cells}   accuracy {accs}")
    print("\nsingle providers (accuracy of the fields each delivered in query-all):")
    for name, (acc, n) in sorted(singles.items(), key=lambda kv: -kv[1][0]):
        print(f"  {name:12s} {acc:6.2%} over {n} fields")
    print(
        "\nhead to head: each provider's values in query-all vs our record, same person and field"
    )
    print("  accuracy on the values both delivered (theirs / static / adaptive), then coverage:")
    print("  how many of its values our record matched (a value we did not deliver is wrong)")
    duels = {
        n: head_to_head(population, outcomes["query-all"], outcomes[n])
        for n in ("static", "adaptive")
    }
    for name in sorted(singles, key=lambda p: -singles[p][0]):
        print(duel_line(name, duels["static"][name], duels["adaptive"][name]))
    print(
        "\nsingle providers alone: each provider asked on its own with the caller's identifiers "
        "(what buying only it gives), its values vs our record, same person and field"
    )
    solos = {n: head_to_head(population, solo, outcomes[n]) for n in ("static", "adaptive")}
    for name in sorted(solos["static"], key=lambda p: -solos["static"][p].theirs_shared):
        print(duel_line(name, solos["static"][name], solos["adaptive"][name]))
    for name in ("static", "adaptive"):
        r = reports[name]
        duel = duels[name].values()
        beaten = sum(d.ours_shared >= d.theirs_shared for d in duel)
        covered = sum(d.ours >= d.theirs for d in duel)
        best = max(singles.items(), key=lambda kv: kv[1][0])
        print(
            f"{name}: fill {r.fill_rate / base.fill_rate:.1%} of query-all (aim >= 97%), "
            f"cost {r.total_cost / base.total_cost:.1%} of query-all (aim <= 40%), "
            f"accuracy {r.accuracy_rate:.2%} (best single provider: {best[0]} "
            f"{best[1][0]:.2%} over {best[1][1]} values), head to head at least as accurate as "
            f"{beaten} of {len(duels[name])} providers on shared values ({covered} counting "
            f"values we did not deliver as wrong), ECE {r.ece:.3f} (aim < 0.05)"
        )
        versus = solos[name].values()
        print(
            f"  {name} vs each provider alone: at least as accurate as "
            f"{sum(d.ours_shared >= d.theirs_shared for d in versus)} of {len(versus)} on "
            f"shared values ({sum(d.ours >= d.theirs for d in versus)} counting values we did "
            "not deliver as wrong)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the market's injected faults are expected
    asyncio.run(main(args.people, args.latency))
