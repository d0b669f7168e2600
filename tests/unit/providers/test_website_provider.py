"""The website provider: parsing homepages, fingerprints, the fetch and its failure modes.

Pages are HTML strings written here, or rendered from synthetic ``TrueCompany`` objects by
the sandbox (``render_homepage``) and served over ``httpx.MockTransport``; one test goes
through the real egress-checked client to a loopback server.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from cleanlist_server.domain.fields import COMPANY_FIELDS
from cleanlist_server.domain.records import ProviderResult, Query
from cleanlist_server.engine.runner import (
    ProviderBadResponse,
    ProviderRateLimited,
    ProviderTimeout,
)
from cleanlist_server.net.egress import EgressPolicy
from cleanlist_server.net.http import make_http_client
from cleanlist_server.normalize.record import normalize_fields
from cleanlist_server.providers.base import Provider, ProviderError, ProviderUnavailable
from cleanlist_server.providers.website import (
    WebsiteProvider,
    detect_technologies,
    facts_to_fields,
    load_technologies,
    parse_homepage,
)
from cleanlist_server.sandbox.market.model import TrueCompany
from cleanlist_server.sandbox.market.sites import (
    TECHNOLOGIES,
    render_homepage,
    technology_markup,
)

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
TEMPLATE = "http://sandbox.test/sites/{domain}/"
Handler = Callable[[httpx.Request], Coroutine[Any, Any, httpx.Response]]


# -- parse fixtures -------------------------------------------------------------------------

INITECH = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Initech — Payroll software for growing teams</title>
<meta name="description" content="The meta description loses to the JSON-LD one.">
<meta name="generator" content="WordPress 6.4.2">
<meta property="og:site_name" content="Initech">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "url": "https://initech.test/", "name": "Initech",
   "publisher": {"@id": "https://initech.test/#org"}},
  {"@type": ["Organization", "Corporation"], "@id": "https://initech.test/#org",
   "name": "Initech, Inc.", "url": "https://www.initech.test",
   "logo": {"@type": "ImageObject", "url": "https://initech.test/logo.png"},
   "description": "Initech builds payroll   software for growing teams.",
   "foundingDate": "2009-04-01",
   "numberOfEmployees": {"@type": "QuantitativeValue", "minValue": 51, "maxValue": 200},
   "address": {"@type": "PostalAddress", "streetAddress": "500 Main St",
               "addressLocality": "Boston", "addressRegion": "MA", "postalCode": "02110",
               "addressCountry": {"@type": "Country", "name": "US"}},
   "contactPoint": [{"@type": "ContactPoint", "telephone": "+1-617-555-0199",
                     "contactType": "sales"}],
   "sameAs": ["https://www.linkedin.com/company/initech/", "https://twitter.com/initech",
              "https://www.facebook.com/initech"]}
]}
</script>
<script>(function(w,d,s,l,i){w[l]=w[l]||[];var j=d.createElement(s);j.async=true;
j.src='https://www.googletagmanager.com/gtm.js?id='+i;d.head.appendChild(j);
})(window,document,'script','dataLayer','GTM-ABC123');</script>
</head><body>
<nav><a href="/">Home</a> <a href="/jobs/">Join us</a></nav>
<p>We integrate with Salesforce, Stripe and Zendesk.</p>
<footer><a href="https://www.linkedin.com/company/initech">LinkedIn</a>
<a href="tel:+16175550100">Call us</a></footer>
<script src="//js.hs-scripts.com/123456.js" async></script>
</body></html>"""

GLOBEX = """<html><head><title>Home | Globex GmbH</title>
<meta property="og:description" content="Globex makes industrial sensors.">
</head><body>
<a href="https://twitter.com/intent/tweet?url=https%3A%2F%2Fglobex.de">Share</a>
<a href="https://twitter.com/someone/status/1234567">A tweet about us</a>
<footer>
<a href="tel:030%20901820">030 901820</a>
<a href="https://de.linkedin.com/company/globex">LinkedIn</a>
<a href="https://www.linkedin.com/company/globex-sensors/">LinkedIn (sensors)</a>
<a href="https://x.com/GlobexDE">X</a>
</footer></body></html>"""


