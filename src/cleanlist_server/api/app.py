"""The FastAPI application: routers, error handlers and middleware, nothing else."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from cleanlist_server import __version__, bootstrap
from cleanlist_server.api import errors
from cleanlist_server.api.idempotency import IdempotencyMiddleware
from cleanlist_server.api.middleware import RequestContext
from cleanlist_server.api.routes import (
    credits,
    enrich,
    events,
    health,
    icp_profiles,
    imports,
    leads,
    verify,
)
from cleanlist_server.config import Settings
from cleanlist_server.storage.migrate import migrate

log = logging.getLogger("cleanlist.app")
STATS_FLUSH_SECONDS = 5.0
INTENT_FIRST_CYCLE_SECONDS = 60.0
INTENT_CYCLE_SECONDS = 3600.0


async def _flush_forever(container: bootstrap.Container) -> None:
    """Persist provider statistics every few seconds (and once more at shutdown)."""
    while True:
        await asyncio.sleep(STATS_FLUSH_SECONDS)
        try:
            await container.flush_stats()
        except Exception:  # a failed flush is retried with the next one
            log.exception("could not persist provider statistics")


async def _refresh_intent_forever(container: bootstrap.Container) -> None:
    """Refresh the intent signals that are due, a bounded batch every hour (docs/leads.md)."""
    settings = container.settings
    await asyncio.sleep(INTENT_FIRST_CYCLE_SECONDS)
    while True:
        try:
            reports = await container.intent.refresh_due(settings.intent_refresh_batch)
            if reports:
                log.info("refreshed the intent signals of %d domains", len(reports))
        except Exception:  # the next cycle tries again
            log.exception("intent refresh cycle failed")
        await asyncio.sleep(min(INTENT_CYCLE_SECONDS, settings.intent_refresh_hours * 3600.0))


def create_app(
    settings: Settings | None = None,
    *,
    container: bootstrap.Container | None = None,
    run_migrations: bool = True,
) -> FastAPI:
    settings = settings or (container.settings if container else Settings())
    container = container or bootstrap.build(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if run_migrations:
            await migrate(settings.database_url)
        await container.stats.load()
        tasks = [asyncio.create_task(_flush_forever(container))]
        if settings.intent_refresh_hours > 0:
            tasks.append(asyncio.create_task(_refresh_intent_forever(container)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await container.close()

    app = FastAPI(
        title="Cleanlist-compatible enrichment API",
        version=__version__,
        description="Self-hosted contact and lead enrichment over a waterfall of providers.",
        lifespan=lifespan,
    )
    app.state.container = container
    errors.install(app)
    for module in (health, enrich, leads, icp_profiles, events, credits, imports, verify):
        app.include_router(module.router)
    app.add_middleware(IdempotencyMiddleware, store=container.idempotency)
    app.add_middleware(
        RequestContext, max_body=settings.max_body_bytes, max_import=settings.max_import_bytes
    )
    return app


def app_from_env() -> FastAPI:
    """Uvicorn factory for worker processes (migrations already ran in the parent)."""
    return create_app(Settings(), run_migrations=False)
