"""Person names: split full names, fix casing, and build matching keys.

Full names are split with ``nameparser``. Titles (Dr., Mr., Prof.), credentials (PhD, MBA, CPA),
nicknames and generational suffixes (Jr., III) never reach ``first`` or ``last``; a generational
suffix is kept at the end of ``full`` only. Casing is repaired only for words written in one
case ("JOHN", "mcdonald"); mixed-case words ("DeShawn", "MacKenzie") are left as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nameparser import HumanName

__all__ = ["PersonName", "build_name", "name_key", "normalize_name_part", "split_full_name"]

_MAX_LENGTH = 200
_GARBAGE = frozenset(
    {"n/a", "#n/a", "none", "null", "nil", "unknown", "undefined", "not available", "tbd", "-"}
)
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la", "le"}
    | {"ter", "ten", "zu", "bin", "binti", "al", "el", "y"}
)
_GENERATIONAL = {"jr": "Jr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV", "v": "V"}
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_DROPPED_MARKS = frozenset({"\ufe0e", "\ufe0f"})  # emoji variation selectors
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_WORD_SPLIT = re.compile(r"([-'])")
_MC = re.compile(r"^(Mc)(\w)")
_KEY_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "þ": "th"})


@dataclass(frozen=True, slots=True)
class PersonName:
    first: str | None
    middle: str | None
    last: str | None
    full: str | None


_EMPTY = PersonName(first=None, middle=None, last=None, full=None)


def _clean(raw: object) -> str | None:
    """Drop emoji, symbols and control characters; ``None`` for garbage or digits."""
    if not isinstance(raw, str) or len(raw) > _MAX_LENGTH:
        return None
    kept = [
        ch
        for ch in raw.translate(_APOSTROPHES)
        if ch not in _DROPPED_MARKS and unicodedata.category(ch)[0] not in "SC"
    ]
    text = _SPACES.sub(" ", "".join(kept)).strip(" ,;")
    if not text or text.casefold() in _GARBAGE or _DIGIT.search(text):
        return None
    return text if any(ch.isalpha() for ch in text) else None


def _case_piece(piece: str, after_apostrophe: bool) -> str:
    if after_apostrophe and len(piece) == 1:  # the "s" of "Andy's"
        return piece.lower()
    fixed = piece[:1].upper() + piece[1:].lower()
    return _MC.sub(lambda m: m.group(1) + m.group(2).upper(), fixed)


def _case_word(word: str) -> str:
    if word[:1].isupper() and word != word.upper() and word[1:] != word[1:].lower():
        return word  # deliberately mixed case: DeShawn, MacKenzie, McDonald
    pieces = _WORD_SPLIT.split(word)
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if piece in "-'" or not piece:
            out.append(piece)
            continue
        after_apostrophe = i >= 2 and pieces[i - 1] == "'" and len(pieces[i - 2]) > 1
        out.append(_case_piece(piece, after_apostrophe))
    return "".join(out)


@lru_cache(maxsize=8192)
def _normalize_part(text: str, particles: bool) -> str:
    words = text.split(" ")
    out: list[str] = []
    for i, word in enumerate(words):
        is_particle = word.casefold() in _PARTICLES and i < len(words) - 1
        if particles and is_particle and (word.islower() or word.isupper()):
            out.append(word.lower())
        else:
            out.append(_case_word(word))
    return " ".join(out)


def normalize_name_part(raw: str | None, *, particles: bool = True) -> str | None:
    """Clean and case one name part ("DE LA VEGA" -> "de la Vega"); ``None`` for garbage.

    With ``particles`` (the default), nobiliary particles followed by another word stay
    lowercase; pass ``particles=False`` for given names ("Van", "De Andre").
    """
    text = _clean(raw)
    return _normalize_part(text, particles) if text else None


def _join(*parts: str | None) -> str | None:
    joined = " ".join(p for p in parts if p)
    return joined or None


def _generational(suffix: str) -> str | None:
    for token in suffix.replace(",", " ").split():
        written = _GENERATIONAL.get(token.rstrip(".").casefold())
        if written:
            return written
    return None


@lru_cache(maxsize=8192)
def _split(text: str) -> PersonName:
    parsed = HumanName(text)
    first = normalize_name_part(parsed.first, particles=False)
    middle = normalize_name_part(parsed.middle, particles=False)
    last = normalize_name_part(parsed.last)
    if not (first or last):
        return _EMPTY
    full = _join(first, middle, last, _generational(parsed.suffix))
    return PersonName(first=first, middle=middle, last=last, full=full)


def split_full_name(raw: str | None) -> PersonName:
    """Split a full name ("Dr. Jane A. Smith, MBA", "Smith, Jane") into its parts."""
    text = _clean(raw)
    return _split(text) if text else _EMPTY


def build_name(first: str | None, last: str | None, full: str | None) -> PersonName:
    """Combine whatever name columns a record has into one :class:`PersonName`.

    Explicit ``first``/``last`` win over the split of ``full``; when both are given, ``full``
    becomes "First Last".
    """
    given_first = normalize_name_part(first, particles=False)
    given_last = normalize_name_part(last)
    parsed = split_full_name(full)
    if given_first and given_last:
        return PersonName(given_first, None, given_last, _join(given_first, given_last))
    if not (given_first or given_last):
        return parsed
    out_first = given_first or parsed.first
    out_last = given_last or parsed.last
    return PersonName(out_first, None, out_last, _join(out_first, out_last))


@lru_cache(maxsize=16384)
def _key_part(raw: str) -> str:
    folded = unicodedata.normalize("NFKD", raw.casefold().translate(_KEY_FOLD))
    return "".join(ch for ch in folded if ch.isalpha())


def name_key(first: str | None, last: str | None) -> str:
    """Matching key "first last": casefolded, accents removed, letters only ("" if neither)."""
    parts = [_key_part(p) for p in (first, last) if isinstance(p, str)]
    return " ".join(p for p in parts if p)
