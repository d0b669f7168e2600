"""When to retry and how long to wait: pure functions, shared by the sync and async clients."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from ._exceptions import error_code

__all__ = ["is_retryable_exception", "retry_delay", "should_retry"]

INITIAL_BACKOFF = 0.5  # seconds before the first retry
MAX_BACKOFF = 8.0  # ceiling of the exponential backoff
MAX_RETRY_AFTER = 60.0  # a server's Retry-After is honoured up to this many seconds

_RETRYABLE_STATUSES = frozenset({408, 429})


def should_retry(response: httpx.Response) -> bool:
    """Whether a (read) response is worth another attempt with the same idempotency key."""
    status = response.status_code
    if status in _RETRYABLE_STATUSES or status >= 500:
        return True
    # The same key is still being processed by another attempt; once it finishes the
    # server replays its stored answer, so waiting and retrying is safe.
    return status == 409 and error_code(response) == "idempotency_key_in_use"


def is_retryable_exception(exc: httpx.TransportError) -> bool:
    """Transport failures that may succeed next time (not e.g. an ``ftp://`` base URL)."""
    return not isinstance(exc, httpx.UnsupportedProtocol)


def retry_delay(retries_done: int, response: httpx.Response | None) -> float:
    """Seconds to wait before retry number ``retries_done + 1``.

    The server's ``Retry-After`` wins (capped at ``MAX_RETRY_AFTER``); otherwise exponential
    backoff from ``INITIAL_BACKOFF`` up to ``MAX_BACKOFF``, minus up to 25% jitter so that
    many clients failing together do not come back together.
    """
    retry_after = parse_retry_after(response.headers) if response is not None else None
    if retry_after is not None:
        return min(retry_after, MAX_RETRY_AFTER)
    backoff = min(INITIAL_BACKOFF * 2.0**retries_done, MAX_BACKOFF)
    return backoff * (1.0 - 0.25 * random.random())  # jitter, not crypto


def parse_retry_after(headers: httpx.Headers) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None if absent/bad."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(seconds, 0.0)
