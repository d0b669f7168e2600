"""Hiring intent from public job boards: Greenhouse, Lever, Ashby and Workable.

Three steps, each usable alone (see ``docs/intent-hiring.md``):

1. ``find_careers(client, website_url_template, domain)``: GET the company homepage, follow
   one careers/jobs link on the same site, and ``discover_boards`` on either page (links,
   iframes, embed scripts). Board tokens are read from the company's own pages, never guessed
   from the domain: a guessed token can be another company's board.
2. ``JobBoardClient.fetch(ref)``: one GET of the board's public, keyless API, mapped to
   ``Posting`` (canonical department and seniority from ``normalize.titles.parse_title``).
   404 is "no such board" (``[]``); trouble raises the typed errors of ``engine/runner.py``.
3. ``hiring_signals(postings, now=...)``: the ``hiring_*`` intent codes with recency
   (``detected_at``), ``source`` and evidence.

Endpoints (base URLs overridable, so the sandbox can serve them on loopback):

- Greenhouse Job Board API, ``GET /v1/boards/{token}/jobs`` (developers.greenhouse.io/
  job-board.html; research/providers/Greenhouse.md). Without ``content=true``: the title is
  what we classify, and descriptions would multiply the payload. Date: ``first_published``
  (live answers) else the documented ``updated_at``.
- Lever Postings API, ``GET /v0/postings/{token}?mode=json`` (github.com/lever/postings-api
  README; Lever.md). Date: ``createdAt`` (epoch milliseconds; in live answers, not in the
  README table).
- Ashby public job posting API, ``GET /posting-api/job-board/{token}``
  (developers.ashbyhq.com/docs/public-job-posting-api; Ashby.md). ``isListed: false`` jobs
  are skipped. Date: ``publishedAt``.
- Workable job widget API, ``GET /api/v1/widget/accounts/{token}`` on apply.workable.com.
  Workable documents no public read API (its documented REST API, workable.readme.io, needs
  a token); the shape followed here is best effort, established from third-party clients and
  the write-up https://sevic.dev/notes/workable-public-jobs-api-nodejs/ : ``{"name",
  "description", "jobs": [{"title", "shortcode", "department", "url", "shortlink",
  "application_url", "published_on", "created_at", "city", "state", "country",
  "telecommuting", "locations": [...]}]}``. Date: ``published_on`` (a day) else
  ``created_at``.

All HTTP goes through the ``httpx.AsyncClient`` given (``net.http.make_http_client`` in
production: egress-checked), under a deadline, with a size cap on every body.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, TypeGuard, cast, get_args
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import httpx
import orjson
from selectolax.lexbor import LexborHTMLParser

from cleanlist_server.domain.enums import Department, Seniority
from cleanlist_server.engine.runner import ProviderBadResponse, ProviderRateLimited, ProviderTimeout
from cleanlist_server.net.http import EgressBlockedError
from cleanlist_server.normalize.domains import registrable_domain
from cleanlist_server.normalize.titles import classify_department, parse_title
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.http import parse_date, retry_after_seconds

__all__ = [
    "BOARDS",
    "DEFAULT_URLS",
    "LEADERSHIP",
    "SURGE_MIN_POSTINGS",
    "SURGE_SHARE",
    "SURGE_UNKNOWN_SIZE",
    "WINDOW_DAYS",
    "Board",
    "BoardRef",
    "IntentSignalData",
    "JobBoardClient",
    "Posting",
    "board_from_url",
    "department_code",
    "discover_boards",
    "find_careers",
    "hiring_signals",
    "is_sales_ops",
    "surge_threshold",
]

Board = Literal["greenhouse", "lever", "ashby", "workable"]
BOARDS: Final[tuple[Board, ...]] = get_args(Board)
DEFAULT_URLS: Final[Mapping[str, str]] = {
    "greenhouse": "https://boards-api.greenhouse.io",
    "lever": "https://api.lever.co",
    "ashby": "https://api.ashbyhq.com",
    "workable": "https://apply.workable.com",
}
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
"""Cap on a board API body (a Greenhouse board without ``content`` is ~300 bytes a job)."""
PAGE_MAX_BYTES = 1024 * 1024
"""Cap on a homepage or careers page."""
MAX_REDIRECTS = 5

WINDOW_DAYS = 90
LEADERSHIP: Final = frozenset({Seniority.VP, Seniority.C_LEVEL})
SURGE_MIN_POSTINGS = 5
"""``hiring_surge`` never fires below this many postings in the window."""
SURGE_SHARE = 0.05
"""With a known headcount: a surge is postings in the window >= 5 % of employees."""
SURGE_UNKNOWN_SIZE = 15
"""Without a headcount: a surge is >= 15 postings in the window."""
MAX_EXAMPLES = 3


# --- data ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoardRef:
    """One company board: the provider and the token in its public URLs."""

    board: Board
    token: str

    @property
    def source(self) -> str:
        return f"{self.board}:{self.token}"


@dataclass(frozen=True, slots=True)
class Posting:
    """One open job on a public board, classified."""

    title: str
    department: Department | None
    """From the title (``parse_title``); the board's own department label only when the
    title says nothing (None or Other)."""
    seniority: Seniority | None
    location: str | None
    posted_at: datetime | None
    """Aware UTC; None when the board gives no date (such postings carry no recency)."""
    url: str | None
    board: Board
    board_token: str


@dataclass(frozen=True, slots=True)
class IntentSignalData:
    """One intent signal: a stable code, when it was last seen, where, and why."""

    code: str
    detected_at: datetime
    source: str
    evidence: dict[str, Any] = field(hash=False)


# --- discovery ----------------------------------------------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_GREENHOUSE_HOSTS = frozenset(
    {
        "boards.greenhouse.io",
        "job-boards.greenhouse.io",
        "boards.eu.greenhouse.io",
        "job-boards.eu.greenhouse.io",
    }
)
_GREENHOUSE_API_HOSTS = frozenset({"boards-api.greenhouse.io", "boards-api.eu.greenhouse.io"})
_GREENHOUSE_RESERVED = frozenset({"embed", "v1", "static", "assets", "favicon.ico", "robots.txt"})
_WORKABLE_RESERVED = frozenset({"j", "api", "static", "assets", "favicon.ico", "robots.txt"})
_WORKABLE_NOT_ACCOUNTS = frozenset({"www", "apply", "api", "help", "resources", "jobs", "blog"})
_URL_ATTRS = ("href", "src", "action", "data-src", "data-href", "data-url")
_URL_IN_SCRIPT = re.compile(
    r"(?:https?:)?//[a-z0-9.-]+\.(?:greenhouse\.io|lever\.co|ashbyhq\.com|workable\.com)"
    r"/[^\s\"'<>\\)]*",
    re.IGNORECASE,
)


def board_from_url(url: str) -> BoardRef | None:
    """The board a URL belongs to (a board page, a job, an embed script, an API URL)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", ""):
        return None
    segs = [s for s in parts.path.split("/") if s]
    token: str | None = None
    board: Board | None = None
    if host in _GREENHOUSE_HOSTS:
        board = "greenhouse"
        if segs and segs[0] == "embed":
            token = next(iter(parse_qs(parts.query).get("for", [])), None)
        elif segs and segs[0].lower() not in _GREENHOUSE_RESERVED:
            token = segs[0]
    elif host in _GREENHOUSE_API_HOSTS:
        board = "greenhouse"
        if len(segs) >= 3 and segs[:2] == ["v1", "boards"]:
            token = segs[2]
    elif host in ("jobs.lever.co", "jobs.eu.lever.co"):
        board, token = "lever", segs[0] if segs else None
    elif host in ("api.lever.co", "api.eu.lever.co"):
        board = "lever"
        if len(segs) >= 3 and segs[:2] == ["v0", "postings"]:
            token = segs[2]
    elif host == "jobs.ashbyhq.com":
        board, token = "ashby", segs[0] if segs and segs[0] != "api" else None
    elif host == "api.ashbyhq.com":
        board = "ashby"
        if len(segs) >= 3 and segs[:2] == ["posting-api", "job-board"]:
            token = segs[2]
    elif host == "apply.workable.com":
        board = "workable"
        if len(segs) >= 5 and segs[:4] == ["api", "v1", "widget", "accounts"]:
            token = segs[4]
        elif segs and segs[0].lower() not in _WORKABLE_RESERVED:
            token = segs[0]
    elif host.endswith(".workable.com") and host.count(".") == 2:
        sub = host.split(".", 1)[0]  # legacy https://<account>.workable.com/
        if sub not in _WORKABLE_NOT_ACCOUNTS:
            board, token = "workable", sub
    if board is None or not token or not _TOKEN.match(token):
        return None
    return BoardRef(board, token)


