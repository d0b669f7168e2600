"""Address syntax: email-validator via ``normalize_email``, plus reserved-name detection."""

from __future__ import annotations

from dataclasses import dataclass

import idna

from cleanlist_server.normalize.emails import InvalidEmail, normalize_email

# RFC 2606 / RFC 6761 (and RFC 6762 .local, RFC 7686 .onion, RFC 8375 home.arpa): names that
# cannot receive Internet mail. "internal" is ICANN's 2024 private-use TLD.
RESERVED_TLDS = frozenset(
    {"test", "example", "invalid", "localhost", "local", "onion", "arpa", "internal"}
)
RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org"})
_SPECIAL_USE_ERROR = "special-use or reserved name"
_PLACEHOLDER_TLD = ".test"


@dataclass(frozen=True)
class SyntaxCheck:
    valid: bool
    reason: str | None  # None when valid; else email-validator's message
    email: str  # normalized (lower-cased, A-label domain) or the stripped input
    local_part: str | None = None
    domain: str | None = None  # U-label (human) form
    ascii_domain: str | None = None
    reserved: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "valid": self.valid,
            "reason": self.reason,
            "local_part": self.local_part,
            "domain": self.domain,
            "ascii_domain": self.ascii_domain,
        }


def is_reserved_domain(ascii_domain: str) -> bool:
    domain = ascii_domain.lower().rstrip(".")
    tld = domain.rsplit(".", 1)[-1]
    return tld in RESERVED_TLDS or any(
        domain == name or domain.endswith("." + name) for name in RESERVED_DOMAINS
    )


def check_syntax(raw: object) -> SyntaxCheck:
    """Never raises: garbage (including non-strings) comes back ``valid=False`` with a reason."""
    if not isinstance(raw, str):
        return SyntaxCheck(False, "The email address must be a string.", str(raw))
    text = raw.strip()
    try:
        normalized = normalize_email(text)
    except InvalidEmail as exc:
        if _SPECIAL_USE_ERROR not in str(exc):
            return SyntaxCheck(False, str(exc) or "invalid email address", text)
        rescued = _normalize_special_use(text)
        if rescued is None:
            return SyntaxCheck(False, str(exc), text)
        normalized = rescued
    except Exception as exc:  # a parser bug must not break a batch
        return SyntaxCheck(False, f"unparseable address ({type(exc).__name__})", text)
    local, _, ascii_domain = normalized.rpartition("@")
    return SyntaxCheck(
        valid=True,
        reason=None,
        email=normalized,
        local_part=local,
        domain=_to_unicode(ascii_domain),
        ascii_domain=ascii_domain,
        reserved=is_reserved_domain(ascii_domain),
    )


def _normalize_special_use(text: str) -> str | None:
    """Syntax-check ``x@host.localhost`` as if it were ``x@host.localhost.test``: the address
    is well formed, only its name is reserved (decided later, by ``allow_test_domains``)."""
    try:
        placeholder = normalize_email(text.removeprefix("mailto:") + _PLACEHOLDER_TLD)
    except (InvalidEmail, Exception):
        return None
    return placeholder.removesuffix(_PLACEHOLDER_TLD)


def _to_unicode(ascii_domain: str) -> str:
    try:
        return idna.decode(ascii_domain)
    except (idna.IDNAError, UnicodeError, ValueError):
        return ascii_domain
