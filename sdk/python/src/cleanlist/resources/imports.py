"""``client.imports``: POST /v1/imports (multipart CSV upload)."""

from __future__ import annotations

from collections.abc import Mapping

from .._base_client import RequestOptions
from .._files import FileInput, Upload
from .._response import Result
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncImports", "Imports"]


def _options(
    file: FileInput,
    mapping: Mapping[str, str] | None,
    filename: str | None,
    content_type: str,
    idempotency_key: str | None,
) -> RequestOptions:
    params: list[tuple[str, str]] = []
    for source, target in (mapping or {}).items():
        # The server splits each value at its first "=", so the source column cannot hold one.
        if "=" in source:
            raise ValueError(f"a mapped source column cannot contain '=': {source!r}")
        params.append(("map", f"{source}={target}"))
    return RequestOptions(
        "POST",
        "/v1/imports",
        params=tuple(params) or None,
        upload=Upload(file, filename=filename, content_type=content_type),
        idempotency_key=idempotency_key,
    )


class Imports(SyncResource):
    def create(
        self,
        file: FileInput,
        mapping: Mapping[str, str] | None = None,
        *,
        filename: str | None = None,
        content_type: str = "text/csv",
        idempotency_key: str | None = None,
    ) -> Result:
        """Upload a CSV of records to enrich as a batch.

        ``file`` is a path or a binary file object. ``mapping`` renames CSV columns to API
        fields, e.g. ``{"E-mail": "email", "Company": "company_name"}``. A file object that
        cannot seek is sent once, without retries.
        """
        return self._client.request(
            _options(file, mapping, filename, content_type, idempotency_key)
        )


class AsyncImports(AsyncResource):
    async def create(
        self,
        file: FileInput,
        mapping: Mapping[str, str] | None = None,
        *,
        filename: str | None = None,
        content_type: str = "text/csv",
        idempotency_key: str | None = None,
    ) -> Result:
        """Async :meth:`Imports.create` (the file itself is read with blocking I/O)."""
        return await self._client.request(
            _options(file, mapping, filename, content_type, idempotency_key)
        )
