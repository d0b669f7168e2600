"""Test helpers for the SDK suite (named uniquely: the repo's other suites share sys.path)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

API_KEY = "clnl_test_0123456789"
BASE_URL = "https://api.test"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Recorder:
    """MockTransport handler: answers with the queued replies in order (the last one repeats)
    and keeps every request it saw."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or [httpx.Response(200, json={})]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@dataclass
class Harness:
    client: Any  # Cleanlist | AsyncCleanlist
    recorder: Recorder
    sleeps: list[float] = field(default_factory=list)

    @property
    def requests(self) -> list[httpx.Request]:
        return self.recorder.requests


async def resolve(value: Any) -> Any:
    """Await the result of an async client call; pass a sync client's result through."""
    return await value if inspect.isawaitable(value) else value


def error_body(code: str, message: str = "nope", type_: str = "invalid_request_error") -> Any:
    return {"error": {"type": type_, "code": code, "message": message, "param": None}}
