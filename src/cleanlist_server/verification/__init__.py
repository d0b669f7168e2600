"""Email verification: syntax, disposable/free/role lists, DNS (MX) and SMTP (RCPT) checks.

``EmailVerifier(config, egress_policy)`` with ``verify(email)`` and ``verify_many(emails)``;
``VerifierConfig`` holds every knob; ``helo_warnings(config)`` is for the start-up banner.
The DNS and SMTP ports (``Resolver``, ``SmtpConnector``) take fakes in tests.
"""

from cleanlist_server.verification.classify import Outcome, Reply, classify_rcpt
from cleanlist_server.verification.config import VerifierConfig, helo_warnings
from cleanlist_server.verification.engine import EmailVerifier
from cleanlist_server.verification.resolver import (
    AddressAnswer,
    DnspythonResolver,
    DnsStatus,
    MxAnswer,
    MxRecord,
    Resolver,
)
from cleanlist_server.verification.result import VerificationResult, provider_for
from cleanlist_server.verification.smtp import (
    AiosmtplibConnector,
    SmtpConnector,
    SmtpFailure,
    SmtpSession,
)

__all__ = [
    "AddressAnswer",
    "AiosmtplibConnector",
    "DnsStatus",
    "DnspythonResolver",
    "EmailVerifier",
    "MxAnswer",
    "MxRecord",
    "Outcome",
    "Reply",
    "Resolver",
    "SmtpConnector",
    "SmtpFailure",
    "SmtpSession",
    "VerificationResult",
    "VerifierConfig",
    "classify_rcpt",
    "helo_warnings",
    "provider_for",
]
