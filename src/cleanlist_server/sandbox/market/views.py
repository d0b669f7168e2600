"""What each vendor believes: coverage, accuracy, staleness and confidence over the truth.

A ``VendorProfile`` describes one vendor statistically; a ``MarketView`` applies it to a
``Population`` and answers the ``VendorView`` protocol of ``wire.py``. Every decision is a
hash of (market seed, vendor, person or company id, field group, purpose), never global
random state, so a repeated request gets the same answer and two vendors err independently.

How a view decides, for one person:

- **known**: one latent draw per person; the vendor finds them by an input kind when the
  draw is under ``coverage[kind]`` (``email``, ``linkedin``, ``name`` for a name with a
  company, ``domain`` for domain search; ``company`` for company lookups, per company).
  So a vendor that finds someone by email also finds them by LinkedIn when its LinkedIn
  coverage is higher. ``requires`` limits a vendor to people whose truth has those fields
  (Gravatar only knows people with an avatar).
- **stale**: for a job changer, with probability ``staleness`` its record predates the
  change: previous employer, old title and old (bouncing) address; ``observed_at`` then
  falls inside the old job, and asking it with the *new* address or employer misses.
- **fields**: per field group (``GROUPS``: ``title`` is title+seniority+department,
  ``location`` the six location fields ...) the vendor has the value with probability
  ``fields[group]``; company groups are drawn per company, so every record of one company
  agrees. A value is right with probability ``field_accuracy.get(group, accuracy)``, else
  a plausible wrong one: another person's title, a digit-mangled phone, another address
  pattern, a neighbouring headcount ... (names and the company identity are always right).
- **score**: the vendor's confidence, ``0.5 + score_weight * (share of right fields - 0.75)``
  plus bias and noise: correlated with correctness, imperfectly.
- **email_status**: the truth verdict (current address valid, or catch_all at a catch-all
  company; past addresses invalid; unknown mailboxes invalid; role and disposable
  addresses), right with probability ``verify_accuracy``.

``default_profiles()`` holds the 13 commercial vendors and Gravatar; the table is in
docs/sandbox-market.md.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import phonenumbers

from cleanlist_server.normalize.companies import (
    company_name_key,
    revenue_band,
    size_band,
)
from cleanlist_server.normalize.domains import registrable_domain
from cleanlist_server.normalize.emails import is_disposable_domain
from cleanlist_server.normalize.linkedin import canonical_profile_url
from cleanlist_server.normalize.names import name_key, split_full_name
from cleanlist_server.normalize.record import normalize_fields
from cleanlist_server.verification.lists import builtin_roles
from cleanlist_server.verification.patterns import fold

from .model import Population, TrueCompany, TruePerson, parse_day
from .wire import EmailVerdict, VendorCompanyRecord, VendorRecord

__all__ = [
    "DEFAULT_FAULTS",
    "FAULT_KINDS",
    "GROUPS",
    "MarketView",
    "PopulationIndex",
    "VendorProfile",
    "default_profiles",
]

GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("first_name", "middle_name", "last_name", "full_name"),
    "email": ("email", "email_status", "email_free_provider"),
    "personal_email": ("personal_email",),
    "title": ("title", "seniority", "department"),
    "headline": ("headline",),
    "job_start_date": ("job_start_date",),
    "linkedin_url": ("linkedin_url",),
    "twitter_url": ("twitter_url",),
    "github_url": ("github_url",),
    "photo_url": ("photo_url",),
    "phone": ("phone", "phone_type"),
    "mobile": ("mobile",),
    "location": ("location", "city", "state", "country", "country_code", "timezone"),
    "company_name": ("company_name", "company_domain", "company_website"),
    "company_industry": ("company_industry", "company_naics_code", "company_sic_code"),
    "company_size": ("company_size", "company_employee_count"),
    "company_revenue": ("company_revenue", "company_annual_revenue"),
    "company_linkedin_url": ("company_linkedin_url",),
    "company_twitter_url": ("company_twitter_url",),
    "company_phone": ("company_phone",),
    "company_description": ("company_description",),
    "company_founded_year": ("company_founded_year",),
    "company_hq_location": ("company_hq_location", "company_hq_city", "company_hq_country"),
    "company_tech_stack": ("company_tech_stack",),
    "company_type": ("company_type",),
}
PERSON_GROUPS = tuple(g for g in GROUPS if not g.startswith("company_"))
COMPANY_GROUPS = tuple(g for g in GROUPS if g.startswith("company_"))
ALWAYS_RIGHT = frozenset({"name", "company_name"})  # identities the vendor matched on
FAULT_KINDS = ("server", "rate_limited", "html", "empty", "truncated", "text_plain", "hang")
DEFAULT_FAULTS: Mapping[str, float] = MappingProxyType(
    {"server": 0.35, "rate_limited": 0.25, "html": 0.1, "empty": 0.08, "truncated": 0.08}
    | {"text_plain": 0.1, "hang": 0.04}
)
_VERDICT_TO_STATUS = {"catch_all": "catch-all", "role": "role-based"}
_PATTERNS = ("{first}.{last}", "{f}{last}", "{first}", "{first}{last}", "{first}{l}")
_COMPANY_TYPES = ("Private", "Public", "Nonprofit", "Partnership")


@dataclass(frozen=True)
class VendorProfile:
    """One vendor's statistics (see the module docstring for how each is applied)."""

    name: str
    coverage: Mapping[str, float] = field(default_factory=dict)
    """Input kind (``email``, ``linkedin``, ``name``, ``domain``, ``company``) -> P(known)."""
    fields: Mapping[str, float] = field(default_factory=dict)
    """Field group of ``GROUPS`` -> P(the vendor has it | it knows the person)."""
    accuracy: float = 0.9
    field_accuracy: Mapping[str, float] = field(default_factory=dict)
    staleness: float = 0.3
    age_days: float = 120.0
    """Mean age of ``observed_at`` (exponential), capped at ``max_age_days``."""
    max_age_days: float = 720.0
    verify_accuracy: float = 0.85
    score_weight: float = 1.0
    score_noise: float = 0.15
    score_bias: float = 0.0
    latency: float = 0.3
    """Mean seconds per request (uniform within +-``latency_jitter``)."""
    latency_jitter: float = 0.1
    failure_rate: float = 0.02
    faults: Mapping[str, float] = field(default_factory=lambda: DEFAULT_FAULTS)
    """Fault kind (``FAULT_KINDS``) -> weight among failures."""
    cost_per_call: float = 0.0
    cost_per_hit: float = 1.0
    unit: str = "credit"
    requires_key: bool = True
    requires: tuple[str, ...] = ()
    note: str = ""


