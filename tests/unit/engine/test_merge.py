from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cleanlist_server.domain.records import FieldValue, ProviderResult
from cleanlist_server.engine.merge import merge

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
    assert winner.confidence > 0.8  # two sources agree
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