def test_parse_json_ld_organization_in_a_graph() -> None:
    facts = parse_homepage(INITECH, domain="initech.test", base_url="https://initech.test/")
    assert facts.title == "Initech — Payroll software for growing teams"
    assert (facts.name, facts.name_source) == ("Initech, Inc.", "jsonld_name")
    assert facts.description == "Initech builds payroll software for growing teams."
    assert facts.logo == "https://initech.test/logo.png"
    assert facts.founded_year == 2009
    assert facts.employees == "51-200"
    assert facts.hq == {
        "streetAddress": "500 Main St",
        "addressLocality": "Boston",
        "addressRegion": "MA",
        "postalCode": "02110",
        "addressCountry": "US",
    }
    assert facts.phones == [("+1-617-555-0199", "jsonld_phone"), ("+16175550100", "tel_link")]
    assert facts.linkedin[0] == ("https://linkedin.com/company/initech", "jsonld_social")
    assert facts.twitter == [("https://x.com/initech", "jsonld_social")]
    assert facts.careers_url == "https://initech.test/jobs/"
    assert facts.technologies == ["Google Tag Manager", "HubSpot", "WordPress"]
    assert facts.soft_error is False


def test_initech_fields_and_confidences() -> None:
    facts = parse_homepage(INITECH, domain="initech.test")
    assert facts_to_fields(facts, domain="initech.test") == {
        "company_name": ("Initech", 0.9),
        "company_description": ("Initech builds payroll software for growing teams.", 0.85),
        "company_phone": ("+16175550199", 0.85),
        "company_linkedin_url": ("https://linkedin.com/company/initech", 0.9),
        "company_twitter_url": ("https://x.com/initech", 0.9),
        "company_founded_year": (2009, 0.8),
        "company_size": ("51-200", 0.6),
        "company_hq_location": ("Boston, MA", 0.8),
        "company_hq_city": ("Boston", 0.8),
        "company_hq_country": ("United States", 0.8),
        "company_tech_stack": (["Google Tag Manager", "HubSpot", "WordPress"], 0.7),
    }


def test_page_without_json_ld_falls_back_to_title_links_and_cctld() -> None:
    facts = parse_homepage(GLOBEX, domain="globex.de")
    assert (facts.name, facts.name_source) == ("Globex GmbH", "title_name_domain")
    assert facts.organization is None
    assert facts.description == "Globex makes industrial sensors."
    assert facts_to_fields(facts, domain="globex.de") == {
        "company_name": ("Globex", 0.7),
        "company_description": ("Globex makes industrial sensors.", 0.85),
        # A national number on a .de site is read as German.
        "company_phone": ("+4930901820", 0.75),
        # Two different LinkedIn pages: the first footer link, with less confidence.
        "company_linkedin_url": ("https://linkedin.com/company/globex", 0.7),
        # Share intents and other people's tweets are not the company's account.
        "company_twitter_url": ("https://x.com/globexde", 0.85),
    }


def test_the_footer_links_are_the_companys_own() -> None:
    page = """<html><head><title>Umbrella | Home</title></head><body>
    <section class="customers"><a href="https://www.linkedin.com/company/acme-corp">Acme</a>
    <a href="https://twitter.com/acmecorp">@acmecorp loves us</a></section>
    <footer><div class="social"><ul><li><a href="https://www.linkedin.com/company/umbrella/">in</a>
    </li><li><a href="https://twitter.com/umbrella">X</a></li></ul></div></footer>
    </body></html>"""
    facts = parse_homepage(page, domain="umbrella.test")
    assert [url for url, _ in facts.linkedin] == [
        "https://linkedin.com/company/umbrella",
        "https://linkedin.com/company/acme-corp",
    ]
    fields = facts_to_fields(facts, domain="umbrella.test")
    assert fields["company_linkedin_url"] == ("https://linkedin.com/company/umbrella", 0.7)
    assert fields["company_twitter_url"] == ("https://x.com/umbrella", 0.7)


