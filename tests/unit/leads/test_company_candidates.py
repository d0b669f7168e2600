"""Candidates of a company-only lead request: people searches through the runner, the
pool of knowledge-base and searched people, pre-scores, priors and the answer's meta."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from cleanlist_server.domain.records import Enrichment, FieldValue, ProviderResult, Query
from cleanlist_server.engine.runner import CallPolicy, ProviderAuthError, ProviderRunner
from cleanlist_server.engine.waterfall import Run, RunOptions, Waterfall
from cleanlist_server.providers.base import ProviderError
from cleanlist_server.providers.people import (
    PeopleLookup,
    PeopleSearch,
    Searched,
    identity_keys,
    searched,
    searchers,
)
from cleanlist_server.scoring.icp import DEFAULT_PROFILE, HIGH, compile_profile, tier_for
from cleanlist_server.services.enrich import Found
from cleanlist_server.services.icp_profiles import ResolvedProfile
from cleanlist_server.services.leads import _best, _company_meta, _found_domain, _pool
from cleanlist_server.storage.kb import KnownPerson

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SEEN = datetime(2026, 9, 1, tzinfo=UTC)
COMPANY = Query(account_id=1, company_domain="acme.test", company_name="Acme")
PROFILE = ResolvedProfile("icp_test", DEFAULT_PROFILE, compile_profile(DEFAULT_PROFILE))
ACME = {
    "company_domain": "acme.test",
    "company_name": "Acme",
    "company_size": "201-500",
    "company_industry": "Software",
}


def person(provider: str = "hunter", confidence: float = 0.9, **fields: object) -> ProviderResult:
    values = {"company_domain": "acme.test", "company_name": "Acme", **fields}
    return ProviderResult(
        provider=provider,
        matched=True,
        fields={k: FieldValue(v, provider, SEEN, confidence) for k, v in values.items()},
    )


VP = person(
    email="vera@acme.test",
    first_name="Vera",
    last_name="Quinn",
    title="VP of Sales",
    seniority="vp",
    department="Sales",
)
INTERN = person(
    email="ivy@acme.test", first_name="Ivy", last_name="Park", title="Intern", seniority="entry"
)


class Searcher:
    """A provider that can search people, answering from a script."""

    requires_key = True
    cost_per_call = 0.0
    cost_per_hit = 4.9
    fields = frozenset({"email", "title"})

    def __init__(self, answer: list[ProviderResult] | ProviderError, delay: float = 0.0) -> None:
        self.name = "hunter"
        self.answer = answer
        self.delay = delay
        self.asked: list[tuple[str | None, str | None, int]] = []

    def accepts(self, query: Query) -> bool:
        return False

    async def lookup(self, query: Query) -> ProviderResult:
        return ProviderResult.miss(self.name)

    async def people_at(
        self, domain: str | None, company_name: str | None, limit: int
    ) -> list[ProviderResult]:
        self.asked.append((domain, company_name, limit))
        await asyncio.sleep(self.delay)
        if isinstance(self.answer, ProviderError):
            raise self.answer
        return self.answer


class LookupOnly(Searcher):
    people_at = None  # type: ignore[assignment]


def runner(timeout: float = 1.0, breaker_failures: int = 5) -> ProviderRunner:
    policy = CallPolicy(timeout=timeout, retries=0, breaker_failures=breaker_failures)
    return ProviderRunner(lambda _name: policy)


async def search(provider: Searcher, run: ProviderRunner | None = None) -> Searched:
    call = PeopleLookup(provider, "acme.test", None, 10)
    return searched(call, await (run or runner()).call(call, COMPANY))


def test_only_providers_with_people_at_search() -> None:
    hunter = Searcher([])
    assert isinstance(hunter, PeopleSearch)
    assert searchers([LookupOnly([]), hunter]) == [hunter]


@pytest.mark.parametrize(
    ("fields", "keys"),
    [
        (
            {"email": "Vera@Acme.test", "first_name": "Vera", "last_name": "Quinn"},
            {"email:vera@acme.test", "name:vera quinn"},
        ),
        (
            {"linkedin_url": "https://linkedin.com/in/vq"},
            {"linkedin_url:https://linkedin.com/in/vq"},
        ),
        ({"first_name": "Vera"}, set()),  # a first name alone identifies nobody
    ],
)
def test_identity_keys(fields: dict[str, str], keys: set[str]) -> None:
    assert identity_keys(fields) == keys


async def test_a_search_through_the_runner_is_a_costed_call() -> None:
    shared = runner()
    hunter = Searcher([VP, INTERN, ProviderResult.miss("hunter")])
    found = await search(hunter, shared)
    assert (found.outcome, found.cost, found.people) == ("matched", 4.9, [VP, INTERN])
    assert found.provenance() | {"latency_ms": 0} == {
        "name": "hunter",
        "outcome": "matched",
        "latency_ms": 0,
        "cost": 4.9,
        "people": 2,
    }
    nobody = await search(Searcher([]), shared)
    assert (nobody.outcome, nobody.cost, nobody.people) == ("miss", 0.0, [])
    assert hunter.asked == [("acme.test", None, 10)]
    stats = shared.stats("hunter")  # counted under the provider's own name
    assert (stats.calls, stats.hits, stats.misses) == (2, 1, 1)


async def test_a_failing_search_is_an_outcome_never_an_exception() -> None:
    shared = runner(timeout=0.05, breaker_failures=1)
    refused = await search(Searcher(ProviderAuthError("hunter GET /v2/domain-search: 401")))
    slow = await search(Searcher([VP], delay=1.0), shared)
    after = await search(Searcher([VP]), shared)  # the slow call opened the breaker
    assert (refused.outcome, refused.people, refused.called) == ("error:auth", [], True)
    assert (slow.outcome, slow.people) == ("error:timeout", [])
    assert (after.outcome, after.called, after.cost) == ("skipped:circuit_open", False, 0.0)
    assert shared.stats("hunter").errors == {"timeout": 1, "circuit_open": 1}


def test_the_pool_adds_searched_people_not_already_known() -> None:
    vera_kb = KnownPerson({"email": "vera@acme.test", "first_name": "Vera"}, dict(ACME))
    dan_kb = KnownPerson({"first_name": "Dan", "last_name": "Ortiz"}, dict(ACME))
    dan_found = person(email="dan.ortiz@acme.test", first_name="Dan", last_name="Ortiz")
    dan_again = person("other", email="dan@acme.test", first_name="Dan", last_name="Ortiz")
    searches = [
        Searched("hunter", "matched", people=[VP, dan_found, INTERN]),
        Searched("other", "matched", people=[dan_again]),
    ]
    pool = _pool([vera_kb, dan_kb], searches)
    assert [c.known for c in pool[:2]] == [vera_kb, dan_kb]  # the knowledge base first
    assert [c.found for c in pool] == [[VP], [dan_found, dan_again], [INTERN]]
    ivy = pool[2].known
    assert ivy.person["email"] == "ivy@acme.test" and ivy.company["company_domain"] == "acme.test"
    assert "company_domain" not in ivy.person and "email" not in ivy.company


def test_pre_scores_rank_everyone_on_the_company_record() -> None:
    sid = person(email="sid@acme.test", first_name="Sid", title="Software Engineer")
    pool = _pool(
        [KnownPerson({"email": "sam@acme.test", "title": "Software Engineer"}, dict(ACME))],
        [Searched("hunter", "matched", people=[INTERN, sid, VP])],
    )
    ranked = _best(pool, ACME, PROFILE, NOW)
    assert [c.known.person.get("email") for _, c in ranked] == [
        "vera@acme.test",
        "sam@acme.test",  # ties keep the pool's order: the knowledge base first
        "sid@acme.test",
        "ivy@acme.test",
    ]
    fits = [fit for fit, _ in ranked]
    assert fits[1] == fits[2] > fits[3]
    assert tier_for(fits[0]) == HIGH != tier_for(fits[1])  # the company fits; only Vera does
    # Without the shared record Sam's own company data would outrank Vera's fit.
    bare = _best(pool, None, PROFILE, NOW)
    assert bare[0][1].known.person["email"] == "sam@acme.test"


def test_a_company_name_takes_the_domain_most_people_share() -> None:
    other = person(email="x@acme-old.test", company_domain="acme-old.test")
    searches = [Searched("hunter", "matched", people=[VP, other, INTERN])]
    assert _found_domain(searches) == "acme.test"
    assert _found_domain([Searched("hunter", "miss")]) is None


async def test_a_prior_answer_joins_the_merge_without_being_a_call() -> None:
    waterfall = Waterfall([], runner())
    query = Query(account_id=1, email="vera@acme.test")
    trace = Run()
    outcome = await waterfall.run(query, RunOptions(), trace=trace, prior=[VP])
    assert outcome.matched and outcome.values()["title"] == "VP of Sales"
    assert (outcome.providers_queried, outcome.providers_matched, trace.calls) == (0, 1, [])
    assert not (await waterfall.run(query, RunOptions())).matched


def _found(queried: int, matched: int, skipped: list[str]) -> Found:
    outcome = Enrichment(True, {}, queried, matched, 0.8, NOW, skipped)
    return Found(outcome, Run())


def test_meta_counts_each_call_once() -> None:
    searches = [
        Searched("hunter", "matched", cost=4.9, people=[VP, INTERN]),
        Searched("apollo", "error:quota"),
        Searched("snov", "skipped:budget"),
    ]
    runs = [_found(3, 3, ["pdl"]), _found(2, 1, [])]  # each run merged one hunter prior
    meta = _company_meta(runs[:1], runs, 2, searches, priors=2)
    assert meta["providers_queried"] == 2 + 5  # the two searches made, the runs' calls
    assert meta["providers_matched"] == 1 + 4 - 2  # the priors were the search's answer
    assert meta["providers_skipped"] == ["apollo", "pdl", "snov"]
    assert (meta["credits_used"], meta["confidence"]) == (2, 0.8)
