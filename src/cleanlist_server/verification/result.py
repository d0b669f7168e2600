"""The verification result (a frozen value with ``to_dict()``) and the MX provider classes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cleanlist_server.domain.enums import EmailStatus
from cleanlist_server.verification.syntax import SyntaxCheck

_PROVIDER_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("google", ("google.com", "googlemail.com")),
    ("microsoft", ("protection.outlook.com", "outlook.com", "hotmail.com")),
    ("yahoo", ("yahoodns.net", "yahoo.com")),
    ("proofpoint", ("pphosted.com", "ppe-hosted.com")),
    ("mimecast", ("mimecast.com", "mimecast-offshore.com", "mimecast.co.za")),
    ("zoho", ("zoho.com", "zoho.eu", "zoho.in", "zoho.com.au", "zohomail.com")),
)


def provider_for(mx_hosts: tuple[str, ...]) -> str:
    """google|microsoft|yahoo|proofpoint|mimecast|zoho|other, from the MX host names."""
    for host in mx_hosts:
        name = host.lower().rstrip(".")
        for provider, suffixes in _PROVIDER_SUFFIXES:
            if any(name == s or name.endswith("." + s) for s in suffixes):
                return provider
    return "other"


@dataclass(frozen=True)
class DomainCheck:
    exists: bool | None = None  # None: not looked up, or DNS failed
    has_mx: bool | None = None
    null_mx: bool = False
    implicit_mx: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "exists": self.exists,
            "has_mx": self.has_mx,
            "null_mx": self.null_mx,
            "implicit_mx": self.implicit_mx,
        }


@dataclass(frozen=True)
class MxAttempt:
    host: str
    address: str | None
    outcome: str  # "connected" or an SmtpFailure reason / dns status

    def to_dict(self) -> dict[str, Any]:
        return {"host": self.host, "address": self.address, "outcome": self.outcome}


@dataclass(frozen=True)
class SmtpCheck:
    code: int | None = None
    enhanced_code: str | None = None
    message: str | None = None
    connected: bool = False
    starttls: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "enhanced_code": self.enhanced_code,
            "message": self.message,
            "connected": self.connected,
            "starttls": self.starttls,
        }


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class VerificationResult:
    email: str
    email_status: EmailStatus
    syntax: SyntaxCheck
    domain: DomainCheck = field(default_factory=DomainCheck)
    mx: tuple[str, ...] = ()
    mx_tried: tuple[MxAttempt, ...] = ()
    provider: str = "other"
    smtp: SmtpCheck = field(default_factory=SmtpCheck)
    catch_all: bool | None = None
    disposable: bool = False
    role_based: bool = False
    free_provider: bool = False
    score: int = 0
    reasons: tuple[str, ...] = ()
    verified_at: datetime = field(default_factory=utc_now)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``email``, ``email_status``, ``verified_at`` (UTC, 'Z'), ``checks``;
        ``score`` and ``reasons`` also appear at the top level for convenience."""
        return {
            "email": self.email,
            "email_status": self.email_status.value,
            "verified_at": _iso_z(self.verified_at),
            "score": self.score,
            "reasons": list(self.reasons),
            "checks": {
                "syntax": self.syntax.to_dict(),
                "domain": self.domain.to_dict(),
                "mx": list(self.mx),
                "mx_tried": [attempt.to_dict() for attempt in self.mx_tried],
                "provider": self.provider,
                "smtp": self.smtp.to_dict(),
                "catch_all": self.catch_all,
                "disposable": self.disposable,
                "role_based": self.role_based,
                "free_provider": self.free_provider,
                "score": self.score,
                "reasons": list(self.reasons),
            },
        }


def _iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