def _fields(base: float, **groups: float) -> dict[str, float]:
    """``name`` and ``company_name`` always; every group named; ``base`` for no others."""
    out = {g: base for g in GROUPS} if base else {}
    return out | {"name": 1.0, "company_name": 1.0} | groups


def default_profiles() -> dict[str, VendorProfile]:
    """The market's vendors (13 commercial ones and Gravatar), by provider name."""
    p = VendorProfile
    profiles = [
        p("apollo", {"email": .8, "linkedin": .85, "name": .75, "domain": .6, "company": .92},
          _fields(.85, title=.95, linkedin_url=.92, location=.9, personal_email=.1,
                  headline=.6, job_start_date=.7, twitter_url=.3,
                  github_url=.15, photo_url=.6, phone=.35, mobile=.12, company_revenue=.6,
                  company_tech_stack=.6, company_type=.3, company_twitter_url=.6),
          accuracy=.85, staleness=.4, age_days=150, verify_accuracy=.85, score_noise=.2,
          latency=.35, latency_jitter=.15, failure_rate=.03, cost_per_hit=1,
          note="broad coverage, medium accuracy, some staleness"),
        p("pdl", {"email": .7, "linkedin": .93, "name": .72, "domain": .5, "company": .95},
          _fields(.9, title=.95, linkedin_url=.97, location=.95, job_start_date=.85, email=.7,
                  personal_email=.4, headline=.8, twitter_url=.35, github_url=.5,
                  photo_url=0, phone=.06, mobile=.1, company_revenue=.5, company_tech_stack=.3),
          accuracy=.9, staleness=.35, age_days=100, verify_accuracy=.8, latency=.25,
          latency_jitter=.1, failure_rate=.02, cost_per_hit=1,
          note="strong on LinkedIn and company data; phones rare; 404 is free"),
        p("hunter", {"email": .55, "linkedin": .35, "name": .68, "domain": .75, "company": .85},
          _fields(0, email=.97, title=.6, linkedin_url=.55, twitter_url=.25, location=.3,
                  company_industry=.7, company_size=.8, company_revenue=.3,
                  company_linkedin_url=.6, company_twitter_url=.5, company_description=.6,
                  company_founded_year=.5, company_hq_location=.7, company_tech_stack=.5,
                  company_type=.4),
          accuracy=.88, staleness=.25, verify_accuracy=.9, latency=.3, failure_rate=.02,
          cost_per_hit=1, note="emails and domain search, no phones"),
        p("zerobounce", {"name": .3}, _fields(0, email=1.0), accuracy=.8, staleness=.5,
          verify_accuracy=.96, latency=.6, latency_jitter=.3, failure_rate=.02,
          cost_per_call=1, cost_per_hit=0,
          note="verification (one credit per check); guessformat finds few"),
        p("neverbounce", {}, {}, verify_accuracy=.95, latency=.45, latency_jitter=.2,
          failure_rate=.02, cost_per_call=1, cost_per_hit=0, note="verification only"),
        p("prospeo", {"email": .6, "linkedin": .78, "name": .66, "company": .7},
          _fields(0, email=.9, title=.88, linkedin_url=.85, mobile=.3, location=.8,
                  job_start_date=.5, company_industry=.8, company_size=.8,
                  company_linkedin_url=.8, company_hq_location=.7, company_description=.5,
                  company_founded_year=.6),
          accuracy=.88, staleness=.22, verify_accuracy=.9, latency=.5, latency_jitter=.2,
          failure_rate=.03, cost_per_hit=1, note="emails, some mobiles"),
        p("findymail", {"email": .5, "linkedin": .72, "name": .72},
          _fields(0, email=.93, title=.7, linkedin_url=.7, phone=.15, location=.4),
          accuracy=.92, staleness=.15, verify_accuracy=.93, latency=.8, latency_jitter=.4,
          failure_rate=.04, cost_per_hit=1, note="verified emails; slow"),
        p("dropcontact", {"email": .62, "linkedin": .45, "name": .72, "company": .6},
          _fields(0, email=.9, title=.7, linkedin_url=.75, phone=.12, location=.5,
                  company_industry=.7, company_size=.6, company_linkedin_url=.6,
                  company_hq_location=.6, company_phone=.4),
          accuracy=.9, staleness=.2, verify_accuracy=.9, latency=1.2, latency_jitter=.5,
          failure_rate=.03, cost_per_hit=1, note="asynchronous batches; EU-strong"),
        p("lusha", {"email": .6, "linkedin": .8, "name": .66, "company": .75},
          _fields(0, email=.72, title=.85, linkedin_url=.9, phone=.6, mobile=.55,
                  location=.85, job_start_date=.4, company_industry=.8, company_size=.85,
                  company_revenue=.6, company_linkedin_url=.7, company_hq_location=.8,
                  company_description=.5, company_founded_year=.5, company_tech_stack=.3),
          accuracy=.82, staleness=.35, verify_accuracy=.8, latency=.4, latency_jitter=.2,
          failure_rate=.03, cost_per_hit=1, note="phones and mobiles"),
        p("rocketreach", {"email": .66, "linkedin": .82, "name": .7, "domain": .5, "company": .8},
          _fields(0, email=.82, personal_email=.42, title=.9, linkedin_url=.95,
                  twitter_url=.35, github_url=.2, photo_url=.5, phone=.4, mobile=.32,
                  location=.9, job_start_date=.5, company_industry=.85, company_size=.85,
                  company_revenue=.5, company_linkedin_url=.8, company_phone=.6,
                  company_hq_location=.85, company_description=.5, company_founded_year=.6,
                  company_tech_stack=.4),
          accuracy=.84, staleness=.45, age_days=220, verify_accuracy=.8, latency=.9,
          latency_jitter=.5, failure_rate=.04, cost_per_hit=1,
          note="wide but often stale"),
        p("contactout", {"email": .55, "linkedin": .88, "name": .42},
          _fields(0, email=.8, personal_email=.55, title=.85, headline=.8, linkedin_url=.95,
                  github_url=.35, twitter_url=.2, phone=.45, mobile=.5, location=.8,
                  company_industry=.6, company_size=.6, company_linkedin_url=.7,
                  company_hq_location=.6),
          accuracy=.86, staleness=.3, verify_accuracy=.8, latency=.6, latency_jitter=.3,
          failure_rate=.03, cost_per_hit=1, note="LinkedIn-first; personal emails, phones"),
        p("snov", {"email": .52, "linkedin": .6, "name": .62, "domain": .65, "company": .7},
          _fields(0, email=.85, title=.75, linkedin_url=.75, location=.6, phone=.05,
                  job_start_date=.3, company_industry=.7, company_size=.7,
                  company_linkedin_url=.6, company_hq_location=.6, company_founded_year=.4),
          accuracy=.8, staleness=.5, age_days=240, verify_accuracy=.82, latency=.5,
          latency_jitter=.25, failure_rate=.05, cost_per_hit=1, note="cheap, staler"),
        p("leadmagic", {"email": .55, "linkedin": .8, "name": .72, "company": .75},
          _fields(0, email=.9, title=.85, headline=.7, linkedin_url=.85, mobile=.25,
                  location=.8, company_industry=.8, company_size=.8, company_linkedin_url=.8,
                  company_twitter_url=.5, company_hq_location=.7, company_founded_year=.6,
                  company_type=.6, company_description=.4),
          accuracy=.87, staleness=.2, verify_accuracy=.88, latency=.4, latency_jitter=.2,
          failure_rate=.03, cost_per_hit=1, note="emails and mobiles; misses free"),
        p("gravatar", {"email": 1.0},
          {"name": .9, "photo_url": 1.0, "location": .6, "title": .45, "company_name": .45,
           "headline": .3},
          accuracy=.97, field_accuracy={"title": .8, "photo_url": 1.0}, staleness=0.0,
          age_days=400, max_age_days=2000, verify_accuracy=.5, latency=.12, latency_jitter=.05,
          failure_rate=.01, cost_per_hit=0, unit="request", requires_key=False,
          requires=("photo_url",), note="free; only people with an avatar; key optional"),
    ]  # fmt: skip
    return {profile.name: profile for profile in profiles}


