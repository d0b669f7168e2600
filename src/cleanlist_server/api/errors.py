"""Render every error as ``{"error": {"type", "code", "message", "param"}}``."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Send

from cleanlist_server.errors import ApiError, InvalidRequest, ValidationFailed

log = logging.getLogger("cleanlist.api")


def error_response(exc: ApiError) -> Response:
    return Response(
        orjson.dumps(exc.body()),
        status_code=exc.status,
        media_type="application/json",
        headers=exc.headers,
    )


async def send_error(send: Send, exc: ApiError) -> None:
    """Send an error from ASGI middleware, outside FastAPI's handlers."""
    body = orjson.dumps(exc.body())
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _param(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ("body" if loc and loc[0] == "body" else None)


def translate_validation(exc: RequestValidationError) -> ApiError:
    errors = exc.errors()
    if not errors:
        return InvalidRequest("The request is malformed.")
    first = errors[0]
    kind, loc = first.get("type", ""), tuple(first.get("loc", ()))
    param = _param(loc)
    if kind == "json_invalid":
        return InvalidRequest("The body is not valid JSON.", param="body", code="invalid_json")
    if kind == "missing" and param in (None, "body"):
        return InvalidRequest("A JSON object body is required.", param="body", code="missing_body")
    if kind == "extra_forbidden":
        return ValidationFailed(
            f"Unknown parameter {param!r}.", param=param, code="unknown_parameter"
        )
    if kind in ("model_type", "model_attributes_type", "dict_type") and param in (None, "body"):
        return InvalidRequest("The body must be a JSON object.", param="body", code="invalid_body")
    message = first.get("msg", "invalid value")
    return ValidationFailed(f"{param}: {message}", param=param)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Response:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> Response:
        return error_response(translate_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "route_not_found", 405: "method_not_allowed"}
        err = ApiError(str(exc.detail), code=codes.get(exc.status_code, "http_error"))
        err.status = exc.status_code
        return error_response(err)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        err = ApiError("Internal error; it has been logged.", code="internal_error")
        err.status, err.type = 500, "api_error"
        return error_response(err)
