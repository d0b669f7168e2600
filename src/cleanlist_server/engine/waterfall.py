"""The waterfall: plan, call, merge, judge.

For one query:

1. Candidates: the request's ``providers`` (in that order), else every enabled provider
   in configured order. The knowledge base, when present, always goes first.
2. Calls go through the ``ProviderRunner`` (deadline, retries, breaker, limits). Each
   call sees what earlier calls found (``Query.known``), so a LinkedIn URL found by one
   provider lets the next look up a phone, and the phone provider reads the number.
   A provider is called only when it accepts the query, can add a field still missing,
   and fits the remaining ``max_provider_cost``. Sequential mode calls one at a time in
   strategy order; parallel mode calls every eligible provider at once, in waves, as
   new identifiers appear.
3. Early stop: as soon as the wanted fields are filled and the record's confidence
   reaches ``stop_confidence``, no further paid provider is called; a free one that can
   second a single-source field still may, if it is offline (the numbering plan) or
   reads what the record now holds (the employer's homepage: ``_confirms_free``).
4. Email checks: a referee (``providers.base.Referee``, the email verifier) checks each
   address the merge would return; one it refutes (a dead mailbox) loses to the next
   candidate and the search goes on (``_referee``).
5. Merge (``engine/merge.py``), then calibrated confidences (``engine/calibration.py``).
   ``required`` fields missing, or a record confidence under ``min_confidence``, make
   the answer not-found (and free).
6. Learning: fields each provider delivered, and agreement with the merged answer.

A provider that fails never fails the request: it is listed in ``skipped`` with why.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from cleanlist_server.domain.fields import CONTACT_FIELDS, PERSON_FIELDS
from cleanlist_server.domain.records import Enrichment, FieldValue, ProviderResult, Query
from cleanlist_server.engine.calibration import (
    CORE_FIELDS,
    Calibrator,
    field_score,
    record_score,
)
from cleanlist_server.engine.merge import (
    DEPENDENT_FIELDS,
    UNION_FIELDS,
    FieldDecision,
    Merged,
    merge,
    provenance,
    said_of,
    source_of,
    value_key,
)
from cleanlist_server.engine.runner import Attempt, CallPolicy, ProviderRunner
from cleanlist_server.engine.stats import Learning, fill_rate
from cleanlist_server.engine.strategy import Outlook, pick_adaptive, worth_calling
from cleanlist_server.providers.base import Provider, Referee

log = logging.getLogger("cleanlist.waterfall")

Strategy = Literal["static", "adaptive"]

DEFAULT_WANTED: frozenset[str] = frozenset(
    {
        "email",
        "full_name",
        "title",
        "seniority",
        "department",
        "linkedin_url",
        "location",
        "company_name",
        "company_domain",
        "company_industry",
        "company_size",
        "phone",
    }
)
"""Fields whose presence ends the waterfall early when a request names none."""

IDENTIFYING_FIELDS = frozenset(PERSON_FIELDS) - {
    "email_status",
    "email_free_provider",
    "phone_type",
}
"""A result identifies the person when it carries one of these; checks alone do not."""

DEFAULT_STOP_CONFIDENCE = 0.9

CONFIRM_BELOW = 0.7
"""A wanted field from a single source under this calibrated confidence (or under the
request's ``min_confidence``, if higher) is doubtful: the waterfall values a provider that
may second it (``strategy.CONFIRM_WEIGHT``). Measured trade-off in bench/README.md."""

DEFAULT_MIN_VALUE = 0.15
"""Fields (wanted ones weighted, see ``strategy.WANTED_WEIGHT``) a paid call must be
expected to add per cost unit (a US cent by default) to be worth making."""

MAX_REREADS = 3
"""How often one offline provider may be asked within a run (its inputs changed)."""

MAX_CHECKS = 3
"""How many values of its field a referee may check within one run (each an SMTP
conversation for the email verifier: a run that found three dead addresses stops there)."""

PHONE_FIELDS = frozenset({"phone", "mobile", "phone_type"})
"""The record confidence at which a filled record stops the waterfall."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How one request narrows the waterfall."""

    required: frozenset[str] = frozenset()
    min_confidence: float = 0.0
    providers: tuple[str, ...] | None = None
    max_provider_cost: float | None = None
    wanted: frozenset[str] | None = DEFAULT_WANTED
    """Early-stop target; None never stops early (the 'fixed order' baseline)."""
    stop_confidence: float = DEFAULT_STOP_CONFIDENCE
    parallel: bool | None = None
    """None: the waterfall's default mode."""
    skip_known: bool = True
    """Skip providers that can only return fields already known (False: 'query all')."""
    min_value: float | None = DEFAULT_MIN_VALUE
    """Value-of-information stop (see ``DEFAULT_MIN_VALUE``); None calls every provider
    that can add something."""


def _single_source(merged: Merged, excluded: Callable[[str], bool]) -> frozenset[str]:
    """Fields one source vouches for (not the caller's own identifiers, not list unions,
    not a source ``excluded`` says to leave alone)."""
    return frozenset(
        name
        for name, d in merged.decisions.items()
        if len(d.sources) == 1
        and d.sources[0] != "request"
        and not excluded(d.sources[0])
        and name not in UNION_FIELDS
    )


def is_free(provider: Provider) -> bool:
    return provider.cost_per_call + provider.cost_per_hit <= 0


def is_offline(provider: Provider) -> bool:
    """A free provider that answers from local data, with no network call (an optional
    ``offline`` attribute): it may confirm fields even after the early stop."""
    return is_free(provider) and bool(getattr(provider, "offline", False))


def _rereads(provider: Provider) -> bool:
    """A free provider that names the known fields it reads (``reads``): the waterfall
    asks it again when they change (a phone found after it looked at the switchboard; the
    employer's domain decided anew after the website read the old employer's homepage)."""
    return is_free(provider) and bool(getattr(provider, "reads", None))


def _confirms_free(provider: Provider) -> bool:
    """May second a field after the early stop: free, and either offline or a reader of
    the record's own fields (``reads``; asked only while it has not read their values)."""
    return is_offline(provider) or _rereads(provider)


def _inputs(provider: Provider, query: Query) -> tuple[object, ...]:
    reads: frozenset[str] = getattr(provider, "reads", frozenset())
    return tuple(query.value(name) for name in sorted(reads))


@dataclass(frozen=True, slots=True)
class Doubt:
    """Known fields a second opinion is worth a call for (see ``Waterfall._doubt``)."""

    weak: frozenset[str] = frozenset()
    """Wanted, single-source, under the confirmation threshold: worth a paid call."""
    single: frozenset[str] = frozenset()
    """Every single-source field: worth a free call."""
    stale: frozenset[str] = frozenset()
    """Providers asked again when their inputs change (``reads``) whose inputs changed
    since they answered: all they said is about something else now."""

    def of(self, provider: Provider) -> frozenset[str]:
        if provider.name in self.stale:
            return provider.fields
        return self.single if is_free(provider) else self.weak


@dataclass(slots=True)
class CallRecord:
    provider: str
    outcome: str
    """matched, miss, checked (a referee's verdict), error:<code>, skipped:<reason>."""
    latency_ms: float = 0.0
    cost: float = 0.0


@dataclass(slots=True)
class Run:
    """Everything one waterfall run did, for ``?expand=provenance`` and the benchmark."""

    calls: list[CallRecord] = field(default_factory=list)
    merged: Merged | None = None
    confidences: dict[str, float] = field(default_factory=dict)
    cost: float = 0.0
    strategy: str = "static"
    mode: str = "static"
    """How it ran, as calibration tells runs apart: ``static``, ``adaptive`` or ``parallel``."""
    results: list[ProviderResult] = field(default_factory=list)
    """Every matched provider answer (for benchmarks that judge single providers)."""
    raw_fields: dict[str, float] = field(default_factory=dict)
    raw_record: float = 0.0
    """Uncalibrated evidence scores (what bench/calibrate.py fits the calibration on)."""
    scores: dict[tuple[Any, ...], float] = field(default_factory=dict, repr=False)
    """Evidence scores computed during the run (``Waterfall._field_raw``)."""
    checks: dict[tuple[str, object], ProviderResult | None] = field(default_factory=dict)
    """The referees' answers, by field and ``value_key`` of the value checked (None: the
    check failed). A new email check rides in its result's ``new_check`` for the caller to store."""
    refuted: dict[str, set[object]] = field(default_factory=dict)
    """Per field, the values a referee disproved (they lose the merge)."""

    def provenance(self) -> dict[str, Any]:
        fields = provenance(self.merged, self.confidences) if self.merged else {}
        return {
            "strategy": self.strategy,
            "provider_cost": round(self.cost, 4),
            "providers": [
                {
                    "name": c.provider,
                    "outcome": c.outcome,
                    "latency_ms": round(c.latency_ms, 1),
                    "cost": c.cost,
                }
                for c in self.calls
            ],
            "fields": fields,
        }


class Waterfall:
    def __init__(
        self,
        providers: Sequence[Provider],
        runner: ProviderRunner | None = None,
        *,
        strategy: Strategy = "static",
        parallel: bool = False,
        learning: Learning | None = None,
        calibrator: Calibrator | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.clock = clock
        self.providers = list(providers)
        self.by_name = {p.name: p for p in self.providers}
        self.referees: dict[str, Referee] = {
            p.name: p for p in self.providers if isinstance(p, Referee)
        }
        """Providers that check a field's value live (``providers.base.Referee``): not
        called in turn, but on each new winner of their field (``_referee``)."""
        self.runner = runner or ProviderRunner(lambda _name: CallPolicy())
        self.strategy: Strategy = strategy
        self.parallel = parallel
        self.learning = learning or Learning()
        self.calibrator = calibrator or Calibrator()

    # --- planning ------------------------------------------------------------------

    def candidates(self, options: RunOptions) -> list[Provider]:
        if options.providers is not None:
            chosen = [self.by_name[name] for name in options.providers if name in self.by_name]
        else:
            chosen = list(self.providers)
        kb = [p for p in chosen if p.name == "kb"]
        return kb + [p for p in chosen if p.name != "kb"]

    def outlook(self, provider: Provider) -> Outlook:
        live = self.runner.stats(provider.name)
        parts = self.learning.parts(provider.name)
        calls = live.calls + sum(p.calls for p in parts)
        hits = live.hits + sum(p.hits for p in parts)
        answered = hits + live.misses + sum(p.misses for p in parts)
        hit_rate = (hits + 2) / (answered + 4)
        elapsed = live.total_latency + sum(p.latency_total for p in parts)
        latency = elapsed / calls if calls and elapsed else 0.5

        def fill(name: str) -> float:
            return fill_rate(calls, sum(p.field_hits[name] for p in parts))

        return Outlook(hit_rate=hit_rate, latency=latency, fill=fill)

    # --- running -------------------------------------------------------------------

    async def run(
        self,
        query: Query,
        options: RunOptions | None = None,
        *,
        trace: Run | None = None,
        prior: Sequence[ProviderResult] = (),
    ) -> Enrichment:
        """``prior``: matched answers already in hand about this person (a people
        search's entry); they join the merge from the start but are no call of this run."""
        options = options or RunOptions()
        run = trace if trace is not None else Run()
        run.strategy = "explicit" if options.providers is not None else self.strategy
        parallel = self.parallel if options.parallel is None else options.parallel
        run.mode = "parallel" if parallel else self.strategy
        results: list[ProviderResult] = list(prior)
        pending = self.candidates(options)
        referees = {r.checks: r for p in pending if (r := self.referees.get(p.name))}
        if referees:
            pending = [p for p in pending if p.name not in self.referees]
        queried = 0
        skipped: list[str] = []
        answered: dict[str, tuple[object, ...]] = {}
        """Offline providers: the inputs they last answered for."""
        rereads: Counter[str] = Counter()
        pinned = self._pinned(query)
        merged = merge([])
        if results:
            merged, checked = await self._settle(referees, query, results, run, pinned, skipped)
            queried += checked
        while pending:
            known = self._known(merged, run)
            current = query.with_known(known) if known else query
            if self._done(merged, known, options, run):
                # Done: only what costs no money may still second a single-source
                # field: the numbering plan on a vendor's phone type, or the homepage of
                # the employer just found on a vendor's HQ address (a reader of the
                # record's own fields, asked once for what it reads).
                single = _single_source(merged, self._free)
                pending = [p for p in pending if _confirms_free(p) and p.fields & single]
                if not pending:
                    break
            doubtful = self._doubt(merged, options, run, pending)
            stale = [n for n, seen in answered.items() if seen != _inputs(self.by_name[n], current)]
            if stale:
                doubtful = replace(doubtful, stale=frozenset(stale))
            eligible = [
                p
                for p in pending
                if self._eligible(p, current, known, options, doubtful)
                and answered.get(p.name) != _inputs(p, current)
            ]
            if not eligible:
                break
            eligible = self._worth(eligible, known, query, options, pending, run, doubtful)
            if not eligible:
                break
            if parallel:
                batch = eligible
            else:
                chosen = self._next(eligible, known, query, options, doubtful)
                if chosen is None:
                    break
                batch = [chosen]
            batch = self._within_budget(batch, run, options, skipped, pending)
            if not batch:
                continue
            asked = {p.name: current for p in batch}
            for p in batch:
                if not _rereads(p):
                    pending.remove(p)
                    continue
                # Asked again when what it reads changes (at most ``MAX_REREADS`` times);
                # its new answer replaces the old, and it does not see its own old answer.
                if p.name in answered:
                    queried -= 1
                    results[:] = [r for r in results if r.provider != p.name]
                    asked[p.name] = self._query_from(query, results, pinned, run)
                answered[p.name] = _inputs(p, current)
                rereads[p.name] += 1
                if rereads[p.name] > MAX_REREADS:
                    pending.remove(p)
            attempts = await asyncio.gather(*(self.runner.call(p, asked[p.name]) for p in batch))
            for provider, attempt in zip(batch, attempts, strict=True):
                queried += self._record(provider, attempt, run, results, skipped)
            merged, checked = await self._settle(referees, query, results, run, pinned, skipped)
            queried += checked
        return self._finish(merged, results, queried, skipped, options, run)

    def _merge(
        self, results: list[ProviderResult], pinned: dict[str, FieldValue], run: Run
    ) -> Merged:
        return merge(
            results, reliability=self.learning.reliability, pinned=pinned, refuted=run.refuted
        )

    async def _settle(
        self,
        referees: dict[str, Referee],
        query: Query,
        results: list[ProviderResult],
        run: Run,
        pinned: dict[str, FieldValue],
        skipped: list[str],
    ) -> tuple[Merged, int]:
        """The merge of ``results`` once the referees have checked what it would return
        (the caller's own value first, so one merge takes its verdict too). Returns it and
        the calls to count."""
        if not referees:
            return self._merge(results, pinned, run), 0
        queried = await self._check_given(referees, query, pinned, results, run, skipped)
        merged = self._merge(results, pinned, run)
        merged, checked = await self._referee(
            referees, query, merged, results, run, pinned, skipped
        )
        return merged, queried + checked

    async def _referee(
        self,
        referees: dict[str, Referee],
        query: Query,
        merged: Merged,
        results: list[ProviderResult],
        run: Run,
        pinned: dict[str, FieldValue],
        skipped: list[str],
    ) -> tuple[Merged, int]:
        """Check each refereed field's winner live, once per value (at most ``MAX_CHECKS``
        values per field and run). A found value the check disproves is refuted and the
        next candidate is checked in turn; the caller's own identifier is checked (its
        status is part of the answer) but never refuted. Returns the merge after the
        checks and the calls to count: a referee counts once however many values it
        checked."""
        queried = 0
        for name, referee in referees.items():
            while (decision := merged.decisions.get(name)) is not None:
                key = value_key(decision.winner.value)
                done = [k for f, k in run.checks if f == name]
                if key in done or len(done) >= MAX_CHECKS:
                    break
                result, counted = await self._check(
                    referee, name, decision.winner.value, query, run, results, skipped
                )
                queried += counted if not done else 0
                if result is None:
                    break
                refuted = decision.winner.source != "request" and referee.refutes(result)
                if refuted:
                    run.refuted.setdefault(name, set()).add(key)
                merged = self._merge(results, pinned, run)  # the verdict joins the merge
                if not refuted:
                    break
        return merged, queried

    async def _check_given(
        self,
        referees: dict[str, Referee],
        query: Query,
        pinned: dict[str, FieldValue],
        results: list[ProviderResult],
        run: Run,
        skipped: list[str],
    ) -> int:
        """Check the caller's own value of a refereed field (it is the answer's, whatever
        is found) before the first merge of what the providers said, so one merge takes
        both. Returns the calls to count."""
        queried = 0
        for name, referee in referees.items():
            given = pinned.get(name)
            if given is not None and not any(f == name for f, _ in run.checks):
                _, counted = await self._check(
                    referee, name, given.value, query, run, results, skipped
                )
                queried += counted
        return queried

    async def _check(
        self,
        referee: Referee,
        name: str,
        value: object,
        query: Query,
        run: Run,
        results: list[ProviderResult],
        skipped: list[str],
    ) -> tuple[ProviderResult | None, int]:
        """One live check of ``value``: its answer (None if the check failed), recorded
        in ``run.checks`` and joined to ``results``, and the calls to count."""
        run.checks[(name, value_key(value))] = None
        attempt = await self.runner.call(referee, query.with_known({name: value}))
        counted = self._record(referee, attempt, run, results, skipped)
        result = attempt.result
        if attempt.error is not None or result is None or not result.matched:
            return None, counted
        run.checks[(name, value_key(value))] = result
        run.calls[-1].outcome = "checked"  # it vouched for no one: not a match
        return result, counted

    def _query_from(
        self,
        query: Query,
        results: list[ProviderResult],
        pinned: dict[str, FieldValue],
        run: Run,
    ) -> Query:
        merged = self._merge(results, pinned, run)
        return query.with_known({name: fv.value for name, fv in merged.winners.items()})

    def _pinned(self, query: Query) -> dict[str, FieldValue]:
        """The identifiers the caller gave: what they looked up is who they mean."""
        now = self.clock()
        return {
            name: FieldValue(value, "request", now, 0.9)
            for name in ("email", "linkedin_url")
            if (value := getattr(query, name)) is not None
        }

    @staticmethod
    def _known(merged: Merged, run: Run) -> dict[str, Any]:
        """What is known so far: the merge's winners, less a refuted one (an address
        whose mailbox is dead won only for want of another: the search goes on)."""
        known = {name: fv.value for name, fv in merged.winners.items()}
        for name, dead in run.refuted.items():
            if name in known and value_key(known[name]) in dead:
                del known[name]
        return known

    def _done(self, merged: Merged, known: dict[str, Any], options: RunOptions, run: Run) -> bool:
        if options.wanted is None or not known:
            return False
        wanted = options.wanted | options.required
        if not wanted <= known.keys():
            return False
        _, record = self._confidences(merged, run)
        return record >= max(options.stop_confidence, options.min_confidence)

    def _doubt(
        self, merged: Merged, options: RunOptions, run: Run, pending: Sequence[Provider]
    ) -> Doubt:
        """What a second opinion is worth a call for. Paid providers: wanted fields known
        from one source only, at a calibrated confidence under ``CONFIRM_BELOW`` or
        ``min_confidence``. Free providers: any field only one paid vendor vouches for
        (their confirmation costs nothing but a little latency: the company's own website
        seconding a vendor's HQ address, or contradicting it)."""
        if options.wanted is None or options.min_value is None:
            return Doubt()
        single = _single_source(merged, self._free)
        if all(is_free(p) for p in pending):
            return Doubt(frozenset(), single)  # no paid call left to weigh
        wanted = options.wanted | options.required
        below = max(CONFIRM_BELOW, options.min_confidence)
        now = self.clock()
        weak = frozenset(
            name
            for name in _single_source(merged, lambda _source: False) & wanted
            if self.calibrator.field_confidence(
                self._field_raw(name, merged.decisions[name], now, run.scores)
            )
            < below
        )
        return Doubt(weak, single)

    def _free(self, source: str) -> bool:
        """A free source's claim (the account's imports, a built-in's lookup) is not worth
        a free second opinion: free confirmations check what vendors sold us. (The email
        verifier re-reading the check the email finder just made would add nothing.)"""
        provider = self.by_name.get(source)
        return provider is not None and is_free(provider)

    def _eligible(
        self,
        provider: Provider,
        query: Query,
        known: dict[str, Any],
        options: RunOptions,
        doubtful: Doubt | None = None,
    ) -> bool:
        # Skip a provider that could only tell us what we already know (list fields such
        # as the tech stack are never complete: every source can add to them), unless
        # it can second a doubtful field.
        doubt = doubtful.of(provider) if doubtful else frozenset()
        redundant = options.skip_known and provider.fields - UNION_FIELDS <= known.keys()
        redundant = redundant and not provider.fields & (UNION_FIELDS | doubt)
        return provider.accepts(query) and not redundant

    def _targets(
        self, known: dict[str, Any], query: Query, options: RunOptions
    ) -> tuple[frozenset[str], frozenset[str]]:
        """(missing fields worth finding, the wanted ones among them)."""
        wanted = (options.wanted or frozenset()) | options.required
        fields = frozenset(CONTACT_FIELDS)
        if not query.include_phone:
            fields -= PHONE_FIELDS - options.required
            wanted -= PHONE_FIELDS - options.required
        missing = fields - known.keys()
        return missing, wanted & missing

    def _worth(
        self,
        eligible: list[Provider],
        known: dict[str, Any],
        query: Query,
        options: RunOptions,
        pending: list[Provider],
        run: Run,
        doubtful: Doubt | None = None,
    ) -> list[Provider]:
        """Drop providers whose expected gain does not pay for their expected cost."""
        if options.providers is not None or options.min_value is None:
            return eligible
        missing, wanted = self._targets(known, query, options)
        kept = []
        for p in eligible:
            outlook = self.outlook(p)
            doubt = doubtful.of(p) if doubtful else frozenset()
            if worth_calling(p, missing, outlook, wanted, options.min_value, doubt):
                kept.append(p)
            else:
                pending.remove(p)
                run.calls.append(CallRecord(p.name, "skipped:low_value"))
        return kept

    def _next(
        self,
        eligible: list[Provider],
        known: dict[str, Any],
        query: Query,
        options: RunOptions,
        doubtful: Doubt | None = None,
    ) -> Provider | None:
        if self.strategy != "adaptive" or options.providers is not None:
            return eligible[0]
        if eligible[0].name == "kb":
            return eligible[0]  # the account's own data first, always
        missing, wanted = self._targets(known, query, options)
        doubt = (doubtful or Doubt()).of
        return pick_adaptive(eligible, missing, self.outlook, wanted, doubt) or eligible[0]

    def _within_budget(
        self,
        batch: list[Provider],
        run: Run,
        options: RunOptions,
        skipped: list[str],
        pending: list[Provider],
    ) -> list[Provider]:
        if options.max_provider_cost is None:
            return batch
        kept: list[Provider] = []
        planned = run.cost
        for p in batch:
            worst = p.cost_per_call + p.cost_per_hit
            if planned + worst > options.max_provider_cost + 1e-9:
                pending.remove(p)
                skipped.append(p.name)
                run.calls.append(CallRecord(p.name, "skipped:budget"))
                continue
            planned += worst
            kept.append(p)
        return kept

    def _record(
        self,
        provider: Provider,
        attempt: Attempt,
        run: Run,
        results: list[ProviderResult],
        skipped: list[str],
    ) -> int:
        latency = attempt.elapsed * 1000
        if attempt.error == "circuit_open":
            skipped.append(provider.name)
            run.calls.append(CallRecord(provider.name, "skipped:circuit_open"))
            return 0
        cost = provider.cost_per_call
        if attempt.error is not None:
            log.warning("provider %s failed: %s", provider.name, attempt.error)
            skipped.append(provider.name)
            run.calls.append(CallRecord(provider.name, f"error:{attempt.error}", latency, cost))
            run.cost += cost
            return 1
        result = attempt.result
        assert result is not None
        if result.matched:
            cost += provider.cost_per_hit
            results.append(result)
            self.learning.record_fields(provider.name, list(result.fields))
        outcome = "matched" if result.matched else "miss"
        run.calls.append(CallRecord(provider.name, outcome, latency, cost))
        run.cost += cost
        return 1

    def _raw(self, merged: Merged, run: Run) -> tuple[dict[str, float], float]:
        now = self.clock()
        raw = {
            name: self._field_raw(name, d, now, run.scores) for name, d in merged.decisions.items()
        }
        core = [raw[n] for n in CORE_FIELDS if n in raw]
        return raw, record_score(core)

    def _field_raw(
        self, name: str, d: FieldDecision, now: datetime, memo: dict[tuple[Any, ...], float]
    ) -> float:
        """The field's evidence score (memoized per run: a decision that did not change
        between two merges keeps its winner object, support and contenders)."""
        key = (name, id(d.winner), len(d.sources), d.contenders)
        score = memo.get(key)
        if score is None:
            score = memo[key] = field_score(
                d.winner.confidence,
                len(d.sources),
                d.contenders,
                self.learning.reliability(source_of(d.winner), name),
                (now - d.winner.observed_at).total_seconds() / 86400,
            )
        return score

    def _confidences(
        self, merged: Merged, run: Run, raw: tuple[dict[str, float], float] | None = None
    ) -> tuple[dict[str, float], float]:
        fields, record = raw or self._raw(merged, run)
        out = {name: self.calibrator.field_confidence(r) for name, r in fields.items()}
        return out, self.calibrator.record_confidence(record, run.mode)

    def _finish(
        self,
        merged: Merged,
        results: list[ProviderResult],
        queried: int,
        skipped: list[str],
        options: RunOptions,
        run: Run,
    ) -> Enrichment:
        run.raw_fields, run.raw_record = self._raw(merged, run)
        confidences, record = self._confidences(merged, run, (run.raw_fields, run.raw_record))
        run.merged, run.confidences, run.results = merged, confidences, results
        self._learn_agreement(merged, results)
        fields = {
            name: FieldValue(fv.value, fv.source, fv.observed_at, confidences[name])
            for name, fv in merged.winners.items()
        }
        mobile = fields.get("mobile")
        if "phone" not in fields and mobile is not None:
            # No direct dial known: the mobile is the best number to call.
            fields["phone"] = mobile
            fields["phone_type"] = FieldValue(
                "mobile", mobile.source, mobile.observed_at, mobile.confidence
            )
        matched = any(r.fields.keys() & IDENTIFYING_FIELDS for r in results)
        if options.required and not options.required <= fields.keys():
            matched = False
        if record < options.min_confidence:
            matched = False
        return Enrichment(
            matched=matched,
            fields=fields if matched else {},
            providers_queried=queried,
            providers_matched=sum(r.provider not in self.referees for r in results),
            confidence=record if matched else 0.0,
            enriched_at=_latest(fields) if matched else None,
            skipped=skipped,
        )

    def _learn_agreement(self, merged: Merged, results: list[ProviderResult]) -> None:
        """Per provider and field, whether its value was the merged one, where several
        sources spoke. List fields that are a union of partial views (the tech stack)
        teach nothing: a source that saw part of it is not wrong."""
        if len(results) < 2:
            return
        tally: dict[str, list[tuple[str, bool]]] = {}
        for name, d in merged.decisions.items():
            if d.contenders < 2 or name in UNION_FIELDS:
                continue
            winner = value_key(d.winner.value)
            subject = DEPENDENT_FIELDS.get(name)
            chosen = merged.decisions.get(subject) if subject else None
            for result in results:
                fv = result.fields.get(name)
                if fv is None or fv.value is None:
                    continue
                if chosen is not None and subject is not None:
                    said = said_of(result, subject)
                    if said is not None and said != value_key(chosen.winner.value):
                        continue  # a verdict on another address is no disagreement
                tally.setdefault(result.provider, []).append((name, value_key(fv.value) == winner))
        for provider, verdicts in tally.items():
            self.learning.record_agreement(provider, verdicts)


def _latest(fields: dict[str, FieldValue]) -> datetime | None:
    """When the data was last confirmed: the newest observation of a source (the caller's
    own identifiers, echoed back, confirm nothing)."""
    seen = [fv.observed_at for fv in fields.values() if fv.source != "request"]
    return max(seen) if seen else None
