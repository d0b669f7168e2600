"""Job boards of the sandbox market: who hires, on which board, and each board's wire format.

Wiring for the market server (``sandbox/market/server.py``), all GET:

- ``/jobs/{board}/{rest:path}`` for ``board`` in ``BOARDS`` (greenhouse, lever, ashby,
  workable) -> ``handle(board, MarketRequest(method, "/" + rest, query, headers),
  population, population.today)``, rendered like a vendor's ``MarketResponse``. Mount it
  before the generic ``/{vendor}/{rest:path}`` route. ``rest`` is the board's documented
  path: ``v1/boards/<token>/jobs``, ``v0/postings/<token>``,
  ``posting-api/job-board/<token>``, ``api/v1/widget/accounts/<token>``.
- ``/sites/{domain}/careers`` (and ``/careers/``) -> ``careers_html(company,
  seed=population.seed)`` as ``text/html``; 404 for an unknown domain. The homepage
  (``sites.render_homepage``) links ``/careers``.

Clients then point at the market: ``JobBoardClient(client, urls=board_urls(market_url))``
and ``find_careers(client, market_url + "/sites/{domain}", domain)``.

The truth is deterministic, seeded by ``population.seed`` and the company id: about 60 %
of companies (``BOARD_SHARE``) have a board on one provider (``PROVIDER_WEIGHTS``), its
token the first label of the company domain; each board lists 0-25 open postings, more at
bigger companies, with titles from ``ROLES`` (per department and seniority, each entry
classified by ``parse_title`` as labelled), posted within the last 120 days before
``today``. ``postings_for`` is that truth, exactly what ``JobBoardClient`` must recover.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Final

from cleanlist_server.domain.enums import Department, Seniority
from cleanlist_server.intent.jobs import BOARDS, Board, BoardRef, Posting

from .model import Population, TrueCompany
from .wire import MarketRequest, MarketResponse

__all__ = [
    "BOARD_SHARE",
    "MAX_AGE_DAYS",
    "MAX_POSTINGS",
    "PROVIDER_WEIGHTS",
    "ROLES",
    "TruePosting",
    "board_for",
    "board_urls",
    "careers_html",
    "handle",
    "postings_for",
    "token_for",
]

BOARD_SHARE = 0.6
PROVIDER_WEIGHTS: Final[Mapping[Board, float]] = {
    "greenhouse": 0.35,
    "lever": 0.25,
    "ashby": 0.25,
    "workable": 0.15,
}
MAX_POSTINGS = 25
MAX_AGE_DAYS = 120

_IC, _ENTRY, _MGR, _DIR, _VP, _C = (
    Seniority.INDIVIDUAL_CONTRIBUTOR,
    Seniority.ENTRY,
    Seniority.MANAGER,
    Seniority.DIRECTOR,
    Seniority.VP,
    Seniority.C_LEVEL,
)
ROLES: Final[Mapping[Department, tuple[tuple[str, Seniority], ...]]] = {
    Department.ENGINEERING: (
        ("Software Engineer", _IC), ("Senior Software Engineer", _IC), ("Backend Engineer", _IC),
        ("Senior Backend Engineer", _IC), ("Frontend Engineer", _IC),
        ("Full Stack Engineer", _IC), ("Staff Software Engineer", _IC),
        ("Site Reliability Engineer", _IC), ("DevOps Engineer", _IC), ("QA Engineer", _IC),
        ("Mobile Engineer", _IC), ("Platform Engineer", _IC),
        ("Software Engineering Intern", _ENTRY), ("Junior Software Engineer", _ENTRY),
        ("Engineering Manager", _MGR), ("Director of Engineering", _DIR),
        ("Head of Engineering", _DIR), ("VP of Engineering", _VP),
        ("Chief Technology Officer", _C),
    ),
    Department.SALES: (
        ("Account Executive", _IC), ("Senior Account Executive", _IC),
        ("Enterprise Account Executive", _IC), ("Sales Development Representative", _IC),
        ("Business Development Representative", _IC), ("Account Manager", _IC),
        ("Solutions Engineer", _IC), ("Sales Manager", _MGR), ("Regional Sales Director", _DIR),
        ("Head of Sales", _DIR), ("VP of Sales", _VP), ("Chief Revenue Officer", _C),
        ("Revenue Operations Manager", _MGR), ("Sales Operations Analyst", _IC),
        ("Sales Enablement Manager", _MGR), ("RevOps Analyst", _IC), ("Deal Desk Analyst", _IC),
    ),
    Department.MARKETING: (
        ("Product Marketing Manager", _MGR), ("Content Marketing Manager", _MGR),
        ("Demand Generation Manager", _MGR), ("Growth Marketing Manager", _MGR),
        ("Field Marketing Manager", _MGR), ("SEO Specialist", _IC), ("Marketing Intern", _ENTRY),
        ("Marketing Coordinator", _ENTRY), ("Director of Marketing", _DIR),
        ("VP of Marketing", _VP),
    ),
    Department.CUSTOMER_SUCCESS: (
        ("Customer Success Manager", _IC), ("Customer Support Representative", _IC),
        ("Support Engineer", _IC), ("Technical Support Specialist", _IC),
        ("Implementation Manager", _MGR), ("Onboarding Specialist", _IC),
        ("Renewals Manager", _MGR), ("Director of Customer Success", _DIR),
        ("VP of Customer Success", _VP),
    ),
    Department.PRODUCT: (
        ("Product Manager", _IC), ("Senior Product Manager", _IC), ("Product Owner", _IC),
        ("Director of Product", _DIR), ("VP of Product", _VP),
    ),
    Department.DESIGN: (
        ("Product Designer", _IC), ("Senior Product Designer", _IC), ("UX Researcher", _IC),
        ("Brand Designer", _IC),
    ),
    Department.DATA: (
        ("Data Scientist", _IC), ("Data Engineer", _IC), ("Machine Learning Engineer", _IC),
        ("Senior Data Analyst", _IC), ("Analytics Engineer", _IC),
    ),
    Department.OPERATIONS: (
        ("Operations Manager", _MGR), ("Office Manager", _MGR),
        ("Business Operations Analyst", _IC), ("Chief Operating Officer", _C),
    ),
    Department.FINANCE: (
        ("Financial Analyst", _IC), ("Accountant", _IC), ("Payroll Specialist", _IC),
        ("Controller", _IC), ("Finance Manager", _MGR), ("Chief Financial Officer", _C),
    ),
    Department.HR: (
        ("Recruiter", _IC), ("Technical Recruiter", _IC), ("HR Business Partner", _IC),
        ("People Operations Manager", _MGR), ("Head of People", _DIR),
    ),
    Department.LEGAL: (("Legal Counsel", _IC), ("Paralegal", _IC), ("General Counsel", _C)),
    Department.IT: (
        ("IT Support Specialist", _IC), ("Systems Administrator", _IC),
        ("Security Engineer", _IC), ("IT Manager", _MGR),
    ),
    Department.RESEARCH: (("Research Scientist", _IC),),
}  # fmt: skip
"""Posting titles per department, each with the seniority ``parse_title`` gives it."""

_DEPARTMENT_WEIGHTS: Final[Mapping[Department, float]] = {
    Department.ENGINEERING: 30, Department.SALES: 22, Department.MARKETING: 9,
    Department.CUSTOMER_SUCCESS: 9, Department.PRODUCT: 6, Department.DATA: 5,
    Department.DESIGN: 3, Department.OPERATIONS: 4, Department.FINANCE: 3, Department.HR: 4,
    Department.IT: 3, Department.LEGAL: 1, Department.RESEARCH: 1,
}  # fmt: skip
_SENIORITY_WEIGHTS: Final[Mapping[Seniority, float]] = {
    _IC: 6,
    _ENTRY: 2,
    _MGR: 3,
    _DIR: 1.2,
    _VP: 0.5,
    _C: 0.25,
}
_UTC_OFFSETS: Final[Mapping[str, int]] = {  # Greenhouse renders local times; fixed offsets
    "United States": -5, "Canada": -5, "United Kingdom": 0, "Ireland": 0, "Germany": 1,
    "France": 1, "Netherlands": 1, "Spain": 1, "Australia": 10,
}  # fmt: skip
_COUNTRY_CODES: Final[Mapping[str, str]] = {
    "United States": "US", "Canada": "CA", "United Kingdom": "GB", "Ireland": "IE",
    "Germany": "DE", "France": "FR", "Netherlands": "NL", "Spain": "ES", "Australia": "AU",
}  # fmt: skip


@dataclass(frozen=True)
class TruePosting:
    """One open posting of the truth, with what each board's wire renders from it."""

    id: str
    """The board's id: a Greenhouse job post id, a Lever/Ashby UUID, a Workable shortcode."""
    title: str
    department: Department
    seniority: Seniority
    team: str
    """The board's department label."""
    city: str | None
    region: str | None
    country: str | None
    remote: bool
    location: str
    """The location string the board shows (what ``JobBoardClient`` reads back)."""
    posted_at: datetime
    """Aware UTC, whole seconds (midnight for Workable, which publishes a day)."""
    url: str
    board: Board
    board_token: str

    def as_posting(self) -> Posting:
        return Posting(
            title=self.title,
            department=self.department,
            seniority=self.seniority,
            location=self.location,
            posted_at=self.posted_at,
            url=self.url,
            board=self.board,
            board_token=self.board_token,
        )


