"""POST /v1/enrich/lead as a use case: a contact, plus intent signals and an ICP score.

A person (an email, a LinkedIn URL, or a name with a company) goes through contact
enrichment's steps (``ContactEnricher``), then the company's intent signals are read
(refreshed first when the company was never refreshed, ``IntentService.ensure_fresh``)
and the record is scored against the ICP profile (``scoring.icp.score``).

A company alone (``company_domain`` or ``company_name``) becomes the best-fit people the
account's knowledge base knows there: every known person is pre-scored on the data at
hand, the best ``limit`` go through the waterfall, and the enriched leads come back ranked
by ``icp_score``.

Credits are contact enrichment's, per delivered lead (1, or 11 with a phone; nothing for
no match), charged with the stored answer in one transaction; ``Idempotency-Key`` retries
are charged once. The answer is stored (kind ``lead``) for ``GET /v1/enrichments/{id}``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cleanlist_server.billing import pricing
from cleanlist_server.domain.fields import COMPANY_FIELDS
from cleanlist_server.domain.records import Query
from cleanlist_server.engine.waterfall import RunOptions
from cleanlist_server.errors import InvalidRequest, ValidationFailed
from cleanlist_server.normalize.emails import is_free_domain
from cleanlist_server.scoring.icp import IntentSignal, score
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
CONCURRENCY = 5
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
            checks=[found.new_check],
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
        async with self.db.read() as conn:
            domain = query.company_domain
            if domain is None and query.company_key is not None:
                domain = await kb.domain_for_company(conn, account, query.company_key)
            ckey = None if domain else query.company_key
            known = await kb.company_at(conn, account, domain, company_key=ckey)
            people = await kb.people_at(conn, account, domain, MAX_CANDIDATES, company_key=ckey)
        chosen = _best(people, resolved, now)[:limit]
        queries = [q for p in chosen if (q := _person_query(account, p, query)) is not None]
        gate = asyncio.Semaphore(CONCURRENCY)

        async def lookup(q: Query) -> Found:
            async with gate:
                return await self.contacts.lookup(q, options, now)

        async def lookups() -> list[Found]:
            return list(await asyncio.gather(*(lookup(q) for q in queries)))

        runs, _ = await asyncio.gather(lookups(), self._refresh(domain))
        pairs = [
            (c, f)
            for f in runs
            if (c := render_contact(f.outcome, include_phone=query.include_phone)) is not None
        ]
        leads = await self._score(account, [c for c, _ in pairs], resolved)
        ranked = sorted(
            zip(leads, (f for _, f in pairs), strict=True),
            key=lambda lf: (-lf[0]["icp_score"], -lf[1].outcome.confidence, lf[0]["email"] or ""),
        )
        company = await self._company_record(known, [lead for lead, _ in ranked], query, domain)
        cost = sum(pricing.contact_cost(lead) for lead, _ in ranked) if caller.live else 0
        response = {
            "id": new_enrichment_id(),
            "status": "completed" if ranked else "not_found",
            "company": company,
            "leads": [lead for lead, _ in ranked],
            "meta": {
                **_company_meta([f for _, f in ranked], runs, cost),
                "icp_profile_id": resolved.id,
            },
            "provenance": {"leads": [f.trace.provenance() for _, f in ranked]},
        }
        return await self.contacts.commit(
            caller,
            kind="lead",
            request={**request_of(query), "icp_profile_id": resolved.id, "limit": limit},
            response=response,
            now=now,
            key=key,
            checks=[f.new_check for f in runs],
        )

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


def _best(
    people: Sequence[kb.KnownPerson], resolved: ResolvedProfile, now: datetime
) -> list[kb.KnownPerson]:
    """Known people, best ICP fit first on the data at hand (ties: the order given)."""
    scored = [
        (score({**p.company, **p.person}, resolved.compiled, now=now).score, i, p)
        for i, p in enumerate(people)
    ]
    return [p for _, _, p in sorted(scored, key=lambda t: (-t[0], t[1]))]


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


def _company_meta(delivered: Sequence[Found], runs: Sequence[Found], cost: int) -> dict[str, Any]:
    seen = [f.outcome.enriched_at for f in delivered if f.outcome.enriched_at is not None]
    confidences = [f.outcome.confidence for f in delivered]
    return {
        "credits_used": cost,
        "providers_queried": sum(f.outcome.providers_queried for f in runs),
        "providers_matched": sum(f.outcome.providers_matched for f in runs),
        "confidence": round(sum(confidences) / len(confidences), 4) if confidences else 0.0,
        "enriched_at": iso(max(seen)) if seen else None,
        "providers_skipped": sorted({s for f in runs for s in f.outcome.skipped}),
    }
