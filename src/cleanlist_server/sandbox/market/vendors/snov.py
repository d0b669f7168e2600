"""Snov.io's wire format (https://snov.io/api; notes: research/providers/Snov.md).

**Keys and tokens.** A Snov.io key is the pair *client id* and *client secret*; the market
knows it as the single string ``"<client_id>:<client_secret>"`` (the adapter's key format).

- ``POST /v1/oauth/access_token`` (form or JSON: ``grant_type=client_credentials``,
  ``client_id``, ``client_secret``): ``key_of`` returns ``"<client_id>:<client_secret>"``
  from the parameters, so the core checks the pair like any key; ``handle`` then issues
  ``{"access_token", "token_type": "Bearer", "expires_in": 3600}``. The token is derived
  from the key (a hash, the same on every call) and remembered in this object.
- every other endpoint: ``key_of`` reads ``Authorization: Bearer <token>`` (or the older
  ``access_token`` parameter) and maps a token this wire issued back to its key; an unknown
  token has no key (None), which the core answers as a bad key. Tokens never expire here.

**Endpoints.**

- ``POST /v1/get-profile-by-email`` (``email``): the profile (``name``, ``firstName``,
  ``social[]``, ``currentJobs[]`` ..., ``lastUpdateDate``); not found is HTTP 200
  ``{"success": true, "message": "We couldn't find profile with this email"}``. The shape
  follows a public client's recorded answer (NEXL-LTS/snov-ruby), the docs' example being
  unreadable.
- ``POST /v2/emails-by-domain-by-name/start`` (JSON ``{"rows": [...]}``, 1 to 10 rows of
  ``first_name``, ``last_name``, ``domain``): answers ``data.task_hash``. The rows are
  resolved at once and the result kept in this object (per key, at most ``max_tasks``).
- ``GET /v2/emails-by-domain-by-name/result?task_hash=...``: ``"status": "in_progress"``
  on the first poll of a task, then ``"completed"`` with one ``data`` row per request row,
  in order; nobody is ``"result": []``. ``smtp_status`` is the vendor's verdict on the
  address (``view.email_status``): valid -> ``valid``, catch-all -> ``unknown`` with
  ``unknown_status_reason: "catchall"``, unknown -> ``unknown``, otherwise ``not_valid``.

**Errors** (bodies not documented; assembled): 401 (the token endpoint in the OAuth 2.0
form of RFC 6749 section 5.2, ``invalid_client``); no credits 402 with Snov.io's "you ran out
of credits" message; 429 with ``Retry-After``; 500. Unknown path or task: 404. ``score`` is
not rendered (Snov.io has none); ``observed_at`` is ``lastUpdateDate``.
"""

from __future__ import annotations

import calendar
import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from cleanlist_server.sandbox.market.vendors._group_c import (
    SANDBOX_RETRY_AFTER,
    bearer,
    hq_place,
    job_start,
    name_of,
    number,
    person_place,
    reply,
    sql_time,
    stable_hex,
    value,
)
from cleanlist_server.sandbox.market.wire import (
    ErrorKind,
    MarketRequest,
    MarketResponse,
    VendorRecord,
    VendorView,
)

TOKEN_PATH: Final = "/v1/oauth/access_token"
PROFILE_PATH: Final = "/v1/get-profile-by-email"
FINDER_START_PATH: Final = "/v2/emails-by-domain-by-name/start"
FINDER_RESULT_PATH: Final = "/v2/emails-by-domain-by-name/result"
TOKEN_LIFETIME: Final = 3600
MAX_ROWS: Final = 10
NO_PROFILE: Final = "We couldn't find profile with this email"

_SMTP = {"valid": "valid", "role": "valid", "catch_all": "unknown", "unknown": "unknown"}


@dataclass
class _Task:
    owner: str
    rows: list[dict[str, str]]
    data: list[dict[str, Any]]
    polls: int = 0


def _fail(status: int, message: str, headers: Mapping[str, str] | None = None) -> MarketResponse:
    return reply(status, {"success": False, "message": message}, headers)


