"""``client.enrichments``: GET /v1/enrichments/{id}."""

from __future__ import annotations

from urllib.parse import quote

from .._base_client import RequestOptions
from .._response import Result
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncEnrichments", "Enrichments"]


def _path(id: str) -> str:
    if not id:
        raise ValueError("an enrichment id is required, e.g. 'ev_c9x2kf8'")
    return f"/v1/enrichments/{quote(id, safe='')}"


class Enrichments(SyncResource):
    def retrieve(self, id: str, *, expand: str | None = None) -> Result:
        """Fetch a stored enrichment by the ``id`` an enrich call returned
        (``expand="provenance"`` adds per-field sources)."""
        return self._client.request(RequestOptions("GET", _path(id), params=_params(expand)))


class AsyncEnrichments(AsyncResource):
    async def retrieve(self, id: str, *, expand: str | None = None) -> Result:
        """Async :meth:`Enrichments.retrieve`."""
        return await self._client.request(RequestOptions("GET", _path(id), params=_params(expand)))


def _params(expand: str | None) -> tuple[tuple[str, str], ...] | None:
    return (("expand", expand),) if expand else None
