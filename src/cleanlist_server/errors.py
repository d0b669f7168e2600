"""Errors that reach an API caller, in one tree.

    ApiError                      status, type, code, message, param
    ├── InvalidRequest            400  invalid_request_error
    │   └── ValidationFailed      422  invalid_request_error
    ├── AuthenticationFailed      401  authentication_error
    ├── InsufficientCredits       402  billing_error
    ├── PermissionDenied          403  permission_error
    ├── NotFound                  404  invalid_request_error
    ├── Conflict                  409  conflict_error
    ├── PayloadTooLarge           413  invalid_request_error
    └── RateLimited               429  rate_limit_error

One handler (``api/errors.py``) renders every one as
``{"error": {"type", "code", "message", "param"}}``. Expected outcomes such as "no
match" are values, never exceptions.
"""

from __future__ import annotations


class ApiError(Exception):
    status = 400
    type = "invalid_request_error"
    code = "invalid_request"

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        if code is not None:
            self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, dict[str, str | None]]:
        return {
            "error": {
                "type": self.type,
                "code": self.code,
                "message": self.message,
                "param": self.param,
            }
        }


class InvalidRequest(ApiError):
    pass


class ValidationFailed(InvalidRequest):
    status = 422
    code = "invalid_parameter"


class AuthenticationFailed(ApiError):
    status = 401
    type = "authentication_error"
    code = "invalid_api_key"


class InsufficientCredits(ApiError):
    status = 402
    type = "billing_error"
    code = "insufficient_credits"


class PermissionDenied(ApiError):
    status = 403
    type = "permission_error"
    code = "forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    type = "conflict_error"
    code = "conflict"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"


class RateLimited(ApiError):
    status = 429
    type = "rate_limit_error"
    code = "rate_limited"
