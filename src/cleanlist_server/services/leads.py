"""POST /v1/enrich/lead as a use case: a contact, plus intent signals and an ICP score.

A person (an email, a LinkedIn URL, or a name with a company) goes through contact
enrichment's steps (``ContactEnricher``), then the company's intent signals are read
(refreshed first when the company was never refreshed, ``IntentService.ensure_fresh``)
and the record is scored against the ICP profile (``scoring.icp.score``).

A company alone (``company_domain`` or ``company_name``) becomes its best-fit people: the
account's knowledge base's, pre-scored on the data at hand; unless ``limit`` of them are
already "high" tier fits, every enabled provider that can search people
(``providers/people.py``) is asked too, through the ``ProviderRunner``, under the request's
``providers`` and ``max_provider_cost`` (a failing search only leaves its people out). Its
people not already known are pre-scored alike; the best ``limit`` go through the waterfall,
each with the searches' answers about them as prior results, and the enriched leads come
back ranked by ``icp_score``. A ``company_name`` the knowledge base cannot place takes the
domain the searches found.

Credits are contact enrichment's, per delivered lead (1, or 11 with a phone; nothing for
no match), charged with the stored answer in one transaction; ``Idempotency-Key`` retries
are charged once. The answer is stored (kind ``lead``) for ``GET /v1/enrichments/{id}``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cleanlist_server.billing import pricing
from cleanlist_server.domain.fields import COMPANY_FIELDS, PERSON_FIELDS
from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.waterfall import RunOptions
from cleanlist_server.errors import InvalidRequest, ValidationFailed
from cleanlist_server.normalize.emails import is_free_domain
from cleanlist_server.providers.people import (
    PeopleLookup,
    Searched,
    identity_keys,
    searched,
    searchers,
)
from cleanlist_server.scoring.icp import HIGH, IntentSignal, score, tier_for
from cleanlist_server.services.enrich import (
    Caller,
    ContactEnricher,
    Found,
    build_query,
    iso,
    meta_of,
    new_enrichment_id,
    render_contact,
    request_of,
    require_person_identity,
)
from cleanlist_server.services.icp_profiles import ProfileService, ResolvedProfile
from cleanlist_server.services.intent import IntentService
from cleanlist_server.storage import kb

DEFAULT_LIMIT = 5
MAX_LIMIT = 25
MAX_CANDIDATES = 500
"""Known people at a company pre-scored for a company-only request."""
SEARCH_SIZE = 10
"""People asked of each provider search at least (Hunter's default page); a larger
``limit`` asks for that many."""
CONCURRENCY = 5
_Chosen = tuple[Query, list[ProviderResult]]
_NAMES = ("first_name", "last_name", "full_name")


class LeadEnricher:
    def __init__(
        self,
        contacts: ContactEnricher,
        profiles: ProfileService,
        intent: IntentService,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.contacts = contacts
        self.db = contacts.db
        self.profiles = profiles
        self.intent = intent
        self.clock = clock

    async def enrich(
        self, caller: Caller, body: Mapping[str, Any], *, request_key: str | None = None
    ) -> dict[str, Any]:
        query = build_query(caller.account_id, body)
        company_only = _company_only(query, body)
        limit = _limit(body, company_only)
        options = self.contacts.run_options(body)
        resolved = await self.profiles.resolve(caller.account_id, body.get("icp_profile_id"))
        now = self.clock()
        self.contacts.require_funds(caller, now)
        if company_only:
            return await self._company(caller, query, options, resolved, limit, now, request_key)
        return await self._person(caller, query, options, resolved, now, request_key)

    # --- a person --------------------------------------------------------------------

    async def _person(
        self,
        caller: Caller,
        query: Query,
        options: RunOptions,
        resolved: ResolvedProfile,
        now: datetime,
        key: str | None,
    ) -> dict[str, Any]:
        found = await self.contacts.lookup(query, options, now)
        contact = render_contact(found.outcome, include_phone=query.include_phone)
        lead = None
        if contact is not None:
            await self._refresh(contact.get("company_domain"))
            lead = (await self._score(caller.account_id, [contact], resolved))[0]
        cost = pricing.contact_cost(contact) if caller.live else 0
        response = {
            "id": new_enrichment_id(),
            "status": "completed" if lead is not None else "not_found",
            "lead": lead,
            "meta": {
                **meta_of(found.outcome, cost, matched=lead is not None),
                "icp_profile_id": resolved.id,
            },
            "provenance": found.trace.provenance(),
        }
        return await self.contacts.commit(
            caller,
            kind="lead",
            request={**request_of(query), "icp_profile_id": resolved.id},
            response=response,
            now=now,
            key=key,
            checks=found.new_checks,
        )

    # --- a company -------------------------------------------------------------------

    async def _company(
        self,
        caller: Caller,
        query: Query,
        options: RunOptions,
        resolved: ResolvedProfile,
        limit: int,
        now: datetime,
        key: str | None,
    ) -> dict[str, Any]:
        account = caller.account_id
        known, domain, chosen, searches = await self._candidates(
            account, query, options, resolved, limit, now
        )
        gate = asyncio.Semaphore(CONCURRENCY)

        async def lookup(q: Query, prior: list[ProviderResult]) -> Found:
            async with gate:
                return await self.contacts.lookup(q, options, now, prior=prior)

        async def lookups() -> list[Found]:
            return list(await asyncio.gather(*(lookup(q, prior) for q, prior in chosen)))

        runs, _ = await asyncio.gather(lookups(), self._refresh(domain))
        pairs = [
            (c, f)
            for f in runs
            if (c := render_contact(f.outcome, include_phone=query.include_phone)) is not None
        ]
        leads = await self._score(account, [c for c, _ in pairs], resolved)
        ranked_leads = sorted(
            zip(leads, (f for _, f in pairs), strict=True),
            key=lambda lf: (-lf[0]["icp_score"], -lf[1].outcome.confidence, lf[0]["email"] or ""),
        )
        delivered = [lead for lead, _ in ranked_leads]
        company = await self._company_record(known, delivered, query, domain)
        cost = sum(pricing.contact_cost(lead) for lead in delivered) if caller.live else 0
        priors = sum(len(prior) for _, prior in chosen)
        response = {
            "id": new_enrichment_id(),
            "status": "completed" if delivered else "not_found",
            "company": company,
            "leads": delivered,
            "meta": {
                **_company_meta([f for _, f in ranked_leads], runs, cost, searches, priors),
                "icp_profile_id": resolved.id,
            },
            "provenance": {
                "searches": [s.provenance() for s in searches],
                "leads": [f.trace.provenance() for _, f in ranked_leads],
            },
        }
        return await self.contacts.commit(
            caller,
            kind="lead",
            request={**request_of(query), "icp_profile_id": resolved.id, "limit": limit},
            response=response,
            now=now,
            key=key,
            checks=[c for f in runs for c in f.new_checks],
        )

    async def _candidates(
        self,
        account: int,
        query: Query,
        options: RunOptions,
        resolved: ResolvedProfile,
        limit: int,
        now: datetime,
    ) -> tuple[dict[str, Any] | None, str | None, list[_Chosen], list[Searched]]:
        """(the known company record, the domain, the best ``limit`` people as waterfall
        queries with their prior, the searches made)."""
        async with self.db.read() as conn:
            domain = query.company_domain
            if domain is None and query.company_key is not None:
                domain = await kb.domain_for_company(conn, account, query.company_key)
            ckey = None if domain else query.company_key
            known = await kb.company_at(conn, account, domain, company_key=ckey)
            people = await kb.people_at(conn, account, domain, MAX_CANDIDATES, company_key=ckey)
        ranked = _best(_pool(people, []), known, resolved, now)
        searches: list[Searched] = []
        if sum(tier_for(fit) == HIGH for fit, _ in ranked[:limit]) < limit:
            searches = await self._search(query, domain, options, limit)
            if any(s.people for s in searches):
                domain = domain or _found_domain(searches)
                ranked = _best(_pool(people, searches), known, resolved, now)
        chosen = [
            (q, c.found)
            for _, c in ranked[:limit]
            if (q := _person_query(account, c.known, query)) is not None
        ]
        return known, domain, chosen, searches

    async def _search(
        self, query: Query, domain: str | None, options: RunOptions, limit: int
    ) -> list[Searched]:
        """Ask every people-search provider the request allows, at once, through the
        runner; one that does not fit ``max_provider_cost`` is skipped. A free-mail domain
        employs nobody: it is not searched."""
        name = None if domain else query.company_name
        if not (domain or name) or (domain and is_free_domain(domain)):
            return []
        waterfall = self.contacts.waterfall
        size = max(limit, SEARCH_SIZE)
        skipped, calls = [], []
        for p in searchers(waterfall.candidates(options)):
            cap = options.max_provider_cost
            if cap is not None and p.cost_per_call + p.cost_per_hit > cap + 1e-9:
                skipped.append(Searched(p.name, "skipped:budget"))
            else:
                calls.append(PeopleLookup(p, domain, name, size))
        attempts = await asyncio.gather(*(waterfall.runner.call(c, query) for c in calls))
        return skipped + [searched(c, a) for c, a in zip(calls, attempts, strict=True)]

    async def _company_record(
        self,
        known: dict[str, Any] | None,
        leads: Sequence[dict[str, Any]],
        query: Query,
        domain: str | None,
    ) -> dict[str, Any] | None:
        """The company's ``company_*`` fields: the enriched leads' first, then the
        knowledge base's; None when the company is unknown."""
        if known is None and not leads:
            return None
        values: dict[str, Any] = {}
        for source in (*leads, known or {}):
            for name in COMPANY_FIELDS:
                if values.get(name) is None and source.get(name) is not None:
                    values[name] = source[name]
        values.setdefault("company_domain", domain)
        values.setdefault("company_name", query.company_name)
        if values.get("company_tech_stack") is None and values.get("company_domain"):
            async with self.db.read() as conn:
                values["company_tech_stack"] = await self.intent.tech_stack(
                    conn, values["company_domain"]
                )
        return {name: values.get(name) for name in COMPANY_FIELDS}

    # --- scoring ---------------------------------------------------------------------

    async def _refresh(self, domain: Any) -> None:
        if isinstance(domain, str) and domain and not is_free_domain(domain):
            await self.intent.ensure_fresh(domain)

    async def _score(
        self, account_id: int, contacts: Sequence[dict[str, Any]], resolved: ResolvedProfile
    ) -> list[dict[str, Any]]:
        """Each contact as a lead: intent signals, a filled tech stack, the ICP score."""
        now = self.clock()
        out = []
        async with self.db.read() as conn:
            for contact in contacts:
                domain = contact.get("company_domain")
                record = dict(contact)
                if record.get("company_tech_stack") is None and domain:
                    record["company_tech_stack"] = await self.intent.tech_stack(conn, domain)
                signals = await self.intent.signals_for(
                    conn, account_id, domain, contact.get("email"), resolved.profile, now
                )
                out.append(_lead(record, signals, resolved, now))
        return out


def _lead(
    record: dict[str, Any], signals: list[IntentSignal], resolved: ResolvedProfile, now: datetime
) -> dict[str, Any]:
    result = score(record, resolved.compiled, intent=signals, now=now)
    return {
        **record,
        "icp_score": result.score,
        "icp_tier": result.tier,
        "icp_signals": result.signals,
        "icp_breakdown": result.breakdown,
        "intent_signals": list(dict.fromkeys(s.code for s in signals)),
        "intent_signal_details": [
            {
                "code": s.code,
                "detected_at": iso(s.detected_at),
                "source": s.source,
                "evidence": dict(s.evidence),
            }
            for s in signals
        ],
    }


def _company_only(query: Query, body: Mapping[str, Any]) -> bool:
    """Whether the request names a company and no person; a partial person is a 400."""
    if query.has_person_identity:
        return False
    has_company = query.company_domain is not None or query.company_key is not None
    if has_company and not any(body.get(k) for k in _NAMES):
        return True
    if any(body.get(k) for k in _NAMES):
        require_person_identity(query, body)
    raise InvalidRequest(
        "Give an email, a linkedin_url, a name with company_name/company_domain, or a "
        "company_domain or company_name alone.",
        param="email",
        code="missing_identifier",
    )


def _limit(body: Mapping[str, Any], company_only: bool) -> int:
    limit = body.get("limit")
    if limit is None:
        return DEFAULT_LIMIT
    if not company_only:
        raise ValidationFailed(
            "limit applies to company-only requests (a company_domain or company_name "
            "without a person).",
            param="limit",
        )
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}.", param="limit")
    return int(limit)