# -- the index -------------------------------------------------------------------------------


class PopulationIndex:
    """Lookup tables over a population, built once and shared by every vendor's view."""

    def __init__(self, population: Population) -> None:
        self.population = population
        self.today = population.today or date.today()
        self.person_ids = sorted(population.people)
        self.company_ids = sorted(population.companies)
        self.by_email: dict[str, tuple[str, str]] = {}  # address -> (person id, kind)
        self.by_linkedin: dict[str, str] = {}
        self.by_name: dict[tuple[str, str], list[str]] = {}  # (name key, company id)
        self.by_domain: dict[str, str] = {}
        self.by_company_name: dict[str, list[str]] = {}
        self.staff: dict[str, list[str]] = {}  # company id -> current and former people
        for company in population.companies.values():
            self.by_domain[company.domain] = company.id
            self.by_company_name.setdefault(company_name_key(company.name), []).append(company.id)
        for pid in self.person_ids:
            self._add(population.people[pid])

    def _add(self, person: TruePerson) -> None:
        key = name_key(person.fields.get("first_name"), person.fields.get("last_name"))
        for job in (person.job, *person.history[:1]):
            self.by_name.setdefault((key, job.company_id), []).append(person.id)
            self.staff.setdefault(job.company_id, []).append(person.id)
            if job.email:
                kind = "current" if job.end is None else "past"
                self.by_email.setdefault(job.email, (person.id, kind))
        personal = person.fields.get("personal_email")
        if personal:
            self.by_email.setdefault(str(personal), (person.id, "personal"))
        if person.fields.get("linkedin_url"):
            self.by_linkedin[str(person.fields["linkedin_url"])] = person.id

    def company_for(self, domain: str | None, name: str | None) -> list[str]:
        if domain:
            found = self.by_domain.get(registrable_domain(domain.strip().lower()) or "")
            if found:
                return [found]
        if name:
            return self.by_company_name.get(company_name_key(name), [])
        return []

    def truth_verdict(self, email: str) -> EmailVerdict:
        """What a perfect verifier says about an address in this market."""
        address = email.strip().lower().removeprefix("mailto:")
        local, at, domain = address.rpartition("@")
        if not at or not local or "." not in domain:
            return "invalid"
        if is_disposable_domain(domain):
            return "disposable"
        hit = self.by_email.get(address)
        company_id = self.by_domain.get(domain)
        company = self.population.companies.get(company_id or "")
        accepted = hit is not None and hit[1] != "past"
        if company is not None and company.catch_all:
            return "role" if local in builtin_roles() else "catch_all"
        if not accepted:
            return "invalid"
        return "role" if local in builtin_roles() else "valid"