# --- the truth ----------------------------------------------------------------------------


def token_for(company: TrueCompany) -> str:
    """The board token: the first label of the company domain (unique in a population)."""
    return company.domain.split(".", 1)[0].lower()


def board_urls(market_url: str) -> dict[str, str]:
    """``JobBoardClient(urls=...)`` for a market served at ``market_url``."""
    base = market_url.rstrip("/")
    return {board: f"{base}/jobs/{board}" for board in BOARDS}


def _rng(seed: int, company: TrueCompany, purpose: str) -> random.Random:
    return random.Random(f"jobs:{seed}:{company.id}:{purpose}")


def board_for(company: TrueCompany, *, seed: int) -> BoardRef | None:
    """The company's job board, or None (about 40 % of companies have none)."""
    rng = _rng(seed, company, "board")
    if rng.random() >= BOARD_SHARE:
        return None
    board = rng.choices(list(PROVIDER_WEIGHTS), weights=list(PROVIDER_WEIGHTS.values()))[0]
    return BoardRef(board, token_for(company))


def postings_for(company: TrueCompany, today: date, *, seed: int) -> list[TruePosting]:
    """The company's open postings as of ``today``, newest first (``[]`` without a board)."""
    ref = board_for(company, seed=seed)
    if ref is None:
        return []
    rng = _rng(seed, company, "postings")
    employees = _int(company.fields.get("company_employee_count")) or 50
    mean = max(1.5, min(12.0, employees ** (1 / 3)))
    count = 0 if rng.random() < 0.1 else min(MAX_POSTINGS, 1 + int(rng.expovariate(1 / mean)))
    midnight = datetime.combine(today, time(), UTC)
    city, region, country = _hq(company)
    out = []
    for index in range(count):
        department = _pick(rng, _DEPARTMENT_WEIGHTS)
        roles = ROLES[department]
        title, seniority = rng.choices(roles, weights=[_SENIORITY_WEIGHTS[s] for _, s in roles])[0]
        remote = rng.random() < 0.2
        posted_at = midnight - timedelta(seconds=rng.randrange((MAX_AGE_DAYS - 1) * 86_400))
        if ref.board == "workable":
            posted_at = datetime.combine(posted_at.date(), time(), UTC)
        digest = hashlib.sha256(f"{seed}:{company.id}:{index}".encode()).hexdigest()
        posting_id = _posting_id(ref.board, digest)
        out.append(
            TruePosting(
                id=posting_id,
                title=title,
                department=department,
                seniority=seniority,
                team=department.value,
                city=None if remote else city,
                region=None if remote else region,
                country=None if remote else country,
                remote=remote,
                location=_location(ref.board, company, remote),
                posted_at=posted_at,
                url=_job_url(ref, posting_id),
                board=ref.board,
                board_token=ref.token,
            )
        )
    out.sort(key=lambda p: (-p.posted_at.timestamp(), p.id))
    return out


