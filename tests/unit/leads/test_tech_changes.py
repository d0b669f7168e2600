"""adopted_/dropped_ technology signals from consecutive snapshots (intent/tech.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cleanlist_server.intent.tech import carry_forward, tech_changes, tech_code, union

BEFORE = datetime(2026, 4, 1, tzinfo=UTC)
NOW = datetime(2026, 4, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("HubSpot", "adopted_hubspot"),
        ("Google Workspace", "adopted_google_workspace"),
        ("Microsoft 365", "adopted_microsoft_365"),
        ("Next.js", "adopted_next_js"),
        ("C++", "adopted_c_plus_plus"),
        ("  6sense ", "adopted_6sense"),
        ("***", "adopted_unknown"),
    ],
)
def test_codes_are_lower_snake_case(name: str, code: str) -> None:
    assert tech_code("adopted", name) == code


def codes(previous: dict[str, list[str]] | None, observed: dict[str, list[str]]) -> list[str]:
    return [s.code for s in tech_changes(previous, observed, previous_at=BEFORE, now=NOW)]


def test_the_first_snapshot_is_a_baseline() -> None:
    assert codes(None, {"website": ["HubSpot"], "dns": ["Google Workspace"]}) == []
    assert codes({}, {"website": ["HubSpot"]}) == []


def test_adopted_and_dropped_between_snapshots() -> None:
    previous = {"website": ["HubSpot", "jQuery"], "dns": ["Google Workspace"]}
    observed = {"website": ["HubSpot", "Segment"], "dns": ["Google Workspace", "Salesforce"]}
    changes = tech_changes(previous, observed, previous_at=BEFORE, now=NOW)
    assert [s.code for s in changes] == [
        "adopted_salesforce",
        "adopted_segment",
        "dropped_jquery",
    ]
    segment = changes[1]
    assert segment.detected_at == NOW and segment.source == "website"
    assert segment.evidence == {
        "technology": "Segment",
        "sources": ["website"],
        "previous_snapshot": BEFORE.isoformat(),
    }


def test_a_failed_source_invents_nothing() -> None:
    previous = {"website": ["HubSpot"], "dns": ["Google Workspace"]}
    # dns did not answer this time: its Google Workspace is neither dropped nor re-adopted
    assert codes(previous, {"website": ["HubSpot"]}) == []
    # a source without a baseline is not compared
    assert codes({"website": ["HubSpot"]}, {"website": ["HubSpot"], "dns": ["Zoho"]}) == []


def test_moving_between_sources_is_not_a_change() -> None:
    previous = {"website": ["HubSpot"], "dns": ["Salesforce"]}
    observed = {"website": ["Salesforce"], "dns": ["HubSpot"]}
    assert codes(previous, observed) == []


def test_a_technology_still_seen_by_a_failed_source_is_not_dropped() -> None:
    previous = {"website": ["HubSpot"], "dns": ["HubSpot"]}
    assert codes(previous, {"website": []}) == []
    assert codes(previous, {"website": [], "dns": []}) == ["dropped_hubspot"]


def test_names_compare_case_insensitively() -> None:
    assert codes({"website": ["Hubspot"]}, {"website": ["HubSpot"]}) == []


def test_carry_forward_and_union() -> None:
    previous = {"website": ["HubSpot"], "dns": ["Google Workspace"]}
    snapshot = carry_forward(previous, {"website": ["Segment", "HubSpot", "Segment"]})
    assert snapshot == {"website": ["HubSpot", "Segment"], "dns": ["Google Workspace"]}
    assert carry_forward(None, {"dns": ["Zoho"]}) == {"dns": ["Zoho"]}
    assert union({"a": ["jQuery", "HubSpot"], "b": ["hubspot", "Zoho"]}) == [
        "HubSpot",
        "jQuery",
        "Zoho",
    ]
