"""Static shapes of the documented responses.

These are ``TypedDict``s: at runtime every response is a plain :class:`cleanlist.Result`
(a ``dict``). Narrow one for your type checker with ``typing.cast``::

    result = cast(ContactResult, client.enrich.contact(email="jane@acme.com"))

Every key is optional (``total=False``) because the API omits fields it could not fill.
"""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = [
    "Contact",
    "ContactResult",
    "EmailStatus",
    "EnrichmentMeta",
    "Lead",
    "LeadResult",
    "PhoneType",
    "Seniority",
]

EmailStatus = Literal[
    "valid", "invalid", "risky", "catch-all", "disposable", "role-based", "unknown"
]
Seniority = Literal[
    "entry", "individual_contributor", "manager", "director", "vp", "c_level", "owner"
]
PhoneType = Literal["direct_dial", "mobile", "hq_switchboard"]


class Contact(TypedDict, total=False):
    email: str
    email_status: EmailStatus
    first_name: str
    last_name: str
    title: str
    seniority: Seniority
    department: str
    linkedin_url: str
    phone: str  # E.164, e.g. "+14155550142"
    phone_type: PhoneType
    mobile: str
    location: str
    company_name: str
    company_domain: str
    company_industry: str
    company_size: str
    company_revenue: str


class Lead(Contact, total=False):
    icp_score: int  # 0-100
    icp_signals: list[str]
    intent_signals: list[str]


class EnrichmentMeta(TypedDict, total=False):
    credits_used: int
    providers_queried: int
    providers_matched: int
    confidence: float
    enriched_at: str  # ISO 8601, UTC


class ContactResult(TypedDict, total=False):
    """``POST /v1/enrich/contact``."""

    id: str
    status: str
    contact: Contact
    meta: EnrichmentMeta


class LeadResult(TypedDict, total=False):
    """``POST /v1/enrich/lead``."""

    id: str
    status: str
    lead: Lead
    meta: EnrichmentMeta
