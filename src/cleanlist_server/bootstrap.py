"""Composition root: build storage, providers and services from ``Settings``.

The API, the CLI and (later) the worker all call ``build``; every part can be
replaced by keyword for tests. Nothing connects at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cleanlist_server.config import Settings
from cleanlist_server.engine.calibration import Calibrator
from cleanlist_server.engine.runner import CallPolicy, ProviderRunner
from cleanlist_server.engine.stats import Learning, StatsStore
from cleanlist_server.engine.waterfall import Waterfall
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.providers.base import Provider
from cleanlist_server.providers.config import WaterfallConfig, load_provider_config
from cleanlist_server.providers.registry import BuiltInServices, build_providers, policy
from cleanlist_server.services.credits import CreditService
from cleanlist_server.services.enrich import ContactEnricher
from cleanlist_server.services.events import EventService
from cleanlist_server.services.icp_profiles import ProfileService
from cleanlist_server.services.imports import Importer
from cleanlist_server.services.intent import IntentService, build_sources
from cleanlist_server.services.leads import LeadEnricher
from cleanlist_server.services.verify import VerifyService
from cleanlist_server.services.verify import store as store_check
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.idempotency import IdempotencyStore
from cleanlist_server.verification import EmailVerifier, VerifierConfig

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Container:
    settings: Settings
    db: Database
    egress: EgressPolicy
    waterfall: Waterfall
    contacts: ContactEnricher
    credits: CreditService
    importer: Importer
    idempotency: IdempotencyStore
    verifier: VerifyService
    provider_config: WaterfallConfig
    stats: StatsStore
    profiles: ProfileService
    intent: IntentService
    leads: LeadEnricher
    events: EventService

    async def flush_stats(self) -> None:
        await self.stats.flush(p.name for p in self.waterfall.providers)

    async def close(self) -> None:
        try:
            await self.flush_stats()
        finally:
            try:
                await self.intent.close()
            finally:
                await self.db.dispose()


def verifier_config(settings: Settings) -> VerifierConfig:
    """The verifier's knobs from the settings (names in docs/configuration.md)."""
    return VerifierConfig(
        dns_nameservers=settings.csv("dns_nameservers"),
        dns_timeout=settings.dns_timeout,
        smtp_port=settings.smtp_port,
        helo=settings.smtp_helo or None,
        from_address=settings.smtp_from or None,
        starttls=settings.smtp_starttls,
        proxy=settings.smtp_proxy or None,
        connect_timeout=settings.smtp_connect_timeout,
        command_timeout=settings.smtp_command_timeout,
        address_deadline=settings.verify_deadline,
        batch_deadline=settings.verify_batch_deadline,
        max_connections_per_mx=settings.smtp_max_connections_per_mx,
        max_concurrency=settings.verify_concurrency,
        greylist_retry_after=settings.greylist_retry_after,
        catch_all_ttl=float(settings.catch_all_ttl),
        allow_test_domains=settings.allow_test_domains,
        extra_disposable=settings.csv("extra_disposable_domains"),
        extra_free=settings.csv("extra_free_domains"),
        extra_roles=settings.csv("extra_role_accounts"),
    )


def build(
    settings: Settings,
    *,
    db: Database | None = None,
    providers: Sequence[Provider] | None = None,
    provider_config: WaterfallConfig | None = None,
    clock: Clock = utcnow,
) -> Container:
    db = db or Database(settings.database_url)
    egress = EgressPolicy.from_strings(settings.egress_allow, settings.egress_deny)
    config = verifier_config(settings)
    verify = VerifyService(
        db,
        lambda: EmailVerifier(config, egress),
        cache_days=settings.verify_cache_days,
        clock=clock,
    )
    provider_config = provider_config or load_provider_config()
    if providers is None:
        services = BuiltInServices(
            db=db,
            check_email=verify.recent_or_new,
            verify_batch=verify.verify_batch,
            verifier_config=config,
            egress=egress,
            kb_fresh_days=settings.kb_fresh_days,
            clock=clock,
        )
        providers = build_providers(provider_config, services)
    policies = {name: policy(p) for name, p in provider_config.providers.items()}
    runner = ProviderRunner(lambda name: policies.get(name) or CallPolicy())
    learning = Learning()
    waterfall = Waterfall(
        providers,
        runner,
        strategy=provider_config.strategy,
        parallel=provider_config.parallel,
        learning=learning,
        calibrator=Calibrator.shipped(),
        clock=clock,
    )
    grant = settings.free_monthly_credits
    contacts = ContactEnricher(
        db,
        waterfall,
        clock=clock,
        monthly_grant=grant,
        check_email=verify.recent_or_new,
        store_check=store_check,
    )
    profiles = ProfileService(db, clock=clock, half_life_days=settings.intent_half_life_days)
    intent = IntentService(
        db,
        lambda: build_sources(settings, provider_config, egress, config, clock),
        clock=clock,
        refresh_hours=settings.intent_refresh_hours,
        inline_timeout=settings.intent_inline_timeout,
    )
    return Container(
        settings=settings,
        db=db,
        egress=egress,
        waterfall=waterfall,
        contacts=contacts,
        credits=CreditService(db, monthly_grant=grant, clock=clock),
        importer=Importer(db, clock=clock),
        idempotency=IdempotencyStore(db, ttl=timedelta(hours=settings.idempotency_ttl_hours)),
        verifier=verify,
        provider_config=provider_config,
        stats=StatsStore(db, runner, learning, clock=clock),
        profiles=profiles,
        intent=intent,
        leads=LeadEnricher(contacts, profiles, intent, clock=clock),
        events=EventService(db, clock=clock),
    )
