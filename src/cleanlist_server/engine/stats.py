"""What the waterfall learns about each provider, in memory and persisted.

``Learning`` keeps, per provider, counters that the runner does not: which fields a hit
delivered (the adaptive strategy's fill rates) and how often its values agreed with the
merged answer where several sources spoke (the merge's reliability). ``StatsStore``
adds the deltas of this process (runner counters and learning) to the ``provider_stats``
table, so `cleanlist providers` and a restarted server see everything ever observed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from cleanlist_server.engine.runner import ProviderRunner, ProviderStats
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.tables import provider_stats

PRIOR_HIT_RATE = 0.5
PRIOR_WEIGHT = 4.0
"""An unseen provider counts as ``PRIOR_WEIGHT`` calls at ``PRIOR_HIT_RATE``."""


@dataclass
class Totals:
    """Counters of one provider (a persisted row, or a delta to add to one)."""

    calls: int = 0
    hits: int = 0
    misses: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latency_total: float = 0.0
    field_hits: Counter[str] = field(default_factory=Counter)
    agreements: int = 0
    disagreements: int = 0
    breaker: str = "closed"
    field_agreed: Counter[str] = field(default_factory=Counter)
    field_disagreed: Counter[str] = field(default_factory=Counter)
    """Agreement per field (``agreements`` is their sum): a vendor can be right about
    names and wrong about direct dials."""

    def add(self, other: Totals) -> None:
        self.calls += other.calls
        self.hits += other.hits
        self.misses += other.misses
        self.errors.update(other.errors)
        self.latency_total += other.latency_total
        self.field_hits.update(other.field_hits)
        self.agreements += other.agreements
        self.disagreements += other.disagreements
        self.field_agreed.update(other.field_agreed)
        self.field_disagreed.update(other.field_disagreed)
        self.breaker = other.breaker

    def learned(self) -> Totals:
        """Only what the waterfall learned (fills, agreement), not the runner's counters."""
        return Totals(
            field_hits=Counter(self.field_hits),
            agreements=self.agreements,
            disagreements=self.disagreements,
            field_agreed=Counter(self.field_agreed),
            field_disagreed=Counter(self.field_disagreed),
        )

    @property
    def hit_rate(self) -> float | None:
        answered = self.hits + self.misses
        return self.hits / answered if answered else None

    @property
    def mean_latency(self) -> float | None:
        return self.latency_total / self.calls if self.calls else None

    @property
    def compared(self) -> int:
        return self.agreements + self.disagreements

    @property
    def reliability(self) -> float | None:
        seen = self.agreements + self.disagreements
        return self.agreements / seen if seen else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "hits": self.hits,
            "misses": self.misses,
            "errors": dict(self.errors),
            "hit_rate": _round(self.hit_rate),
            "mean_latency_ms": _round(
                None if self.mean_latency is None else self.mean_latency * 1000, 1
            ),
            "reliability": _round(self.reliability),
            "breaker": self.breaker,
        }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


FIELD_PRIOR_WEIGHT = 8.0
"""A provider's reliability on a field starts as its overall reliability, worth this many
comparisons of that field."""


class Learning:
    """Per-provider field fill and agreement, plus the persisted history loaded at start."""

    def __init__(self) -> None:
        self._history: dict[str, Totals] = {}
        self.fresh: dict[str, Totals] = {}
        self._reliable: dict[tuple[str, str | None], float] = {}

    @property
    def history(self) -> dict[str, Totals]:
        return self._history

    @history.setter
    def history(self, value: dict[str, Totals]) -> None:
        self._history = value
        self._reliable.clear()

    def _fresh(self, name: str) -> Totals:
        return self.fresh.setdefault(name, Totals())

    def record_fields(self, name: str, fields: Iterable[str]) -> None:
        self._fresh(name).field_hits.update(list(fields))

    def record_agreement(self, name: str, verdicts: Iterable[tuple[str, bool]]) -> None:
        """One provider's values of one run, each (field, agreed with the merged answer)."""
        t = self._fresh(name)
        for field_name, agreed in verdicts:
            if agreed:
                t.agreements += 1
                t.field_agreed[field_name] += 1
            else:
                t.disagreements += 1
                t.field_disagreed[field_name] += 1
        self._reliable.clear()

    def parts(self, name: str) -> tuple[Totals, ...]:
        """The persisted history and this process's learning of one provider (not added
        up: the waterfall reads a few counters of them on every step)."""
        return tuple(p for p in (self._history.get(name), self.fresh.get(name)) if p is not None)

    def total(self, name: str, runner: ProviderStats | None = None) -> Totals:
        """History + this process (runner counters + learning)."""
        out = Totals()
        if name in self.history:
            out.add(self.history[name])
        fresh = self.fresh.get(name)
        if fresh is not None:
            breaker = out.breaker
            out.add(fresh.learned())
            out.breaker = breaker
        if runner is not None:
            out.add(_from_runner(runner))
        return out

    def reliability(self, name: str, field_name: str | None = None) -> float:
        """Agreement rate with a Beta(2, 2) prior: 0.5 for a provider never compared.
        With a field: the provider's agreement on that field, shrunk towards its overall
        rate (``FIELD_PRIOR_WEIGHT``)."""
        key = (name, field_name)
        cached = self._reliable.get(key)
        if cached is not None:
            return cached
        parts = self.parts(name)
        agreed = sum(p.agreements for p in parts)
        overall = (agreed + 2) / (agreed + sum(p.disagreements for p in parts) + 4)
        if field_name is None:
            value = overall
        else:
            yes = sum(p.field_agreed[field_name] for p in parts)
            no = sum(p.field_disagreed[field_name] for p in parts)
            value = (yes + FIELD_PRIOR_WEIGHT * overall) / (yes + no + FIELD_PRIOR_WEIGHT)
        self._reliable[key] = value
        return value