@dataclass(slots=True)
class _Candidate:
    """Someone at the company who may become a lead: a knowledge-base record or a people
    search's entry; ``found`` holds the searches' answers about them (the waterfall's prior)."""

    known: kb.KnownPerson
    found: list[ProviderResult] = field(default_factory=list)


def _pool(people: Sequence[kb.KnownPerson], searches: Sequence[Searched]) -> list[_Candidate]:
    """The known people, then the searches' people not among them (same email, LinkedIn
    URL or name); a search's answer about someone already in the pool joins their prior."""
    pool = [_Candidate(p) for p in people]
    index = {k: c for c in pool for k in identity_keys(c.known.person)}
    for search in searches:
        for result in search.people:
            known = _known_of(result)
            keys = identity_keys(known.person)
            same = next((index[k] for k in keys if k in index), None)
            if same is None:
                same = _Candidate(known)
                pool.append(same)
            same.found.append(result)
            index.update(dict.fromkeys(keys, same))
    return pool


def _known_of(result: ProviderResult) -> kb.KnownPerson:
    values = result.fields
    person = {n: values[n].value for n in PERSON_FIELDS if n in values}
    company = {n: values[n].value for n in COMPANY_FIELDS if n in values}
    return kb.KnownPerson(person, company)


def _best(
    pool: Sequence[_Candidate],
    company: Mapping[str, Any] | None,
    resolved: ResolvedProfile,
    now: datetime,
) -> list[tuple[int, _Candidate]]:
    """Candidates with their ICP pre-score on the data at hand (the company's known record
    under each), best first; ties keep the pool's order (the knowledge base first)."""
    base = dict(company or {})
    scored = [
        (score({**base, **c.known.company, **c.known.person}, resolved.compiled, now=now).score, i)
        for i, c in enumerate(pool)
    ]
    return [(fit, pool[i]) for fit, i in sorted(scored, key=lambda t: (-t[0], t[1]))]


