"""Pure ASGI middleware: request ids and body-size limits (cheap on the hot path)."""

from __future__ import annotations

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cleanlist_server.api.errors import send_error
from cleanlist_server.errors import PayloadTooLarge


class RequestContext:
    """Adds ``X-Request-ID`` to every response and enforces the body-size limits.

    The limit is checked on ``Content-Length`` up front and again on the bytes really
    received (chunked uploads), so an oversized body is refused with 413 however it
    is sent. ``/v1/imports`` has its own, larger limit.
    """

    def __init__(self, app: ASGIApp, *, max_body: int, max_import: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_import = max_import

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = "req_" + secrets.token_hex(8)
        rid = request_id.encode()
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid)]
            await send(message)

        limit = self.max_import if scope["path"].startswith("/v1/imports") else self.max_body
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await send_error(send_with_id, _too_large(limit))
            return
        await self.app(scope, _limited(receive, limit), send_with_id)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than {limit} bytes.", param="body")


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _too_large(limit)
        return message

    return wrapped
