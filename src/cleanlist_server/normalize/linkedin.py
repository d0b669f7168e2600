"""Canonical social profile URLs: LinkedIn people and companies, X/Twitter, GitHub.

Every function returns one canonical string per profile, so two spellings of the same profile
compare equal, or ``None`` when the input is not that kind of profile. Canonical forms:

- ``https://linkedin.com/in/<slug>`` (legacy ``/pub/<name>/<a>/<b>/<c>`` kept as ``/pub/...``)
- ``https://linkedin.com/company/<slug>`` (also ``/school/`` and ``/showcase/``)
- ``https://x.com/<handle>``: x.com is where twitter.com redirects today
- ``https://github.com/<user>``

Slugs and handles are lowercased (the sites treat them case-insensitively), percent-decoded and
re-encoded, with no ``www.``, trailing slash, query or fragment.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

__all__ = [
    "canonical_company_url",
    "canonical_github_url",
    "canonical_profile_url",
    "canonical_twitter_url",
]

_MAX_LENGTH = 2048
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_HTTP_PREFIX = re.compile(r"^(?:https?:)?//")
_LINKEDIN_HOST = re.compile(r"^(?:www\.|m\.|mobile\.|[a-z]{2}\.)?linkedin\.com$")
_TWITTER_HOST = re.compile(r"^(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com$")
_GITHUB_HOST = re.compile(r"^(?:www\.)?github\.com$")
_GITHUB_PAGES = re.compile(r"^([a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?)\.github\.io$")
_SLUG = re.compile(r"^(?=.*[^\W_])[\w-]{1,100}$")
_PUB_TAIL = re.compile(r"^[0-9a-z]{1,4}$")
_TWITTER_HANDLE = re.compile(r"^[a-z0-9_]{1,15}$")
_GITHUB_USER = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$")
_HAS_LETTER = re.compile(r"[a-z_]")
_COMPANY_KINDS = {"company": "company", "company-beta": "company", "school": "school"}
_COMPANY_KINDS["showcase"] = "showcase"
_GARBAGE = frozenset({"none", "null", "nil", "unknown", "undefined", "tbd"})
_TWITTER_RESERVED = frozenset(
    {"home", "explore", "i", "intent", "share", "search", "hashtag", "settings", "login"}
    | {"signup", "messages", "notifications", "tos", "privacy", "compose", "about", "help"}
)
_GITHUB_RESERVED = frozenset(
    {"about", "features", "pricing", "settings", "login", "join", "marketplace", "explore"}
    | {"topics", "sponsors", "issues", "pulls", "notifications", "enterprise", "apps"}
    | {"search", "collections", "trending", "site", "security", "organizations", "new"}
)


def _split(raw: object, host_pattern: re.Pattern[str]) -> list[str] | None:
    """The decoded, non-empty path segments of ``raw`` if its host matches, else ``None``."""
    if not isinstance(raw, str) or len(raw) > _MAX_LENGTH:
        return None
    text = raw.strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    scheme = _SCHEME.match(text)
    if text.startswith("//"):
        text = "https:" + text
    elif not scheme or "." in scheme.group(1):  # "linkedin.com:443/in/x" has no scheme
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or parts.username:
        return None
    if not host_pattern.match(host):
        return None
    path = parts.path
    if parts.fragment.startswith("!/"):  # twitter.com/#!/handle
        path = parts.fragment[1:]
    return [unquote(seg).casefold() for seg in path.split("/") if seg]


def _encode(slug: str) -> str:
    return quote(slug, safe="-_")


@lru_cache(maxsize=16384)
def _profile(raw: str) -> str | None:
    segs = _split(raw, _LINKEDIN_HOST)
    if not segs:
        return None
    if segs[0] in ("mwlite", "m") and len(segs) > 1:
        segs = segs[1:]
    if segs[0] == "in" and len(segs) >= 2 and _SLUG.match(segs[1]):
        return f"https://linkedin.com/in/{_encode(segs[1])}"
    if segs[0] == "pub" and len(segs) >= 5 and _SLUG.match(segs[1]):
        tail = segs[2:5]
        if all(_PUB_TAIL.match(t) for t in tail):
            return "https://linkedin.com/pub/" + "/".join([_encode(segs[1]), *tail])
    return None


def canonical_profile_url(raw: str | None) -> str | None:
    """A LinkedIn person profile URL in canonical form, or ``None`` if ``raw`` is not one."""
    return _profile(raw) if isinstance(raw, str) else None


@lru_cache(maxsize=16384)
def _company(raw: str) -> str | None:
    segs = _split(raw, _LINKEDIN_HOST)
    if not segs or len(segs) < 2 or segs[0] not in _COMPANY_KINDS:
        return None
    if not _SLUG.match(segs[1]) and not segs[1].isdigit():
        return None
    return f"https://linkedin.com/{_COMPANY_KINDS[segs[0]]}/{_encode(segs[1])}"


def canonical_company_url(raw: str | None) -> str | None:
    """A LinkedIn company, school or showcase page URL in canonical form, or ``None``."""
    return _company(raw) if isinstance(raw, str) else None


def _bare_handle(raw: str, pattern: re.Pattern[str]) -> str | None:
    """``@handle`` or a bare handle; bare ones need a letter so numbers are not taken."""
    text = raw.strip().casefold()
    at = text.startswith("@")
    handle = text[1:] if at else text
    if handle in _GARBAGE or not pattern.match(handle):
        return None
    return handle if at or _HAS_LETTER.search(handle) else None


@lru_cache(maxsize=16384)
def _twitter(raw: str) -> str | None:
    if "/" not in raw and "." not in raw:
        handle = _bare_handle(raw, _TWITTER_HANDLE)
    else:
        segs = _split(raw, _TWITTER_HOST)
        handle = segs[0].lstrip("@") if segs else None
    if not handle or handle in _TWITTER_RESERVED or not _TWITTER_HANDLE.match(handle):
        return None
    return f"https://x.com/{handle}"


def canonical_twitter_url(raw: str | None) -> str | None:
    """``'@Jane'``, ``twitter.com/jane`` or ``x.com/jane/status/1`` -> ``https://x.com/jane``."""
    return _twitter(raw) if isinstance(raw, str) else None


def _github_user(raw: str) -> str | None:
    if "/" not in raw and "." not in raw:
        return _bare_handle(raw, _GITHUB_USER)
    pages = _GITHUB_PAGES.match(_HTTP_PREFIX.sub("", raw.strip().casefold()).rstrip("/"))
    if pages:
        return pages.group(1)
    segs = _split(raw, _GITHUB_HOST)
    if segs and segs[0] in ("orgs", "users") and len(segs) > 1:
        segs = segs[1:]
    return segs[0] if segs else None


@lru_cache(maxsize=16384)
def _github(raw: str) -> str | None:
    user = _github_user(raw)
    if not user or user in _GITHUB_RESERVED or not _GITHUB_USER.match(user):
        return None
    return f"https://github.com/{user}"


def canonical_github_url(raw: str | None) -> str | None:
    """``'@octocat'``, ``github.com/Octocat/repo`` -> ``https://github.com/octocat``."""
    return _github(raw) if isinstance(raw, str) else None
