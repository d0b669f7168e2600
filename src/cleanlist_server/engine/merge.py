"""Field-by-field merge of provider answers (pure).

For each field: prefer the value confirmed by the most independent sources, then the
most recently observed, then the provider that ran first (the configured order).
Rejected candidates are kept for ``?expand=provenance``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cleanlist_server.domain.records import FieldValue, ProviderResult


@dataclass(frozen=True, slots=True)
class Merged:
    winners: dict[str, FieldValue]
    rejected: dict[str, list[FieldValue]]


def _key(value: object) -> object:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, list):
        return tuple(value)
    return value


def merge(results: Sequence[ProviderResult]) -> Merged:
    matched = [r for r in results if r.matched]
    if len(matched) == 1:  # nothing to arbitrate
        only = matched[0].fields
        return Merged({k: fv for k, fv in only.items() if fv.value is not None}, {})
    candidates: dict[str, list[tuple[int, FieldValue]]] = {}
    for rank, result in enumerate(matched):
        for name, fv in result.fields.items():
            if fv.value is not None:
                candidates.setdefault(name, []).append((rank, fv))
    winners: dict[str, FieldValue] = {}
    rejected: dict[str, list[FieldValue]] = {}
    for name, cands in candidates.items():
        support: dict[object, int] = {}
        for _, fv in cands:
            support[_key(fv.value)] = support.get(_key(fv.value), 0) + 1
        best = min(
            cands,
            key=lambda c: (-support[_key(c[1].value)], -c[1].observed_at.timestamp(), c[0]),
        )[1]
        agreeing = support[_key(best.value)]
        if agreeing > 1:
            boosted = min(0.99, 1 - (1 - best.confidence) / agreeing)
            best = FieldValue(best.value, best.source, best.observed_at, round(boosted, 4))
        winners[name] = best
        losers = [fv for _, fv in cands if _key(fv.value) != _key(best.value)]
        if losers:
            rejected[name] = losers
    return Merged(winners=winners, rejected=rejected)