class SnovWire:
    name = "snov"

    def __init__(self, *, max_tasks: int = 10_000) -> None:
        self.max_tasks = max_tasks
        self._keys_by_token: dict[str, str] = {}
        self._tasks: OrderedDict[str, _Task] = OrderedDict()
        self._started = 0

    # --- keys -------------------------------------------------------------------------

    def key_of(self, request: MarketRequest) -> str | None:
        params = request.params()
        if request.path.rstrip("/") == TOKEN_PATH:
            client_id = str(params.get("client_id") or "").strip()
            secret = str(params.get("client_secret") or "").strip()
            return f"{client_id}:{secret}" if client_id and secret else None
        token = bearer(request) or str(params.get("access_token") or "").strip()
        return self._keys_by_token.get(token) if token else None

    def token_for(self, key: str) -> str:
        """The access token this wire issues for ``key`` (and will map back to it)."""
        token = stable_hex("snov-access-token", key, length=40)
        self._keys_by_token[token] = key
        return token

    # --- errors -----------------------------------------------------------------------

    def error(self, kind: ErrorKind, request: MarketRequest) -> MarketResponse:
        if kind == "auth":
            if request.path.rstrip("/") == TOKEN_PATH:
                refusal = "Client authentication failed"
                body = {"error": "invalid_client", "error_description": refusal}
                return reply(401, {**body, "message": refusal})
            return _fail(401, "Unauthorized", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if kind == "quota":
            return _fail(402, "Sorry, you ran out of credits, please order more credits")
        if kind == "rate_limited":
            return _fail(429, "Too many requests", {"Retry-After": SANDBOX_RETRY_AFTER})
        return _fail(500, "Internal server error")

    # --- endpoints --------------------------------------------------------------------

    def handle(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        route = (request.method.upper(), request.path.rstrip("/"))
        if route == ("POST", TOKEN_PATH):
            return self._token(request)
        if route == ("POST", PROFILE_PATH):
            return self._profile(request, view)
        if route == ("POST", FINDER_START_PATH):
            return self._start(request, view)
        if route == ("GET", FINDER_RESULT_PATH):
            return self._result(request)
        return _fail(404, "Not found")

    def _token(self, request: MarketRequest) -> MarketResponse:
        if request.params().get("grant_type") != "client_credentials":
            reason = "The authorization grant type is not supported"
            return reply(400, {"error": "unsupported_grant_type", "message": reason})
        key = self.key_of(request)
        if key is None:
            return self.error("auth", request)
        return reply(
            200,
            {
                "access_token": self.token_for(key),
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME,
            },
        )

    def _profile(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        email = str(request.params().get("email") or "").strip()
        if not email:
            return _fail(400, "The email field is required")
        record = view.person(email=email)
        if record is None:
            return reply(200, {"success": True, "message": NO_PROFILE})
        return reply(200, _profile(record))

    def _start(self, request: MarketRequest, view: VendorView) -> MarketResponse:
        body = request.json()
        rows = body.get("rows") if isinstance(body, dict) else None
        if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
            return _fail(400, f"rows must be a list of 1 to {MAX_ROWS} rows")
        clean = [_row(item) for item in rows]
        if any(row is None for row in clean):
            return _fail(400, "each row needs first_name, last_name and domain")
        request_rows = [row for row in clean if row is not None]
        owner = self.key_of(request) or ""
        self._started += 1
        task_hash = stable_hex(
            "snov-task", owner, str(self._started), json.dumps(request_rows, sort_keys=True)
        )
        data = [_finder_row(row, view) for row in request_rows]
        self._tasks[task_hash] = _Task(owner=owner, rows=request_rows, data=data)
        while len(self._tasks) > self.max_tasks:
            self._tasks.popitem(last=False)
        meta = {"rows": request_rows, "task_hash": task_hash}
        return reply(200, {"data": {"task_hash": task_hash}, "meta": meta})

    def _result(self, request: MarketRequest) -> MarketResponse:
        task_hash = request.query.get("task_hash", "").strip()
        task = self._tasks.get(task_hash)
        if task is None or task.owner != (self.key_of(request) or ""):
            return _fail(404, "Task not found")
        task.polls += 1
        meta = {"rows": task.rows, "task_hash": task_hash}
        if task.polls == 1:
            return reply(200, {"status": "in_progress", "data": [], "meta": meta})
        return reply(200, {"status": "completed", "data": task.data, "meta": meta})


def _row(item: Any) -> dict[str, str] | None:
    if not isinstance(item, dict):
        return None
    row = {k: str(item.get(k) or "").strip() for k in ("first_name", "last_name", "domain")}
    return row if all(row.values()) else None


def _finder_row(row: Mapping[str, str], view: VendorView) -> dict[str, Any]:
    record = view.person(
        first_name=row["first_name"], last_name=row["last_name"], company_domain=row["domain"]
    )
    email = value(record.fields, "email") if record else ""
    found: list[dict[str, Any]] = []
    if email:
        verdict = view.email_status(email)
        found.append(
            {
                "email": email,
                "smtp_status": _SMTP.get(verdict, "not_valid"),
                "is_valid_format": True,
                "is_disposable": verdict == "disposable",
                "is_webmail": False,
                "is_gibberish": False,
                "unknown_status_reason": "catchall" if verdict == "catch_all" else None,
            }
        )
    return {"people": f"{row['first_name']} {row['last_name']}", "result": found}


def _month_end(fields: Mapping[str, Any]) -> str | None:
    """Snov.io dates a job start on the last day of its month (``"2016-01-31"``)."""
    start = job_start(fields)
    if start is None:
        return None
    year, month = start
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _profile(record: VendorRecord) -> dict[str, Any]:
    f = record.fields
    social = [
        {"link": f[key], "type": kind}
        for key, kind in (
            ("linkedin_url", "linkedIn"),
            ("twitter_url", "twitter"),
            ("github_url", "github"),
        )
        if f.get(key)
    ]
    jobs: list[dict[str, Any]] = []
    if f.get("company_name") or f.get("title"):
        founded = number(f, "company_founded_year")
        jobs.append(
            {
                "companyName": value(f, "company_name"),
                "position": value(f, "title"),
                "socialLink": f.get("company_linkedin_url"),
                "site": f.get("company_website") or f.get("company_domain"),
                "locality": hq_place(f) or None,
                "state": None,
                "city": f.get("company_hq_city"),
                "street": None,
                "street2": None,
                "postal": None,
                "founded": str(founded) if founded else None,
                "startDate": _month_end(f),
                "endDate": None,
                "size": f.get("company_size"),
                "industry": f.get("company_industry"),
                "companyType": f.get("company_type"),
                "country": f.get("company_hq_country"),
                "hqPhone": f.get("company_phone"),
            }
        )
    digits = "".join(ch for ch in record.person_id if ch.isdigit())
    return {
        "success": True,
        "id": int(digits) if digits else int(stable_hex(record.person_id, length=8), 16),
        "source": "linkedIn",
        "name": name_of(f),
        "firstName": value(f, "first_name"),
        "lastName": value(f, "last_name"),
        "logo": value(f, "photo_url"),
        "industry": f.get("company_industry"),
        "country": value(f, "country"),
        "locality": person_place(f),
        "social": social,
        "currentJobs": jobs,
        "previousJobs": [],
        "lastUpdateDate": sql_time(record.observed_at),
    }


WIRE = SnovWire()
