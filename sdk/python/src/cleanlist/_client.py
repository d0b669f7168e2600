"""The two entry points: ``Cleanlist`` (blocking) and ``AsyncCleanlist`` (asyncio)."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from . import resources
from ._base_client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    AsyncAPIClient,
    SyncAPIClient,
    TimeoutTypes,
)

__all__ = ["AsyncCleanlist", "Cleanlist"]


class Cleanlist(SyncAPIClient):
    """Blocking client for the Cleanlist API.

    ``api_key`` defaults to ``$CLEANLIST_API_KEY`` and ``base_url`` to ``$CLEANLIST_BASE_URL``,
    then ``https://api.cleanlist.ai`` (point it at your own server when self-hosting).
    ``timeout`` is seconds or an ``httpx.Timeout`` (default 60 s, 10 s to connect).
    Failed calls are retried ``max_retries`` times. Pass ``http_client`` to bring your own
    ``httpx.Client`` (proxies, certificates; it is not closed by :meth:`close`) or
    ``transport`` to swap only the transport (``httpx.MockTransport`` in tests).
    """

    enrich: resources.Enrich
    enrichments: resources.Enrichments
    credits: resources.Credits
    imports: resources.Imports
    verify: resources.Verify
    icp_profiles: resources.IcpProfiles
    events: resources.Events

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_client=http_client,
            transport=transport,
        )

    def _bind_resources(self) -> None:
        self.enrich = resources.Enrich(self)
        self.enrichments = resources.Enrichments(self)
        self.credits = resources.Credits(self)
        self.imports = resources.Imports(self)
        self.verify = resources.Verify(self)
        self.icp_profiles = resources.IcpProfiles(self)
        self.events = resources.Events(self)


class AsyncCleanlist(AsyncAPIClient):
    """Asyncio client for the Cleanlist API; same settings and methods as :class:`Cleanlist`."""

    enrich: resources.AsyncEnrich
    enrichments: resources.AsyncEnrichments
    credits: resources.AsyncCredits
    imports: resources.AsyncImports
    verify: resources.AsyncVerify
    icp_profiles: resources.AsyncIcpProfiles
    events: resources.AsyncEvents

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            http_client=http_client,
            transport=transport,
        )

    def _bind_resources(self) -> None:
        self.enrich = resources.AsyncEnrich(self)
        self.enrichments = resources.AsyncEnrichments(self)
        self.credits = resources.AsyncCredits(self)
        self.imports = resources.AsyncImports(self)
        self.verify = resources.AsyncVerify(self)
        self.icp_profiles = resources.AsyncIcpProfiles(self)
        self.events = resources.AsyncEvents(self)
