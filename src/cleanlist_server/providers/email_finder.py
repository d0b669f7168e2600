"""The email finder: a name and a company domain in, a verified address out.

Candidates come from the common corporate patterns, the domain's own pattern first when
the knowledge base knows people there. They are checked live (a few per SMTP session);
the first one the mail server accepts wins. On a catch-all domain every candidate is
"accepted", so the best-ranked guess is returned as ``catch-all`` with a lower
confidence. Free: no key, no vendor.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.kb import domain_for_company, named_addresses
from cleanlist_server.verification.patterns import candidates, learn

CheckMany = Callable[[Sequence[str]], Awaitable[list[dict[str, Any]]]]
FOUND_CONFIDENCE = 0.9
GUESS_CONFIDENCE = {True: 0.6, False: 0.4}  # catch-all guess, with/without a learned pattern
ROUNDS = (3, 5)  # candidates checked per round: the likeliest first, few probes in all


class EmailFinderProvider:
    name = "email_finder"
    requires_key = False
    cost_per_call = 0.0
    cost_per_hit = 0.0
    fields = frozenset({"email", "email_status"})

    def __init__(
        self,
        db: Database,
        check_many: CheckMany,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.check_many = check_many
        self.clock = clock

    def accepts(self, query: Query) -> bool:
        has_company = bool(query.value("company_domain") or query.company_key)
        named = query.value("first_name") and query.value("last_name")
        return not query.value("email") and bool(named and has_company)

    async def lookup(self, query: Query) -> ProviderResult:
        first, last = query.value("first_name"), query.value("last_name")
        assert first and last
        async with self.db.read() as conn:
            domain = query.value("company_domain")
            if domain is None and query.company_key:
                domain = await domain_for_company(conn, query.account_id, query.company_key)
            if domain is None:
                return ProviderResult.miss(self.name)
            known = learn(await named_addresses(conn, query.account_id, domain))
        tries = candidates(first, last, domain, known)
        found = await self._search(tries)
        if found is None:
            return ProviderResult.miss(self.name)
        check, confidence = found
        if check["email_status"] == "catch-all":
            confidence = GUESS_CONFIDENCE[bool(known)]
        return self._result(query, domain, check, confidence)

    async def _search(self, tries: list[str]) -> tuple[dict[str, Any], float] | None:
        start = 0
        for size in ROUNDS:
            batch = tries[start : start + size]
            start += size
            if not batch:
                break
            checks = await self.check_many(batch)
            for check in checks:
                if check["email_status"] == "valid":
                    return check, FOUND_CONFIDENCE
            if any(c["email_status"] == "catch-all" for c in checks):
                # Every address "exists" here: the best-ranked guess is all we can say.
                best = next(c for c in checks if c["email_status"] == "catch-all")
                return best, 0.0
        return None

    def _result(
        self, query: Query, domain: str, check: dict[str, Any], confidence: float
    ) -> ProviderResult:
        seen = datetime.fromisoformat(check["verified_at"].replace("Z", "+00:00"))

        def value(v: Any, c: float = confidence) -> FieldValue:
            return FieldValue(v, self.name, seen, c)

        fields = {
            "email": value(check["email"]),
            "email_status": value(check["email_status"]),
        }
        # Echo the request's own identifiers (never values other providers found: that
        # would count as a second, independent confirmation of them).
        for name, echoed, conf in (
            ("first_name", query.first_name, 0.8),
            ("last_name", query.last_name, 0.8),
            ("full_name", query.full_name, 0.8),
            (
                "company_domain",
                query.company_domain or (domain if query.company_key else None),
                0.8,
            ),
            ("company_name", query.company_name, 0.7),
        ):
            if echoed:
                fields[name] = value(echoed, conf)
        return ProviderResult(provider=self.name, matched=True, fields=fields)
