"""One loopback HTTP server for the whole market: every vendor's API, websites, truth, stats.

``MarketServer`` runs a Starlette app under uvicorn on ``127.0.0.1`` (port 0 picks a free
one) in a background thread with its own event loop. Routes:

- ``/<vendor>/<rest>``: any method, handed to that vendor's ``WIRE`` as a ``MarketRequest``
  with path ``/<rest>``. Per request, in order: the profile's latency (``asyncio.sleep``,
  times ``latency_scale``); the key check (``WIRE.key_of`` must equal the market's key,
  ``sandbox-<vendor>-key`` by default, else ``WIRE.error("auth")``; the special keys
  ``sandbox-<vendor>-nocredits`` and ``sandbox-<vendor>-ratelimited`` give ``quota`` and
  ``rate_limited``); fault injection at the profile's ``failure_rate``, deterministic per
  (seed, vendor, request number); then ``WIRE.handle`` with the vendor's ``MarketView``.
- ``GET /sites/<domain>/``: the company homepage (``sites.render_homepage``), 404 if unknown.
- ``GET /_market/stats`` (``DELETE`` resets), ``GET /_market/truth/<person_id>``,
  ``POST /_market/vendors/<vendor>`` to force a vendor's behaviour (loopback clients only).

Fault kinds (``views.FAULT_KINDS``): ``server`` and ``rate_limited`` (the vendor's own error
responses), ``html`` (200 with an HTML page), ``empty`` (200, empty body), ``truncated``
(the real JSON answer cut in half), ``text_plain`` (the real JSON labelled ``text/plain``)
and ``hang`` (no answer for ``hang_seconds``, released at once by ``stop()``).

Units are charged like the vendors charge: ``cost_per_call`` for every answered request,
plus ``cost_per_hit`` when the view found something (a person, a company, a domain's people,
or a verdict other than ``unknown``); errors, ``server``/``rate_limited``/``html``/``empty``
and ``hang`` faults are free, ``truncated``/``text_plain`` answers are charged (the vendor
did the work).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import ipaddress
import json
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, cast

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from cleanlist_server.intent.jobs import BOARDS

from .model import Population
from .views import FAULT_KINDS, MarketView, PopulationIndex, VendorProfile
from .wire import (
    EmailVerdict,
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorCompanyRecord,
    VendorRecord,
    VendorView,
    VendorWire,
)

__all__ = ["MarketServer", "VendorStats", "default_key", "load_wires", "special_key"]

log = logging.getLogger("cleanlist.sandbox.market")

HANG_SECONDS = 30.0
_START_TIMEOUT = 10.0
_HTML_FAULT = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<h1>Checking your browser before accessing the API</h1>"
    "<p>This process is automatic. Please allow up to 5 seconds.</p></body></html>"
)


# Snov.io's key is a pair, "<client_id>:<client_secret>" (the adapter's and the wire's format).
_KEY_TAILS = {"snov": ":sandbox-snov-secret"}


def default_key(vendor: str) -> str:
    """The market's key for a vendor: ``sandbox-<vendor>-key`` (Snov: ``...-key:<secret>``)."""
    return special_key(vendor, "key")


def special_key(vendor: str, kind: str) -> str:
    """``sandbox-<vendor>-<kind>`` in the vendor's key format (``nocredits``, ``ratelimited``)."""
    return f"sandbox-{vendor}-{kind}{_KEY_TAILS.get(vendor, '')}"


def load_wires(names: Iterable[str]) -> dict[str, VendorWire]:
    """Each vendor's ``WIRE`` from ``vendors/<name>.py``; a missing module is skipped (logged)."""
    wires: dict[str, VendorWire] = {}
    for name in names:
        try:
            module = importlib.import_module(f"cleanlist_server.sandbox.market.vendors.{name}")
            wires[name] = cast(VendorWire, module.WIRE)
        except (ImportError, AttributeError) as exc:
            log.warning("sandbox market: vendor %s is not served (%s)", name, exc)
    return wires


@dataclass
class VendorStats:
    """Counters of one vendor since the start (or the last reset)."""

    requests: int = 0
    hits: int = 0
    misses: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    """Refused before the wire ran: ``auth``, ``quota``, ``rate_limited`` (special keys)."""
    faults: Counter[str] = field(default_factory=Counter)
    units: float = 0.0
    wire_errors: int = 0
    """Exceptions raised by the wire (answered 500)."""

    def as_dict(self, unit: str) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "hits": self.hits,
            "misses": self.misses,
            "errors": dict(self.errors),
            "faults": dict(self.faults),
            "units": round(self.units, 6),
            "unit": unit,
            "wire_errors": self.wire_errors,
        }


@dataclass
class _Override:
    failure_rate: float | None = None
    latency_scale: float | None = None
    fault: str | None = None


