"""Build the waterfall's providers from the configuration (``providers/config.py``).

One place maps a provider name to its implementation: built-ins are constructed from
the services they need; HTTP providers (the commercial ones and Gravatar) are the
``ADAPTER`` of ``providers/vendors/<name>.py``, each with its own egress-checked HTTP
client. A commercial provider without a key is left out (status ``missing_key``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from cleanlist_server.engine.runner import CallPolicy
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.net.http import make_http_client
from cleanlist_server.providers.base import Provider
from cleanlist_server.providers.config import ProviderSettings, WaterfallConfig
from cleanlist_server.verification import VerifierConfig


@dataclass
class BuiltInServices:
    """What the built-in providers are made of (see ``bootstrap.build``)."""

    db: Any
    check_email: Callable[[str], Any]
    verify_batch: Callable[[Any], Any]
    verifier_config: VerifierConfig
    egress: EgressPolicy
    kb_fresh_days: int
    clock: Callable[[], datetime]


def policy(settings: ProviderSettings) -> CallPolicy:
    return CallPolicy(
        timeout=settings.timeout,
        retries=settings.retries,
        concurrency=settings.concurrency,
        rate_per_second=settings.rate_per_second,
        breaker_failures=settings.breaker_failures,
        breaker_reset=settings.breaker_reset,
    )


def http_client(settings: ProviderSettings, egress: EgressPolicy) -> httpx.AsyncClient:
    return make_http_client(
        egress,
        timeout=settings.timeout,
        follow_redirects=False,
        headers={"User-Agent": "cleanlist-server/0.1 (+self-hosted enrichment)"},
    )


def build_provider(settings: ProviderSettings, services: BuiltInServices) -> Provider:
    name = settings.name
    s = services
    if name == "kb":
        from cleanlist_server.providers.kb import KnowledgeBaseProvider

        return KnowledgeBaseProvider(s.db, fresh_days=s.kb_fresh_days, clock=s.clock)
    if name == "email_verifier":
        from cleanlist_server.providers.email_verifier import EmailVerifierProvider

        return EmailVerifierProvider(s.check_email)
    if name == "email_finder":
        from cleanlist_server.providers.email_finder import EmailFinderProvider

        return EmailFinderProvider(s.db, s.verify_batch, clock=s.clock)
    if name == "phone":
        from cleanlist_server.providers.phone import PhoneProvider

        return PhoneProvider(clock=s.clock)
    if name == "website":
        from cleanlist_server.providers.website import WebsiteProvider

        return WebsiteProvider(
            http_client(settings, s.egress),
            url_template=settings.url or "https://{domain}/",
            timeout=settings.timeout,
            clock=s.clock,
        )
    if name == "dns":
        from cleanlist_server.providers.dns_intel import DnsProvider

        return DnsProvider(s.verifier_config, s.egress, clock=s.clock)
    module = importlib.import_module(f"cleanlist_server.providers.vendors.{name}")
    adapter: Any = module.ADAPTER
    provider: Provider = adapter(settings, http_client(settings, s.egress), clock=s.clock)
    return provider


def build_providers(config: WaterfallConfig, services: BuiltInServices) -> list[Provider]:
    """The enabled providers, in configured order (missing keys left out)."""
    out: list[Provider] = []
    for name in config.order:
        settings = config.providers[name]
        if settings.status != "enabled":
            continue
        out.append(build_provider(settings, services))
    return out
