"""The pure retry policy in ``cleanlist._retries``: a table of cases."""

from __future__ import annotations

import httpx
import pytest
from cleanlist._retries import parse_retry_after, retry_delay, should_retry

# A fixed date in the past: parameters must be identical in every pytest-xdist worker.
PAST = "Wed, 21 Oct 2015 07:28:00 GMT"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("3", 3.0),
        ("1.5", 1.5),
        ("-5", 0.0),
        ("nan", None),
        (PAST, 0.0),
        ("Wed, 99 Foo 2026", None),
        ("", None),
    ],
)
def test_parse_retry_after(value, expected):
    headers = httpx.Headers({} if value is None else {"Retry-After": value})
    assert parse_retry_after(headers) == expected


@pytest.mark.parametrize(
    ("status", "body", "retry"),
    [
        (200, None, False),
        (400, None, False),
        (401, None, False),
        (402, None, False),
        (404, None, False),
        (408, None, True),
        (409, {"error": {"code": "idempotency_key_in_use"}}, True),
        (409, {"error": {"code": "idempotency_key_reused"}}, False),
        (409, None, False),
        (422, None, False),
        (429, None, True),
        (500, None, True),
        (503, None, True),
    ],
)
def test_should_retry(status, body, retry):
    assert should_retry(httpx.Response(status, json=body)) is retry


def test_retry_after_wins_over_backoff_and_is_capped():
    assert retry_delay(5, httpx.Response(429, headers={"Retry-After": "2"})) == 2.0
    assert retry_delay(0, httpx.Response(429, headers={"Retry-After": "86400"})) == 60.0
    assert 0.375 <= retry_delay(0, None) <= 0.5
    assert 6.0 <= retry_delay(10, None) <= 8.0
