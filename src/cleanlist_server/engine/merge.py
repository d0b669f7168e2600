"""Field-by-field merge of provider answers (pure).

For each field, candidate values are compared by, in order:

1. **support**: how many independent sources report the value, counting only sources
   whose observation is recent relative to the newest observation of that field
   (within ``support_window``). A value seen by two vendors a year ago does not outvote
   the one vendor that saw the job change last month: their observations predate the
   newest one by more than the window, so they no longer confirm anything;
2. **recency**: the most recent ``observed_at``;
3. **reliability**: the provider's agreement rate on that field, learned over time
   (``Reliability``);
4. the order the providers ran in.

Except for the employer itself, recency only decides between equally supported values
observed more than ``RECENCY_MARGIN`` apart: a vendor's "last seen" date says when it
last refreshed its record, so two observations a few weeks apart are equally current,
and the more reliable source is the better bet. The employer is a question of time
(people move): the newest observation wins it outright.

Employment is merged as a unit: the employer (``company_domain``, else ``company_name``)
is decided first, then every other employment or company field only takes candidates
from sources that agree with that employer (or did not name one). So a record never
pairs the new employer with the old title, old work email or old firmographics.

Sources are independent by provider: the knowledge base's imports (``kb:<file>``) count
as the one source ``kb``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cleanlist_server.domain.fields import COMPANY_FIELDS
from cleanlist_server.domain.records import FieldValue, ProviderResult
from cleanlist_server.normalize.emails import is_free_domain

EMPLOYER_FIELDS = ("company_domain", "company_name")
"""Fields that name the employer, in order of trust."""

EMPLOYMENT_FIELDS = frozenset(
    {"email", "email_status", "title", "seniority", "department", "job_start_date"}
    | set(COMPANY_FIELDS)
)
"""Fields that belong to one employment and must agree with the chosen employer."""

DEFAULT_SUPPORT_WINDOW = timedelta(days=120)
RECENCY_MARGIN = timedelta(days=60)
"""How much newer an observation must be to beat a more reliable source's (non-employer
fields)."""

ROLE_FIELDS = frozenset({"title", "headline", "seniority", "department"})
"""The role changes while the person stays (promotions, new teams): for these, support
only counts observations within ``ROLE_WINDOW`` of the newest one, and a much newer one
(``RECENCY_MARGIN``) beats a more reliable source."""
ROLE_WINDOW = timedelta(days=365)
"""Promotions come every few years: a year is about how long a seen title stays current.
(The employer's window is ``support_window``, 120 days by default: job changes are what a
vendor's stale copy most often misses.)"""

SETTLED_WINDOW = timedelta.max
"""Every other field is settled once the employer is (the rest of the employment only takes
values from sources that agree with it): an address, a name, a company's HQ or industry,
a photo or a home city seen by two sources months apart is confirmed twice, and between
equally supported values the more reliable source wins before the more recent one (a
vendor's "last seen" says when it refreshed its copy, not when the fact changed)."""

DEPENDENT_FIELDS = {"email_status": "email", "phone_type": "phone"}
"""Fields that describe another field's value: only candidates said of the chosen value
count (a verifier's verdict on an address the merge did not keep says nothing)."""

UNION_FIELDS = frozenset({"company_tech_stack"})
"""List fields where sources see different parts of one truth (a website shows its
analytics, DNS its mail and SaaS tools): the answer is the union of what they saw."""


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def source_of(fv: FieldValue) -> str:
    """The independent source behind a value (``kb:crm.csv`` -> ``kb``)."""
    return fv.source.split(":", 1)[0]


def value_key(value: object) -> object:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, list):
        return tuple(sorted(str(v).casefold() for v in value))
    return value


@dataclass(frozen=True, slots=True)
class Candidate:
    """One provider's value for one field, with the facts the merge weighed."""

    value: FieldValue
    rank: int
    """Position of the provider in this run (0 = first)."""


@dataclass(frozen=True, slots=True)
class FieldDecision:
    """How one field was decided: the winner, its support, and who lost."""

    winner: FieldValue
    sources: tuple[str, ...]
    """Independent sources that reported the winning value (within the window)."""
    contenders: int
    """Independent sources that reported any value for the field."""
    rejected: tuple[FieldValue, ...]


@dataclass(frozen=True, slots=True)
class Merged:
    decisions: dict[str, FieldDecision]

    @property
    def winners(self) -> dict[str, FieldValue]:
        return {name: d.winner for name, d in self.decisions.items()}

    @property
    def rejected(self) -> dict[str, list[FieldValue]]:
        return {name: list(d.rejected) for name, d in self.decisions.items() if d.rejected}