def discover_boards(html: str, base_url: str) -> list[BoardRef]:
    """Boards linked from a page (links, iframes, forms, embed scripts, URLs in inline
    scripts), in document order, without duplicates (tokens compared case-insensitively)."""
    tree = LexborHTMLParser(html)
    found: list[str] = []
    for node in tree.css("[href], [src], [action], [data-src], [data-href], [data-url]"):
        for name in _URL_ATTRS:
            value = node.attributes.get(name)
            if isinstance(value, str) and value.strip():
                found.append(value)
    for node in tree.css("script"):
        if node.attributes.get("src") is None:
            found.extend(_URL_IN_SCRIPT.findall(node.text(deep=True) or ""))
    out: list[BoardRef] = []
    seen: set[tuple[str, str]] = set()
    for raw in found:
        try:
            absolute = urljoin(base_url, raw.strip())
        except ValueError:
            continue
        ref = board_from_url(absolute)
        if ref is not None and (key := (ref.board, ref.token.lower())) not in seen:
            seen.add(key)
            out.append(ref)
    return out


_CAREERS_PATH = re.compile(
    r"(?:^|/)(?:careers?|jobs|join-us|joinus|work-with-us|open-positions|vacancies)(?:/|$|\.)",
    re.IGNORECASE,
)
_CAREERS_TEXT = frozenset(
    {"careers", "career", "jobs", "join us", "we're hiring", "we are hiring", "open positions",
     "work with us", "open roles"}
)  # fmt: skip
_PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_GONE = frozenset({404, 410})


