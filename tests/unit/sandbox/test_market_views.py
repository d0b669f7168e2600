"""Vendor views: coverage, accuracy, staleness and scores match their profiles, deterministically."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import phonenumbers
import pytest

from cleanlist_server.providers.config import COMMERCIAL
from cleanlist_server.sandbox.market.model import Population, TruePerson
from cleanlist_server.sandbox.market.population import generate
from cleanlist_server.sandbox.market.views import (
    FAULT_KINDS,
    GROUPS,
    MarketView,
    PopulationIndex,
    VendorProfile,
    default_profiles,
)
from cleanlist_server.sandbox.market.wire import VendorRecord

TODAY = date(2025, 6, 1)
PROFILE = VendorProfile(
    "testvendor",
    coverage={"email": 0.6, "linkedin": 0.8, "name": 0.7, "domain": 0.5, "company": 0.9},
    fields={g: 0.9 for g in GROUPS} | {"mobile": 0.5, "name": 1.0, "company_name": 1.0},
    accuracy=0.8,
    staleness=0.4,
    age_days=100,
    verify_accuracy=0.9,
)


@pytest.fixture(scope="module")
def pop() -> Population:
    return generate(11, companies=200, people=2000, today=TODAY)


@pytest.fixture(scope="module")
def index(pop: Population) -> PopulationIndex:
    return PopulationIndex(pop)


@pytest.fixture(scope="module")
def view(pop: Population, index: PopulationIndex) -> MarketView:
    return MarketView(pop, PROFILE, seed=3, index=index)


def _stayers(pop: Population) -> list[TruePerson]:
    return [p for p in pop.people.values() if not p.history]


def _changers(pop: Population) -> list[TruePerson]:
    return [p for p in pop.people.values() if p.history]


def _near(value: float, expected: float, tolerance: float) -> bool:
    return abs(value - expected) <= tolerance


def test_coverage_by_input_kind_matches_the_profile(pop: Population, view: MarketView) -> None:
    people = _stayers(pop)
    by_email = sum(view.person(email=p.email) is not None for p in people) / len(people)
    linked = [p for p in people if "linkedin_url" in p.fields]
    by_li = sum(view.person(linkedin_url=p.fields["linkedin_url"]) is not None for p in linked)
    by_name = sum(
        view.person(
            first_name=p.fields["first_name"],
            last_name=p.fields["last_name"],
            company_domain=pop.company_of(p).domain,
        )
        is not None
        for p in people
    )
    assert _near(by_email, 0.6, 0.04)
    assert _near(by_li / len(linked), 0.8, 0.04)
    assert _near(by_name / len(people), 0.7, 0.04)


def test_one_record_behind_every_input_kind(pop: Population, view: MarketView) -> None:
    """Coverage nests: whoever is found by email (0.6) is found by LinkedIn (0.8)."""
    for person in _stayers(pop)[:300]:
        found = view.person(email=person.email)
        if found is not None and "linkedin_url" in person.fields:
            again = view.person(linkedin_url=person.fields["linkedin_url"])
            assert again == found


def test_field_coverage_and_accuracy_match_the_profile(pop: Population, view: MarketView) -> None:
    has_mobile = right_title = titled = right_phone = phoned = found = 0
    for person in _stayers(pop):
        record = view.person(email=person.email)
        if record is None:
            continue
        found += 1
        if "mobile" in person.fields:
            has_mobile += "mobile" in record.fields
        if "title" in record.fields:
            titled += 1
            right_title += record.fields["title"] == person.fields["title"]
        if "phone" in record.fields:
            phoned += 1
            right_phone += record.fields["phone"] == person.fields["phone"]
    mobiles = sum("mobile" in p.fields for p in _stayers(pop))
    assert _near(has_mobile / (mobiles * found / len(_stayers(pop))), 0.5, 0.07)
    assert _near(titled / found, 0.9, 0.03)
    assert _near(right_title / titled, 0.8, 0.04)
    assert _near(right_phone / phoned, 0.8, 0.05)


def test_wrong_values_are_plausible(pop: Population, view: MarketView) -> None:
    titles = {p.fields["title"] for p in pop.people.values()}
    wrong_phones = wrong_emails = 0
    for person in _stayers(pop):
        record = view.person(linkedin_url=person.fields.get("linkedin_url"))
        if record is None:
            continue
        f = record.fields
        assert f["title"] in titles if "title" in f else True
        if "phone" in f and f["phone"] != person.fields["phone"]:
            wrong_phones += 1
            assert phonenumbers.is_valid_number(phonenumbers.parse(f["phone"]))
            assert f["phone"][:-2] == person.fields["phone"][:-2] or len(f["phone"]) > 6
        if "email" in f and f["email"] != person.email:
            wrong_emails += 1
            assert f["email"].endswith("@" + pop.company_of(person).domain)
        assert f["first_name"] == person.fields["first_name"]
        assert f["company_domain"] == pop.company_of(person).domain
    assert wrong_phones > 20 and wrong_emails > 50


def test_stale_records_show_the_previous_job(pop: Population, view: MarketView) -> None:
    changers = [p for p in _changers(pop) if "linkedin_url" in p.fields]
    stale = seen = 0
    for person in changers:
        record = view.person(linkedin_url=person.fields["linkedin_url"])
        if record is None:
            continue
        seen += 1
        old = person.history[0]
        if record.fields["company_domain"] == pop.company_of(person).domain:
            assert record.observed_at.date() >= person.job.start
            continue
        stale += 1
        assert record.fields["company_domain"] == pop.companies[old.company_id].domain
        if "email" in record.fields:
            assert record.fields["email"] in (old.email, *_other_patterns(record))
        assert old.start <= record.observed_at.date() <= (old.end or TODAY)
        # Asked with the new address or the new employer, a stale vendor does not know them.
        assert view.person(email=person.email) is None
        assert (
            view.person(
                full_name=person.fields["full_name"], company_domain=pop.company_of(person).domain
            )
            is None
        )
    assert seen > 100
    assert _near(stale / seen, 0.4, 0.1)


def _other_patterns(record: VendorRecord) -> list[str]:
    return [str(record.fields["email"])]  # a wrong address is another pattern, same domain


def test_observed_at_ages_follow_the_profile(pop: Population, view: MarketView) -> None:
    ages = []
    for person in _stayers(pop):
        record = view.person(linkedin_url=person.fields.get("linkedin_url"))
        if record is not None:
            assert record.observed_at.tzinfo is UTC
            ages.append((datetime(2025, 6, 1, tzinfo=UTC) - record.observed_at).days)
    assert min(ages) >= -1
    assert max(ages) <= PROFILE.max_age_days + 1
    assert _near(statistics.mean(ages), 100, 12)


def test_scores_track_correctness_imperfectly(pop: Population, view: MarketView) -> None:
    scores, right = [], []
    for person in pop.people.values():
        record = view.person(linkedin_url=person.fields.get("linkedin_url"))
        if record is None:
            continue
        truth = pop.contact(person)
        checked = [k for k in record.fields if k not in ("email_status", "email_free_provider")]
        scores.append(record.score)
        right.append(sum(record.fields[k] == truth.get(k) for k in checked) / len(checked))
        assert 0.0 <= record.score <= 1.0
    correlation = statistics.correlation(scores, right)
    assert 0.3 < correlation < 0.98


def test_lookups_are_deterministic_and_seeded(pop: Population, index: PopulationIndex) -> None:
    one = MarketView(pop, PROFILE, seed=3, index=index)
    two = MarketView(pop, PROFILE, seed=3, index=index)
    other = MarketView(pop, PROFILE, seed=4, index=index)
    people = list(pop.people.values())[:300]
    first = [one.person(email=p.email) for p in people]
    assert first == [two.person(email=p.email) for p in people]
    assert first == [one.person(email=p.email) for p in people]  # asked again
    assert first != [other.person(email=p.email) for p in people]
    renamed = MarketView(pop, replace(PROFILE, name="othervendor"), seed=3, index=index)
    assert first != [renamed.person(email=p.email) for p in people]


def test_inputs_match_loosely(pop: Population, view: MarketView) -> None:
    person = next(
        p for p in _stayers(pop) if view.person(email=p.email) and "linkedin_url" in p.fields
    )
    record = view.person(email=person.email)
    assert record is not None
    assert view.person(email=f"  {str(person.email).upper()} ") == record
    slug = person.fields["linkedin_url"].rsplit("/", 1)[1]
    assert view.person(linkedin_url=f"http://www.linkedin.com/in/{slug.upper()}/") == record
    domain = pop.company_of(person).domain
    named = view.person(
        full_name=person.fields["full_name"].upper(), company_domain=f"https://www.{domain}/"
    )
    by_company = view.person(
        first_name=person.fields["first_name"],
        last_name=person.fields["last_name"],
        company_name=pop.company_of(person).name,
    )
    assert named in (record, None) and by_company in (record, None)
    assert view.person(email="nobody@nowhere.test") is None
    assert view.person() is None


def test_company_lookups_agree_with_person_records(pop: Population, view: MarketView) -> None:
    known = 0
    for company in pop.companies.values():
        record = view.company(domain=company.domain)
        if record is None:
            continue
        known += 1
        assert record.fields["company_domain"] == company.domain
        assert view.company(name=company.name) is not None
        for person in pop.people.values():
            if person.company_id == company.id:
                found = view.person(email=person.email)
                if found is not None:
                    shared = set(record.fields) & set(found.fields)
                    assert all(record.fields[k] == found.fields[k] for k in shared)
                break
    assert _near(known / len(pop.companies), 0.9, 0.07)


def test_people_at_lists_who_the_vendor_places_there(pop: Population, view: MarketView) -> None:
    company = max(
        pop.companies.values(), key=lambda c: sum(p.company_id == c.id for p in pop.people.values())
    )
    listed = view.people_at(company.domain, limit=500)
    assert listed
    assert [r.score for r in listed] == sorted((r.score for r in listed), reverse=True)
    assert all(r.fields["company_domain"] == company.domain for r in listed)
    assert len(view.people_at(company.domain, limit=2)) == min(2, len(listed))
    assert view.people_at("unknown.test") == []


def test_email_status_follows_the_truth(pop: Population, index: PopulationIndex) -> None:
    exact = MarketView(pop, replace(PROFILE, verify_accuracy=1.0), seed=3, index=index)
    for person in list(pop.people.values())[:500]:
        company = pop.company_of(person)
        expected = "catch_all" if company.catch_all else "valid"
        assert exact.email_status(str(person.email)) in (expected, "role")
        if "personal_email" in person.fields:
            assert exact.email_status(person.fields["personal_email"]) == "valid"
        for job in person.history:
            old = pop.companies[job.company_id]
            assert exact.email_status(str(job.email)) == (
                "catch_all" if old.catch_all else "invalid"
            )
        if not company.catch_all:
            assert exact.email_status(f"zz.nobody@{company.domain}") == "invalid"
    assert exact.email_status("jane@mailinator.com") == "disposable"
    assert exact.email_status("not an address") == "invalid"
    assert exact.email_status("someone.else@gmail.com") == "invalid"
    sloppy = MarketView(pop, replace(PROFILE, verify_accuracy=0.8), seed=3, index=index)
    addresses = [str(p.email) for p in pop.people.values()]
    agree = sum(sloppy.email_status(a) == exact.email_status(a) for a in addresses)
    assert _near(agree / len(addresses), 0.8, 0.03)


def test_gravatar_knows_only_people_with_an_avatar(pop: Population, index: PopulationIndex) -> None:
    gravatar = MarketView(pop, default_profiles()["gravatar"], seed=3, index=index)
    for person in list(pop.people.values())[:400]:
        record = gravatar.person(email=person.email)
        assert (record is not None) == ("photo_url" in person.fields)
        if record is not None:
            assert record.fields["photo_url"] == person.fields["photo_url"]


def test_default_profiles_cover_every_vendor_plausibly(
    pop: Population, index: PopulationIndex
) -> None:
    profiles = default_profiles()
    assert set(profiles) == set(COMMERCIAL) | {"gravatar"}
    for name, profile in profiles.items():
        assert profile.name == name
        assert all(0 <= v <= 1 for v in [*profile.coverage.values(), *profile.fields.values()])
        assert set(profile.fields) <= set(GROUPS)
        assert 0 < profile.accuracy <= 1 and 0 <= profile.staleness <= 1
        assert 0 <= profile.failure_rate < 0.1 and profile.latency > 0
        assert set(profile.faults) <= set(FAULT_KINDS)
    people = list(pop.people.values())[:300]
    for verifier in ("zerobounce", "neverbounce"):
        view = MarketView(pop, profiles[verifier], seed=3, index=index)
        assert all(view.person(email=p.email) is None for p in people)
    phones = {
        name: sum(
            "phone" in (r.fields if r else {})
            for r in (MarketView(pop, p, seed=3, index=index).person(email=x.email) for x in people)
        )
        for name, p in profiles.items()
    }
    assert phones["hunter"] == 0
    assert phones["lusha"] > phones["pdl"]


def test_the_docs_table_matches_the_profiles() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "sandbox-market.md").read_text()
    for name, p in default_profiles().items():
        coverage = " / ".join(
            f"{round(p.coverage.get(k, 0) * 100)}"
            for k in ("email", "linkedin", "name", "domain", "company")
        )
        row = (
            f"| `{name}` | {coverage} | {p.accuracy:.2f} | {p.staleness:.2f} | {p.age_days:.0f} "
            f"| {p.verify_accuracy:.2f} | {p.latency:.2f} ± {p.latency_jitter:.2f} "
            f"| {p.failure_rate:.0%} | {p.cost_per_call:g} / {p.cost_per_hit:g} {p.unit} |"
        )
        assert row in doc, name
    for kind in FAULT_KINDS:
        assert f"| `{kind}` |" in doc