Reliability = Callable[[str, str], float]
"""(provider name, field) -> reliability in [0, 1] (higher wins ties)."""


def _neutral(_source: str, _field: str) -> float:
    return 0.5


def merge(
    results: Sequence[ProviderResult],
    *,
    reliability: Reliability = _neutral,
    support_window: timedelta = DEFAULT_SUPPORT_WINDOW,
    pinned: Mapping[str, FieldValue] | None = None,
    refuted: Mapping[str, AbstractSet[object]] | None = None,
) -> Merged:
    """Merge provider answers; ``pinned`` values (the identifiers the caller gave) win
    their field outright, other values for it become rejected candidates. ``refuted``
    values (field -> the ``value_key`` of values a live check disproved: an address
    whose mailbox does not exist) lose to any other candidate; with none left, the
    best of them is still the answer (its check's verdict says it is dead)."""
    matched = [r for r in results if r.matched]
    authority: dict[str, set[str]] = {}
    for r in matched:
        for name in r.first_party:
            authority.setdefault(name, set()).add(r.provider)
    candidates: dict[str, list[Candidate]] = {}
    for rank, result in enumerate(matched):
        for name, fv in result.fields.items():
            if fv.value is not None:
                candidates.setdefault(name, []).append(Candidate(fv, rank))
    decisions: dict[str, FieldDecision] = {}
    excluded: set[str] = set()
    backers: set[str] = set()
    for name in EMPLOYER_FIELDS:
        if name not in candidates:
            continue
        kept = [c for c in candidates[name] if source_of(c.value) not in excluded]
        # The employer's name comes from those who placed the person at its domain.
        kept = [c for c in kept if source_of(c.value) in backers] or kept
        if not kept:
            continue
        decision = _decide(kept, reliability, support_window, name)
        dropped = tuple(c.value for c in candidates[name] if c not in kept)
        decisions[name] = FieldDecision(
            decision.winner, decision.sources, decision.contenders, decision.rejected + dropped
        )
        # Sources that named another employer cannot tell us about this one.
        winner_key = value_key(decision.winner.value)
        excluded |= {
            source_of(fv) for fv in decision.rejected + dropped if value_key(fv.value) != winner_key
        }
        backers = {source_of(c.value) for c in kept if c.value.value == decision.winner.value}
    domain = decisions.get("company_domain")
    if domain is not None:
        employer_domain = str(domain.winner.value).casefold()
        excluded |= {
            source_of(c.value)
            for c in candidates.get("email", ())
            if _works_elsewhere(str(c.value.value), employer_domain)
        }
        excluded |= {
            r.provider
            for r in matched
            if (about := r.about.get("company_domain")) and str(about).casefold() != employer_domain
        }
    # Subjects before what is said of them: a status only speaks of its address.
    for name, cands in sorted(candidates.items(), key=lambda kv: kv[0] in DEPENDENT_FIELDS):
        if name in decisions:
            continue
        kept = cands
        if name in EMPLOYMENT_FIELDS and excluded:
            kept = [c for c in cands if source_of(c.value) not in excluded]
        disproved = (refuted or {}).get(name)
        if disproved:
            kept = [c for c in kept if value_key(c.value.value) not in disproved] or kept
        subject = DEPENDENT_FIELDS.get(name)
        if subject is not None:
            decided = decisions.get(subject)
            # The caller's own value wins its field (below), whatever the candidates.
            chosen = (pinned or {}).get(subject) or (decided.winner if decided else None)
            kept = _about(kept, matched, subject, chosen.value if chosen else None)
        if not kept:
            continue
        decision = _decide(kept, reliability, support_window, name, authority.get(name))
        dropped = tuple(c.value for c in cands if c not in kept)
        decisions[name] = FieldDecision(
            decision.winner, decision.sources, decision.contenders, decision.rejected + dropped
        )
    for name, given in (pinned or {}).items():
        others = candidates.get(name, [])
        agreeing = tuple(
            dict.fromkeys(
                source_of(c.value)
                for c in others
                if value_key(c.value.value) == value_key(given.value)
            )
        )
        rejected = tuple(
            c.value for c in others if value_key(c.value.value) != value_key(given.value)
        )
        if not agreeing:
            agreeing = (given.source,)
        decisions[name] = FieldDecision(
            given, agreeing, len({source_of(c.value) for c in others}) or 1, rejected
        )
    return Merged(decisions)


def said_of(result: ProviderResult, subject: str) -> object | None:
    """The ``value_key`` of the ``subject`` value a result speaks of (its own finding, or
    the address or number it was asked to check), None if it names none."""
    fv = result.fields.get(subject)
    value = fv.value if fv is not None else result.about.get(subject)
    return None if value is None else value_key(value)


