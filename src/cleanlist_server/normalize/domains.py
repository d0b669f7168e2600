"""Registrable domains from URLs, hosts and email addresses, using the Public Suffix List.

The list is the snapshot bundled with ``publicsuffixlist`` (no download). Private suffixes count,
so ``jane.blogspot.com`` and ``acme.github.io`` are registrable domains of their own. Unknown
TLDs are rejected, except the reserved test TLDs (RFC 2606 / 6761) the sandbox uses. Domains are
returned lowercase in their ASCII (A-label, ``xn--``) form.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

__all__ = ["email_domain", "registrable_domain"]

_PSL = PublicSuffixList(accept_unknown=False)
_RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost"})
_MAX_LENGTH = 2048
_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_HOST_END = re.compile(r"[/?#\\]")
_DOTS = str.maketrans({"。": ".", "．": ".", "｡": "."})


def _host_of(raw: str) -> str | None:
    text = raw.strip().translate(_DOTS)
    if not text or any(ch.isspace() for ch in text):
        return None
    if "@" in text and not _SCHEME.match(text):
        text = text.rsplit("@", 1)[1]  # an email address
    text = _SCHEME.sub("", text, count=1)
    text = _HOST_END.split(text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]  # userinfo in a URL
    if text.startswith("["):
        return None  # IPv6 literal
    return text.split(":", 1)[0].rstrip(".")


def _to_ascii(host: str) -> str | None:
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    return ascii_host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=16384)
def _registrable(raw: str) -> str | None:
    host = _host_of(raw)
    if not host or _is_ip(host):
        return None
    ascii_host = _to_ascii(host)
    if ascii_host is None or ascii_host.rsplit(".", 1)[-1].isdigit():
        return None
    labels = ascii_host.split(".")
    if labels[-1] in _RESERVED_TLDS:
        return ".".join(labels[-2:])
    domain: str | None = _PSL.privatesuffix(ascii_host)
    return domain


def registrable_domain(raw: str | None) -> str | None:
    """``'https://www.Acme.co.uk/about'`` -> ``'acme.co.uk'``; ``None`` for anything else.

    Accepts URLs (any scheme), bare hosts and email addresses. IPs, ``localhost``, bare public
    suffixes (``co.uk``), unknown TLDs and garbage return ``None``.
    """
    if not isinstance(raw, str) or len(raw) > _MAX_LENGTH:
        return None
    return _registrable(raw)


def email_domain(email: str | None) -> str | None:
    """The registrable domain of an email address (``jane@mail.acme.com`` -> ``acme.com``)."""
    if not isinstance(email, str) or email.count("@") != 1:
        return None
    local, _, host = email.strip().partition("@")
    if not local or not host:
        return None
    return registrable_domain(host)
