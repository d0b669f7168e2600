"""``client.verify``: POST /v1/verify/email."""

from __future__ import annotations

from .._base_client import RequestOptions
from .._response import Result
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncVerify", "Verify"]


def _options(email: str, idempotency_key: str | None) -> RequestOptions:
    return RequestOptions(
        "POST", "/v1/verify/email", json={"email": email}, idempotency_key=idempotency_key
    )


class Verify(SyncResource):
    def email(self, email: str, *, idempotency_key: str | None = None) -> Result:
        """Verify one email address (syntax, DNS/MX, SMTP)."""
        return self._client.request(_options(email, idempotency_key))


class AsyncVerify(AsyncResource):
    async def email(self, email: str, *, idempotency_key: str | None = None) -> Result:
        """Async :meth:`Verify.email`."""
        return await self._client.request(_options(email, idempotency_key))