def _pick(rng: random.Random, weights: Mapping[Department, float]) -> Department:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _posting_id(board: Board, digest: str) -> str:
    if board == "greenhouse":
        return str(1_000_000 + int(digest[:12], 16) % 9_000_000)
    if board == "workable":
        return digest[:10].upper()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"


def _job_url(ref: BoardRef, posting_id: str) -> str:
    if ref.board == "greenhouse":
        return f"https://job-boards.greenhouse.io/{ref.token}/jobs/{posting_id}"
    if ref.board == "lever":
        return f"https://jobs.lever.co/{ref.token}/{posting_id}"
    if ref.board == "ashby":
        return f"https://jobs.ashbyhq.com/{ref.token}/{posting_id}"
    return f"https://apply.workable.com/j/{posting_id}"


def _hq(company: TrueCompany) -> tuple[str | None, str | None, str | None]:
    f = company.fields
    city, country = _str(f.get("company_hq_city")), _str(f.get("company_hq_country"))
    parts = [p.strip() for p in (_str(f.get("company_hq_location")) or "").split(",")]
    region = parts[1] if len(parts) == 2 and parts[0] == city and parts[1] != country else None
    return city, region, country


def _location(board: Board, company: TrueCompany, remote: bool) -> str:
    if remote:
        return "Remote"
    city, region, country = _hq(company)
    if board == "workable":
        return ", ".join(p for p in (city, region, country) if p) or "Remote"
    return _str(company.fields.get("company_hq_location")) or city or country or "Remote"


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