async def find_careers(
    client: httpx.AsyncClient,
    website_url_template: str,
    domain: str,
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 - one deadline for the whole discovery
    max_bytes: int = PAGE_MAX_BYTES,
) -> list[BoardRef]:
    """Boards the company's site links: the homepage (``website_url_template`` with
    ``{domain}``, as the website provider; the site root is the rendered template with a
    trailing slash), then, when the homepage links none, its first careers/jobs link on the
    same site (one hop; a redirect straight to a board counts). A missing page is ``[]``;
    timeouts, 5xx, 429 and other 4xx raise typed errors. ``timeout`` bounds everything."""
    if "{domain}" not in website_url_template:
        raise ValueError("website_url_template must contain {domain}")
    home = website_url_template.replace("{domain}", domain)
    root = home if home.endswith("/") else home + "/"
    where = f"careers GET {domain}"
    try:
        async with asyncio.timeout(timeout):
            page = await _get_page(client, home, root, domain, max_bytes, where)
            if page is None or isinstance(page, BoardRef):
                return [page] if page is not None else []
            html, url = page
            boards = discover_boards(html, url)
            if boards:
                return boards
            careers = _careers_link(html, url, home, root, domain)
            if careers is None:
                return []
            if (ref := board_from_url(careers)) is not None:
                return [ref]
            page = await _get_page(client, careers, root, domain, max_bytes, where)
            if page is None or isinstance(page, BoardRef):
                return [page] if page is not None else []
            return discover_boards(page[0], page[1])
    except TimeoutError:
        raise ProviderTimeout(f"{where}: no answer within {timeout:g}s") from None
    except httpx.TimeoutException:
        raise ProviderTimeout(f"{where}: timed out") from None
    except EgressBlockedError as exc:
        raise ProviderError(f"{where}: refused by the egress policy ({exc.denied})") from None
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f"{where}: {type(exc).__name__}") from None


