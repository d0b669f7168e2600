"""Company firmographics: size and revenue bands, industry labels, and company names.

Bands are the API's enums (``CompanySize``, ``CompanyRevenue``). A range given as input falls
into the band of its midpoint; an open range ("10,001+", "$1B+") into the band just above its
lower bound; "< N" into the band just below N. Amounts in other currencies are read as the same
magnitude in USD (no exchange rates in pure code). Industry labels come from
``data/industries.json``; legal forms are stripped with ``cleanco``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from cleanco import basename, prepare_default_terms

from cleanlist_server.domain.enums import CompanyRevenue, CompanySize

__all__ = [
    "Industry",
    "classify_industry",
    "clean_company_name",
    "company_name_key",
    "employee_count",
    "revenue_band",
    "revenue_usd",
    "size_band",
]

_MAX_LENGTH = 300
_GARBAGE = frozenset(
    {"n/a", "#n/a", "na", "none", "null", "nil", "unknown", "-", "--", "tbd", "other", "0"}
)

# -- numbers --------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(\d+(?:[.,]\d+)*)\s*(k|thousand|mm|m|mn|mil|million|millions|b|bn|billion|billions)?\b"
)
_MULTIPLIERS = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6,
    "millions": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9,
}  # fmt: skip
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_RANGE_SEPARATOR = re.compile(r"\d\s*[a-z$€£]*\s*(?:-|–|—|to|and)\s*[$€£]?\s*\d")
_OPEN_ABOVE = re.compile(r"\+|\b(?:more than|over|above|greater than)\b|>")
_OPEN_BELOW = re.compile(r"\b(?:less than|under|below|up to)\b|<")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^]]*\]")
_CURRENCY = re.compile(r"\b(?:usd|us|eur|gbp|cad|aud|chf|jpy|inr)\b|[a-z]?[$€£¥₹]", re.I)


def _to_number(digits: str, unit: str | None) -> float:
    if unit is None and _THOUSANDS.match(digits):
        return float(re.sub(r"[.,]", "", digits))
    return float(digits.replace(",", "")) * _MULTIPLIERS.get(unit or "", 1.0)


def _text(value: object) -> str | None:
    if not isinstance(value, str) or len(value) > _MAX_LENGTH:
        return None
    text = _PARENTHESES.sub(" ", value.casefold()).strip()
    return None if not text or text in _GARBAGE else text


def _numbers(text: str) -> list[float]:
    """Numbers in ``text``; a unit on the last number also applies to earlier bare ones."""
    found = [(m.group(1), m.group(2)) for m in _NUMBER.finditer(_CURRENCY.sub(" ", text))]
    units = [u for _, u in found if u]
    if units and len(found) == 2 and not found[0][1]:
        found[0] = (found[0][0], units[-1])  # "10-50M"
    try:
        return [_to_number(d, u) for d, u in found]
    except ValueError:
        return []


def _estimate(text: str, *, open_step: float) -> float | None:
    """A point estimate for a count or amount written as a number, range or bound."""
    numbers = _numbers(text)
    if not numbers:
        return None
    if len(numbers) >= 2 and _RANGE_SEPARATOR.search(text):
        low, high = numbers[0], numbers[1]
        return (low + high) / 2 if low <= high else None
    if _OPEN_BELOW.search(text):
        return max(numbers[0] - open_step, 0.5)
    if _OPEN_ABOVE.search(text):
        return numbers[0] + open_step
    return numbers[0] if len(numbers) == 1 else None


def _exact(value: object) -> float | None:
    """An exact (or approximate, "~500") number; ranges and bounds give ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value > 0 else None
    text = _text(value)
    if text is None or _OPEN_ABOVE.search(text) or _OPEN_BELOW.search(text):
        return None
    numbers = _numbers(text)
    return numbers[0] if len(numbers) == 1 and numbers[0] > 0 else None


# -- company size ---------------------------------------------------------------------------