def _about(
    cands: list[Candidate], results: Sequence[ProviderResult], subject: str, chosen: object
) -> list[Candidate]:
    """The candidates said of the ``chosen`` value of ``subject`` (an answer that named or
    checked another address or number is left out; one that named none is kept). With no
    chosen value (none found, or every one refuted) only answers naming none are kept."""
    wanted = None if chosen is None else value_key(chosen)
    return [
        c for c in cands if (said := said_of(results[c.rank], subject)) is None or said == wanted
    ]


def _works_elsewhere(email: str, employer_domain: str) -> bool:
    """A work address at another company's domain (free-mail addresses say nothing)."""
    at = email.rsplit("@", 1)[-1].casefold()
    return at != employer_domain and not is_free_domain(at)


def _union(cands: list[Candidate]) -> FieldDecision:
    items: dict[str, str] = {}
    for cand in cands:
        for item in cand.value.value:
            items.setdefault(str(item).casefold(), str(item))
    newest = max(cands, key=lambda c: (c.value.observed_at, -c.rank)).value
    sources = tuple(dict.fromkeys(source_of(c.value) for c in cands))
    best = max(c.value.confidence for c in cands)
    winner = FieldValue(sorted(items.values()), newest.source, newest.observed_at, best)
    return FieldDecision(winner, sources, len(sources), ())


def _decide(
    cands: list[Candidate],
    reliability: Reliability,
    window: timedelta,
    name: str = "",
    authority: set[str] | None = None,
) -> FieldDecision:
    if name in UNION_FIELDS and all(isinstance(c.value.value, list) for c in cands):
        return _union(cands)
    if len(cands) == 1:
        only = cands[0].value
        return FieldDecision(only, (source_of(only),), 1, ())
    newest = max(c.value.observed_at for c in cands)
    employer = name in EMPLOYER_FIELDS
    role = name in ROLE_FIELDS
    span = window if employer else ROLE_WINDOW if role else SETTLED_WINDOW
    horizon = newest - span if span < newest - _EPOCH else _EPOCH
    groups: dict[object, list[Candidate]] = {}
    for cand in cands:
        groups.setdefault(value_key(cand.value.value), []).append(cand)

    def support(key: object) -> int:
        return len({source_of(c.value) for c in groups[key] if c.value.observed_at >= horizon})

    def latest(key: object) -> float:
        return max(c.value.observed_at for c in groups[key]).timestamp()

    def rank(key: object) -> tuple[float, ...]:
        group = groups[key]
        best_rel = max(reliability(source_of(c.value), name) for c in group)
        first = min(c.rank for c in group)
        return (-support(key), -latest(key), -best_rel, first)

    # A first-party value (what the subject publishes about itself) wins its field; the
    # usual order only decides between first-party sources that disagree.
    keys = [
        k for k in groups if authority and any(source_of(c.value) in authority for c in groups[k])
    ] or list(groups)
    best_key = min(keys, key=rank)
    if not employer:
        margin = RECENCY_MARGIN.total_seconds() if role else math.inf
        top = support(best_key)
        close = [k for k in keys if support(k) == top and latest(best_key) - latest(k) <= margin]
        best_key = min(close, key=lambda k: (rank(k)[2], rank(k)[1], rank(k)[3]))
    group = groups[best_key]
    # The representative: the most recent observation of the winning value.
    winner = max(group, key=lambda c: (c.value.observed_at, -c.rank)).value
    sources = tuple(
        dict.fromkeys(source_of(c.value) for c in group if c.value.observed_at >= horizon)
    ) or (source_of(winner),)
    contenders = len({source_of(c.value) for c in cands})
    rejected = tuple(c.value for key, g in groups.items() if key != best_key for c in g)
    return FieldDecision(winner, sources, contenders, rejected)


def provenance(merged: Merged, confidences: Mapping[str, float]) -> dict[str, Any]:
    """The ``provenance`` object of ``?expand=provenance``: per field, the winner and the rest."""
    out: dict[str, Any] = {}
    for name, decision in sorted(merged.decisions.items()):
        w = decision.winner
        out[name] = {
            "value": w.value,
            "source": w.source,
            "observed_at": _iso(w),
            "confidence": confidences.get(name, w.confidence),
            "confirmed_by": list(decision.sources),
            "rejected": [
                {
                    "value": fv.value,
                    "source": fv.source,
                    "observed_at": _iso(fv),
                    "confidence": fv.confidence,
                }
                for fv in decision.rejected
            ],
        }
    return out


def _iso(fv: FieldValue) -> str:
    return fv.observed_at.isoformat(timespec="seconds").replace("+00:00", "Z")
