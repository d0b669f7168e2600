"""Company homepages of the sandbox market, rendered from the ground truth.

``render_homepage(company)`` writes the page a real B2B company would serve at its domain:
``<title>``, meta description, OpenGraph and Twitter cards, a JSON-LD ``Organization``
(name, url, logo, description, telephone, foundingDate, numberOfEmployees, address,
sameAs), a navigation with a ``/careers`` link, a footer with the address, the switchboard
as a ``tel:`` link and the LinkedIn and X pages, and, for every technology of
``company_tech_stack`` that the website provider's table knows (``TECHNOLOGIES``), the
markup that technology really puts on a page (the table's ``example``). So the website
provider (``providers/website.py``) recovers the truth from it; technologies the table does
not know leave no trace.

Everything is deterministic: identifiers in tags (``{hex}``, ``{digits}``, ``{uuid}``) are
derived from the domain and the technology name (``fill_placeholders``).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping
from typing import Any

import phonenumbers

from cleanlist_server.providers.website import Technology, load_technologies

from .model import TrueCompany

__all__ = ["TECHNOLOGIES", "fill_placeholders", "render_homepage", "technology_markup"]

TECHNOLOGIES: tuple[str, ...] = tuple(t.name for t in load_technologies())
"""Names of the web technologies the website provider detects (its table's order)."""


def fill_placeholders(template: str, seed: str) -> str:
    """``{hex}``, ``{digits}``, ``{uuid}`` and ``{slug}`` filled deterministically from
    ``seed`` (``{slug}`` is the seed's first label with dots as dashes)."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    digits = str(10_000_000 + int(digest[:12], 16) % 90_000_000)
    uuid = f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    slug = seed.split(":", 1)[0].replace(".", "-")
    return (
        template.replace("{hex}", digest[:24])
        .replace("{digits}", digits)
        .replace("{uuid}", uuid)
        .replace("{slug}", slug)
    )


def technology_markup(name: str, domain: str) -> tuple[str, str] | None:
    """(where, markup) a technology puts on ``domain``'s homepage, or None if unknown."""
    tech = _by_name().get(name)
    if tech is None or not tech.example:
        return None
    return tech.where, fill_placeholders(tech.example, f"{domain}:{tech.name}")


def render_homepage(company: TrueCompany) -> str:
    """The homepage HTML of ``company``; see the module docstring."""
    f = company.fields
    domain = company.domain
    name = company.name
    url = f"https://{domain}/"
    description = _text(f.get("company_description")) or f"{name}: products and services."
    industry = _text(f.get("company_industry"))
    twitter = _text(f.get("company_twitter_url"))
    linkedin = _text(f.get("company_linkedin_url"))
    phone = _text(f.get("company_phone"))
    head_tech, body_tech = _tech_markup(f.get("company_tech_stack"), domain)
    e = _escape
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(name)} | {e(industry or 'Home')}</title>",
        f'<meta name="description" content="{e(description)}">',
        f'<link rel="canonical" href="{e(url)}">',
        '<link rel="icon" href="/favicon.ico">',
        '<meta property="og:type" content="website">',
        f'<meta property="og:site_name" content="{e(name)}">',
        f'<meta property="og:title" content="{e(name)}">',
        f'<meta property="og:description" content="{e(description)}">',
        f'<meta property="og:url" content="{e(url)}">',
        f'<meta property="og:image" content="{e(url)}static/og-image.png">',
        '<meta name="twitter:card" content="summary_large_image">',
    ]
    if twitter:
        handle = twitter.rstrip("/").rsplit("/", 1)[-1]
        head.append(f'<meta name="twitter:site" content="@{e(handle)}">')
    head += [
        '<link rel="stylesheet" href="/static/css/site.css">',
        '<script type="application/ld+json">' + _json_ld(company) + "</script>",
        *head_tech,
    ]
    social = []
    if linkedin:
        slug = linkedin.rstrip("/").rsplit("/", 1)[-1]
        social.append(
            f'<li><a href="https://www.linkedin.com/company/{e(slug)}/">LinkedIn</a></li>'
        )
    if twitter:
        social.append(f'<li><a href="{e(twitter)}" rel="me">X (Twitter)</a></li>')
    contact = [f'<p class="company">{e(name)}</p>']
    address = _address_line(f)
    if address:
        contact.append(f"<address>{e(address)}</address>")
    if phone:
        contact.append(f'<a class="phone" href="tel:{e(phone)}">{e(_display_phone(phone))}</a>')
    founded = f.get("company_founded_year")
    since = f" Since {founded}." if founded else ""
    body = [
        '<header class="site-header">',
        f'<a class="logo" href="/"><img src="/static/logo.svg" alt="{e(name)} logo"></a>',
        '<nav><a href="/product">Product</a> <a href="/customers">Customers</a> '
        '<a href="/pricing">Pricing</a> <a href="/about">About</a> '
        '<a href="/careers">Careers</a> <a class="button" href="/contact">Contact sales</a></nav>',
        "</header>",
        "<main>",
        '<section class="hero">',
        f"<h1>{e(name)}</h1>",
        f"<p>{e(description)}</p>",
        '<a class="button" href="/demo">Book a demo</a>',
        "</section>",
        '<section class="about">',
        f"<h2>Built for {e((industry or 'modern').lower())} teams</h2>",
        f"<p>Trusted by customers around the world.{e(since)}</p>",
        "</section>",
        "</main>",
        "<footer>",
        '<div class="contact">',
        *contact,
        "</div>",
        f'<ul class="social">{"".join(social)}</ul>',
        '<p class="legal"><a href="/privacy">Privacy</a> <a href="/terms">Terms</a> '
        f"&copy; {e(name)}. All rights reserved.</p>",
        "</footer>",
        *body_tech,
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n'
        + "\n".join(head)
        + "\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _json_ld(company: TrueCompany) -> str:
    f = company.fields
    url = f"https://{company.domain}/"
    org: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": company.name,
        "url": url,
        "logo": f"{url}static/logo.svg",
    }
    if description := _text(f.get("company_description")):
        org["description"] = description
    if phone := _text(f.get("company_phone")):
        org["telephone"] = phone
    if founded := f.get("company_founded_year"):
        org["foundingDate"] = str(founded)
    if employees := f.get("company_employee_count"):
        org["numberOfEmployees"] = {"@type": "QuantitativeValue", "value": int(employees)}
    address = _postal_address(f)
    if address:
        org["address"] = address
    same_as = [u for u in (f.get("company_linkedin_url"), f.get("company_twitter_url")) if u]
    if same_as:
        org["sameAs"] = same_as
    # "</" must not end the script element early.
    return json.dumps(org, ensure_ascii=False).replace("</", "<\\/")


