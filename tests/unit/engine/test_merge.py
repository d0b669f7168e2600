from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cleanlist_server.domain.records import FieldValue, ProviderResult
from cleanlist_server.engine.merge import merge, provenance

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def result(provider: str, matched: bool = True, **fields: tuple[object, int]) -> ProviderResult:
    values = {
        name: FieldValue(value, provider, T0 + timedelta(days=age), 0.8)
        for name, (value, age) in fields.items()
    }
    return ProviderResult(provider=provider, matched=matched, fields=values)


def test_more_sources_beat_recency() -> None:
    merged = merge(
        [
            result("a", company_name=("Old Co", 1)),
            result("b", company_name=("New Co", 30)),
            result("c", company_name=("old co", 2)),
        ]
    )
    winner = merged.winners["company_name"]
    assert winner.value == "old co"  # of the two agreeing values, the more recent
    assert merged.decisions["company_name"].sources == ("a", "c")  # two sources agree
    assert merged.decisions["company_name"].contenders == 3
    assert [fv.value for fv in merged.rejected["company_name"]] == ["New Co"]


def test_recency_beats_order_when_support_ties() -> None:
    merged = merge([result("a", title=("CTO", 1)), result("b", title=("CEO", 5))])
    assert merged.winners["title"].value == "CEO"


def test_order_breaks_full_ties_and_unmatched_results_are_ignored() -> None:
    merged = merge(
        [
            result("x", matched=False, title=("Ghost", 9)),
            result("a", title=("CTO", 1)),
            result("b", title=("CEO", 1)),
        ]
    )
    assert merged.winners["title"].value == "CTO"
    assert merged.winners["title"].source == "a"


def test_none_values_are_not_candidates() -> None:
    merged = merge([result("a", phone=(None, 1)), result("b", phone=("+14155550142", 0))])
    assert merged.winners["phone"].value == "+14155550142"
    assert "phone" not in merged.rejected


def test_old_confirmations_do_not_outvote_a_newer_observation() -> None:
    # Two vendors saw the old employer long ago; one saw the job change recently.
    merged = merge(
        [
            result("a", company_domain=("old.test", 0), title=("AE", 0)),
            result("b", company_domain=("old.test", 10), title=("AE", 10)),
            result("c", company_domain=("new.test", 400), title=("Sales Director", 400)),
        ]
    )
    assert merged.winners["company_domain"].value == "new.test"
    assert merged.winners["title"].value == "Sales Director"


def test_employment_fields_follow_the_chosen_employer() -> None:
    # "b" names another employer: its title must not pair with "a"+"c"'s employer,
    # even though it is the most recent title seen.
    merged = merge(
        [
            result("a", company_domain=("acme.test", 5)),
            result("b", company_domain=("other.test", 6), title=("CFO", 50)),
            result("c", company_domain=("acme.test", 7), title=("CTO", 7)),
        ]
    )
    assert merged.winners["company_domain"].value == "acme.test"
    assert merged.winners["title"].value == "CTO"
    assert [fv.value for fv in merged.rejected["title"]] == ["CFO"]


def test_person_fields_ignore_employer_disagreement() -> None:
    merged = merge(
        [
            result("a", company_domain=("acme.test", 5), city=("Berlin", 5)),
            result("b", company_domain=("other.test", 6), city=("Paris", 60)),
        ]
    )
    assert merged.winners["city"].value == "Paris"  # not an employment field


def test_reliability_breaks_ties_of_support_and_recency() -> None:
    rel = {"a": 0.2, "b": 0.9}
    merged = merge(
        [result("a", title=("CTO", 1)), result("b", title=("CEO", 1))],
        reliability=lambda name, _field: rel[name],
    )
    assert merged.winners["title"].value == "CEO"


def test_kb_imports_count_as_one_source() -> None:
    values = [
        ProviderResult("kb", True, {"title": FieldValue("CTO", "kb:crm.csv", T0, 0.9)}),
        ProviderResult("kb", True, {"title": FieldValue("CTO", "kb:hubspot.csv", T0, 0.9)}),
        ProviderResult("x", True, {"title": FieldValue("CEO", "x", T0, 0.9)}),
    ]
    decision = merge(values).decisions["title"]
    assert decision.sources == ("kb",)
    assert decision.contenders == 2


def test_provenance_lists_winner_and_rejected() -> None:
    merged = merge([result("a", title=("CTO", 1)), result("b", title=("CEO", 5))])
    out = provenance(merged, {"title": 0.7})
    assert out["title"]["value"] == "CEO"
    assert out["title"]["source"] == "b"
    assert out["title"]["confidence"] == 0.7
    assert out["title"]["observed_at"] == "2026-01-06T00:00:00Z"
    assert out["title"]["rejected"] == [
        {"value": "CTO", "source": "a", "observed_at": "2026-01-02T00:00:00Z", "confidence": 0.8}
    ]


