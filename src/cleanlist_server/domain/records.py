"""Plain data passed between the layers: queries, field values, provider results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Query:
    """A normalized enrichment request, scoped to the calling account."""

    account_id: int
    email: str | None = None
    linkedin_url: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    name_key: str | None = None
    company_name: str | None = None
    company_domain: str | None = None
    company_key: str | None = None
    include_phone: bool = True
    known: Mapping[str, Any] = field(default_factory=lambda: _EMPTY, hash=False, compare=False)
    """Canonical fields found so far by earlier providers of this waterfall run. Later
    providers may use them as identifiers (a LinkedIn URL found by one provider lets
    another look up a phone) or as input to check (the phone provider reads ``phone``)."""

    def value(self, name: str) -> Any:
        """An identifier from the request itself, else from what was found so far."""
        given = getattr(self, name, None) if name in _QUERY_NAMES else None
        return given if given is not None else self.known.get(name)

    def with_known(self, known: Mapping[str, Any]) -> Query:
        return replace(self, known=MappingProxyType(dict(known)))

    @property
    def has_person_identity(self) -> bool:
        has_name = self.name_key is not None
        has_company = self.company_domain is not None or self.company_key is not None
        return bool(self.email or self.linkedin_url or (has_name and has_company))


_QUERY_NAMES = frozenset(
    {
        "email",
        "linkedin_url",
        "first_name",
        "last_name",
        "full_name",
        "company_name",
        "company_domain",
    }
)


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One candidate value of one field, with where and when it was seen."""

    value: Any
    source: str
    observed_at: datetime
    confidence: float


@dataclass(slots=True)
class ProviderResult:
    """What one provider answered. Not-found is ``matched=False``, never an exception."""

    provider: str
    matched: bool
    fields: dict[str, FieldValue] = field(default_factory=dict)
    error: str | None = None
    about: dict[str, Any] = field(default_factory=dict)
    """The identifiers the answer is about when they are not among its fields (the
    domain a website was fetched for): never counted as confirmation, but an answer
    about another company than the chosen employer is kept out of the employment."""
    first_party: frozenset[str] = frozenset()
    """Fields this answer read from what the subject publishes about itself (a company's
    own homepage: its address, phone, profiles): they win their field in the merge."""
    new_check: Any = None
    """A new email check this answer made, for the caller to store in its own write
    transaction (the email verifier's; see ``services/enrich.py``)."""

    @classmethod
    def miss(cls, provider: str) -> ProviderResult:
        return cls(provider=provider, matched=False)


@dataclass(slots=True)
class Enrichment:
    """The merged outcome of a waterfall run."""

    matched: bool
    fields: dict[str, FieldValue]
    providers_queried: int
    providers_matched: int
    confidence: float
    enriched_at: datetime | None
    skipped: list[str] = field(default_factory=list)

    def values(self) -> dict[str, Any]:
        return {name: fv.value for name, fv in self.fields.items()}
