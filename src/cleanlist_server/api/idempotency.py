"""``Idempotency-Key`` for every POST: a retried request gets the first answer.

The answer is stored before it is sent, so a client that retries the moment it has
read a response always finds it. Same key with a different request -> 422; same key
while the first is still running -> 409 with ``Retry-After``. 5xx, 401 and 429 answers
are not stored (the retry should run again). Keys are scoped to the API key.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cleanlist_server.api.errors import send_error
from cleanlist_server.errors import ApiError, Conflict, InvalidRequest, ValidationFailed
from cleanlist_server.storage.idempotency import IdempotencyStore, Stored

log = logging.getLogger("cleanlist.idempotency")
NOT_STORED = frozenset({401, 429})
STREAMED_TYPES = ("multipart/", "text/csv", "application/octet-stream")


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, store: IdempotencyStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            await self._handle(scope, receive, send, headers, key)
        except ApiError as exc:
            await send_error(send, exc)

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers, key: str
    ) -> None:
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise InvalidRequest(
                "Idempotency-Key must be 1-255 printable characters.",
                param="Idempotency-Key",
                code="invalid_idempotency_key",
            )
        owner = hashlib.sha256(headers.get("authorization", "").encode()).hexdigest()
        receive, fingerprint = await _fingerprint(scope, receive, headers)
        stored = await self.store.claim(owner, key, fingerprint, datetime.now(UTC))
        if stored is not None:
            await _answer_stored(stored, fingerprint, send)
            return
        captured = _Capture()
        try:
            await self.app(scope, receive, captured)
        except BaseException:
            await self.store.release(owner, key)
            raise
        if captured.status is None or captured.status >= 500 or captured.status in NOT_STORED:
            await self.store.release(owner, key)
        else:
            await self.store.complete(
                owner,
                key,
                status=captured.status,
                content_type=captured.content_type,
                body=captured.body,
            )
        await captured.replay(send)


async def _fingerprint(scope: Scope, receive: Receive, headers: Headers) -> tuple[Receive, str]:
    """Hash method, path, query and body; uploads are hashed by size and type only."""
    digest = hashlib.sha256(
        f"{scope['method']} {scope['path']}?{scope.get('query_string', b'').decode()}".encode()
    )
    content_type = headers.get("content-type", "")
    if content_type.startswith(STREAMED_TYPES):
        digest.update(f"{content_type}|{headers.get('content-length', '')}".encode())
        return receive, digest.hexdigest()
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(chunks)
    digest.update(body)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay, digest.hexdigest()


async def _answer_stored(stored: Stored, fingerprint: str, send: Send) -> None:
    if stored.fingerprint != fingerprint:
        raise ValidationFailed(
            "This Idempotency-Key was used with a different request.",
            param="Idempotency-Key",
            code="idempotency_key_reused",
        )
    if stored.state != "completed" or stored.status_code is None:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed.",
            param="Idempotency-Key",
            code="idempotency_key_in_use",
            headers={"Retry-After": "1"},
        )
    body = stored.body or b""
    headers = [
        (b"content-type", (stored.content_type or "application/json").encode()),
        (b"content-length", str(len(body)).encode()),
        (b"idempotent-replayed", b"true"),
    ]
    await send({"type": "http.response.start", "status": stored.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _Capture:
    """Buffers the app's response so it can be stored before it is sent."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.parts: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.parts.append(message.get("body", b""))

    @property
    def body(self) -> bytes:
        return b"".join(self.parts)

    @property
    def content_type(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == b"content-type":
                return value.decode("latin-1")
        return None

    async def replay(self, send: Send) -> None:
        if self.status is None:
            return
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})