async def _get_page(
    client: httpx.AsyncClient, url: str, root: str, domain: str, max_bytes: int, where: str
) -> tuple[str, str] | BoardRef | None:
    """(html, final URL); a ``BoardRef`` when a redirect leads to a board; None for no page
    (404/410, not HTML, a redirect off the site)."""
    for _ in range(MAX_REDIRECTS + 1):
        request = client.stream(
            "GET", url, headers={"Accept": _PAGE_ACCEPT}, follow_redirects=False
        )
        async with request as response:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location", "").strip()
                if not location:
                    raise ProviderBadResponse(f"{where}: HTTP {status} without Location")
                target = urljoin(str(response.url), location)
                if (ref := board_from_url(target)) is not None:
                    return ref
                if not _same_site(target, root, domain):
                    return None
                url = target
                continue
            if status in _GONE:
                return None
            _raise_for_status(status, response.headers, where)
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind not in _HTML_TYPES:
                return None
            body, _ = await _read_capped(response, max_bytes)
            encoding = response.charset_encoding or "utf-8"
            try:
                text = body.decode(encoding, errors="replace")
            except LookupError:
                text = body.decode("utf-8", errors="replace")
            return text, str(response.url)
    raise ProviderBadResponse(f"{where}: more than {MAX_REDIRECTS} redirects")


def _careers_link(html: str, page_url: str, home: str, root: str, domain: str) -> str | None:
    """The first same-site careers/jobs link of the page, as an absolute URL."""
    tree = LexborHTMLParser(html)
    for node in tree.css("a[href]"):
        href = node.attributes.get("href")
        if not isinstance(href, str) or not href.strip() or href.startswith(("#", "mailto:")):
            continue
        href = href.strip()
        text = " ".join((node.text(deep=True) or "").split()).lower()
        try:
            path = urlsplit(href).path
        except ValueError:
            continue
        if not (_CAREERS_PATH.search(path) or text in _CAREERS_TEXT):
            continue
        target = _resolve(href, page_url, home, root)
        if board_from_url(target) is not None or _same_site(target, root, domain):
            return target
    return None


def _resolve(href: str, page_url: str, home: str, root: str) -> str:
    """``href`` made absolute. The site may be mounted under a path (the sandbox serves
    ``http://market/sites/<domain>``): root-relative links then resolve against the root."""
    if "//" in href.split("?", 1)[0] or ":" in href.split("/", 1)[0]:
        return urljoin(page_url, href)
    prefix = urlsplit(root).path
    if href.startswith("/"):
        if prefix != "/" and not href.startswith(prefix):
            return root + href.lstrip("/")
        return urljoin(page_url, href)
    base = root if page_url.rstrip("/") == home.rstrip("/") else page_url
    return urljoin(base, href)


