"""Composition root: build storage, providers and services from ``Settings``.

The API, the CLI and (later) the worker all call ``build``; every part can be
replaced by keyword for tests. Nothing connects at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cleanlist_server.config import Settings
from cleanlist_server.engine.waterfall import Waterfall
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.providers.base import Provider
from cleanlist_server.providers.kb import KnowledgeBaseProvider
from cleanlist_server.services.credits import CreditService
from cleanlist_server.services.enrich import ContactEnricher
from cleanlist_server.services.imports import Importer
from cleanlist_server.storage.db import Database
from cleanlist_server.storage.idempotency import IdempotencyStore

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

    async def close(self) -> None:
        await self.db.dispose()


def build(
    settings: Settings,
    *,
    db: Database | None = None,
    providers: Sequence[Provider] | None = None,
    clock: Clock = utcnow,
) -> Container:
    db = db or Database(settings.database_url)
    if providers is None:
        providers = [KnowledgeBaseProvider(db, fresh_days=settings.kb_fresh_days, clock=clock)]
    waterfall = Waterfall(providers)
    grant = settings.free_monthly_credits
    return Container(
        settings=settings,
        db=db,
        egress=EgressPolicy.from_strings(settings.egress_allow, settings.egress_deny),
        waterfall=waterfall,
        contacts=ContactEnricher(db, waterfall, clock=clock, monthly_grant=grant),
        credits=CreditService(db, monthly_grant=grant, clock=clock),
        importer=Importer(db, clock=clock),
        idempotency=IdempotencyStore(db, ttl=timedelta(hours=settings.idempotency_ttl_hours)),
    )
