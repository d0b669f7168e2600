"""Technology adoption signals from consecutive snapshots of a company's stack: pure.

A snapshot maps each technology source (``website``: homepage fingerprints, ``dns``: MX,
SPF and verification records) to the product names it saw. Comparing a refresh with the
previous snapshot gives ``adopted_<tech>`` and ``dropped_<tech>`` (``tech_code``: lower
snake case, ``adopted_google_workspace``), ``detected_at`` the refresh time.

Only sources that answered both times are compared, so a source that failed (or has no
baseline yet) never makes a change up; a source that failed keeps its previous list in the
new snapshot (``carry_forward``). A technology is *adopted* when a source sees it that did
not before and no source saw it before; *dropped* when a source no longer sees it and no
source sees it now. The first snapshot of a domain is the baseline: no signals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from cleanlist_server.intent.jobs import IntentSignalData

__all__ = ["Snapshot", "carry_forward", "tech_changes", "tech_code", "union"]

Snapshot = Mapping[str, Sequence[str]]
"""source -> technology names."""

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def tech_code(prefix: str, name: str) -> str:
    """``tech_code("adopted", "Google Workspace")`` -> ``adopted_google_workspace``."""
    slug = _NOT_WORD.sub("_", name.casefold().replace("+", " plus ")).strip("_")
    return f"{prefix}_{slug or 'unknown'}"


def _keyed(names: Iterable[str]) -> dict[str, str]:
    return {name.casefold(): name for name in names}


def union(snapshot: Snapshot) -> list[str]:
    """Every technology of the snapshot, once (first spelling kept), sorted."""
    seen: dict[str, str] = {}
    for names in snapshot.values():
        for key, name in _keyed(names).items():
            seen.setdefault(key, name)
    return sorted(seen.values(), key=str.casefold)


def carry_forward(previous: Snapshot | None, observed: Snapshot) -> dict[str, list[str]]:
    """The new snapshot: what answered now, plus what failed now as it was before."""
    out = {source: list(names) for source, names in (previous or {}).items()}
    out.update({source: sorted(set(names), key=str.casefold) for source, names in observed.items()})
    return out


def tech_changes(
    previous: Snapshot | None,
    observed: Snapshot,
    *,
    previous_at: datetime | None,
    now: datetime,
) -> list[IntentSignalData]:
    """adopted_/dropped_ signals between ``previous`` and what answered now, by code."""
    if not previous:
        return []
    current = carry_forward(previous, observed)
    before_all = {k for names in previous.values() for k in _keyed(names)}
    now_all = {k for names in current.values() for k in _keyed(names)}
    adopted: dict[str, tuple[str, list[str]]] = {}
    dropped: dict[str, tuple[str, list[str]]] = {}
    for source in sorted(set(observed) & set(previous)):
        was, now_seen = _keyed(previous[source]), _keyed(observed[source])
        for key in now_seen.keys() - was.keys() - before_all:
            adopted.setdefault(key, (now_seen[key], []))[1].append(source)
        for key in was.keys() - now_seen.keys() - now_all:
            dropped.setdefault(key, (was[key], []))[1].append(source)
    since = previous_at.isoformat() if previous_at else None
    out = [
        IntentSignalData(
            tech_code(kind, name),
            now,
            ",".join(sources),
            {"technology": name, "sources": sources, "previous_snapshot": since},
        )
        for kind, changes in (("adopted", adopted), ("dropped", dropped))
        for name, sources in changes.values()
    ]
    return sorted(out, key=lambda s: s.code)
