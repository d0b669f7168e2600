"""The knowledge base as the first provider of the waterfall.

It answers from the account's own imported records only. Confidence per field is
the strength of the identity match times a freshness factor: full while a value is
younger than ``fresh_days``, then falling linearly to half at three times that age.
These are documented priors (docs/confidence.md), to be calibrated against truth.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from cleanlist_server.domain.fields import CONTACT_FIELDS
from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.kb import KbHit, Provenance, find_person

MATCH_CONFIDENCE = {"email": 0.97, "linkedin_url": 0.96, "name_domain": 0.9, "name_company": 0.82}


class KnowledgeBaseProvider:
    name = "kb"
    requires_key = False
    cost_per_call = 0.0
    cost_per_hit = 0.0
    fields = frozenset(CONTACT_FIELDS)

    def __init__(
        self,
        db: Database,
        *,
        fresh_days: int = 365,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.fresh_days = fresh_days
        self.clock = clock

    def accepts(self, query: Query) -> bool:
        return query.has_person_identity

    async def lookup(self, query: Query) -> ProviderResult:
        async with self.db.read() as conn:
            hit = await find_person(conn, query)
        if hit is None:
            return ProviderResult.miss(self.name)
        match = MATCH_CONFIDENCE[_matched_on(query, hit)]
        fields: dict[str, FieldValue] = {}
        now = self.clock()
        # Values imported together share one observation: score each once.
        scored: dict[str, tuple[datetime, float]] = {}
        for data, prov in (
            (hit.person, hit.person_provenance),
            (hit.company, hit.company_provenance),
        ):
            for name, value in data.items():
                p = prov.get(name)
                seen_text = p["observed_at"] if p else ""
                if seen_text not in scored:
                    seen = _parse(seen_text) if seen_text else now
                    scored[seen_text] = (seen, round(match * self._freshness(now, seen), 4))
                seen, confidence = scored[seen_text]
                source = f"kb:{p['source']}" if p else self.name
                fields[name] = FieldValue(value, source, seen, confidence)
        return ProviderResult(provider=self.name, matched=True, fields=fields)

    def _freshness(self, now: datetime, seen: datetime) -> float:
        age_days = max(0.0, (now - seen).total_seconds() / 86400)
        if age_days <= self.fresh_days:
            return 1.0
        return max(0.5, 1.0 - 0.25 * (age_days - self.fresh_days) / self.fresh_days)


def _matched_on(query: Query, hit: KbHit) -> str:
    person = hit.person
    if query.email and person.get("email") == query.email:
        return "email"
    if query.linkedin_url and person.get("linkedin_url") == query.linkedin_url:
        return "linkedin_url"
    if query.company_domain and hit.company.get("company_domain") == query.company_domain:
        return "name_domain"
    return "name_company"


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


__all__ = ["KnowledgeBaseProvider", "Provenance"]
