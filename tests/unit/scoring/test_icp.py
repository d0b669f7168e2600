import copy
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cleanlist_server.domain.enums import CompanyRevenue, CompanySize, Department, Seniority
from cleanlist_server.errors import ValidationFailed
from cleanlist_server.scoring.icp import (
    CRITERIA,
    DEFAULT_PROFILE,
    DEFAULT_WEIGHTS,
    POSITIVE_CRITERIA,
    CompiledProfile,
    IcpResult,
    IntentSignal,
    compile_profile,
    decayed_weight,
    parse_profile,
    score,
    tier_for,
)

NOW = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
TARGETING: dict[str, Any] = {
    "name": "VP Sales at mid-size SaaS in the US",
    "criteria": {
        "seniorities": ["vp"],
        "departments": ["Sales"],
        "company_sizes": ["201-500"],
        "industries": ["SaaS"],
        "countries": ["US"],
    },
}
FULL: dict[str, Any] = {
    "name": "every criterion",
    "criteria": {
        "seniorities": ["director", "vp"],
        "departments": ["Sales", "Marketing"],
        "company_sizes": ["51-200", "201-500"],
        "industries": ["SaaS", "5415"],
        "revenues": ["$10M-$25M"],
        "countries": ["US", "Canada"],
        "technologies": ["HubSpot"],
        "excluded_domains": ["partner.com"],
        "competitors": ["rival.io"],
    },
}
VP_SALES: dict[str, Any] = {
    "email": "mike.chen@techflow.io",
    "title": "VP of Sales",
    "seniority": "vp",
    "department": "Sales",
    "company_domain": "techflow.io",
    "company_size": "201-500",
    "company_industry": "SaaS",
    "company_naics_code": "513210",
    "country_code": "US",
}
INTERN: dict[str, Any] = {
    "email": "sam@sunrisebakery.com",
    "title": "Intern",
    "seniority": "entry",
    "department": "Other",
    "company_domain": "sunrisebakery.com",
    "company_name": "Sunrise Bakery",
    "company_size": "1-10",
    "company_employee_count": 5,
    "company_industry": "Food & Beverages",
    "country_code": "US",
}


def compiled(data: dict[str, Any]) -> CompiledProfile:
    return compile_profile(parse_profile(data))


def run(record: dict[str, Any], profile: CompiledProfile, **kwargs: Any) -> IcpResult:
    result = score(record, profile, now=NOW, **kwargs)
    assert sum(result.breakdown.values()) == result.score
    return result


