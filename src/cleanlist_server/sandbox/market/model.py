"""Ground truth of the sandbox market: companies, people and their job histories.

Values use the canonical names and normalized forms of ``domain/fields.py`` (E.164
phones, seniority/department/size/revenue enums, ``https://linkedin.com/in/...``
URLs), so a field fetched from any vendor can be compared with the truth by equality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


def parse_day(text: str) -> date:
    """A date written ``YYYY-MM-DD``, ``YYYY-MM`` (its first day) or ``YYYY`` (January 1st)."""
    parts = [int(p) for p in text.strip()[:10].split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


@dataclass(frozen=True)
class TrueCompany:
    id: str
    """Stable id, e.g. ``c00042``."""
    fields: dict[str, Any]
    """Every ``company_*`` field of ``domain/fields.py`` the truth knows (most of them)."""
    mail_provider: str = "self"
    """Who hosts its mail: ``google``, ``microsoft``, ``zoho``, ``self`` (MX records show it)."""
    catch_all: bool = False
    """Its mail server accepts every recipient."""
    saas_tools: tuple[str, ...] = ()
    """SaaS tools visible in its DNS (SPF includes, TXT verification records)."""
    email_pattern: str = "{first}.{last}"
    """How work addresses are built at this company: a Hunter-style template over the
    folded name (``{first}``, ``{last}``, ``{f}`` and ``{l}`` for the initials)."""

    @property
    def domain(self) -> str:
        return str(self.fields["company_domain"])

    @property
    def name(self) -> str:
        return str(self.fields["company_name"])


@dataclass(frozen=True)
class Job:
    """One employment, current (``end is None``) or past."""

    company_id: str
    title: str
    seniority: str | None
    department: str | None
    start: date
    end: date | None = None
    email: str | None = None
    """The work address at that company (past addresses bounce)."""


@dataclass(frozen=True)
class TruePerson:
    id: str
    """Stable id, e.g. ``p000042``."""
    fields: dict[str, Any]
    """Every person field of ``domain/fields.py`` the truth knows, for the *current* job
    (``email`` is the current work address, ``title`` the current title ...)."""
    company_id: str
    """The current employer."""
    history: tuple[Job, ...] = ()
    """Past jobs, most recent first; a job change is ``history[0].end``."""

    @property
    def email(self) -> str | None:
        value = self.fields.get("email")
        return str(value) if value else None

    @property
    def job(self) -> Job:
        """The current job, as a ``Job`` (``end`` is None)."""
        start = self.fields.get("job_start_date")
        return Job(
            company_id=self.company_id,
            title=str(self.fields.get("title") or ""),
            seniority=self.fields.get("seniority"),
            department=self.fields.get("department"),
            start=parse_day(str(start)) if start else date.min,
            email=self.email,
        )

    @property
    def changed_jobs_on(self) -> date | None:
        """The last day of the previous job when the person has one (a job changer)."""
        return self.history[0].end if self.history else None


@dataclass
class Population:
    """A seeded market: companies and people. ``contact(p)`` is the true contact record."""

    seed: int
    companies: dict[str, TrueCompany] = field(default_factory=dict)
    people: dict[str, TruePerson] = field(default_factory=dict)
    today: date | None = None
    """The day the population describes (job changes and ``observed_at`` ages count from it)."""

    def company_of(self, person: TruePerson) -> TrueCompany:
        return self.companies[person.company_id]

    def contact(self, person: TruePerson) -> dict[str, Any]:
        """The true contact record: person fields plus the current employer's fields."""
        return {**person.fields, **self.company_of(person).fields}
