"""Configuration, request building and the retry loop shared by both clients.

The sync and async loops are deliberately the same dozen lines twice: everything they share
(headers, response handling, the retry policy in ``_retries``) lives outside them.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Self

import httpx

from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    CleanlistError,
    make_status_error,
)
from ._files import Upload, UploadTuple
from ._response import Result
from ._retries import is_retryable_exception, retry_delay, should_retry
from ._version import __version__

__all__ = ["DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "NOT_GIVEN", "RequestOptions"]

log = logging.getLogger("cleanlist")

DEFAULT_BASE_URL: Final = "https://api.cleanlist.ai"
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES: Final = 2
USER_AGENT: Final = f"cleanlist-python/{__version__}"

TimeoutTypes = float | httpx.Timeout | None


class NotGiven:
    """Sentinel for "keep the current value" where ``None`` is itself a meaningful value."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


@dataclass(frozen=True)
class RequestOptions:
    """One logical API call; the loop may send it several times."""

    method: str
    path: str
    json: Mapping[str, Any] | None = None
    params: tuple[tuple[str, str], ...] | None = None
    upload: Upload | None = None
    idempotency_key: str | None = None
    max_retries: int | None = None  # overrides the client's setting for this call


class BaseClient:
    api_key: str
    base_url: str
    timeout: httpx.Timeout
    max_retries: int
    _owns_http: bool

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: TimeoutTypes,
        max_retries: int,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        self.api_key = _resolve_api_key(api_key)
        self.base_url = _resolve_base_url(base_url)
        self.timeout = _to_timeout(timeout)
        self.max_retries = _check_max_retries(max_retries)
        self._default_headers = dict(default_headers or {})

    def __repr__(self) -> str:  # never show the key
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Self:
        """A copy with other settings that shares (and never closes) this client's connections.

        ``client.with_options(timeout=5, max_retries=0).enrich.contact(...)``
        """
        clone = copy.copy(self)
        clone._owns_http = False
        if not isinstance(timeout, NotGiven):
            clone.timeout = _to_timeout(timeout)
        if max_retries is not None:
            clone.max_retries = _check_max_retries(max_retries)
        clone._bind_resources()
        return clone

    def _bind_resources(self) -> None:
        """Create the ``client.enrich``-style namespaces; subclasses fill this in."""

    def _headers(self, idempotency_key: str | None) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            **self._default_headers,
        }
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        options: RequestOptions,
        idempotency_key: str | None,
        files: dict[str, UploadTuple] | None,
    ) -> httpx.Request:
        return http.build_request(
            options.method,
            self.base_url + options.path,
            json=options.json,
            params=options.params,
            files=files,
            headers=self._headers(idempotency_key),
            timeout=self.timeout,
        )

    def _plan(self, options: RequestOptions) -> tuple[str | None, int]:
        """The idempotency key every attempt of this call carries, and how many retries it gets."""
        key = options.idempotency_key
        if key is None and options.method == "POST":
            key = str(uuid.uuid4())
        retries = self.max_retries if options.max_retries is None else options.max_retries
        if options.upload is not None and not options.upload.rewindable:
            retries = 0
        return key, retries

    def _process_response(self, response: httpx.Response) -> Result:
        if not response.is_success:
            raise make_status_error(response)
        if not response.content:
            return Result(http_status=response.status_code, headers=response.headers)
        try:
            data = response.json()
        except ValueError:
            raise APIResponseValidationError(
                response, response.text, "The response body is not valid JSON."
            ) from None
        if not isinstance(data, dict):
            raise APIResponseValidationError(
                response, data, "The response body is not a JSON object."
            )
        return Result(data, http_status=response.status_code, headers=response.headers)

    def _log_retry(self, request: httpx.Request, delay: float, reason: object) -> None:
        log.info("Retrying %s %s in %.2fs (%s)", request.method, request.url, delay, reason)