def _person_query(account_id: int, known: kb.KnownPerson, asked: Query) -> Query | None:
    p = known.person
    body = {
        "email": p.get("email"),
        "linkedin_url": p.get("linkedin_url"),
        "first_name": p.get("first_name"),
        "last_name": p.get("last_name"),
        "company_domain": known.company.get("company_domain") or asked.company_domain,
        "company_name": known.company.get("company_name") or asked.company_name,
        "include_phone": asked.include_phone,
    }
    try:
        query = build_query(account_id, {k: v for k, v in body.items() if v is not None})
    except ValidationFailed:
        return None
    return query if query.has_person_identity else None


def _found_domain(searches: Sequence[Searched]) -> str | None:
    """The domain most of the searches' people work at (a company name resolved)."""
    domains = Counter(
        str(fv.value)
        for s in searches
        for p in s.people
        if (fv := p.fields.get("company_domain")) is not None
    )
    return domains.most_common(1)[0][0] if domains else None


def _company_meta(
    delivered: Sequence[Found],
    runs: Sequence[Found],
    cost: int,
    searches: Sequence[Searched],
    priors: int,
) -> dict[str, Any]:
    """Summed over the searches and the leads' runs; a search's answer reused as a run's
    prior counts once, as the search."""
    seen = [f.outcome.enriched_at for f in delivered if f.outcome.enriched_at is not None]
    confidences = [f.outcome.confidence for f in delivered]
    failed = {s.provider for s in searches if s.outcome not in ("matched", "miss")}
    return {
        "credits_used": cost,
        "providers_queried": sum(s.called for s in searches)
        + sum(f.outcome.providers_queried for f in runs),
        "providers_matched": sum(s.outcome == "matched" for s in searches)
        + sum(f.outcome.providers_matched for f in runs)
        - priors,
        "confidence": round(sum(confidences) / len(confidences), 4) if confidences else 0.0,
        "enriched_at": iso(max(seen)) if seen else None,
        "providers_skipped": sorted({s for f in runs for s in f.outcome.skipped} | failed),
    }
