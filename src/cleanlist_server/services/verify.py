"""Email verification as a use case: check addresses live, store the newest check.

Checks are stored per address (``email_checks``); contact enrichment reuses a check
younger than ``CLEANLIST_VERIFY_CACHE_DAYS`` instead of probing the mail server again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, select

from cleanlist_server.errors import ValidationFailed
from cleanlist_server.storage.db import Conn, Database
from cleanlist_server.storage.tables import email_checks
from cleanlist_server.verification import EmailVerifier, VerificationResult

MAX_BATCH = 1000
UNKNOWN_MAX_AGE = timedelta(hours=1)
_DELETE = delete(email_checks).where(email_checks.c.email == bindparam("address"))
_INSERT = insert(email_checks)
_GET = select(email_checks.c.result, email_checks.c.verified_at).where(
    email_checks.c.email == bindparam("email")
)


class VerifyService:
    def __init__(
        self,
        db: Database,
        make_verifier: Callable[[], EmailVerifier],
        *,
        cache_days: int = 30,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self._make_verifier = make_verifier
        self._verifier: EmailVerifier | None = None
        self.max_age = timedelta(days=cache_days)
        self.clock = clock

    @property
    def verifier(self) -> EmailVerifier:
        """Built on first use: commands that never verify never touch DNS settings."""
        if self._verifier is None:
            self._verifier = self._make_verifier()
        return self._verifier

    async def verify(self, email: str) -> dict[str, Any]:
        """Check one address live and store the result."""
        result = await self.verifier.verify(email)
        await self._store([result])
        return result.to_dict()

    async def verify_batch(self, emails: Sequence[str]) -> list[dict[str, Any]]:
        """Check up to ``MAX_BATCH`` addresses, sharing sessions per mail server."""
        if not emails:
            raise ValidationFailed("emails must hold at least one address.", param="emails")
        if len(emails) > MAX_BATCH:
            raise ValidationFailed(
                f"A batch holds at most {MAX_BATCH} addresses; split the list or use the "
                "asynchronous batch endpoint.",
                param="emails",
                code="batch_too_large",
            )
        results = await self.verifier.verify_many(emails)
        await self._store(results)
        return [r.to_dict() for r in results]

    async def recent_or_new(self, email: str) -> tuple[dict[str, Any], VerificationResult | None]:
        """A stored check young enough to reuse, or a new one the caller must ``store``.

        Contact enrichment stores the new check in its own transaction, beside the charge,
        so an enrichment costs one write transaction, not two.
        """
        async with self.db.read() as conn:
            row = (await conn.execute(_GET, {"email": email})).first()
        if row is not None:
            # An inconclusive check is worth repeating sooner than a conclusive one.
            unknown = row.result.get("email_status") == "unknown"
            max_age = min(self.max_age, UNKNOWN_MAX_AGE) if unknown else self.max_age
            if row.verified_at > self.clock() - max_age:
                cached: dict[str, Any] = row.result
                return cached, None
        result = await self.verifier.verify(email)
        return result.to_dict(), result

    async def _store(self, results: Sequence[VerificationResult]) -> None:
        if any(r.syntax.valid for r in results):
            async with self.db.write() as conn:
                await store(conn, results)


async def store(conn: Conn, results: Sequence[VerificationResult]) -> None:
    """Keep the newest check of each address (inside the caller's transaction)."""
    rows = [
        {
            "email": r.email,
            "status": r.email_status.value,
            "result": r.to_dict(),
            "verified_at": r.verified_at,
        }
        for r in results
        if r.syntax.valid
    ]
    if not rows:
        return
    latest = {row["email"]: row for row in rows}
    await conn.execute(_DELETE, [{"address": email} for email in latest])
    await conn.execute(_INSERT, list(latest.values()))