def with_criteria(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(FULL)
    data["criteria"].update(changes)
    return data


# -- the judge's scenarios ------------------------------------------------------------------


@pytest.mark.parametrize("data", [TARGETING, FULL, DEFAULT_PROFILE.to_dict()])
def test_vp_sales_at_mid_size_saas_in_target_country_scores_high(data: dict[str, Any]) -> None:
    result = run(VP_SALES, compiled(data))
    assert result.score >= 80
    assert result.tier == "high"
    for signal in ("target_seniority", "target_department", "company_size_fit", "industry_match"):
        assert signal in result.signals
    assert "geo_match" in result.signals


@pytest.mark.parametrize("data", [TARGETING, FULL, DEFAULT_PROFILE.to_dict()])
def test_intern_at_five_person_bakery_scores_below_50(data: dict[str, Any]) -> None:
    for record in (
        INTERN,
        {**INTERN, "company_size": None},
        {**INTERN, "company_industry": "Bakery"},
    ):
        result = run(record, compiled(data))
        assert result.score < 50
        assert result.tier == "deprioritize"
        assert not {"target_seniority", "target_department", "company_size_fit"} & set(
            result.signals
        )


def test_perfect_match_is_exactly_100() -> None:
    record = {
        **VP_SALES,
        "company_revenue": "$10M-$25M",
        "company_tech_stack": ["hubspot", "Slack"],
    }
    result = run(record, compiled(FULL))
    assert result.score == 100
    points = compiled(FULL).points
    assert result.breakdown == {n: points[n] for n in POSITIVE_CRITERIA} | {"intent": 0}
    assert result.signals == [
        "target_seniority",
        "target_department",
        "company_size_fit",
        "industry_match",
        "revenue_fit",
        "geo_match",
        "tech_match",
    ]
    assert result.missing == []


def test_tiers() -> None:
    assert [tier_for(n) for n in (0, 49, 50, 79, 80, 100)] == [
        "deprioritize",
        "deprioritize",
        "nurture",
        "nurture",
        "high",
        "high",
    ]


# -- breakdown ------------------------------------------------------------------------------


def random_profile(rng: random.Random) -> dict[str, Any]:
    pools: dict[str, list[str]] = {
        "seniorities": list(Seniority),
        "departments": list(Department),
        "company_sizes": list(CompanySize),
        "industries": ["SaaS", "Software", "IT Services", "Retail", "Banking", "54", "5415", "62"],
        "revenues": list(CompanyRevenue),
        "countries": ["US", "CA", "GB", "DE", "FR", "IN"],
        "technologies": ["HubSpot", "Salesforce", "Slack", "Zendesk"],
        "excluded_domains": ["bad.com", "partner.io"],
        "competitors": ["rival.io", "other.com"],
    }
    keys = rng.sample(sorted(pools), rng.randint(1, len(pools)))
    if not any(CRITERIA[k] in POSITIVE_CRITERIA for k in keys):
        keys.append("seniorities")
    criteria = {k: rng.sample(pools[k], rng.randint(1, min(3, len(pools[k])))) for k in keys}
    weights = {
        CRITERIA[k]: rng.choice([0, 0.5, 1, 3, 7.25, 33, 100])
        for k in keys
        if CRITERIA[k] in DEFAULT_WEIGHTS and rng.random() < 0.6
    }
    weights["intent"] = rng.choice([0, 10, 15, 40, 100])
    if not any(weights.get(CRITERIA[k], 1) for k in keys if CRITERIA[k] in POSITIVE_CRITERIA):
        weights.pop(next(CRITERIA[k] for k in keys if CRITERIA[k] in POSITIVE_CRITERIA))
    return {"name": "random", "criteria": criteria, "weights": weights}


def random_record(rng: random.Random) -> dict[str, Any]:
    def pick(values: list[Any]) -> Any:
        return rng.choice(values) if rng.random() < 0.8 else None

    record = {
        "seniority": pick([*Seniority, "VP", "senior", 3]),
        "title": pick(["VP of Sales", "Intern", "Head of Growth", "CTO"]),
        "department": pick([*Department, "sales", "Revenue"]),
        "company_size": pick([*CompanySize, "about 300", "garbage"]),
        "company_employee_count": pick([5, 75, 250, 12000]),
        "company_industry": pick(["SaaS", "Software", "Retail", "Bakery", "IT Services", "Gaming"]),
        "company_naics_code": pick(["513210", "541511", "722511", "62", "garbage"]),
        "company_revenue": pick([*CompanyRevenue, "$30 million"]),
        "country_code": pick(["US", "CA", "GB", "DE", "FR", "IN", "XX"]),
        "company_tech_stack": pick([["HubSpot"], ["slack", "Zendesk"], [], "Salesforce, Okta"]),
        "company_domain": pick(["acme.com", "eu.rival.io", "bad.com", "partner.io", "x.other.com"]),
        "email": pick(["a@acme.com", "b@rival.io", "c@bad.com"]),
    }
    return {k: v for k, v in record.items() if v is not None}


def test_breakdown_sums_exactly_for_random_records_and_profiles() -> None:
    rng = random.Random(20260415)
    seen_keys: set[str] = set()
    for _ in range(60):
        data = random_profile(rng)
        profile = compiled(data)
        present = [CRITERIA[k] for k in CRITERIA if k in data["criteria"]]
        assert sum(profile.points[n] for n in present if n in POSITIVE_CRITERIA) == 100
        for _ in range(80):
            intent = [
                IntentSignal(
                    "x", NOW - timedelta(days=rng.uniform(-5, 200)), weight=rng.choice([5, 10, 50])
                )
                for _ in range(rng.randint(0, 3))
            ]
            result = run(random_record(rng), profile, intent=intent)
            assert 0 <= result.score <= 100
            assert result.tier == tier_for(result.score)
            assert all(isinstance(v, int) for v in result.breakdown.values())
            scored = [n for n in result.breakdown if n in POSITIVE_CRITERIA]
            assert scored == [n for n in POSITIVE_CRITERIA if n in present]
            assert set(result.missing) <= set(scored)
            assert all(result.breakdown[n] == 0 for n in result.missing)
            seen_keys.update(result.breakdown)
    assert {"adjustment", "excluded_domain", "competitor", "intent"} <= seen_keys


def test_criteria_not_in_the_profile_are_not_scored() -> None:
    profile = compiled(
        {"name": "one", "criteria": {"departments": ["Sales"]}, "weights": {"intent": 0}}
    )
    assert run(VP_SALES, profile).breakdown == {"department": 100}
    assert profile.points == {"department": 100}


def test_weights_are_normalized_to_100_by_largest_remainder() -> None:
    data = {
        "name": "thirds",
        "criteria": {"seniorities": ["vp"], "departments": ["Sales"], "countries": ["US"]},
        "weights": {"seniority": 1, "department": 1, "country": 1},
    }
    assert compiled(data).points == {"seniority": 34, "department": 33, "country": 33, "intent": 15}
    assert run(VP_SALES, compiled(data)).score == 100
    data["weights"] = {"seniority": 0, "department": 3, "country": 1}
    profile = compiled(data)
    assert [profile.points[n] for n in ("seniority", "department", "country")] == [0, 75, 25]
    assert run(VP_SALES, profile).breakdown["seniority"] == 0


def test_missing_values_score_zero_and_are_listed() -> None:
    result = run({"email": "x@acme.com"}, compiled(TARGETING))
    assert result.score == 0
    assert result.missing == ["seniority", "department", "company_size", "industry", "country"]
    assert result.signals == []
    unrecognized = run(
        {**VP_SALES, "company_size": "lots", "country_code": "??"}, compiled(TARGETING)
    )
    assert unrecognized.missing == ["company_size", "country"]


# -- matching -------------------------------------------------------------------------------


def test_adjacent_bands_earn_half_the_points() -> None:
    data = with_criteria(seniorities=["vp"], company_sizes=["201-500"], revenues=["$10M-$25M"])
    profile = compiled(data)
    points = profile.points
    record = {
        **VP_SALES,
        "seniority": "director",
        "company_size": "501-1000",
        "company_revenue": "$5M-$10M",
    }
    result = run(record, profile)
    assert result.breakdown["seniority"] == points["seniority"] // 2
    assert result.breakdown["company_size"] == points["company_size"] // 2
    assert result.breakdown["revenue"] == points["revenue"] // 2
    assert {"adjacent_seniority", "adjacent_company_size", "adjacent_revenue"} <= set(
        result.signals
    )
    far = run(
        {**record, "seniority": "entry", "company_size": "5001+", "company_revenue": "$10B+"},
        profile,
    )
    assert (
        far.breakdown["seniority"] == far.breakdown["company_size"] == far.breakdown["revenue"] == 0
    )


def test_department_and_country_have_no_partial_credit() -> None:
    result = run(
        {**VP_SALES, "department": "Customer Success", "country_code": "CA"}, compiled(TARGETING)
    )
    assert result.breakdown["department"] == result.breakdown["country"] == 0


def test_naics_prefix_matching() -> None:
    def industry_points(targets: list[str], record: dict[str, Any]) -> int:
        return run(record, compiled(with_criteria(industries=targets))).breakdown["industry"]

    full = compiled(with_criteria(industries=["5415"])).points["industry"]
    it_services = {"company_industry": "IT Services", "company_naics_code": "541512"}
    assert industry_points(["5415"], it_services) == full
    assert industry_points(["54"], it_services) == full
    assert industry_points(["541512"], it_services) == full
    assert industry_points(["5415"], {"company_naics_code": "541511"}) == full  # code only
    assert industry_points(["5415"], {"company_industry": "Cybersecurity"}) == full  # 541519
    assert industry_points(["52"], it_services) == 0
    assert industry_points(["5416"], it_services) == 0
    assert industry_points(["5132"], {"company_industry": "SaaS"}) == full


def test_the_same_naics_code_under_another_label_is_a_match() -> None:
    profile = compiled(with_criteria(industries=["Software"]))
    for record in ({"company_industry": "SaaS"}, {"company_naics_code": "513210"}):
        result = run({**VP_SALES, **record}, profile)
        assert result.breakdown["industry"] == profile.points["industry"]
        assert "industry_match" in result.signals


def test_related_industry_earns_half() -> None:
    profile = compiled(with_criteria(industries=["IT Services"]))  # 541512
    result = run(
        {**VP_SALES, "company_industry": "Cybersecurity", "company_naics_code": "541519"}, profile
    )
    assert result.breakdown["industry"] == profile.points["industry"] // 2
    assert "related_industry" in result.signals
    assert (
        run(
            {**VP_SALES, "company_industry": "Retail", "company_naics_code": None}, profile
        ).breakdown["industry"]
        == 0
    )


def test_record_values_are_read_leniently() -> None:
    profile = compiled(TARGETING)
    raw = {
        "title": "Vice President of Sales",
        "company_employee_count": 320,
        "company_industry": "Software as a Service",
        "country": "United States",
    }
    result = run(raw, profile)
    assert result.score == 100, result
    assert run({**raw, "country": None, "location": "Austin, TX"}, profile).score == 100
    assert run({**VP_SALES, "seniority": "VP", "department": "sales"}, profile).score == 100


def test_technology_matches_case_insensitively() -> None:
    profile = compiled(with_criteria(technologies=["HubSpot", "Salesforce"]))
    points = profile.points["technology"]
    assert (
        run({**VP_SALES, "company_tech_stack": ["hubspot"]}, profile).breakdown["technology"]
        == points
    )
    assert (
        run({**VP_SALES, "company_tech_stack": "Okta, salesforce"}, profile).breakdown["technology"]
        == points
    )
    assert run({**VP_SALES, "company_tech_stack": ["Slack"]}, profile).breakdown["technology"] == 0
    assert "technology" in run(VP_SALES, profile).missing


def test_excluded_domain_zeroes_the_score() -> None:
    profile = compiled(FULL)
    for record in (
        {**VP_SALES, "company_domain": "partner.com"},
        {**VP_SALES, "company_domain": "eu.partner.com"},
        {**VP_SALES, "email": "jane@partner.com"},
    ):
        result = run(record, profile)
        assert result.score == 0
        assert result.tier == "deprioritize"
        assert "excluded_domain" in result.signals
        assert result.breakdown["excluded_domain"] == -sum(
            v for k, v in result.breakdown.items() if k != "excluded_domain"
        )
        assert result.breakdown["excluded_domain"] < 0
    assert (
        "excluded_domain"
        not in run({**VP_SALES, "company_domain": "notpartner.com"}, profile).breakdown
    )


def test_competitor_deducts_and_clamps_at_zero() -> None:
    profile = compiled(FULL)
    high = run({**VP_SALES, "company_domain": "rival.io"}, profile)
    base = run(VP_SALES, profile)
    assert high.breakdown["competitor"] == -50
    assert high.score == base.score - 50
    assert "competitor" in high.signals
    low = run({**INTERN, "email": "x@mail.rival.io"}, profile)
    assert low.score == 0
    assert low.breakdown["competitor"] == -50
    assert low.breakdown["adjustment"] > 0
    heavy = compiled({**FULL, "weights": {"competitor": 100}})
    assert run({**VP_SALES, "company_domain": "rival.io"}, heavy).score == 0


def test_competitor_and_excluded_domain_together() -> None:
    data = with_criteria(competitors=["partner.com"])
    result = run({**VP_SALES, "company_domain": "partner.com"}, compiled(data))
    assert result.score == 0
    assert result.breakdown["excluded_domain"] <= 0


# -- intent ---------------------------------------------------------------------------------


def signal(days: float, weight: float = 10.0) -> IntentSignal:
    return IntentSignal(
        "hiring_sales_ops", NOW - timedelta(days=days), "jobs", {"count": 3}, weight
    )


def test_intent_decays_by_half_life() -> None:
    assert decayed_weight(signal(0), NOW, 30) == 10
    assert decayed_weight(signal(30), NOW, 30) == pytest.approx(5)
    assert decayed_weight(signal(60), NOW, 30) == pytest.approx(2.5)
    assert decayed_weight(signal(-3), NOW, 30) == 10  # future-dated: no growth
    profile = compiled({**TARGETING, "intent_half_life_days": 7})
    result = run({"seniority": "vp"}, profile, intent=[signal(7)])
    assert result.breakdown["intent"] == 5
    assert "intent_boost" in result.signals


def test_intent_is_monotone_in_age_and_capped() -> None:
    profile = compiled(TARGETING)
    previous = 10**9
    for days in range(0, 400, 3):
        points = run(
            {"seniority": "vp"}, profile, intent=[signal(days, 12), signal(days + 10, 8)]
        ).breakdown["intent"]
        assert points <= previous
        previous = points
    assert previous == 0
    many = run({"seniority": "vp"}, profile, intent=[signal(0)] * 10)
    assert many.breakdown["intent"] == DEFAULT_WEIGHTS["intent"] == 15


def test_intent_over_a_perfect_score_is_clamped_by_an_adjustment() -> None:
    result = run(VP_SALES, compiled(TARGETING), intent=[signal(1)])
    assert result.score == 100
    assert result.breakdown["intent"] > 0
    assert result.breakdown["adjustment"] == -result.breakdown["intent"]


def test_intent_can_be_switched_off() -> None:
    profile = compiled({**TARGETING, "weights": {"intent": 0}})
    result = run({"seniority": "vp"}, profile, intent=[signal(0)])
    assert "intent" not in result.breakdown


# -- profiles and validation ----------------------------------------------------------------


def test_default_profile_is_valid_and_round_trips() -> None:
    assert DEFAULT_PROFILE.default is True
    assert parse_profile(DEFAULT_PROFILE.to_dict()) == DEFAULT_PROFILE
    assert compile_profile(DEFAULT_PROFILE).points == {
        "seniority": 26,
        "department": 21,
        "company_size": 21,
        "industry": 21,
        "country": 11,
        "intent": 15,
    }
    full = parse_profile(FULL)
    assert parse_profile(full.to_dict()) == full


def test_profile_values_are_canonicalized() -> None:
    profile = parse_profile(
        {
            "name": "  spelled loosely ",
            "criteria": {
                "seniorities": ["VP", "C_LEVEL", "vp"],
                "departments": ["customer success", "IT"],
                "company_sizes": ["5001+"],
                "revenues": ["$10m-$25m"],
                "industries": ["B2B SaaS", "computer software", "5415", 62],
                "countries": ["United Kingdom", "usa", "de", "DEU"],
                "technologies": ["HubSpot", "hubspot", " Salesforce "],
                "excluded_domains": ["https://www.Partner.co.uk/about", "jane@other.com"],
            },
        }
    )
    c = profile.criteria
    assert profile.name == "spelled loosely"
    assert c.seniorities == (Seniority.VP, Seniority.C_LEVEL)
    assert c.departments == (Department.CUSTOMER_SUCCESS, Department.IT)
    assert c.company_sizes == (CompanySize.S_5001_PLUS,)
    assert c.revenues == (CompanyRevenue.R_10M_25M,)
    assert c.industries == ("SaaS", "Software", "5415", "62")
    assert c.countries == ("GB", "US", "DE")
    assert c.technologies == ("HubSpot", "Salesforce")
    assert c.excluded_domains == ("partner.co.uk", "other.com")


def mutate(path: str, value: Any) -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(FULL)
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value
    return data


@pytest.mark.parametrize(
    ("data", "param"),
    [
        (mutate("criteria.seniorities", ["vp", "chief"]), "criteria.seniorities[1]"),
        (mutate("criteria.seniorities", "vp"), "criteria.seniorities"),
        (mutate("criteria.departments", ["Sales", "RevOps"]), "criteria.departments[1]"),
        (
            mutate("criteria.company_sizes", ["51-200", "201-500", "200-500"]),
            "criteria.company_sizes[2]",
        ),
        (mutate("criteria.company_sizes", [250]), "criteria.company_sizes[0]"),
        (mutate("criteria.revenues", ["$10M-$20M"]), "criteria.revenues[0]"),
        (mutate("criteria.industries", ["SaaS", "Widgets"]), "criteria.industries[1]"),
        (mutate("criteria.industries", ["99"]), "criteria.industries[0]"),
        (mutate("criteria.industries", ["5"]), "criteria.industries[0]"),
        (mutate("criteria.industries", ["5112"]), "criteria.industries[0]"),  # NAICS 2017, not 2022
        (mutate("criteria.countries", ["US", "Atlantis"]), "criteria.countries[1]"),
        (mutate("criteria.countries", ["California"]), "criteria.countries[0]"),
        (mutate("criteria.technologies", ["  "]), "criteria.technologies[0]"),
        (mutate("criteria.technologies", [None]), "criteria.technologies[0]"),
        (mutate("criteria.excluded_domains", ["not a domain"]), "criteria.excluded_domains[0]"),
        (mutate("criteria.competitors", ["localhost"]), "criteria.competitors[0]"),
        (mutate("criteria.seniorities", ["x" * 300]), "criteria.seniorities[0]"),
        (mutate("criteria.seniorities", ["vp"] * 1001), "criteria.seniorities"),
        (mutate("criteria.titles", ["VP"]), "criteria.titles"),
        ({"name": "empty", "criteria": {}}, "criteria"),
        ({"name": "empty lists", "criteria": {"seniorities": [], "countries": None}}, "criteria"),
        ({"name": "negative only", "criteria": {"competitors": ["rival.io"]}}, "criteria"),
        ({"name": "no criteria"}, "criteria"),
        (mutate("criteria", ["vp"]), "criteria"),
        (mutate("weights", {"industry": -1}), "weights.industry"),
        (mutate("weights", {"industry": "high"}), "weights.industry"),
        (mutate("weights", {"industry": True}), "weights.industry"),
        (mutate("weights", {"industry": float("nan")}), "weights.industry"),
        (mutate("weights", {"industry": float("inf")}), "weights.industry"),
        (mutate("weights", {"industry": 1001}), "weights.industry"),
        (mutate("weights", {"intent": 101}), "weights.intent"),
        (mutate("weights", {"competitor": -5}), "weights.competitor"),
        (mutate("weights", {"industri": 5}), "weights.industri"),
        (mutate("weights", {"excluded_domain": 5}), "weights.excluded_domain"),
        (mutate("weights", [1, 2]), "weights"),
        (
            mutate("weights", {n: 0 for n in POSITIVE_CRITERIA}),
            "weights",
        ),
        (
            {"name": "w", "criteria": {"seniorities": ["vp"]}, "weights": {"revenue": 5}},
            "weights.revenue",
        ),
        (
            {"name": "w", "criteria": {"seniorities": ["vp"]}, "weights": {"competitor": 5}},
            "weights.competitor",
        ),
        (mutate("name", ""), "name"),
        (mutate("name", 7), "name"),
        (mutate("default", "yes"), "default"),
        (mutate("intent_half_life_days", 0), "intent_half_life_days"),
        (mutate("intent_half_life_days", "30"), "intent_half_life_days"),
        (mutate("intent_half_life_days", 10_000), "intent_half_life_days"),
        (mutate("owner", "me"), "owner"),
    ],
)
def test_validation_errors_name_the_parameter(data: dict[str, Any], param: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_profile(data)
    assert caught.value.param == param
    assert caught.value.status == 422
    assert caught.value.message


def test_not_an_object() -> None:
    with pytest.raises(ValidationFailed):
        parse_profile(["vp"])  # type: ignore[arg-type]


def test_zero_weights_are_fine_while_one_positive_criterion_counts() -> None:
    data = mutate("weights", {"seniority": 0, "department": 0, "intent": 0, "competitor": 0})
    profile = compiled(data)
    assert profile.points["seniority"] == 0
    assert "intent" not in profile.points
    result = run({**VP_SALES, "company_domain": "rival.io"}, profile)
    assert result.breakdown["competitor"] == 0


def test_worked_example_from_the_docs() -> None:
    data = {
        "name": "Mid-market SaaS",
        "criteria": {
            "seniorities": ["vp", "c_level"],
            "departments": ["Sales"],
            "company_sizes": ["51-200", "201-500"],
            "industries": ["SaaS"],
            "revenues": ["$25M-$50M"],
            "countries": ["US", "Canada"],
            "competitors": ["rival.io"],
        },
        "weights": {"seniority": 30},
    }
    profile = compiled(data)
    lead = {
        "title": "Director of Revenue Operations",
        "company_domain": "techflow.io",
        "company_size": "51-200",
        "company_industry": "SaaS",
        "company_revenue": "$10M-$25M",
        "country_code": "US",
    }
    intent = [
        IntentSignal("hiring_sales_ops", NOW - timedelta(days=15), "jobs"),
        IntentSignal("evaluated_competitor", NOW - timedelta(days=45), "web"),
    ]
    result = run(lead, profile, intent=intent)
    assert result.breakdown == {
        "seniority": 14,
        "department": 18,
        "company_size": 18,
        "industry": 18,
        "revenue": 4,
        "country": 9,
        "intent": 11,
    }
    assert (result.score, result.tier) == (92, "high")
    rival = run({**lead, "company_domain": "rival.io"}, profile, intent=intent)
    assert (rival.score, rival.tier, rival.breakdown["competitor"]) == (42, "deprioritize", -50)
