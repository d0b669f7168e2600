"""What a company says about itself on its homepage.

Free, no key: one GET of the homepage (``url_template``, default ``https://{domain}/``) through
the egress-checked client, under a hard deadline (``timeout``, the whole exchange), reading at
most ``max_bytes`` (the rest is never downloaded: the head, where metadata lives, comes
first) and following at most ``max_redirects`` redirects, each checked (http/https only).

The page is parsed with selectolax (lexbor): ``<title>``, the meta description, OpenGraph,
JSON-LD ``Organization`` (name, url, logo, sameAs, telephone, address, foundingDate,
numberOfEmployees, description), LinkedIn company and X/Twitter links, ``tel:`` links, the
careers link and technology fingerprints (``providers/data/technologies.json``, our own
rules: script sources, stylesheet links, meta generator, DOM markers, inline-script
patterns and response headers; see ``load_technologies``). ``parse_homepage`` returns all
of it as ``SiteFacts``; the provider answers canonical ``company_*`` fields, normalized
by ``normalize_fields``, each with its own prior (``CONFIDENCE``):

- what the company publishes in machine-readable form (JSON-LD) is its own, deliberate
  statement: name 0.9, HQ address 0.8, founding year 0.8, phone 0.85, social pages 0.9;
- OpenGraph ``og:site_name`` 0.8; a name cut out of ``<title>`` 0.55 (0.7 when it
  matches the domain);
- descriptions (JSON-LD, meta, OpenGraph) 0.85: the company's own words;
- ``tel:`` links 0.75 (the number shown, maybe sales rather than the switchboard); social
  links in the page 0.85, 0.7 when the page links several different ones;
- employee counts 0.6: self-declared and rarely updated;
- ``company_tech_stack`` 0.7: a homepage shows only part of what a company runs, and tags
  linger after a tool is dropped.

A page reached by a redirect to another registrable domain describes that other company
(an acquisition, a parent brand): every confidence is multiplied by ``OFF_DOMAIN_FACTOR``.

Outcomes: 404/410, a non-HTML body, a soft error page (a parked domain, "Not Found" or a
default server page without company markup) or a page with nothing usable is a miss.
Timeouts raise ``ProviderTimeout``; connection failures and 5xx ``ProviderUnavailable``;
429 ``ProviderRateLimited``; other 4xx (403 bot walls included), a redirect loop or a
redirect to another scheme ``ProviderBadResponse``; a host the egress policy refuses a
non-retryable ``ProviderError`` (retrying cannot help).
"""

from __future__ import annotations

import asyncio
import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Literal
from urllib.parse import unquote, urljoin, urlsplit

import httpx
import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from cleanlist_server.domain.records import FieldValue, ProviderResult, Query
from cleanlist_server.engine.runner import ProviderBadResponse, ProviderRateLimited, ProviderTimeout
from cleanlist_server.net.http import EgressBlockedError
from cleanlist_server.normalize import linkedin
from cleanlist_server.normalize.domains import registrable_domain
from cleanlist_server.normalize.locations import parse_location
from cleanlist_server.normalize.phones import normalize_phone
from cleanlist_server.normalize.record import normalize_fields
from cleanlist_server.providers.base import ProviderError, ProviderUnavailable
from cleanlist_server.providers.http import retry_after_seconds

__all__ = [
    "CONFIDENCE",
    "SiteFacts",
    "Technology",
    "WebsiteProvider",
    "detect_technologies",
    "load_technologies",
    "parse_homepage",
]

DEFAULT_URL_TEMPLATE = "https://{domain}/"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
OFF_DOMAIN_FACTOR = 0.5
FIELDS = frozenset(
    {
        "company_name",
        "company_description",
        "company_phone",
        "company_linkedin_url",
        "company_twitter_url",
        "company_founded_year",
        "company_employee_count",
        "company_size",
        "company_hq_location",
        "company_hq_city",
        "company_hq_country",
        "company_tech_stack",
    }
)
FIRST_PARTY = FIELDS - {"company_name", "company_tech_stack"}
"""What the company says about itself on its own site (not redirected elsewhere): the
merge lets these win over vendors' copies. Not the name (the employer is decided from
who placed the person where) and not the tech stack (a union of partial views)."""

