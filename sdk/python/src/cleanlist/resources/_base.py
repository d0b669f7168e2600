from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient


class SyncResource:
    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncResource:
    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client


def compact(fields: dict[str, Any]) -> dict[str, Any]:
    """Drop the ``None`` values: an unset parameter is left out of the body, not sent as null."""
    return {name: value for name, value in fields.items() if value is not None}
