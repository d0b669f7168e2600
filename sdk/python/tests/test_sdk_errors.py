"""Non-2xx responses become one typed exception each (both clients)."""

from __future__ import annotations

import httpx
import pytest
from cleanlist import (
    APIError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CleanlistError,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from sdkharness import error_body, resolve

pytestmark = pytest.mark.asyncio

STATUS_ERRORS = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (402, InsufficientCreditsError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (413, PayloadTooLargeError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (504, InternalServerError),
]


@pytest.mark.parametrize(("status", "error_class"), STATUS_ERRORS)
async def test_each_status_maps_to_its_error(make, status, error_class):
    body = {
        "error": {
            "type": "invalid_request_error",
            "code": "some_code",
            "message": "Something specific went wrong.",
            "param": "email",
        }
    }
    h = make(
        lambda _: httpx.Response(status, json=body, headers={"X-Request-ID": "req_9"}),
        max_retries=0,
    )
    with pytest.raises(error_class) as info:
        await resolve(h.client.enrich.contact(email="jane@acme.com"))
    error = info.value
    assert type(error) is error_class
    assert isinstance(error, APIStatusError | APIError | CleanlistError)
    assert error.status_code == status
    assert error.request_id == "req_9"
    assert error.body == body
    assert (error.type, error.code, error.param) == ("invalid_request_error", "some_code", "email")
    assert error.response.status_code == status
    assert error.request.url.path == "/v1/enrich/contact"
    assert str(error) == f"{status} some_code: Something specific went wrong."
    assert error.message == str(error)


async def test_unlisted_status_is_a_plain_status_error(make):
    h = make(lambda _: httpx.Response(418, json=error_body("teapot")))
    with pytest.raises(APIStatusError) as info:
        await resolve(h.client.credits.retrieve())
    assert type(info.value) is APIStatusError
    assert info.value.code == "teapot"


async def test_error_body_that_is_not_json(make):
    h = make(lambda _: httpx.Response(403, text="<html>Forbidden by proxy</html>"))
    with pytest.raises(PermissionDeniedError) as info:
        await resolve(h.client.credits.retrieve())
    error = info.value
    assert error.body == "<html>Forbidden by proxy</html>"
    assert (error.type, error.code, error.param, error.request_id) == (None, None, None, None)
    assert str(error) == "403: Forbidden"


async def test_error_body_of_another_shape(make):
    h = make(lambda _: httpx.Response(422, json={"detail": [{"msg": "field required"}]}))
    with pytest.raises(UnprocessableEntityError) as info:
        await resolve(h.client.enrich.contact())
    assert info.value.body == {"detail": [{"msg": "field required"}]}
    assert info.value.code is None


async def test_insufficient_credits_is_not_retried(make):
    h = make(lambda _: httpx.Response(402, json=error_body("insufficient_credits")))
    with pytest.raises(InsufficientCreditsError):
        await resolve(h.client.enrich.contact(email="jane@acme.com"))
    assert len(h.requests) == 1
    assert h.sleeps == []