CONFIDENCE: dict[str, float] = {
    "jsonld_name": 0.9,
    "og_site_name": 0.8,
    "title_name_domain": 0.7,
    "title_name": 0.55,
    "description": 0.85,
    "jsonld_phone": 0.85,
    "tel_link": 0.75,
    "jsonld_social": 0.9,
    "link_social": 0.85,
    "ambiguous_social": 0.7,
    "founded_year": 0.8,
    "employees": 0.6,
    "hq": 0.8,
    "tech_stack": 0.7,
}

_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NOT_FOUND = frozenset({404, 410})
_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_TITLE_SPLIT = re.compile(r"\s+[|\-–—:·•]+\s+|\s*[|·•]\s*")
_SOFT_ERROR = re.compile(
    r"^\s*(?:40[0-9]|50[0-9])\b|\b(?:page )?not found\b|^\s*error\b|\bforbidden\b"
    r"|\baccess denied\b|\b(?:domain (?:name )?|is )(?:is )?for sale\b|\bbuy this domain\b"
    r"|\bparked\b|\bcoming soon\b|\bunder construction\b|\baccount (?:has been )?suspended\b"
    r"|\bdefault (?:web )?page\b|\bwelcome to nginx\b|\bit works!|\bindex of /",
    re.I,
)
_ORG_TYPES = frozenset(
    {
        "organization",
        "corporation",
        "localbusiness",
        "onlinebusiness",
        "ngo",
        "professionalservice",
        "educationalorganization",
        "governmentorganization",
        "medicalorganization",
        "store",
    }
)
_YEAR = re.compile(r"^\s*(\d{4})\b")
_CCTLD_REGION = {"uk": "GB"}
_GENERIC_TLDS = frozenset({"co", "io", "ai", "me", "tv", "fm", "ly", "gg", "to", "sh", "ws"})
# An absolute link to the site: a bare "careers" href would otherwise read as a handle.
_TWITTER_LINK = re.compile(r"^(?:https?:)?//(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com/", re.I)
_CAREERS = re.compile(r"(?:^|/)(?:careers?|jobs|join-us|work-with-us)(?:/|$|\.)", re.I)


# --- the technology table -----------------------------------------------------------------


@dataclass(frozen=True)
class Technology:
    name: str
    category: str
    script_src: tuple[re.Pattern[str], ...] = ()
    link_href: tuple[re.Pattern[str], ...] = ()
    html: tuple[re.Pattern[str], ...] = ()
    meta: tuple[tuple[str, re.Pattern[str]], ...] = ()
    dom: tuple[str, ...] = ()
    headers: tuple[tuple[str, re.Pattern[str]], ...] = ()
    example: str = ""
    """Markup the technology puts on a page ({hex}, {digits}, {uuid} to fill in)."""
    where: Literal["head", "body"] = "body"