def test_relative_links_are_not_social_handles() -> None:
    page = '<title>Umbrella</title><a href="careers">Careers</a> <a href="pricing">Pricing</a>'
    facts = parse_homepage(page, domain="umbrella.test", base_url="https://umbrella.test/en/")
    assert facts.twitter == []
    assert facts.careers_url == "https://umbrella.test/en/careers"


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
        "<title>Welcome to nginx!</title><p>If you see this page, nginx is working.</p>",
        "<title>acme.test is for sale | Buy this domain</title><p>Make an offer</p>",
        "<title>Account Suspended</title>",
    ],
)
def test_soft_error_pages(page: str) -> None:
    facts = parse_homepage(page, domain="acme.test")
    assert facts.soft_error is True
    assert facts.name is None


def test_a_company_whose_title_says_error_is_not_an_error_page() -> None:
    page = '<title>Error-free payroll | Acme</title><meta property="og:site_name" content="Acme">'
    facts = parse_homepage(page, domain="acme.test")
    assert facts.soft_error is False
    assert (facts.name, facts.name_source) == ("Acme", "og_site_name")


def test_broken_json_ld_is_ignored() -> None:
    page = (
        '<title>Hooli</title><script type="application/ld+json">{"@type": "Organization",'
        ' "name": </script><meta name="description" content="Hooli makes the internet.">'
    )
    facts = parse_homepage(page, domain="hooli.test")
    assert facts.organization is None
    assert (facts.name, facts.name_source) == ("Hooli", "title_name_domain")
    assert facts.description == "Hooli makes the internet."


# -- the technology table -------------------------------------------------------------------


def test_the_table_is_well_formed() -> None:
    table = load_technologies()
    names = [t.name for t in table]
    assert len(names) == len(set(names)) >= 40
    assert names == list(TECHNOLOGIES)
    for tech in table:
        assert tech.example and tech.category, tech.name
        assert tech.script_src or tech.link_href or tech.html or tech.meta or tech.dom


@pytest.mark.parametrize("name", TECHNOLOGIES)
def test_each_example_is_detected_as_itself_only(name: str) -> None:
    company = make_company("acme.test", "Acme", tech=[name])
    html = render_homepage(company)
    placed = technology_markup(name, "acme.test")
    assert placed is not None and placed[1] in html
    assert detect_technologies(html) == [name]


def test_a_plain_page_and_prose_detect_nothing() -> None:
    company = make_company("acme.test", "Acme", tech=[])
    assert detect_technologies(render_homepage(company)) == []
    prose = "<p>We integrate with HubSpot, Salesforce, Stripe, Segment and Shopify.</p>"
    assert detect_technologies(prose) == []


def test_response_headers_are_fingerprints_too() -> None:
    headers = {"Server": "cloudflare", "CF-RAY": "8a1b2c3d4e5f-AMS"}
    assert detect_technologies("<html></html>", headers=headers) == ["Cloudflare"]


def test_every_technology_at_once_is_recovered() -> None:
    company = make_company("everything.test", "Everything", tech=list(TECHNOLOGIES))
    assert detect_technologies(render_homepage(company)) == sorted(TECHNOLOGIES)


# -- round trip: truth -> rendered homepage -> provider -> truth ----------------------------


def make_company(
    domain: str,
    name: str,
    *,
    tech: list[str],
    country: str = "US",
    city: str = "Austin",
    phone: str = "+1 512 555 0142",
    employees: int = 240,
    founded: int = 2011,
    twitter: bool = True,
) -> TrueCompany:
    """A truth record normalized the way the market generator does it."""
    slug = domain.split(".")[0]
    raw: dict[str, Any] = {
        "company_name": name,
        "company_domain": domain,
        "company_industry": "Computer Software",
        "company_employee_count": str(employees),
        "company_hq_city": city,
        "company_hq_country": country,
        "company_phone": phone,
        "company_linkedin_url": f"https://www.linkedin.com/company/{slug}",
        "company_description": f"{name} delivers dependable tools for software teams.",
        "company_founded_year": str(founded),
        "company_tech_stack": tech,
    }
    if twitter:
        raw["company_twitter_url"] = f"https://twitter.com/{slug[:15]}"
    return TrueCompany(id=f"c-{slug}", fields=dict(normalize_fields(raw).company))


