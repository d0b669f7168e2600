"""Which provider to call next (pure).

- ``static``: the configured order (or the request's ``providers`` order).
- ``adaptive``: the provider with the lowest expected cost per missing field, from what
  the engine has observed: its hit and per-field fill rates, its cost per call and per
  hit, and its mean latency (``LATENCY_COST`` money units per second, so that among free
  providers the fast ones go first). A provider whose expected gain is below
  ``MIN_GAIN`` fields is not worth a call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cleanlist_server.providers.base import Provider

LATENCY_COST = 0.002
"""Money units one second of waiting is worth when ranking providers."""
MIN_GAIN = 0.02
"""Expected new fields below which a provider is not called at all."""
WANTED_WEIGHT = 3.0
"""A missing field the request wants counts this many times an incidental one."""
CONFIRM_WEIGHT = 1.0
"""A second opinion on a doubtful wanted field counts this much (one incidental field)."""


@dataclass(frozen=True, slots=True)
class Outlook:
    """What the engine expects from one provider right now."""

    hit_rate: float
    latency: float
    fill: Callable[[str], float]
    """P(the provider returns this field on a call)."""


def expected_cost(provider: Provider, outlook: Outlook) -> float:
    return (
        provider.cost_per_call
        + outlook.hit_rate * provider.cost_per_hit
        + LATENCY_COST * outlook.latency
    )


def expected_gain(
    provider: Provider,
    missing: frozenset[str],
    outlook: Outlook,
    wanted: frozenset[str] = frozenset(),
    doubtful: frozenset[str] = frozenset(),
) -> float:
    """Expected new fields from one call, wanted ones counted ``WANTED_WEIGHT`` times,
    plus ``CONFIRM_WEIGHT`` per ``doubtful`` field (known, but on weak evidence) it may
    confirm or contradict."""
    new = sum(
        outlook.fill(name) * (WANTED_WEIGHT if name in wanted else 1.0)
        for name in missing & provider.fields
    )
    return new + sum(outlook.fill(name) * CONFIRM_WEIGHT for name in doubtful & provider.fields)


def worth_calling(
    provider: Provider,
    missing: frozenset[str],
    outlook: Outlook,
    wanted: frozenset[str],
    min_value: float | None,
    doubtful: frozenset[str] = frozenset(),
) -> bool:
    """Whether the expected gain pays for the expected cost (``min_value`` fields per
    cost unit; None: always). A free provider is worth any gain above ``MIN_GAIN``."""
    gain = expected_gain(provider, missing, outlook, wanted, doubtful)
    if gain < MIN_GAIN:
        return False
    cost = provider.cost_per_call + outlook.hit_rate * provider.cost_per_hit
    return min_value is None or cost <= 0 or gain / cost >= min_value


def _no_doubt(_: Provider) -> frozenset[str]:
    return frozenset()


def pick_adaptive(
    candidates: Sequence[Provider],
    missing: frozenset[str],
    outlook: Callable[[Provider], Outlook],
    wanted: frozenset[str] = frozenset(),
    doubtful: Callable[[Provider], frozenset[str]] = _no_doubt,
) -> Provider | None:
    """The candidate with the lowest expected cost per expected missing field
    (``doubtful``: the known fields a second opinion from that provider is worth on)."""
    best: tuple[float, int] | None = None
    chosen: Provider | None = None
    for index, provider in enumerate(candidates):
        seen = outlook(provider)
        gain = expected_gain(provider, missing, seen, wanted, doubtful(provider))
        if gain < MIN_GAIN:
            continue
        key = (expected_cost(provider, seen) / gain, index)
        if best is None or key < best:
            best, chosen = key, provider
    return chosen
