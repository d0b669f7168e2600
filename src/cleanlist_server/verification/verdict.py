"""From a finished ``Job`` to a ``VerificationResult``: status, score, reasons and checks."""

from __future__ import annotations

from cleanlist_server.verification.result import (
    DomainCheck,
    SmtpCheck,
    VerificationResult,
    provider_for,
)
from cleanlist_server.verification.session import Job
from cleanlist_server.verification.status import Evidence, decide, score


def build_result(job: Job, catch_all: bool | None) -> VerificationResult:
    route = job.route
    no_route = route.no_route if route is not None else None
    failure = job.failure
    if failure == "mx_host_not_found":
        no_route, failure = failure, None
    evidence = Evidence(
        syntax_valid=job.syntax.valid,
        reserved=job.reserved,
        disposable=job.disposable,
        role=job.role,
        free=job.free,
        no_route=no_route,
        dns_failure=route.dns_failure if route is not None else None,
        outcome=job.outcome,
        failure=failure,
        catch_all=catch_all,
    )
    status, reasons = decide(evidence)
    extra = tuple(r for r in ("free_provider",) if job.free and r not in reasons)
    reasons = (*reasons, *extra)
    hosts = route.hosts if route is not None else ()
    reply = job.reply
    return VerificationResult(
        email=job.email,
        email_status=status,
        syntax=job.syntax,
        domain=route.check if route is not None else DomainCheck(),
        mx=hosts,
        mx_tried=tuple(job.mx_tried),
        provider=provider_for(hosts),
        smtp=SmtpCheck(
            code=reply.code if reply else None,
            enhanced_code=reply.enhanced_code if reply else None,
            message=reply.message if reply else None,
            connected=job.connected,
            starttls=job.starttls,
        ),
        catch_all=catch_all,
        disposable=job.disposable,
        role_based=job.role,
        free_provider=job.free,
        score=score(status, reasons, free=job.free),
        reasons=reasons,
    )
