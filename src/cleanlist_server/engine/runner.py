"""Call data providers resiliently: deadlines, retries, breakers, concurrency, rate limits.

``ProviderRunner.call`` wraps one ``Provider.lookup`` and always returns an ``Attempt``:
provider trouble (a ``ProviderError``, or the per-attempt deadline expiring) becomes an
error code, never an exception. Anything else a provider raises is a programming error
and propagates.

Per call, with the provider's ``CallPolicy``:
- every attempt runs under ``asyncio.timeout(policy.timeout)``;
- retryable errors (timeouts, rate limiting, ``ProviderUnavailable``) are retried up to
  ``policy.retries`` times, after an exponential backoff with full jitter capped at
  ``backoff_max``; a ``Retry-After`` carried by ``ProviderRateLimited`` replaces the
  backoff. All waiting between attempts of one call shares a budget of
  ``max_retry_after`` seconds: a Retry-After beyond what is left gives up as
  ``rate_limited``, and a backoff is shortened to what is left;
- non-retryable errors (auth, quota, bad response) end the call at once.

Per provider:
- a circuit breaker: ``breaker_failures`` consecutive failed attempts of retryable kinds
  open it; after ``breaker_reset`` seconds it is half-open and lets one trial attempt
  through, which closes it on success (a miss is a success) or opens it again on
  failure. Non-retryable errors neither count nor reset the streak;
- at most ``concurrency`` attempts in flight (an ``asyncio.Semaphore``);
- with ``rate_per_second``, attempts start at least ``1 / rate_per_second`` apart (a
  token bucket holding one token), waiting through the injected ``sleep``.

The clock, sleep and random generator are injectable so tests never really wait.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.providers.base import Provider, ProviderError, ProviderUnavailable

log = logging.getLogger("cleanlist.runner")

ErrorCode = Literal[
    "timeout", "rate_limited", "auth", "quota", "bad_response", "unavailable", "circuit_open"
]
BreakerState = Literal["closed", "open", "half_open"]


# --- errors ------------------------------------------------------------------------


class ProviderTimeout(ProviderUnavailable):
    """The provider did not answer within the deadline."""

    code: ClassVar[ErrorCode] = "timeout"


class ProviderRateLimited(ProviderUnavailable):
    """The provider asked us to slow down (HTTP 429), maybe saying for how long."""

    code: ClassVar[ErrorCode] = "rate_limited"

    def __init__(self, message: str = "rate limited", *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class ProviderAuthError(ProviderError):
    """The key was refused (HTTP 401/403). Not retried; reported, trips nothing."""

    code: ClassVar[ErrorCode] = "auth"


class ProviderQuotaExceeded(ProviderError):
    """Out of credits or over plan (HTTP 402). Not retried."""

    code: ClassVar[ErrorCode] = "quota"


class ProviderBadResponse(ProviderError):
    """Malformed or empty body, HTML instead of JSON, a 200 carrying an error."""

    code: ClassVar[ErrorCode] = "bad_response"


class CircuitOpen(ProviderError):
    """The provider's breaker is open: the call was not attempted."""

    code: ClassVar[ErrorCode] = "circuit_open"


def error_code(exc: ProviderError) -> ErrorCode:
    """The code an ``Attempt`` reports for ``exc``; plain ``ProviderError``s are 'unavailable'."""
    code: ErrorCode = getattr(exc, "code", "unavailable")
    return code


# --- policy and results ------------------------------------------------------------


@dataclass(frozen=True)
class CallPolicy:
    timeout: float = 10.0
    retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 30.0
    concurrency: int = 8
    rate_per_second: float | None = None
    breaker_failures: int = 5
    breaker_reset: float = 30.0

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if self.retries < 0:
            raise ValueError("retries must be >= 0")
        if self.backoff_base < 0 or self.backoff_max < 0 or self.max_retry_after < 0:
            raise ValueError("backoff_base, backoff_max and max_retry_after must be >= 0")
        if self.concurrency < 1:
            raise ValueError("concurrency must be >= 1")
        if self.rate_per_second is not None and self.rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive or None")
        if self.breaker_failures < 1:
            raise ValueError("breaker_failures must be >= 1")
        if self.breaker_reset < 0:
            raise ValueError("breaker_reset must be >= 0")


@dataclass(frozen=True, slots=True)
class Attempt:
    """The outcome of one ``ProviderRunner.call``: a result, or an error code."""

    provider: str
    result: ProviderResult | None
    error: ErrorCode | None
    attempts: int
    elapsed: float
    message: str | None = None
    """The last error's text, for logs and ``skipped`` reports."""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def matched(self) -> bool:
        return self.result is not None and self.result.matched


@dataclass(frozen=True, slots=True)
class ProviderStats:
    name: str
    calls: int = 0
    hits: int = 0
    misses: int = 0
    attempts: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    total_latency: float = 0.0
    breaker: BreakerState = "closed"

    @property
    def mean_latency(self) -> float:
        return self.total_latency / self.calls if self.calls else 0.0


# --- per-provider machinery --------------------------------------------------------


