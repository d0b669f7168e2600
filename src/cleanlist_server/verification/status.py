"""The status precedence and the score: pure functions over the evidence of one address.

Precedence (first match wins): bad syntax or reserved name -> invalid; disposable domain ->
disposable; no mail route or recipient unknown -> invalid; DNS failure -> unknown; role local
part -> role-based; accepted at a catch-all domain -> catch-all; accepted -> valid; mailbox
full/disabled -> risky; anything else (timeouts, greylisting, blocks) -> unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleanlist_server.domain.enums import EmailStatus
from cleanlist_server.verification.classify import Outcome

BASE_SCORE: dict[EmailStatus, int] = {
    EmailStatus.VALID: 95,
    EmailStatus.CATCH_ALL: 50,
    EmailStatus.ROLE_BASED: 60,
    EmailStatus.RISKY: 30,
    EmailStatus.UNKNOWN: 20,
    EmailStatus.DISPOSABLE: 0,
    EmailStatus.INVALID: 0,
}

OUTCOME_REASON: dict[Outcome, str] = {
    Outcome.ACCEPTED: "mailbox_accepted",
    Outcome.USER_UNKNOWN: "mailbox_not_found",
    Outcome.MAILBOX_FULL: "mailbox_full",
    Outcome.MAILBOX_DISABLED: "mailbox_disabled",
    Outcome.BLOCKED: "blocked",
    Outcome.GREYLISTED: "greylisted",
    Outcome.TEMPORARY: "temporary_failure",
    Outcome.TOO_MANY_RECIPIENTS: "temporary_failure",
    Outcome.CANNOT_VERIFY: "cannot_verify",
    Outcome.REJECTED: "rejected",
    Outcome.PROTOCOL_ERROR: "protocol_error",
}


@dataclass(frozen=True)
class Evidence:
    syntax_valid: bool = True
    reserved: bool = False
    disposable: bool = False
    role: bool = False
    free: bool = False
    no_route: str | None = None  # nxdomain, null_mx, no_mail_route, mx_host_not_found
    dns_failure: str | None = None  # dns_timeout, dns_error, egress_denied
    outcome: Outcome | None = None  # of the RCPT for this address
    failure: str | None = None  # session failure reason code when there is no outcome
    catch_all: bool | None = None


def decide(ev: Evidence) -> tuple[EmailStatus, tuple[str, ...]]:
    """The status and the reason codes explaining it (most important first)."""
    if not ev.syntax_valid:
        return EmailStatus.INVALID, ("invalid_syntax",)
    if ev.reserved:
        return EmailStatus.INVALID, ("reserved_domain",)
    if ev.disposable:
        return EmailStatus.DISPOSABLE, ("disposable_domain",)
    if ev.no_route is not None:
        return EmailStatus.INVALID, (ev.no_route,)
    if ev.dns_failure is not None:
        return EmailStatus.UNKNOWN, (ev.dns_failure,)
    detail = _detail(ev)
    if ev.outcome is Outcome.USER_UNKNOWN:
        return EmailStatus.INVALID, detail
    if ev.role:
        return EmailStatus.ROLE_BASED, ("role_account", *detail)
    if ev.outcome is Outcome.ACCEPTED:
        if ev.catch_all:
            return EmailStatus.CATCH_ALL, ("catch_all_domain", *detail)
        extra = ("catch_all_unknown",) if ev.catch_all is None else ()
        return EmailStatus.VALID, (*detail, *extra)
    if ev.outcome in (Outcome.MAILBOX_FULL, Outcome.MAILBOX_DISABLED):
        return EmailStatus.RISKY, detail
    return EmailStatus.UNKNOWN, detail


def _detail(ev: Evidence) -> tuple[str, ...]:
    if ev.outcome is not None:
        return (OUTCOME_REASON[ev.outcome],)
    return (ev.failure or "not_checked",)


def score(status: EmailStatus, reasons: tuple[str, ...], *, free: bool) -> int:
    """``BASE_SCORE`` adjusted: -5 for a free-mail address that is valid/role/catch-all,
    -10 for a valid address whose domain's catch-all probe was inconclusive, +10 for an
    unknown that was only greylisted (a live server), -10 for an unknown from DNS failure."""
    value = BASE_SCORE[status]
    if free and status in (EmailStatus.VALID, EmailStatus.ROLE_BASED, EmailStatus.CATCH_ALL):
        value -= 5
    if status is EmailStatus.VALID and "catch_all_unknown" in reasons:
        value -= 10
    if status is EmailStatus.UNKNOWN:
        if "greylisted" in reasons:
            value += 10
        elif reasons and reasons[0] in ("dns_timeout", "dns_error", "egress_denied"):
            value -= 10
    return max(0, min(100, value))
