"""Locations: free text ("San Francisco, CA", "Greater London Area") or CSV columns -> Location.

Countries come from pycountry plus ``data/countries.json`` (aliases, short display names, time
zones); US, Canadian and Australian states from pycountry; well-known cities and metro names
from ``data/places.json``. ``display`` is "City, ST" in the US and Canada and "City, Country"
elsewhere; ``state`` always holds the full subdivision name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import pycountry

__all__ = ["Location", "parse_location"]


@dataclass(frozen=True, slots=True)
class Location:
    city: str | None
    state: str | None
    country: str | None
    country_code: str | None  # ISO 3166-1 alpha-2
    display: str | None
    timezone: str | None  # IANA name


class _City(NamedTuple):
    name: str
    sub: str | None
    country: str
    timezone: str | None


_EMPTY = Location(None, None, None, None, None, None)
_MAX_LENGTH = 300
_CODE_DISPLAY = frozenset({"US", "CA"})  # countries whose display uses the postal code
_SUBDIVIDED = frozenset({"US", "CA", "AU"})
_GARBAGE = frozenset({"n/a", "#n/a", "na", "none", "null", "unknown", "-", "tbd", "other"})
_SPLIT = re.compile(r"\s*(?:[,;|•·]|\s-\s)\s*")
_REMOTE = re.compile(
    r"\b(?:remote|anywhere|worldwide|global|wfh|work from home|hybrid|on-?site)\b", re.I
)
_METRO = re.compile(
    r"^greater\s+|\s+(?:(?:metropolitan|metro)\s+)?(?:area|region)$|\s+metroplex$", re.I
)
_POSTCODE = re.compile(r"\s+\d{4,5}(?:-\d{4})?$|^\d{4,5}\s+")
_CITY_CODE = re.compile(r"^(.+?)\s+([A-Z]{2,3})$")
_TRIM = " -–()[]/.'\""
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """Lookup key: casefolded, accents and periods removed, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace(".", ""))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip()


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("cleanlist_server.normalize").joinpath("data", name).read_text("utf-8")
    )
    return data


def _country_index(data: dict[str, Any]) -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                index[_fold(value)] = country.alpha_2
    index.update({_fold(v): k for k, v in data["names"].items()})
    index.update({_fold(k): v for k, v in data["aliases"].items()})
    return index


def _subdivision_index() -> tuple[dict[tuple[str, str], str], dict[str, tuple[str, str]]]:
    by_code: dict[tuple[str, str], str] = {}
    by_name: dict[str, tuple[str, str]] = {}
    for country in _SUBDIVIDED:
        subdivisions: list[Any] = pycountry.subdivisions.get(country_code=country)  # type: ignore[no-untyped-call]
        for sub in subdivisions:
            if sub.parent_code is None and sub.code != "US-UM":
                code = sub.code.split("-", 1)[1]
                by_code[(country, code)] = sub.name
                by_name.setdefault(_fold(sub.name), (country, code))
    return by_code, by_name


_COUNTRY_DATA = _load("countries.json")
_PLACES = _load("places.json")
_COUNTRY_BY_NAME = _country_index(_COUNTRY_DATA)
_COUNTRY_NAMES: dict[str, str] = _COUNTRY_DATA["names"]
_COUNTRY_TZ: dict[str, str] = _COUNTRY_DATA["timezones"]
_SUB_TZ: dict[str, dict[str, str]] = _PLACES["subdivision_timezones"]
_SUB_NAME, _SUB_BY_NAME = _subdivision_index()
_CITIES = {_fold(k): _City(*v) for k, v in _PLACES["cities"].items()}
_CITIES.update({_fold(k): _CITIES[_fold(v)] for k, v in _PLACES["city_aliases"].items()})


def _country_name(code: str) -> str:
    if code in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[code]
    country: Any = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name)


def _country_code(token: str, *, codes: bool = True) -> str | None:
    """ISO alpha-2 for a country name, alias or (with ``codes``) alpha-2/alpha-3 code."""
    code = _COUNTRY_BY_NAME.get(_fold(token))
    if code or not codes or not token.isalpha() or len(token) not in (2, 3):
        return code
    lookup: dict[str, Any] = {f"alpha_{len(token)}": token.upper()}
    country: Any = pycountry.countries.get(**lookup)
    return str(country.alpha_2) if country else None


def _subdivision(token: str, country: str | None) -> tuple[str, str] | None:
    """(country, code) of a US/CA/AU state or province given by name or postal code."""
    upper = token.upper()
    candidates = [country] if country else ["US", "CA"]
    for cc in candidates:
        if (cc, upper) in _SUB_NAME and token.isalpha():
            return cc, upper
    hit = _SUB_BY_NAME.get(_fold(token))
    return hit if hit and (country is None or hit[0] == country) else None


def _clean_token(token: str) -> str:
    if _fold(token) in _CITIES:
        return token.strip()
    token = _REMOTE.sub("", token)
    token = _POSTCODE.sub("", token.strip(_TRIM + " "))
    token = _METRO.sub("", token.strip(_TRIM + " "))
    return token.strip(_TRIM + " ")


