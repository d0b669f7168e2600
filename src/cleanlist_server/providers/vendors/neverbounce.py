"""NeverBounce single check: ``GET /v4.2/single/check?key=&email=``.

Docs: https://developers.neverbounce.com/reference/single-check (shapes as in the official
Go and Python SDKs). The key goes in the ``key`` query parameter.

Quirk: every application error is an HTTP 200 whose ``status`` is not ``success``
(``auth_failure``, ``throttle_triggered``, ``temp_unavail``, ``general_failure``,
``bad_referrer``); ``status`` is read before ``result``. An empty balance has no status of
its own: a ``general_failure`` whose message names credits. A role account (the
``role_account`` flag) that would be delivered is ``role-based``, as in our own verifier.
Cost: one verification credit per check.
"""

from __future__ import annotations

from typing import Any, Final

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
)
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.providers.http import HttpProvider, VendorVerdict
from cleanlist_server.providers.vendors._group_a import dig, mentions, returns, verdict

PATH: Final = "/v4.2/single/check"

RESULTS: Final = ("valid", "invalid", "disposable", "catchall", "unknown")
"""The result names; older clients see their numeric codes 0-4, in this order."""
STATUS: Final = {
    "valid": "valid",
    "invalid": "invalid",
    "disposable": "disposable",
    "catchall": "catch-all",
}
"""``unknown`` is no verdict."""
ERRORS: Final = frozenset(
    {"auth_failure", "bad_referrer", "throttle_triggered", "temp_unavail", "general_failure"}
)


class NeverBounceProvider(HttpProvider):
    name = "neverbounce"
    fields = returns("email_status")
    not_found = frozenset[int]()  # a verifier always answers; a 404 is a wrong path

    def accepts(self, query: Query) -> bool:
        return bool(query.value("email"))

    async def lookup(self, query: Query) -> ProviderResult:
        email = str(query.value("email"))
        payload = await self.get_json(PATH, params={"key": self.key, "email": email})
        result = dig(payload, "result")
        if isinstance(result, int) and 0 <= result < len(RESULTS):
            result = RESULTS[result]
        if result not in RESULTS:
            raise ProviderBadResponse(f"{self.name}: no result in the answer")
        status = STATUS.get(str(result))
        flags = dig(payload, "flags") or []
        if status in ("valid", "catch-all") and "role_account" in flags:
            status = "role-based"
        return verdict(self, email, status)

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        state = dig(payload, "status")
        if state is None or state == "success":
            return None
        where = f"{self.name}: {state if state in ERRORS else 'error answer'}"
        if state in ("auth_failure", "bad_referrer"):
            return ProviderAuthError(where)
        if state == "throttle_triggered":
            return ProviderRateLimited(where)
        if state == "temp_unavail":
            return ProviderUnavailable(where)
        if mentions(dig(payload, "message"), "credit"):
            return ProviderQuotaExceeded(f"{where} (out of credits)")
        return ProviderBadResponse(where)


ADAPTER = NeverBounceProvider