def _postal_address(f: Mapping[str, Any]) -> dict[str, str]:
    city = _text(f.get("company_hq_city"))
    country = _text(f.get("company_hq_country"))
    region = _region(f)
    out = {"@type": "PostalAddress"}
    if city:
        out["addressLocality"] = city
    if region:
        out["addressRegion"] = region
    if country:
        out["addressCountry"] = country
    return out if len(out) > 1 else {}


def _region(f: Mapping[str, Any]) -> str | None:
    """The state/province of "Austin, TX" style HQ locations (US, Canada)."""
    location = _text(f.get("company_hq_location")) or ""
    city = _text(f.get("company_hq_city"))
    country = _text(f.get("company_hq_country"))
    parts = [p.strip() for p in location.split(",")]
    if len(parts) == 2 and parts[0] == city and parts[1] != country:
        return parts[1]
    return None


def _address_line(f: Mapping[str, Any]) -> str | None:
    parts = [_text(f.get("company_hq_city")), _region(f), _text(f.get("company_hq_country"))]
    line = ", ".join(p for p in parts if p)
    return line or None


def _display_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    text: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return text


def _tech_markup(stack: Any, domain: str) -> tuple[list[str], list[str]]:
    head: list[str] = []
    body: list[str] = []
    names = stack if isinstance(stack, list | tuple) else []
    for name in names:
        placed = technology_markup(str(name), domain)
        if placed is not None:
            (head if placed[0] == "head" else body).append(placed[1])
    return head, body


def _by_name() -> dict[str, Technology]:
    return {t.name: t for t in load_technologies()}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _escape(value: str) -> str:
    return html.escape(value, quote=True)
