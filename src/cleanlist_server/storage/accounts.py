"""Accounts and their API keys.

A key is ``clnl_live_`` or ``clnl_test_`` followed by 32 random base62 characters
(~190 bits). It is shown once; only its SHA-256 is stored. A fast hash is the right
tool here: the secret is long and random, so there is nothing to brute-force, and the
lookup sits on every request's path.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from cleanlist_server.storage.db import Conn
from cleanlist_server.storage.tables import accounts, api_keys

KEY_RE = re.compile(r"^clnl_(live|test)_[A-Za-z0-9]{32}$")
_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True, slots=True)
class KeyRecord:
    id: int
    account_id: int
    account_name: str
    prefix: str
    mode: str
    created_at: datetime
    revoked_at: datetime | None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(mode: str) -> str:
    return f"clnl_{mode}_" + "".join(secrets.choice(_ALPHABET) for _ in range(32))


async def get_or_create_account(conn: Conn, name: str, *, now: datetime) -> int:
    found = await conn.scalar(select(accounts.c.id).where(accounts.c.name == name))
    if found is not None:
        return int(found)
    result = await conn.execute(
        insert(accounts).values(name=name, created_at=now).returning(accounts.c.id)
    )
    return int(result.scalar_one())


async def account_id_by_name(conn: Conn, name: str) -> int | None:
    found = await conn.scalar(select(accounts.c.id).where(accounts.c.name == name))
    return None if found is None else int(found)


async def create_key(conn: Conn, account_id: int, *, mode: str, now: datetime) -> tuple[str, int]:
    """Store a new key; return the secret (shown once) and the key's id."""
    key = new_key(mode)
    result = await conn.execute(
        insert(api_keys)
        .values(
            account_id=account_id,
            prefix=key[:14],
            key_hash=hash_key(key),
            mode=mode,
            created_at=now,
        )
        .returning(api_keys.c.id)
    )
    return key, int(result.scalar_one())


_KEY_COLUMNS = (
    api_keys.c.id,
    api_keys.c.account_id,
    accounts.c.name.label("account_name"),
    api_keys.c.prefix,
    api_keys.c.mode,
    api_keys.c.created_at,
    api_keys.c.revoked_at,
)


async def find_key(conn: Conn, key_hash: str) -> KeyRecord | None:
    row = (
        await conn.execute(
            select(*_KEY_COLUMNS)
            .join(accounts, accounts.c.id == api_keys.c.account_id)
            .where(api_keys.c.key_hash == key_hash)
        )
    ).one_or_none()
    return None if row is None else KeyRecord(**row._mapping)


async def list_keys(conn: Conn, account_name: str | None = None) -> list[KeyRecord]:
    query = select(*_KEY_COLUMNS).join(accounts, accounts.c.id == api_keys.c.account_id)
    if account_name is not None:
        query = query.where(accounts.c.name == account_name)
    rows = await conn.execute(query.order_by(api_keys.c.id))
    return [KeyRecord(**row._mapping) for row in rows]


async def revoke_key(conn: Conn, ident: str, *, now: datetime) -> list[int]:
    """Revoke one key by numeric id, printed prefix or the full key.

    Returns the ids revoked (empty when nothing matched); a prefix shared by several
    keys revokes nothing and raises ``ValueError``.
    """
    query = select(api_keys.c.id)
    if ident.isdigit():
        query = query.where(api_keys.c.id == int(ident))
    elif KEY_RE.match(ident):
        query = query.where(api_keys.c.key_hash == hash_key(ident))
    else:
        query = query.where(api_keys.c.prefix == ident)
    ids = [int(i) for i in (await conn.scalars(query)).all()]
    if len(ids) > 1:
        raise ValueError(f"{ident!r} matches {len(ids)} keys; give the key id instead")
    if ids:
        await conn.execute(
            update(api_keys)
            .where(api_keys.c.id == ids[0], api_keys.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    return ids


_FIND_CALLER = (
    select(
        api_keys.c.id.label("key_id"),
        api_keys.c.account_id,
        api_keys.c.mode,
        api_keys.c.revoked_at,
        accounts.c.free_balance,
        accounts.c.paid_balance,
        accounts.c.period,
    )
    .join(accounts, accounts.c.id == api_keys.c.account_id)
    .where(api_keys.c.key_hash == bindparam("key_hash"))
)


async def find_caller(conn: Conn, key_hash: str) -> dict[str, Any] | None:
    """The key and its account's balances in one query (the hot path of every call)."""
    row = (await conn.execute(_FIND_CALLER, {"key_hash": key_hash})).one_or_none()
    return None if row is None else dict(row._mapping)
