"""The one contract every data provider implements.

A provider declares what it accepts and returns, and answers ``lookup``. The
waterfall (``engine/waterfall.py``) only ever sees this protocol, so a new provider is
one new module and one line in the registry.

Contract:
- ``lookup`` never raises for "not found": it returns ``ProviderResult.miss(name)``.
- Transport trouble (timeouts, 5xx, 429, bad keys) raises a ``ProviderError`` subclass,
  so the runner can retry, back off or trip a breaker; the request itself never fails
  because one provider did.
- Returned fields use the canonical names of ``domain/fields.py``, each a
  ``FieldValue`` carrying the provider's ``observed_at`` and confidence in [0, 1].
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cleanlist_server.domain.records import ProviderResult, Query


class ProviderError(Exception):
    """A provider could not answer (as opposed to answering "no match")."""

    retryable = False


class ProviderUnavailable(ProviderError):
    retryable = True


@runtime_checkable
class Provider(Protocol):
    name: str
    requires_key: bool
    cost_per_call: float
    cost_per_hit: float
    fields: frozenset[str]
    """The canonical fields it can return; it is skipped when all are already known."""

    def accepts(self, query: Query) -> bool:
        """Whether this provider can look up anything for this query."""
        ...

    async def lookup(self, query: Query) -> ProviderResult:
        """Look the query up; a miss is a value, trouble is a ``ProviderError``."""
        ...


@runtime_checkable
class Referee(Provider, Protocol):
    """A provider that checks one field's value live rather than looking anything up: the
    email verifier asks the address's mail server. The waterfall does not call it in
    turn but on each new winner of ``checks`` (``engine/waterfall.py``), and a value it
    ``refutes`` loses the merge to the next candidate."""

    checks: str
    """The field it checks (its answers name the value in ``ProviderResult.about``)."""

    def refutes(self, result: ProviderResult) -> bool:
        """Whether this answer disproves the value it was asked about."""
        ...
