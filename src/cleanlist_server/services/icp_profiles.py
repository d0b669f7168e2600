"""ICP profiles as a use case: each account's profiles and its one default.

Bodies are validated by ``scoring.icp.parse_profile`` (a 422 names the parameter, such as
``criteria.company_sizes[2]``) and stored in canonical form. Rules (docs/leads.md):

- An account gets the built-in profile (``scoring.icp.DEFAULT_PROFILE_DATA``), as its
  default, on first use of profiles or of lead enrichment.
- Exactly one profile is the default. Making one the default unsets the other in the same
  transaction; a default cannot be unset directly (make another one the default).
- Deleting the default promotes the oldest remaining profile; deleting the last one means
  the built-in profile comes back on next use.
- Names are unique per account (409 ``profile_name_taken``); another account's profile,
  or a deleted one, is a 404.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from cleanlist_server.errors import Conflict, NotFound, ValidationFailed
from cleanlist_server.scoring.icp import (
    DEFAULT_PROFILE_DATA,
    CompiledProfile,
    IcpProfile,
    compile_profile,
    parse_profile,
)
from cleanlist_server.storage.db import Conn, Database
from cleanlist_server.storage.tables import icp_profiles

Clock = Callable[[], datetime]
_COMPILED_KEPT = 256
_P = icp_profiles.c


def new_profile_id() -> str:
    """'icp_' and 16 lowercase base32 characters (80 random bits)."""
    return "icp_" + base64.b32encode(secrets.token_bytes(10)).decode().lower()


@dataclass(frozen=True, slots=True)
class ResolvedProfile:
    id: str
    profile: IcpProfile
    compiled: CompiledProfile


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _data(row: Any) -> dict[str, Any]:
    """A stored row as ``parse_profile`` input."""
    return {
        "name": row.name,
        "default": bool(row.is_default),
        "criteria": row.criteria,
        "weights": row.weights,
        "intent_half_life_days": row.intent_half_life_days,
    }


def render(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        **_data(row),
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
    }


def _columns(profile: IcpProfile) -> dict[str, Any]:
    data = profile.to_dict()
    return {
        "name": profile.name,
        "is_default": profile.default,
        "criteria": data["criteria"],
        "weights": data["weights"],
        "intent_half_life_days": profile.intent_half_life_days,
    }


class ProfileService:
    def __init__(
        self,
        db: Database,
        *,
        clock: Clock = lambda: datetime.now(UTC),
        half_life_days: float = 30.0,
    ) -> None:
        self.db = db
        self.clock = clock
        self.half_life_days = half_life_days
        self._compiled: dict[tuple[str, datetime], CompiledProfile] = {}

    def parse(self, body: Mapping[str, Any]) -> IcpProfile:
        data = dict(body)
        if data.get("intent_half_life_days") is None:
            data["intent_half_life_days"] = self.half_life_days
        return parse_profile(data)

    # --- use cases -------------------------------------------------------------------

    async def list(self, account_id: int) -> list[dict[str, Any]]:
        await self.ensure_default(account_id)
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(icp_profiles)
                .where(_P.account_id == account_id)
                .order_by(_P.created_at, _P.id)
            )
            return [render(row) for row in rows]

    async def get(self, account_id: int, profile_id: str) -> dict[str, Any]:
        async with self.db.read() as conn:
            return render(await self._row(conn, account_id, profile_id))

    async def create(self, account_id: int, body: Mapping[str, Any]) -> dict[str, Any]:
        profile = self.parse(body)
        await self.ensure_default(account_id)
        now = self.clock()
        profile_id = new_profile_id()
        async with self._writing() as conn:
            await self._name_free(conn, account_id, profile.name, None)
            if profile.default:
                await self._unset_default(conn, account_id, now)
            await conn.execute(
                insert(icp_profiles),
                {
                    "id": profile_id,
                    "account_id": account_id,
                    **_columns(profile),
                    "created_at": now,
                    "updated_at": now,
                },
            )
            return render(await self._row(conn, account_id, profile_id))

    async def update(
        self, account_id: int, profile_id: str, changes: Mapping[str, Any]
    ) -> dict[str, Any]:
        now = self.clock()
        async with self._writing() as conn:
            row = await self._row(conn, account_id, profile_id)
            if changes.get("default") is False and row.is_default:
                raise ValidationFailed(
                    "This is the account's default profile; make another profile the default "
                    "instead (PATCH it with default: true).",
                    param="default",
                )
            profile = self.parse({**_data(row), **changes})
            await self._name_free(conn, account_id, profile.name, profile_id)
            if profile.default and not row.is_default:
                await self._unset_default(conn, account_id, now)
            await conn.execute(
                update(icp_profiles)
                .where(_P.id == profile_id)
                .values(**_columns(profile), updated_at=now)
            )
            return render(await self._row(conn, account_id, profile_id))

    async def delete(self, account_id: int, profile_id: str) -> dict[str, Any]:
        now = self.clock()
        async with self._writing() as conn:
            row = await self._row(conn, account_id, profile_id)
            await conn.execute(delete(icp_profiles).where(_P.id == profile_id))
            promoted = await self._promote(conn, account_id, now) if row.is_default else None
        return {"id": profile_id, "deleted": True, "promoted_default": promoted}

    async def resolve(self, account_id: int, profile_id: str | None) -> ResolvedProfile:
        """The profile a lead request scores against: the one named, or the default."""
        if profile_id is None:
            await self.ensure_default(account_id)
        async with self.db.read() as conn:
            if profile_id is None:
                row = await self._default(conn, account_id)
                if row is None:
                    raise Conflict(
                        "The account's profiles changed concurrently; retry.",
                        code="concurrent_update",
                    )
            else:
                row = await self._row(conn, account_id, profile_id, param="icp_profile_id")
        return ResolvedProfile(row.id, parse_profile(_data(row)), self._compile(row))

    async def ensure_default(self, account_id: int) -> None:
        """Give an account without profiles the built-in one, as its default (and one
        with profiles but no default its oldest profile)."""
        async with self.db.read() as conn:
            if await self._default(conn, account_id) is not None:
                return
        now = self.clock()
        profile = self.parse(DEFAULT_PROFILE_DATA)
        try:
            async with self.db.write() as conn:
                if await self._default(conn, account_id) is not None:
                    return
                if await self._promote(conn, account_id, now) is not None:
                    return
                await conn.execute(
                    insert(icp_profiles),
                    {
                        "id": new_profile_id(),
                        "account_id": account_id,
                        **_columns(profile),
                        "created_at": now,
                        "updated_at": now,
                    },
                )
        except IntegrityError:
            pass  # a concurrent first use did it

    # --- helpers ---------------------------------------------------------------------

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[Conn]:
        """``db.write()``; a unique index tripped by a concurrent writer is a 409."""
        try:
            async with self.db.write() as conn:
                yield conn
        except IntegrityError:
            raise Conflict(
                "The account's profiles changed concurrently; retry.", code="concurrent_update"
            ) from None

    def _compile(self, row: Any) -> CompiledProfile:
        key = (str(row.id), row.updated_at)
        found = self._compiled.get(key)
        if found is None:
            if len(self._compiled) >= _COMPILED_KEPT:
                self._compiled.clear()
            found = self._compiled[key] = compile_profile(parse_profile(_data(row)))
        return found

    async def _row(self, conn: Conn, account_id: int, profile_id: str, *, param: str = "id") -> Any:
        row = (
            await conn.execute(
                select(icp_profiles).where(_P.id == profile_id, _P.account_id == account_id)
            )
        ).first()
        if row is None:
            raise NotFound(f"No ICP profile {profile_id!r} in this account.", param=param)
        return row

    async def _default(self, conn: Conn, account_id: int) -> Any:
        query = select(icp_profiles).where(_P.account_id == account_id, _P.is_default.is_(True))
        return (await conn.execute(query)).first()

    async def _name_free(
        self, conn: Conn, account_id: int, name: str, profile_id: str | None
    ) -> None:
        query = select(_P.id).where(_P.account_id == account_id, _P.name == name)
        if profile_id is not None:
            query = query.where(_P.id != profile_id)
        if await conn.scalar(query.limit(1)) is not None:
            raise Conflict(
                f"This account already has an ICP profile named {name!r}.",
                param="name",
                code="profile_name_taken",
            )

    async def _unset_default(self, conn: Conn, account_id: int, now: datetime) -> None:
        await conn.execute(
            update(icp_profiles)
            .where(_P.account_id == account_id, _P.is_default.is_(True))
            .values(is_default=False, updated_at=now)
        )

    async def _promote(self, conn: Conn, account_id: int, now: datetime) -> str | None:
        oldest = await conn.scalar(
            select(_P.id).where(_P.account_id == account_id).order_by(_P.created_at, _P.id).limit(1)
        )
        if oldest is None:
            return None
        await conn.execute(
            update(icp_profiles).where(_P.id == oldest).values(is_default=True, updated_at=now)
        )
        return str(oldest)
