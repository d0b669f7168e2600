"""POST /v1/enrich/contact as a use case: normalize, run the waterfall, charge, store.

The charge, the ledger row and the stored result are one transaction: either the
caller is charged and the result is retrievable, or neither happened. A request
carrying an ``Idempotency-Key`` is charged at most once even across crashes: the key
is unique on the ledger, and a second charge attempt returns the first result.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select

from cleanlist_server.billing import ledger, pricing
from cleanlist_server.domain.fields import CONTACT_FIELDS, PHONE_DETAIL_FIELDS
from cleanlist_server.domain.records import Enrichment, FieldValue, ProviderResult, Query
from cleanlist_server.engine.merge import value_key
from cleanlist_server.engine.waterfall import Run, RunOptions, Waterfall
from cleanlist_server.errors import InsufficientCredits, InvalidRequest, NotFound, ValidationFailed
from cleanlist_server.normalize import domains, linkedin, names
from cleanlist_server.normalize.companies import clean_company_name, company_name_key
from cleanlist_server.normalize.emails import InvalidEmail, normalize_email
from cleanlist_server.providers.email_verifier import result_of
from cleanlist_server.storage.db import Conn
from cleanlist_server.storage.tables import enrichments

CheckEmail = Callable[[str], Awaitable[tuple[dict[str, Any], Any]]]
StoreCheck = Callable[[Conn, Sequence[Any]], Awaitable[None]]
_INSERT_ENRICHMENT = insert(enrichments)
_GET_ENRICHMENT = select(enrichments.c.response).where(
    enrichments.c.id == bindparam("id"), enrichments.c.account_id == bindparam("account_id")
)


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated API key and a snapshot of its account's balance."""

    account_id: int
    key_id: int
    mode: str
    free_balance: int
    paid_balance: int
    period: str | None

    @property
    def live(self) -> bool:
        return self.mode == "live"


def new_enrichment_id() -> str:
    """'ev_' and 16 lowercase base32 characters (80 random bits)."""
    return "ev_" + base64.b32encode(secrets.token_bytes(10)).decode().lower()


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_query(account_id: int, body: Mapping[str, Any]) -> Query:
    """Normalize the identifiers of a request; a bad one is a 422 naming it."""
    email = _email(body.get("email"))
    link = body.get("linkedin_url")
    if link is not None:
        link = linkedin.canonical_profile_url(link)
        if link is None:
            raise ValidationFailed(
                "linkedin_url is not a LinkedIn profile URL (https://linkedin.com/in/<name>).",
                param="linkedin_url",
            )
    domain = body.get("company_domain")
    if domain is not None:
        domain = domains.registrable_domain(domain)
        if domain is None:
            raise ValidationFailed("company_domain is not a domain name.", param="company_domain")
    person = names.build_name(body.get("first_name"), body.get("last_name"), body.get("full_name"))
    company_name = clean_company_name(body.get("company_name"))
    return Query(
        account_id=account_id,
        email=email,
        linkedin_url=link,
        first_name=person.first,
        last_name=person.last,
        full_name=person.full,
        name_key=names.name_key(person.first, person.last) or None
        if person.first and person.last
        else None,
        company_name=company_name,
        company_domain=domain,
        company_key=company_name_key(company_name) or None if company_name else None,
        include_phone=bool(body.get("include_phone", True)),
    )


