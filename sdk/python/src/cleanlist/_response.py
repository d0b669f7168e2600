"""The value every SDK call returns: the JSON object, plus a little HTTP context."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["Result"]


class Result(dict[str, Any]):
    """A decoded JSON object response.

    It *is* a ``dict`` (``result["contact"]["title"]``, ``json.dumps(result)``, ``==`` against
    plain dicts all work) and also carries the HTTP status and headers of the response it
    came from. Use ``typing.cast`` with the TypedDicts in ``cleanlist.types`` for static types.
    """

    http_status: int
    headers: httpx.Headers

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        *,
        http_status: int = 200,
        headers: httpx.Headers | None = None,
    ) -> None:
        super().__init__(data or {})
        self.http_status = http_status
        self.headers = headers if headers is not None else httpx.Headers()

    @property
    def request_id(self) -> str | None:
        """The server's ``X-Request-ID`` for this call; quote it when reporting a problem."""
        request_id: str | None = self.headers.get("x-request-id")
        return request_id