# -- the view --------------------------------------------------------------------------------


class MarketView:
    """A ``VendorView``: what one vendor believes, deterministic for (seed, vendor)."""

    def __init__(
        self,
        population: Population,
        profile: VendorProfile,
        *,
        seed: int = 7,
        index: PopulationIndex | None = None,
    ) -> None:
        self.name = profile.name
        self.profile = profile
        self.population = population
        self.seed = seed
        self.index = index or PopulationIndex(population)
        self._prefix = f"{seed}\x1f{profile.name}\x1f"
        self._records: dict[str, VendorRecord | None] = {}
        self._companies: dict[str, dict[str, Any]] = {}

    # -- determinism -------------------------------------------------------------------------

    def draw(self, *parts: str) -> float:
        """A uniform number in [0, 1) from (seed, vendor, parts): the only randomness."""
        digest = hashlib.blake2b(
            (self._prefix + "\x1f".join(parts)).encode(), digest_size=8
        ).digest()
        return int.from_bytes(digest, "big") / 2.0**64

    def _pick(self, items: Sequence[str], *parts: str) -> str:
        return items[int(self.draw(*parts) * len(items))]

    # -- the protocol ------------------------------------------------------------------------

    def person(
        self,
        *,
        email: str | None = None,
        linkedin_url: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        full_name: str | None = None,
        company_domain: str | None = None,
        company_name: str | None = None,
    ) -> VendorRecord | None:
        if email:
            found = self._by_email(email)
            if found:
                return found
        if linkedin_url:
            found = self._by_linkedin(linkedin_url)
            if found:
                return found
        if (first_name and last_name) or full_name:
            if full_name and not (first_name and last_name):
                parts = split_full_name(full_name)
                first_name, last_name = parts.first, parts.last
            return self._by_name(first_name, last_name, company_domain, company_name)
        return None

    def company(
        self, *, domain: str | None = None, name: str | None = None
    ) -> VendorCompanyRecord | None:
        for company_id in self.index.company_for(domain, name):
            if self.draw(company_id, "known") < self.profile.coverage.get("company", 0.0):
                fields = self._company_fields(company_id)
                seen = self._observed(self.draw(company_id, "age"), None)
                return VendorCompanyRecord(company_id, MappingProxyType(fields), seen)
        return None

    def people_at(self, domain: str, *, limit: int = 10) -> list[VendorRecord]:
        found = self.index.company_for(domain, None)
        if not found:
            return []
        rate = self.profile.coverage.get("domain", 0.0)
        out = []
        for pid in self.index.staff.get(found[0], []):
            if self._known(pid, rate) and self._believed_company(pid) == found[0]:
                record = self.record(pid)
                if record is not None:
                    out.append(record)
        out.sort(key=lambda r: (-r.score, r.person_id))
        return out[: max(0, limit)]

    def email_status(self, email: str) -> EmailVerdict:
        truth = self.index.truth_verdict(email)
        address = email.strip().lower()
        if self.draw(address, "verify") < self.profile.verify_accuracy:
            return truth
        wrong: dict[str, tuple[EmailVerdict, ...]] = {
            "valid": ("unknown", "unknown", "catch_all", "invalid"),
            "invalid": ("unknown", "valid"),
            "catch_all": ("valid", "valid", "unknown"),
            "role": ("valid",),
            "disposable": ("invalid", "valid"),
        }
        options = wrong.get(truth, ("unknown",))
        return options[int(self.draw(address, "verify-wrong") * len(options))]

    # -- matching ----------------------------------------------------------------------------

    def _known(self, pid: str, rate: float) -> bool:
        person = self.population.people[pid]
        if any(not person.fields.get(f) for f in self.profile.requires):
            return False
        return self.draw(pid, "known") < rate

    def _stale(self, pid: str) -> bool:
        person = self.population.people[pid]
        return bool(person.history) and self.draw(pid, "stale") < self.profile.staleness

    def _believed_company(self, pid: str) -> str:
        person = self.population.people[pid]
        return person.history[0].company_id if self._stale(pid) else person.company_id

    def _by_email(self, email: str) -> VendorRecord | None:
        hit = self.index.by_email.get(email.strip().lower().removeprefix("mailto:"))
        if hit is None:
            return None
        pid, kind = hit
        if kind == "current" and self._stale(pid):
            return None  # its record still has the old address
        return self.record(pid) if self._known(pid, self.profile.coverage.get("email", 0)) else None

    def _by_linkedin(self, url: str) -> VendorRecord | None:
        pid = self.index.by_linkedin.get(canonical_profile_url(url) or "")
        if pid is None or not self._known(pid, self.profile.coverage.get("linkedin", 0.0)):
            return None
        return self.record(pid)

    def _by_name(
        self, first: str | None, last: str | None, domain: str | None, company: str | None
    ) -> VendorRecord | None:
        key = name_key(first, last)
        for company_id in self.index.company_for(domain, company):
            for pid in self.index.by_name.get((key, company_id), []):
                if self._believed_company(pid) != company_id:
                    continue
                if self._known(pid, self.profile.coverage.get("name", 0.0)):
                    return self.record(pid)
        return None

    # -- records -----------------------------------------------------------------------------

    def record(self, pid: str) -> VendorRecord | None:
        """What this vendor holds on a person (None when it holds no field of them)."""
        if pid not in self._records:
            self._records[pid] = self._build(pid)
        return self._records[pid]

    def _build(self, pid: str) -> VendorRecord | None:
        person = self.population.people[pid]
        stale = self._stale(pid)
        believed = _as_of(self.population, person, stale)
        truth = self.population.contact(person)
        fields: dict[str, Any] = {}
        for group in PERSON_GROUPS:
            names = [f for f in GROUPS[group] if f in believed]
            if not names or self.draw(pid, group, "has") >= self.profile.fields.get(group, 0.0):
                continue
            values = {f: believed[f] for f in names}
            if group not in ALWAYS_RIGHT and not self._right(group, pid):
                values = self._wrong_person(group, pid, values, believed)
            fields.update(values)
        if not fields:
            return None
        company_id = person.history[0].company_id if stale else person.company_id
        fields.update(self._company_fields(company_id))
        if "email" in fields:
            verdict = self.email_status(str(fields["email"]))
            fields["email_status"] = _VERDICT_TO_STATUS.get(verdict, verdict)
        seen = self._observed(self.draw(pid, "age"), person, stale=stale)
        return VendorRecord(pid, MappingProxyType(fields), seen, self._score(pid, fields, truth))

    def _right(self, group: str, key: str) -> bool:
        rate = self.profile.field_accuracy.get(group, self.profile.accuracy)
        return self.draw(key, group, "right") < rate

    def _company_fields(self, company_id: str) -> dict[str, Any]:
        if company_id not in self._companies:
            company = self.population.companies[company_id]
            out: dict[str, Any] = {}
            for group in COMPANY_GROUPS:
                names = [f for f in GROUPS[group] if f in company.fields]
                rate = self.profile.fields.get(group, 0.0)
                if not names or self.draw(company_id, group, "has") >= rate:
                    continue
                values = {f: company.fields[f] for f in names}
                if group not in ALWAYS_RIGHT and not self._right(group, company_id):
                    values = self._wrong_company(group, company, values)
                out.update(values)
            self._companies[company_id] = out
        return dict(self._companies[company_id])

    def _observed(self, u: float, person: TruePerson | None, *, stale: bool = False) -> datetime:
        today = self.index.today
        if person is not None and stale:
            old = person.history[0]
            span = max(1, ((old.end or today) - old.start).days)
            day = old.start + timedelta(days=int(span * (0.3 + 0.7 * u)))
        else:
            age = min(self.profile.max_age_days, -self.profile.age_days * _log1m(u))
            day = today - timedelta(days=int(age))
            if person is not None and person.history:
                day = min(today, max(day, person.job.start))
        return datetime.combine(day, time(hour=int(u * 10_000) % 24), tzinfo=UTC)

    def _score(self, pid: str, fields: Mapping[str, Any], truth: Mapping[str, Any]) -> float:
        checked = [f for f in fields if f not in ("email_status", "email_free_provider")]
        right = sum(1 for f in checked if fields[f] == truth.get(f)) / max(1, len(checked))
        p = self.profile
        noise = p.score_noise * (2 * self.draw(pid, "score") - 1)
        return round(
            min(0.99, max(0.05, 0.5 + p.score_weight * (right - 0.75) + p.score_bias + noise)), 3
        )

    # -- plausible errors --------------------------------------------------------------------

    def _other_person(self, pid: str, group: str, attempt: int) -> TruePerson:
        other = self._pick(self.index.person_ids, pid, group, "other", str(attempt))
        return self.population.people[other]

    def _wrong_person(
        self, group: str, pid: str, values: dict[str, Any], believed: Mapping[str, Any]
    ) -> dict[str, Any]:
        if group == "email":
            return {**values, "email": self._wrong_email(pid, believed, str(values["email"]))}
        if group == "personal_email":
            local, _, domain = str(values["personal_email"]).partition("@")
            return {"personal_email": f"{local}{int(self.draw(pid, 'pe') * 90) + 10}@{domain}"}
        if group in ("phone", "mobile"):
            return {**values, group: self._mangle(str(values[group]), pid)}
        if group == "job_start_date":
            start = parse_day(str(values["job_start_date"]))
            months = 3 + int(self.draw(pid, "start") * 22)
            shifted = job_start(_shift_months(start, -months))
            return {"job_start_date": shifted} if shifted else values
        if group in ("linkedin_url", "github_url", "twitter_url"):
            limit = 15 if group == "twitter_url" else 30
            base, _, handle = str(values[group]).rpartition("/")
            suffix = f"{int(self.draw(pid, group, 'suffix') * 900) + 100}"
            return {group: f"{base}/{handle[: limit - 3]}{suffix}"}
        for attempt in range(12):  # another person's value
            other = self._other_person(pid, group, attempt)
            theirs = {f: other.fields.get(f) for f in values}
            if group == "headline" and other.fields.get("title"):
                company = believed.get("company_name") or ""
                theirs = {"headline": f"{other.fields['title']} at {company}".strip()}
            if all(theirs.values()) and theirs != values:
                return theirs
        return values

    def _wrong_email(self, pid: str, believed: Mapping[str, Any], email: str) -> str:
        domain = email.rpartition("@")[2]
        f = fold(str(believed.get("first_name", ""))) or "x"
        last = fold(str(believed.get("last_name", ""))) or "x"
        options = [p.format(first=f, last=last, f=f[0], l=last[0]) for p in _PATTERNS]
        options = [f"{o}@{domain}" for o in options if f"{o}@{domain}" != email]
        return self._pick(options, pid, "email-wrong")

    def _mangle(self, e164: str, key: str) -> str:
        """The same number with its last digits changed, still a valid number."""
        for attempt in range(20):
            tail = int(self.draw(key, e164, str(attempt)) * 100)
            candidate = f"{e164[:-2]}{tail:02d}"
            if candidate != e164 and _valid(candidate):
                return candidate
        return e164[:-3] + str((int(e164[-3]) + 1) % 10) + e164[-2:]

    def _wrong_company(
        self, group: str, company: TrueCompany, values: dict[str, Any]
    ) -> dict[str, Any]:
        key = company.id
        u = self.draw(key, group, "how")
        if group == "company_size" and "company_employee_count" in values:
            count = max(1, round(int(values["company_employee_count"]) * (0.3 + 2.7 * u)))
            size = size_band(count)
            return {"company_employee_count": count, "company_size": size.value if size else None}
        if group == "company_revenue" and "company_annual_revenue" in values:
            amount = max(1000, round(int(values["company_annual_revenue"]) * (0.3 + 2.7 * u), -3))
            rband = revenue_band(amount)
            return {
                "company_annual_revenue": amount,
                "company_revenue": rband.value if rband else None,
            }
        if group == "company_founded_year":
            delta = 1 + int(u * 6)
            return {group: int(values[group]) + (delta if u < 0.5 else -delta)}
        if group == "company_phone":
            return {group: self._mangle(str(values[group]), key)}
        if group in ("company_linkedin_url", "company_twitter_url"):
            limit = 13 if group == "company_twitter_url" else 60
            return {group: _suffixed(str(values[group]), limit)}
        if group == "company_type":
            options = [t for t in _COMPANY_TYPES if t != values[group]]
            return {group: options[int(u * len(options))]}
        if group == "company_tech_stack":
            stack = list(values[group])
            donor = self.population.companies[self._pick(self.index.company_ids, key, "tech")]
            extra = [t for t in donor.fields.get(group, []) if t not in stack][:1]
            kept = stack[: max(1, len(stack) // 2)]
            wrong = sorted({*kept, *extra})
            return {group: wrong if wrong != sorted(stack) else sorted({*stack, "jQuery"})}
        for attempt in range(12):  # another company's value (industry, HQ, description)
            other_id = self._pick(self.index.company_ids, key, group, str(attempt))
            other = self.population.companies[other_id].fields
            theirs = {f: other.get(f) for f in values}
            if all(v is not None for v in theirs.values()) and theirs != values:
                return theirs
        return values


def _suffixed(url: str, limit: int) -> str:
    base, _, handle = url.rpartition("/")
    return f"{base}/{handle[:limit]}hq"


def _as_of(population: Population, person: TruePerson, stale: bool) -> dict[str, Any]:
    """The person's fields as the vendor last saw them (before the change when stale)."""
    fields = dict(person.fields)
    if not stale:
        return fields
    old = person.history[0]
    old_company = population.companies[old.company_id]
    for name in ("title", "seniority", "department", "email", "job_start_date"):
        fields.pop(name, None)
    old_values = {
        "title": old.title,
        "job_start_date": job_start(old.start),
        "seniority": old.seniority,
        "department": old.department,
        "email": old.email,
    }
    fields.update({k: v for k, v in old_values.items() if v})
    if "headline" in fields:
        fields["headline"] = f"{old.title} at {old_company.name}"
    return fields


@lru_cache(maxsize=4096)
def job_start(day: date) -> str | None:
    """A start date in the product's normalized form (whatever precision it keeps)."""
    value = normalize_fields({"job_start_date": day.isoformat()}).person.get("job_start_date")
    return str(value) if value else None


def _valid(e164: str) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(e164)))
    except phonenumbers.NumberParseException:
        return False


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _log1m(u: float) -> float:
    return math.log(max(1e-12, 1.0 - u))
