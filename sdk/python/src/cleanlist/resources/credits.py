"""``client.credits``: GET /v1/credits."""

from __future__ import annotations

from .._base_client import RequestOptions
from .._response import Result
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncCredits", "Credits"]


class Credits(SyncResource):
    def retrieve(self) -> Result:
        """The account's credit balance."""
        return self._client.request(RequestOptions("GET", "/v1/credits"))


class AsyncCredits(AsyncResource):
    async def retrieve(self) -> Result:
        """Async :meth:`Credits.retrieve`."""
        return await self._client.request(RequestOptions("GET", "/v1/credits"))
