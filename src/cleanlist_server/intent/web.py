"""Intent from an account's own web activity (``POST /v1/events``): pure functions.

Events of the last ``WINDOW_DAYS`` become at most one signal per code (``source``
``web_events``; ``detected_at`` the newest event that counts; ``evidence`` the count and up
to three example URLs, newest first):

- ``visited_pricing``: a page view whose path contains ``/pricing`` or ``/plans``;
- ``requested_demo``: a form submitted on a demo or contact-sales page (``/demo``,
  ``/request-demo``, ``/book-a-demo``, ``/contact-sales``, ``/talk-to-sales`` ...);
- ``evaluated_competitor``: an event whose page or referrer is on a competitor's domain
  (the ICP profile's ``competitors``, subdomains included);
- ``high_engagement``: at least ``ENGAGEMENT_VIEWS`` page views within
  ``ENGAGEMENT_DAYS`` days (the most recent such stretch).

Events dated after ``now`` (clients' clocks run a little fast) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cleanlist_server.intent.jobs import IntentSignalData
from cleanlist_server.normalize.domains import registrable_domain

__all__ = [
    "ENGAGEMENT_DAYS",
    "ENGAGEMENT_VIEWS",
    "SOURCE",
    "WINDOW_DAYS",
    "WebEvent",
    "competitor_of",
    "competitor_url",
    "is_demo_request_page",
    "is_pricing_page",
    "web_signals",
]

WINDOW_DAYS = 90
ENGAGEMENT_VIEWS = 5
ENGAGEMENT_DAYS = 7
MAX_EXAMPLES = 3
SOURCE = "web_events"
PAGE_VIEW, FORM_SUBMIT = "page_view", "form_submit"

_DEMO = re.compile(
    r"(?:^|[/_-])(?:demo|contact[/_-]?sales|talk[_-]to[_-]sales|sales[_-]contact)(?:$|[/._-])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class WebEvent:
    kind: str
    """``page_view`` or ``form_submit``."""
    url: str
    referrer: str | None
    occurred_at: datetime


def _path(url: str) -> str:
    try:
        return urlsplit(url).path.lower()
    except ValueError:
        return ""


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return registrable_domain(host) if host else None


def is_pricing_page(url: str) -> bool:
    path = _path(url)
    return "/pricing" in path or "/plans" in path


def is_demo_request_page(url: str) -> bool:
    return bool(_DEMO.search(_path(url)))


def competitor_url(event: WebEvent, competitors: frozenset[str]) -> str | None:
    """The event's page or referrer when it is on a competitor's domain."""
    for url in (event.url, event.referrer):
        domain = _host(url)
        if url and domain is not None and domain in competitors:
            return url
    return None


def competitor_of(event: WebEvent, competitors: frozenset[str]) -> str | None:
    """The competitor domain the event's page or referrer is on, if any."""
    return _host(competitor_url(event, competitors))


def _signal(
    code: str,
    items: Sequence[WebEvent],
    *,
    window_days: int,
    example: Callable[[WebEvent], str | None] = lambda e: e.url,
    **extra: Any,
) -> IntentSignalData:
    newest = sorted(items, key=lambda e: e.occurred_at, reverse=True)
    examples = [u for u in dict.fromkeys(example(e) for e in newest) if u][:MAX_EXAMPLES]
    evidence = {"count": len(items), "window_days": window_days, "examples": examples, **extra}
    return IntentSignalData(code, newest[0].occurred_at, SOURCE, evidence)


def _engagement(views: Sequence[WebEvent]) -> IntentSignalData | None:
    """The most recent run of ``ENGAGEMENT_VIEWS`` page views within ``ENGAGEMENT_DAYS``."""
    ordered = sorted(views, key=lambda e: e.occurred_at)
    span = timedelta(days=ENGAGEMENT_DAYS)
    start = 0
    best: list[WebEvent] | None = None
    for end, event in enumerate(ordered):
        while event.occurred_at - ordered[start].occurred_at >= span:
            start += 1
        if end - start + 1 >= ENGAGEMENT_VIEWS:
            best = ordered[start : end + 1]
    if best is None:
        return None
    return _signal("high_engagement", best, window_days=ENGAGEMENT_DAYS)


def web_signals(
    events: Iterable[WebEvent],
    *,
    competitors: frozenset[str] = frozenset(),
    now: datetime,
    window_days: int = WINDOW_DAYS,
) -> list[IntentSignalData]:
    """The signals of the events dated within ``window_days`` before ``now``, by code."""
    start = now - timedelta(days=window_days)
    recent = [e for e in events if start <= e.occurred_at <= now]
    views = [e for e in recent if e.kind == PAGE_VIEW]
    out: list[IntentSignalData] = []
    pricing = [e for e in views if is_pricing_page(e.url)]
    if pricing:
        out.append(_signal("visited_pricing", pricing, window_days=window_days))
    demos = [e for e in recent if e.kind == FORM_SUBMIT and is_demo_request_page(e.url)]
    if demos:
        out.append(_signal("requested_demo", demos, window_days=window_days))
    rivals = {id(e): d for e in recent if (d := competitor_of(e, competitors)) is not None}
    if rivals:
        matched = [e for e in recent if id(e) in rivals]
        names = sorted(set(rivals.values()))
        out.append(
            _signal(
                "evaluated_competitor",
                matched,
                window_days=window_days,
                example=lambda e: competitor_url(e, competitors),
                competitors=names,
            )
        )
    engaged = _engagement(views)
    if engaged is not None:
        out.append(engaged)
    return sorted(out, key=lambda s: s.code)
