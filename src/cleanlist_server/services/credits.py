"""Credit balances, monthly grants and operator top-ups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cleanlist_server.billing import ledger
from cleanlist_server.errors import NotFound
from cleanlist_server.services.enrich import iso
from cleanlist_server.storage.accounts import account_id_by_name
from cleanlist_server.storage.db import Database


class CreditService:
    def __init__(
        self,
        db: Database,
        *,
        monthly_grant: int,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.monthly_grant = monthly_grant
        self.clock = clock

    async def refresh(self, account_id: int) -> None:
        """Apply this month's free grant if it has not been applied yet."""
        now = self.clock()
        async with self.db.read() as conn:
            current = await ledger.balance(conn, account_id)
        if current.period != ledger.period_of(now):
            async with self.db.write() as conn:
                await ledger.roll_period(conn, account_id, grant=self.monthly_grant, now=now)

    async def summary(self, account_id: int) -> dict[str, Any]:
        await self.refresh(account_id)
        period = ledger.period_of(self.clock())
        start, end = ledger.period_bounds(period)
        async with self.db.read() as conn:
            bal = await ledger.balance(conn, account_id)
            grants = await ledger.entries(conn, account_id, kinds=("monthly_grant", "grant"))
            used = await ledger.used_in_period(conn, account_id, period)
        return {
            "balance": bal.total,
            "free_balance": bal.free,
            "paid_balance": bal.paid,
            "monthly_grant": self.monthly_grant,
            "used_this_period": used,
            "period": {"start": iso(start), "end": iso(end)},
            "grants": [
                {
                    "kind": g["kind"],
                    "amount": g["amount"],
                    "created_at": iso(g["created_at"]),  # type: ignore[arg-type]
                    "note": g["note"],
                }
                for g in grants
            ],
        }

    async def grant(
        self, account_name: str, amount: int, *, note: str | None = None
    ) -> ledger.Balance:
        async with self.db.read() as conn:
            account_id = await account_id_by_name(conn, account_name)
        if account_id is None:
            raise NotFound(f"No account named {account_name!r}.", param="account")
        await self.refresh(account_id)
        async with self.db.write() as conn:
            return await ledger.grant(conn, account_id, amount, now=self.clock(), note=note)
