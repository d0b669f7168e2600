"""Quick A/B runs of the waterfall against the sandbox market (an experiment tool).

    .venv/bin/python bench/waterfall_variants.py [--people 400] \
        [--variant NAME:module.ATTR=VALUE[,module.ATTR=VALUE...]] ...

One market, one warm-up and one query-all baseline, then the static and adaptive
strategies once per variant: the current code (``current``) and each ``--variant``, which
sets engine constants for its runs only, e.g.
``--variant c85:waterfall.CONFIRM_BELOW=0.85`` or
``--variant settled:merge.ROLE_FIELDS=frozenset()``. Values are Python literals
(``frozenset()`` and ``timedelta(days=N)`` are understood too). Modules are those of
``cleanlist_server.engine``.

400 people take about two minutes and tell differences of 0.3 accuracy points or more
from noise; bench/waterfall_market.py is the benchmark of record (5,000 people).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import importlib
import logging
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.market_harness import (
    QUERY_ALL,
    build,
    copy_learning,
    enrich_all,
    head_to_head,
    judge,
    market_process,
    split,
    warm_up,
    waterfall,
)
from cleanlist_server.engine.calibration import Calibrator
from cleanlist_server.engine.waterfall import RunOptions

Setting = tuple[Any, str, Any]


def parse_value(text: str) -> Any:
    if text.strip() == "frozenset()":
        return frozenset()
    if text.startswith("timedelta(days=") and text.endswith(")"):
        return timedelta(days=float(text[len("timedelta(days=") : -1]))
    return ast.literal_eval(text)


def parse_variant(spec: str) -> tuple[str, list[Setting]]:
    """``name:module.ATTR=value,...`` -> (name, [(module, attr, value)])."""
    name, _, body = spec.partition(":")
    settings: list[Setting] = []
    for part in filter(None, body.split(",")):
        target, _, value = part.partition("=")
        module_name, _, attr = target.strip().rpartition(".")
        module = importlib.import_module(f"cleanlist_server.engine.{module_name}")
        if not hasattr(module, attr):
            raise SystemExit(f"{module.__name__} has no {attr}")
        settings.append((module, attr, parse_value(value.strip())))
    return name, settings


@contextlib.contextmanager
def applied(settings: list[Setting]) -> Iterator[None]:
    before = [(module, attr, getattr(module, attr)) for module, attr, _ in settings]
    for module, attr, value in settings:
        setattr(module, attr, value)
    try:
        yield
    finally:
        for module, attr, value in before:
            setattr(module, attr, value)


async def main(people: int, variants: list[tuple[str, list[Setting]]]) -> None:
    warm_n = max(300, people // 5)
    calibrator = Calibrator.shipped()
    with market_process(people + warm_n, seed=1234, latency=0.1) as (population, market):
        providers, policies = await build(market)
        warm, everyone = split(population, warm_n)
        learning, _ = await warm_up(providers, policies, population, warm, calibrator=calibrator)
        wf = waterfall(providers, policies, learning=copy_learning(learning), calibrator=calibrator)
        wf.parallel = True
        query_all = await enrich_all(wf, population, everyone, QUERY_ALL, seed=7)
        base = judge("query-all", population, query_all)
        print(f"query-all  fill {base.fill_rate:.2%}  accuracy {base.accuracy_rate:.2%}")
        for name, settings in variants:
            for strategy in ("static", "adaptive"):
                with applied(settings):
                    wf = waterfall(
                        providers,
                        policies,
                        strategy=strategy,
                        learning=copy_learning(learning),
                        calibrator=calibrator,
                    )
                    outs = await enrich_all(wf, population, everyone, RunOptions(), seed=7)
                r = judge(name, population, outs)
                duels = head_to_head(population, query_all, outs)
                behind = {
                    p: f"{d.ours_shared:.2%} < {d.theirs_shared:.2%}"
                    for p, d in duels.items()
                    if d.ours_shared < d.theirs_shared
                }
                print(
                    f"{name:12s} {strategy:8s} fill {r.fill_rate / base.fill_rate:6.1%}  "
                    f"accuracy {r.accuracy_rate:6.2%}  cost {r.total_cost / base.total_cost:6.1%}"
                    f"  ECE {r.ece:.3f}  behind {len(behind)}/{len(duels)} {behind}",
                    flush=True,
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--variant", action="append", default=[], type=parse_variant)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the market's injected faults are expected
    asyncio.run(main(args.people, [("current", []), *args.variant]))