def _same_site(url: str, root: str, domain: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
        root_host = (urlsplit(root).hostname or "").lower()
    except ValueError:
        return False
    if not host:
        return False
    if host == root_host:
        return True
    site = registrable_domain(domain)
    return site is not None and registrable_domain(host) == site


# --- board APIs ---------------------------------------------------------------------------


class JobBoardClient:
    """Reads public job boards; see the module docstring for endpoints and fields."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        urls: Mapping[str, str] | None = None,
        timeout: float = 10.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        unknown = sorted(set(urls or {}) - set(BOARDS))
        if unknown:
            raise ValueError(f"unknown job boards: {', '.join(unknown)}")
        if not 0 < timeout < float("inf"):
            raise ValueError("timeout must be a positive, finite number of seconds")
        self.client = client
        self.urls: dict[str, str] = {**DEFAULT_URLS, **(urls or {})}
        self.urls = {name: url.rstrip("/") for name, url in self.urls.items()}
        self.timeout = timeout
        self.max_bytes = max_bytes

    async def fetch(self, ref: BoardRef) -> list[Posting]:
        """The board's open postings, in board order; ``[]`` when there is no such board."""
        if ref.board not in BOARDS:
            raise ValueError(f"unknown job board {ref.board!r}")
        path, params = _endpoint(ref)
        payload = await self._get_json(ref.board, path, params)
        if payload is None:
            return []
        return _PARSERS[ref.board](payload, ref, f"{ref.board} GET {path}")

    async def _get_json(self, board: str, path: str, params: Mapping[str, str]) -> Any | None:
        where = f"{board} GET {path}"
        try:
            async with asyncio.timeout(self.timeout):
                request = self.client.stream(
                    "GET",
                    self.urls[board] + path,
                    params=dict(params) or None,
                    headers={"Accept": "application/json"},
                    follow_redirects=True,
                )
                async with request as response:
                    status = response.status_code
                    if status in _GONE:
                        return None
                    _raise_for_status(status, response.headers, where)
                    body, truncated = await _read_capped(response, self.max_bytes)
                    content_type = response.headers.get("content-type", "").lower()
        except TimeoutError:
            raise ProviderTimeout(f"{where}: no answer within {self.timeout:g}s") from None
        except httpx.TimeoutException:
            raise ProviderTimeout(f"{where}: timed out") from None
        except EgressBlockedError as exc:
            raise ProviderError(f"{where}: refused by the egress policy ({exc.denied})") from None
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"{where}: {type(exc).__name__}") from None
        if truncated:
            raise ProviderBadResponse(f"{where}: the body exceeds {self.max_bytes} bytes")
        if "json" not in content_type or not body.strip():
            raise ProviderBadResponse(f"{where}: the body is not JSON")
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            raise ProviderBadResponse(f"{where}: malformed JSON") from None


def _endpoint(ref: BoardRef) -> tuple[str, dict[str, str]]:
    token = quote(ref.token, safe="")
    if ref.board == "greenhouse":
        return f"/v1/boards/{token}/jobs", {}
    if ref.board == "lever":
        return f"/v0/postings/{token}", {"mode": "json"}
    if ref.board == "ashby":
        return f"/posting-api/job-board/{token}", {}
    return f"/api/v1/widget/accounts/{token}", {}


def _raise_for_status(status: int, headers: Mapping[str, str], where: str) -> None:
    if status == 429:
        retry_after = retry_after_seconds(headers.get("retry-after"))
        raise ProviderRateLimited(f"{where}: HTTP 429", retry_after=retry_after)
    if status >= 500:
        raise ProviderUnavailable(f"{where}: HTTP {status}")
    if status >= 300 or status < 200:
        raise ProviderBadResponse(f"{where}: HTTP {status}")