COMPANIES = [
    make_company(
        "acmerobotics.test",
        "Acme Robotics, Inc.",
        tech=["HubSpot", "React", "Segment", "Salesforce", "Slack", "Google Analytics"],
    ),
    make_company(
        "thamesdata.test",
        "Thames Data Ltd",
        tech=["WordPress", "Google Tag Manager", "Hotjar", "Cookiebot", "Mailchimp"],
        country="GB",
        city="London",
        phone="+44 20 7946 0000",
        employees=35,
        founded=2016,
        twitter=False,
    ),
    make_company(
        "spreewerk.test",
        "Spreewerk GmbH",
        tech=["Next.js", "Vercel", "Intercom", "Stripe", "LinkedIn Insight Tag"],
        country="DE",
        city="Berlin",
        phone="+49 30 901820",
        employees=1200,
        founded=1998,
    ),
    make_company(
        "mapleleaf.test",
        "Maple Leaf Outfitters",
        tech=["Shopify", "jQuery", "Bootstrap", "Facebook Pixel", "OneTrust", "Klaviyo"],
        country="CA",
        city="Toronto",
        phone="+1 416 555 0199",
        employees=12000,
        founded=1985,
    ),
    make_company("plainco.test", "Plainco", tech=[], employees=4, founded=2023, twitter=False),
]


def serve_market(pages: dict[str, str]) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "sandbox.test"
        parts = request.url.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "sites" and parts[1] in pages:
            return httpx.Response(
                200, headers={"content-type": "text/html; charset=utf-8"}, text=pages[parts[1]]
            )
        return httpx.Response(404, text="<h1>Not Found</h1>")

    return handler


def mock_provider(handler: Handler, **kwargs: Any) -> WebsiteProvider:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    options: dict[str, Any] = {"url_template": TEMPLATE, "timeout": 5.0, **kwargs}
    return WebsiteProvider(client, clock=lambda: NOW, **options)


def query_for(domain: str) -> Query:
    return Query(account_id=1, company_domain=domain)


@pytest.mark.parametrize("company", COMPANIES, ids=lambda c: c.domain)
async def test_round_trip_recovers_the_truth(company: TrueCompany) -> None:
    provider = mock_provider(serve_market({company.domain: render_homepage(company)}))
    result = await provider.lookup(query_for(company.domain))
    assert result.matched
    truth = company.fields
    got = {name: fv.value for name, fv in result.fields.items()}
    expected_names = {
        "company_name",
        "company_description",
        "company_phone",
        "company_linkedin_url",
        "company_founded_year",
        "company_employee_count",
        "company_size",
        "company_hq_location",
        "company_hq_city",
        "company_hq_country",
    }
    if "company_twitter_url" in truth:
        expected_names.add("company_twitter_url")
    web_tech = sorted(set(truth.get("company_tech_stack", [])) & set(TECHNOLOGIES))
    if web_tech:
        expected_names.add("company_tech_stack")
    assert set(got) == expected_names
    for name in expected_names - {"company_tech_stack"}:
        assert got[name] == truth[name], name
    assert got.get("company_tech_stack", []) == web_tech
    assert {fv.source for fv in result.fields.values()} == {"website"}
    assert {fv.observed_at for fv in result.fields.values()} == {NOW}
    assert result.fields["company_name"].confidence == 0.9


