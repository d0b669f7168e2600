"""POST /v1/events validation (services/events.py): every problem names its event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cleanlist_server.errors import ValidationFailed
from cleanlist_server.services.events import MAX_EVENTS, parse_event, parse_events

NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
GOOD = {
    "type": "page_view",
    "url": "https://acme.com/pricing",
    "occurred_at": "2026-04-15T11:00:00Z",
}


def test_a_good_event_becomes_a_row() -> None:
    row = parse_event(
        {**GOOD, "email": " Jane.Doe@Acme.COM ", "referrer": "https://g2.com/x"}, 0, now=NOW
    )
    assert row == {
        "email": "jane.doe@acme.com",
        "company_domain": "acme.com",  # from the work email
        "kind": "page_view",
        "url": "https://acme.com/pricing",
        "referrer": "https://g2.com/x",
        "occurred_at": datetime(2026, 4, 15, 11, 0, tzinfo=UTC),
    }


@pytest.mark.parametrize(
    ("extra", "domain"),
    [
        ({"email": "jane@gmail.com"}, None),  # free mail gives no company
        ({"company_domain": "https://www.Acme.co.uk/about"}, "acme.co.uk"),
        ({"email": "jane@gmail.com", "company_domain": "acme.com"}, "acme.com"),
        ({"email": "jane@eu.acme.com"}, "acme.com"),
    ],
)
def test_company_domain(extra: dict[str, Any], domain: str | None) -> None:
    assert parse_event({**GOOD, **extra}, 0, now=NOW)["company_domain"] == domain


def test_times_without_offset_are_utc_and_a_little_skew_is_fine() -> None:
    naive = parse_event(
        {**GOOD, "company_domain": "a.com", "occurred_at": "2026-04-15T11:00:00"}, 0, now=NOW
    )
    assert naive["occurred_at"] == datetime(2026, 4, 15, 11, 0, tzinfo=UTC)
    soon = (NOW + timedelta(minutes=4)).isoformat()
    assert parse_event({**GOOD, "company_domain": "a.com", "occurred_at": soon}, 0, now=NOW)


@pytest.mark.parametrize(
    ("event", "param", "code"),
    [
        ("nope", "events[3]", "invalid_parameter"),
        ({**GOOD, "company_domain": "a.com", "colour": 1}, "events[3].colour", "unknown_parameter"),
        (
            {**GOOD, "company_domain": "a.com", "type": "click"},
            "events[3].type",
            "invalid_parameter",
        ),
        (GOOD, "events[3].email", "invalid_parameter"),  # neither email nor domain
        ({**GOOD, "email": "not-an-email"}, "events[3].email", "invalid_parameter"),
        ({**GOOD, "company_domain": "localhost"}, "events[3].company_domain", "invalid_parameter"),
        ({**GOOD, "company_domain": 7}, "events[3].company_domain", "invalid_parameter"),
        (
            {**GOOD, "company_domain": "a.com", "url": "/pricing"},
            "events[3].url",
            "invalid_parameter",
        ),
        (
            {**GOOD, "company_domain": "a.com", "url": "ftp://a.com/x"},
            "events[3].url",
            "invalid_parameter",
        ),
        (
            {**GOOD, "company_domain": "a.com", "url": "https://a.com/" + "x" * 2048},
            "events[3].url",
            "invalid_parameter",
        ),
        (
            {**GOOD, "company_domain": "a.com", "referrer": "g2"},
            "events[3].referrer",
            "invalid_parameter",
        ),
        (
            {**GOOD, "company_domain": "a.com", "occurred_at": None},
            "events[3].occurred_at",
            "invalid_parameter",
        ),
        (
            {**GOOD, "company_domain": "a.com", "occurred_at": "0001-01-01T00:00:00+01:00"},
            "events[3].occurred_at",
            "invalid_parameter",
        ),
        (
            {**GOOD, "company_domain": "a.com", "occurred_at": "1999-12-31T23:59:59Z"},
            "events[3].occurred_at",
            "invalid_parameter",
        ),
        (
            {**GOOD, "company_domain": "a.com", "occurred_at": "yesterday"},
            "events[3].occurred_at",
            "invalid_parameter",
        ),
        (
            {**GOOD, "company_domain": "a.com", "occurred_at": "2026-04-15T12:06:00Z"},
            "events[3].occurred_at",
            "occurred_in_future",
        ),
    ],
)
def test_bad_events_name_the_field(event: Any, param: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_event(event, 3, now=NOW)
    assert (caught.value.param, caught.value.code, caught.value.status) == (param, code, 422)


def test_batch_limits() -> None:
    one = {**GOOD, "company_domain": "a.com"}
    assert len(parse_events([one] * MAX_EVENTS, now=NOW)) == MAX_EVENTS
    with pytest.raises(ValidationFailed) as big:
        parse_events([one] * (MAX_EVENTS + 1), now=NOW)
    assert (big.value.param, big.value.code) == ("events", "batch_too_large")
    with pytest.raises(ValidationFailed) as empty:
        parse_events([], now=NOW)
    assert empty.value.param == "events"
