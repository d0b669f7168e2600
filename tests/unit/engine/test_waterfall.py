"""The waterfall over fake providers: order, chaining, early stop, budget, options, faults."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.engine.runner import CallPolicy, ProviderRunner, ProviderTimeout
from cleanlist_server.engine.stats import Learning
from cleanlist_server.engine.waterfall import Run, RunOptions, Waterfall

T = datetime(2026, 10, 1, tzinfo=UTC)
PERSON = {
    "email": "ann@acme.test",
    "full_name": "Ann Lee",
    "first_name": "Ann",
    "last_name": "Lee",
    "title": "VP of Sales",
    "company_name": "Acme",
    "company_domain": "acme.test",
}


@dataclass
class Fake:
    name: str
    answer: dict[str, Any] | None = None
    needs: str = "email"
    cost_per_call: float = 0.0
    cost_per_hit: float = 0.0
    confidence: float = 0.9
    fail: Exception | None = None
    delay: float = 0.0
    requires_key: bool = False
    fields: frozenset[str] = frozenset()
    seen: list[Query] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.fields:
            self.fields = frozenset(self.answer or {"email": 1})

    def accepts(self, query: Query) -> bool:
        return query.value(self.needs) is not None

    async def lookup(self, query: Query) -> ProviderResult:
        self.seen.append(query)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        if self.answer is None:
            return ProviderResult.miss(self.name)
        values = {k: FieldValue(v, self.name, T, self.confidence) for k, v in self.answer.items()}
        return ProviderResult(self.name, True, values)


def waterfall(*providers: Fake, **kw: Any) -> Waterfall:
    runner = ProviderRunner(lambda _n: CallPolicy(timeout=1.0, retries=0))
    return Waterfall(list(providers), runner, **kw)


Q = Query(account_id=1, email="ann@acme.test")
ALL = RunOptions(wanted=None, min_value=None)


async def test_stops_early_once_wanted_fields_are_filled_and_sure() -> None:
    a = Fake("a", dict(PERSON))
    b = Fake("b", {"phone": "+14155550100"})
    out = await waterfall(a, b).run(Q, RunOptions(wanted=frozenset(PERSON), stop_confidence=0.5))
    assert out.matched and out.providers_queried == 1 and not b.seen


async def test_no_early_stop_queries_every_useful_provider() -> None:
    a = Fake("a", dict(PERSON))
    b = Fake("b", {"phone": "+14155550100"})
    out = await waterfall(a, b).run(Q, ALL)
    assert out.providers_queried == 2 and out.fields["phone"].value == "+14155550100"


async def test_later_providers_see_what_earlier_ones_found() -> None:
    a = Fake("a", {"linkedin_url": "https://www.linkedin.com/in/ann", **PERSON})
    b = Fake("b", {"mobile": "+14155550101"}, needs="linkedin_url")
    out = await waterfall(b, a).run(Q, ALL)  # b is first but can only run after a
    assert [q.value("linkedin_url") for q in b.seen] == ["https://www.linkedin.com/in/ann"]
    assert out.fields["mobile"].value == "+14155550101"


async def test_a_failing_provider_is_skipped_never_fatal() -> None:
    a = Fake("a", fail=ProviderTimeout("slow"))
    b = Fake("b", dict(PERSON))
    trace = Run()
    out = await waterfall(a, b).run(Q, ALL, trace=trace)
    assert out.matched and out.skipped == ["a"] and out.providers_queried == 2
    assert [c.outcome for c in trace.calls] == ["error:timeout", "matched"]


async def test_budget_stops_spending() -> None:
    cheap = Fake("cheap", {"title": "VP of Sales", **PERSON}, cost_per_hit=2)
    dear = Fake("dear", {"phone": "+14155550100"}, cost_per_hit=30)
    trace = Run()
    out = await waterfall(cheap, dear).run(
        Q, RunOptions(wanted=None, max_provider_cost=10, min_value=None), trace=trace
    )
    assert not dear.seen and out.skipped == ["dear"]
    assert trace.cost == 2 and trace.calls[-1].outcome == "skipped:budget"


async def test_required_fields_missing_make_it_not_found() -> None:
    a = Fake("a", dict(PERSON))
    out = await waterfall(a).run(Q, RunOptions(required=frozenset({"phone"})))
    assert not out.matched and out.fields == {} and out.confidence == 0


async def test_min_confidence_makes_weak_answers_not_found() -> None:
    weak = Fake("weak", dict(PERSON), confidence=0.3)
    out = await waterfall(weak).run(Q, RunOptions(min_confidence=0.9))
    assert not out.matched
    sure = await waterfall(Fake("s", dict(PERSON), confidence=0.99)).run(
        Q, RunOptions(min_confidence=0.5)
    )
    assert sure.matched and sure.confidence >= 0.5


async def test_explicit_providers_order_for_one_call() -> None:
    a = Fake("a", dict(PERSON))
    b = Fake("b", {"title": "CEO", **{k: v for k, v in PERSON.items() if k != "title"}})
    out = await waterfall(a, b).run(Q, RunOptions(providers=("b",)))
    assert not a.seen and out.fields["title"].value == "CEO"


async def test_parallel_mode_calls_at_once() -> None:
    inflight: list[int] = [0, 0]  # now, most at once

    class Counting(Fake):
        async def lookup(self, query: Query) -> ProviderResult:
            inflight[0] += 1
            inflight[1] = max(inflight[1], inflight[0])
            try:
                return await super().lookup(query)
            finally:
                inflight[0] -= 1

    slow = [Counting(f"p{i}", {f"x{i}": 1, **PERSON}, delay=0.05) for i in range(4)]
    out = await waterfall(*slow, parallel=True).run(Q, ALL)
    assert out.providers_queried == 4
    assert inflight[1] == 4  # all four calls were in flight together
    sequential = [Counting(f"s{i}", {f"x{i}": 1, **PERSON}, delay=0.05) for i in range(4)]
    inflight[1] = 0
    await waterfall(*sequential).run(Q, ALL)
    assert inflight[1] == 1


async def test_checks_alone_are_not_a_match() -> None:
    check = Fake("check", {"email_status": "valid"})
    out = await waterfall(check).run(Q, ALL)
    assert not out.matched and out.providers_matched == 1


async def test_agreement_is_learned_as_reliability() -> None:
    learning = Learning()
    good1 = Fake("g1", dict(PERSON))
    good2 = Fake("g2", dict(PERSON))
    bad = Fake("bad", {**PERSON, "title": "Intern"})
    wf = waterfall(good1, good2, bad, learning=learning)
    for _ in range(3):
        await wf.run(Q, RunOptions(wanted=None, skip_known=False, min_value=None))
    assert learning.reliability("g1") > 0.9 > learning.reliability("bad")


async def test_adaptive_prefers_cheap_providers_that_fill_missing_fields() -> None:
    learning = Learning()
    dear = Fake("dear", dict(PERSON), cost_per_hit=50)
    cheap = Fake("cheap", dict(PERSON), cost_per_hit=1)
    wf = waterfall(dear, cheap, strategy="adaptive", learning=learning)
    out = await wf.run(Q, RunOptions(wanted=frozenset(PERSON)))
    assert out.matched and cheap.seen and not dear.seen


async def test_paid_providers_must_be_worth_their_cost() -> None:
    cheap = Fake("cheap", dict(PERSON), cost_per_hit=1)
    dear = Fake(
        "dear", {"mobile": "+14155550101", "personal_email": "a@gmail.com"}, cost_per_hit=500
    )
    trace = Run()
    out = await waterfall(cheap, dear).run(Q, RunOptions(wanted=None), trace=trace)
    assert out.matched and not dear.seen
    assert sorted(c.outcome for c in trace.calls) == ["matched", "skipped:low_value"]
    assert out.skipped == []  # not a failure: a decision


async def test_without_phone_no_phone_provider_is_paid_for() -> None:
    cheap = Fake("cheap", dict(PERSON), cost_per_hit=1)
    phones = Fake("phones", {"phone": "+14155550100", "mobile": "+14155550101"}, cost_per_hit=5)
    no_phone = Query(account_id=1, email="ann@acme.test", include_phone=False)
    await waterfall(cheap, phones).run(no_phone, RunOptions())
    assert not phones.seen
    await waterfall(cheap, phones).run(Q, RunOptions())  # the phone is wanted by default
    assert phones.seen


async def test_the_email_asked_about_stays_the_records_email() -> None:
    other = Fake("other", {**PERSON, "email": "ann.lee@oldjob.test"})
    trace = Run()
    out = await waterfall(other).run(Q, ALL, trace=trace)
    assert out.fields["email"].value == "ann@acme.test"
    assert out.fields["email"].source == "request"
    assert trace.provenance()["fields"]["email"]["rejected"][0]["value"] == "ann.lee@oldjob.test"


async def test_a_doubtful_wanted_field_is_worth_a_second_opinion() -> None:
    wanted = frozenset({"full_name", "title"})
    person = {"full_name": "Ann Lee", "title": "VP of Sales"}
    second = Fake("second", {"title": "VP of Sales"}, cost_per_hit=1)
    weak = Fake("weak", person, confidence=0.3)
    # Everything wanted is known after the first call, but the title rests on one weak
    # source: the record is short of the stop confidence and a provider that can only
    # repeat a known field is still called, to second it.
    out = await waterfall(weak, second).run(Q, RunOptions(wanted=wanted, stop_confidence=0.99))
    assert second.seen and out.providers_queried == 2
    assert out.fields["title"].value == "VP of Sales"
    # A sure first answer needs no second opinion on anything.
    sure, again = Fake("sure", person, confidence=0.99), Fake("again", {"title": "CEO"})
    await waterfall(sure, again).run(Q, RunOptions(wanted=wanted, stop_confidence=0.5))
    assert not again.seen


async def test_reliability_is_learned_per_field_and_never_from_unions() -> None:
    learning = Learning()
    g1 = Fake("g1", {**PERSON, "phone": "+14155550100", "company_tech_stack": ["React"]})
    g2 = Fake("g2", {**PERSON, "phone": "+14155550100", "company_tech_stack": ["HubSpot"]})
    # right about everything but the phone; saw another part of the tech stack
    dialer = Fake("dialer", {**PERSON, "phone": "+14155550199", "company_tech_stack": ["Vue"]})
    wf = waterfall(g1, g2, dialer, learning=learning)
    for _ in range(20):
        await wf.run(Q, RunOptions(wanted=None, skip_known=False, min_value=None))
    assert learning.reliability("dialer", "title") > 0.9
    assert learning.reliability("dialer", "phone") < 0.5 < learning.reliability("g1", "phone")
    assert learning.reliability("dialer", "company_tech_stack") == learning.reliability("dialer")
    assert learning.total("g1").field_disagreed["company_tech_stack"] == 0


class Intel(Fake):
    """A free provider that answers from local data about the phone already found."""

    offline = True
    reads = frozenset({"phone"})

    async def lookup(self, query: Query) -> ProviderResult:
        self.seen.append(query)
        number = query.value("phone")
        kind = "mobile" if str(number).endswith("99") else "direct_dial"
        return ProviderResult(
            self.name,
            True,
            {"phone_type": FieldValue(kind, self.name, T, 0.9)},
            about={"phone": number},
        )


async def test_an_offline_provider_checks_a_number_found_after_it_ran() -> None:
    # The numbering plan is asked again when the record's number changes, and its new
    # answer replaces the old one (the provider counts once in providers_queried).
    first = Fake("first", {**PERSON, "phone": "+14155550100"}, cost_per_hit=1)
    intel = Intel("intel", needs="phone", fields=frozenset({"phone_type"}))
    later = Fake("later", {"phone": "+14155550199"}, cost_per_hit=1)
    boss = Fake("boss", {"phone": "+14155550199"}, cost_per_hit=1)
    trace = Run()
    every = RunOptions(wanted=None, min_value=None, skip_known=False)
    out = await waterfall(first, intel, later, boss).run(Q, every, trace=trace)
    assert [q.value("phone") for q in intel.seen] == ["+14155550100", "+14155550199"]
    assert out.fields["phone"].value == "+14155550199"
    assert out.fields["phone_type"].value == "mobile"
    assert out.providers_queried == 4
    assert [c.provider for c in trace.calls].count("intel") == 2


async def test_an_offline_provider_confirms_even_after_the_early_stop() -> None:
    intel = Intel("intel", needs="phone", fields=frozenset({"phone_type"}))
    vendor = Fake(
        "vendor", {**PERSON, "phone": "+14155550199", "phone_type": "direct_dial"}, cost_per_hit=1
    )
    wanted = RunOptions(wanted=frozenset(PERSON) | {"phone"}, stop_confidence=0.0)
    out = await waterfall(vendor, intel).run(Q, wanted)
    assert len(intel.seen) == 1  # the record was done, but the check costs nothing
    assert out.fields["phone_type"].value in ("mobile", "direct_dial")
    assert out.providers_queried == 2


async def test_a_free_provider_is_asked_to_second_a_single_source_field() -> None:
    vendor = Fake("vendor", {**PERSON, "company_industry": "Retail"}, cost_per_hit=2)
    site = Fake(
        "site",
        {"company_industry": "Software", "company_name": "Acme"},
        needs="company_domain",
        cost_per_hit=0,
    )
    paid = Fake("paid", {"company_industry": "Software"}, needs="company_domain", cost_per_hit=5)
    options = RunOptions(wanted=frozenset({"email"}), stop_confidence=1.0)
    out = await waterfall(vendor, site, paid, learning=Learning()).run(Q, options)
    assert len(site.seen) == 1  # everything it knows was known, from one source each
    assert not paid.seen  # a paid second opinion only for weak wanted fields
    assert out.fields["company_industry"].value in ("Retail", "Software")
    # what a free source said is not worth a free second opinion
    own = Fake("own", {**PERSON, "company_industry": "Retail"})
    site = Fake("site", {"company_industry": "Software"}, needs="company_domain")
    await waterfall(own, site, learning=Learning()).run(Q, options)
    assert not site.seen


async def test_enriched_at_is_the_newest_observation_not_the_request() -> None:
    # The email the caller gave is echoed back as of now; it confirms nothing.
    out = await waterfall(Fake("a", dict(PERSON))).run(Q, ALL)
    assert out.fields["email"].source == "request"
    assert out.enriched_at == T


# --- the email verifier as the waterfall's referee -----------------------------------


def verifier(
    statuses: dict[str, str], flags: dict[str, bool] | None = None
) -> tuple[Any, list[str]]:
    """The real ``email_verifier`` provider over a fake check: ``statuses`` by address
    (others ``valid``), every check with the same ``flags`` (``role_based``, ...);
    returns it and the addresses it was asked about, in order."""
    from cleanlist_server.providers.email_verifier import EmailVerifierProvider

    asked: list[str] = []

    async def check(email: str) -> tuple[dict[str, Any], Any]:
        asked.append(email)
        status = statuses.get(email, "valid")
        score = 5 if status == "invalid" else 95
        done = {"email": email, "email_status": status, "score": score, "checks": flags or {}}
        return {**done, "verified_at": "2026-10-01T00:00:00Z"}, f"new:{email}"

    return EmailVerifierProvider(check), asked


NAMED = Query(account_id=1, first_name="Ann", last_name="Lee", company_domain="acme.test")
FOUND = {k: v for k, v in PERSON.items() if k != "email"}


async def test_an_address_the_check_disproves_loses_to_the_next_candidate() -> None:
    wrong = "a.lee@acme.test"
    cheap1 = Fake("cheap1", {**FOUND, "email": wrong, "email_status": "valid"}, "company_domain")
    cheap2 = Fake("cheap2", {**FOUND, "email": wrong}, "company_domain")
    exact = Fake("exact", {"email": "ann@acme.test"}, "company_domain", cost_per_hit=5)
    ref, asked = verifier({wrong: "invalid"})
    trace = Run()
    out = await waterfall(ref, cheap1, cheap2, exact).run(NAMED, ALL, trace=trace)
    # Two sources agreed on the dead address; the check refuted it and the one source
    # of the live address won, with the check's own verdict on it.
    assert asked == [wrong, "ann@acme.test"]
    assert out.fields["email"].value == "ann@acme.test"
    assert out.fields["email_status"].value == "valid"
    assert out.fields["email_status"].source == "email_verifier"
    assert trace.refuted == {"email": {wrong}}
    rejected = {fv.value for fv in trace.merged.decisions["email"].rejected}  # type: ignore[union-attr]
    assert rejected == {wrong}
    # The referee counts once as queried, never as matched: it found no one.
    assert out.providers_queried == 4 and out.providers_matched == 3
    assert [r.new_check for r in trace.checks.values() if r] == [
        f"new:{wrong}",
        "new:ann@acme.test",
    ]


async def test_a_refuted_address_keeps_the_waterfall_looking() -> None:
    wrong = "a.lee@acme.test"
    cheap = Fake("cheap", {**FOUND, "email": wrong}, "company_domain", cost_per_hit=1)
    exact = Fake("exact", {"email": "ann@acme.test"}, "company_domain", cost_per_hit=5)
    phone = Fake("phone", {"phone": "+14155550100"}, "company_domain", cost_per_hit=5)
    wanted = RunOptions(wanted=frozenset({"email", *FOUND}), stop_confidence=0.0)
    ref, _ = verifier({wrong: "invalid"})
    out = await waterfall(ref, cheap, exact, phone).run(NAMED, wanted)
    # Without the check the early stop would end the run on the dead address.
    assert out.fields["email"].value == "ann@acme.test" and not phone.seen
    ref, asked = verifier({})
    exact.seen.clear()
    out = await waterfall(ref, cheap, exact, phone).run(NAMED, wanted)
    assert out.fields["email"].value == wrong and not exact.seen and asked == [wrong]


async def test_the_callers_own_address_is_checked_never_refuted() -> None:
    ref, asked = verifier({"ann@acme.test": "invalid"})
    other = Fake("other", {**FOUND, "email": "ann.lee@acme.test"})
    out = await waterfall(ref, other).run(Q, ALL)
    assert asked == ["ann@acme.test"]
    assert out.fields["email"].value == "ann@acme.test"
    assert out.fields["email_status"].value == "invalid"


async def test_a_run_checks_at_most_max_checks_addresses() -> None:
    from cleanlist_server.engine.waterfall import MAX_CHECKS

    dead = [f"ann{i}@acme.test" for i in range(MAX_CHECKS + 2)]
    vendors = [
        Fake(f"v{i}", {**FOUND, "email": address}, "company_domain")
        for i, address in enumerate(dead)
    ]
    ref, asked = verifier(dict.fromkeys(dead, "invalid"))
    trace = Run()
    out = await waterfall(ref, *vendors).run(NAMED, ALL, trace=trace)
    assert len(asked) == MAX_CHECKS and len(trace.refuted["email"]) == MAX_CHECKS
    # What is left was never checked: it is returned (the enrichment checks it after).
    assert out.fields["email"].value not in trace.refuted["email"]


async def test_a_vendors_status_of_a_refuted_address_does_not_follow_the_next_one() -> None:
    wrong = "a.lee@acme.test"
    cheap = Fake("cheap", {**FOUND, "email": wrong, "email_status": "valid"}, "company_domain")
    exact = Fake("exact", {"email": "ann@acme.test"}, "company_domain")
    ref, _ = verifier({wrong: "invalid", "ann@acme.test": "unknown"})
    out = await waterfall(ref, cheap, exact).run(NAMED, ALL)
    assert out.fields["email"].value == "ann@acme.test"
    assert out.fields["email_status"].value == "unknown"  # ours, not cheap's "valid"


async def test_with_no_live_alternative_the_dead_address_comes_back_flagged() -> None:
    wrong = "a.lee@acme.test"
    cheap = Fake("cheap", {**FOUND, "email": wrong, "email_status": "valid"}, "company_domain")
    later = Fake("later", {"phone": "+14155550100"}, "company_domain", fields=frozenset({"email"}))
    ref, asked = verifier({wrong: "invalid"})
    out = await waterfall(ref, cheap, later).run(NAMED, RunOptions(stop_confidence=0.0))
    assert later.seen  # the search for a live address went on
    assert asked == [wrong]
    assert out.fields["email"].value == wrong
    assert (out.fields["email_status"].value, out.fields["email_status"].source) == (
        "invalid",
        "email_verifier",
    )


async def test_a_live_mailbox_places_the_person_at_its_company() -> None:
    from datetime import timedelta

    stale = {**FOUND, "company_domain": "old.test", "company_name": "Old"}
    before = T - timedelta(days=200)
    vendors = [Fake(f"stale{i}", stale, "email") for i in (1, 2)]
    for fake in vendors:
        fake.lookup = _dated(fake, before)  # type: ignore[method-assign]
    ref, asked = verifier({})
    trace = Run()
    out = await waterfall(ref, *vendors).run(Q, ALL, trace=trace)
    # Two vendors agree on last year's employer; the caller's address is a live mailbox
    # at acme.test today, and that observation is the newer one.
    assert asked == ["ann@acme.test"]
    assert out.fields["company_domain"].value == "acme.test"
    assert trace.merged is not None
    assert trace.merged.decisions["company_domain"].sources == ("email_verifier",)
    # Sources that placed the person elsewhere do not name this employer.
    assert "company_name" not in out.fields
    # A catch-all server accepts any name, and a role address names no one: no employer.
    for status, flags in (("catch-all", {}), ("valid", {"role_based": True})):
        ref, _ = verifier({"ann@acme.test": status}, flags)
        out = await waterfall(ref, *vendors).run(Q, ALL)
        assert out.fields["company_domain"].value == "old.test"


@dataclass
class Site(Fake):
    """A free provider that reads the company domain (as the website built-in does)."""

    reads: frozenset[str] = frozenset({"company_domain"})

    async def lookup(self, query: Query) -> ProviderResult:
        self.seen.append(query)
        domain = str(query.value("company_domain"))
        hq = FieldValue(f"HQ of {domain}", self.name, T, 0.9)
        return ProviderResult(
            self.name, True, {"company_hq_city": hq}, about={"company_domain": domain}
        )


async def test_a_free_reader_is_asked_again_when_the_employer_changes() -> None:
    from datetime import timedelta

    old = Fake("old", {**FOUND, "company_domain": "old.test"}, "first_name", cost_per_hit=1)
    new = Fake("new", {"company_domain": "new.test", "mobile": "+14155550101"}, "first_name")
    new.lookup = _dated(new, T + timedelta(days=200))  # type: ignore[method-assign]
    site = Site("site", needs="company_domain", fields=frozenset({"company_hq_city"}))
    query = Query(account_id=1, first_name="Ann", last_name="Lee", company_name="Acme")
    trace = Run()
    out = await waterfall(old, site, new).run(query, ALL, trace=trace)
    # The employer moved to the newer observation; the homepage read for the old one
    # was read again for the new one, and its old answer replaced.
    assert out.fields["company_domain"].value == "new.test"
    assert [q.value("company_domain") for q in site.seen] == ["old.test", "new.test"]
    assert out.fields["company_hq_city"].value == "HQ of new.test"
    assert [r.provider for r in trace.results].count("site") == 1
    assert out.providers_queried == 3


async def test_a_free_reader_seconds_a_vendors_company_fact_after_the_early_stop() -> None:
    vendor = Fake("vendor", {**FOUND, "company_hq_city": "Old HQ"}, "first_name", cost_per_hit=2)
    site = Site("site", needs="company_domain", fields=frozenset({"company_hq_city"}))
    wanted = RunOptions(wanted=frozenset(FOUND), stop_confidence=0.0)
    query = Query(account_id=1, first_name="Ann", last_name="Lee", company_name="Acme")
    trace = Run()
    out = await waterfall(site, vendor).run(query, wanted, trace=trace)
    # The vendor filled the record (the early stop); the homepage of the employer it found
    # is still read, once, and its HQ is the vendor's HQ's contender.
    assert [q.value("company_domain") for q in site.seen] == ["acme.test"]
    assert trace.merged is not None
    assert trace.merged.decisions["company_hq_city"].contenders == 2
    assert out.providers_queried == 2
    # Nothing single-source left for it to second: not asked.
    site.seen.clear()
    vendor.answer = dict(FOUND)
    await waterfall(site, vendor).run(query, wanted)
    assert not site.seen


def _dated(fake: Fake, when: datetime) -> Any:
    async def lookup(query: Query) -> ProviderResult:
        fake.seen.append(query)
        assert fake.answer is not None
        values = {k: FieldValue(v, fake.name, when, 0.9) for k, v in fake.answer.items()}
        return ProviderResult(fake.name, True, values)

    return lookup
