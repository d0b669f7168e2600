"""The knowledge base: the account's own people and companies.

Reads answer one identity question in one query each (email, then LinkedIn URL, then
name + company). Writes come in batches from the importer: one SELECT per batch finds
what already exists, values are merged field by field in memory, and the batch is
written with executemany. Merging a value equal to the stored one changes nothing
(not even ``observed_at``), so importing the same file twice is a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from cleanlist_server.domain.records import Query
from cleanlist_server.normalize.companies import company_name_key
from cleanlist_server.normalize.names import name_key
from cleanlist_server.normalize.record import Normalized
from cleanlist_server.storage.db import Conn
from cleanlist_server.storage.tables import companies, people

Provenance = dict[str, dict[str, str]]


@dataclass(frozen=True, slots=True)
class KbHit:
    person: dict[str, Any]
    person_provenance: Provenance
    company: dict[str, Any]
    company_provenance: Provenance


_INSERT_COMPANY = insert(companies).returning(companies.c.id)


def _hit_query(*conds: Any) -> Any:
    joined = people.outerjoin(companies, people.c.company_id == companies.c.id)
    return (
        select(
            people.c.data,
            people.c.provenance,
            companies.c.data.label("company_data"),
            companies.c.provenance.label("company_provenance"),
        )
        .select_from(joined)
        .where(people.c.account_id == bindparam("account_id"), *conds)
        .order_by(people.c.observed_at.desc())
        .limit(1)
    )


# Built once: the hot path reuses the statement and its compiled form.
_BY_EMAIL = _hit_query(people.c.email == bindparam("email"))
_BY_LINKEDIN = _hit_query(people.c.linkedin_url == bindparam("linkedin_url"))
_BY_NAME_DOMAIN = _hit_query(
    people.c.name_key == bindparam("name_key"),
    people.c.company_domain == bindparam("company_domain"),
)
_BY_NAME_COMPANY = _hit_query(
    people.c.name_key == bindparam("name_key"),
    people.c.company_key == bindparam("company_key"),
)


def _lookups(q: Query) -> list[tuple[Any, dict[str, Any]]]:
    """The identity lookups a query allows, strongest identifier first."""
    found: list[tuple[Any, dict[str, Any]]] = []
    if q.email:
        found.append((_BY_EMAIL, {"email": q.email}))
    if q.linkedin_url:
        found.append((_BY_LINKEDIN, {"linkedin_url": q.linkedin_url}))
    if q.name_key and q.company_domain:
        found.append(
            (_BY_NAME_DOMAIN, {"name_key": q.name_key, "company_domain": q.company_domain})
        )
    if q.name_key and q.company_key:
        found.append((_BY_NAME_COMPANY, {"name_key": q.name_key, "company_key": q.company_key}))
    return found


async def find_person(conn: Conn, q: Query) -> KbHit | None:
    """The person the query identifies, strongest identifier first."""
    for statement, params in _lookups(q):
        row = (await conn.execute(statement, {"account_id": q.account_id, **params})).first()
        if row is not None:
            return KbHit(
                person=row.data,
                person_provenance=row.provenance,
                company=row.company_data or {},
                company_provenance=row.company_provenance or {},
            )
    return None


def merge_fields(
    data: dict[str, Any], prov: Provenance, new: dict[str, Any], source: str, seen: str
) -> bool:
    """Overlay ``new`` onto ``data`` in place; return whether anything changed."""
    changed = False
    for key, value in new.items():
        if value is None or data.get(key) == value:
            continue
        data[key] = value
        prov[key] = {"source": source, "observed_at": seen}
        changed = True
    return changed


@dataclass(slots=True)
class _Entry:
    id: int | None
    data: dict[str, Any]
    prov: Provenance
    company_id: int | None = None
    company_domain: str | None = None
    company_key: str | None = None


class BatchWriter:
    """Applies one batch of normalized rows to the knowledge base of one account."""

    def __init__(self, conn: Conn, account_id: int, *, source: str, now: datetime) -> None:
        self.conn = conn
        self.account_id = account_id
        self.source = source
        self.now = now
        self.seen = now.isoformat().replace("+00:00", "Z")
        self.by_domain: dict[str, _Entry] = {}
        self.by_company_key: dict[str, _Entry] = {}
        self.by_email: dict[str, _Entry] = {}
        self.by_linkedin: dict[str, _Entry] = {}
        self.by_name: dict[str, list[_Entry]] = {}
        self.inserts: list[_Entry] = []
        self.updates: dict[int, _Entry] = {}

    async def apply(self, rows: Sequence[Normalized]) -> list[str]:
        """Write the rows; one outcome per row: imported, merged or unchanged,
        or ``rejected: <reason>``."""
        await self._preload_companies(rows)
        await self._preload_people(rows)
        outcomes = [await self._apply_row(row) for row in rows]
        await self._flush_people()
        return outcomes

    async def _apply_row(self, row: Normalized) -> str:
        company, company_outcome = (
            await self._company(row.company) if row.has_company else (None, None)
        )
        if not row.has_person:
            return company_outcome or "unchanged"
        try:
            outcome = self._person(row.person, company, row.company)
        except ValueError as exc:
            return f"rejected: {exc}"
        if outcome == "unchanged" and company_outcome in ("imported", "merged"):
            return "merged"
        return outcome

    async def _select_in(
        self, table: Any, columns: tuple[Any, ...], lookups: list[tuple[Any, set[Any]]]
    ) -> list[Any]:
        """Rows of this account matching any lookup, oldest first, each once.

        One query per key column: an ``OR`` across differently indexed columns makes
        SQLite scan the whole table, which turns a large import quadratic.
        """
        rows: dict[int, Any] = {}
        for column, values in lookups:
            if not values:
                continue
            result = await self.conn.execute(
                select(*columns).where(table.c.account_id == self.account_id, column.in_(values))
            )
            for row in result:
                rows.setdefault(row.id, row)
        return [rows[i] for i in sorted(rows)]

    # --- companies -------------------------------------------------------------------

    async def _preload_companies(self, rows: Sequence[Normalized]) -> None:
        domains = {r.company["company_domain"] for r in rows if r.company.get("company_domain")}
        keys = {_company_key(r.company) for r in rows if r.company.get("company_name")} - {None}
        if not domains and not keys:
            return
        columns = (
            companies.c.id,
            companies.c.domain,
            companies.c.name_key,
            companies.c.data,
            companies.c.provenance,
        )
        found = await self._select_in(
            companies, columns, [(companies.c.domain, domains), (companies.c.name_key, keys)]
        )
        for r in found:
            entry = _Entry(id=r.id, data=dict(r.data), prov=dict(r.provenance))
            if r.domain:
                self.by_domain[r.domain] = entry
            if r.name_key and (r.name_key not in self.by_company_key or not r.domain):
                self.by_company_key.setdefault(r.name_key, entry)

    async def _company(self, new: dict[str, Any]) -> tuple[_Entry, str]:
        domain = new.get("company_domain")
        key = _company_key(new)
        entry = self.by_domain.get(domain) if domain else None
        if entry is None and not domain and key:
            entry = self.by_company_key.get(key)
        if entry is None:
            entry = await self._insert_company(new, domain, key)
            return entry, "imported"
        if not merge_fields(entry.data, entry.prov, new, self.source, self.seen):
            return entry, "unchanged"
        assert entry.id is not None
        await self.conn.execute(
            update(companies)
            .where(companies.c.id == entry.id)
            .values(
                data=entry.data,
                provenance=entry.prov,
                name_key=_company_key(entry.data),
                observed_at=self.now,
                updated_at=self.now,
            )
        )
        return entry, "merged"

    async def _insert_company(
        self, new: dict[str, Any], domain: str | None, key: str | None
    ) -> _Entry:
        entry = _Entry(id=None, data={}, prov={})
        merge_fields(entry.data, entry.prov, new, self.source, self.seen)
        result = await self.conn.execute(
            _INSERT_COMPANY,
            {
                "account_id": self.account_id,
                "domain": domain,
                "name_key": key,
                "data": entry.data,
                "provenance": entry.prov,
                "observed_at": self.now,
                "created_at": self.now,
                "updated_at": self.now,
            },
        )
        entry.id = int(result.scalar_one())
        if domain:
            self.by_domain[domain] = entry
        if key:
            self.by_company_key.setdefault(key, entry)
        return entry

    # --- people ----------------------------------------------------------------------

    async def _preload_people(self, rows: Sequence[Normalized]) -> None:
        emails = {r.person["email"] for r in rows if r.person.get("email")}
        links = {r.person["linkedin_url"] for r in rows if r.person.get("linkedin_url")}
        names = {_person_key(r.person) for r in rows if r.has_person} - {None}
        if not (emails or links or names):
            return
        columns = (
            people.c.id,
            people.c.company_id,
            people.c.company_domain,
            people.c.company_key,
            people.c.data,
            people.c.provenance,
        )
        found = await self._select_in(
            people,
            columns,
            [(people.c.email, emails), (people.c.linkedin_url, links), (people.c.name_key, names)],
        )
        for r in found:
            entry = _Entry(id=r.id, data=dict(r.data), prov=dict(r.provenance))
            entry.company_id = r.company_id
            entry.company_domain, entry.company_key = r.company_domain, r.company_key
            self._index(entry)

    def _index(self, entry: _Entry) -> None:
        data = entry.data
        if data.get("email"):
            self.by_email[data["email"]] = entry
        if data.get("linkedin_url"):
            self.by_linkedin[data["linkedin_url"]] = entry
        key = _person_key(data)
        if key:
            bucket = self.by_name.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)

    def _match(self, person: dict[str, Any], company: dict[str, Any]) -> _Entry | None:
        email, link = person.get("email"), person.get("linkedin_url")
        by_email = self.by_email.get(email) if email else None
        by_link = self.by_linkedin.get(link) if link else None
        if by_email and by_link and by_email is not by_link:
            raise ValueError(f"LinkedIn URL {link} belongs to another contact than {email}")
        if by_link and email and by_link.data.get("email") not in (None, email):
            raise ValueError(f"LinkedIn URL {link} belongs to {by_link.data['email']}, not {email}")
        if by_email and link and by_email.data.get("linkedin_url") not in (None, link):
            raise ValueError(f"{email} already has LinkedIn URL {by_email.data['linkedin_url']}")
        if by_email or by_link or email or link:
            return by_email or by_link
        key = _person_key(person)
        domain, ckey = company.get("company_domain"), _company_key(company)
        for entry in self.by_name.get(key or "", []):
            if domain and entry.company_domain == domain:
                return entry
            if ckey and entry.company_key == ckey:
                return entry
        return None

    def _person(
        self, person: dict[str, Any], company: _Entry | None, company_new: dict[str, Any]
    ) -> str:
        entry = self._match(person, company_new)
        is_new = entry is None
        if entry is None:
            entry = _Entry(id=None, data={}, prov={})
            self.inserts.append(entry)
        changed = merge_fields(entry.data, entry.prov, person, self.source, self.seen)
        if company is not None and (entry.company_id, entry.company_domain) != (
            company.id,
            company.data.get("company_domain"),
        ):
            entry.company_id = company.id
            entry.company_domain = company.data.get("company_domain")
            entry.company_key = _company_key(company.data)
            changed = True
        if changed:
            self._index(entry)
            if entry.id is not None:
                self.updates[entry.id] = entry
        return "imported" if is_new else "merged" if changed else "unchanged"

    async def _flush_people(self) -> None:
        if self.inserts:
            await self.conn.execute(
                insert(people),
                [
                    {**self._person_row(e), "account_id": self.account_id, "created_at": self.now}
                    for e in self.inserts
                ],
            )
        if self.updates:
            await self.conn.execute(
                update(people).where(people.c.id == bindparam("pid")),
                [{"pid": pid, **self._person_row(e)} for pid, e in self.updates.items()],
            )

    def _person_row(self, e: _Entry) -> dict[str, Any]:
        return {
            "company_id": e.company_id,
            "email": e.data.get("email"),
            "linkedin_url": e.data.get("linkedin_url"),
            "name_key": _person_key(e.data),
            "company_domain": e.company_domain,
            "company_key": e.company_key,
            "data": e.data,
            "provenance": e.prov,
            "observed_at": self.now,
            "updated_at": self.now,
        }


def _company_key(data: dict[str, Any]) -> str | None:
    name = data.get("company_name")
    return company_name_key(name) or None if name else None


def _person_key(data: dict[str, Any]) -> str | None:
    first, last = data.get("first_name"), data.get("last_name")
    return name_key(first, last) or None if first and last else None


async def domain_for_company(conn: Conn, account_id: int, name_key: str) -> str | None:
    """The domain of the account's company with this name key, if it has one."""
    found = await conn.scalar(
        select(companies.c.domain)
        .where(
            companies.c.account_id == account_id,
            companies.c.name_key == name_key,
            companies.c.domain.is_not(None),
        )
        .limit(1)
    )
    return None if found is None else str(found)