async def _read_capped(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[:limit], True
    return b"".join(chunks), False


def _jobs(payload: Any, where: str) -> list[Any]:
    jobs = payload.get("jobs") if isinstance(payload, dict) else None
    if not isinstance(jobs, list):
        raise ProviderBadResponse(f"{where}: no jobs list in the answer")
    return jobs


def _greenhouse(payload: Any, ref: BoardRef, where: str) -> list[Posting]:
    out = []
    for job in _jobs(payload, where):
        if not isinstance(job, dict):
            continue
        departments = job.get("departments")
        label = departments[0].get("name") if _dicts(departments) else None
        location = job.get("location")
        posting = _posting(
            ref,
            title=job.get("title"),
            label=label,
            location=location.get("name") if isinstance(location, dict) else None,
            posted_at=parse_date(job.get("first_published")) or parse_date(job.get("updated_at")),
            url=job.get("absolute_url"),
        )
        if posting is not None:
            out.append(posting)
    return out


def _lever(payload: Any, ref: BoardRef, where: str) -> list[Posting]:
    if not isinstance(payload, list):
        raise ProviderBadResponse(f"{where}: the answer is not a list of postings")
    out = []
    for job in payload:
        if not isinstance(job, dict):
            continue
        categories = job.get("categories")
        cats: Mapping[str, Any] = categories if isinstance(categories, dict) else {}
        location = _text(cats.get("location"))
        if location is None and job.get("workplaceType") == "remote":
            location = "Remote"
        posting = _posting(
            ref,
            title=job.get("text"),
            label=cats.get("team") or cats.get("department"),
            location=location,
            posted_at=_epoch_ms(job.get("createdAt")),
            url=job.get("hostedUrl"),
        )
        if posting is not None:
            out.append(posting)
    return out


def _ashby(payload: Any, ref: BoardRef, where: str) -> list[Posting]:
    out = []
    for job in _jobs(payload, where):
        if not isinstance(job, dict) or job.get("isListed") is False:
            continue
        location = _text(job.get("location"))
        if location is None and job.get("isRemote") is True:
            location = "Remote"
        posting = _posting(
            ref,
            title=job.get("title"),
            label=job.get("department") or job.get("team"),
            location=location,
            posted_at=parse_date(job.get("publishedAt")),
            url=job.get("jobUrl"),
        )
        if posting is not None:
            out.append(posting)
    return out


def _workable(payload: Any, ref: BoardRef, where: str) -> list[Posting]:
    out = []
    for job in _jobs(payload, where):
        if not isinstance(job, dict):
            continue
        parts = [job.get("city"), job.get("state"), job.get("country")]
        locations = job.get("locations")
        if not any(_text(p) for p in parts) and _dicts(locations):
            first = locations[0]
            parts = [first.get("city"), first.get("region"), first.get("country")]
        location = ", ".join(t for p in parts if (t := _text(p))) or None
        if location is None and job.get("telecommuting") is True:
            location = "Remote"
        shortcode = _text(job.get("shortcode"))
        built = f"https://apply.workable.com/{ref.token}/j/{shortcode}/" if shortcode else None
        posting = _posting(
            ref,
            title=job.get("title"),
            label=job.get("department"),
            location=location,
            posted_at=parse_date(job.get("published_on")) or parse_date(job.get("created_at")),
            url=_text(job.get("url")) or _text(job.get("shortlink")) or built,
        )
        if posting is not None:
            out.append(posting)
    return out


_PARSERS: Final[dict[str, Callable[[Any, BoardRef, str], list[Posting]]]] = {
    "greenhouse": _greenhouse,
    "lever": _lever,
    "ashby": _ashby,
    "workable": _workable,
}


def _posting(
    ref: BoardRef,
    *,
    title: Any,
    label: Any,
    location: Any,
    posted_at: datetime | None,
    url: Any,
) -> Posting | None:
    text = _text(title)
    if text is None:
        return None
    info = parse_title(text)
    department = info.department
    label_text = _text(label)
    if department in (None, Department.OTHER) and label_text:
        from_label = classify_department(label_text)
        if from_label not in (None, Department.OTHER):
            department = from_label
    return Posting(
        title=text,
        department=department,
        seniority=info.seniority,
        location=_text(location),
        posted_at=posted_at.astimezone(UTC) if posted_at is not None else None,
        url=_text(url),
        board=ref.board,
        board_token=ref.token,
    )


def _epoch_ms(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return parse_date(value) if isinstance(value, str) else None
    seconds = value / 1000 if value > 1e11 else value
    return parse_date(seconds)


def _dicts(value: Any) -> TypeGuard[list[dict[str, Any]]]:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    squashed = " ".join(value.split())
    return squashed or None


# --- signals ------------------------------------------------------------------------------

_SALES_OPS = re.compile(
    r"\b(?:rev\s?ops|revenue\s+(?:operations|enablement|systems)|sales\s+(?:operations|ops"
    r"|enablement|systems)|(?:gtm|go[- ]to[- ]market)\s+(?:operations|ops|systems)|deal\s+desk"
    r"|crm\s+(?:admin|administrator|manager|specialist|analyst|developer)"
    r"|(?:salesforce|hubspot)\s+(?:admin|administrator|developer|architect|specialist))\b",
    re.IGNORECASE,
)


def is_sales_ops(title: str) -> bool:
    """Sales/revenue operations roles: RevOps, Sales Operations, Sales Enablement, Deal
    Desk, GTM systems, CRM/Salesforce/HubSpot administration."""
    return bool(_SALES_OPS.search(title))


def department_code(department: Department) -> str:
    """``Department.CUSTOMER_SUCCESS`` -> ``hiring_customer_success``."""
    return "hiring_" + department.value.lower().replace(" ", "_")


def surge_threshold(employee_count: int | None) -> int:
    """Postings in the window that make a ``hiring_surge``."""
    if employee_count is None or employee_count <= 0:
        return SURGE_UNKNOWN_SIZE
    return max(SURGE_MIN_POSTINGS, math.ceil(employee_count * SURGE_SHARE))


def hiring_signals(
    postings: Sequence[Posting],
    *,
    now: datetime,
    window_days: int = WINDOW_DAYS,
    employee_count: int | None = None,
) -> list[IntentSignalData]:
    """Intent signals from postings dated within ``window_days`` before ``now``, sorted by
    code; see ``docs/intent-hiring.md``. Undated postings carry no recency and are ignored;
    duplicates (same board, token, URL, title and date) count once."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    start = now - timedelta(days=window_days)
    recent: list[Posting] = []
    seen: set[tuple[Any, ...]] = set()
    for p in postings:
        if p.posted_at is None or p.posted_at < start:
            continue
        key = (p.board, p.board_token.lower(), p.url, p.title, p.posted_at)
        if key not in seen:
            seen.add(key)
            recent.append(p)
    groups: dict[str, list[Posting]] = defaultdict(list)
    for p in recent:
        if p.department is not None and p.department is not Department.OTHER:
            groups[department_code(p.department)].append(p)
        if is_sales_ops(p.title):
            groups["hiring_sales_ops"].append(p)
        if p.seniority in LEADERSHIP:
            groups["hiring_leadership"].append(p)
    threshold = surge_threshold(employee_count)
    if recent and len(recent) >= threshold:
        groups["hiring_surge"] = recent
    out = []
    for code in sorted(groups):
        extra = {}
        if code == "hiring_surge":
            extra = {"threshold": threshold, "employee_count": employee_count}
        out.append(_signal(code, groups[code], now=now, window_days=window_days, extra=extra))
    return out


def _signal(
    code: str,
    items: list[Posting],
    *,
    now: datetime,
    window_days: int,
    extra: Mapping[str, Any],
) -> IntentSignalData:
    ordered = sorted(items, key=lambda p: (-_when(p).timestamp(), p.title, p.url or ""))
    detected = min(_when(ordered[0]), now)
    sources = sorted({f"{p.board}:{p.board_token}" for p in items})
    examples = [
        {"title": p.title, "url": p.url, "posted_at": _when(p).isoformat()}
        for p in ordered[:MAX_EXAMPLES]
    ]
    evidence: dict[str, Any] = {
        "count": len(items),
        "window_days": window_days,
        "examples": examples,
        **extra,
    }
    return IntentSignalData(code, detected, ",".join(sources), evidence)


def _when(p: Posting) -> datetime:
    return cast(datetime, p.posted_at)
