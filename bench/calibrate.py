"""Fit the confidence calibration (engine/data/calibration.json) on a training market.

    .venv/bin/python bench/calibrate.py [--people 2000]

A training population (seed 99, not the benchmark's 1234) runs through the sandbox market
with the raw (uncalibrated) confidences, under the static, adaptive and query-everything
strategies. Isotonic regression then maps each raw score to the accuracy observed at it:
per field (was the delivered value right?) and per record (were all delivered core fields
right?), the record map once per mode (static, adaptive, parallel) and once pooled.
bench/waterfall_market.py measures the calibration error on a different population.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.market_harness import (
    QUERY_ALL,
    build,
    copy_learning,
    enrich_all,
    judge,
    market_process,
    split,
    warm_up,
    waterfall,
)
from cleanlist_server.engine.calibration import (
    Calibrator,
    Curve,
    expected_calibration_error,
    fit_isotonic,
)
from cleanlist_server.engine.waterfall import RunOptions

OUT = Path(__file__).resolve().parent.parent / "src/cleanlist_server/engine/data/calibration.json"


async def main(people: int, latency: float) -> None:
    warm_n = max(300, people // 5)
    with market_process(people + warm_n, seed=99, latency=latency) as (train, market):
        providers, policies = await build(market)
        warm, everyone = split(train, warm_n)
        current = Calibrator.shipped()  # decisions (early stop) as the product makes them
        learning, _ = await warm_up(providers, policies, train, warm, calibrator=current)
        field_pairs: list[tuple[float, bool]] = []
        record_pairs: list[tuple[float, bool]] = []
        by_mode: dict[str, list[tuple[float, bool]]] = {}
        runs = [  # named by the waterfall's ``Run.mode``
            ("static", {}, RunOptions()),
            ("adaptive", {"strategy": "adaptive"}, RunOptions()),
            ("parallel", {"parallel": True}, QUERY_ALL),
        ]
        for name, kw, options in runs:
            wf = waterfall(
                providers, policies, learning=copy_learning(learning), calibrator=current, **kw
            )  # type: ignore[arg-type]
            report = judge(name, train, await enrich_all(wf, train, everyone, options, seed=3))
            field_pairs += report.raw_field_pairs
            record_pairs += report.raw_record_pairs
            by_mode[name] = report.raw_record_pairs
            print(
                f"{name:9s} raw record ECE {report.ece:.3f} over {len(report.record_pairs)} records"
            )
    fx, fy = fit_isotonic([c for c, _ in field_pairs], [float(ok) for _, ok in field_pairs])
    calibrator = Calibrator(
        Curve(tuple(fx), tuple(fy)),
        fit(record_pairs),
        {
            "fitted_by": "bench/calibrate.py",
            "population": {"seed": 99, "people": people},
            "field_pairs": len(field_pairs),
            "record_pairs": len(record_pairs),
        },
        {mode: fit(pairs) for mode, pairs in by_mode.items()},
    )
    for mode, pairs in by_mode.items():
        fitted = [calibrator.record_confidence(c, mode) for c, _ in pairs]
        ece = expected_calibration_error(fitted, [ok for _, ok in pairs])
        print(f"{mode:9s} in-sample record ECE after fitting: {ece:.3f}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(calibrator.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


def fit(pairs: list[tuple[float, bool]]) -> Curve:
    xs, ys = fit_isotonic([c for c, _ in pairs], [float(ok) for _, ok in pairs])
    return Curve(tuple(xs), tuple(ys))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05, help="market latency scale")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the market's injected faults are expected
    asyncio.run(main(args.people, args.latency))
