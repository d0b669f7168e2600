"""A small in-process TTL cache with single-flight loading (one lookup per key at a time)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    def __init__(self, *, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self._entries: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, asyncio.Task[tuple[V, float]]] = {}
        self._max = max_entries
        self._clock = clock

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= self._clock():
            del self._entries[key]
            return None
        return value

    def set(self, key: K, value: V, ttl: float) -> None:
        if ttl <= 0:
            self._entries.pop(key, None)
            return
        if len(self._entries) >= self._max:
            self._evict()
        self._entries[key] = (self._clock() + ttl, value)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[tuple[V, float]]]) -> V:
        """The cached value, or ``load()``'s (value, ttl); concurrent callers share one load."""
        cached = self.get(key)
        if cached is not None:
            return cached
        task = self._loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load))
            self._loading[key] = task
        return (await asyncio.shield(task))[0]

    async def _load(
        self, key: K, load: Callable[[], Awaitable[tuple[V, float]]]
    ) -> tuple[V, float]:
        try:
            value, ttl = await load()
            self.set(key, value, ttl)
            return value, ttl
        finally:
            self._loading.pop(key, None)

    def _evict(self) -> None:
        now = self._clock()
        for key in [k for k, (expires, _) in self._entries.items() if expires <= now]:
            del self._entries[key]
        while len(self._entries) >= self._max:
            del self._entries[next(iter(self._entries))]  # oldest inserted first
