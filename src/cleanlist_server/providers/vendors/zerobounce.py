"""ZeroBounce email validation: ``GET /v2/validate?api_key=&email=``.

Docs: https://www.zerobounce.net/docs/api-dashboard/api-error-codes and the official SDKs
(github.com/zerobounce/zerobounce-rust-api: endpoints, field list, error shape
``{"error": "..."}``); rate limits: https://www.zerobounce.net/docs/api-dashboard/api-rate-limits/.
The key goes in the ``api_key`` query parameter, the only place ZeroBounce reads it.

Quirk: a refused key and an empty balance get the same answer (``{"error": "Invalid API key
or your account ran out of credits"}``, seen with HTTP 200 and 400). The free
``GET /v2/getcredits`` tells them apart (``"-1"`` for a bad key), so only then is a second
call made. Cost: one credit per validation; ``unknown`` results are not charged.
"""

from __future__ import annotations

from typing import Any, Final

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
)
from cleanlist_server.providers.base import ProviderError
from cleanlist_server.providers.http import HttpProvider, VendorVerdict, parse_date
from cleanlist_server.providers.vendors._group_a import dig, mentions, returns, verdict

VALIDATE: Final = "/v2/validate"
CREDITS: Final = "/v2/getcredits"

STATUS: Final = {
    "valid": "valid",
    "invalid": "invalid",
    "catch-all": "catch-all",
    "spamtrap": "risky",
    "abuse": "risky",
}
"""``unknown`` is no verdict; ``do_not_mail`` is read from its ``sub_status``."""
DO_NOT_MAIL: Final = {
    "disposable": "disposable",
    "role_based": "role-based",
    "role_based_catch_all": "role-based",
    "role_based_accept_all": "role-based",
}
"""``do_not_mail`` sub-statuses with a product status; the others (toxic, global
suppression, possible trap ...) are ``risky``."""


class KeyOrCredits(ProviderAuthError):
    """ZeroBounce's shared answer for a refused key and an empty balance."""


class ZeroBounceProvider(HttpProvider):
    name = "zerobounce"
    fields = returns("email_status", "first_name", "last_name")
    not_found = frozenset[int]()  # a verifier always answers; a 404 is a wrong path

    def accepts(self, query: Query) -> bool:
        return bool(query.value("email"))

    async def lookup(self, query: Query) -> ProviderResult:
        email = str(query.value("email"))
        try:
            payload = await self.get_json(VALIDATE, params={"api_key": self.key, "email": email})
        except KeyOrCredits as exc:
            raise await self._key_or_credits() from exc
        status = str(dig(payload, "status")).lower()
        if status not in STATUS and status not in ("unknown", "do_not_mail"):
            raise ProviderBadResponse(f"{self.name}: no validation status in the answer")
        return verdict(
            self,
            email,
            STATUS.get(status) or _do_not_mail(status, dig(payload, "sub_status")),
            observed_at=parse_date(dig(payload, "processed_at")),
            first_name=dig(payload, "firstname"),
            last_name=dig(payload, "lastname"),
        )

    async def _key_or_credits(self) -> ProviderError:
        """Ask the (free) balance endpoint whether the key or the balance was refused."""
        try:
            credits = dig(await self.get_json(CREDITS, params={"api_key": self.key}), "Credits")
        except ProviderError:
            return ProviderAuthError(f"{self.name}: key refused or out of credits")
        if str(credits).strip() == "-1":
            return ProviderAuthError(f"{self.name}: key refused")
        return ProviderQuotaExceeded(f"{self.name}: out of credits")

    def vendor_error(self, status: int, payload: Any) -> VendorVerdict:
        if status == 429 or status >= 500 or dig(payload, "error") is None:
            return None
        if mentions(payload, "credit"):
            return KeyOrCredits(f"{self.name}: key refused or out of credits (HTTP {status})")
        if mentions(payload, "api_key") or mentions(payload, "api key"):
            return ProviderAuthError(f"{self.name}: key missing or refused (HTTP {status})")
        return ProviderBadResponse(f"{self.name}: error answer (HTTP {status})")


def _do_not_mail(status: str, sub_status: Any) -> str | None:
    if status != "do_not_mail":
        return None
    return DO_NOT_MAIL.get(str(sub_status).lower(), "risky")


ADAPTER = ZeroBounceProvider