@lru_cache(maxsize=1)
def load_technologies() -> tuple[Technology, ...]:
    """The fingerprint table of ``providers/data/technologies.json``, compiled."""
    path = resources.files("cleanlist_server.providers") / "data" / "technologies.json"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))

    def patterns(items: Iterable[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in items)

    def pairs(mapping: Mapping[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((k.lower(), re.compile(v, re.IGNORECASE)) for k, v in mapping.items())

    return tuple(
        Technology(
            name=entry["name"],
            category=entry.get("category", ""),
            script_src=patterns(entry.get("script_src", ())),
            link_href=patterns(entry.get("link_href", ())),
            html=patterns(entry.get("html", ())),
            meta=pairs(entry.get("meta", {})),
            dom=tuple(entry.get("dom", ())),
            headers=pairs(entry.get("headers", {})),
            example=entry.get("example", ""),
            where="head" if entry.get("where") == "head" else "body",
        )
        for entry in data["technologies"]
    )


def detect_technologies(
    html: str,
    *,
    headers: Mapping[str, str] | None = None,
    tree: LexborHTMLParser | None = None,
) -> list[str]:
    """Names of the technologies whose fingerprints match the page, sorted."""
    doc = tree if tree is not None else LexborHTMLParser(html)
    scripts = [_attr(n, "src") for n in doc.css("script[src]")]
    links = [_attr(n, "href") for n in doc.css("link[href]")]
    metas = _meta_values(doc)
    lowered_headers = {k.lower(): v for k, v in (headers or {}).items()}
    found: list[str] = []
    for tech in load_technologies():
        if (
            _any_search(tech.script_src, scripts)
            or _any_search(tech.link_href, links)
            or any(p.search(html) for p in tech.html)
            or any(p.search(v) for k, p in tech.meta for v in metas.get(k, ()))
            or any(k in lowered_headers and p.search(lowered_headers[k]) for k, p in tech.headers)
            or any(doc.css_first(selector) is not None for selector in tech.dom)
        ):
            found.append(tech.name)
    return sorted(set(found))


def _any_search(patterns: Iterable[re.Pattern[str]], values: list[str]) -> bool:
    return any(p.search(v) for p in patterns for v in values)


# --- parsing ------------------------------------------------------------------------------


@dataclass
class SiteFacts:
    """Everything ``parse_homepage`` read from one page."""

    title: str | None = None
    description: str | None = None
    opengraph: dict[str, str] = field(default_factory=dict)
    organization: dict[str, Any] | None = None
    """The JSON-LD Organization node describing the site's owner, if any."""
    name: str | None = None
    name_source: str | None = None
    """Key of ``CONFIDENCE`` the name came from."""
    logo: str | None = None
    phones: list[tuple[str, str]] = field(default_factory=list)
    """(raw number, CONFIDENCE key), best first."""
    linkedin: list[tuple[str, str]] = field(default_factory=list)
    twitter: list[tuple[str, str]] = field(default_factory=list)
    """Canonical URLs with their CONFIDENCE key, best first."""
    founded_year: int | None = None
    employees: Any = None
    """A count (``250``) or a range string (``'51-200'``)."""
    hq: dict[str, str] = field(default_factory=dict)
    """addressLocality / addressRegion / addressCountry / streetAddress / postalCode."""
    careers_url: str | None = None
    technologies: list[str] = field(default_factory=list)
    soft_error: bool = False
    """A parked domain, an error or default server page: nothing here is about a company."""


def parse_homepage(
    html: str,
    *,
    domain: str,
    base_url: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> SiteFacts:
    """Read a homepage of ``domain`` (the company's registrable domain)."""
    tree = LexborHTMLParser(html)
    facts = SiteFacts()
    title_node = tree.css_first("title")
    facts.title = _squash(title_node.text()) if title_node is not None else None
    metas = _metas(tree)
    facts.opengraph = {k[3:]: v for k, v in metas.items() if k.startswith("og:") and v}
    org = _organization(tree, domain)
    facts.organization = org
    facts.description = (
        _squash(_str(org.get("description")) if org else None)
        or _squash(metas.get("description"))
        or _squash(facts.opengraph.get("description"))
    )
    _name(facts, org, domain)
    if org:
        _organization_facts(facts, org)
    _links(facts, tree, metas, base_url)
    facts.technologies = detect_technologies(html, headers=headers, tree=tree)
    bad_title = bool(facts.title and _SOFT_ERROR.search(facts.title))
    facts.soft_error = bad_title and org is None and "site_name" not in facts.opengraph
    return facts


def _meta_values(tree: LexborHTMLParser) -> dict[str, list[str]]:
    """Every ``<meta>`` content by lower-case name or property, in document order."""
    out: dict[str, list[str]] = {}
    for node in tree.css("meta"):
        key = (_attr(node, "name") or _attr(node, "property")).strip().lower()
        if key:
            out.setdefault(key, []).append(_attr(node, "content"))
    return out


def _metas(tree: LexborHTMLParser) -> dict[str, str]:
    """The first ``<meta>`` content of each name or property."""
    return {key: values[0] for key, values in _meta_values(tree).items()}


def _organization(tree: LexborHTMLParser, domain: str) -> dict[str, Any] | None:
    nodes: list[dict[str, Any]] = []
    for script in tree.css('script[type="application/ld+json"]'):
        text = (script.text(deep=True) or "").strip()
        text = text.removeprefix("<!--").removesuffix("-->").strip()
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        nodes.extend(n for n in _walk(data, 0) if _is_org(n))
    if not nodes:
        return None
    for node in nodes:
        url = _str(node.get("url"))
        if url and _same_site(url, domain):
            return node
    return nodes[0]


def _walk(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "publisher", "mainEntity", "about"):
            if key in data:
                yield from _walk(data[key], depth + 1)


def _is_org(node: Mapping[str, Any]) -> bool:
    kinds = node.get("@type")
    names = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    return any(isinstance(k, str) and k.lower() in _ORG_TYPES for k in names)


def _name(facts: SiteFacts, org: Mapping[str, Any] | None, domain: str) -> None:
    name = _squash(_str(org.get("name"))) if org else None
    if name:
        facts.name, facts.name_source = name, "jsonld_name"
        return
    site_name = _squash(facts.opengraph.get("site_name"))
    if site_name:
        facts.name, facts.name_source = site_name, "og_site_name"
        return
    if facts.title and not _SOFT_ERROR.search(facts.title):
        parts = [p.strip() for p in _TITLE_SPLIT.split(facts.title) if p.strip()]
        label = _fold(domain.split(".")[0])
        matching = [p for p in parts if _fold(p) and (_fold(p) in label or label in _fold(p))]
        if matching:
            facts.name, facts.name_source = matching[0], "title_name_domain"
        elif parts:
            facts.name, facts.name_source = parts[0], "title_name"


def _organization_facts(facts: SiteFacts, org: Mapping[str, Any]) -> None:
    logo = org.get("logo")
    facts.logo = _str(logo.get("url")) if isinstance(logo, dict) else _str(logo)
    phones = [_str(org.get("telephone"))]
    for point in _as_list(org.get("contactPoint")):
        if isinstance(point, dict):
            phones.append(_str(point.get("telephone")))
    facts.phones.extend((p, "jsonld_phone") for p in phones if p)
    for url in _as_list(org.get("sameAs")):
        text = _str(url)
        if not text:
            continue
        if company := linkedin.canonical_company_url(text):
            facts.linkedin.append((company, "jsonld_social"))
        elif handle := linkedin.canonical_twitter_url(text):
            facts.twitter.append((handle, "jsonld_social"))
    founded = _YEAR.match(_str(org.get("foundingDate")) or "")
    facts.founded_year = int(founded.group(1)) if founded else None
    facts.employees = _employees(org.get("numberOfEmployees"))
    facts.hq = _address(org.get("address"))


def _employees(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("value") is not None:
            return value["value"]
        low, high = value.get("minValue"), value.get("maxValue")
        if low is not None and high is not None:
            return f"{low}-{high}"
        return None
    return value if isinstance(value, int | str) and not isinstance(value, bool) else None


def _address(value: Any) -> dict[str, str]:
    first = next(iter(_as_list(value)), None)
    if isinstance(first, str):
        return {"text": first}
    if not isinstance(first, dict):
        return {}
    out: dict[str, str] = {}
    for key in ("streetAddress", "addressLocality", "addressRegion", "postalCode"):
        text = _squash(_str(first.get(key)))
        if text:
            out[key] = text
    country = first.get("addressCountry")
    country_text = _str(country.get("name")) if isinstance(country, dict) else _str(country)
    if country_text:
        out["addressCountry"] = country_text.strip()
    return out


def _links(
    facts: SiteFacts, tree: LexborHTMLParser, metas: Mapping[str, str], base: str | None
) -> None:
    ranked_li: list[tuple[int, str]] = []
    ranked_tw: list[tuple[int, str]] = []
    for index, node in enumerate(tree.css("a[href]")):
        href = _attr(node, "href").strip()
        rank = 0 if _in_footer(node) else 1
        lower = href.lower()
        if lower.startswith("tel:"):
            number = unquote(href[4:]).strip()
            if number:
                facts.phones.append((number, "tel_link"))
            continue
        if company := linkedin.canonical_company_url(href):
            ranked_li.append((rank * 10_000 + index, company))
        elif _TWITTER_LINK.search(href) and (handle := linkedin.canonical_twitter_url(href)):
            if "/status/" not in lower and _is_profile_link(href):
                ranked_tw.append((rank * 10_000 + index, handle))
        elif facts.careers_url is None and _is_careers(node, href):
            facts.careers_url = urljoin(base or "", href)
    site = linkedin.canonical_twitter_url(metas.get("twitter:site") or "")
    if site:
        ranked_tw.append((5_000, site))
    facts.linkedin.extend((url, "link_social") for _, url in sorted(ranked_li))
    facts.twitter.extend((url, "link_social") for _, url in sorted(ranked_tw))


def _in_footer(node: LexborNode) -> bool:
    parent = node.parent
    for _ in range(64):
        if parent is None:
            return False
        if parent.tag == "footer":
            return True
        parent = parent.parent
    return False


def _is_profile_link(href: str) -> bool:
    try:
        path = urlsplit(href if "//" in href else "https://" + href).path
    except ValueError:
        return False
    return len([seg for seg in path.split("/") if seg]) == 1


def _is_careers(node: LexborNode, href: str) -> bool:
    text = (node.text(deep=True) or "").strip().lower()
    try:
        path = urlsplit(href).path
    except ValueError:
        return False
    return bool(_CAREERS.search(path)) or text in ("careers", "jobs", "we're hiring")


# --- facts -> canonical fields ------------------------------------------------------------


def facts_to_fields(facts: SiteFacts, *, domain: str) -> dict[str, tuple[Any, float]]:
    """Canonical, normalized ``company_*`` values with their confidence."""
    raw: dict[str, Any] = {}
    source: dict[str, str] = {}

    def put(name: str, value: Any, key: str) -> None:
        if value is not None and value != "":
            raw[name], source[name] = value, key

    put("company_name", facts.name, facts.name_source or "title_name")
    put("company_description", facts.description, "description")
    hq = facts.hq
    region = _region(hq.get("addressCountry"), domain)
    phone = next(
        (
            (p.e164, key)
            for raw_phone, key in facts.phones
            if (p := normalize_phone(raw_phone, region))
        ),
        None,
    )
    if phone is not None:
        put("company_phone", *phone)
    for name, candidates in (
        ("company_linkedin_url", facts.linkedin),
        ("company_twitter_url", facts.twitter),
    ):
        if candidates:
            several = len({url for url, _ in candidates}) > 1
            put(name, candidates[0][0], "ambiguous_social" if several else candidates[0][1])
    put("company_founded_year", facts.founded_year, "founded_year")
    if isinstance(facts.employees, str) and "-" in facts.employees:
        put("company_size", facts.employees, "employees")
    else:
        put("company_employee_count", facts.employees, "employees")
    hq_text = hq.get("text") or ", ".join(
        hq[k] for k in ("addressLocality", "addressRegion", "addressCountry") if k in hq
    )
    put("company_hq_location", hq_text or None, "hq")
    if facts.technologies:
        put("company_tech_stack", facts.technologies, "tech_stack")
    normalized = normalize_fields(raw, default_region=region)
    out: dict[str, tuple[Any, float]] = {}
    for name, value in normalized.company.items():
        origin = name if name in source else _ORIGIN.get(name, name)
        if origin in source:
            out[name] = (value, CONFIDENCE[source[origin]])
    return out


_ORIGIN = {
    "company_hq_city": "company_hq_location",
    "company_hq_country": "company_hq_location",
    "company_size": "company_employee_count",
}


def _region(country: str | None, domain: str) -> str:
    """The region national phone numbers are read in: the address's, the ccTLD's, or US."""
    if country:
        code = parse_location(country=country).country_code
        if code:
            return code
    tld = domain.rsplit(".", 1)[-1].lower()
    tld = _CCTLD_REGION.get(tld, tld)
    if len(tld) == 2 and tld.lower() not in _GENERIC_TLDS:
        code = parse_location(country=tld.upper()).country_code
        if code:
            return code
    return "US"


# --- the provider -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url: str
    """The final URL, after redirects."""
    status: int
    headers: Mapping[str, str]
    text: str
    truncated: bool


class WebsiteProvider:
    """``company_*`` facts from the company homepage; see the module docstring."""

    name = "website"
    requires_key = False
    cost_per_call = 0.0
    cost_per_hit = 0.0
    fields = FIELDS
    reads = frozenset({"company_domain"})
    """What it looks at: asked again (free) when the employer's domain changes in a run."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        url_template: str = DEFAULT_URL_TEMPLATE,
        timeout: float = 10.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if "{domain}" not in url_template:
            raise ValueError("url_template must contain {domain}")
        if not url_template.startswith(("http://", "https://")):
            raise ValueError("url_template must be an http(s):// URL")
        if not 0 < timeout < float("inf"):
            raise ValueError("timeout must be a positive, finite number of seconds")
        if max_bytes < 1 or max_redirects < 0:
            raise ValueError("max_bytes must be >= 1 and max_redirects >= 0")
        self.client = client
        self.url_template = url_template
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.clock = clock

    def accepts(self, query: Query) -> bool:
        return _domain(query) is not None

    def url_for(self, domain: str) -> str:
        return self.url_template.replace("{domain}", domain)

    async def lookup(self, query: Query) -> ProviderResult:
        domain = _domain(query)
        if domain is None:
            return ProviderResult.miss(self.name)
        start = self.url_for(domain)
        page = await self.fetch(start)
        if page is None:
            return ProviderResult.miss(self.name)
        facts = parse_homepage(page.text, domain=domain, base_url=page.url, headers=page.headers)
        if facts.soft_error:
            return ProviderResult.miss(self.name)
        values = facts_to_fields(facts, domain=domain)
        if not values:
            return ProviderResult.miss(self.name)
        own = _same_site(page.url, _site_of(start))
        factor = 1.0 if own else OFF_DOMAIN_FACTOR
        now = self.clock()
        fields = {
            name: FieldValue(value, self.name, now, round(confidence * factor, 4))
            for name, (value, confidence) in values.items()
        }
        return ProviderResult(
            provider=self.name,
            matched=True,
            fields=fields,
            about={"company_domain": domain},
            first_party=FIRST_PARTY & fields.keys() if own else frozenset(),
        )

    async def fetch(self, url: str) -> Page | None:
        """The homepage as text, ``None`` for not-found or a non-HTML body; typed errors."""
        where = f"website GET {_site_of(url) or url}"
        try:
            async with asyncio.timeout(self.timeout):
                return await self._fetch(url, where)
        except TimeoutError:
            raise ProviderTimeout(f"{where}: no page within {self.timeout:g}s") from None
        except httpx.TimeoutException:
            raise ProviderTimeout(f"{where}: timed out") from None
        except EgressBlockedError as exc:
            raise ProviderError(f"{where}: refused by the egress policy ({exc.denied})") from None
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"{where}: {type(exc).__name__}") from None

    async def _fetch(self, url: str, where: str) -> Page | None:
        for _ in range(self.max_redirects + 1):
            request = self.client.stream(
                "GET", url, headers={"Accept": _ACCEPT}, follow_redirects=False
            )
            async with request as response:
                status = response.status_code
                if status in _REDIRECTS:
                    url = _redirect_target(response, where)
                    continue
                if status in _NOT_FOUND:
                    return None
                _raise_for_status(response, where)
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if status not in (200, 203) or (kind and kind not in _HTML_TYPES):
                    return None
                body, truncated = await _read_capped(response, self.max_bytes)
                text = _decode_html(response, body, declared=bool(kind))
                if text is None:
                    return None
                return Page(str(response.url), status, response.headers, text, truncated)
        raise ProviderBadResponse(f"{where}: more than {self.max_redirects} redirects")


def _redirect_target(response: httpx.Response, where: str) -> str:
    location = response.headers.get("location", "").strip()
    if not location:
        raise ProviderBadResponse(f"{where}: HTTP {response.status_code} without Location")
    try:
        target = response.url.join(location)
    except (httpx.InvalidURL, ValueError):
        raise ProviderBadResponse(f"{where}: invalid redirect Location") from None
    if target.scheme not in ("http", "https"):
        raise ProviderBadResponse(f"{where}: redirect to a {target.scheme}: URL")
    return str(target)


def _raise_for_status(response: httpx.Response, where: str) -> None:
    status = response.status_code
    if status == 429:
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
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
        if size >= limit:
            return b"".join(chunks)[:limit], True
    return b"".join(chunks), False


def _decode_html(response: httpx.Response, body: bytes, *, declared: bool) -> str | None:
    """The body as text; ``None`` when empty, or when undeclared and not markup."""
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped or (not declared and not stripped.startswith(b"<")):
        return None
    encoding = response.charset_encoding
    if encoding is None:
        found = _META_CHARSET.search(body[:2048])
        encoding = found.group(1).decode("ascii") if found else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    return body.decode(encoding, errors="replace")


# --- small helpers ------------------------------------------------------------------------


def _domain(query: Query) -> str | None:
    value = query.value("company_domain")
    if not isinstance(value, str):
        return None
    host = value.strip().rstrip(".").lower()
    return host if _HOSTNAME.match(host) else None


def _site_of(url: str) -> str:
    """The registrable domain of ``url``'s host, or the host itself (an IP, localhost)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return registrable_domain(host) or host


def _same_site(url: str, site: str) -> bool:
    return bool(site) and _site_of(url if "//" in url else "https://" + url) == site


def _attr(node: LexborNode, name: str) -> str:
    value = node.attributes.get(name)
    return value if isinstance(value, str) else ""


def _str(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _squash(text: str | None) -> str | None:
    if not text:
        return None
    squashed = " ".join(text.split())
    return squashed or None


def _fold(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
