"""People search: a capability a ``Provider`` may add, listing people at a company.

A provider that can name the people it knows at a company (Hunter's Domain Search ...)
implements ``PeopleSearch``: it stays an ordinary ``Provider`` of the waterfall and adds
``people_at``. Lead enrichment of a company alone (``services/leads.py``) asks the enabled
ones for candidates beside the account's knowledge base.

Contract, as for ``lookup``:
- ``people_at`` never raises for "nobody known": it returns ``[]``;
- transport trouble raises a ``ProviderError`` subclass (the same translation as lookups);
- each result is a matched ``ProviderResult`` about one person, canonical fields each a
  ``FieldValue`` with the provider's ``observed_at`` and confidence, employer fields
  (``company_domain``, ``company_name``) included when the provider gives them.

``PeopleLookup`` presents one search as a ``Provider`` whose ``lookup`` runs it, so the
``ProviderRunner`` gives searches the provider's deadline, retries, breaker and stats
(counted under the provider's own name). Its answer is a ``PeopleFound``; ``searched``
reads the runner's ``Attempt`` as a ``Searched`` (outcome, latency, cost, people).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import Attempt
from cleanlist_server.normalize.names import name_key
from cleanlist_server.providers.base import Provider


@runtime_checkable
class PeopleSearch(Provider, Protocol):
    async def people_at(
        self, domain: str | None, company_name: str | None, limit: int
    ) -> list[ProviderResult]:
        """Up to ``limit`` people at the company with ``domain`` (else named
        ``company_name``), the provider's best first; ``[]`` when it knows nobody there."""
        ...


@dataclass(slots=True)
class PeopleFound(ProviderResult):
    """A search's answer: matched when it listed anyone; ``people`` one result each."""

    people: list[ProviderResult] = field(default_factory=list)


class PeopleLookup:
    """One people search presented as a ``Provider`` (see the module docstring)."""

    def __init__(
        self, provider: PeopleSearch, domain: str | None, company_name: str | None, limit: int
    ) -> None:
        self.provider = provider
        self.name = provider.name
        self.requires_key = provider.requires_key
        self.cost_per_call = provider.cost_per_call
        self.cost_per_hit = provider.cost_per_hit
        self.fields = provider.fields
        self.domain = domain
        self.company_name = company_name
        self.limit = limit

    def accepts(self, query: Query) -> bool:
        return bool(self.domain or self.company_name)

    async def lookup(self, query: Query) -> PeopleFound:
        people = await self.provider.people_at(self.domain, self.company_name, self.limit)
        found = [p for p in people if p.matched]
        return PeopleFound(provider=self.name, matched=bool(found), people=found)


@dataclass(slots=True)
class Searched:
    """What one search came to, read as the waterfall reads a call: outcome ``matched``,
    ``miss``, ``error:<code>`` or ``skipped:<reason>``; cost per call, plus per hit when
    it listed anyone."""

    provider: str
    outcome: str
    latency_ms: float = 0.0
    cost: float = 0.0
    people: list[ProviderResult] = field(default_factory=list)

    @property
    def called(self) -> bool:
        return not self.outcome.startswith("skipped:")

    def provenance(self) -> dict[str, Any]:
        return {
            "name": self.provider,
            "outcome": self.outcome,
            "latency_ms": round(self.latency_ms, 1),
            "cost": self.cost,
            "people": len(self.people),
        }


def searched(call: PeopleLookup, attempt: Attempt) -> Searched:
    """The runner's ``Attempt`` of ``call`` as a ``Searched``."""
    latency = attempt.elapsed * 1000
    if attempt.error == "circuit_open":
        return Searched(call.name, "skipped:circuit_open")
    if attempt.error is not None:
        return Searched(call.name, f"error:{attempt.error}", latency, call.cost_per_call)
    found = attempt.result
    if isinstance(found, PeopleFound) and found.matched:
        cost = call.cost_per_call + call.cost_per_hit
        return Searched(call.name, "matched", latency, cost, found.people)
    return Searched(call.name, "miss", latency, call.cost_per_call)


def searchers(providers: Iterable[Provider]) -> list[PeopleSearch]:
    """The providers among ``providers`` that can search people, in the order given."""
    return [p for p in providers if isinstance(p, PeopleSearch)]


def identity_keys(person: Mapping[str, Any]) -> set[str]:
    """What identifies a person across sources: email, LinkedIn URL, name (prefixed)."""
    keys = set()
    for name in ("email", "linkedin_url"):
        value = person.get(name)
        if value:
            keys.add(f"{name}:{str(value).lower()}")
    named = name_key(person.get("first_name"), person.get("last_name"))
    if " " in named:
        keys.add(f"name:{named}")
    return keys
