"""Commercial intent feeds: a ``Provider`` that also answers ``company_signals``.

The plug-in point for a vendor's company signals (Lusha's Company Signals, and the next
one): implement ``IntentFeed`` on the vendor's adapter, in its one module under
``providers/vendors/``, and ``services/intent.py`` calls it on every refresh of a domain
once the provider is enabled with a key. See ``docs/intent-feeds.md``.

Contract of ``company_signals(domain, since)``:

- the company's signals detected on or after ``since`` (aware UTC), at most one per
  code, codes in stable lower snake case (``hiring_surge``, ``headcount_growth``, ...);
- each ``detected_at`` aware UTC and never later than the provider's clock, ``source``
  the provider's ``name`` (the refresh stores and replaces a feed's signals by it), and
  ``evidence`` a small JSON-able dict saying why;
- a company the vendor does not know is ``[]``, never an exception; trouble (timeouts,
  5xx, 429, bad keys, no credits) raises the ``ProviderError`` subclasses of
  ``engine/runner.py``, translated in the adapter's one place (``HttpProvider.fetch``).

``FeedItem`` and ``merge_items`` are the shared mapping step: an adapter turns each
vendor item into a ``FeedItem`` (our code, its date, what to show) and ``merge_items``
keeps one signal per code. ``build_feeds`` finds the feeds among the configured providers
(the provider registry builds them; nothing connects until a refresh asks).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from cleanlist_server.intent.jobs import IntentSignalData
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.providers.base import Provider
from cleanlist_server.providers.config import COMMERCIAL, WaterfallConfig
from cleanlist_server.verification import VerifierConfig

__all__ = ["MAX_EXAMPLES", "FeedItem", "IntentFeed", "build_feeds", "merge_items"]

MAX_EXAMPLES = 3


@runtime_checkable
class IntentFeed(Provider, Protocol):
    """A provider that also sells company intent signals (see the module docstring)."""

    cost_per_signal: float
    """What one matched vendor signal costs, in the unit of ``cost_per_hit`` (the refresh
    report multiplies it by the signals' ``evidence["count"]``)."""

    async def company_signals(self, domain: str, since: datetime) -> list[IntentSignalData]:
        """The company's signals since ``since``; ``[]`` when the vendor does not know it."""
        ...


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One vendor signal mapped to our code: when it happened and what to show of it."""

    code: str
    detected_at: datetime
    vendor_type: str
    detail: Mapping[str, Any] = field(default_factory=dict, hash=False)


def merge_items(
    items: Iterable[FeedItem], *, source: str, since: datetime, now: datetime
) -> list[IntentSignalData]:
    """One signal per code, sorted by code: ``detected_at`` the newest item (capped at
    ``now``; items before ``since`` dropped), ``evidence`` the count, the vendor types
    and up to ``MAX_EXAMPLES`` items, newest first."""
    groups: dict[str, list[FeedItem]] = {}
    for item in items:
        if item.detected_at >= since:
            groups.setdefault(item.code, []).append(item)
    out = []
    for code in sorted(groups):
        group = sorted(groups[code], key=lambda i: (-i.detected_at.timestamp(), i.vendor_type))
        evidence = {
            "count": len(group),
            "signal_types": sorted({i.vendor_type for i in group}),
            "examples": [
                {"type": i.vendor_type, "date": i.detected_at.date().isoformat(), **i.detail}
                for i in group[:MAX_EXAMPLES]
            ],
        }
        out.append(IntentSignalData(code, min(group[0].detected_at, now), source, evidence))
    return out


def build_feeds(
    provider_config: WaterfallConfig,
    egress: EgressPolicy,
    verifier_config: VerifierConfig,
    clock: Callable[[], datetime],
    only: Sequence[str] | None = None,
) -> list[IntentFeed]:
    """The enabled commercial providers with a key whose adapter is an ``IntentFeed``, in
    waterfall order, built by the provider registry (each with its own HTTP client);
    ``only`` (``CLEANLIST_INTENT_FEEDS``) narrows them to those names."""
    from cleanlist_server.providers.registry import BuiltInServices, build_provider

    def unused(_: Any) -> Any:  # commercial adapters use only the egress policy and clock
        raise RuntimeError("not a built-in provider")

    services = BuiltInServices(None, unused, unused, verifier_config, egress, 0, clock)
    feeds: list[IntentFeed] = []
    for name in provider_config.order:
        settings = provider_config.providers[name]
        if name not in COMMERCIAL or settings.status != "enabled" or not _is_feed(name):
            continue
        if only is not None and name not in only:
            continue
        provider = build_provider(settings, services)
        if isinstance(provider, IntentFeed):
            feeds.append(provider)
    return feeds


def _is_feed(name: str) -> bool:
    """Whether the adapter class answers ``company_signals`` (asked before building it,
    so the providers that are no feed open no client here)."""
    module = importlib.import_module(f"cleanlist_server.providers.vendors.{name}")
    return callable(getattr(getattr(module, "ADAPTER", None), "company_signals", None))
