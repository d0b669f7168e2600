"""Intent from an account's own web events (intent/web.py): pure, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cleanlist_server.intent.web import (
    WebEvent,
    competitor_of,
    is_demo_request_page,
    is_pricing_page,
    web_signals,
)

NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
RIVALS = frozenset({"rival.io"})


def view(url: str, days_ago: float, referrer: str | None = None) -> WebEvent:
    return WebEvent("page_view", url, referrer, NOW - timedelta(days=days_ago))


def form(url: str, days_ago: float) -> WebEvent:
    return WebEvent("form_submit", url, None, NOW - timedelta(days=days_ago))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.com/pricing", True),
        ("https://acme.com/en/pricing/enterprise?x=1", True),
        ("https://acme.com/plans", True),
        ("https://acme.com/PRICING", True),
        ("https://acme.com/blog/why-pricing-matters", False),
        ("https://acme.com/?q=/pricing", False),
        ("https://acme.com/", False),
    ],
)
def test_pricing_pages(url: str, expected: bool) -> None:
    assert is_pricing_page(url) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.com/demo", True),
        ("https://acme.com/request-demo", True),
        ("https://acme.com/book-a-demo/thanks", True),
        ("https://acme.com/contact-sales", True),
        ("https://acme.com/contact/sales", True),
        ("https://acme.com/talk-to-sales", True),
        ("https://acme.com/democracy", False),
        ("https://acme.com/contact", False),
        ("https://acme.com/newsletter", False),
    ],
)
def test_demo_request_pages(url: str, expected: bool) -> None:
    assert is_demo_request_page(url) is expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (view("https://acme.com/blog", 1, "https://www.rival.io/compare"), "rival.io"),
        (view("https://docs.rival.io/setup", 1), "rival.io"),
        (view("https://acme.com/blog", 1, "https://notrival.io/"), None),
        (view("https://acme.com/blog", 1, "not a url"), None),
        (view("https://acme.com/blog", 1), None),
    ],
)
def test_competitor_pages_and_referrers(event: WebEvent, expected: str | None) -> None:
    assert competitor_of(event, RIVALS) == expected


def test_each_signal_with_its_newest_date_count_and_examples() -> None:
    events = [
        view("https://acme.com/pricing", 10),
        view("https://acme.com/pricing", 3),
        view("https://acme.com/plans", 40),
        form("https://acme.com/request-demo", 2),
        form("https://acme.com/newsletter", 1),
        view("https://acme.com/blog", 5, "https://rival.io/vs-acme"),
    ]
    found = {s.code: s for s in web_signals(events, competitors=RIVALS, now=NOW)}
    assert sorted(found) == ["evaluated_competitor", "requested_demo", "visited_pricing"]
    pricing = found["visited_pricing"]
    assert pricing.detected_at == NOW - timedelta(days=3)
    assert pricing.source == "web_events"
    assert pricing.evidence == {
        "count": 3,
        "window_days": 90,
        "examples": ["https://acme.com/pricing", "https://acme.com/plans"],
    }
    assert found["requested_demo"].evidence["count"] == 1
    rival = found["evaluated_competitor"]
    assert rival.detected_at == NOW - timedelta(days=5)
    assert rival.evidence["competitors"] == ["rival.io"]
    assert rival.evidence["examples"] == ["https://rival.io/vs-acme"]


def test_old_future_and_unrelated_events_make_nothing() -> None:
    events = [
        view("https://acme.com/pricing", 91),  # outside the 90-day window
        view("https://acme.com/pricing", -1),  # in the future
        form("https://acme.com/pricing", 1),  # a form is not a page view
        view("https://acme.com/demo", 1),  # a view of the demo page is not a request
    ]
    assert web_signals(events, competitors=RIVALS, now=NOW) == []


@pytest.mark.parametrize(
    ("days_ago", "fires"),
    [
        ([1, 2, 3, 4, 5], True),
        ([1, 2, 3, 4], False),
        ([0, 1, 2, 3, 6.9], True),
        ([0, 1, 2, 3, 7.1], False),  # five views, but not within 7 days
        ([30, 31, 32, 33, 34], True),
    ],
)
def test_high_engagement(days_ago: list[float], fires: bool) -> None:
    events = [view(f"https://acme.com/p{i}", d) for i, d in enumerate(days_ago)]
    found = {s.code: s for s in web_signals(events, now=NOW)}
    assert ("high_engagement" in found) is fires
    if fires:
        signal = found["high_engagement"]
        assert signal.detected_at == NOW - timedelta(days=min(days_ago))
        assert signal.evidence["count"] == 5 and signal.evidence["window_days"] == 7
        assert len(signal.evidence["examples"]) == 3


def test_engagement_reports_the_most_recent_busy_week() -> None:
    early = [view("https://acme.com/a", 60 + i * 0.1) for i in range(6)]
    late = [view("https://acme.com/b", 10 + i * 0.1) for i in range(5)]
    signal = next(s for s in web_signals(early + late, now=NOW) if s.code == "high_engagement")
    assert signal.detected_at == NOW - timedelta(days=10)
    assert signal.evidence["examples"] == ["https://acme.com/b"]
