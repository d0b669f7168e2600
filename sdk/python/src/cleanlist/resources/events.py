"""``client.events``: POST /v1/events (first-party web activity for intent signals)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._base_client import RequestOptions
from .._response import Result
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncEvents", "Events"]


class Events(SyncResource):
    def send(
        self, events: Sequence[Mapping[str, Any]], *, idempotency_key: str | None = None
    ) -> Result:
        """Record up to 1,000 page views or form events; returns ``{"accepted": n}``."""
        body = {"events": [dict(e) for e in events]}
        return self._client.request(
            RequestOptions("POST", "/v1/events", json=body, idempotency_key=idempotency_key)
        )


class AsyncEvents(AsyncResource):
    async def send(
        self, events: Sequence[Mapping[str, Any]], *, idempotency_key: str | None = None
    ) -> Result:
        """Async :meth:`Events.send`."""
        body = {"events": [dict(e) for e in events]}
        return await self._client.request(
            RequestOptions("POST", "/v1/events", json=body, idempotency_key=idempotency_key)
        )
