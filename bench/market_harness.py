"""Run the product's waterfall against the sandbox market and judge it against the truth.

Shared by ``bench/waterfall_market.py`` (the issue #5 benchmark) and
``bench/calibrate.py`` (fits ``engine/data/calibration.json``). Everything runs on
loopback: the market's vendors over real HTTP, its websites, its DNS server.

The providers are the 13 commercial adapters plus the free ``email_verifier``,
``email_finder``, ``website``, ``dns``, ``phone`` and ``gravatar`` built-ins (19). The
email verifier and finder hold live SMTP conversations with the market's mail hosts,
over its DNS; their checks are kept in memory for the run, as the server keeps them in
``email_checks`` (``CLEANLIST_VERIFY_CACHE_DAYS``). The finder's knowledge base is an
empty database: an account with no imports. The knowledge base itself is left out
(bench/kb_enrich.py measures it).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import multiprocessing
import random
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from bench.verify_emails import config_for
from cleanlist_server.domain.fields import CONTACT_FIELDS
from cleanlist_server.domain.records import ProviderResult
from cleanlist_server.engine.calibration import CORE_FIELDS, Calibrator
from cleanlist_server.engine.merge import value_key
from cleanlist_server.engine.runner import CallPolicy, ProviderRunner
from cleanlist_server.engine.stats import Learning
from cleanlist_server.engine.waterfall import Run, RunOptions, Waterfall
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.providers.base import Provider, Referee
from cleanlist_server.providers.config import COMMERCIAL, KNOWN_PROVIDERS, load_provider_config
from cleanlist_server.providers.registry import BuiltInServices, build_providers, policy
from cleanlist_server.sandbox.market.model import Population, TruePerson
from cleanlist_server.sandbox.market.running import bench_population, start_market
from cleanlist_server.services.enrich import build_query
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.migrate import migrate
from cleanlist_server.verification import EmailVerifier, VerifierConfig

FREE = ("email_verifier", "email_finder", "website", "dns", "phone", "gravatar")
ORDER = (
    "apollo",
    "leadmagic",
    "prospeo",
    "snov",
    "hunter",
    "findymail",
    "dropcontact",
    "contactout",
    "lusha",
    "rocketreach",
    "pdl",
    "zerobounce",
    "neverbounce",
)
"""The static order a cost-conscious user configures: the finders by their documented
price per hit (``DEFAULT_COSTS``), cheapest first, then the verifiers, which add only a
verdict."""
SCALAR_FIELDS = tuple(f for f in CONTACT_FIELDS if f not in ("company_tech_stack",))
JUDGED = tuple(f for f in SCALAR_FIELDS if f not in ("email_status", "email_free_provider"))
"""Fields judged for fill and accuracy (email status is judged by bench/verify_emails.py)."""


@dataclass(frozen=True)
class MarketHandle:
    """A market running in another process: what the product needs to reach it."""

    env: dict[str, str]
    dns_address: str


def _serve_market(
    people: int, seed: int, today: date, latency: float, conn: Any
) -> None:  # pragma: no cover - runs in the child process
    logging.disable(logging.WARNING)
    population = bench_population(people=people, seed=seed, today=today)
    with start_market(population, latency_scale=latency, seed=seed) as market:
        dns = market.world.dns_address if market.world else ""
        conn.send((market.env(), dns))
        with contextlib.suppress(EOFError):
            conn.recv()  # anything, or the parent's end closing, stops the market


@contextlib.contextmanager
def market_process(
    people: int, *, seed: int, latency: float, today: date | None = None
) -> Iterator[tuple[Population, MarketHandle]]:
    """Serve ``bench_population(people, seed)`` from a child process and yield the same
    population (regenerated here: the generator is deterministic for a seed and a day).

    The market's HTTP, DNS and SMTP servers are Python too; in the benchmark's own
    process they would share its interpreter lock with the waterfall under test.
    """
    today = today or date.today()
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(
        target=_serve_market, args=(people, seed, today, latency, theirs), daemon=True
    )
    child.start()
    try:
        population = bench_population(people=people, seed=seed, today=today)
        deadline = time.monotonic() + 300
        while not ours.poll(0.5):
            if not child.is_alive():
                raise RuntimeError(f"the market process exited ({child.exitcode}) before serving")
            if time.monotonic() > deadline:
                raise RuntimeError("the market process did not start within 300 s")
        env, dns = ours.recv()
        yield population, MarketHandle(env, dns)
    finally:
        with contextlib.suppress(OSError):
            ours.send("stop")
        child.join(10)
        if child.is_alive():
            child.kill()


class MailChecks:
    """The server's store of email checks, in memory: each address is checked live once
    (the verifier over the market's DNS and SMTP) and its check reused after."""

    def __init__(self, config: VerifierConfig, egress: EgressPolicy) -> None:
        self.verifier = EmailVerifier(config, egress)
        self.done: dict[str, dict[str, Any]] = {}

    async def check(self, email: str) -> tuple[dict[str, Any], None]:
        """``providers.email_verifier.CheckEmail`` (nothing for a caller to store)."""
        return (await self.check_many([email]))[0], None

    async def check_many(self, emails: Sequence[str]) -> list[dict[str, Any]]:
        """``providers.email_finder.CheckMany``: one batch for the addresses not seen."""
        new = [e for e in dict.fromkeys(emails) if e.casefold() not in self.done]
        if new:
            for email, result in zip(new, await self.verifier.verify_many(new), strict=True):
                self.done[email.casefold()] = result.to_dict()
        return [self.done[e.casefold()] for e in emails]


async def build(
    market: MarketHandle, *, order: Sequence[str] = FREE + ORDER
) -> tuple[list[Provider], dict[str, CallPolicy]]:
    env = {**market.env, "CLEANLIST_PROVIDERS": ",".join(order)}
    for name in KNOWN_PROVIDERS:  # generous deadlines: the market's hangs end in timeouts
        env[f"CLEANLIST_PROVIDER_{name.upper()}_TIMEOUT"] = "5"
        env[f"CLEANLIST_PROVIDER_{name.upper()}_RETRIES"] = "1"
    config = load_provider_config(env=env, path=None)
    egress = EgressPolicy.from_strings("127.0.0.0/8", "")
    verifier_config = config_for(market.env)  # as bench/verify_emails.py checks mail
    checks = MailChecks(verifier_config, egress)
    services = BuiltInServices(
        db=await _empty_database(),
        check_email=checks.check,
        verify_batch=checks.check_many,
        verifier_config=verifier_config,
        egress=egress,
        kb_fresh_days=365,
        clock=lambda: datetime.now(UTC),
    )
    providers = build_providers(config, services)
    for p in providers:
        if hasattr(p, "poll_interval"):
            p.poll_interval = 0.05  # the market's async vendors answer on the next poll
    policies = {name: policy(config.providers[name]) for name in config.order}
    return providers, policies


async def _empty_database() -> Database:
    """A migrated SQLite file with no imports (the email finder reads known patterns)."""
    folder = tempfile.mkdtemp(prefix="cleanlist-bench-")
    atexit.register(shutil.rmtree, folder, True)
    url = f"sqlite:///{folder}/empty.db"
    await migrate(url)
    return Database(url)


def waterfall(
    providers: list[Provider],
    policies: Mapping[str, CallPolicy],
    *,
    strategy: str = "static",
    parallel: bool = False,
    learning: Learning | None = None,
    calibrator: Calibrator | None = None,
) -> Waterfall:
    runner = ProviderRunner(lambda n: policies.get(n) or CallPolicy())
    return Waterfall(
        providers,
        runner,
        strategy="adaptive" if strategy == "adaptive" else "static",
        parallel=parallel,
        learning=learning or Learning(),
        calibrator=calibrator or Calibrator(),
    )


def identifiers(person: TruePerson, population: Population, rng: random.Random) -> dict[str, Any]:
    """What a user typically has: an email (45%), a LinkedIn URL (25%), a name + company."""
    f = person.fields
    company = population.company_of(person)
    roll = rng.random()
    if roll < 0.45 and f.get("email"):
        return {"email": f["email"]}
    if roll < 0.70 and f.get("linkedin_url"):
        return {"linkedin_url": f["linkedin_url"]}
    return {
        "first_name": f.get("first_name"),
        "last_name": f.get("last_name"),
        "company_domain": company.domain,
    }


@dataclass
class Outcome:
    person: str
    fields: dict[str, Any]
    confidences: dict[str, float]
    record_confidence: float
    matched: bool
    cost: float
    latency: float
    results: list[ProviderResult] = field(default_factory=list)
    raw_fields: dict[str, float] = field(default_factory=dict)
    raw_record: float = 0.0


async def enrich_all(
    wf: Waterfall,
    population: Population,
    people: Sequence[TruePerson],
    options: RunOptions,
    *,
    seed: int = 5,
    concurrency: int = 48,
) -> list[Outcome]:
    rng = random.Random(seed)
    inputs = [identifiers(p, population, rng) for p in people]
    gate = asyncio.Semaphore(concurrency)

    async def one(person: TruePerson, body: dict[str, Any]) -> Outcome:
        async with gate:
            query = build_query(1, body)
            trace = Run()
            started = time.perf_counter()
            out = await wf.run(query, options, trace=trace)
            elapsed = time.perf_counter() - started
            return Outcome(
                person.id,
                out.values(),
                {k: fv.confidence for k, fv in out.fields.items()},
                out.confidence,
                out.matched,
                trace.cost,
                elapsed,
                trace.results,
                trace.raw_fields,
                trace.raw_record,
            )

    return await asyncio.gather(*(one(p, b) for p, b in zip(people, inputs, strict=True)))


def correct(name: str, got: Any, truth: Any) -> bool:
    if truth is None:
        return False
    if isinstance(got, list) or isinstance(truth, list):
        return {str(v).casefold() for v in got or ()} == {str(v).casefold() for v in truth or ()}
    return bool(value_key(got) == value_key(truth))


@dataclass
class Report:
    name: str
    fill: dict[str, float]
    accuracy: dict[str, float]
    fill_rate: float
    accuracy_rate: float
    matched: int
    cost_per_enriched: float
    total_cost: float
    p50: float
    p99: float
    ece: float
    record_pairs: list[tuple[float, bool]]
    field_pairs: list[tuple[float, bool]]
    raw_record_pairs: list[tuple[float, bool]]
    raw_field_pairs: list[tuple[float, bool]]


def judge(name: str, population: Population, outcomes: Iterable[Outcome]) -> Report:
    from cleanlist_server.engine.calibration import expected_calibration_error

    outcomes = list(outcomes)
    have: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    right: Counter[str] = Counter()
    record_pairs: list[tuple[float, bool]] = []
    field_pairs: list[tuple[float, bool]] = []
    raw_record_pairs: list[tuple[float, bool]] = []
    raw_field_pairs: list[tuple[float, bool]] = []
    for out in outcomes:
        truth = population.contact(population.people[out.person])
        for f in JUDGED:
            if truth.get(f) is None:
                continue
            have[f] += 1
            if out.fields.get(f) is not None:
                filled[f] += 1
                ok = correct(f, out.fields[f], truth[f])
                right[f] += ok
                field_pairs.append((out.confidences.get(f, 0.0), ok))
                raw_field_pairs.append((out.raw_fields.get(f, 0.0), ok))
        if out.matched:
            core = [f for f in CORE_FIELDS if out.fields.get(f) is not None]
            all_ok = all(correct(f, out.fields[f], truth.get(f)) for f in core)
            record_pairs.append((out.record_confidence, all_ok))
            raw_record_pairs.append((out.raw_record, all_ok))
    fill = {f: filled[f] / have[f] for f in have}
    accuracy = {f: right[f] / filled[f] for f in filled if filled[f]}
    matched = sum(o.matched for o in outcomes)
    total_cost = sum(o.cost for o in outcomes)
    latencies = sorted(o.latency for o in outcomes)
    return Report(
        name=name,
        fill=fill,
        accuracy=accuracy,
        fill_rate=sum(filled.values()) / max(1, sum(have.values())),
        accuracy_rate=sum(right.values()) / max(1, sum(filled.values())),
        matched=matched,
        cost_per_enriched=total_cost / max(1, matched),
        total_cost=total_cost,
        p50=statistics.median(latencies),
        p99=latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        ece=expected_calibration_error(
            [c for c, _ in record_pairs], [ok for _, ok in record_pairs]
        ),
        record_pairs=record_pairs,
        field_pairs=field_pairs,
        raw_record_pairs=raw_record_pairs,
        raw_field_pairs=raw_field_pairs,
    )


@dataclass(frozen=True)
class Duel:
    """One provider against our record, on the (person, field) values it delivered in the
    query-all run."""

    values: int
    theirs: float
    """Its accuracy on those values."""
    ours: float
    """Ours on the same person and field; a value we did not deliver counts as wrong."""
    shared: int
    """Of those values, the ones we delivered too."""
    theirs_shared: float
    ours_shared: float
    """Both accuracies on the shared values only: accuracy, with fill set aside."""


def head_to_head(
    population: Population, query_all: Iterable[Outcome], ours: Iterable[Outcome]
) -> dict[str, Duel]:
    """Per provider, its values in the query-all run against our record's."""
    mine = {o.person: o for o in ours}
    n: Counter[str] = Counter()
    theirs: Counter[str] = Counter()
    we: Counter[str] = Counter()
    both: Counter[str] = Counter()
    theirs_both: Counter[str] = Counter()
    we_both: Counter[str] = Counter()
    for out in query_all:
        truth = population.contact(population.people[out.person])
        record = mine[out.person].fields
        for result in out.results:
            for f, fv in result.fields.items():
                if f not in JUDGED or truth.get(f) is None:
                    continue
                p = result.provider
                right = correct(f, fv.value, truth[f])
                ok = record.get(f) is not None and correct(f, record[f], truth[f])
                n[p] += 1
                theirs[p] += right
                we[p] += ok
                if record.get(f) is not None:
                    both[p] += 1
                    theirs_both[p] += right
                    we_both[p] += ok
    return {
        p: Duel(
            values=n[p],
            theirs=theirs[p] / n[p],
            ours=we[p] / n[p],
            shared=both[p],
            theirs_shared=theirs_both[p] / both[p] if both[p] else 0.0,
            ours_shared=we_both[p] / both[p] if both[p] else 0.0,
        )
        for p in n
    }


def single_provider_accuracy(
    population: Population, outcomes: Iterable[Outcome]
) -> dict[str, tuple[float, int]]:
    """Each provider's own field accuracy (from a run that queried every provider)."""
    right: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for out in outcomes:
        truth = population.contact(population.people[out.person])
        for result in out.results:
            for f, fv in result.fields.items():
                if f not in JUDGED or truth.get(f) is None:
                    continue
                seen[result.provider] += 1
                right[result.provider] += correct(f, fv.value, truth[f])
    return {p: (right[p] / seen[p], seen[p]) for p in seen}


__all__ = [
    "COMMERCIAL",
    "FREE",
    "ORDER",
    "Duel",
    "MarketHandle",
    "Outcome",
    "Report",
    "alone",
    "build",
    "enrich_all",
    "judge",
    "market_process",
    "single_provider_accuracy",
    "split",
    "waterfall",
]


async def warm_up(
    providers: list[Provider],
    policies: Mapping[str, CallPolicy],
    population: Population,
    people: Sequence[TruePerson],
    *,
    calibrator: Calibrator | None = None,
) -> tuple[Learning, list[Outcome]]:
    """Learn fill rates, hit rates, latencies and reliability by querying every provider
    for ``people`` (a share of the market's population kept out of the measurement), as a
    server's persisted statistics would hold them after earlier traffic."""
    from cleanlist_server.engine.stats import Totals

    learning = Learning()
    wf = waterfall(providers, policies, parallel=True, learning=learning, calibrator=calibrator)
    outs = await enrich_all(wf, population, people, QUERY_ALL, seed=11)
    history: dict[str, Totals] = {}
    for p in providers:
        history[p.name] = learning.total(p.name, wf.runner.stats(p.name))
    learning.history, learning.fresh = history, {}
    return learning, outs


def split(population: Population, warm: int) -> tuple[list[TruePerson], list[TruePerson]]:
    """(warm-up people, measured people): every ``k``-th person warms up, so both shares
    span the same companies and vendors."""
    everyone = [population.people[k] for k in sorted(population.people)]
    step = max(2, len(everyone) // max(1, warm))
    return everyone[::step][:warm], [
        p for i, p in enumerate(everyone) if i % step or i // step >= warm
    ]


async def alone(
    providers: list[Provider],
    policies: Mapping[str, CallPolicy],
    population: Population,
    people: Sequence[TruePerson],
    *,
    learning: Learning,
    calibrator: Calibrator | None = None,
    seed: int = 7,
) -> list[Outcome]:
    """Each provider on its own, given only the caller's identifiers: what buying that
    one provider would give. One outcome per person, whose ``results`` hold every
    provider's own answer (for ``head_to_head``). Referees (the email verifier) take no
    turn of their own and are left out; so is a reader of what others found (the phone
    built-in) in effect: alone, it has nothing to read."""
    answers: dict[str, list[ProviderResult]] = {p.id: [] for p in people}
    for provider in providers:
        if isinstance(provider, Referee):
            continue
        wf = waterfall(providers, policies, learning=copy_learning(learning), calibrator=calibrator)
        only = RunOptions(providers=(provider.name,), wanted=None, min_value=None)
        for out in await enrich_all(wf, population, people, only, seed=seed):
            answers[out.person].extend(out.results)
    return [Outcome(pid, {}, {}, 0.0, bool(rs), 0.0, 0.0, rs) for pid, rs in answers.items()]


def copy_learning(learning: Learning) -> Learning:
    import copy

    return copy.deepcopy(learning)


QUERY_ALL = RunOptions(wanted=None, skip_known=False, min_value=None)
FIXED_NO_STOP = RunOptions(wanted=None, min_value=None)
