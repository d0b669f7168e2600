"""Email address patterns: generate candidates for a name, learn a domain's pattern (pure).

``GLOBAL_ORDER`` ranks the common corporate patterns by how often they are seen across
B2B address books (first.last leads by a wide margin, then first initial + last, then
first alone, ...). A pattern already observed at the domain ranks first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

# (name, template) with {f}irst, {l}ast, {fi} first initial, {li} last initial.
PATTERNS: tuple[tuple[str, str], ...] = (
    ("first.last", "{f}.{l}"),
    ("flast", "{fi}{l}"),
    ("first", "{f}"),
    ("firstlast", "{f}{l}"),
    ("f.last", "{fi}.{l}"),
    ("first_last", "{f}_{l}"),
    ("firstl", "{f}{li}"),
    ("last.first", "{l}.{f}"),
    ("first-last", "{f}-{l}"),
    ("last", "{l}"),
    ("lastf", "{l}{fi}"),
    ("fl", "{fi}{li}"),
    ("first.l", "{f}.{li}"),
    ("lastfirst", "{l}{f}"),
)
GLOBAL_ORDER = tuple(name for name, _ in PATTERNS)
_TEMPLATES = dict(PATTERNS)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(part: str | None) -> str:
    """'José María' -> 'josemaria'; 'O'Neil' -> 'oneil'; 'van der Berg' -> 'vanderberg'."""
    if not part:
        return ""
    text = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
    return _NON_ALNUM.sub("", text.lower())


def render(pattern: str, first: str, last: str) -> str | None:
    f, l = fold(first), fold(last)  # noqa: E741 - l is the template's own name
    if not f or not l:
        return None
    return _TEMPLATES[pattern].format(f=f, l=l, fi=f[0], li=l[0])


def patterns_of(local_part: str, first: str, last: str) -> list[str]:
    """Which patterns produce ``local_part`` for this name (several may, e.g. 'ab')."""
    local = local_part.lower()
    return [name for name in GLOBAL_ORDER if render(name, first, last) == local]


def learn(examples: Iterable[tuple[str, str, str]]) -> list[str]:
    """Patterns seen at a domain, most frequent first, from (local_part, first, last)."""
    seen: Counter[str] = Counter()
    for local, first, last in examples:
        matches = patterns_of(local, first, last)
        if matches:
            seen[matches[0]] += 1  # the most common reading of an ambiguous example
    return [name for name, _ in seen.most_common()]


def candidates(first: str, last: str, domain: str, known: Iterable[str] = ()) -> list[str]:
    """Addresses to try, best first: the domain's known patterns, then the global order."""
    order = list(dict.fromkeys([*known, *GLOBAL_ORDER]))
    out: list[str] = []
    for name in order:
        local = render(name, first, last)
        if local and f"{local}@{domain}" not in out:
            out.append(f"{local}@{domain}")
    return out