async def test_round_trip_tech_stacks() -> None:
    pages = {c.domain: render_homepage(c) for c in COMPANIES}
    provider = mock_provider(serve_market(pages))
    stacks = {}
    for company in COMPANIES:
        result = await provider.lookup(query_for(company.domain))
        tech = result.fields.get("company_tech_stack")
        stacks[company.domain] = tech.value if tech else []
    assert stacks == {
        "acmerobotics.test": ["Google Analytics", "HubSpot", "React", "Salesforce", "Segment"],
        "thamesdata.test": ["Cookiebot", "Google Tag Manager", "Hotjar", "WordPress"],
        "spreewerk.test": ["Intercom", "LinkedIn Insight Tag", "Next.js", "Stripe"],
        "mapleleaf.test": ["Bootstrap", "Facebook Pixel", "OneTrust", "Shopify", "jQuery"],
        "plainco.test": [],
    }


# -- the provider contract ------------------------------------------------------------------


def test_it_is_a_free_provider_of_company_fields() -> None:
    provider = mock_provider(serve_market({}))
    assert isinstance(provider, Provider)
    assert (provider.name, provider.requires_key, provider.cost_per_call) == ("website", False, 0)
    assert provider.fields <= set(COMPANY_FIELDS)


def test_accepts_a_known_company_domain() -> None:
    provider = mock_provider(serve_market({}))
    assert provider.accepts(query_for("acme.test"))
    assert provider.accepts(Query(account_id=1).with_known({"company_domain": "acme.test"}))
    assert not provider.accepts(Query(account_id=1, company_name="Acme"))
    # Nothing that could smuggle a path, a port or credentials into the URL.
    for bad in ("acme.test/admin", "user@acme.test", "acme.test:8080", "acme", "-acme.test"):
        assert not provider.accepts(query_for(bad)), bad


def test_constructor_checks_its_settings() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    with pytest.raises(ValueError, match="domain"):
        WebsiteProvider(client, url_template="https://example.test/")
    with pytest.raises(ValueError, match="http"):
        WebsiteProvider(client, url_template="ftp://{domain}/")
    with pytest.raises(ValueError, match="timeout"):
        WebsiteProvider(client, timeout=0)
    assert WebsiteProvider(client).url_for("acme.test") == "https://acme.test/"


# -- failure modes --------------------------------------------------------------------------


def answer(status: int, body: str = "", **headers: str) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, text=body)

    return handler


async def test_not_found_is_a_miss() -> None:
    for status in (404, 410):
        provider = mock_provider(answer(status, "<title>Not Found</title>"))
        assert await provider.lookup(query_for("acme.test")) == ProviderResult.miss("website")


async def test_a_soft_error_page_is_a_miss() -> None:
    page = "<html><head><title>acme.test is for sale!</title></head><body></body></html>"
    provider = mock_provider(answer(200, page, **{"content-type": "text/html"}))
    assert await provider.lookup(query_for("acme.test")) == ProviderResult.miss("website")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"name": "Acme"}'),
        ("image/png", "\x89PNG"),
        ("text/html", "   "),
        ("", "Acme: plain text, no markup"),
    ],
)
async def test_no_parsable_page_is_a_miss(content_type: str, body: str) -> None:
    headers = {"content-type": content_type} if content_type else {}

    async def handler(request: httpx.Request) -> httpx.Response:
        response = httpx.Response(200, content=body.encode(), headers=headers)
        assert ("content-type" in response.headers) is bool(content_type)
        return response

    provider = mock_provider(handler)
    assert await provider.lookup(query_for("acme.test")) == ProviderResult.miss("website")


async def test_a_500_error_page_is_unavailable() -> None:
    page = "<html><head><title>500 Internal Server Error</title></head></html>"
    provider = mock_provider(answer(500, page, **{"content-type": "text/html"}))
    with pytest.raises(ProviderUnavailable, match="HTTP 500") as caught:
        await provider.lookup(query_for("acme.test"))
    assert caught.value.retryable


async def test_429_is_rate_limited_with_retry_after() -> None:
    provider = mock_provider(answer(429, "slow down", **{"retry-after": "7"}))
    with pytest.raises(ProviderRateLimited) as caught:
        await provider.lookup(query_for("acme.test"))
    assert caught.value.retry_after == 7.0


async def test_a_bot_wall_is_a_bad_response_not_retried() -> None:
    provider = mock_provider(answer(403, "<title>Access denied</title>"))
    with pytest.raises(ProviderBadResponse, match="HTTP 403") as caught:
        await provider.lookup(query_for("acme.test"))
    assert not caught.value.retryable