def _tokens(raw: str) -> list[str]:
    tokens = [_clean_token(t) for t in _SPLIT.split(raw.strip())]
    tokens = [t for t in tokens if any(ch.isalpha() for ch in t) and t.casefold() not in _GARBAGE]
    if len(tokens) == 1 and _fold(tokens[0]) not in _CITIES:
        match = _CITY_CODE.match(tokens[0])  # "Austin TX", "Sydney NSW"
        if match:
            tokens = [match.group(1), match.group(2)]
    return tokens


class _Parts(NamedTuple):
    city: str | None
    region: str | None
    sub: tuple[str, str] | None
    country: str | None


def _tail(tokens: list[str]) -> _Parts:
    """Resolve the last token (country or state) using the first token (city) as context."""
    last, known = tokens[-1], _CITIES.get(_fold(tokens[0]))
    if known and known.country in _SUBDIVIDED:
        sub = _subdivision(last, known.country)
        if sub:
            return _Parts(tokens[0], None, sub, sub[0])
    if known and _country_code(last) == known.country:
        return _Parts(tokens[0], None, None, known.country)
    sub = _subdivision(last, None) if len(last) <= 3 else None
    country = None if sub else _country_code(last, codes=False)
    sub = sub or (None if country else _subdivision(last, None))
    country = country or (sub[0] if sub else _country_code(last))
    if not (sub or country):
        return _Parts(tokens[0], tokens[-1] if len(tokens) > 1 else None, None, None)
    return _Parts(tokens[0], None, sub, country)


def _split_parts(tokens: list[str]) -> _Parts:
    if len(tokens) == 1:
        return _single(tokens[0])
    parts = _tail(tokens)
    if parts.sub or parts.country is None:
        return parts
    rest = tokens[:-1]
    sub = _subdivision(rest[-1], parts.country) if parts.country in _SUBDIVIDED else None
    if len(rest) == 1:
        return _Parts(None, None, sub, parts.country) if sub else parts
    return _Parts(rest[0], None if sub else rest[-1], sub, parts.country)


def _single(token: str) -> _Parts:
    if _fold(token) in _CITIES:
        return _Parts(token, None, None, None)
    country = _country_code(token, codes=False)
    if country:
        return _Parts(None, None, None, country)
    sub = _subdivision(token, None) if len(token) > 3 else None
    country = _country_code(token)
    if sub or country:
        return _Parts(None, None, sub, sub[0] if sub else country)
    sub = _subdivision(token, None)
    return _Parts(None if sub else token, None, sub, sub[0] if sub else None)


def _city_name(token: str) -> str:
    return token.title() if token.islower() or token.isupper() else token


def _display(
    city: str | None, sub: tuple[str, str] | None, region: str | None, country: str | None
) -> str | None:
    name = _country_name(country) if country else None
    if sub and country in _CODE_DISPLAY:
        return f"{city}, {sub[1]}" if city else f"{_SUB_NAME[sub]}, {name}"
    if sub and not city:
        return f"{_SUB_NAME[sub]}, {name}"
    if not city and region and name:
        return f"{region}, {name}"
    return ", ".join(p for p in (city, name) if p) or None


def _build(parts: _Parts) -> Location:
    city, sub, country = parts.city, parts.sub, parts.country
    known = _CITIES.get(_fold(city)) if city else None
    if known and country in (None, known.country) and (sub is None or sub[1] == known.sub):
        city, country = known.name, known.country
        sub = sub or ((known.country, known.sub) if known.sub else None)
    else:
        known = None
        city = _city_name(city) if city else None
    if not (city or sub or country):
        return _EMPTY
    timezone = (
        (known.timezone if known else None)
        or (_SUB_TZ.get(sub[0], {}).get(sub[1]) if sub else None)
        or (_COUNTRY_TZ.get(country) if country else None)
    )
    return Location(
        city=city,
        state=_SUB_NAME[sub] if sub else parts.region,
        country=_country_name(country) if country else None,
        country_code=country,
        display=_display(city, sub, parts.region, country),
        timezone=timezone,
    )


@lru_cache(maxsize=8192)
def _parse_text(raw: str) -> Location:
    tokens = _tokens(raw)
    return _build(_split_parts(tokens)) if tokens else _EMPTY


def _columns(city: str | None, state: str | None, country: str | None) -> Location:
    tokens = [_clean_token(t) if isinstance(t, str) else "" for t in (city, state, country)]
    tokens = ["" if t.casefold() in _GARBAGE else t for t in tokens]
    city_t, state_t, country_t = tokens
    code = _country_code(country_t) if country_t else None
    sub = None
    if state_t and (code is None or code in _SUBDIVIDED):
        sub = _subdivision(state_t, code)
        code = code or (sub[0] if sub else None)
    region = None if sub or not state_t else state_t
    return _build(_Parts(city_t or None, region, sub, code))


def parse_location(
    raw: str | None = None,
    *,
    city: str | None = None,
    state: str | None = None,
    country: str | None = None,
) -> Location:
    """Parse a free-text location, or separate city/state/country columns, into a Location.

    Free text wins when it yields anything; otherwise the columns are used. Unknown input
    yields a Location whose fields are all ``None``.
    """
    if isinstance(raw, str) and 0 < len(raw) <= _MAX_LENGTH:
        parsed = _parse_text(raw)
        if parsed != _EMPTY:
            return parsed
    if any(isinstance(v, str) and len(v) <= _MAX_LENGTH for v in (city, state, country)):
        return _columns(city, state, country)
    return _EMPTY
