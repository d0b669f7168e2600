"""Retries: which failures, how long to wait, and the idempotency key they share (both clients)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from cleanlist import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    RateLimitError,
)
from sdkharness import error_body, resolve

pytestmark = pytest.mark.asyncio


def ok() -> httpx.Response:
    return httpx.Response(200, json={"id": "ev_1", "status": "completed"})


def status(code: int, headers: dict[str, str] | None = None, **body: object):
    return lambda _: httpx.Response(code, json=body or None, headers=headers)


@pytest.mark.parametrize(
    "failure",
    [
        status(429),
        status(408),
        status(500),
        status(502),
        status(503),
        status(409, **error_body("idempotency_key_in_use")),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("server disconnected"),
    ],
)
async def test_transient_failures_are_retried_with_the_same_idempotency_key(make, failure):
    h = make(failure, failure, ok())
    result = await resolve(h.client.enrich.contact(email="jane@acme.com"))
    assert result["id"] == "ev_1"
    assert len(h.requests) == 3
    keys = {request.headers["idempotency-key"] for request in h.requests}
    assert len(keys) == 1
    assert len({request.content for request in h.requests}) == 1
    assert len(h.sleeps) == 2


async def test_caller_key_is_reused_across_retries(make):
    h = make(status(503), ok())
    await resolve(h.client.enrich.lead(email="jane@acme.com", idempotency_key="crm-row-7"))
    assert [r.headers["idempotency-key"] for r in h.requests] == ["crm-row-7", "crm-row-7"]


@pytest.mark.parametrize(
    ("failure", "error_class"),
    [
        (status(400, **error_body("invalid_email")), BadRequestError),
        (status(409, **error_body("idempotency_key_reused")), ConflictError),
    ],
)
async def test_client_errors_are_not_retried(make, failure, error_class):
    h = make(failure, ok())
    with pytest.raises(error_class):
        await resolve(h.client.enrich.contact(email="jane@acme.com"))
    assert len(h.requests) == 1


async def test_gives_up_after_max_retries(make):
    h = make(status(500))
    with pytest.raises(InternalServerError):
        await resolve(h.client.enrich.contact(email="jane@acme.com"))
    assert len(h.requests) == 3  # the default: 2 retries
    assert len(h.sleeps) == 2


@pytest.mark.parametrize("max_retries", [0, 1, 5])
async def test_max_retries_is_configurable(make, max_retries):
    h = make(status(429), max_retries=max_retries)
    with pytest.raises(RateLimitError):
        await resolve(h.client.credits.retrieve())
    assert len(h.requests) == max_retries + 1


async def test_connection_errors_surface_after_retries(make):
    h = make(httpx.ConnectError("connection refused"))
    with pytest.raises(APIConnectionError) as info:
        await resolve(h.client.credits.retrieve())
    assert type(info.value) is APIConnectionError
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert info.value.request.url.path == "/v1/credits"
    assert len(h.requests) == 3


async def test_timeouts_surface_as_api_timeout_error(make):
    h = make(httpx.ReadTimeout("read timed out"))
    with pytest.raises(APITimeoutError):
        await resolve(h.client.enrich.contact(email="jane@acme.com"))
    assert len(h.requests) == 3


async def test_unsupported_protocol_is_not_retried(make):
    h = make(httpx.UnsupportedProtocol("no"))
    with pytest.raises(APIConnectionError):
        await resolve(h.client.credits.retrieve())
    assert len(h.requests) == 1


async def test_backoff_grows_exponentially_with_jitter(make):
    h = make(status(503), max_retries=5)
    with pytest.raises(InternalServerError):
        await resolve(h.client.credits.retrieve())
    for sleep, nominal in zip(h.sleeps, [0.5, 1.0, 2.0, 4.0, 8.0], strict=True):
        assert nominal * 0.75 <= sleep <= nominal


async def test_backoff_is_capped_at_8_seconds(make):
    h = make(status(503), max_retries=7)
    with pytest.raises(InternalServerError):
        await resolve(h.client.credits.retrieve())
    assert 6.0 <= h.sleeps[-1] <= 8.0


async def test_retry_after_seconds_is_honoured(make):
    h = make(status(429, {"Retry-After": "7"}), status(429, {"Retry-After": "0.25"}), ok())
    await resolve(h.client.enrich.contact(email="jane@acme.com"))
    assert h.sleeps == [7.0, 0.25]


async def test_retry_after_http_date_is_honoured(make):
    when = datetime.now(UTC) + timedelta(seconds=30)
    h = make(status(503, {"Retry-After": format_datetime(when, usegmt=True)}), ok())
    await resolve(h.client.credits.retrieve())
    assert 27.0 <= h.sleeps[0] <= 30.0


async def test_retry_after_is_capped_at_60_seconds(make):
    h = make(status(429, {"Retry-After": "3600"}), ok())
    await resolve(h.client.credits.retrieve())
    assert h.sleeps == [60.0]


async def test_unparseable_retry_after_falls_back_to_backoff(make):
    h = make(status(429, {"Retry-After": "soon"}), ok())
    await resolve(h.client.credits.retrieve())
    assert 0.375 <= h.sleeps[0] <= 0.5