async def test_transport_errors_are_typed() -> None:
    def raising(exc: type[httpx.TransportError]) -> Handler:
        async def handler(request: httpx.Request) -> httpx.Response:
            raise exc("boom", request=request)

        return handler

    with pytest.raises(ProviderTimeout):
        await mock_provider(raising(httpx.ReadTimeout)).lookup(query_for("acme.test"))
    with pytest.raises(ProviderUnavailable) as caught:
        await mock_provider(raising(httpx.ConnectError)).lookup(query_for("acme.test"))
    assert not isinstance(caught.value, ProviderTimeout)


class Trickle(httpx.AsyncByteStream):
    """A body served chunk by chunk, counting how many chunks were pulled."""

    def __init__(self, chunks: list[bytes], delay: float = 0.0) -> None:
        self.chunks = chunks
        self.delay = delay
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            if self.delay:
                await asyncio.sleep(self.delay)
            self.pulled += 1
            yield chunk


def streaming(stream: Trickle) -> Handler:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/html"}, stream=stream)

    return handler


async def test_a_slow_page_hits_the_hard_deadline() -> None:
    # Each chunk arrives in time for a per-read timeout; the whole page never does.
    stream = Trickle([b"<html><head><title>Acme</title>"] + [b"<p>.</p>"] * 1000, delay=0.05)
    provider = mock_provider(streaming(stream), timeout=0.3)
    started = time.monotonic()
    with pytest.raises(ProviderTimeout, match=r"within 0\.3s"):
        await provider.lookup(query_for("acme.test"))
    assert time.monotonic() - started < 1.5
    assert stream.pulled < 20


async def test_an_oversize_page_is_cut_at_the_cap_and_its_head_still_read() -> None:
    company = COMPANIES[0]
    page = render_homepage(company).encode()
    filler = b"<p>" + b"x" * 65_530 + b"</p>"
    stream = Trickle([page] + [filler] * 200)  # ~13 MB
    provider = mock_provider(streaming(stream), max_bytes=256 * 1024)
    result = await provider.lookup(query_for(company.domain))
    assert stream.pulled <= 5  # the rest was never downloaded
    assert result.fields["company_name"].value == company.fields["company_name"]
    assert result.fields["company_phone"].value == company.fields["company_phone"]
    page_fetched = await provider.fetch(TEMPLATE.replace("{domain}", company.domain))
    assert page_fetched is not None and page_fetched.truncated
    assert len(page_fetched.text.encode()) <= 256 * 1024 + 3 * 1024  # replacement chars


def redirecting(chain: dict[str, str], final: str) -> Handler:
    """``chain``: URL -> Location; anything else gets ``final``."""

    async def handler(request: httpx.Request) -> httpx.Response:
        location = chain.get(str(request.url))
        if location is not None:
            return httpx.Response(301, headers={"location": location})
        return httpx.Response(200, headers={"content-type": "text/html"}, text=final)

    return handler


async def test_redirects_within_the_site_are_followed() -> None:
    company = COMPANIES[0]
    chain = {
        "https://acmerobotics.test/": "https://www.acmerobotics.test/",
        "https://www.acmerobotics.test/": "/en-us/",
    }
    provider = mock_provider(
        redirecting(chain, render_homepage(company)), url_template="https://{domain}/"
    )
    result = await provider.lookup(query_for(company.domain))
    assert result.fields["company_name"].confidence == 0.9
    # its own site: what it says of its address, phone and profiles is first-party
    assert "company_hq_city" in result.first_party <= result.fields.keys()
    assert not result.first_party & {"company_name", "company_tech_stack"}
    page = await provider.fetch("https://acmerobotics.test/")
    assert page is not None and page.url == "https://www.acmerobotics.test/en-us/"