_SIZE_FLOORS: tuple[tuple[int, CompanySize], ...] = (
    (5001, CompanySize.S_5001_PLUS),
    (1001, CompanySize.S_1001_5000),
    (501, CompanySize.S_501_1000),
    (201, CompanySize.S_201_500),
    (51, CompanySize.S_51_200),
    (11, CompanySize.S_11_50),
    (1, CompanySize.S_1_10),
)
_SELF_EMPLOYED = re.compile(r"\b(?:self[- ]?employed|sole proprietor|freelanc\w*|just me)\b")
# Apollo writes ranges as "51,100"; only its own buckets are read that way, not "1,500".
_APOLLO_RANGE = re.compile(r"^\s*(\d+)\s*,\s*(\d+)\s*$")
_APOLLO_BUCKETS = frozenset(
    {(1, 10), (11, 20), (21, 50), (51, 100), (101, 200), (201, 500), (501, 1000)}
    | {(1001, 2000), (2001, 5000), (5001, 10000)}
)
# LinkedIn's API size codes.
_LINKEDIN_CODES = {"a": 1, "b": 5, "c": 30, "d": 125, "e": 350, "f": 750, "g": 3000}
_LINKEDIN_CODES |= {"h": 7500, "i": 10001}


def _is_apollo_range(text: str) -> bool:
    match = _APOLLO_RANGE.match(text)
    if match is None:
        return False
    return (int(match.group(1)), int(match.group(2))) in _APOLLO_BUCKETS


def _band_for_count(count: float) -> CompanySize | None:
    for floor, band in _SIZE_FLOORS:
        if count >= floor - 0.5:
            return band
    return None


@lru_cache(maxsize=4096)
def _size_from_text(text: str) -> CompanySize | None:
    if _SELF_EMPLOYED.search(text):
        return CompanySize.S_1_10
    if text in _LINKEDIN_CODES:
        return _band_for_count(_LINKEDIN_CODES[text])
    if _is_apollo_range(text):
        low, high = (int(n) for n in text.split(","))
        return _band_for_count((low + high) / 2)
    estimate = _estimate(text, open_step=1)
    return _band_for_count(estimate) if estimate else None


def size_band(value: int | str | None) -> CompanySize | None:
    """The employee-count band for a count (``250``) or a vendor's band string (``'51-200'``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _band_for_count(value) if value >= 1 else None
    text = _text(value)
    return _size_from_text(text) if text else None


def employee_count(value: int | str | None) -> int | None:
    """An exact headcount (``'c. 60,500 (2025)'`` -> 60500); ranges and bands give ``None``."""
    if isinstance(value, str) and _is_apollo_range(value):
        return None
    number = _exact(value)
    return round(number) if number and number >= 1 else None


# -- revenue --------------------------------------------------------------------------------

_REVENUE_FLOORS: tuple[tuple[float, CompanyRevenue], ...] = (
    (10e9, CompanyRevenue.R_10B_PLUS),
    (1e9, CompanyRevenue.R_1B_10B),
    (500e6, CompanyRevenue.R_500M_1B),
    (250e6, CompanyRevenue.R_250M_500M),
    (100e6, CompanyRevenue.R_100M_250M),
    (50e6, CompanyRevenue.R_50M_100M),
    (25e6, CompanyRevenue.R_25M_50M),
    (10e6, CompanyRevenue.R_10M_25M),
    (5e6, CompanyRevenue.R_5M_10M),
    (1e6, CompanyRevenue.R_1M_5M),
    (0, CompanyRevenue.R_0_1M),
)


def _band_for_amount(amount: float) -> CompanyRevenue | None:
    if amount <= 0:
        return None
    return next(band for floor, band in _REVENUE_FLOORS if amount >= floor)


def revenue_band(value: int | float | str | None) -> CompanyRevenue | None:
    """The revenue band for an amount in USD or a string ('$50M', '$10M-$25M', '< $1M')."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _band_for_amount(value)
    text = _text(value)
    if text is None:
        return None
    estimate = _estimate(text, open_step=1)  # "$1B+" -> just above $1B: "$1B-$10B"
    return _band_for_amount(estimate) if estimate else None


def revenue_usd(value: int | float | str | None) -> int | None:
    """An exact annual revenue ('$50 million' -> 50000000); ranges and bounds give ``None``."""
    number = _exact(value)
    return round(number) if number else None


# -- industry -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Industry:
    label: str
    naics: str | None  # NAICS 2022, six digits
    sic: str | None  # SIC 1987, four digits


def _load_industries() -> dict[str, Any]:
    path = resources.files("cleanlist_server.normalize").joinpath("data", "industries.json")
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _industry_key(text: str) -> str:
    text = text.casefold().replace("&", " and ").replace("_", " ")
    return " ".join(_NON_WORD.sub(" ", text).split())


