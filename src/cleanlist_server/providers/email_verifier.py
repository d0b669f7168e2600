"""The email verifier as a waterfall provider: a live (or recent) DNS/SMTP check.

It runs as soon as any address is known (given in the request or found by an earlier
provider) and returns ``email_status`` with the check's score as confidence; the check is
stored and shared with ``POST /v1/verify/email``. Free: no key, no vendor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from cleanlist_server.domain.records import FieldValue, ProviderResult, Query

StatusFor = Callable[[str], Awaitable[dict[str, Any]]]


class EmailVerifierProvider:
    name = "email_verifier"
    requires_key = False
    cost_per_call = 0.0
    cost_per_hit = 0.0
    fields = frozenset({"email_status"})
    """(It also returns ``email_free_provider``; a known status makes it redundant.)"""

    def __init__(self, status_for: StatusFor) -> None:
        self.status_for = status_for

    def accepts(self, query: Query) -> bool:
        return bool(query.value("email"))

    async def lookup(self, query: Query) -> ProviderResult:
        email = str(query.value("email"))
        check = await self.status_for(email)
        return result_of(self.name, check)


def result_of(source: str, check: dict[str, Any]) -> ProviderResult:
    """The fields a stored check gives, with its score as confidence."""
    seen = datetime.fromisoformat(check["verified_at"].replace("Z", "+00:00"))
    confidence = check["score"] / 100
    fields = {"email_status": FieldValue(check["email_status"], source, seen, confidence)}
    free = check.get("checks", {}).get("free_provider")
    if free is not None:
        fields["email_free_provider"] = FieldValue(free, source, seen, confidence)
    return ProviderResult(provider=source, matched=True, fields=fields)
