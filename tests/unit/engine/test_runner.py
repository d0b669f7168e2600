from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.engine.runner import (
    Attempt,
    CallPolicy,
    CircuitOpen,
    ProviderAuthError,
    ProviderBadResponse,
    ProviderQuotaExceeded,
    ProviderRateLimited,
    ProviderRunner,
    ProviderTimeout,
    error_code,
)
from cleanlist_server.providers.base import Provider, ProviderError, ProviderUnavailable

T0 = datetime(2026, 1, 1, tzinfo=UTC)
QUERY = Query(account_id=1, email="ada@example.com")

Handler = Callable[[int], Awaitable[ProviderResult]]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeSleep:
    """Records delays and moves the fake clock instead of waiting."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        wake = self.clock.now + delay
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would
        self.clock.now = max(self.clock.now, wake)


class MaxRandom(random.Random):
    """Full jitter always at its ceiling, to see the backoff caps."""

    def uniform(self, a: float, b: float) -> float:
        return b


class FakeProvider:
    requires_key = False
    cost_per_call = 0.0
    cost_per_hit = 0.0
    fields = frozenset({"title"})

    def __init__(self, name: str, handler: Handler) -> None:
        self.name = name
        self.handler = handler
        self.calls = 0

    def accepts(self, query: Query) -> bool:
        return True

    async def lookup(self, query: Query) -> ProviderResult:
        self.calls += 1
        return await self.handler(self.calls)


def hit(name: str = "p") -> ProviderResult:
    return ProviderResult(
        provider=name, matched=True, fields={"title": FieldValue("CTO", name, T0, 0.9)}
    )


def scripted(name: str, *outcomes: ProviderResult | ProviderError) -> FakeProvider:
    """A provider answering each call with the next outcome; the last one repeats."""

    async def handler(n: int) -> ProviderResult:
        outcome = outcomes[min(n, len(outcomes)) - 1]
        if isinstance(outcome, ProviderError):
            raise outcome
        return outcome

    return FakeProvider(name, handler)


class Harness:
    def __init__(self, rng: random.Random | None = None, **policy: object) -> None:
        self.clock = FakeClock()
        self.sleep = FakeSleep(self.clock)
        self.policy = CallPolicy(**policy)  # type: ignore[arg-type]
        self.runner = ProviderRunner(
            lambda _name: self.policy,
            clock=self.clock,
            sleep=self.sleep,
            rng=rng if rng is not None else random.Random(7),
        )

    async def call(self, provider: Provider) -> Attempt:
        return await self.runner.call(provider, QUERY)


def test_fake_provider_satisfies_protocol() -> None:
    assert isinstance(scripted("p", hit()), Provider)


# --- outcomes ----------------------------------------------------------------------


async def test_success_first_try() -> None:
    h = Harness()
    attempt = await h.call(scripted("p", hit()))
    assert attempt.ok and attempt.matched
    assert attempt.error is None and attempt.message is None
    assert attempt.attempts == 1
    assert attempt.result is not None and attempt.result.fields["title"].value == "CTO"
    assert h.sleep.delays == []
    stats = h.runner.stats("p")
    assert (stats.calls, stats.hits, stats.misses, stats.errors) == (1, 1, 0, {})


async def test_miss_is_counted_and_not_retried() -> None:
    h = Harness()
    provider = scripted("p", ProviderResult.miss("p"))
    attempt = await h.call(provider)
    assert attempt.ok and not attempt.matched
    assert attempt.attempts == 1 and provider.calls == 1
    stats = h.runner.stats("p")
    assert (stats.calls, stats.hits, stats.misses) == (1, 0, 1)


async def test_retries_then_success() -> None:
    h = Harness(backoff_base=0.5)
    provider = scripted("p", ProviderUnavailable("503"), ProviderTimeout("slow"), hit())
    attempt = await h.call(provider)
    assert attempt.ok and attempt.matched
    assert attempt.attempts == 3 and provider.calls == 3
    assert len(h.sleep.delays) == 2
    first, second = h.sleep.delays
    assert 0 <= first <= 0.5 and 0 <= second <= 1.0  # full jitter under 0.5 * 2**n
    assert attempt.elapsed == pytest.approx(first + second)
    assert h.runner.stats("p").attempts == 3


async def test_retry_exhausted_reports_last_error() -> None:
    h = Harness(retries=2)
    provider = scripted("p", ProviderUnavailable("503 from upstream"))
    attempt = await h.call(provider)
    assert attempt.result is None and not attempt.ok
    assert attempt.error == "unavailable" and attempt.message == "503 from upstream"
    assert attempt.attempts == 3 and provider.calls == 3
    assert len(h.sleep.delays) == 2
    assert h.runner.stats("p").errors == {"unavailable": 1}


async def test_backoff_is_exponential_and_capped() -> None:
    h = Harness(rng=MaxRandom(), retries=5, backoff_base=1.0, backoff_max=3.0, breaker_failures=10)
    attempt = await h.call(scripted("p", ProviderUnavailable("down")))
    assert attempt.attempts == 6
    assert h.sleep.delays == [1.0, 2.0, 3.0, 3.0, 3.0]


async def test_backoff_shortened_to_remaining_wait_budget() -> None:
    h = Harness(rng=MaxRandom(), retries=3, backoff_base=4.0, backoff_max=8.0, max_retry_after=10.0)
    attempt = await h.call(scripted("p", ProviderUnavailable("down")))
    assert attempt.attempts == 4
    assert h.sleep.delays == [4.0, 6.0]  # 4 + 8 would overrun the 10 s budget; then none left
    assert sum(h.sleep.delays) <= 10.0


async def test_retry_after_is_honoured() -> None:
    h = Harness()
    provider = scripted("p", ProviderRateLimited(retry_after=3.0), hit())
    attempt = await h.call(provider)
    assert attempt.ok and attempt.attempts == 2
    assert h.sleep.delays == [3.0]  # instead of the (smaller) jittered backoff


async def test_retry_after_beyond_cap_gives_up() -> None:
    h = Harness(max_retry_after=30.0)
    provider = scripted("p", ProviderRateLimited(retry_after=100.0), hit())
    attempt = await h.call(provider)
    assert attempt.error == "rate_limited"
    assert attempt.attempts == 1 and provider.calls == 1
    assert h.sleep.delays == []


async def test_retry_after_budget_is_shared_across_retries() -> None:
    h = Harness(retries=5, max_retry_after=30.0)
    provider = scripted(
        "p", ProviderRateLimited(retry_after=20.0), ProviderRateLimited(retry_after=20.0), hit()
    )
    attempt = await h.call(provider)
    assert attempt.error == "rate_limited" and attempt.attempts == 2
    assert h.sleep.delays == [20.0]


async def test_rate_limited_without_retry_after_backs_off() -> None:
    h = Harness(rng=MaxRandom(), backoff_base=0.5)
    attempt = await h.call(scripted("p", ProviderRateLimited(), hit()))
    assert attempt.ok and h.sleep.delays == [0.5]


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (ProviderAuthError("401"), "auth"),
        (ProviderQuotaExceeded("402 out of credits"), "quota"),
        (ProviderBadResponse("HTML instead of JSON"), "bad_response"),
        (ProviderError("something odd"), "unavailable"),
    ],
)
async def test_non_retryable_errors_are_not_retried(exc: ProviderError, code: str) -> None:
    h = Harness(retries=3, breaker_failures=2)
    provider = scripted("p", exc)
    for _ in range(4):
        attempt = await h.call(provider)
        assert attempt.error == code and attempt.attempts == 1
    assert provider.calls == 4  # never retried, and never tripped the breaker
    assert h.sleep.delays == []
    stats = h.runner.stats("p")
    assert stats.errors == {code: 4} and stats.breaker == "closed"


def test_error_codes() -> None:
    assert error_code(ProviderTimeout()) == "timeout"
    assert error_code(ProviderRateLimited(retry_after=1)) == "rate_limited"
    assert error_code(CircuitOpen()) == "circuit_open"
    assert error_code(ProviderUnavailable()) == "unavailable"
    assert ProviderTimeout.retryable and ProviderRateLimited.retryable
    assert not ProviderAuthError.retryable and not ProviderQuotaExceeded.retryable
    assert not ProviderBadResponse.retryable


async def test_programming_errors_propagate() -> None:
    async def broken(n: int) -> ProviderResult:
        raise KeyError("oops")

    h = Harness()
    with pytest.raises(KeyError):
        await h.call(FakeProvider("p", broken))


# --- timeouts ----------------------------------------------------------------------


async def test_hanging_provider_times_out() -> None:
    async def hang(n: int) -> ProviderResult:
        await asyncio.sleep(10)
        return hit()

    h = Harness(timeout=0.05, retries=0)
    attempt = await h.call(FakeProvider("p", hang))
    assert attempt.error == "timeout" and attempt.attempts == 1
    assert attempt.message is not None and "0.05" in attempt.message
    assert h.runner.stats("p").errors == {"timeout": 1}


async def test_timeout_is_per_attempt_and_retried() -> None:
    async def hang_once(n: int) -> ProviderResult:
        if n == 1:
            await asyncio.sleep(10)
        return hit()

    h = Harness(timeout=0.05, retries=1)
    attempt = await h.call(FakeProvider("p", hang_once))
    assert attempt.ok and attempt.attempts == 2


# --- circuit breaker ---------------------------------------------------------------


async def test_breaker_opens_after_consecutive_failures() -> None:
    h = Harness(retries=0, breaker_failures=3)
    provider = scripted("p", ProviderUnavailable("down"))
    for _ in range(3):
        assert (await h.call(provider)).error == "unavailable"
    assert h.runner.stats("p").breaker == "open"
    attempt = await h.call(provider)
    assert attempt.error == "circuit_open" and attempt.attempts == 0
    assert provider.calls == 3  # not called while open
    assert h.runner.stats("p").errors == {"unavailable": 3, "circuit_open": 1}


async def test_breaker_counts_attempts_and_stops_retrying_when_open() -> None:
    h = Harness(retries=5, breaker_failures=3)
    provider = scripted("p", ProviderTimeout("slow"))
    attempt = await h.call(provider)
    assert attempt.error == "timeout"  # the real cause, not circuit_open
    assert attempt.attempts == 3 and provider.calls == 3
    assert h.runner.stats("p").breaker == "open"


async def test_success_resets_the_failure_streak() -> None:
    h = Harness(retries=0, breaker_failures=3)
    down = ProviderUnavailable("down")
    provider = scripted("p", down, down, hit(), down, down, hit())
    for _ in range(6):
        await h.call(provider)
    assert provider.calls == 6
    assert h.runner.stats("p").breaker == "closed"


async def test_half_open_lets_one_trial_through_and_closes_on_success() -> None:
    h = Harness(retries=0, breaker_failures=2, breaker_reset=30.0)
    release = asyncio.Event()

    async def handler(n: int) -> ProviderResult:
        if n <= 2:
            raise ProviderUnavailable("down")
        await release.wait()
        return hit()

    provider = FakeProvider("p", handler)
    await h.call(provider)
    await h.call(provider)
    assert h.runner.stats("p").breaker == "open"

    h.clock.now += 29.0
    assert (await h.call(provider)).error == "circuit_open"
    h.clock.now += 1.0
    assert h.runner.stats("p").breaker == "half_open"

    trial = asyncio.create_task(h.call(provider))
    await asyncio.sleep(0)
    assert provider.calls == 3  # the trial is in flight
    blocked = await h.call(provider)
    assert blocked.error == "circuit_open" and provider.calls == 3

    release.set()
    assert (await trial).ok
    assert h.runner.stats("p").breaker == "closed"
    assert (await h.call(provider)).ok


async def test_failed_trial_reopens_the_breaker() -> None:
    h = Harness(retries=3, breaker_failures=2, breaker_reset=10.0)
    provider = scripted("p", ProviderUnavailable("down"))
    await h.call(provider)  # two attempts, then open
    assert provider.calls == 2 and h.runner.stats("p").breaker == "open"

    h.clock.now += 10.0
    trial = await h.call(provider)
    assert trial.error == "unavailable" and trial.attempts == 1  # one trial, no retries
    assert provider.calls == 3 and h.runner.stats("p").breaker == "open"
    assert (await h.call(provider)).error == "circuit_open"

    h.clock.now += 10.0
    assert h.runner.stats("p").breaker == "half_open"


async def test_trial_slot_freed_after_non_retryable_error_or_cancellation() -> None:
    h = Harness(retries=0, breaker_failures=1, breaker_reset=5.0)
    gate = asyncio.Event()

    async def handler(n: int) -> ProviderResult:
        if n == 1:
            raise ProviderUnavailable("down")
        if n == 2:
            raise ProviderAuthError("403")
        if n == 3:
            await gate.wait()
        return hit()

    provider = FakeProvider("p", handler)
    await h.call(provider)
    h.clock.now += 5.0
    assert (await h.call(provider)).error == "auth"
    assert h.runner.stats("p").breaker == "half_open"

    trial = asyncio.create_task(h.call(provider))
    await asyncio.sleep(0)
    trial.cancel()
    with pytest.raises(asyncio.CancelledError):
        await trial
    assert (await h.call(provider)).ok  # the trial slot was given back
    assert h.runner.stats("p").breaker == "closed"


async def test_breakers_are_per_provider() -> None:
    h = Harness(retries=0, breaker_failures=1)
    await h.call(scripted("a", ProviderUnavailable("down")))
    assert h.runner.stats("a").breaker == "open"
    assert (await h.call(scripted("b", hit("b")))).ok
    assert h.runner.stats("b").breaker == "closed"


# --- concurrency and rate limits ---------------------------------------------------


async def test_concurrency_limit_is_respected() -> None:
    h = Harness(concurrency=2)
    in_flight = 0
    peak = 0

    async def handler(n: int) -> ProviderResult:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(3):
            await asyncio.sleep(0)
        in_flight -= 1
        return hit()

    provider = FakeProvider("p", handler)
    attempts = await asyncio.gather(*(h.call(provider) for _ in range(7)))
    assert all(a.ok for a in attempts)
    assert peak == 2 and provider.calls == 7


async def test_rate_limit_spaces_sequential_calls() -> None:
    h = Harness(rate_per_second=2.0)
    starts: list[float] = []

    async def handler(n: int) -> ProviderResult:
        starts.append(h.clock.now)
        return hit()

    provider = FakeProvider("p", handler)
    for _ in range(4):
        await h.call(provider)
    assert starts == [0.0, 0.5, 1.0, 1.5]
    assert h.sleep.delays == [0.5, 0.5, 0.5]


async def test_rate_limit_spaces_concurrent_calls() -> None:
    h = Harness(rate_per_second=4.0)
    starts: list[float] = []

    async def handler(n: int) -> ProviderResult:
        starts.append(h.clock.now)
        return hit()

    await asyncio.gather(*(h.call(FakeProvider("p", handler)) for _ in range(4)))
    assert sorted(starts) == [0.0, 0.25, 0.5, 0.75]


async def test_rate_limit_refills_after_idle_time() -> None:
    h = Harness(rate_per_second=1.0)
    provider = scripted("p", hit())
    await h.call(provider)
    h.clock.now += 5.0
    await h.call(provider)
    assert h.sleep.delays == []


async def test_no_rate_limit_means_no_waiting() -> None:
    h = Harness()
    provider = scripted("p", hit())
    for _ in range(5):
        await h.call(provider)
    assert h.sleep.delays == []


# --- stats and policy --------------------------------------------------------------


async def test_stats_accumulate() -> None:
    h = Harness(rng=MaxRandom(), retries=1, backoff_base=1.0)
    await h.call(scripted("p", hit()))
    await h.call(scripted("p", ProviderResult.miss("p")))
    await h.call(scripted("p", ProviderUnavailable("503"), hit()))
    await h.call(scripted("p", ProviderQuotaExceeded("402")))
    stats = h.runner.stats("p")
    assert (stats.calls, stats.hits, stats.misses, stats.attempts) == (4, 2, 1, 5)
    assert stats.errors == {"quota": 1}
    assert stats.total_latency == pytest.approx(1.0)  # the one backoff, on the fake clock
    assert stats.mean_latency == pytest.approx(0.25)


def test_stats_of_unknown_provider() -> None:
    stats = Harness().runner.stats("never")
    assert (stats.calls, stats.errors, stats.breaker, stats.mean_latency) == (0, {}, "closed", 0.0)


async def test_policy_is_looked_up_by_provider_name() -> None:
    seen: list[str] = []

    def policy_for(name: str) -> CallPolicy:
        seen.append(name)
        return CallPolicy(retries=0) if name == "fragile" else CallPolicy(retries=2)

    clock = FakeClock()
    runner = ProviderRunner(policy_for, clock=clock, sleep=FakeSleep(clock))
    fragile = await runner.call(scripted("fragile", ProviderUnavailable("x")), QUERY)
    sturdy = await runner.call(scripted("sturdy", ProviderUnavailable("x")), QUERY)
    assert (fragile.attempts, sturdy.attempts) == (1, 3)
    assert seen == ["fragile", "sturdy"]


@pytest.mark.parametrize(
    "bad",
    [
        {"timeout": 0},
        {"retries": -1},
        {"concurrency": 0},
        {"rate_per_second": 0},
        {"breaker_failures": 0},
        {"backoff_base": -1},
    ],
)
def test_policy_rejects_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        CallPolicy(**bad)  # type: ignore[arg-type]