def _email(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return normalize_email(raw)
    except InvalidEmail as exc:
        raise ValidationFailed(f"email is not a valid address: {exc}", param="email") from None


def require_person_identity(query: Query, body: Mapping[str, Any]) -> None:
    if query.has_person_identity:
        return
    named = query.name_key is not None
    if named:
        raise InvalidRequest(
            "A name needs company_name or company_domain to identify a person.",
            param="company_name",
            code="missing_identifier",
        )
    if any(body.get(k) for k in ("first_name", "last_name", "full_name")):
        raise InvalidRequest(
            "Give both a first and a last name (or full_name) with the company.",
            param="last_name" if body.get("first_name") else "first_name",
            code="missing_identifier",
        )
    raise InvalidRequest(
        "Give an email, a linkedin_url, or a name with company_name/company_domain.",
        param="email",
        code="missing_identifier",
    )


@dataclass(slots=True)
class Found:
    """One waterfall run for one person: the merged outcome, its trace, and the new email
    checks to store with the charge (none when recent ones were reused)."""

    outcome: Enrichment
    trace: Run
    new_checks: list[Any] = field(default_factory=list)


class ContactEnricher:
    """POST /v1/enrich/contact; its steps (``run_options``, ``require_funds``, ``lookup``,
    ``commit``) are the building blocks of lead enrichment too."""

    def __init__(
        self,
        db: Any,
        waterfall: Waterfall,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monthly_grant: int = 30,
        check_email: CheckEmail | None = None,
        store_check: StoreCheck | None = None,
    ) -> None:
        self.db = db
        self.waterfall = waterfall
        self.clock = clock
        self.monthly_grant = monthly_grant
        self.check_email = check_email
        self.store_check = store_check

    async def enrich(
        self, caller: Caller, body: Mapping[str, Any], *, request_key: str | None = None
    ) -> dict[str, Any]:
        query = build_query(caller.account_id, body)
        require_person_identity(query, body)
        options = self.run_options(body)
        now = self.clock()
        self.require_funds(caller, now)
        found = await self.lookup(query, options, now)
        contact = render_contact(found.outcome, include_phone=query.include_phone)
        cost = pricing.contact_cost(contact) if caller.live else 0
        response = {
            "id": new_enrichment_id(),
            "status": "completed" if contact is not None else "not_found",
            "contact": contact,
            "meta": meta_of(found.outcome, cost, matched=contact is not None),
            "provenance": found.trace.provenance(),
        }
        return await self.commit(
            caller,
            kind="contact",
            request=request_of(query),
            response=response,
            now=now,
            key=request_key,
            checks=found.new_checks,
        )

    def run_options(self, body: Mapping[str, Any]) -> RunOptions:
        """The request's narrowing of the waterfall; a bad value is a 422 naming it."""
        required = frozenset(body.get("required") or ())
        unknown = sorted(required - set(CONTACT_FIELDS))
        if unknown:
            raise ValidationFailed(
                f"required names unknown fields: {', '.join(unknown)} "
                "(use the contact field names).",
                param="required",
            )
        names = body.get("providers")
        if names is not None:
            if not names:
                raise ValidationFailed("providers must name at least one.", param="providers")
            enabled = {p.name for p in self.waterfall.providers}
            bad = [n for n in names if n not in enabled]
            if bad:
                raise ValidationFailed(
                    f"providers names providers that are not enabled here: {', '.join(bad)} "
                    f"(enabled: {', '.join(sorted(enabled))}).",
                    param="providers",
                )
            if len(set(names)) != len(names):
                raise ValidationFailed("providers names a provider twice.", param="providers")
        return RunOptions(
            required=required,
            min_confidence=float(body.get("min_confidence") or 0.0),
            providers=tuple(names) if names is not None else None,
            max_provider_cost=body.get("max_provider_cost"),
        )

    def require_funds(self, caller: Caller, now: datetime) -> None:
        """402 before any provider is called when the caller cannot pay for one match."""
        if caller.live and not self._may_spend(caller, now):
            raise InsufficientCredits(
                "The account has no credits left this month.", code="insufficient_credits"
            )

    async def lookup(
        self,
        query: Query,
        options: RunOptions,
        now: datetime,
        *,
        prior: Sequence[ProviderResult] = (),
    ) -> Found:
        """Run the waterfall for one person (``prior``: answers already in hand about
        them, see ``Waterfall.run``) and verify the email it returns."""
        trace = Run()
        outcome = await self.waterfall.run(query, options, trace=trace, prior=prior)
        _echo_identifiers(outcome, query, now)
        new_checks = [r.new_check for r in trace.checks.values() if r and r.new_check]
        new_check = await self._verify_email(outcome, trace)
        if new_check is not None:
            new_checks.append(new_check)
        return Found(outcome, trace, new_checks)

    async def _verify_email(self, outcome: Enrichment, trace: Run) -> Any:
        """Every returned email carries the verdict of a live (or recent) check: the
        waterfall's own (its ``email_verifier`` referee), else one made here (the
        verifier is not enabled, or the request's ``providers`` left it out).

        Returns a new check for ``commit`` to store in its transaction (None if reused).
        """
        email = outcome.fields.get("email")
        if self.check_email is None or email is None or not outcome.matched:
            return None
        if trace.checks.get(("email", value_key(email.value))) is not None:
            return None  # the merge already took its verdict
        check, new_check = await self.check_email(str(email.value))
        outcome.fields.update(result_of("email_verifier", check).fields)
        return new_check

    def _may_spend(self, caller: Caller, now: datetime) -> bool:
        if caller.period != ledger.period_of(now):
            return caller.paid_balance + self.monthly_grant >= pricing.MIN_MATCH_COST
        return caller.free_balance + caller.paid_balance >= pricing.MIN_MATCH_COST

    async def commit(
        self,
        caller: Caller,
        *,
        kind: str,
        request: dict[str, Any],
        response: dict[str, Any],
        now: datetime,
        key: str | None,
        checks: Sequence[Any] = (),
    ) -> dict[str, Any]:
        """Charge ``response["meta"]["credits_used"]``, store the answer and the new email
        checks, in one transaction. A retried request (same ``key``) gets the first answer."""
        cost = response["meta"]["credits_used"]
        try:
            async with self.db.write() as conn:
                if cost:
                    if caller.period != ledger.period_of(now):
                        await ledger.roll_period(
                            conn, caller.account_id, grant=self.monthly_grant, now=now
                        )
                    await ledger.charge(
                        conn,
                        caller.account_id,
                        cost,
                        now=now,
                        enrichment_id=response["id"],
                        request_key=key,
                    )
                await conn.execute(
                    _INSERT_ENRICHMENT,
                    {
                        "id": response["id"],
                        "account_id": caller.account_id,
                        "api_key_id": caller.key_id,
                        "kind": kind,
                        "status": response["status"],
                        "credits_used": cost,
                        "created_at": now,
                        "request": request,
                        "response": response,
                    },
                )
                new_checks = [c for c in checks if c is not None]
                if new_checks and self.store_check is not None:
                    await self.store_check(conn, new_checks)
        except ledger.DuplicateCharge as dup:
            return await self.get(caller, dup.enrichment_id or "")
        return response

    async def get(self, caller: Caller, enrichment_id: str) -> dict[str, Any]:
        async with self.db.read() as conn:
            found = await conn.scalar(
                _GET_ENRICHMENT, {"id": enrichment_id, "account_id": caller.account_id}
            )
        if found is None:
            raise NotFound(f"No enrichment {enrichment_id!r} in this account.", param="id")
        return dict(found)


def meta_of(outcome: Enrichment, cost: int, *, matched: bool) -> dict[str, Any]:
    """The ``meta`` object of one waterfall run."""
    return {
        "credits_used": cost,
        "providers_queried": outcome.providers_queried,
        "providers_matched": outcome.providers_matched,
        "confidence": outcome.confidence if matched else 0.0,
        "enriched_at": iso(outcome.enriched_at),
        "providers_skipped": outcome.skipped,
    }


def request_of(query: Query) -> dict[str, Any]:
    """What is stored of a request: its normalized identifiers."""
    return {k: v for k, v in _query_fields(query).items() if v is not None}


def _echo_identifiers(outcome: Enrichment, query: Query, now: datetime) -> None:
    """A matched record carries the identifiers the caller gave, when no provider did."""
    if not outcome.matched:
        return
    for name in ("email", "linkedin_url"):
        given = getattr(query, name)
        if given is not None and name not in outcome.fields:
            outcome.fields[name] = FieldValue(given, "request", now, 1.0)


def render_contact(outcome: Enrichment, *, include_phone: bool) -> dict[str, Any] | None:
    """The ``contact`` object: every documented field, null when unknown."""
    if not outcome.matched:
        return None
    values = outcome.values()
    contact = {name: values.get(name) for name in CONTACT_FIELDS}
    if not include_phone:
        for name in PHONE_DETAIL_FIELDS:
            contact[name] = None
    if contact["email"] and not contact["email_status"]:
        contact["email_status"] = "unknown"
    return contact


def _query_fields(query: Query) -> dict[str, Any]:
    return {
        "email": query.email,
        "linkedin_url": query.linkedin_url,
        "first_name": query.first_name,
        "last_name": query.last_name,
        "company_name": query.company_name,
        "company_domain": query.company_domain,
        "include_phone": query.include_phone,
    }
