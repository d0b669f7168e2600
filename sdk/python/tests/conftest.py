"""Fixtures: a client of either flavour wired to an in-memory transport.

Tests that must hold for both clients take the ``make`` fixture (parametrized sync/async),
write ``await resolve(client.enrich.contact(...))`` and never open a socket.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
from cleanlist import AsyncCleanlist, Cleanlist
from sdkharness import API_KEY, BASE_URL, Harness, Recorder, Reply, resolve


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLEANLIST_API_KEY", raising=False)
    monkeypatch.delenv("CLEANLIST_BASE_URL", raising=False)


@pytest_asyncio.fixture(params=["sync", "async"])
async def make(request: pytest.FixtureRequest) -> AsyncIterator[Callable[..., Harness]]:
    harnesses: list[Harness] = []

    def factory(*replies: Reply, **options: Any) -> Harness:
        recorder = Recorder(*replies)
        options.setdefault("api_key", API_KEY)
        options.setdefault("base_url", BASE_URL)
        cls = Cleanlist if request.param == "sync" else AsyncCleanlist
        harness = Harness(cls(transport=httpx.MockTransport(recorder), **options), recorder)
        if request.param == "sync":
            harness.client._sleep = harness.sleeps.append
        else:

            async def fake_sleep(seconds: float) -> None:
                harness.sleeps.append(seconds)

            harness.client._sleep = fake_sleep
        harnesses.append(harness)
        return harness

    yield factory
    for harness in harnesses:
        await resolve(harness.client.close())