def test_tech_stacks_are_the_union_of_what_sources_saw() -> None:
    merged = merge(
        [
            ProviderResult(
                "website",
                True,
                {"company_tech_stack": FieldValue(["HubSpot", "React"], "website", T0, 0.7)},
            ),
            ProviderResult(
                "dns",
                True,
                {"company_tech_stack": FieldValue(["Google Workspace", "hubspot"], "dns", T0, 0.9)},
            ),
        ]
    )
    decision = merged.decisions["company_tech_stack"]
    assert decision.winner.value == ["Google Workspace", "HubSpot", "React"]
    assert decision.sources == ("website", "dns") and not decision.rejected


def test_sources_naming_another_employer_by_name_or_email_are_kept_out() -> None:
    merged = merge(
        [
            result(
                "a", company_domain=("new.test", 50), company_name=("New Co", 50), title=("CMO", 50)
            ),
            result("b", company_domain=("new.test", 40)),
            result("c", company_name=("Old Co", 60), title=("Ops Manager", 60)),
            result("d", email=("ann@old.test", 70), title=("Analyst", 70)),
        ]
    )
    assert merged.winners["company_name"].value == "New Co"
    assert merged.winners["title"].value == "CMO"
    rejected = {fv.value for fv in merged.rejected["title"]}
    assert rejected == {"Ops Manager", "Analyst"}


def test_answers_about_another_company_stay_out_of_the_employment() -> None:
    stale_site = ProviderResult(
        "website",
        True,
        {"company_tech_stack": FieldValue(["Citrix"], "website", T0, 0.7)},
        about={"company_domain": "old.test"},
    )
    merged = merge([result("a", company_domain=("new.test", 5)), stale_site])
    assert "company_tech_stack" not in merged.winners


def test_reliability_beats_a_slightly_newer_observation() -> None:
    rel = {"a": 0.95, "b": 0.6}
    results = [result("a", title=("CTO", 1)), result("b", title=("CEO", 40))]
    merged = merge(results, reliability=lambda name, _field: rel[name])
    assert merged.winners["title"].value == "CTO"  # 39 days apart: equally current


def test_a_much_newer_observation_beats_reliability() -> None:
    rel = {"a": 0.95, "b": 0.6}
    results = [result("a", title=("CTO", 1)), result("b", title=("CEO", 90))]
    merged = merge(results, reliability=lambda name, _field: rel[name])
    assert merged.winners["title"].value == "CEO"


def test_the_newest_employer_wins_whatever_the_reliability() -> None:
    rel = {"a": 0.95, "b": 0.6}
    results = [
        result("a", company_domain=("old.test", 1)),
        result("b", company_domain=("new.test", 20)),
    ]
    merged = merge(results, reliability=lambda name, _field: rel[name])
    assert merged.winners["company_domain"].value == "new.test"


def test_settled_fields_count_every_confirmation_whatever_its_age() -> None:
    # Same employer: an address two sources gave months ago is still confirmed twice.
    merged = merge(
        [
            result("a", company_domain=("acme.test", 0), email=("ann.lee@acme.test", 0)),
            result("b", company_domain=("acme.test", 10), email=("ann.lee@acme.test", 10)),
            result("c", company_domain=("acme.test", 300), email=("annlee@acme.test", 300)),
        ]
    )
    assert merged.winners["email"].value == "ann.lee@acme.test"
    assert merged.decisions["email"].sources == ("a", "b")


def test_a_settled_fact_goes_to_the_more_reliable_source_not_the_newer() -> None:
    rel = {"site": 0.99, "vendor": 0.7}
    results = [
        result("site", company_hq_location=("Sacramento, CA", 0)),
        result("vendor", company_hq_location=("Cork, Ireland", 200)),
    ]
    merged = merge(results, reliability=lambda name, _field: rel[name])
    assert merged.winners["company_hq_location"].value == "Sacramento, CA"


def test_role_confirmations_expire_after_a_year() -> None:
    merged = merge(
        [
            result("a", title=("Account Executive", 0)),
            result("b", title=("Account Executive", 20)),
            result("c", title=("Sales Director", 400)),  # promoted: seen 380+ days later
        ]
    )
    assert merged.winners["title"].value == "Sales Director"
    # within the year, two confirmations still beat one newer title
    merged = merge(
        [
            result("a", title=("Account Executive", 200)),
            result("b", title=("Account Executive", 220)),
            result("c", title=("Sales Director", 400)),
        ]
    )
    assert merged.winners["title"].value == "Account Executive"


