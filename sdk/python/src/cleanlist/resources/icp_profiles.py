"""``client.icp_profiles``: /v1/icp-profiles (the account's ideal customer profiles)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .._base_client import RequestOptions
from .._response import Result
from ._base import AsyncResource, SyncResource, compact

__all__ = ["AsyncIcpProfiles", "IcpProfiles"]

_PATH = "/v1/icp-profiles"


def _one(id: str) -> str:
    return f"{_PATH}/{quote(id, safe='')}"


def _body(
    name: str | None,
    criteria: Mapping[str, Any] | None,
    default: bool | None,
    weights: Mapping[str, Any] | None,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    return compact(
        {"name": name, "criteria": criteria, "default": default, "weights": weights, **extra}
    )


class IcpProfiles(SyncResource):
    def create(
        self,
        *,
        name: str,
        criteria: Mapping[str, Any],
        default: bool | None = None,
        weights: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> Result:
        """Create a profile (``criteria`` as in docs/icp-scoring.md); returns it with its id."""
        body = _body(name, criteria, default, weights, extra)
        return self._client.request(RequestOptions("POST", _PATH, json=body))

    def list(self) -> Result:
        """The account's profiles: ``{"data": [...]}`` (a new account gets the default)."""
        return self._client.request(RequestOptions("GET", _PATH))

    def retrieve(self, id: str) -> Result:
        return self._client.request(RequestOptions("GET", _one(id)))

    def update(
        self,
        id: str,
        *,
        name: str | None = None,
        criteria: Mapping[str, Any] | None = None,
        default: bool | None = None,
        weights: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> Result:
        """Change the given parts of a profile (``PATCH``)."""
        body = _body(name, criteria, default, weights, extra)
        return self._client.request(RequestOptions("PATCH", _one(id), json=body))

    def delete(self, id: str) -> Result:
        return self._client.request(RequestOptions("DELETE", _one(id)))


class AsyncIcpProfiles(AsyncResource):
    async def create(
        self,
        *,
        name: str,
        criteria: Mapping[str, Any],
        default: bool | None = None,
        weights: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> Result:
        """Async :meth:`IcpProfiles.create`."""
        body = _body(name, criteria, default, weights, extra)
        return await self._client.request(RequestOptions("POST", _PATH, json=body))

    async def list(self) -> Result:
        return await self._client.request(RequestOptions("GET", _PATH))

    async def retrieve(self, id: str) -> Result:
        return await self._client.request(RequestOptions("GET", _one(id)))

    async def update(
        self,
        id: str,
        *,
        name: str | None = None,
        criteria: Mapping[str, Any] | None = None,
        default: bool | None = None,
        weights: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> Result:
        body = _body(name, criteria, default, weights, extra)
        return await self._client.request(RequestOptions("PATCH", _one(id), json=body))

    async def delete(self, id: str) -> Result:
        return await self._client.request(RequestOptions("DELETE", _one(id)))