# --- the careers page ---------------------------------------------------------------------


def careers_html(company: TrueCompany, *, seed: int) -> str:
    """The careers page at ``/careers``: it links or embeds the board as real sites do
    (Greenhouse embed script or board link, Lever link, Ashby link or embed, Workable
    link), or says there are no openings."""
    ref = board_for(company, seed=seed)
    e = html.escape
    name = e(company.name)
    variant = _rng(seed, company, "careers").randrange(2)
    if ref is None:
        board = [
            "<p>We have no open positions right now.</p>",
            f'<p>Send your CV to <a href="mailto:jobs@{e(company.domain)}">'
            f"jobs@{e(company.domain)}</a>.</p>",
        ]
    elif ref.board == "greenhouse" and variant == 0:
        board = [
            '<div id="grnhse_app"></div>',
            '<script src="https://boards.greenhouse.io/embed/job_board/js?for='
            f'{e(ref.token)}"></script>',
        ]
    elif ref.board == "ashby" and variant == 0:
        board = [
            '<div id="ashby_embed"></div>',
            f'<script src="https://jobs.ashbyhq.com/{e(ref.token)}/embed?version=2"></script>',
        ]
    else:
        link = {
            "greenhouse": f"https://job-boards.greenhouse.io/{ref.token}",
            "lever": f"https://jobs.lever.co/{ref.token}",
            "ashby": f"https://jobs.ashbyhq.com/{ref.token}",
            "workable": f"https://apply.workable.com/{ref.token}/",
        }[ref.board]
        board = [f'<a class="button" href="{e(link)}">See all open positions</a>']
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Careers | {name}</title>\n"
        f'<meta name="description" content="Join {name}: open positions and life at {name}.">\n'
        "</head>\n<body>\n"
        '<header class="site-header"><a class="logo" href="/">'
        f"{name}</a>"
        '<nav><a href="/product">Product</a> <a href="/about">About</a> '
        '<a href="/careers">Careers</a></nav></header>\n'
        f'<main>\n<section class="hero"><h1>Join {name}</h1>'
        "<p>Help us build what our customers love.</p></section>\n"
        '<section class="openings"><h2>Open positions</h2>\n'
        + "\n".join(board)
        + "\n</section>\n</main>\n"
        f"<footer><p>&copy; {name}</p></footer>\n</body>\n</html>\n"
    )