class _Breaker:
    def __init__(self, failures: int, reset: float) -> None:
        self.threshold = failures
        self.reset = reset
        self.state: BreakerState = "closed"
        self.streak = 0
        self.opened_at = 0.0
        self.trial_in_flight = False

    def current(self, now: float) -> BreakerState:
        if self.state == "open" and now - self.opened_at >= self.reset:
            self.state = "half_open"
            self.trial_in_flight = False
        return self.state

    def admit(self, now: float) -> bool:
        state = self.current(now)
        if state == "closed":
            return True
        if state == "half_open" and not self.trial_in_flight:
            self.trial_in_flight = True
            return True
        return False

    def success(self) -> None:
        self.state = "closed"
        self.streak = 0
        self.trial_in_flight = False

    def failure(self, now: float) -> None:
        self.streak += 1
        if self.state == "half_open" or (self.state == "closed" and self.streak >= self.threshold):
            self.state = "open"
            self.opened_at = now
            self.trial_in_flight = False

    def neutral(self) -> None:
        """An outcome that says nothing about availability; frees a half-open trial."""
        self.trial_in_flight = False


class _RateLimiter:
    """A one-token bucket: reserve the next start slot, then sleep until it."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_free: float | None = None

    def reserve(self, now: float) -> float:
        slot = now if self.next_free is None else max(now, self.next_free)
        self.next_free = slot + self.interval
        return slot - now


@dataclass
class _ProviderState:
    breaker: _Breaker
    semaphore: asyncio.Semaphore
    limiter: _RateLimiter | None
    calls: int = 0
    hits: int = 0
    misses: int = 0
    attempts: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    total_latency: float = 0.0


# --- the runner --------------------------------------------------------------------


class ProviderRunner:
    def __init__(
        self,
        policy_for: Callable[[str], CallPolicy],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._policy_for = policy_for
        self._clock = clock
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()
        self._states: dict[str, _ProviderState] = {}

    def _state(self, name: str, policy: CallPolicy) -> _ProviderState:
        # Breaker, semaphore and limiter are built from the provider's first policy.
        state = self._states.get(name)
        if state is None:
            limiter = _RateLimiter(policy.rate_per_second) if policy.rate_per_second else None
            state = _ProviderState(
                breaker=_Breaker(policy.breaker_failures, policy.breaker_reset),
                semaphore=asyncio.Semaphore(policy.concurrency),
                limiter=limiter,
            )
            self._states[name] = state
        return state

    def stats(self, name: str) -> ProviderStats:
        state = self._states.get(name)
        if state is None:
            return ProviderStats(name=name)
        return ProviderStats(
            name=name,
            calls=state.calls,
            hits=state.hits,
            misses=state.misses,
            attempts=state.attempts,
            errors=dict(state.errors),
            total_latency=state.total_latency,
            breaker=state.breaker.current(self._clock()),
        )

    async def call(self, provider: Provider, query: Query) -> Attempt:
        name = provider.name
        policy = self._policy_for(name)
        state = self._state(name, policy)
        breaker = state.breaker
        started = self._clock()
        attempts = 0
        waited = 0.0
        last: ProviderError | None = None

        def finish(result: ProviderResult | None, exc: ProviderError | None) -> Attempt:
            elapsed = max(0.0, self._clock() - started)
            state.calls += 1
            state.total_latency += elapsed
            code = error_code(exc) if exc is not None else None
            if code is not None:
                state.errors[code] += 1
                if code in ("auth", "quota"):
                    log.warning("provider %s: %s (%s)", name, code, exc)
            elif result is not None and result.matched:
                state.hits += 1
            else:
                state.misses += 1
            message = str(exc) if exc is not None else None
            return Attempt(name, result, code, attempts, elapsed, message)

        while True:
            if not breaker.admit(self._clock()):
                return finish(None, last if last is not None else CircuitOpen(name))
            attempts += 1
            state.attempts += 1
            settled = False
            try:
                result = await self._attempt(provider, query, policy, state)
                breaker.success()
                settled = True
                return finish(result, None)
            except ProviderError as exc:
                last = exc
                if exc.retryable:
                    breaker.failure(self._clock())
                else:
                    breaker.neutral()
                settled = True
            finally:
                if not settled:  # cancelled, or a programming error: free any trial slot
                    breaker.neutral()

            if not last.retryable or attempts > policy.retries:
                return finish(None, last)
            budget = max(0.0, policy.max_retry_after - waited)
            retry_after = last.retry_after if isinstance(last, ProviderRateLimited) else None
            if retry_after is not None:
                delay = max(0.0, retry_after)
                if delay > budget:
                    return finish(None, last)
            else:
                cap = min(policy.backoff_max, policy.backoff_base * 2 ** (attempts - 1))
                delay = min(self._rng.uniform(0.0, cap), budget)
            if delay > 0:
                await self._sleep(delay)
                waited += delay

    async def _attempt(
        self, provider: Provider, query: Query, policy: CallPolicy, state: _ProviderState
    ) -> ProviderResult:
        async with state.semaphore:
            if state.limiter is not None:
                wait = state.limiter.reserve(self._clock())
                if wait > 0:
                    await self._sleep(wait)
            try:
                async with asyncio.timeout(policy.timeout):
                    return await provider.lookup(query)
            except TimeoutError as exc:
                raise ProviderTimeout(f"no answer within {policy.timeout:g}s") from exc
