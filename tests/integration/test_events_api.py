"""POST /v1/events through a real server on each backend: limits, dates, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Server
from tests.integration.lead_helpers import import_csv, quick_key

PEOPLE = """First Name,Last Name,Email,Job Title,Website,Number of Employees,Industry,Country/Region
Nia,Gray,nia@eventco.com,VP of Sales,eventco.com,300,SaaS,United States
"""


def event(**overrides: Any) -> dict[str, Any]:
    when = datetime.now(UTC) - timedelta(hours=1)
    return {
        "type": "page_view",
        "company_domain": "eventco.com",
        "url": "https://ourproduct.example/pricing",
        "occurred_at": when.isoformat(),
        **overrides,
    }


@pytest.fixture
def key(server: Server) -> str:
    key = quick_key(server)
    import_csv(server, key, PEOPLE)
    return key


def signals(c: httpx.Client) -> list[str]:
    r = c.post("/v1/enrich/lead", json={"email": "nia@eventco.com"})
    assert r.status_code == 200, r.text
    codes: list[str] = r.json()["lead"]["intent_signals"]
    return codes


def test_a_batch_is_accepted_and_counted(server: Server, key: str) -> None:
    batch = [
        event(),
        event(type="form_submit", url="https://ourproduct.example/request-demo"),
        event(company_domain=None, email="Nia@EventCo.com", url="https://ourproduct.example/"),
        event(company_domain=None, email="nia.personal@gmail.com"),
    ]
    with server.client(key) as c:
        r = c.post("/v1/events", json={"events": batch})
        found = signals(c)
    assert r.status_code == 200 and r.json() == {"accepted": 4}
    assert found == ["requested_demo", "visited_pricing"]


def test_limits(server: Server, key: str) -> None:
    one = event(url="https://ourproduct.example/plans")
    with server.client(key) as c:
        most = c.post("/v1/events", json={"events": [one] * 1000})
        over = c.post("/v1/events", json={"events": [one] * 1001})
        empty = c.post("/v1/events", json={"events": []})
        missing = c.post("/v1/events", json={})
        not_a_list = c.post("/v1/events", json={"events": {"type": "page_view"}})
    assert most.status_code == 200 and most.json() == {"accepted": 1000}
    assert over.status_code == 422
    assert over.json()["error"]["code"] == "batch_too_large"
    assert over.json()["error"]["param"] == "events"
    for r in (empty, missing, not_a_list):
        assert r.status_code == 422, r.text
        assert r.json()["error"]["param"] == "events"


def test_future_dates_are_refused_and_nothing_is_written(server: Server, key: str) -> None:
    future = (datetime.now(UTC) + timedelta(minutes=30)).isoformat()
    batch = [
        event(),
        event(type="form_submit", url="https://x.example/demo"),
        event(occurred_at=future),
    ]
    with server.client(key) as c:
        r = c.post("/v1/events", json={"events": batch})
        found = signals(c)
    assert r.status_code == 422
    assert r.json()["error"]["param"] == "events[2].occurred_at"
    assert r.json()["error"]["code"] == "occurred_in_future"
    assert found == []  # the two good events of the refused batch were not kept


def test_a_little_clock_skew_is_fine(server: Server, key: str) -> None:
    soon = (datetime.now(UTC) + timedelta(minutes=2)).isoformat()
    with server.client(key) as c:
        r = c.post("/v1/events", json={"events": [event(occurred_at=soon)]})
    assert r.status_code == 200 and r.json() == {"accepted": 1}


@pytest.mark.parametrize(
    ("bad", "param", "code"),
    [
        ({"type": "click"}, "events[1].type", "invalid_parameter"),
        ({"company_domain": None}, "events[1].email", "invalid_parameter"),
        ({"email": "nope"}, "events[1].email", "invalid_parameter"),
        ({"url": "/pricing"}, "events[1].url", "invalid_parameter"),
        ({"referrer": 12}, "events[1].referrer", "invalid_parameter"),
        ({"occurred_at": "last tuesday"}, "events[1].occurred_at", "invalid_parameter"),
        ({"page": "/pricing"}, "events[1].page", "unknown_parameter"),
    ],
)
def test_bad_events_name_themselves(
    server: Server, key: str, bad: dict[str, Any], param: str, code: str
) -> None:
    with server.client(key) as c:
        r = c.post("/v1/events", json={"events": [event(), event(**bad)]})
        found = signals(c)
    assert r.status_code == 422, r.text
    assert (r.json()["error"]["param"], r.json()["error"]["code"]) == (param, code)
    assert found == []


def test_events_belong_to_their_account(server: Server, key: str) -> None:
    with server.client(quick_key(server)) as other:
        assert other.post("/v1/events", json={"events": [event()]}).status_code == 200
    with server.client(key) as c:
        assert signals(c) == []


def test_events_need_a_key(server: Server) -> None:
    r = httpx.post(server.base_url + "/v1/events", json={"events": [event()]})
    assert r.status_code == 401