# --- the boards' wire formats -------------------------------------------------------------

_PATHS: Final[Mapping[str, re.Pattern[str]]] = {
    "greenhouse": re.compile(r"^/v1/boards/([^/]+)/jobs/?$"),
    "lever": re.compile(r"^/v0/postings/([^/]+)/?$"),
    "ashby": re.compile(r"^/posting-api/job-board/([^/]+)/?$"),
    "workable": re.compile(r"^/api/v1/widget/accounts/([^/]+)/?$"),
}
_NOT_FOUND: Final[Mapping[str, Any]] = {
    "greenhouse": {"status": 404, "error": "Job not found"},
    "lever": {"ok": False, "error": "Document not found"},
    "ashby": {"success": False, "error": "Job board not found"},
    "workable": {"error": "Not found"},
}


def handle(
    board: str, request: MarketRequest, population: Population, today: date | None = None
) -> MarketResponse:
    """Serve one board's documented list endpoint for the token in the path (404 in the
    board's style when that company has no board there, or for any other path)."""
    if board not in _PATHS:
        return MarketResponse(status=404, json={"error": "Not found"})
    day = today or population.today
    if day is None:
        raise ValueError("handle needs today (or population.today)")
    match = _PATHS[board].match(request.path)
    company = _company(population, board, match.group(1)) if match else None
    if request.method.upper() not in ("GET", "HEAD") or company is None:
        return MarketResponse(status=404, json=_NOT_FOUND[board])
    postings = postings_for(company, day, seed=population.seed)
    query = {k.lower(): v for k, v in request.query.items()}
    if board == "greenhouse":
        return MarketResponse(json=_greenhouse(company, postings, day, query))
    if board == "lever":
        return MarketResponse(json=_lever(postings, query))
    if board == "ashby":
        return MarketResponse(json=_ashby(postings))
    return MarketResponse(json=_workable(company, postings, query))


def _company(population: Population, board: str, token: str) -> TrueCompany | None:
    token = token.lower()
    for company in population.companies.values():
        if token_for(company) == token:
            ref = board_for(company, seed=population.seed)
            return company if ref is not None and ref.board == board else None
    return None


def _flag(query: Mapping[str, str], name: str) -> bool:
    return query.get(name.lower(), "").lower() in ("true", "1", "yes")


def _description(p: TruePosting) -> str:
    return f"<p>We are hiring a {html.escape(p.title)} to join our {html.escape(p.team)} team.</p>"


def _greenhouse(
    company: TrueCompany, postings: list[TruePosting], today: date, query: Mapping[str, str]
) -> dict[str, Any]:
    zone = timezone(timedelta(hours=_UTC_OFFSETS.get(_hq(company)[2] or "", 0)))
    end = datetime.combine(today, time(), UTC)
    jobs = []
    for p in postings:
        digest = int(hashlib.sha256(p.id.encode()).hexdigest()[:8], 16)
        updated = min(p.posted_at + timedelta(days=digest % 20, seconds=digest % 3600), end)
        job: dict[str, Any] = {
            "id": int(p.id),
            "internal_job_id": int(p.id) - 1_000_000 + 4_000_000,
            "title": p.title,
            "updated_at": updated.astimezone(zone).isoformat(timespec="seconds"),
            "requisition_id": str(100 + digest % 900),
            "location": {"name": p.location},
            "absolute_url": p.url,
            "language": "en",
            "metadata": None,
            "first_published": p.posted_at.astimezone(zone).isoformat(timespec="seconds"),
            "company_name": company.name,
        }
        if _flag(query, "content"):
            # Greenhouse escapes the HTML of the description as entities.
            job["content"] = html.escape(_description(p))
            job["departments"] = [
                {"id": 10_000 + digest % 90_000, "name": p.team, "parent_id": None, "child_ids": []}
            ]
            job["offices"] = [
                {
                    "id": 20_000 + digest % 80_000,
                    "name": p.location,
                    "location": p.location,
                    "parent_id": None,
                    "child_ids": [],
                }
            ]
        jobs.append(job)
    return {"jobs": jobs, "meta": {"total": len(jobs)}}


