"""Turn raw strings under canonical names into a canonical person and company.

Used by the CSV importer (after column mapping) and by providers that hand back
loosely typed values. Pure: no I/O. A value that does not survive normalization is
dropped (and reported), never passed through; only a bad *identifier* rejects a row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cleanlist_server.normalize import companies, domains, linkedin, locations, names, phones
from cleanlist_server.normalize.emails import InvalidEmail, is_free_domain, normalize_email
from cleanlist_server.normalize.titles import parse_title

BLANKS = frozenset({"", "-", "--", "n/a", "na", "none", "null", "#n/a", "unknown", "?"})


class RowRejected(ValueError):
    """The row has no usable identity; the message says why."""


@dataclass(slots=True)
class Normalized:
    person: dict[str, Any] = field(default_factory=dict)
    company: dict[str, Any] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    @property
    def has_person(self) -> bool:
        p = self.person
        name = p.get("first_name") and p.get("last_name")
        has_company = bool(self.company.get("company_domain") or self.company.get("company_name"))
        return bool(p.get("email") or p.get("linkedin_url") or (name and has_company))

    @property
    def has_company(self) -> bool:
        return bool(self.company.get("company_domain") or self.company.get("company_name"))


def clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return None if text.lower() in BLANKS else text


def normalize_row(raw: Mapping[str, Any], *, default_region: str | None = "US") -> Normalized:
    """Normalize one record; raise ``RowRejected`` when it identifies nobody."""
    values = {key: text for key, v in raw.items() if (text := clean(v)) is not None}
    out = _normalize(values, default_region, strict=True)
    if not (out.has_person or out.has_company):
        raise RowRejected(_why_unidentified(values, out))
    return out


EMAIL_STATUSES = frozenset(
    {"valid", "invalid", "catch-all", "risky", "unknown", "disposable", "role-based"}
)


def normalize_fields(raw: Mapping[str, Any], *, default_region: str | None = "US") -> Normalized:
    """Normalize a provider's canonical-named values; never rejects, only drops.

    Lists (``company_tech_stack``) may be given as lists; ``email_status`` passes through
    when it is one of the product's statuses.
    """
    values: dict[str, str] = {}
    status = raw.get("email_status")
    for key, v in raw.items():
        if isinstance(v, list | tuple | set | frozenset):
            v = ",".join(str(item) for item in v)
        text = clean(v)
        if text is not None:
            values[key] = text
    out = _normalize(values, default_region, strict=False)
    if status in EMAIL_STATUSES and "email" in out.person:
        out.person["email_status"] = status
    return out


def _normalize(values: Mapping[str, str], region: str | None, *, strict: bool) -> Normalized:
    out = Normalized()
    _email(values, out, strict=strict)
    _names(values, out)
    _title(values, out)
    _social(values, out)
    _location(values, out)
    _company(values, out)
    _phones(values, out, region)
    return out


def _why_unidentified(values: Mapping[str, str], out: Normalized) -> str:
    if "email" in values or "linkedin_url" in values:
        return "no valid identifier: " + "; ".join(out.dropped)
    if out.person.get("last_name") or out.person.get("first_name"):
        return "a name needs a company (company name, domain or website) to identify a person"
    return "no identifier: needs an email, a LinkedIn URL, a name with a company, or a company"


def _email(values: Mapping[str, str], out: Normalized, *, strict: bool) -> None:
    for key in ("email", "personal_email"):
        if key not in values:
            continue
        try:
            email = normalize_email(values[key])
        except InvalidEmail as exc:
            if strict and key == "email" and "linkedin_url" not in values:
                raise RowRejected(f"invalid email {values[key]!r}: {exc}") from None
            out.dropped.append(f"{key}: invalid email {values[key]!r}")
            continue
        if key == "email":
            out.person["email"] = email
            out.person["email_free_provider"] = is_free_domain(email.rsplit("@", 1)[1])
        else:
            out.person["personal_email"] = email


def _names(values: Mapping[str, str], out: Normalized) -> None:
    built = names.build_name(
        values.get("first_name"), values.get("last_name"), values.get("full_name")
    )
    middle = names.normalize_name_part(values.get("middle_name")) or built.middle
    for key, value in (
        ("first_name", built.first),
        ("middle_name", middle),
        ("last_name", built.last),
        ("full_name", built.full),
    ):
        if value:
            out.person[key] = value


def _title(values: Mapping[str, str], out: Normalized) -> None:
    if "title" not in values:
        if "headline" in values:
            out.person["headline"] = values["headline"]
        return
    info = parse_title(values["title"])
    if info.title:
        out.person["title"] = info.title
    if info.seniority:
        out.person["seniority"] = info.seniority.value
    if info.department:
        out.person["department"] = info.department.value
    if "headline" in values:
        out.person["headline"] = values["headline"]


def _social(values: Mapping[str, str], out: Normalized) -> None:
    canon = (
        ("linkedin_url", linkedin.canonical_profile_url, out.person),
        ("twitter_url", linkedin.canonical_twitter_url, out.person),
        ("github_url", linkedin.canonical_github_url, out.person),
        ("company_linkedin_url", linkedin.canonical_company_url, out.company),
        ("company_twitter_url", linkedin.canonical_twitter_url, out.company),
    )
    for key, fn, target in canon:
        if key in values:
            url = fn(values[key])
            if url:
                target[key] = url
            else:
                out.dropped.append(f"{key}: not a recognised URL {values[key]!r}")
    if "photo_url" in values:
        out.person["photo_url"] = values["photo_url"]
    if "job_start_date" in values:
        month = job_month(values["job_start_date"])
        if month:
            out.person["job_start_date"] = month
        else:
            out.dropped.append(f"job_start_date: not a date {values['job_start_date']!r}")


_MONTH = re.compile(r"^(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.]\d{1,2})?(?:[T ].*)?$")


def job_month(raw: str) -> str | None:
    """A job start as ``YYYY-MM`` (month precision, what vendors know); a bare year is
    ``YYYY``. Accepts ISO dates and date-times, ``YYYY-MM``, ``YYYY/MM`` and ``YYYY``."""
    match = _MONTH.match(raw.strip())
    if match is None:
        return None
    year, month = int(match.group(1)), match.group(2)
    if not 1900 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= int(month) <= 12:
        return None
    return f"{year:04d}-{int(month):02d}"


def _location(values: Mapping[str, str], out: Normalized) -> None:
    loc = locations.parse_location(
        values.get("location"),
        city=values.get("city"),
        state=values.get("state"),
        country=values.get("country"),
    )
    for key in ("city", "state", "country", "country_code", "timezone"):
        value = getattr(loc, key)
        if value:
            out.person[key] = value
    if loc.display:
        out.person["location"] = loc.display
    hq = locations.parse_location(
        values.get("company_hq_location"),
        city=values.get("company_hq_city"),
        country=values.get("company_hq_country"),
    )
    if hq.display:
        out.company["company_hq_location"] = hq.display
    if hq.city:
        out.company["company_hq_city"] = hq.city
    if hq.country:
        out.company["company_hq_country"] = hq.country


def _company(values: Mapping[str, str], out: Normalized) -> None:
    company = out.company
    name = companies.clean_company_name(values.get("company_name"))
    if name:
        company["company_name"] = name
    domain = None
    for key in ("company_domain", "company_website"):
        if key in values and domain is None:
            domain = domains.registrable_domain(values[key])
            if domain is None:
                out.dropped.append(f"{key}: not a domain {values[key]!r}")
    if domain:
        company["company_website"] = f"https://{domain}"
    email = out.person.get("email")
    if domain is None and email and not out.person.get("email_free_provider"):
        domain = email.rsplit("@", 1)[1]
    if domain:
        company["company_domain"] = domain
    _firmographics(values, company, out)


def _firmographics(values: Mapping[str, str], company: dict[str, Any], out: Normalized) -> None:
    count = companies.employee_count(values.get("company_employee_count"))
    band = companies.size_band(values.get("company_size") or values.get("company_employee_count"))
    if count is not None:
        company["company_employee_count"] = count
    if band is not None:
        company["company_size"] = band.value
    revenue_raw = values.get("company_annual_revenue") or values.get("company_revenue")
    usd = companies.revenue_usd(revenue_raw)
    rband = companies.revenue_band(revenue_raw)
    if usd is not None:
        company["company_annual_revenue"] = usd
    if rband is not None:
        company["company_revenue"] = rband.value
    industry = companies.classify_industry(values.get("company_industry"))
    if industry is not None:
        company["company_industry"] = industry.label
        company["company_naics_code"] = industry.naics
        company["company_sic_code"] = industry.sic
    for key in ("company_description", "company_type"):
        if key in values:
            company[key] = values[key]
    year = values.get("company_founded_year")
    if year and year.isdigit() and 1600 <= int(year) <= 2100:
        company["company_founded_year"] = int(year)
    elif year:
        out.dropped.append(f"company_founded_year: not a year {year!r}")
    tech = values.get("company_tech_stack")
    if tech:
        company["company_tech_stack"] = sorted({t.strip() for t in tech.split(",") if t.strip()})


def _phones(values: Mapping[str, str], out: Normalized, region: str | None) -> None:
    region = out.person.get("country_code") or region
    for key, declared, target in (
        ("phone", "direct", out.person),
        ("mobile", "mobile", out.person),
        ("company_phone", "hq", out.company),
    ):
        if key not in values:
            continue
        phone = phones.normalize_phone(values[key], default_region=region)
        if phone is None:
            out.dropped.append(f"{key}: invalid phone number {values[key]!r}")
            continue
        target[key] = phone.e164
        if key == "phone":
            out.person["phone_type"] = phones.phone_type_for(phone, declared=declared).value
    person = out.person
    if "phone" not in person and "mobile" in person:
        person["phone"], person["phone_type"] = person["mobile"], "mobile"
