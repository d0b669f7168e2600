"""Hiring intent from public job boards: fixtures per board, discovery, signals, the sandbox.

Board answers are the documented examples under ``tests/fixtures/jobs/<board>/`` (the
``provider_kit`` convention) or the sandbox market's wire handlers, served in-process over
``httpx.MockTransport``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from cleanlist_server.domain.enums import Department, Seniority
from cleanlist_server.engine.runner import ProviderBadResponse, ProviderRateLimited, ProviderTimeout
from cleanlist_server.intent.jobs import (
    BOARDS,
    Board,
    BoardRef,
    JobBoardClient,
    Posting,
    board_from_url,
    discover_boards,
    find_careers,
    hiring_signals,
    is_sales_ops,
    surge_threshold,
)
from cleanlist_server.normalize.titles import parse_title
from cleanlist_server.providers.base import ProviderUnavailable
from cleanlist_server.sandbox.market import jobs as market_jobs
from cleanlist_server.sandbox.market.model import Population
from cleanlist_server.sandbox.market.population import generate
from cleanlist_server.sandbox.market.sites import render_homepage
from cleanlist_server.sandbox.market.wire import MarketRequest

FIXTURES = Path(__file__).parents[2] / "fixtures" / "jobs"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 1)
MARKET = "http://market.test"
Handler = (
    Callable[[httpx.Request], httpx.Response]
    | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
)


def load(board: str, case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / board / f"{case}.json").read_text("utf-8"))
    return data


def answer(fixture: dict[str, Any]) -> httpx.Response:
    resp = fixture["response"]
    return httpx.Response(
        resp["status"], headers=resp.get("headers") or {}, content=json.dumps(resp["body"]).encode()
    )


def client_for(handler: Handler, **kwargs: Any) -> JobBoardClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return JobBoardClient(http, urls={b: f"http://{b}.test" for b in BOARDS}, **kwargs)


async def replay(board: Board, case: str, token: str) -> tuple[list[Posting], list[httpx.Request]]:
    fixture = load(board, case)
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        expected = fixture["request"]
        assert request.method == expected["method"]
        assert request.url.path == expected["path"]
        assert dict(request.url.params) == expected.get("query", {})
        return answer(fixture)

    postings = await client_for(handler).fetch(BoardRef(board, token))
    return postings, calls


# --- fixture replays ----------------------------------------------------------------------


async def test_greenhouse_documented_example() -> None:
    postings, calls = await replay("greenhouse", "example", "vaulttec")
    assert calls[0].url.host == "greenhouse.test"
    assert postings == [
        Posting(
            title="Vault Designer",
            department=Department.DESIGN,
            seniority=Seniority.INDIVIDUAL_CONTRIBUTOR,
            location="NYC",
            posted_at=datetime(2016, 1, 14, 15, 55, 28, tzinfo=UTC),
            url="https://boards.greenhouse.io/vaulttec/jobs/127817",
            board="greenhouse",
            board_token="vaulttec",
        )
    ]
    assert postings[0].posted_at is not None and postings[0].posted_at.tzinfo is UTC


async def test_greenhouse_content_variant_parses_the_same() -> None:
    fixture = load("greenhouse", "content")
    client = client_for(lambda request: answer(fixture))
    postings = await client.fetch(BoardRef("greenhouse", "vaulttec"))
    plain, _ = await replay("greenhouse", "example", "vaulttec")
    assert postings == plain


async def test_lever_shape() -> None:
    postings, _ = await replay("lever", "shape", "leverdemo")
    assert postings == [
        Posting(
            title="Senior Backend Engineer",
            department=Department.ENGINEERING,
            seniority=Seniority.INDIVIDUAL_CONTRIBUTOR,
            location="San Francisco",
            posted_at=datetime.fromtimestamp(1_700_000_000, UTC),
            url="https://jobs.lever.co/leverdemo/5ac21346-8e0c-4494-8e7a-3eb92ff77902",
            board="lever",
            board_token="leverdemo",
        )
    ]


async def test_ashby_documented_example() -> None:
    postings, _ = await replay("ashby", "example", "example")
    assert postings == [
        Posting(
            title="Product Manager",
            department=Department.PRODUCT,
            seniority=Seniority.INDIVIDUAL_CONTRIBUTOR,
            location="Houston, TX",
            posted_at=datetime(2021, 4, 30, 16, 21, 55, 393000, tzinfo=UTC),
            url="https://jobs.ashbyhq.com/example_job",
            board="ashby",
            board_token="example",
        )
    ]


async def test_workable_shape() -> None:
    postings, _ = await replay("workable", "shape", "examplecorp")
    assert [(p.title, p.department, p.seniority, p.location, p.posted_at) for p in postings] == [
        (
            "Senior Backend Engineer (.NET)",
            Department.ENGINEERING,
            Seniority.INDIVIDUAL_CONTRIBUTOR,
            "São Paulo, SP, Brazil",
            datetime(2026, 3, 27, tzinfo=UTC),
        ),
        (
            "Revenue Operations Analyst",
            Department.SALES,
            Seniority.INDIVIDUAL_CONTRIBUTOR,
            "Remote",
            datetime(2026, 3, 20, tzinfo=UTC),  # no published_on: created_at
        ),
    ]
    assert postings[0].url == "https://apply.workable.com/j/5EA5DDE797"


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("case", ["empty", "not_found"])
async def test_empty_and_missing_boards_are_empty(board: Board, case: str) -> None:
    segments = load(board, case)["request"]["path"].strip("/").split("/")
    token = segments[2] if board == "greenhouse" else segments[-1]
    postings, calls = await replay(board, case, token)
    assert postings == [] and len(calls) == 1


async def test_unlisted_ashby_jobs_are_skipped_and_labels_fill_in() -> None:
    body = {
        "apiVersion": "1",
        "jobs": [
            {"title": "Hidden role", "isListed": False, "publishedAt": "2026-10-01T00:00:00Z"},
            {"title": "Anti Fraud Officer", "department": "Engineering", "isListed": True},
            {"title": "  ", "isListed": True},
        ],
    }
    client = client_for(lambda request: httpx.Response(200, json=body))
    postings = await client.fetch(BoardRef("ashby", "acme"))
    assert [(p.title, p.department, p.posted_at) for p in postings] == [
        ("Anti Fraud Officer", Department.ENGINEERING, None)
    ]


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(503), ProviderUnavailable),
        (httpx.Response(403, text="blocked"), ProviderBadResponse),
        (httpx.Response(200, text="<html>hi</html>", headers={"content-type": "text/html"}),
         ProviderBadResponse),
        (httpx.Response(200, content=b"{", headers={"content-type": "application/json"}),
         ProviderBadResponse),
        (httpx.Response(200, json=[{"title": "x"}]), ProviderBadResponse),  # not Greenhouse's
        (httpx.Response(200, json={"jobs": "none"}), ProviderBadResponse),
    ],
)  # fmt: skip
async def test_trouble_is_typed(response: httpx.Response, error: type[Exception]) -> None:
    client = client_for(lambda request: response)
    with pytest.raises(error):
        await client.fetch(BoardRef("greenhouse", "acme"))


async def test_rate_limit_carries_retry_after() -> None:
    client = client_for(lambda request: httpx.Response(429, headers={"retry-after": "30"}))
    with pytest.raises(ProviderRateLimited) as info:
        await client.fetch(BoardRef("lever", "acme"))
    assert info.value.retry_after == 30.0


async def test_transport_errors_and_deadlines() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def read_timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200, json=[])

    with pytest.raises(ProviderUnavailable):
        await client_for(refuse).fetch(BoardRef("ashby", "acme"))
    with pytest.raises(ProviderTimeout):
        await client_for(read_timeout).fetch(BoardRef("ashby", "acme"))
    with pytest.raises(ProviderTimeout):
        await client_for(hang, timeout=0.05).fetch(BoardRef("lever", "acme"))


async def test_oversized_bodies_are_refused() -> None:
    body = {"jobs": [{"title": "Engineer " + "x" * 100}] * 50, "meta": {"total": 50}}
    client = client_for(lambda request: httpx.Response(200, json=body), max_bytes=1000)
    with pytest.raises(ProviderBadResponse):
        await client.fetch(BoardRef("greenhouse", "acme"))


def test_unknown_board_urls_are_refused() -> None:
    with pytest.raises(ValueError):
        JobBoardClient(httpx.AsyncClient(), urls={"workday": "http://x.test"})


# --- discovery ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ref"),
    [
        ("https://boards.greenhouse.io/acme", BoardRef("greenhouse", "acme")),
        ("https://job-boards.greenhouse.io/acme/jobs/4012345", BoardRef("greenhouse", "acme")),
        ("https://boards.greenhouse.io/embed/job_board/js?for=acme", BoardRef("greenhouse", "acme")),
        ("https://boards.greenhouse.io/embed/job_app?for=acme&token=1", BoardRef("greenhouse", "acme")),
        ("https://boards-api.greenhouse.io/v1/boards/acme/jobs", BoardRef("greenhouse", "acme")),
        ("https://jobs.lever.co/acme?team=Sales", BoardRef("lever", "acme")),
        ("https://api.lever.co/v0/postings/acme?mode=json", BoardRef("lever", "acme")),
        ("https://jobs.ashbyhq.com/Acme/3f1c-uuid", BoardRef("ashby", "Acme")),
        ("https://jobs.ashbyhq.com/acme/embed?version=2", BoardRef("ashby", "acme")),
        ("https://api.ashbyhq.com/posting-api/job-board/acme", BoardRef("ashby", "acme")),
        ("https://apply.workable.com/acme/", BoardRef("workable", "acme")),
        ("https://apply.workable.com/api/v1/widget/accounts/acme", BoardRef("workable", "acme")),
        ("https://acme.workable.com/", BoardRef("workable", "acme")),
        ("https://apply.workable.com/j/5EA5DDE797", None),
        ("https://boards.greenhouse.io/embed/job_board", None),
        ("https://www.workable.com/pricing", None),
        ("https://www.greenhouse.com/", None),
        ("https://acme.com/careers", None),
        ("mailto:jobs@acme.com", None),
    ],
)  # fmt: skip
def test_board_from_url(url: str, ref: BoardRef | None) -> None:
    assert board_from_url(url) == ref


def test_discover_boards_from_links_embeds_and_scripts() -> None:
    html = """<html><head>
    <script src="https://boards.greenhouse.io/embed/job_board/js?for=initech"></script>
    <script>var jobs = "https://jobs.lever.co/initech-eu"; window.ashby = '//jobs.ashbyhq.com/Initech';</script>
    </head><body>
    <div id="grnhse_app"></div>
    <a href="https://boards.greenhouse.io/initech/jobs/123">A job</a>
    <a href="https://boards.greenhouse.io/INITECH">All jobs</a>
    <iframe src="//apply.workable.com/initech/"></iframe>
    <a href="/careers">Careers</a> <a href="https://www.linkedin.com/company/initech/">in</a>
    </body></html>"""
    assert discover_boards(html, "https://initech.test/") == [
        BoardRef("greenhouse", "initech"),
        BoardRef("workable", "initech"),
        BoardRef("lever", "initech-eu"),
        BoardRef("ashby", "Initech"),
    ]


def test_discover_boards_finds_nothing_on_a_plain_page() -> None:
    html = '<html><body><a href="/jobs">Jobs</a><a href="https://example.test/">x</a></body></html>'
    assert discover_boards(html, "https://example.test/") == []
    assert discover_boards("", "https://example.test/") == []


# --- find_careers -------------------------------------------------------------------------


def site(pages: dict[str, httpx.Response]) -> tuple[httpx.AsyncClient, list[str]]:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return pages.get(str(request.url), httpx.Response(404))

    return httpx.AsyncClient(transport=httpx.MockTransport(handler)), seen


def page(html: str) -> httpx.Response:
    return httpx.Response(200, text=html, headers={"content-type": "text/html; charset=utf-8"})


async def test_find_careers_follows_one_same_site_hop() -> None:
    home = '<a href="https://other.test/careers">Partner jobs</a><a href="/company/careers/">Careers</a>'
    careers = '<a href="https://jobs.lever.co/acme">Open roles</a>'
    client, seen = site(
        {
            "https://acme.test/": page(home),
            "https://acme.test/company/careers/": page(careers),
        }
    )
    assert await find_careers(client, "https://{domain}/", "acme.test") == [
        BoardRef("lever", "acme")
    ]
    assert seen == ["https://acme.test/", "https://acme.test/company/careers/"]


async def test_find_careers_stops_at_the_homepage_when_it_links_a_board() -> None:
    home = '<a href="https://apply.workable.com/acme/">Careers</a><a href="/careers">Careers</a>'
    client, seen = site({"https://acme.test/": page(home)})
    assert await find_careers(client, "https://{domain}/", "acme.test") == [
        BoardRef("workable", "acme")
    ]
    assert seen == ["https://acme.test/"]


async def test_find_careers_reads_a_redirect_to_the_board() -> None:
    redirect = httpx.Response(302, headers={"location": "https://boards.greenhouse.io/acme"})
    client, seen = site(
        {"https://acme.test/": page('<a href="/jobs">Jobs</a>'), "https://acme.test/jobs": redirect}
    )
    assert await find_careers(client, "https://{domain}/", "acme.test") == [
        BoardRef("greenhouse", "acme")
    ]
    assert "https://boards.greenhouse.io/acme" not in seen


async def test_find_careers_without_a_site_or_careers_page() -> None:
    client, _ = site({})
    assert await find_careers(client, "https://{domain}/", "acme.test") == []
    client, seen = site({"https://acme.test/": page('<a href="/about">About</a>')})
    assert await find_careers(client, "https://{domain}/", "acme.test") == []
    assert seen == ["https://acme.test/"]


async def test_find_careers_errors_are_typed() -> None:
    client, _ = site({"https://acme.test/": httpx.Response(500)})
    with pytest.raises(ProviderUnavailable):
        await find_careers(client, "https://{domain}/", "acme.test")

    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return page("")

    slow = httpx.AsyncClient(transport=httpx.MockTransport(hang))
    with pytest.raises(ProviderTimeout):
        await find_careers(slow, "https://{domain}/", "acme.test", timeout=0.05)
    with pytest.raises(ValueError):
        await find_careers(slow, "https://example.test/", "acme.test")


# --- signals ------------------------------------------------------------------------------


def posting(
    title: str, days_ago: float | None, *, board: Board = "greenhouse", n: int = 0
) -> Posting:
    info = parse_title(title)
    return Posting(
        title=title,
        department=info.department,
        seniority=info.seniority,
        location="Remote",
        posted_at=None if days_ago is None else NOW - timedelta(days=days_ago),
        url=f"https://boards.greenhouse.io/acme/jobs/{n}",
        board=board,
        board_token="acme",
    )


def test_hiring_signals_codes_recency_and_evidence() -> None:
    postings = [
        posting("Account Executive", 3, n=1),
        posting("Senior Account Executive", 10, n=2),
        posting("Sales Development Representative", 20, n=3),
        posting("Revenue Operations Manager", 40, n=4),
        posting("VP of Engineering", 5, n=5),
        posting("Senior Software Engineer", 100, n=6),  # outside the window
        posting("Customer Success Manager", None, n=7),  # undated
        posting("Account Executive", 3, n=1),  # a duplicate
    ]
    signals = {s.code: s for s in hiring_signals(postings, now=NOW)}
    assert list(signals) == [
        "hiring_engineering",
        "hiring_leadership",
        "hiring_sales",
        "hiring_sales_ops",
    ]
    sales = signals["hiring_sales"]
    assert sales.detected_at == NOW - timedelta(days=3)
    assert sales.source == "greenhouse:acme"
    assert sales.evidence["count"] == 4 and sales.evidence["window_days"] == 90
    assert [e["title"] for e in sales.evidence["examples"]] == [
        "Account Executive",
        "Senior Account Executive",
        "Sales Development Representative",
    ]
    assert sales.evidence["examples"][0]["url"] == "https://boards.greenhouse.io/acme/jobs/1"
    assert signals["hiring_sales_ops"].evidence["count"] == 1
    assert signals["hiring_sales_ops"].detected_at == NOW - timedelta(days=40)
    assert signals["hiring_leadership"].evidence["examples"][0]["title"] == "VP of Engineering"
    assert signals["hiring_engineering"].evidence["count"] == 1  # the 100-day-old one is out
    wide = {s.code for s in hiring_signals(postings, now=NOW, window_days=120)}
    assert "hiring_engineering" in wide and "hiring_customer_success" not in wide


def test_hiring_surge_is_relative_to_headcount() -> None:
    postings = [posting("Software Engineer", i, n=i) for i in range(8)]
    assert surge_threshold(None) == 15 and surge_threshold(40) == 5 and surge_threshold(1000) == 50
    small = {s.code: s for s in hiring_signals(postings, now=NOW, employee_count=40)}
    assert small["hiring_surge"].evidence["count"] == 8
    assert small["hiring_surge"].evidence["threshold"] == 5
    assert "hiring_surge" not in {s.code for s in hiring_signals(postings, now=NOW)}
    big = hiring_signals(postings, now=NOW, employee_count=1000)
    assert "hiring_surge" not in {s.code for s in big}


def test_hiring_signals_edge_cases() -> None:
    assert hiring_signals([], now=NOW) == []
    future = hiring_signals([posting("Data Engineer", -2)], now=NOW)
    assert [(s.code, s.detected_at) for s in future] == [("hiring_data", NOW)]
    mixed = hiring_signals(
        [posting("Recruiter", 1, n=1), posting("Recruiter", 2, board="lever", n=2)], now=NOW
    )
    assert mixed[0].code == "hiring_hr" and mixed[0].source == "greenhouse:acme,lever:acme"
    with pytest.raises(ValueError):
        hiring_signals([], now=datetime(2026, 11, 1))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Revenue Operations Manager", True), ("RevOps Analyst", True), ("Rev Ops Lead", True),
        ("Sales Operations Analyst", True), ("Sales Enablement Manager", True),
        ("Salesforce Administrator", True), ("CRM Administrator", True),
        ("HubSpot Admin", True), ("GTM Operations Manager", True), ("Deal Desk Analyst", True),
        ("Account Executive", False), ("Operations Manager", False), ("Sales Manager", False),
    ],
)  # fmt: skip
def test_sales_ops_titles(title: str, expected: bool) -> None:
    assert is_sales_ops(title) is expected


# --- the sandbox's boards -----------------------------------------------------------------


@pytest.fixture(scope="module")
def population() -> Population:
    return generate(11, companies=80, people=0, today=TODAY)


def market_client(population: Population) -> httpx.AsyncClient:
    """The market's job boards and careers pages, as the server routes them."""

    def handler(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.split("/")
        if parts[1] == "jobs":
            wire = MarketRequest(
                method=request.method,
                path="/" + "/".join(parts[3:]),
                query=dict(request.url.params),
                headers={k.lower(): v for k, v in request.headers.items()},
            )
            answer = market_jobs.handle(parts[2], wire, population, population.today)
            return httpx.Response(answer.status, json=answer.json)
        if parts[1] == "sites":
            company = next(c for c in population.companies.values() if c.domain == parts[2])
            if parts[3:] in ([], [""]):
                return page(render_homepage(company))
            if parts[3:] == ["careers"]:
                return page(market_jobs.careers_html(company, seed=population.seed))
        return httpx.Response(404)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def test_roles_are_classified_as_labelled() -> None:
    for department, roles in market_jobs.ROLES.items():
        for title, seniority in roles:
            info = parse_title(title)
            assert (info.department, info.seniority) == (department, seniority), title


def test_truth_is_deterministic_and_plausible(population: Population) -> None:
    companies = list(population.companies.values())
    refs = [market_jobs.board_for(c, seed=population.seed) for c in companies]
    assert refs == [market_jobs.board_for(c, seed=population.seed) for c in companies]
    assert refs != [market_jobs.board_for(c, seed=population.seed + 1) for c in companies]
    with_board = [r for r in refs if r is not None]
    assert 0.4 < len(with_board) / len(refs) < 0.8
    assert {r.board for r in with_board} == set(BOARDS)
    for company, ref in zip(companies, refs, strict=True):
        truth = market_jobs.postings_for(company, TODAY, seed=population.seed)
        assert truth == market_jobs.postings_for(company, TODAY, seed=population.seed)
        assert len(truth) <= market_jobs.MAX_POSTINGS and (ref is not None or truth == [])
        for p in truth:
            age = datetime.combine(TODAY, datetime.min.time(), UTC) - p.posted_at
            assert timedelta(0) <= age <= timedelta(days=market_jobs.MAX_AGE_DAYS)
            assert p.board_token == market_jobs.token_for(company) == company.domain.split(".")[0]


async def test_sandbox_round_trip_recovers_the_truth(population: Population) -> None:
    client = JobBoardClient(market_client(population), urls=market_jobs.board_urls(MARKET))
    checked = 0
    for company in population.companies.values():
        ref = market_jobs.board_for(company, seed=population.seed)
        truth = market_jobs.postings_for(company, TODAY, seed=population.seed)
        if ref is None:
            assert await client.fetch(BoardRef("greenhouse", market_jobs.token_for(company))) == []
            continue
        assert await client.fetch(ref) == [p.as_posting() for p in truth]
        other = next(b for b in BOARDS if b != ref.board)
        assert await client.fetch(BoardRef(other, ref.token)) == []
        checked += len(truth)
    assert checked > 50


async def test_sandbox_careers_pages_lead_to_the_board(population: Population) -> None:
    client = market_client(population)
    for company in list(population.companies.values())[:40]:
        ref = market_jobs.board_for(company, seed=population.seed)
        html = market_jobs.careers_html(company, seed=population.seed)
        assert discover_boards(html, f"https://{company.domain}/careers") == ([ref] if ref else [])
        found = await find_careers(client, MARKET + "/sites/{domain}", company.domain)
        assert found == ([ref] if ref else [])


async def test_sandbox_signals_match_the_truth(population: Population) -> None:
    client = JobBoardClient(market_client(population), urls=market_jobs.board_urls(MARKET))
    for company in population.companies.values():
        ref = market_jobs.board_for(company, seed=population.seed)
        if ref is None:
            continue
        truth = [
            p.as_posting() for p in market_jobs.postings_for(company, TODAY, seed=population.seed)
        ]
        assert hiring_signals(await client.fetch(ref), now=NOW) == hiring_signals(truth, now=NOW)


def test_sandbox_wire_details(population: Population) -> None:
    company = next(
        c
        for c in population.companies.values()
        if (r := market_jobs.board_for(c, seed=population.seed)) is not None
        and r.board == "greenhouse"
        and market_jobs.postings_for(c, TODAY, seed=population.seed)
    )
    token = market_jobs.token_for(company)

    def get(board: str, path: str, **query: str) -> Any:
        request = MarketRequest("GET", path, query, {})
        return market_jobs.handle(board, request, population)

    plain = get("greenhouse", f"/v1/boards/{token}/jobs")
    assert plain.status == 200 and "departments" not in plain.json["jobs"][0]
    assert plain.json["meta"]["total"] == len(plain.json["jobs"])
    rich = get("greenhouse", f"/v1/boards/{token}/jobs", content="true")
    assert rich.json["jobs"][0]["departments"][0]["name"]
    assert get("greenhouse", f"/v1/boards/{token}/departments").status == 404
    assert get("lever", f"/v0/postings/{token}").status == 404
    assert get("workday", "/anything").status == 404
    with pytest.raises(ValueError):
        market_jobs.handle(
            "lever", MarketRequest("GET", "/v0/postings/x", {}, {}), Population(seed=1)
        )