def _lever(postings: list[TruePosting], query: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for p in postings:
        text = f"We are hiring a {p.title} to join our {p.team} team."
        item: dict[str, Any] = {
            "id": p.id,
            "text": p.title,
            "categories": {
                "location": p.location,
                "commitment": "Full-time",
                "team": p.team,
                "department": p.team,
                "allLocations": [p.location],
            },
            "opening": "",
            "openingPlain": "",
            "description": _description(p),
            "descriptionPlain": text,
            "descriptionBody": _description(p),
            "descriptionBodyPlain": text,
            "lists": [],
            "additional": "",
            "additionalPlain": "",
            "hostedUrl": p.url,
            "applyUrl": f"{p.url}/apply",
            "workplaceType": "remote" if p.remote else "on-site",
            "createdAt": int(p.posted_at.timestamp()) * 1000,
        }
        if code := _COUNTRY_CODES.get(p.country or ""):
            item["country"] = code
        out.append(item)
    skip, limit = _int(query.get("skip")) or 0, _int(query.get("limit"))
    return out[skip : skip + limit] if limit is not None else out[skip:]


def _ashby(postings: list[TruePosting]) -> dict[str, Any]:
    jobs = []
    for p in postings:
        job: dict[str, Any] = {
            "id": p.id,
            "title": p.title,
            "location": p.location,
            "secondaryLocations": [],
            "department": p.team,
            "team": p.team,
            "isListed": True,
            "isRemote": p.remote,
            "workplaceType": "Remote" if p.remote else "OnSite",
            "descriptionHtml": _description(p),
            "descriptionPlain": f"We are hiring a {p.title} to join our {p.team} team.",
            "publishedAt": p.posted_at.isoformat(timespec="milliseconds"),
            "employmentType": "FullTime",
            "jobUrl": p.url,
            "applyUrl": f"{p.url}/application",
            "shouldDisplayCompensationOnJobPostings": False,
        }
        if not p.remote:
            job["address"] = {
                "postalAddress": {
                    k: v
                    for k, v in (
                        ("addressLocality", p.city),
                        ("addressRegion", p.region),
                        ("addressCountry", p.country),
                    )
                    if v
                }
            }
        jobs.append(job)
    return {"apiVersion": "1", "jobs": jobs}


def _workable(
    company: TrueCompany, postings: list[TruePosting], query: Mapping[str, str]
) -> dict[str, Any]:
    jobs = []
    for p in postings:
        created = p.posted_at.date() - timedelta(days=int(p.id[:2], 16) % 7)
        job: dict[str, Any] = {
            "title": p.title,
            "shortcode": p.id,
            "code": "",
            "employment_type": "Full-time",
            "telecommuting": p.remote,
            "department": p.team,
            "url": p.url,
            "shortlink": p.url,
            "application_url": f"{p.url}/apply",
            "published_on": p.posted_at.date().isoformat(),
            "created_at": created.isoformat(),
            "country": p.country or "",
            "city": p.city or "",
            "state": p.region or "",
            "education": "",
            "experience": "",
            "function": "",
            "industry": "",
            "locations": []
            if p.remote
            else [
                {
                    "country": p.country or "",
                    "countryCode": _COUNTRY_CODES.get(p.country or "", ""),
                    "city": p.city or "",
                    "region": p.region or "",
                    "hidden": False,
                }
            ],
        }
        if _flag(query, "details"):
            job["description"] = _description(p)
        jobs.append(job)
    return {"name": company.name, "description": None, "jobs": jobs}
