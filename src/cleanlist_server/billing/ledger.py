"""The credit ledger: append-only entries, plus the account's running balances.

Every change of balance is one ledger row written in the same transaction as the
``accounts`` update it explains, so ``sum(ledger.amount) == free + paid`` always holds
(a test checks it). Spending is one conditional ``UPDATE ... WHERE balance >= cost``:
concurrent requests can never drive a balance below zero, on SQLite or PostgreSQL.

Free credits are granted per calendar month (UTC) and lapse at the end of it (an
``expiry`` row); operator grants are ``paid`` credits and never lapse. Spending takes
free credits first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from cleanlist_server.errors import InsufficientCredits
from cleanlist_server.storage.db import Conn
from cleanlist_server.storage.tables import accounts, credit_ledger


@dataclass(frozen=True, slots=True)
class Balance:
    free: int
    paid: int
    period: str | None

    @property
    def total(self) -> int:
        return self.free + self.paid


class DuplicateCharge(Exception):
    """A charge with this request key was already written (a retried request)."""

    def __init__(self, enrichment_id: str | None) -> None:
        super().__init__(enrichment_id)
        self.enrichment_id = enrichment_id


def period_of(now: datetime) -> str:
    now = now.astimezone(UTC)
    return f"{now.year:04d}-{now.month:02d}"


def _charge_statement(smaller: Any) -> Any:
    """Spend free credits first; SET expressions all see the row before the update."""
    free, paid = accounts.c.free_balance, accounts.c.paid_balance
    cost = bindparam("cost", type_=Integer)
    from_free = smaller(free, cost)
    return (
        update(accounts)
        .where(and_(accounts.c.id == bindparam("account_id"), free + paid >= cost))
        .values(free_balance=free - from_free, paid_balance=paid - (cost - from_free))
        .returning(free, paid, accounts.c.period)
    )


_CHARGE = {"sqlite": _charge_statement(func.min), "sql": _charge_statement(func.least)}
_INSERT_ENTRY = insert(credit_ledger)


def period_bounds(period: str) -> tuple[datetime, datetime]:
    year, month = (int(part) for part in period.split("-"))
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, end


async def balance(conn: Conn, account_id: int, *, lock: bool = False) -> Balance:
    query = select(accounts.c.free_balance, accounts.c.paid_balance, accounts.c.period).where(
        accounts.c.id == account_id
    )
    row = (await conn.execute(query.with_for_update() if lock else query)).one()
    return Balance(free=row.free_balance, paid=row.paid_balance, period=row.period)


async def roll_period(conn: Conn, account_id: int, *, grant: int, now: datetime) -> bool:
    """Lapse last month's free credits and grant this month's; False if already done.

    Run inside a write transaction. The guarded UPDATE makes it happen once even when
    several requests arrive together at the start of a month.
    """
    period = period_of(now)
    current = await balance(conn, account_id, lock=True)
    if current.period == period:
        return False
    moved = await conn.execute(
        update(accounts)
        .where(
            accounts.c.id == account_id,
            or_(accounts.c.period.is_(None), accounts.c.period != period),
        )
        .values(free_balance=grant, period=period)
    )
    if moved.rowcount != 1:
        return False
    running = current.total
    if current.free:
        running -= current.free
        await _append(conn, account_id, "expiry", -current.free, running, period, now)
    running += grant
    await _append(conn, account_id, "monthly_grant", grant, running, period, now)
    return True


async def charge(
    conn: Conn,
    account_id: int,
    cost: int,
    *,
    now: datetime,
    enrichment_id: str,
    request_key: str | None,
) -> Balance:
    """Spend ``cost`` credits (free first) or raise ``InsufficientCredits``."""
    statement = _CHARGE["sqlite" if conn.dialect.name == "sqlite" else "sql"]
    result = await conn.execute(statement, {"account_id": account_id, "cost": cost})
    row = result.one_or_none()
    if row is None:
        have = await balance(conn, account_id)
        raise InsufficientCredits(
            f"This request needs {cost} credits; the account has {have.total}. "
            "Top up, wait for the monthly grant, or retry with include_phone=false.",
        )
    after = Balance(free=row.free_balance, paid=row.paid_balance, period=row.period)
    entry = {"enrichment_id": enrichment_id, "request_key": request_key}
    period = after.period or period_of(now)
    if request_key is None:
        await _append(conn, account_id, "charge", -cost, after.total, period, now, **entry)
        return after
    try:
        # A savepoint, so a duplicate request key can be told apart and answered.
        async with conn.begin_nested():
            await _append(conn, account_id, "charge", -cost, after.total, period, now, **entry)
    except IntegrityError:
        previous = await conn.scalar(
            select(credit_ledger.c.enrichment_id).where(
                credit_ledger.c.account_id == account_id,
                credit_ledger.c.request_key == request_key,
            )
        )
        raise DuplicateCharge(previous) from None
    return after


async def grant(
    conn: Conn, account_id: int, amount: int, *, now: datetime, note: str | None
) -> Balance:
    """Add operator credits (never lapse). A negative amount is a correction."""
    result = await conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id, accounts.c.paid_balance + amount >= 0)
        .values(paid_balance=accounts.c.paid_balance + amount)
        .returning(accounts.c.free_balance, accounts.c.paid_balance, accounts.c.period)
    )
    row = result.one_or_none()
    if row is None:
        raise InsufficientCredits("A correction cannot take paid credits below zero.")
    after = Balance(free=row.free_balance, paid=row.paid_balance, period=row.period)
    await _append(conn, account_id, "grant", amount, after.total, period_of(now), now, note=note)
    return after


async def _append(
    conn: Conn,
    account_id: int,
    kind: str,
    amount: int,
    balance_after: int,
    period: str,
    now: datetime,
    *,
    enrichment_id: str | None = None,
    request_key: str | None = None,
    note: str | None = None,
) -> None:
    await conn.execute(
        _INSERT_ENTRY,
        {
            "account_id": account_id,
            "created_at": now,
            "kind": kind,
            "amount": amount,
            "balance_after": balance_after,
            "period": period,
            "enrichment_id": enrichment_id,
            "request_key": request_key,
            "note": note,
        },
    )


async def entries(
    conn: Conn, account_id: int, *, kinds: tuple[str, ...], limit: int = 24
) -> list[dict[str, object]]:
    rows = await conn.execute(
        select(credit_ledger)
        .where(credit_ledger.c.account_id == account_id, credit_ledger.c.kind.in_(kinds))
        .order_by(credit_ledger.c.id.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in rows]


async def used_in_period(conn: Conn, account_id: int, period: str) -> int:
    total = await conn.scalar(
        select(func.coalesce(func.sum(-credit_ledger.c.amount), 0)).where(
            credit_ledger.c.account_id == account_id,
            credit_ledger.c.kind == "charge",
            credit_ledger.c.period == period,
        )
    )
    return int(total or 0)
