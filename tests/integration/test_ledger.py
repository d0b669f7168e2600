"""The credit ledger on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from cleanlist_server.billing import ledger
from cleanlist_server.errors import InsufficientCredits
from cleanlist_server.storage.accounts import get_or_create_account
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.migrate import migrate
from cleanlist_server.storage.tables import credit_ledger

NOV = datetime(2026, 11, 25, 12, tzinfo=UTC)
DEC = datetime(2026, 12, 1, 0, 0, 1, tzinfo=UTC)


async def setup(url: str) -> tuple[Database, int]:
    await migrate(url)
    db = Database(url)
    async with db.write() as conn:
        account = await get_or_create_account(conn, "acme", now=NOV)
    return db, account


async def ledger_sum(db: Database, account: int) -> int:
    async with db.read() as conn:
        total = await conn.scalar(
            select(func.coalesce(func.sum(credit_ledger.c.amount), 0)).where(
                credit_ledger.c.account_id == account
            )
        )
    return int(total or 0)


async def test_grants_lapse_monthly_and_the_ledger_explains_the_balance(db_url: str) -> None:
    db, account = await setup(db_url)
    try:
        async with db.write() as conn:
            assert await ledger.roll_period(conn, account, grant=30, now=NOV)
            assert not await ledger.roll_period(conn, account, grant=30, now=NOV)
            await ledger.grant(conn, account, 5, now=NOV, note="top-up")
            after = await ledger.charge(
                conn, account, 11, now=NOV, enrichment_id="ev_1", request_key=None
            )
        assert (after.free, after.paid) == (19, 5)
        async with db.write() as conn:
            await ledger.roll_period(conn, account, grant=30, now=DEC)
            bal = await ledger.balance(conn, account)
        assert (bal.free, bal.paid, bal.period) == (30, 5, "2026-12")
        assert await ledger_sum(db, account) == bal.total
        async with db.write() as conn:
            spent = await ledger.charge(
                conn, account, 33, now=DEC, enrichment_id="ev_2", request_key=None
            )
        assert (spent.free, spent.paid) == (0, 2)
        assert await ledger_sum(db, account) == 2
    finally:
        await db.dispose()


async def test_insufficient_credits_change_nothing(db_url: str) -> None:
    db, account = await setup(db_url)
    try:
        async with db.write() as conn:
            await ledger.roll_period(conn, account, grant=10, now=NOV)
        with pytest.raises(InsufficientCredits):
            async with db.write() as conn:
                await ledger.charge(
                    conn, account, 11, now=NOV, enrichment_id="ev_x", request_key=None
                )
        async with db.read() as conn:
            assert (await ledger.balance(conn, account)).total == 10
        assert await ledger_sum(db, account) == 10
    finally:
        await db.dispose()


async def test_a_request_key_is_charged_once(db_url: str) -> None:
    db, account = await setup(db_url)
    try:
        async with db.write() as conn:
            await ledger.roll_period(conn, account, grant=30, now=NOV)
            await ledger.charge(conn, account, 1, now=NOV, enrichment_id="ev_a", request_key="k1")
        with pytest.raises(ledger.DuplicateCharge) as dup:
            async with db.write() as conn:
                await ledger.charge(
                    conn, account, 1, now=NOV, enrichment_id="ev_b", request_key="k1"
                )
        assert dup.value.enrichment_id == "ev_a"
        async with db.read() as conn:
            assert (await ledger.balance(conn, account)).total == 29
    finally:
        await db.dispose()


async def test_concurrent_charges_never_overdraw(db_url: str) -> None:
    db, account = await setup(db_url)
    try:
        async with db.write() as conn:
            await ledger.roll_period(conn, account, grant=30, now=NOV)

        async def spend(i: int) -> bool:
            try:
                async with db.write() as conn:
                    await ledger.charge(
                        conn, account, 11, now=NOV, enrichment_id=f"ev_{i}", request_key=None
                    )
            except InsufficientCredits:
                return False
            return True

        outcomes = await asyncio.gather(*(spend(i) for i in range(10)))
        assert sum(outcomes) == 2
        async with db.read() as conn:
            assert (await ledger.balance(conn, account)).total == 8
        assert await ledger_sum(db, account) == 8
    finally:
        await db.dispose()


async def test_concurrent_month_rollover_grants_once(db_url: str) -> None:
    db, account = await setup(db_url)
    try:

        async def roll() -> bool:
            async with db.write() as conn:
                return await ledger.roll_period(conn, account, grant=30, now=NOV)

        results = await asyncio.gather(*(roll() for _ in range(6)))
        assert sum(results) == 1
        assert await ledger_sum(db, account) == 30
    finally:
        await db.dispose()
