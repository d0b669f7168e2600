"""Run providers in order, merge what they found, and say how sure we are.

The knowledge base is the first provider; later providers only run for fields still
missing. A provider that fails never fails the request: it is listed in ``skipped``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from cleanlist_server.domain.records import Enrichment, FieldValue, ProviderResult, Query
from cleanlist_server.engine.merge import merge
from cleanlist_server.providers.base import Provider, ProviderError

log = logging.getLogger("cleanlist.waterfall")

# Fields whose confidences make up the record's confidence: identity and employment.
CORE_FIELDS = ("email", "first_name", "last_name", "title", "company_name", "company_domain")


class Waterfall:
    def __init__(self, providers: Sequence[Provider]) -> None:
        self.providers = list(providers)

    async def run(self, query: Query, *, wanted: frozenset[str] | None = None) -> Enrichment:
        results: list[ProviderResult] = []
        skipped: list[str] = []
        queried = 0
        for provider in self.providers:
            if not provider.accepts(query):
                continue
            if wanted is not None and _filled(results, wanted):
                break
            if _filled(results, provider.fields):
                continue  # it could only tell us what we already know
            queried += 1
            try:
                results.append(await provider.lookup(query))
            except ProviderError as exc:
                log.warning("provider %s failed: %s", provider.name, exc)
                skipped.append(provider.name)
        merged = merge(results)
        matched = [r for r in results if r.matched]
        return Enrichment(
            matched=bool(matched),
            fields=merged.winners,
            providers_queried=queried,
            providers_matched=len(matched),
            confidence=record_confidence(merged.winners),
            enriched_at=_latest(merged.winners),
            skipped=skipped,
        )


def _filled(results: list[ProviderResult], wanted: frozenset[str]) -> bool:
    have = {name for r in results if r.matched for name in r.fields}
    return wanted <= have


def record_confidence(fields: dict[str, FieldValue]) -> float:
    values = [fv.confidence for name in CORE_FIELDS if (fv := fields.get(name)) is not None]
    return round(sum(values) / len(values), 2) if values else 0.0


def _latest(fields: dict[str, FieldValue]) -> datetime | None:
    seen = [fv.observed_at for fv in fields.values()]
    return max(seen) if seen else None
