"""SMTP reply classification: enhanced status code first (RFC 3463), then code and text.

Pure functions over ``Reply`` values; the table of real-world replies lives in the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")


class Outcome(StrEnum):
    """What a reply says about a recipient (or about the session, for failures)."""

    ACCEPTED = "accepted"
    USER_UNKNOWN = "user_unknown"
    MAILBOX_FULL = "mailbox_full"
    MAILBOX_DISABLED = "mailbox_disabled"
    BLOCKED = "blocked"  # policy, reputation, 5.7.x, 554
    GREYLISTED = "greylisted"
    TEMPORARY = "temporary"  # other 4xx
    TOO_MANY_RECIPIENTS = "too_many_recipients"
    CANNOT_VERIFY = "cannot_verify"  # 252
    REJECTED = "rejected"  # 5xx that names no cause
    PROTOCOL_ERROR = "protocol_error"  # garbage, out-of-sequence reply


@dataclass(frozen=True)
class Reply:
    code: int
    message: str

    @property
    def enhanced_code(self) -> str | None:
        match = _ENHANCED.match(self.message)
        if match is None or match.group(1) != str(self.code)[0]:
            return None
        return ".".join(match.groups())

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "enhanced_code": self.enhanced_code, "message": self.message}


_USER_UNKNOWN = re.compile(
    r"user unknown|unknown user|no such user|does not exist|doesn'?t exist|recipient rejected"
    r"|unknown recipient|recipient unknown|mailbox unavailable|mailbox not found|no mailbox"
    r"|not found|invalid recipient|recipient (?:address )?(?:is )?invalid|no such (?:recipient"
    r"|mailbox|account|address)|unknown (?:mailbox|account|address)|user not found"
    r"|unrouteable address|undeliverable address|not a valid (?:mailbox|recipient)"
    r"|bad destination mailbox|utilisateur inconnu|unbekannt|invalid mailbox"
    r"|mailbox is unavailable|(?:does not|doesn'?t) have an? [\w.-]* ?account|no longer exists"
)
_FULL = re.compile(
    r"\bfull\b|quota|insufficient (?:system )?storage|out of storage|over ?quota"
    r"|exceeded (?:its|the) storage|mailbox size limit"
)
_DISABLED = re.compile(
    r"disabled|deactivated|inactive|discontinued|account (?:has been )?(?:closed|locked"
    r"|expired|suspended)|mailbox (?:is )?(?:frozen|suspended)|not active"
)
_BLOCKED = re.compile(
    r"spamhaus|blocklist|blacklist|block list|black list|\bblocked\b|\bdnsbl\b|\brbl\b"
    r"|reputation|banned|denied|refused|policy|not allowed|spam|abuse|reverse dns|\bptr\b"
    r"|rdns|relay(?:ing)? (?:access )?denied|authentication required|prohibit"
    r"|client host|your ip|sender address rejected|unsolicited"
)
_GREYLIST = re.compile(
    r"gr[ae]y[- ]?list|try again later|please retry|retry later|temporar|postgrey"
)
_TOO_MANY = re.compile(r"too many recipients|recipient limit|too many rcpt")
_ADDRESS = re.compile(r"<[^>]*>")


def classify_rcpt(reply: Reply) -> Outcome:
    """Classify a RCPT TO reply (also MAIL FROM's, where 'accepted' means 'go on')."""
    if 200 <= reply.code < 300:
        return Outcome.CANNOT_VERIFY if reply.code == 252 else Outcome.ACCEPTED
    if not 400 <= reply.code < 600:
        return Outcome.PROTOCOL_ERROR
    by_enhanced = _by_enhanced(reply)
    return by_enhanced if by_enhanced is not None else _by_code_and_text(reply)


def _by_enhanced(reply: Reply) -> Outcome | None:
    enhanced = reply.enhanced_code
    if enhanced is None:
        return None
    cls, subject, detail = enhanced.split(".")
    text = reply.message.lower()
    if cls == "4":
        return _temporary(reply.code, text, enhanced)
    if subject == "1":
        if detail in {"1", "2", "3", "6", "10"}:
            return Outcome.USER_UNKNOWN
        if detail in {"7", "8"}:
            return Outcome.BLOCKED  # our MAIL FROM is the problem, not the recipient
    if subject == "2" and detail == "2":
        return Outcome.MAILBOX_FULL
    if subject == "2" and detail == "1":
        return Outcome.MAILBOX_DISABLED
    if subject == "5" and detail == "3":
        return Outcome.TOO_MANY_RECIPIENTS
    if subject == "7":
        return Outcome.BLOCKED
    if enhanced == "5.4.1" and "recipient address rejected" in text:
        # Microsoft 365 directory-based edge blocking: the tenant has no such recipient.
        return Outcome.USER_UNKNOWN
    return None  # 5.x.x without a specific meaning: decide by code and text


def _by_code_and_text(reply: Reply) -> Outcome:
    text = reply.message.lower()
    code = reply.code
    if code < 500:
        return _temporary(code, text, None)
    if _TOO_MANY.search(text):
        return Outcome.TOO_MANY_RECIPIENTS
    if _USER_UNKNOWN.search(text):
        return Outcome.USER_UNKNOWN
    if _FULL.search(text):
        return Outcome.MAILBOX_FULL
    if _DISABLED.search(text):
        return Outcome.MAILBOX_DISABLED
    if code == 554 or _BLOCKED.search(text):
        return Outcome.BLOCKED
    if code in {550, 551, 553} and _bare(text):
        # "550" alone, or "550 <addr>", or "Requested action not taken" (RFC 5321's own
        # wording for 550) is how Exim, qmail and IIS say "no such mailbox".
        return Outcome.USER_UNKNOWN
    return Outcome.REJECTED


def _temporary(code: int, text: str, enhanced: str | None) -> Outcome:
    if _TOO_MANY.search(text) or enhanced == "4.5.3":
        return Outcome.TOO_MANY_RECIPIENTS
    if enhanced == "4.2.2" or (code == 452 and _FULL.search(text)):
        return Outcome.MAILBOX_FULL
    if _GREYLIST.search(text):
        return Outcome.GREYLISTED
    return Outcome.TEMPORARY


def _bare(text: str) -> bool:
    rest = _ADDRESS.sub("", text).replace("requested action not taken", "")
    return rest.strip(" .:;-\n\t") in {"", "mailbox unavailable", "rejected"}
