"""Generate the seeded ground truth of the market: companies, people and job histories.

``generate(seed, companies=..., people=..., today=...)`` is deterministic for a seed (one
``random.Random(seed)`` and Faker instances seeded per instance; no global random state).
Every value is run through the product's own normalizer (``normalize_fields``), so the
truth is in exactly the form a perfect enrichment returns and compares by equality.

- Companies: a name, a unique ``<slug>.test`` domain, an industry of the product's taxonomy
  (with NAICS/SIC), headcount and revenue with their bands, an HQ (mostly US, some GB, DE,
  FR, CA ...), a valid E.164 switchboard, LinkedIn/X pages, description, founding year,
  type, tech stack, mail provider (``google``/``microsoft``/``zoho``/``self``; catch-all
  servers are self-hosted, about 10 % of companies) and an address pattern.
- People: a name in the company's locale, a title drawn over seniorities and departments
  (one of each C-level title per company), a unique work address by the company pattern,
  sometimes a personal address, a direct dial and a mobile, a location near the HQ, social
  profiles, a Gravatar for some, and a job start. About 12 % changed jobs in the last 18
  months: ``history[0]`` is the previous job (another company, old title, old address that
  now bounces).
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import phonenumbers
from faker import Faker
from phonenumbers import PhoneNumberType

from cleanlist_server.normalize.record import normalize_fields
from cleanlist_server.normalize.titles import parse_title
from cleanlist_server.verification.lists import builtin_roles
from cleanlist_server.verification.patterns import fold

from .model import Job, Population, TrueCompany, TruePerson

__all__ = ["FeaturedCompany", "FeaturedPerson", "generate"]

# -- tables ----------------------------------------------------------------------------------

COUNTRIES: dict[str, tuple[float, str]] = {  # HQ country -> (share, Faker locale)
    "US": (0.62, "en_US"), "GB": (0.10, "en_GB"), "DE": (0.07, "de_DE"),
    "CA": (0.06, "en_CA"), "FR": (0.05, "fr_FR"), "NL": (0.03, "nl_NL"),
    "AU": (0.03, "en_AU"), "IE": (0.02, "en_IE"), "ES": (0.02, "es_ES"),
}  # fmt: skip
US_AREA_CODES = {
    "CA": ("415", "650", "408", "510", "213", "310", "619", "949"), "NY": ("212", "646", "718"),
    "TX": ("512", "214", "713", "210", "817", "972"), "MA": ("617", "781"), "IL": ("312", "773"),
    "WA": ("206", "425"), "GA": ("404", "678"), "CO": ("303", "720"), "FL": ("305", "407", "813"),
    "ON": ("416", "647", "613", "905"), "QC": ("514", "418"), "BC": ("604", "778"),
    "AB": ("403", "780"), "PA": ("215", "412"), "NC": ("919", "704"), "NJ": ("201", "973"),
}  # fmt: skip
INDUSTRY_WEIGHTS = {
    "SaaS": 8,
    "Software": 5,
    "IT Services": 4,
    "Internet": 3,
    "Cybersecurity": 2,
    "Financial Services": 3,
    "Marketing & Advertising": 3,
    "Management Consulting": 3,
    "Hospitals & Health Care": 2,
    "Manufacturing": 3,
    "E-commerce": 2,
    "Retail": 2,
    "Staffing & Recruiting": 2,
    "Real Estate": 2,
    "Biotechnology": 2,
    "Construction": 2,
}  # fmt: skip; every other label of the taxonomy weighs 1
NAME_WORDS = {
    "SaaS": ("Software", "Cloud", "Labs", "AI", "Analytics", "HQ"),
    "Software": ("Software", "Systems", "Labs", "Technologies"),
    "IT Services": ("IT", "Systems", "Technologies", "Networks"),
    "Cybersecurity": ("Security", "Shield", "Defense"),
    "Financial Services": ("Capital", "Financial", "Partners"),
    "Banking": ("Bank", "Savings"), "Insurance": ("Insurance", "Assurance"),
    "Marketing & Advertising": ("Media", "Creative", "Agency"),
    "Hospitals & Health Care": ("Health", "Care", "Medical"),
    "Biotechnology": ("Bio", "Therapeutics", "Genomics"), "Real Estate": ("Properties", "Realty"),
    "Manufacturing": ("Industries", "Manufacturing", "Works"), "Construction": ("Builders",),
    "Transportation & Logistics": ("Logistics", "Freight"), "Management Consulting": ("Advisory",),
    "Staffing & Recruiting": ("Talent", "Staffing"), "Legal Services": ("Legal", "Law"),
}  # fmt: skip
BRAND_HEADS = (
    "North", "Blue", "Bright", "Clear", "Silver", "Red", "Green", "Iron", "Stone", "Swift",
    "True", "Open", "High", "Deep", "Bold", "Lumen", "Nova", "Astra", "Vertex", "Summit",
    "Harbor", "Cedar", "Maple", "Pine", "River", "Falcon", "Orbit", "Pixel", "Signal", "Atlas",
    "Copper", "Golden", "Crystal", "Polar", "Solar", "Lunar", "Coral", "Amber", "Indigo", "Vivid",
)  # fmt: skip
BRAND_TAILS = (
    "wind", "field", "stone", "bridge", "point", "wave", "peak", "path", "line", "gate",
    "works", "forge", "light", "spark", "loop", "stack", "leaf", "bay", "ridge", "hub", "mark",
    "scale", "grid", "well", "craft", "shift", "sense", "flow", "beam", "port",
)  # fmt: skip
# Raw title -> weight; parse_title gives the canonical title, seniority and department.
TITLES: dict[str, int] = {
    "CEO": 3, "Founder & CEO": 1, "Owner": 1, "CTO": 2, "CFO": 2, "COO": 1, "CMO": 1,
    "Chief Revenue Officer": 1, "President": 1, "General Counsel": 1, "Chief People Officer": 1,
    "VP Sales": 4, "Vice President of Marketing": 3, "VP of Engineering": 3, "VP Finance": 1,
    "VP of Customer Success": 1, "SVP Sales": 1, "Head of Sales": 3, "Head of Marketing": 3,
    "Head of People": 2, "Head of Data": 1, "Director of Sales": 4, "Marketing Director": 3,
    "Director of Engineering": 3, "Director of Product": 2, "Director of Finance": 2,
    "Director of Operations": 2, "Sales Manager": 5, "Marketing Manager": 5,
    "Engineering Manager": 4, "IT Manager": 2, "Operations Manager": 3, "HR Manager": 2,
    "Office Manager": 2, "Procurement Manager": 1, "Content Marketing Manager": 2,
    "Product Marketing Manager": 2, "Account Executive": 10, "Senior Account Executive": 5,
    "Sales Development Representative": 8, "Business Development Representative": 5,
    "Account Manager": 6, "Solutions Engineer": 3, "Growth Marketer": 3,
    "Software Engineer": 12, "Senior Software Engineer": 9, "Staff Engineer": 2,
    "Backend Developer": 3, "Frontend Engineer": 3, "DevOps Engineer": 3, "QA Engineer": 2,
    "Data Scientist": 3, "Data Engineer": 3, "Data Analyst": 3, "Product Manager": 5,
    "Senior Product Manager": 2, "Product Designer": 3, "UX Designer": 2,
    "Graphic Designer": 1, "Systems Administrator": 2, "IT Support Specialist": 2,
    "Financial Analyst": 3, "Controller": 1, "Accountant": 3, "Recruiter": 3,
    "Talent Acquisition Specialist": 2, "Legal Counsel": 1, "Paralegal": 1,
    "Customer Success Manager": 5, "Customer Support Representative": 4, "Business Analyst": 3,
    "Project Manager": 3, "Research Scientist": 1, "Marketing Intern": 1, "Junior Developer": 2,
    "Sales Associate": 2,
}  # fmt: skip
UNIQUE_SENIORITIES = frozenset({"c_level", "owner"})  # one of each such title per company
SIZE_BANDS = (  # (low, high, share)
    (1, 10, 0.12), (11, 50, 0.28), (51, 200, 0.28), (201, 500, 0.14),
    (501, 1000, 0.08), (1001, 5000, 0.07), (5001, 60000, 0.03),
)  # fmt: skip
MAIL_PROVIDERS = {"google": 0.45, "microsoft": 0.33, "zoho": 0.04, "self": 0.18}
CATCH_ALL_SHARE_OF_SELF = 0.55  # ~10 % of all companies: catch-all servers are self-hosted
EMAIL_PATTERNS = {  # Hunter-style templates over folded names
    "{first}.{last}": 0.45, "{f}{last}": 0.18, "{first}": 0.08, "{first}{last}": 0.08,
    "{first}{l}": 0.05, "{first}_{last}": 0.05, "{f}.{last}": 0.05, "{last}.{first}": 0.03,
    "{first}-{last}": 0.02, "{last}": 0.01,
}  # fmt: skip
FREE_MAIL = {"gmail.com": 0.55, "yahoo.com": 0.12, "outlook.com": 0.12, "hotmail.com": 0.08,
             "icloud.com": 0.08, "proton.me": 0.05}  # fmt: skip
FALLBACK_TECH = ("Google Analytics", "HubSpot", "WordPress", "React", "Stripe", "Intercom",
                 "Salesforce", "Segment", "Cloudflare", "Shopify", "Zendesk", "Hotjar")  # fmt: skip
JOB_CHANGE_SHARE = 0.12
CHANGE_WINDOW_DAYS = (14, 540)  # job changes happened 2 weeks to 18 months ago


@dataclass(frozen=True)
class FeaturedCompany:
    """A company pinned by name (docs, demos); what is not given is drawn as usual."""

    name: str
    domain: str
    industry: str | None = None
    city: str | None = None
    country: str | None = None
    mail_provider: str | None = None
    email_pattern: str | None = None
    catch_all: bool = False
    employees: int | None = None


@dataclass(frozen=True)
class FeaturedPerson:
    """A person pinned by name and title at a featured company (by index in ``companies``)."""

    first_name: str
    last_name: str
    title: str
    company: int = 0
    previous: tuple[int, str] | None = None
    """(featured company index, title) of a job left recently: makes a job changer."""


def generate(
    seed: int,
    *,
    companies: int,
    people: int,
    today: date,
    featured_companies: Sequence[FeaturedCompany] = (),
    featured_people: Sequence[FeaturedPerson] = (),
) -> Population:
    """The population of ``companies`` companies and ``people`` people, as of ``today``."""
    if people and companies < 1:
        raise ValueError("people need at least one company")
    gen = _Generator(seed, today)
    for index in range(companies):
        gen.company(featured_companies[index] if index < len(featured_companies) else None)
    for index in range(people):
        gen.person(featured_people[index] if index < len(featured_people) else None)
    return Population(seed=seed, companies=gen.companies, people=gen.people, today=today)


# -- helpers ---------------------------------------------------------------------------------


def _weighted(rng: random.Random, table: dict[str, float] | dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@lru_cache(maxsize=1)
def _cities() -> dict[str, list[tuple[str, str | None]]]:
    text = resources.files("cleanlist_server.normalize").joinpath("data", "places.json")
    places: dict[str, Any] = json.loads(text.read_text("utf-8"))
    by_country: dict[str, list[tuple[str, str | None]]] = {}
    for name, sub, country, _tz in sorted(places["cities"].values()):
        by_country.setdefault(country, []).append((name, sub))
    return by_country


@lru_cache(maxsize=1)
def _industries() -> dict[str, int]:
    text = resources.files("cleanlist_server.normalize").joinpath("data", "industries.json")
    labels = [row["label"] for row in json.loads(text.read_text("utf-8"))["labels"]]
    return {label: INDUSTRY_WEIGHTS.get(label, 1) for label in labels}


@lru_cache(maxsize=1)
def _titles() -> list[tuple[str, str | None, str | None]]:
    """(raw title, seniority, department) for every entry of ``TITLES``."""
    out = []
    for raw in TITLES:
        info = parse_title(raw)
        seniority = info.seniority.value if info.seniority else None
        out.append((raw, seniority, info.department.value if info.department else None))
    return out


def _provider_data(name: str) -> dict[str, Any]:
    text = resources.files("cleanlist_server.providers").joinpath("data", name)
    data: dict[str, Any] = json.loads(text.read_text("utf-8"))
    return data


@lru_cache(maxsize=1)
def _tech_tables() -> tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """(SaaS tools DNS can show, technologies a homepage can show, mail provider -> product).

    The SaaS tools are ``dnsdata.SAAS_TOOLS`` when that module is there, else every tool of
    the DNS provider's signature table; technologies are the website provider's table (the
    one ``sites.py`` embeds).
    """
    signatures = _provider_data("dns_signatures.json")
    saas = _table("dnsdata", ("SAAS_TOOLS",)) or tuple(
        sorted(tool["name"] for tool in signatures["tools"])
    )
    web = tuple(
        sorted(
            t["name"]
            for t in _provider_data("technologies.json")["technologies"]
            if t.get("example")
        )
    )
    mail = {m["key"]: m["name"] for m in signatures["mail_providers"]}
    return saas, web or FALLBACK_TECH, mail


def _table(module: str, names: Sequence[str]) -> tuple[str, ...]:
    try:
        mod = importlib.import_module(f"cleanlist_server.sandbox.market.{module}")
    except ImportError:
        return ()
    for name in names:
        table = getattr(mod, name, None)
        if table:
            return tuple(sorted(str(item) for item in table))
    return ()


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def gravatar_url(email: str) -> str:
    return "https://0.gravatar.com/avatar/" + hashlib.sha256(email.encode()).hexdigest()


@dataclass
class _Co:
    """Generation-time facts about a company that the truth does not carry as fields."""

    company: TrueCompany
    country: str
    city: str
    sub: str | None
    locale: str
    employees: int
    titles_taken: set[str]
    locals_taken: set[str]


class _Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.fakers: dict[str, Faker] = {}
        for index, (_, locale) in enumerate(sorted(COUNTRIES.values(), key=lambda v: v[1])):
            fake = Faker(locale)
            fake.seed_instance(seed * 31 + index)
            self.fakers[locale] = fake
        self.companies: dict[str, TrueCompany] = {}
        self.people: dict[str, TruePerson] = {}
        self.cos: list[_Co] = []
        self.slugs: set[str] = set()
        self.handles: set[str] = set()
        self.personal: set[str] = set()
        self.roles = builtin_roles()
        self.saas, self.web_tech, self.mail_products = _tech_tables()
        self.featured: list[_Co] = []
        self.cum_weights: list[float] = []

    # -- companies ---------------------------------------------------------------------------

    def company(self, pinned: FeaturedCompany | None) -> None:
        rng = self.rng
        country = (pinned and pinned.country) or _weighted(
            rng, {cc: share for cc, (share, _) in COUNTRIES.items()}
        )
        locale = COUNTRIES.get(country, (0.0, "en_US"))[1]
        industry = (pinned and pinned.industry) or _weighted(rng, _industries())
        name = pinned.name if pinned else self._company_name(locale, industry)
        domain = pinned.domain if pinned else self._domain(name)
        self.slugs.add(domain.split(".")[0])
        city, sub = self._city(country, pinned.city if pinned else None)
        low, high, _ = rng.choices(SIZE_BANDS, weights=[b[2] for b in SIZE_BANDS])[0]
        employees = (pinned and pinned.employees) or round(low * (high / low) ** rng.random())
        provider = (pinned and pinned.mail_provider) or _weighted(rng, MAIL_PROVIDERS)
        catch_all = (
            pinned.catch_all
            if pinned
            else (provider == "self" and rng.random() < CATCH_ALL_SHARE_OF_SELF)
        )
        pattern = (pinned and pinned.email_pattern) or _weighted(rng, EMAIL_PATTERNS)
        saas = tuple(sorted(rng.sample(self.saas, min(len(self.saas), rng.randint(1, 4)))))
        web = rng.sample(self.web_tech, min(len(self.web_tech), rng.randint(2, 6)))
        raw = self._company_raw(name, domain, industry, employees, country, city, sub)
        mail = self.mail_products.get(provider)
        raw["company_tech_stack"] = sorted({*saas, *web, *([mail] if mail else [])})
        fields = {**normalize_fields(raw).company}
        company = TrueCompany(
            id=f"c{len(self.companies) + 1:05d}",
            fields=fields,
            mail_provider=provider,
            catch_all=catch_all,
            saas_tools=saas,
            email_pattern=pattern,
        )
        self.companies[company.id] = company
        co = _Co(company, country, city, sub, locale, employees, set(), set())
        self.cos.append(co)
        if pinned:
            self.featured.append(co)

    def _company_name(self, locale: str, industry: str) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return self.fakers[locale].company()
        brand = rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS)
        words = NAME_WORDS.get(industry, ("Group", "Partners", "Solutions", "Co"))
        return brand if rng.random() < 0.35 else f"{brand} {rng.choice(words)}"

    def _domain(self, name: str) -> str:
        base = fold(ascii_fold(name).replace("&", " and ")) or "company"
        slug, n = base[:40], 1
        while slug in self.slugs:
            n += 1
            slug = f"{base[:36]}{self.rng.choice(('hq', 'inc', 'co', 'group'))}{n}"
        return f"{slug}.test"

    def _city(self, country: str, wanted: str | None) -> tuple[str, str | None]:
        options = _cities().get(country) or [("New York", "NY")]
        if wanted:
            return next((c for c in options if c[0] == wanted), (wanted, None))
        return self.rng.choice(options)

    def _company_raw(
        self,
        name: str,
        domain: str,
        industry: str,
        employees: int,
        country: str,
        city: str,
        sub: str | None,
    ) -> dict[str, Any]:
        rng = self.rng
        slug = domain.split(".")[0]
        revenue = employees * rng.lognormvariate(11.9, 0.5)  # ~150k USD per head
        revenue = float(f"{revenue:.2g}") if revenue >= 1000 else 1000.0
        age = min(
            120, int(rng.expovariate(1 / (8 + 6 * (employees > 500) + 10 * (employees > 5000))))
        )
        raw: dict[str, Any] = {
            "company_name": name,
            "company_domain": domain,
            "company_industry": industry,
            "company_employee_count": str(employees),
            "company_annual_revenue": str(int(revenue)),
            "company_hq_city": city,
            "company_hq_country": country,
            "company_phone": self._phone(country, sub, mobile=False),
            "company_linkedin_url": f"https://www.linkedin.com/company/{slug}",
            "company_description": self._description(name, industry),
            "company_founded_year": str(self.today.year - 3 - age),
            "company_type": self._company_type(industry, employees),
        }
        if rng.random() < 0.6:
            raw["company_twitter_url"] = f"https://twitter.com/{slug[:15]}"
        return raw

    def _description(self, name: str, industry: str) -> str:
        phrase = self.fakers["en_US"].catch_phrase().lower()
        return f"{name} delivers {phrase} for {industry.lower()} teams."

    def _company_type(self, industry: str, employees: int) -> str:
        if industry == "Non-profit":
            return "Nonprofit"
        if industry == "Government Administration":
            return "Government"
        if industry in ("Legal Services", "Accounting") and self.rng.random() < 0.5:
            return "Partnership"
        public = employees > 1000 and self.rng.random() < min(0.9, employees / 10000)
        return "Public" if public else "Private"

    # -- phones ------------------------------------------------------------------------------

    def _phone(self, country: str, sub: str | None, *, mobile: bool) -> str:
        """A random number valid for ``country`` (fixed line, or mobile), in E.164."""
        rng = self.rng
        if country in ("US", "CA"):  # one numbering plan, no mobile ranges: pick the region
            areas = US_AREA_CODES.get(sub or "", ())
            for _ in range(50):
                area = rng.choice(areas) if areas else str(rng.randint(201, 989))
                digits = (
                    f"{area}{rng.randint(2, 9)}{rng.randint(0, 99):02d}{rng.randint(0, 9999):04d}"
                )
                number = phonenumbers.parse("+1" + digits)
                if phonenumbers.is_valid_number_for_region(number, country):
                    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return self._phone_like_example(country, mobile=mobile)

    def _phone_like_example(self, country: str, *, mobile: bool) -> str:
        kind = PhoneNumberType.MOBILE if mobile else PhoneNumberType.FIXED_LINE
        example = phonenumbers.example_number_for_type(country, kind)
        if example is None:
            raise ValueError(f"no {kind} numbers known for {country}")
        nsn = phonenumbers.national_significant_number(example)
        wanted = {kind, PhoneNumberType.FIXED_LINE_OR_MOBILE}
        for keep in (1, 2, 3, 4):
            for _ in range(60):
                digits = nsn[:keep] + "".join(
                    str(self.rng.randrange(10)) for _ in range(len(nsn) - keep)
                )
                number = phonenumbers.parse(f"+{example.country_code}{digits}")
                if phonenumbers.is_valid_number_for_region(number, country) and (
                    phonenumbers.number_type(number) in wanted
                ):
                    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)

    # -- people ------------------------------------------------------------------------------

    def person(self, pinned: FeaturedPerson | None) -> None:
        rng = self.rng
        co = self.featured[pinned.company] if pinned else self._employer()
        fake = self.fakers[co.locale]
        first = pinned.first_name if pinned else fake.first_name()
        last = pinned.last_name if pinned else fake.last_name()
        title, seniority, department = self._title(co, pinned.title if pinned else None)
        changer = (pinned.previous is not None) if pinned else rng.random() < JOB_CHANGE_SHARE
        history: tuple[Job, ...] = ()
        if changer:
            start, job = self._previous_job(co, first, last, seniority, department, pinned)
            history = (job,)
        else:
            start = self._tenure_start(co)
        email = self._address(co, first, last)
        raw = {
            "first_name": first,
            "last_name": last,
            "email": email,
            "email_status": self._status(co, email),
            "title": title,
            "job_start_date": start.isoformat(),
            **self._contact_points(co, first, last, email, title),
        }
        if rng.random() < 0.12 and co.locale == "en_US":
            raw["middle_name"] = fake.first_name()
        fields = {**normalize_fields(raw, default_region=co.country).person}
        person = TruePerson(
            id=f"p{len(self.people) + 1:06d}",
            fields=fields,
            company_id=co.company.id,
            history=history,
        )
        self.people[person.id] = person

    def _employer(self) -> _Co:
        start = len(self.people)
        if start < len(self.cos):  # every company gets one person first
            return self.cos[start]
        if len(self.cum_weights) != len(self.cos):
            weights = [min(co.employees, 60) ** 0.7 for co in self.cos]
            self.cum_weights = list(itertools.accumulate(weights))
        for _ in range(8):
            co = self.rng.choices(self.cos, cum_weights=self.cum_weights)[0]
            if len(co.locals_taken) < co.employees:
                return co
        return co

    def _title(self, co: _Co, wanted: str | None) -> tuple[str, str | None, str | None]:
        titles = _titles()
        if wanted:
            info = parse_title(wanted)
            seniority = info.seniority.value if info.seniority else None
            department = info.department.value if info.department else None
            co.titles_taken.add(wanted)
            return wanted, seniority, department
        weights = list(TITLES.values())
        while True:
            raw, seniority, department = self.rng.choices(titles, weights=weights)[0]
            if seniority not in UNIQUE_SENIORITIES or raw not in co.titles_taken:
                co.titles_taken.add(raw)
                return raw, seniority, department

    def _tenure_start(self, co: _Co) -> date:
        founded = int(co.company.fields.get("company_founded_year", self.today.year - 10))
        months = 19 + int(self.rng.expovariate(1 / 30))
        start = _months_before(self.today, months)
        return max(start, date(min(founded, self.today.year - 3), 1, 1))

    def _previous_job(
        self,
        co: _Co,
        first: str,
        last: str,
        seniority: str | None,
        department: str | None,
        pinned: FeaturedPerson | None,
    ) -> tuple[date, Job]:
        rng = self.rng
        if pinned and pinned.previous:
            old = self.featured[pinned.previous[0]]
            raw_title = pinned.previous[1]
        else:
            others = [c for c in self.cos if c is not co] or [co]
            old = rng.choice(others)
            raw_title = self._old_title(seniority, department)
        days_ago = rng.randint(*CHANGE_WINDOW_DAYS)
        change = (self.today - timedelta(days=days_ago)).replace(day=1)
        start = change if rng.random() < 0.6 else _months_before(change, -1)
        start = min(start, self.today.replace(day=1))
        info = parse_title(raw_title)
        job = Job(
            company_id=old.company.id,
            title=info.title or raw_title,
            seniority=info.seniority.value if info.seniority else None,
            department=info.department.value if info.department else None,
            start=_months_before(change, rng.randint(12, 72)),
            end=change - timedelta(days=1),
            email=self._address(old, first, last),
        )
        return start, job

    def _old_title(self, seniority: str | None, department: str | None) -> str:
        ranks = ["entry", "individual_contributor", "manager", "director", "vp", "c_level"]
        rank = ranks.index(seniority) if seniority in ranks else 1
        options = [
            raw
            for raw, s, d in _titles()
            if d == department
            and s in ranks
            and ranks.index(s) <= rank
            and s not in UNIQUE_SENIORITIES
        ]
        pool = options or [raw for raw, s, _ in _titles() if s == "individual_contributor"]
        return self.rng.choice(pool)

    def _address(self, co: _Co, first: str, last: str) -> str:
        f, lname = fold(ascii_fold(first)) or "x", fold(ascii_fold(last)) or "x"
        local = co.company.email_pattern.format(first=f, last=lname, f=f[0], l=lname[0])
        candidate, n = local, 1
        while candidate in co.locals_taken:
            n += 1
            candidate = f"{local}{n}"
        co.locals_taken.add(candidate)
        return f"{candidate}@{co.company.domain}"

    def _status(self, co: _Co, email: str) -> str:
        if email.partition("@")[0] in self.roles:
            return "role-based"
        return "catch-all" if co.company.catch_all else "valid"

    def _contact_points(
        self, co: _Co, first: str, last: str, email: str, title: str
    ) -> dict[str, Any]:
        rng = self.rng
        f, lname = fold(ascii_fold(first)) or "x", fold(ascii_fold(last)) or "x"
        country, city, sub = self._home(co)
        out: dict[str, Any] = {"city": city, "country": country}
        if sub:
            out["state"] = sub
        if rng.random() < 0.55:
            out["phone"] = self._phone(country, sub, mobile=False)
        if rng.random() < 0.35:
            out["mobile"] = self._phone(country, sub, mobile=True)
        if rng.random() < 0.9:
            out["linkedin_url"] = "https://www.linkedin.com/in/" + self._handle(f, lname, 60, "-")
        if rng.random() < 0.2:
            out["twitter_url"] = "https://twitter.com/" + self._handle(f, lname, 15, "_")
        coder = parse_title(title).department in ("Engineering", "Data")
        if rng.random() < (0.45 if coder else 0.04):
            out["github_url"] = "https://github.com/" + self._handle(f, lname, 39, "-")
        if rng.random() < 0.35:
            out["photo_url"] = gravatar_url(email)
        if rng.random() < 0.3:
            out["personal_email"] = self._personal(f, lname)
        if rng.random() < 0.65:
            out["headline"] = f"{parse_title(title).title or title} at {co.company.name}"
        return out

    def _home(self, co: _Co) -> tuple[str, str, str | None]:
        roll = self.rng.random()
        if roll < 0.8:
            return co.country, co.city, co.sub
        country = (
            co.country
            if roll < 0.92
            else _weighted(self.rng, {cc: share for cc, (share, _) in COUNTRIES.items()})
        )
        city, sub = self._city(country, None)
        return country, city, sub

    def _handle(self, f: str, lname: str, limit: int, sep: str) -> str:
        """A unique social handle (LinkedIn slug, X handle or GitHub login) for a name."""
        rng = self.rng
        for attempt in range(50):
            if attempt == 0:
                handle = rng.choice((f + lname, f + sep + lname, f[0] + lname))[:limit]
            else:
                stem = f"{f}{sep}{lname}"[: limit - 5].strip("-_")
                handle = f"{stem}{sep}{rng.randrange(16**4):04x}"
            handle = handle.strip("-_")
            if handle and handle not in self.handles:
                self.handles.add(handle)
                return handle
        raise RuntimeError("no free handle")  # pragma: no cover - 50 random suffixes collided

    def _personal(self, f: str, lname: str) -> str:
        domain = _weighted(self.rng, FREE_MAIL)
        local = self.rng.choice((f"{f}.{lname}", f"{f}{lname}", f"{f[0]}{lname}"))
        address = f"{local}@{domain}"
        while address in self.personal:
            address = f"{local}{self.rng.randint(1, 999)}@{domain}"
        self.personal.add(address)
        return address
