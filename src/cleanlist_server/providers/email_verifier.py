"""The email verifier as a waterfall provider: a live (or recent) DNS/SMTP check.

It is the waterfall's referee for ``email`` (``providers.base.Referee``): rather than
taking a turn, it checks each address the merge would return, the caller's own or one a
provider found. A found address whose mail server says the mailbox does not exist
(``invalid``) is refuted: it loses to the next candidate, which is checked in turn, and
the waterfall goes on looking for an address while none survives. The check's verdict
is first-party (the mail server speaks of its own mailbox), so it wins ``email_status``
over the vendors' copies. A deliverable mailbox (``valid``: not catch-all) at a company's
domain also places the person at that employer now (``company_domain``): companies close
a leaver's mailbox, which is how a stale vendor's old employer loses to a live address.
Checks are shared with ``POST /v1/verify/email``: a recent one is reused, a new one rides
in ``ProviderResult.new_check`` for the enrichment to store in its own transaction.
Free: no key, no vendor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.normalize.domains import email_domain

CheckEmail = Callable[[str], Awaitable[tuple[dict[str, Any], Any]]]
"""An address -> (its check as ``POST /v1/verify/email`` returns it, the new check to
store, or None when a recent stored one was reused)."""

REFUTING = frozenset({"invalid"})
"""Verdicts that disprove an address: the mailbox does not exist, or the domain takes
no mail. (``catch-all``, ``risky`` and ``unknown`` prove nothing either way.)"""

VERDICT_FIELDS = frozenset({"email_status", "email_free_provider"})


class EmailVerifierProvider:
    name = "email_verifier"
    requires_key = False
    cost_per_call = 0.0
    cost_per_hit = 0.0
    fields = frozenset({"email_status"})
    """(It also returns ``email_free_provider``; a known status makes it redundant.)"""
    checks = "email"

    def __init__(self, check: CheckEmail) -> None:
        self.check = check

    def accepts(self, query: Query) -> bool:
        return bool(query.value("email"))

    async def lookup(self, query: Query) -> ProviderResult:
        email = str(query.value("email"))
        check, new = await self.check(email)
        result = result_of(self.name, check)
        result.about["email"] = email
        employer = employer_of(email, check)
        if employer is not None:
            status = result.fields["email_status"]
            result.fields["company_domain"] = FieldValue(
                employer, self.name, status.observed_at, status.confidence
            )
        result.first_party = VERDICT_FIELDS
        result.new_check = new
        return result

    def refutes(self, result: ProviderResult) -> bool:
        status = result.fields.get("email_status")
        return status is not None and status.value in REFUTING


def employer_of(email: str, check: dict[str, Any]) -> str | None:
    """The company a deliverable personal mailbox places its owner at, or None.

    Only a ``valid`` verdict counts: a catch-all server accepts any name, and a free,
    disposable or role address (info@) says nothing about who employs the person."""
    flags = check.get("checks", {})
    if check.get("email_status") != "valid" or any(
        flags.get(name) for name in ("free_provider", "disposable", "role_based")
    ):
        return None
    return email_domain(email)


def result_of(source: str, check: dict[str, Any]) -> ProviderResult:
    """The fields a stored check gives, with its score as confidence."""
    seen = datetime.fromisoformat(check["verified_at"].replace("Z", "+00:00"))
    confidence = check["score"] / 100
    fields = {"email_status": FieldValue(check["email_status"], source, seen, confidence)}
    free = check.get("checks", {}).get("free_provider")
    if free is not None:
        fields["email_free_provider"] = FieldValue(free, source, seen, confidence)
    return ProviderResult(provider=source, matched=True, fields=fields)
