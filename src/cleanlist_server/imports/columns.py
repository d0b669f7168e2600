"""Map CSV headers of common exports onto canonical field names.

Covers the headers of HubSpot, Salesforce, LinkedIn Sales Navigator and Apollo
exports, plus the usual hand-made variants. Headers are compared after folding case
and punctuation, so ``Email Address``, ``email_address`` and ``E-mail address`` are one
header. ``--map source=target`` overrides win; a target of ``ignore`` drops a column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from cleanlist_server.domain.fields import CONTACT_FIELDS

IGNORE = "ignore"
_FOLD = re.compile(r"[^a-z0-9#]+")

# Extra targets the importer understands beyond the response fields.
RAW_TARGETS = frozenset(
    {
        "company_hq_city",
        "company_hq_country",
        "company_employee_count",
        "company_size",
    }
)
TARGETS = frozenset(CONTACT_FIELDS) | RAW_TARGETS | {IGNORE}

_ALIASES: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "email address",
        "e mail",
        "e mail address",
        "work email",
        "business email",
        "email 1",
        "primary email",
        "contact email",
    ),
    "personal_email": ("personal email", "secondary email", "personal email address"),
    "first_name": ("first name", "firstname", "first", "given name", "forename"),
    "last_name": ("last name", "lastname", "last", "surname", "family name"),
    "middle_name": ("middle name", "middle initial"),
    "full_name": ("name", "full name", "contact name", "contact", "person name", "lead name"),
    "title": (
        "title",
        "job title",
        "jobtitle",
        "position",
        "job position",
        "current title",
        "current job title",
        "role",
        "designation",
    ),
    "headline": ("headline", "linkedin headline"),
    "company_name": (
        "company",
        "company name",
        "account name",
        "account",
        "organization",
        "organization name",
        "organisation",
        "current company",
        "employer",
        "company name for emails",
        "associated company",
    ),
    "company_domain": ("company domain", "domain", "company domain name", "email domain"),
    "company_website": (
        "website",
        "company website",
        "website url",
        "web site",
        "company url",
        "url",
    ),
    "phone": (
        "phone",
        "phone number",
        "work phone",
        "direct phone",
        "direct dial",
        "business phone",
        "work direct phone",
        "office phone",
        "telephone",
        "contact phone",
    ),
    "mobile": (
        "mobile",
        "mobile phone",
        "mobile phone number",
        "mobile number",
        "cell",
        "cell phone",
        "mobilephone",
        "cell number",
    ),
    "company_phone": (
        "company phone",
        "corporate phone",
        "hq phone",
        "main phone",
        "account phone",
    ),
    "linkedin_url": (
        "linkedin",
        "linkedin url",
        "person linkedin url",
        "linkedin profile",
        "linkedin profile url",
        "profile url",
        "linkedin member url",
    ),
    "company_linkedin_url": ("company linkedin url", "company linkedin", "company linkedin page"),
    "twitter_url": ("twitter", "twitter url", "twitter handle", "x url"),
    "github_url": ("github", "github url"),
    "company_twitter_url": ("company twitter", "company twitter url"),
    "city": ("city", "mailing city", "person city", "contact city"),
    "state": (
        "state",
        "state region",
        "state province",
        "mailing state province",
        "mailing state",
        "province",
        "region",
        "person state",
    ),
    "country": ("country", "country region", "mailing country", "person country"),
    "location": ("location", "geography", "person location"),
    "company_employee_count": (
        "# employees",
        "employees",
        "number of employees",
        "employee count",
        "headcount",
        "num employees",
        "# of employees",
    ),
    "company_size": ("company size", "employee range", "size", "company headcount range"),
    "company_industry": ("industry", "company industry", "sector"),
    "company_annual_revenue": ("annual revenue", "revenue", "company revenue", "annualrevenue"),
    "company_description": ("company description", "short description", "company about"),
    "company_founded_year": ("founded year", "year founded", "founded"),
    "company_hq_city": ("company city", "hq city", "billing city"),
    "company_hq_country": ("company country", "hq country", "billing country"),
    "company_tech_stack": ("technologies", "tech stack", "company technologies"),
    "company_type": ("company type", "ownership type"),
}


def fold(header: str) -> str:
    """Case- and punctuation-insensitive form of a header ('#' is kept: '# Employees')."""
    return " ".join(_FOLD.sub(" ", header.strip().lower().lstrip("\ufeff")).split())


ALIAS_INDEX: dict[str, str] = {fold(a): target for target, names in _ALIASES.items() for a in names}


class MappingError(ValueError):
    pass


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """``["Work Email=email", "Notes=ignore"]`` -> ``{fold(source): target}``."""
    out: dict[str, str] = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        target = target.strip()
        if not sep or not source.strip() or not target:
            raise MappingError(f"mapping {pair!r} is not of the form source=target")
        if target not in TARGETS:
            raise MappingError(f"mapping {pair!r}: unknown target field {target!r}")
        out[fold(source)] = target
    return out


def map_headers(headers: list[str], overrides: Mapping[str, str] | None = None) -> list[str | None]:
    """The canonical target of each header position (None when unmapped or ignored).

    Raises ``MappingError`` when an override names a column the file does not have.
    """
    overrides = overrides or {}
    folded = [fold(h) for h in headers]
    missing = sorted(set(overrides) - set(folded))
    if missing:
        raise MappingError(f"--map names columns not in the file: {', '.join(missing)}")
    used: set[str] = set()
    targets: list[str | None] = []
    for key in folded:
        target = overrides.get(key) or ALIAS_INDEX.get(key) or _direct(key)
        if target == IGNORE or target in used:
            target = None
        if target is not None:
            used.add(target)
        targets.append(target)
    return targets


def _direct(key: str) -> str | None:
    """A header that already is a canonical name ('company_domain')."""
    name = key.replace(" ", "_")
    return name if name in TARGETS and name != IGNORE else None