def test_reliability_is_asked_per_field() -> None:
    # "a" is right about titles and wrong about phones; "b" the other way round.
    rel = {("a", "title"): 0.95, ("a", "phone"): 0.4, ("b", "title"): 0.5, ("b", "phone"): 0.9}
    merged = merge(
        [
            result("a", title=("CTO", 1), phone=("+14155550100", 1)),
            result("b", title=("CEO", 1), phone=("+14155550199", 1)),
        ],
        reliability=lambda name, field: rel[name, field],
    )
    assert merged.winners["title"].value == "CTO"
    assert merged.winners["phone"].value == "+14155550199"


def test_a_status_only_speaks_of_the_address_it_was_given_for() -> None:
    checked_old = ProviderResult(
        "verifier",
        True,
        {"email_status": FieldValue("invalid", "verifier", T0 + timedelta(days=9), 0.9)},
        about={"email": "ann@old.test"},
    )
    merged = merge(
        [
            result("a", email=("ann@acme.test", 1), email_status=("valid", 1)),
            result("b", email=("ann@acme.test", 2)),
            result("c", email=("a.lee@acme.test", 3), email_status=("catch-all", 3)),
            checked_old,
        ]
    )
    assert merged.winners["email"].value == "ann@acme.test"
    decision = merged.decisions["email_status"]
    assert decision.winner.value == "valid"  # neither c's nor the verifier's verdict
    assert {fv.value for fv in decision.rejected} == {"catch-all", "invalid"}


def test_an_echoed_identifier_is_no_confirmation() -> None:
    # A verifier's answer is *about* the address: it does not second it against another.
    echo = ProviderResult(
        "verifier",
        True,
        {"email_status": FieldValue("valid", "verifier", T0, 0.9)},
        about={"email": "annlee@acme.test"},
    )
    merged = merge(
        [
            result("a", email=("ann.lee@acme.test", 1)),
            result("b", email=("ann.lee@acme.test", 2)),
            result("c", email=("annlee@acme.test", 3)),
            echo,
        ]
    )
    assert merged.winners["email"].value == "ann.lee@acme.test"
    assert "email_status" not in merged.winners  # said of an address the merge did not keep


def test_a_phone_type_follows_the_chosen_number() -> None:
    intel = ProviderResult(
        "phone",
        True,
        {"phone_type": FieldValue("mobile", "phone", T0, 0.9)},
        about={"phone": "+14155550199"},
    )
    merged = merge(
        [
            result("a", phone=("+14155550100", 1), phone_type=("direct_dial", 1)),
            result("b", phone=("+14155550100", 2)),
            intel,
        ]
    )
    assert merged.winners["phone"].value == "+14155550100"
    assert merged.winners["phone_type"].value == "direct_dial"


def test_what_a_company_publishes_about_itself_wins_over_vendor_copies() -> None:
    site = ProviderResult(
        "website",
        True,
        {
            "company_linkedin_url": FieldValue(
                "https://linkedin.com/company/acme", "website", T0, 0.9
            ),
            "company_tech_stack": FieldValue(["React"], "website", T0, 0.7),
        },
        about={"company_domain": "acme.test"},
        first_party=frozenset({"company_linkedin_url"}),
    )
    copies = [
        result(v, company_domain=("acme.test", 1), company_linkedin_url=(url, 1))
        for v, url in (
            ("a", "https://linkedin.com/company/acmehq"),
            ("b", "https://linkedin.com/company/acmehq"),
            ("c", "https://linkedin.com/company/acme"),
        )
    ]
    merged = merge([*copies, site])
    decision = merged.decisions["company_linkedin_url"]
    assert decision.winner.value == "https://linkedin.com/company/acme"  # 2 vendors said hq
    assert set(decision.sources) == {"c", "website"}
    # the same homepage about another company is kept out of the employment altogether
    elsewhere = ProviderResult(
        "website",
        True,
        dict(site.fields),
        about={"company_domain": "old.test"},
        first_party=site.first_party,
    )
    merged = merge([*copies, elsewhere])
    assert merged.winners["company_linkedin_url"].value == "https://linkedin.com/company/acmehq"


def test_a_refuted_value_never_wins_and_its_statuses_go_with_it() -> None:
    results = [
        result("a", email=("al@acme.test", 1), email_status=("valid", 1)),
        result("b", email=("AL@acme.test", 2)),
        result("c", email=("ann@acme.test", 3)),
    ]
    assert merge(results).winners["email"].value == "AL@acme.test"  # two sources
    merged = merge(results, refuted={"email": {"al@acme.test"}})
    assert merged.winners["email"].value == "ann@acme.test"
    assert {fv.value for fv in merged.rejected["email"]} == {"al@acme.test", "AL@acme.test"}
    assert "email_status" not in merged.winners  # "valid" was said of the refuted address
    # With every candidate refuted, the best of them is still the answer (and "valid",
    # said of it, its status: the waterfall's own check replaces that with "invalid").
    everything = merge(results, refuted={"email": {"al@acme.test", "ann@acme.test"}})
    assert everything.winners["email"].value == "AL@acme.test"