_NON_WORD = re.compile(r"[^\w\s]|_")
_INDUSTRY_DATA = _load_industries()
_INDUSTRIES = {
    row["label"]: Industry(row["label"], row["naics"], row["sic"])
    for row in _INDUSTRY_DATA["labels"]
}
_INDUSTRY_ALIASES = {
    _industry_key(alias): row["label"]
    for row in _INDUSTRY_DATA["labels"]
    for alias in [row["label"], *row["aliases"]]
}
_INDUSTRY_KEYWORDS = sorted(
    (
        (re.compile(r"\b" + keyword.replace("-?", " ?")), len(keyword), order, row["label"])
        for order, row in enumerate(_INDUSTRY_DATA["labels"])
        for keyword in row["keywords"]
    ),
    key=lambda item: (-item[1], item[2]),
)
_NAICS_PREFIXES: dict[str, str] = _INDUSTRY_DATA["naics_prefixes"]
_NAICS_CODE = re.compile(r"^\d{2,6}$")


def _industry_for_code(code: str) -> Industry | None:
    for length in range(len(code), 1, -1):
        label = _NAICS_PREFIXES.get(code[:length])
        if label:
            return _INDUSTRIES[label]
    return None


@lru_cache(maxsize=4096)
def _classify(text: str) -> Industry | None:
    if _NAICS_CODE.match(text):
        return _industry_for_code(text)
    key = _industry_key(text)
    if key in _INDUSTRY_ALIASES:
        return _INDUSTRIES[_INDUSTRY_ALIASES[key]]
    for pattern, _, _, label in _INDUSTRY_KEYWORDS:
        if pattern.search(key):
            return _INDUSTRIES[label]
    return None


def classify_industry(raw: str | None) -> Industry | None:
    """Map a vendor or CRM industry string, or a NAICS code, to one label of our taxonomy."""
    if not isinstance(raw, str) or len(raw) > _MAX_LENGTH:
        return None
    text = raw.strip()
    if not text or text.casefold() in _GARBAGE:
        return None
    return _classify(text)


# -- company names --------------------------------------------------------------------------

_KEPT_FORMS = frozenset({"co", "company", "corp", "corporation", "&", "and"})
_ALL_TERMS = prepare_default_terms()
# Display names keep "Corp", "Company" and "& Co.": they read as part of the brand.
_DISPLAY_TERMS = [term for term in _ALL_TERMS if not set(term[1]) <= _KEPT_FORMS]
_UNCLOSED = re.compile(r"\s*\([^)]*$")
_SPACES = re.compile(r"\s+")
_KEY_DROP = re.compile(r"['’.]")
_KEY_SPLIT = re.compile(r"[^\w]+")
_KEY_STOPWORDS = frozenset({"aktiengesellschaft", "gesellschaft"})


def _strip_symbols(raw: str) -> str:
    kept = "".join(ch for ch in raw if unicodedata.category(ch)[0] not in "SC" or ch in "&+$@")
    return _SPACES.sub(" ", kept).strip(" ,;-")


@lru_cache(maxsize=65536)
def _clean_name(text: str) -> str | None:
    name = basename(text, terms=_DISPLAY_TERMS, prefix=False, middle=False, suffix=True)
    name = _UNCLOSED.sub("", name).strip(" ,;-")
    if name.endswith(".") and not re.search(r"\b\w\.\w\.$", name):
        name = name[:-1]  # "Acme Corp." but not "A.B.C."
    return name if any(ch.isalpha() for ch in name) else None


def clean_company_name(raw: str | None) -> str | None:
    """Display name with legal forms removed ('Acme, Inc.' -> 'Acme'; 'Acme Corp' stays)."""
    if not isinstance(raw, str) or len(raw) > _MAX_LENGTH:
        return None
    text = _strip_symbols(raw)
    if not text or text.casefold() in _GARBAGE:
        return None
    return _clean_name(text)


@lru_cache(maxsize=65536)
def _name_key(text: str) -> str:
    base = basename(text, terms=_ALL_TERMS, prefix=False, middle=False, suffix=True)
    folded = unicodedata.normalize("NFKD", base.casefold().replace("&", " and "))
    folded = _KEY_DROP.sub("", "".join(ch for ch in folded if not unicodedata.combining(ch)))
    words = [w for w in _KEY_SPLIT.split(folded) if w and w not in _KEY_STOPWORDS]
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def company_name_key(raw: str | None) -> str:
    """Matching key: casefolded, accents, legal forms and punctuation removed ("" if none)."""
    name = clean_company_name(raw)
    return _name_key(name) if name else ""