class SyncAPIClient(BaseClient):
    _http: httpx.Client
    _sleep: Callable[[float], None]  # replace in tests to skip real waiting

    def __init__(
        self,
        *,
        http_client: httpx.Client | None,
        transport: httpx.BaseTransport | None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(f"http_client must be an httpx.Client, not {type(http_client)!r}")
        if http_client is not None and transport is not None:
            raise TypeError("pass either http_client or transport, not both")
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(transport=transport, timeout=self.timeout)
        self._sleep = time.sleep
        self._bind_resources()

    def request(self, options: RequestOptions) -> Result:
        key, max_retries = self._plan(options)
        retries_done = 0
        while True:
            try:
                request, response = self._attempt(options, key)
            except APIConnectionError as exc:
                if retries_done >= max_retries or not _retryable(exc):
                    raise
                self._wait(exc.request, retry_delay(retries_done, None), exc)
            else:
                if retries_done >= max_retries or not should_retry(response):
                    return self._process_response(response)
                self._wait(request, retry_delay(retries_done, response), response.status_code)
            retries_done += 1

    def _attempt(
        self, options: RequestOptions, key: str | None
    ) -> tuple[httpx.Request, httpx.Response]:
        with _opened(options.upload) as files:
            request = self._build_request(self._http, options, key, files)
            try:
                return request, self._http.send(request)
            except httpx.TransportError as exc:
                raise _connection_error(request, exc) from exc

    def _wait(self, request: httpx.Request, delay: float, reason: object) -> None:
        self._log_retry(request, delay, reason)
        self._sleep(delay)

    def close(self) -> None:
        """Close the connection pool (unless it was passed in as ``http_client``)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIClient(BaseClient):
    _http: httpx.AsyncClient
    _sleep: Callable[[float], Awaitable[None]]  # replace in tests to skip real waiting

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(f"http_client must be an httpx.AsyncClient, not {type(http_client)!r}")
        if http_client is not None and transport is not None:
            raise TypeError("pass either http_client or transport, not both")
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(transport=transport, timeout=self.timeout)
        self._sleep = asyncio.sleep
        self._bind_resources()

    async def request(self, options: RequestOptions) -> Result:
        key, max_retries = self._plan(options)
        retries_done = 0
        while True:
            try:
                request, response = await self._attempt(options, key)
            except APIConnectionError as exc:
                if retries_done >= max_retries or not _retryable(exc):
                    raise
                await self._wait(exc.request, retry_delay(retries_done, None), exc)
            else:
                if retries_done >= max_retries or not should_retry(response):
                    return self._process_response(response)
                await self._wait(request, retry_delay(retries_done, response), response.status_code)
            retries_done += 1

    async def _attempt(
        self, options: RequestOptions, key: str | None
    ) -> tuple[httpx.Request, httpx.Response]:
        with _opened(options.upload) as files:
            request = self._build_request(self._http, options, key, files)
            try:
                return request, await self._http.send(request)
            except httpx.TransportError as exc:
                raise _connection_error(request, exc) from exc

    async def _wait(self, request: httpx.Request, delay: float, reason: object) -> None:
        self._log_retry(request, delay, reason)
        await self._sleep(delay)

    async def close(self) -> None:
        """Close the connection pool (unless it was passed in as ``http_client``)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


@contextmanager
def _opened(upload: Upload | None) -> Iterator[dict[str, UploadTuple] | None]:
    if upload is None:
        yield None
        return
    with upload.open() as file:
        yield {"file": file}


def _connection_error(request: httpx.Request, exc: httpx.TransportError) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request)
    return APIConnectionError(
        request, f"Connection error: {exc}" if str(exc) else "Connection error."
    )


def _retryable(exc: APIConnectionError) -> bool:
    cause = exc.__cause__
    return not isinstance(cause, httpx.TransportError) or is_retryable_exception(cause)


def _resolve_api_key(api_key: str | None) -> str:
    key = api_key or os.environ.get("CLEANLIST_API_KEY")
    if not key:
        raise CleanlistError(
            "No API key: pass Cleanlist(api_key=...) or set the CLEANLIST_API_KEY "
            "environment variable."
        )
    return key


def _resolve_base_url(base_url: str | None) -> str:
    url = base_url or os.environ.get("CLEANLIST_BASE_URL") or DEFAULT_BASE_URL
    try:
        scheme = httpx.URL(url).scheme
    except httpx.InvalidURL:
        scheme = ""
    if scheme not in ("http", "https"):
        raise CleanlistError(f"base_url must be an http:// or https:// URL, got {url!r}")
    return url.rstrip("/")


def _to_timeout(timeout: TimeoutTypes) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _check_max_retries(max_retries: int) -> int:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries must be an int >= 0, got {max_retries!r}")
    return max_retries