async def named_addresses(
    conn: Conn, account_id: int, domain: str, *, limit: int = 200
) -> list[tuple[str, str, str]]:
    """(local part, first name, last name) of known people at ``domain``."""
    rows = await conn.execute(
        select(people.c.email, people.c.data)
        .where(
            people.c.account_id == account_id,
            people.c.company_domain == domain,
            people.c.email.is_not(None),
        )
        .limit(limit)
    )
    out = []
    for row in rows:
        data = row.data
        local, _, at = str(row.email).partition("@")
        if at == domain and data.get("first_name") and data.get("last_name"):
            out.append((local, data["first_name"], data["last_name"]))
    return out


@dataclass(frozen=True, slots=True)
class KnownPerson:
    """One person of the account's knowledge base, with their company's data."""

    person: dict[str, Any]
    company: dict[str, Any]


async def people_at(
    conn: Conn,
    account_id: int,
    domain: str | None,
    limit: int,
    *,
    company_key: str | None = None,
) -> list[KnownPerson]:
    """The account's people at the company with ``domain`` (else with ``company_key``),
    most recently observed first, at most ``limit``."""
    if domain is not None:
        where = people.c.company_domain == domain
    elif company_key is not None:
        where = people.c.company_key == company_key
    else:
        return []
    joined = people.outerjoin(companies, people.c.company_id == companies.c.id)
    rows = await conn.execute(
        select(people.c.data, companies.c.data.label("company_data"))
        .select_from(joined)
        .where(people.c.account_id == account_id, where)
        .order_by(people.c.observed_at.desc(), people.c.id)
        .limit(limit)
    )
    return [KnownPerson(dict(row.data), dict(row.company_data or {})) for row in rows]


async def company_at(
    conn: Conn, account_id: int, domain: str | None, *, company_key: str | None = None
) -> dict[str, Any] | None:
    """The account's company record with ``domain`` (else ``company_key``), if any."""
    if domain is not None:
        where = companies.c.domain == domain
    elif company_key is not None:
        where = companies.c.name_key == company_key
    else:
        return None
    found = await conn.scalar(
        select(companies.c.data)
        .where(companies.c.account_id == account_id, where)
        .order_by(companies.c.observed_at.desc(), companies.c.id)
        .limit(1)
    )
    return None if found is None else dict(found)
