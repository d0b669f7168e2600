"""Every error the SDK raises.

    CleanlistError                      root: catch this to catch everything
    ├── APIError                        something went wrong talking to the API (.message, .request)
    │   ├── APIConnectionError          no HTTP response: DNS, refused, reset, TLS ...
    │   │   └── APITimeoutError         the request timed out
    │   ├── APIResponseValidationError  a 2xx response whose body is not a JSON object
    │   └── APIStatusError              a non-2xx response (.status_code, .response, .request_id,
    │       │                           .body, .type, .code, .param)
    │       ├── BadRequestError             400
    │       ├── AuthenticationError         401
    │       ├── InsufficientCreditsError    402
    │       ├── PermissionDeniedError       403
    │       ├── NotFoundError               404
    │       ├── ConflictError               409
    │       ├── PayloadTooLargeError        413
    │       ├── UnprocessableEntityError    422
    │       ├── RateLimitError              429
    │       └── InternalServerError         >= 500
    └── (raised directly for client misconfiguration, e.g. a missing API key)

httpx exceptions are translated into these in exactly one place (the request loop in
``_base_client``); callers never need to import httpx to handle errors.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CleanlistError",
    "ConflictError",
    "InsufficientCreditsError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
]


class CleanlistError(Exception):
    """Root of every exception raised by this package."""


class APIError(CleanlistError):
    """A request to the API failed."""

    message: str
    request: httpx.Request

    def __init__(self, message: str, request: httpx.Request) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The request never produced an HTTP response."""

    def __init__(self, request: httpx.Request, message: str = "Connection error.") -> None:
        super().__init__(message, request)


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool timeout)."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(request, "Request timed out.")


class APIResponseValidationError(APIError):
    """A successful response whose body is not the JSON object the API promises."""

    response: httpx.Response
    status_code: int
    body: object

    def __init__(self, response: httpx.Response, body: object, message: str) -> None:
        super().__init__(message, response.request)
        self.response = response
        self.status_code = response.status_code
        self.body = body


class APIStatusError(APIError):
    """The API answered with a non-2xx status.

    ``type``, ``code`` and ``param`` come from the API's error body
    ``{"error": {"type", "code", "message", "param"}}``; they are ``None`` when the body
    does not have that shape (e.g. an HTML page from a proxy).
    """

    response: httpx.Response
    status_code: int
    request_id: str | None
    body: object
    type: str | None
    code: str | None
    param: str | None

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message, response.request)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")
        self.body = body
        error = _error_object(body)
        self.type = _str_or_none(error.get("type"))
        self.code = _str_or_none(error.get("code"))
        self.param = _str_or_none(error.get("param"))


class BadRequestError(APIStatusError):
    """400: the request is malformed."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, malformed or revoked."""


class InsufficientCreditsError(APIStatusError):
    """402: the account has not enough credits for this request."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but not allowed to do this."""


class NotFoundError(APIStatusError):
    """404: no such resource (or route)."""


class ConflictError(APIStatusError):
    """409: e.g. an idempotency key reused with a different request body."""


class PayloadTooLargeError(APIStatusError):
    """413: the body (or uploaded file, or batch) is over the limit."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well formed but its values are not acceptable."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically, raised once retries are used up."""


class InternalServerError(APIStatusError):
    """5xx: the server failed; retried automatically, raised once retries are used up."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def make_status_error(response: httpx.Response) -> APIStatusError:
    """Build the fitting ``APIStatusError`` subclass for a (read) non-2xx response."""
    body = _decode_body(response)
    error = _error_object(body)
    detail = _str_or_none(error.get("message")) or response.reason_phrase or "error"
    code = _str_or_none(error.get("code"))
    message = (
        f"{response.status_code} {code}: {detail}" if code else f"{response.status_code}: {detail}"
    )
    if response.status_code >= 500:
        cls: type[APIStatusError] = InternalServerError
    else:
        cls = _STATUS_ERRORS.get(response.status_code, APIStatusError)
    return cls(message, response=response, body=body)


def error_code(response: httpx.Response) -> str | None:
    """The ``error.code`` of a (read) error response, if it has one."""
    return _str_or_none(_error_object(_decode_body(response)).get("code"))


def _decode_body(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return response.text or None


def _error_object(body: object) -> dict[str, Any]:
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return error
    return {}


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
