"""POST /v1/events as a use case: an account's own web activity, all or nothing.

Each event is a page view or a form submission, with who (``email`` and/or
``company_domain``; a work email gives the domain), where (``url``, ``referrer``) and
when (``occurred_at``, not more than ``FUTURE_SKEW`` ahead of the server's clock). The
first bad event refuses the whole batch with a 422 naming it (``events[3].occurred_at``);
a good batch is written in one transaction. Events feed ``intent/web.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cleanlist_server.errors import ValidationFailed
from cleanlist_server.normalize.domains import registrable_domain
from cleanlist_server.normalize.emails import InvalidEmail, is_free_domain, normalize_email
from cleanlist_server.storage import intent as store
from cleanlist_server.storage.db import Database

MAX_EVENTS = 1000
MAX_URL = 2048
FUTURE_SKEW = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
KINDS = ("page_view", "form_submit")
FIELDS = ("type", "email", "company_domain", "url", "referrer", "occurred_at")


def _fail(message: str, param: str, code: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, param=param, code=code)


def _text(event: Mapping[str, Any], name: str, param: str) -> str | None:
    value = event.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(f"{param} must be a string.", param)
    return value.strip() or None


def _url(value: str | None, param: str) -> str | None:
    if value is None:
        return None
    if len(value) > MAX_URL:
        raise _fail(f"{param} is longer than {MAX_URL} characters.", param)
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise _fail(f"{param} must be an absolute http(s) URL.", param)
    return value


def _moment(value: str | None, param: str, now: datetime) -> datetime:
    if value is None:
        raise _fail(f"{param} is required (ISO 8601, e.g. 2026-04-15T09:18:44Z).", param)
    try:
        moment = datetime.fromisoformat(value)
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _fail(f"{param} is not an ISO 8601 date-time.", param) from None
    if moment < EARLIEST:
        raise _fail(f"{param} is before {EARLIEST.year}.", param)
    if moment > now + FUTURE_SKEW:
        raise _fail(
            f"{param} is in the future ({value}; the server's clock says "
            f"{now.isoformat(timespec='seconds')}).",
            param,
            code="occurred_in_future",
        )
    return moment


def _who(event: Mapping[str, Any], param: str) -> tuple[str | None, str | None]:
    raw_email = _text(event, "email", f"{param}.email")
    email = None
    if raw_email is not None:
        try:
            email = normalize_email(raw_email)
        except InvalidEmail as exc:
            raise _fail(f"{param}.email is not a valid address: {exc}", f"{param}.email") from None
    raw_domain = _text(event, "company_domain", f"{param}.company_domain")
    domain = None
    if raw_domain is not None:
        domain = registrable_domain(raw_domain)
        if domain is None:
            raise _fail(f"{param}.company_domain is not a domain name.", f"{param}.company_domain")
    elif email is not None:
        at = email.rpartition("@")[2]
        domain = None if is_free_domain(at) else registrable_domain(at)
    if email is None and domain is None:
        raise _fail(f"{param} needs an email or a company_domain.", f"{param}.email")
    return email, domain


def parse_event(raw: Any, index: int, *, now: datetime) -> dict[str, Any]:
    """One event as a ``web_events`` row (without account and received time)."""
    param = f"events[{index}]"
    if not isinstance(raw, Mapping):
        raise _fail(f"{param} must be an object.", param)
    for key in raw:
        if key not in FIELDS:
            raise _fail(f"Unknown parameter {param}.{key}.", f"{param}.{key}", "unknown_parameter")
    kind = raw.get("type")
    if kind not in KINDS:
        raise _fail(f"{param}.type must be one of {', '.join(KINDS)}.", f"{param}.type")
    email, domain = _who(raw, param)
    url = _url(_text(raw, "url", f"{param}.url"), f"{param}.url")
    if url is None:
        raise _fail(f"{param}.url is required.", f"{param}.url")
    return {
        "email": email,
        "company_domain": domain,
        "kind": kind,
        "url": url,
        "referrer": _url(_text(raw, "referrer", f"{param}.referrer"), f"{param}.referrer"),
        "occurred_at": _moment(
            _text(raw, "occurred_at", f"{param}.occurred_at"), f"{param}.occurred_at", now
        ),
    }


def parse_events(events: Sequence[Any], *, now: datetime) -> list[dict[str, Any]]:
    if not events:
        raise _fail("events must hold at least one event.", "events")
    if len(events) > MAX_EVENTS:
        raise _fail(
            f"A batch holds at most {MAX_EVENTS} events; split it.",
            "events",
            code="batch_too_large",
        )
    return [parse_event(raw, i, now=now) for i, raw in enumerate(events)]


class EventService:
    def __init__(
        self, db: Database, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.db = db
        self.clock = clock

    async def record(self, account_id: int, events: Sequence[Any]) -> dict[str, int]:
        now = self.clock()
        rows = parse_events(events, now=now)
        for row in rows:
            row["account_id"] = account_id
            row["received_at"] = now
        async with self.db.write() as conn:
            await store.insert_events(conn, rows)
        return {"accepted": len(rows)}