def fill_rate(calls: int, field_hits: int) -> float:
    """P(a provider returns a field on a call), from its calls and the calls that returned
    the field, shrunk towards the prior for providers seldom called."""
    return (field_hits + PRIOR_HIT_RATE * PRIOR_WEIGHT) / (calls + PRIOR_WEIGHT)


def _from_runner(s: ProviderStats) -> Totals:
    return Totals(
        calls=s.calls,
        hits=s.hits,
        misses=s.misses,
        errors=Counter(s.errors),
        latency_total=s.total_latency,
        breaker=s.breaker,
    )


class StatsStore:
    """Adds this process's deltas to ``provider_stats``; loads the totals back."""

    def __init__(
        self,
        db: Database,
        runner: ProviderRunner,
        learning: Learning,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.runner = runner
        self.learning = learning
        self.clock = clock
        self._flushed: dict[str, ProviderStats] = {}

    async def load(self) -> dict[str, Totals]:
        async with self.db.read() as conn:
            rows = (await conn.execute(select(provider_stats))).mappings().all()
        history = {row["name"]: row_totals(row) for row in rows}
        self.learning.history = history
        return history

    def _delta(self, name: str) -> Totals:
        now = self.runner.stats(name)
        before = self._flushed.get(name)
        delta = _from_runner(now)
        if before is not None:
            delta.calls -= before.calls
            delta.hits -= before.hits
            delta.misses -= before.misses
            delta.latency_total -= before.total_latency
            delta.errors.subtract(before.errors)
            delta.errors = +delta.errors
        fresh = self.learning.fresh.get(name)
        if fresh is not None:
            delta.add(fresh.learned())
            delta.breaker = now.breaker
        return delta

    async def flush(self, names: Iterable[str]) -> None:
        deltas = {name: self._delta(name) for name in names}
        deltas = {n: d for n, d in deltas.items() if d.calls or d.field_hits or d.compared}
        if not deltas:
            return
        now = self.clock()
        async with self.db.write() as conn:
            query = select(provider_stats).where(provider_stats.c.name.in_(list(deltas)))
            if self.db.dialect != "sqlite":
                query = query.with_for_update()
            rows = (await conn.execute(query)).mappings().all()
            current = {row["name"]: row_totals(row) for row in rows}
            for name, delta in deltas.items():
                total = current.get(name, Totals())
                total.add(delta)
                values = _row_values(total, now)
                if name in current:
                    await conn.execute(
                        provider_stats.update()
                        .where(provider_stats.c.name == name)
                        .values(**values)
                    )
                else:
                    await conn.execute(provider_stats.insert().values(name=name, **values))
        for name in deltas:
            self._flushed[name] = self.runner.stats(name)
            fresh = self.learning.fresh.pop(name, None)
            if fresh is not None:
                self.learning.history.setdefault(name, Totals()).add(fresh.learned())


def row_totals(row: Any) -> Totals:
    return Totals(
        calls=row["calls"],
        hits=row["hits"],
        misses=row["misses"],
        errors=Counter(row["errors"] or {}),
        latency_total=row["latency_total"],
        field_hits=Counter(row["field_hits"] or {}),
        agreements=row["agreements"],
        disagreements=row["disagreements"],
        breaker=row["breaker"],
        field_agreed=+Counter({f: ad[0] for f, ad in (row["field_agreements"] or {}).items()}),
        field_disagreed=+Counter({f: ad[1] for f, ad in (row["field_agreements"] or {}).items()}),
    )


def _row_values(t: Totals, now: datetime) -> dict[str, Any]:
    return {
        "calls": t.calls,
        "hits": t.hits,
        "misses": t.misses,
        "errors": dict(t.errors),
        "latency_total": t.latency_total,
        "field_hits": dict(t.field_hits),
        "agreements": t.agreements,
        "disagreements": t.disagreements,
        "field_agreements": {
            f: [t.field_agreed[f], t.field_disagreed[f]]
            for f in sorted(t.field_agreed.keys() | t.field_disagreed.keys())
        },
        "breaker": t.breaker,
        "updated_at": now,
    }
