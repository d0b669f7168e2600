"""The market's ground truth: deterministic, unique, normalized, with real job histories."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, timedelta

import phonenumbers
import pytest

from cleanlist_server.domain.enums import CompanyRevenue, CompanySize, Department, Seniority
from cleanlist_server.domain.fields import COMPANY_FIELDS, CONTACT_FIELDS, PERSON_FIELDS
from cleanlist_server.normalize.companies import classify_industry
from cleanlist_server.normalize.record import normalize_fields
from cleanlist_server.normalize.titles import parse_title
from cleanlist_server.sandbox.market.model import Population
from cleanlist_server.sandbox.market.population import (
    EMAIL_PATTERNS,
    FeaturedCompany,
    FeaturedPerson,
    ascii_fold,
    generate,
)
from cleanlist_server.sandbox.market.running import bench_population, demo_market
from cleanlist_server.verification.patterns import fold

TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def big() -> tuple[Population, float]:
    started = time.perf_counter()
    population = generate(42, companies=500, people=5000, today=TODAY)
    return population, time.perf_counter() - started


@pytest.fixture(scope="module")
def pop(big: tuple[Population, float]) -> Population:
    return big[0]


def test_five_thousand_people_at_five_hundred_companies(big: tuple[Population, float]) -> None:
    population, _seconds = big  # the time is reported by the benchmark, never asserted
    assert len(population.people) == 5000 and len(population.companies) == 500


def test_the_same_seed_gives_the_same_population() -> None:
    one = generate(5, companies=30, people=200, today=TODAY)
    two = generate(5, companies=30, people=200, today=TODAY)
    other = generate(6, companies=30, people=200, today=TODAY)
    assert one == two
    assert one.people != other.people
    assert one.today == TODAY and one.seed == 5


def test_ids_domains_addresses_and_profiles_are_unique(pop: Population) -> None:
    domains = [c.domain for c in pop.companies.values()]
    assert len(set(domains)) == len(domains)
    assert all(d.endswith(".test") for d in domains)
    addresses = [p.email for p in pop.people.values()]
    addresses += [job.email for p in pop.people.values() for job in p.history]
    assert len(set(addresses)) == len(addresses)
    for name in ("linkedin_url", "twitter_url", "github_url", "personal_email"):
        values = [p.fields[name] for p in pop.people.values() if name in p.fields]
        assert len(set(values)) == len(values), name


def test_values_are_already_in_the_products_normalized_form(pop: Population) -> None:
    for person in list(pop.people.values())[:400]:
        again = normalize_fields(person.fields).person
        if "mobile" in person.fields and person.fields.get("phone") == person.fields["mobile"]:
            # Only a mobile is known: the product files it as the phone too, typed mobile
            # (a NANP number read back as a phone alone would be typed direct_dial).
            assert person.fields["phone_type"] == "mobile"
            again["phone_type"] = "mobile"
        assert again == person.fields, person.id
    for company in pop.companies.values():
        assert normalize_fields(company.fields).company == company.fields, company.id


def test_every_field_is_a_canonical_field_with_a_closed_vocabulary(pop: Population) -> None:
    seniorities = {s.value for s in Seniority}
    departments = {d.value for d in Department}
    for person in pop.people.values():
        assert set(person.fields) <= set(PERSON_FIELDS)
        assert person.fields["seniority"] in seniorities
        assert person.fields["department"] in departments
        info = parse_title(person.fields["title"])
        assert info.title == person.fields["title"]
        assert person.fields["email_status"] in ("valid", "catch-all", "role-based")
        assert set(pop.contact(person)) <= set(CONTACT_FIELDS)
    for company in pop.companies.values():
        f = company.fields
        assert set(f) <= set(COMPANY_FIELDS)
        assert f["company_size"] in {s.value for s in CompanySize}
        assert f["company_revenue"] in {r.value for r in CompanyRevenue}
        industry = classify_industry(f["company_industry"])
        assert industry is not None and industry.label == f["company_industry"]
        assert (f["company_naics_code"], f["company_sic_code"]) == (industry.naics, industry.sic)
        assert f["company_website"] == f"https://{company.domain}"
        assert f["company_tech_stack"] == sorted(set(f["company_tech_stack"]))


def test_phones_are_valid_for_their_country(pop: Population) -> None:
    checked = 0
    for person in pop.people.values():
        for name in ("phone", "mobile"):
            if name in person.fields:
                number = phonenumbers.parse(person.fields[name])
                assert phonenumbers.is_valid_number(number)
                region = phonenumbers.region_code_for_number(number)
                assert region == person.fields["country_code"], (person.id, name)
                checked += 1
    assert checked > 3000
    for company in pop.companies.values():
        number = phonenumbers.parse(company.fields["company_phone"])
        assert phonenumbers.is_valid_number(number)


def test_addresses_follow_the_company_pattern(pop: Population) -> None:
    for person in pop.people.values():
        company = pop.company_of(person)
        local, _, domain = str(person.email).partition("@")
        assert domain == company.domain
        first = fold(ascii_fold(person.fields["first_name"])) or "x"
        last = fold(ascii_fold(person.fields["last_name"])) or "x"
        expected = company.email_pattern.format(first=first, last=last, f=first[0], l=last[0])
        assert local.startswith(expected)
        assert local == expected or local[len(expected) :].isdigit()
    patterns = Counter(c.email_pattern for c in pop.companies.values())
    assert set(patterns) <= set(EMAIL_PATTERNS)
    assert patterns.most_common(1)[0][0] == "{first}.{last}"


def test_mail_setups_and_catch_all_shares(pop: Population) -> None:
    companies = list(pop.companies.values())
    providers = Counter(c.mail_provider for c in companies)
    assert set(providers) == {"google", "microsoft", "zoho", "self"}
    catch_all = [c for c in companies if c.catch_all]
    assert 0.06 < len(catch_all) / len(companies) < 0.15
    assert all(c.mail_provider == "self" for c in catch_all)
    for person in pop.people.values():
        if pop.company_of(person).catch_all:
            assert person.fields["email_status"] in ("catch-all", "role-based")


def test_people_live_mostly_where_their_company_is(pop: Population) -> None:
    countries = Counter(p.fields["country_code"] for p in pop.people.values())
    assert countries["US"] / len(pop.people) > 0.5
    assert {"GB", "DE", "FR", "CA"} <= set(countries)
    same = sum(
        p.fields["city"] == pop.company_of(p).fields["company_hq_city"] for p in pop.people.values()
    )
    assert 0.7 < same / len(pop.people) < 0.95


def test_titles_spread_over_seniorities_with_one_ceo_per_company(pop: Population) -> None:
    seniority = Counter(p.fields["seniority"] for p in pop.people.values())
    assert seniority["individual_contributor"] > seniority["manager"] > seniority["vp"]
    assert seniority["c_level"] > 0 and seniority["entry"] > 0
    ceos = Counter(p.company_id for p in pop.people.values() if p.fields["title"] == "CEO")
    assert max(ceos.values()) == 1


def test_job_changers_have_a_previous_job_that_now_bounces(pop: Population) -> None:
    changers = [p for p in pop.people.values() if p.history]
    assert 0.10 < len(changers) / len(pop.people) < 0.14
    current = {p.email for p in pop.people.values()}
    for person in changers:
        old = person.history[0]
        assert old.company_id != person.company_id
        assert old.end is not None and old.start < old.end
        assert TODAY - timedelta(days=550) <= old.end <= TODAY
        assert old.end < person.job.start <= TODAY
        assert old.email and old.email.endswith("@" + pop.companies[old.company_id].domain)
        assert old.email not in current
        assert parse_title(old.title).title == old.title
        assert person.changed_jobs_on == old.end
    stayers = [p for p in pop.people.values() if not p.history]
    recent = TODAY - timedelta(days=540)
    assert all(p.job.start < recent for p in stayers)


def test_featured_people_and_companies_are_pinned() -> None:
    population = generate(
        3,
        companies=4,
        people=10,
        today=TODAY,
        featured_companies=[
            FeaturedCompany("Acorn Labs", "acornlabs.test", industry="SaaS", city="Boston",
                            country="US", mail_provider="google", employees=120,
                            email_pattern="{first}.{last}"),
            FeaturedCompany("Beta Freight", "betafreight.test", country="DE", city="Berlin"),
        ],
        featured_people=[FeaturedPerson("Ada", "Byron", "VP Sales", company=0, previous=(1, "Sales Manager"))],
    )  # fmt: skip
    ada = population.people["p000001"]
    assert ada.email == "ada.byron@acornlabs.test"
    assert (ada.fields["title"], ada.fields["seniority"]) == ("VP of Sales", "vp")
    assert ada.history[0].title == "Sales Manager"
    assert population.companies[ada.history[0].company_id].domain == "betafreight.test"
    acorn = population.companies["c00001"]
    assert acorn.fields["company_hq_location"] == "Boston, MA"
    assert acorn.fields["company_employee_count"] == 120


def test_demo_market_has_its_memorable_people() -> None:
    demo = demo_market(TODAY)
    assert (len(demo.companies), len(demo.people)) == (40, 400)
    maya, leo, sam = (demo.people[f"p00000{i}"] for i in (1, 2, 3))
    assert maya.email == "maya.patel@northwind.test"
    assert maya.fields["title"] == "VP of Sales"
    assert leo.history and leo.history[0].email == "lmartin@bluebird.test"
    assert demo.company_of(sam).catch_all
    assert sam.fields["email_status"] == "catch-all"
    assert len(bench_population(people=300, seed=1, today=TODAY).companies) == 30