class _CountingView:
    """The vendor's view, noting whether this request found anything (for hits and units)."""

    def __init__(self, view: MarketView) -> None:
        self.view = view
        self.name = view.name
        self.found = False

    def person(
        self,
        *,
        email: str | None = None,
        linkedin_url: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        full_name: str | None = None,
        company_domain: str | None = None,
        company_name: str | None = None,
    ) -> VendorRecord | None:
        record = self.view.person(
            email=email,
            linkedin_url=linkedin_url,
            first_name=first_name,
            last_name=last_name,
            full_name=full_name,
            company_domain=company_domain,
            company_name=company_name,
        )
        self.found |= record is not None
        return record

    def company(
        self, *, domain: str | None = None, name: str | None = None
    ) -> VendorCompanyRecord | None:
        record = self.view.company(domain=domain, name=name)
        self.found |= record is not None
        return record

    def people_at(self, domain: str, *, limit: int = 10) -> list[VendorRecord]:
        people = self.view.people_at(domain, limit=limit)
        self.found |= bool(people)
        return people

    def email_status(self, email: str) -> EmailVerdict:
        verdict = self.view.email_status(email)
        self.found |= verdict != "unknown"
        return verdict


class MarketServer:
    """The market's HTTP server; ``start()`` it, read ``url``, ``stop()`` it."""

    def __init__(
        self,
        population: Population,
        *,
        profiles: Mapping[str, VendorProfile],
        wires: Mapping[str, VendorWire] | None = None,
        seed: int = 7,
        latency_scale: float = 1.0,
        keys: Mapping[str, str] | None = None,
        hang_seconds: float = HANG_SECONDS,
        port: int = 0,
    ) -> None:
        self.population = population
        self.seed = seed
        self.latency_scale = latency_scale
        self.hang_seconds = hang_seconds
        self.wires = dict(wires) if wires is not None else load_wires(profiles)
        missing = sorted(set(self.wires) - set(profiles))
        if missing:
            log.warning("sandbox market: no profile for %s: it knows nobody", ", ".join(missing))
        self.profiles = {
            name: profiles.get(name) or VendorProfile(name=name) for name in self.wires
        }
        self.keys = {name: (keys or {}).get(name, default_key(name)) for name in self.wires}
        self.index = PopulationIndex(population)
        self.views = {
            name: MarketView(population, profile, seed=seed, index=self.index)
            for name, profile in self.profiles.items()
        }
        self._overrides = {name: _Override() for name in self.wires}
        self._stats = {name: VendorStats() for name in self.wires}
        self._site_requests = 0
        self._lock = threading.Lock()
        self._port = port
        self._register_emails()
        self.app = Starlette(routes=self._routes())
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self.host = "127.0.0.1"
        self.port = 0

    # -- life cycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> MarketServer:
        if self._thread is not None:
            return self
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted sockets only then, and
        # without it every keep-alive answer waits for the client's delayed ACK (40 ms).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._run, args=(self._server, sock), name="sandbox-market", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox market server did not start")
            time.sleep(0.01)
        return self

    def _run(self, server: uvicorn.Server, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stopping = asyncio.Event()
            await server.serve(sockets=[sock])

        try:
            loop.run_until_complete(main())
        finally:
            sock.close()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def stop(self) -> None:
        server, thread, loop, stopping = self._server, self._thread, self._loop, self._stopping
        if server is None or thread is None:
            return
        server.should_exit = True
        if loop is not None and stopping is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopping.set)  # releases hanging requests
        thread.join(timeout=_START_TIMEOUT)
        self._server = self._thread = self._loop = self._stopping = None

    def __enter__(self) -> MarketServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- in-process controls -----------------------------------------------------------------

    def key(self, vendor: str) -> str:
        return self.keys[vendor]

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per-vendor counters (see ``VendorStats``), plus ``_sites`` for homepage requests."""
        with self._lock:
            out = {
                name: stats.as_dict(self.profiles[name].unit) for name, stats in self._stats.items()
            }
            out["_sites"] = {"requests": self._site_requests}
        return out

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = {name: VendorStats() for name in self.wires}
            self._site_requests = 0

    def set_vendor(
        self,
        vendor: str,
        *,
        failure_rate: float | None = None,
        latency_scale: float | None = None,
        fault: str | None = None,
    ) -> None:
        """Force a vendor's behaviour (None restores the default): a failure rate instead of
        the profile's, a latency scale instead of the market's, or one fault for every request.
        """
        if vendor not in self.wires:
            raise KeyError(vendor)
        if fault is not None and fault not in FAULT_KINDS:
            raise ValueError(f"unknown fault {fault!r} (one of {', '.join(FAULT_KINDS)})")
        with self._lock:
            self._overrides[vendor] = _Override(failure_rate, latency_scale, fault)

    # -- routes ------------------------------------------------------------------------------

    def _routes(self) -> list[Route]:
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        return [
            Route("/_market/stats", self._stats_route, methods=["GET", "DELETE"]),
            Route("/_market/truth/{person_id}", self._truth_route, methods=["GET"]),
            Route("/_market/vendors/{vendor}", self._control_route, methods=["POST"]),
            Route("/sites/{domain}", self._site_route, methods=["GET", "HEAD"]),
            Route("/sites/{domain}/", self._site_route, methods=["GET", "HEAD"]),
            Route("/sites/{domain}/careers", self._careers_route, methods=["GET", "HEAD"]),
            Route("/sites/{domain}/careers/", self._careers_route, methods=["GET", "HEAD"]),
            Route("/jobs/{board}/{rest:path}", self._jobs_route, methods=["GET"]),
            Route("/{vendor}/{rest:path}", self._vendor_route, methods=methods),
        ]

    async def _stats_route(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.reset_stats()
        return JSONResponse(self.stats())

    async def _truth_route(self, request: Request) -> Response:
        person = self.population.people.get(request.path_params["person_id"])
        if person is None:
            return JSONResponse({"error": "no such person"}, status_code=404)
        history = [
            {
                "company_id": job.company_id,
                "company_domain": self.population.companies[job.company_id].domain,
                "title": job.title,
                "seniority": job.seniority,
                "department": job.department,
                "start": job.start.isoformat(),
                "end": job.end.isoformat() if job.end else None,
                "email": job.email,
            }
            for job in person.history
        ]
        body = {
            "person_id": person.id,
            "company_id": person.company_id,
            "contact": self.population.contact(person),
            "history": history,
        }
        return JSONResponse(body)

    async def _control_route(self, request: Request) -> Response:
        if not _is_loopback(request):
            return JSONResponse({"error": "loopback clients only"}, status_code=403)
        vendor = request.path_params["vendor"]
        try:
            body = json.loads(await request.body() or b"{}")
            self.set_vendor(
                vendor,
                failure_rate=_number(body.get("failure_rate")),
                latency_scale=_number(body.get("latency_scale")),
                fault=body.get("fault"),
            )
        except KeyError:
            return JSONResponse({"error": f"unknown vendor {vendor!r}"}, status_code=404)
        except (ValueError, TypeError, AttributeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"vendor": vendor, **self._overrides[vendor].__dict__})

    async def _site_route(self, request: Request) -> Response:
        with self._lock:
            self._site_requests += 1
        domain = request.path_params["domain"].strip().lower().removeprefix("www.")
        company_id = self.index.by_domain.get(domain)
        if company_id is None:
            return HTMLResponse("<html><body><h1>404 Not Found</h1></body></html>", 404)
        try:
            sites = importlib.import_module("cleanlist_server.sandbox.market.sites")
        except ImportError:
            return HTMLResponse("<html><body>no site renderer</body></html>", 503)
        html = sites.render_homepage(self.population.companies[company_id])
        return HTMLResponse(str(html))

    async def _careers_route(self, request: Request) -> Response:
        from cleanlist_server.sandbox.market import jobs

        domain = request.path_params["domain"].strip().lower().removeprefix("www.")
        company_id = self.index.by_domain.get(domain)
        if company_id is None:
            return HTMLResponse("<html><body><h1>404 Not Found</h1></body></html>", 404)
        company = self.population.companies[company_id]
        return HTMLResponse(jobs.careers_html(company, seed=self.population.seed))

    async def _jobs_route(self, request: Request) -> Response:
        from cleanlist_server.sandbox.market import jobs

        board = request.path_params["board"]
        if board not in BOARDS:
            return JSONResponse({"error": f"no job board {board!r}"}, status_code=404)
        market_request = MarketRequest(
            method=request.method,
            path="/" + request.path_params["rest"],
            query=dict(request.query_params),
            headers={k.lower(): v for k, v in request.headers.items()},
        )
        return _render(jobs.handle(board, market_request, self.population, self.population.today))

    async def _vendor_route(self, request: Request) -> Response:
        name = request.path_params["vendor"]
        wire = self.wires.get(name)
        if wire is None:
            return JSONResponse({"error": f"no vendor {name!r} in the market"}, status_code=404)
        market_request = MarketRequest(
            method=request.method,
            path="/" + request.path_params["rest"],
            query=dict(request.query_params),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.body(),
        )
        with self._lock:
            stats = self._stats[name]
            stats.requests += 1
            number = stats.requests
            override = replace(self._overrides[name])
        view = self.views[name]
        await self._delay(name, view, number, override)
        refused = self._key_problem(name, wire.key_of(market_request))
        if refused is not None:
            with self._lock:
                stats.errors[refused] += 1
            return _render(wire.error(refused, market_request))
        fault = self._fault(name, view, number, override)
        if fault is not None:
            with self._lock:
                stats.faults[fault] += 1
            early = await self._early_fault(fault, wire, market_request)
            if early is not None:
                return early
        return self._answer(name, wire, market_request, view, fault, stats)

    # -- one vendor request ------------------------------------------------------------------

    async def _delay(self, name: str, view: MarketView, number: int, over: _Override) -> None:
        profile = self.profiles[name]
        scale = self.latency_scale if over.latency_scale is None else over.latency_scale
        if scale <= 0:
            return
        u = view.draw("latency", str(number))
        seconds = max(0.0, profile.latency + profile.latency_jitter * (2 * u - 1)) * scale
        if seconds > 0:
            await asyncio.sleep(seconds)

    def _key_problem(self, name: str, key: str | None) -> ErrorKind | None:
        if key is None and not self.profiles[name].requires_key:
            return None
        special = (key or "").partition(":")[0]  # a Snov pair is judged by its client id
        if special == f"sandbox-{name}-nocredits":
            return "quota"
        if special == f"sandbox-{name}-ratelimited":
            return "rate_limited"
        return None if key == self.keys[name] else "auth"

    def _fault(self, name: str, view: MarketView, number: int, over: _Override) -> str | None:
        if over.fault is not None:
            return over.fault
        profile = self.profiles[name]
        rate = profile.failure_rate if over.failure_rate is None else over.failure_rate
        if view.draw("fault", str(number)) >= rate:
            return None
        kinds = [k for k in FAULT_KINDS if profile.faults.get(k, 0) > 0] or ["server"]
        weights = [profile.faults.get(k, 1.0) for k in kinds]
        pick = view.draw("fault-kind", str(number)) * sum(weights)
        for kind, weight in zip(kinds, weights, strict=True):
            pick -= weight
            if pick < 0:
                return kind
        return kinds[-1]

    async def _early_fault(
        self, fault: str, wire: VendorWire, request: MarketRequest
    ) -> Response | None:
        """The response of a fault that never reaches the vendor's logic (None for others)."""
        if fault in ("server", "rate_limited"):
            return _render(wire.error(cast(ErrorKind, fault), request))
        if fault == "html":
            return HTMLResponse(_HTML_FAULT, 200)
        if fault == "empty":
            return Response(b"", 200, media_type="application/json")
        if fault == "hang":
            stopping = self._stopping
            if stopping is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=self.hang_seconds)
            return HTMLResponse("<html><body><h1>504 Gateway Time-out</h1></body></html>", 504)
        return None

    def _answer(
        self,
        name: str,
        wire: VendorWire,
        request: MarketRequest,
        view: MarketView,
        fault: str | None,
        stats: VendorStats,
    ) -> Response:
        counting = _CountingView(view)
        try:
            response = wire.handle(request, cast(VendorView, counting))
        except Exception:
            log.exception("sandbox market: the %s wire failed on %s", name, request.path)
            with self._lock:
                stats.wire_errors += 1
            return JSONResponse({"error": "wire failure"}, status_code=500)
        profile = self.profiles[name]
        with self._lock:
            stats.hits += counting.found
            stats.misses += not counting.found
            stats.units += profile.cost_per_call + (profile.cost_per_hit if counting.found else 0)
        rendered = _render(response)
        if fault == "truncated":
            body = bytes(rendered.body)
            return Response(body[: max(1, len(body) // 2)], 200, media_type="application/json")
        if fault == "text_plain":
            return Response(bytes(rendered.body), 200, media_type="text/plain; charset=utf-8")
        return rendered

    def _register_emails(self) -> None:
        """Tell wires that need them (Gravatar's hash lookup) every address of the market."""
        emails: list[str] = []
        for person in self.population.people.values():
            emails += [job.email for job in (person.job, *person.history) if job.email]
            if person.fields.get("personal_email"):
                emails.append(str(person.fields["personal_email"]))
        for wire in self.wires.values():
            register = getattr(wire, "register_emails", None)
            if callable(register):
                register(emails)


def _render(response: MarketResponse) -> Response:
    headers = dict(response.headers)
    if response.json is not None:
        body = json.dumps(response.json, default=_json_default).encode()
        media = response.content_type or "application/json"
    elif response.text is not None:
        body = response.text.encode()
        media = response.content_type or "text/plain; charset=utf-8"
    else:
        body, media = b"", response.content_type or "application/json"
    return Response(body, response.status, headers=headers, media_type=media)


def _json_default(value: object) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"expected a non-negative number, got {value!r}")
    return float(value)


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