async def test_a_redirect_to_another_company_lowers_every_confidence() -> None:
    parent = make_company("megacorp.test", "Megacorp", tech=["HubSpot"])
    chain = {"https://acquired.test/": "https://www.megacorp.test/brands/acquired"}
    provider = mock_provider(
        redirecting(chain, render_homepage(parent)), url_template="https://{domain}/"
    )
    result = await provider.lookup(query_for("acquired.test"))
    assert result.fields["company_name"].value == "Megacorp"
    assert result.fields["company_name"].confidence == 0.45
    assert result.fields["company_tech_stack"].confidence == 0.35
    assert not result.first_party  # another company's site speaks for nobody here


async def test_redirect_loops_and_odd_targets_are_bad_responses() -> None:
    loop = {"https://a.test/": "https://b.test/", "https://b.test/": "https://a.test/"}
    provider = mock_provider(redirecting(loop, ""), url_template="https://{domain}/")
    with pytest.raises(ProviderBadResponse, match="redirects"):
        await provider.lookup(query_for("a.test"))
    odd = {"https://a.test/": "ftp://a.test/index.html"}
    provider = mock_provider(redirecting(odd, ""), url_template="https://{domain}/")
    with pytest.raises(ProviderBadResponse, match="ftp"):
        await provider.lookup(query_for("a.test"))


async def test_redirect_limit_is_configurable() -> None:
    chain = {"https://a.test/": "https://a.test/1", "https://a.test/1": "https://a.test/2"}
    page = render_homepage(make_company("a.test", "Aco", tech=[]))
    handler = redirecting(chain, page)
    strict = mock_provider(handler, url_template="https://{domain}/", max_redirects=1)
    with pytest.raises(ProviderBadResponse):
        await strict.lookup(query_for("a.test"))
    lenient = mock_provider(handler, url_template="https://{domain}/", max_redirects=2)
    assert (await lenient.lookup(query_for("a.test"))).matched


async def test_a_legacy_charset_is_decoded() -> None:
    page = '<html><head><meta charset="iso-8859-1"><title>Caf\xe9 Fl\xf6r | Home</title>'
    body = page.encode("latin-1")

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/html"}, content=body)

    result = await mock_provider(handler).lookup(query_for("cafeflor.test"))
    assert result.fields["company_name"].value == "Café Flör"


# -- through the egress-checked client, on loopback -----------------------------------------


@pytest.fixture
def loopback_sites() -> Iterator[tuple[str, dict[str, str]]]:
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            page = pages.get(parts[1]) if len(parts) == 2 and parts[0] == "sites" else None
            body = (page or "<h1>Not Found</h1>").encode()
            self.send_response(200 if page else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sites/{{domain}}/", pages
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def test_loopback_sandbox_through_make_http_client(
    loopback_sites: tuple[str, dict[str, str]],
) -> None:
    template, pages = loopback_sites
    company = COMPANIES[2]
    pages[company.domain] = render_homepage(company)
    client = make_http_client(EgressPolicy.from_strings("127.0.0.0/8", ""), timeout=5.0)
    async with client:
        provider = WebsiteProvider(client, url_template=template, timeout=5.0)
        result = await provider.lookup(query_for(company.domain))
        missing = await provider.lookup(query_for("nobody.test"))
    assert result.fields["company_hq_city"].value == "Berlin"
    assert result.fields["company_name"].confidence == 0.9  # same host all along: not halved
    assert result.fields["company_tech_stack"].value == [
        "Intercom",
        "LinkedIn Insight Tag",
        "Next.js",
        "Stripe",
    ]
    assert missing == ProviderResult.miss("website")


async def test_a_host_the_egress_policy_refuses_is_not_retried(
    loopback_sites: tuple[str, dict[str, str]],
) -> None:
    template, _ = loopback_sites
    client = make_http_client(EgressPolicy.from_strings("", ""), timeout=5.0)  # loopback denied
    async with client:
        provider = WebsiteProvider(client, url_template=template, timeout=5.0)
        with pytest.raises(ProviderError, match="egress") as caught:
            await provider.lookup(query_for("acme.test"))
    assert type(caught.value) is ProviderError
    assert not caught.value.retryable
