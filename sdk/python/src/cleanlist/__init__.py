"""Python client for the Cleanlist contact and lead enrichment API.

from cleanlist import Cleanlist

client = Cleanlist()  # reads CLEANLIST_API_KEY (and CLEANLIST_BASE_URL)
result = client.enrich.contact(email="jane@acme.com")
print(result["contact"]["title"])
"""

from ._base_client import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, NOT_GIVEN
from ._client import AsyncCleanlist, Cleanlist
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CleanlistError,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._files import FileInput
from ._response import Result
from ._version import __version__

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncCleanlist",
    "AuthenticationError",
    "BadRequestError",
    "Cleanlist",
    "CleanlistError",
    "ConflictError",
    "FileInput",
    "InsufficientCreditsError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "Result",
    "UnprocessableEntityError",
    "__version__",
]
