"""Calibrated confidence: raw evidence scores mapped to observed accuracy.

Two monotone maps, fitted by isotonic regression (pool adjacent violators) on sandbox
market runs where the truth is known (``bench/calibrate.py`` writes
``engine/data/calibration.json``):

- ``field``: a field's raw score -> P(the delivered value is right);
- ``record``: a record's raw score -> P(every delivered core field is right), which is
  ``meta.confidence``; one map per way of running the waterfall (``static``, ``adaptive``,
  ``parallel``: they stop at different evidence, so one raw score means a different
  accuracy under each), with a pooled map for any other.

Raw scores are pure functions of the evidence (``field_score``, ``record_score``): the
provider's own confidence, how many independent sources confirmed the value, how many
disagreed, and the provider's learned reliability. Without a fitted table the maps are
the identity, so raw scores pass through.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from importlib import resources
from typing import Any

CORE_FIELDS = ("email", "full_name", "title", "company_name", "company_domain")
"""Identity and current employment: the fields ``meta.confidence`` speaks for."""


def field_score(
    confidence: float,
    sources: int,
    contenders: int,
    reliability: float,
    age_days: float = 0.0,
) -> float:
    """Evidence for one merged value, in [0, 1].

    Each confirming source removes part of the remaining doubt; sources that reported
    another value add it back; the provider's reliability (0.5 when unknown) nudges; an
    old observation counts for less (people change jobs: after 90 days the evidence
    fades linearly to 70% at two years).
    """
    doubt = (1.0 - confidence) / max(1, sources)
    disagreeing = max(0, contenders - sources)
    score = (1.0 - doubt) * (sources / (sources + disagreeing))
    fade = 1.0 - 0.3 * min(1.0, max(0.0, (age_days - 90.0) / 640.0))
    return min(1.0, max(0.0, score * (0.8 + 0.4 * reliability) * fade))


def record_score(field_confidences: Sequence[float]) -> float:
    """Evidence for a whole record: the product of its core fields' probabilities."""
    out = 1.0
    for p in field_confidences:
        out *= p
    return out if field_confidences else 0.0


def fit_isotonic(xs: Sequence[float], ys: Sequence[float]) -> tuple[list[float], list[float]]:
    """Pool-adjacent-violators fit of a non-decreasing step function y(x)."""
    pairs = sorted(zip(xs, ys, strict=True))
    blocks: list[list[float]] = []  # [sum_y, count, x_min, x_max]
    for x, y in pairs:
        blocks.append([y, 1.0, x, x])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            y2, n2, _, hi = blocks.pop()
            blocks[-1][0] += y2
            blocks[-1][1] += n2
            blocks[-1][3] = hi
    knots_x: list[float] = []
    knots_y: list[float] = []
    for total, count, lo, hi in blocks:
        mean = total / count
        knots_x += [lo, hi] if hi > lo else [lo]
        knots_y += [mean, mean] if hi > lo else [mean]
    return knots_x, knots_y


@dataclass(frozen=True)
class Curve:
    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def __call__(self, x: float) -> float:
        if not self.xs:
            return x
        i = bisect.bisect_left(self.xs, x)
        if i <= 0:
            return self.ys[0]
        if i >= len(self.xs):
            return self.ys[-1]
        x0, x1, y0, y1 = self.xs[i - 1], self.xs[i], self.ys[i - 1], self.ys[i]
        if x1 == x0:
            return y1
        return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


IDENTITY = Curve((), ())


@dataclass(frozen=True)
class Calibrator:
    field: Curve = IDENTITY
    record: Curve = IDENTITY
    meta: dict[str, Any] | None = None
    records: Mapping[str, Curve] = dataclass_field(default_factory=dict)
    """Record maps by mode (``static``, ``adaptive``, ``parallel``); ``record`` otherwise."""

    def field_confidence(self, raw: float) -> float:
        return round(min(0.99, max(0.01, self.field(raw))), 4)

    def record_confidence(self, raw: float, mode: str | None = None) -> float:
        curve = self.records.get(mode, self.record) if mode is not None else self.record
        return round(min(0.99, max(0.0, curve(raw))), 2)

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta or {},
            "field": _curve_json(self.field),
            "record": _curve_json(self.record),
            "record_by_mode": {mode: _curve_json(c) for mode, c in sorted(self.records.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Calibrator:
        def curve(part: dict[str, Any] | None) -> Curve:
            part = part or {}
            return Curve(tuple(part.get("x", ())), tuple(part.get("y", ())))

        by_mode = data.get("record_by_mode") or {}
        return cls(
            curve(data.get("field")),
            curve(data.get("record")),
            data.get("meta"),
            {mode: curve(part) for mode, part in by_mode.items()},
        )

    @classmethod
    def shipped(cls) -> Calibrator:
        """The table fitted on the sandbox market, or the identity when there is none."""
        path = resources.files("cleanlist_server.engine") / "data" / "calibration.json"
        if not path.is_file():
            return cls()
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def _curve_json(curve: Curve) -> dict[str, list[float]]:
    return {"x": list(curve.xs), "y": list(curve.ys)}


def expected_calibration_error(
    confidences: Sequence[float], outcomes: Sequence[bool], bins: int = 10
) -> float:
    """ECE: the bin-weighted gap between mean confidence and accuracy (equal-width bins)."""
    if not confidences:
        return 0.0
    sums = [[0.0, 0.0, 0] for _ in range(bins)]
    for c, ok in zip(confidences, outcomes, strict=True):
        b = min(bins - 1, int(c * bins))
        sums[b][0] += c
        sums[b][1] += 1.0 if ok else 0.0
        sums[b][2] += 1
    n = len(confidences)
    return sum(abs(s[0] - s[1]) / n for s in sums if s[2])
