"""Request and response models: the one place the HTTP contract is written down.

They generate the OpenAPI document (``/openapi.json``) that the SDKs are checked
against. Field names and enums are the seeds'; ``domain/fields.py`` lists the same
contact fields and a test keeps the two equal.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, WithJsonSchema

from cleanlist_server.domain.enums import (
    CompanyRevenue,
    CompanySize,
    Department,
    EmailStatus,
    PhoneType,
    Seniority,
)
from cleanlist_server.domain.fields import CONTACT_FIELDS


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ContactRequest(StrictModel):
    """Who to enrich: an email, a LinkedIn URL, or a name with a company."""

    email: StrictStr | None = Field(None, max_length=320, description="Work email address.")
    linkedin_url: StrictStr | None = Field(
        None, max_length=500, description="LinkedIn profile URL (linkedin.com/in/...)."
    )
    first_name: StrictStr | None = Field(None, max_length=200)
    last_name: StrictStr | None = Field(None, max_length=200)
    full_name: StrictStr | None = Field(
        None, max_length=400, description="Used when first_name/last_name are not given."
    )
    company_name: StrictStr | None = Field(None, max_length=300)
    company_domain: StrictStr | None = Field(
        None, max_length=300, description="Company domain or website URL."
    )
    include_phone: StrictBool = Field(
        True,
        description="Return direct dial and mobile (11 credits when found). "
        "false caps the call at 1 credit.",
    )
    required: list[StrictStr] | None = Field(
        None,
        max_length=len(CONTACT_FIELDS),
        description="Contact fields that must be present for a match (e.g. "
        '["email", "phone"]); otherwise the answer is not_found and costs nothing.',
    )
    min_confidence: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Below this calibrated confidence the answer is not_found (free).",
    )
    providers: list[StrictStr] | None = Field(
        None,
        max_length=40,
        description="An explicit provider order for this call (names as in "
        "`cleanlist providers`); only these are queried.",
    )
    max_provider_cost: float | None = Field(
        None,
        ge=0,
        description="Stop calling paid providers once their worst-case cost would exceed "
        "this (in the configured cost unit, US cents by default).",
    )


class _PersonFields(BaseModel):
    """The person half of a contact."""

    email: str | None = Field(None, description="Work email address.")
    email_status: EmailStatus | None = Field(
        None, description="Verification result of `email`; `unknown` until verified."
    )
    email_free_provider: bool | None = Field(
        None, description="Whether `email` is at a free mail provider (gmail.com, ...)."
    )
    personal_email: str | None = Field(None, description="Personal email address, if known.")
    first_name: str | None = Field(None, description="First name, properly cased.")
    middle_name: str | None = Field(None, description="Middle name or initial.")
    last_name: str | None = Field(None, description="Last name, with particles ('van der Berg').")
    full_name: str | None = Field(None, description="First and last name.")
    title: str | None = Field(None, description="Current job title, normalized ('VP of Sales').")
    headline: str | None = Field(None, description="Profile headline as written by the person.")
    seniority: Seniority | None = Field(None, description="Seniority level of `title`.")
    department: Department | None = Field(None, description="Department of `title`.")
    job_start_date: str | None = Field(None, description="When the current role started.")
    linkedin_url: str | None = Field(
        None, description="Canonical LinkedIn profile URL (https://linkedin.com/in/...)."
    )
    twitter_url: str | None = Field(None, description="Twitter/X profile URL.")
    github_url: str | None = Field(None, description="GitHub profile URL.")
    photo_url: str | None = Field(None, description="Profile photo URL.")
    phone: str | None = Field(None, description="Best phone number, E.164 ('+14155550142').")
    phone_type: PhoneType | None = Field(None, description="What kind of number `phone` is.")
    mobile: str | None = Field(None, description="Mobile number, E.164.")
    location: str | None = Field(None, description="'San Francisco, CA' or 'Berlin, Germany'.")
    city: str | None = Field(None, description="City.")
    state: str | None = Field(None, description="State, province or region (full name).")
    country: str | None = Field(None, description="Country (English short name).")
    country_code: str | None = Field(None, description="ISO 3166-1 alpha-2 country code.")
    timezone: str | None = Field(None, description="IANA time zone ('America/Los_Angeles').")


class Company(BaseModel):
    """A company's firmographics (the `company_*` fields of a contact)."""

    company_name: str | None = Field(None, description="Current employer.")
    company_domain: str | None = Field(None, description="Employer's primary domain.")
    company_website: str | None = Field(None, description="Employer's website URL.")
    company_industry: str | None = Field(None, description="Industry label ('SaaS').")
    company_naics_code: str | None = Field(None, description="NAICS 2022 code of the industry.")
    company_sic_code: str | None = Field(None, description="SIC 1987 code of the industry.")
    company_size: CompanySize | None = Field(None, description="Employee-count band.")
    company_employee_count: int | None = Field(None, description="Employee count, if known.")
    company_revenue: CompanyRevenue | None = Field(None, description="Annual revenue band.")
    company_annual_revenue: int | None = Field(None, description="Annual revenue in USD.")
    company_linkedin_url: str | None = Field(None, description="Employer's LinkedIn page.")
    company_twitter_url: str | None = Field(None, description="Employer's Twitter/X page.")
    company_phone: str | None = Field(None, description="Employer's switchboard, E.164.")
    company_description: str | None = Field(None, description="What the employer does.")
    company_founded_year: int | None = Field(None, description="Year the employer was founded.")
    company_hq_location: str | None = Field(None, description="Headquarters location.")
    company_hq_city: str | None = Field(None, description="Headquarters city.")
    company_hq_country: str | None = Field(None, description="Headquarters country.")
    company_tech_stack: list[str] | None = Field(None, description="Technologies in use.")
    company_type: str | None = Field(None, description="Public, private, nonprofit, ...")


class Contact(Company, _PersonFields):
    """A verified, normalized contact. Unknown fields are null, never invented."""


class Meta(BaseModel):
    credits_used: int = Field(description="Credits this call cost (0 when nothing matched).")
    providers_queried: int = Field(description="Providers actually called.")
    providers_matched: int = Field(description="Providers that found the person.")
    confidence: float = Field(ge=0, le=1, description="Calibrated confidence of the record.")
    enriched_at: str | None = Field(description="When the data was last confirmed (UTC).")
    providers_skipped: list[str] = Field(
        default_factory=list, description="Providers that failed and were skipped."
    )


class ContactEnrichment(BaseModel):
    id: str = Field(description="Enrichment id ('ev_...'); GET /v1/enrichments/{id}.")
    status: Literal["completed", "not_found"]
    contact: Contact | None = Field(description="The record; null when nothing matched.")
    meta: Meta
    provenance: dict[str, Any] | None = Field(
        None,
        description="Only with `?expand=provenance`: the providers called (outcome, "
        "latency, cost) and, per field, the winning source, observed_at, confidence, "
        "the sources confirming it and the rejected candidates.",
    )


class CreditGrant(BaseModel):
    kind: Literal["monthly_grant", "grant"]
    amount: int
    created_at: str
    note: str | None = None


class CreditPeriod(BaseModel):
    start: str
    end: str


class Credits(BaseModel):
    balance: int = Field(description="Credits available now (free + paid).")
    free_balance: int = Field(
        description="Left of this month's free grant; lapses at `period.end`."
    )
    paid_balance: int = Field(description="Operator-granted credits; never lapse.")
    monthly_grant: int = Field(description="Free credits granted each month.")
    used_this_period: int
    period: CreditPeriod
    grants: list[CreditGrant] = Field(description="Recent grants, newest first.")


class ImportError_(BaseModel):
    line: int
    reason: str


class ImportReport(BaseModel):
    id: str
    status: Literal["running", "completed", "failed"]
    filename: str | None
    columns: dict[str, str | None] = Field(description="Each CSV header and the field it fed.")
    rows: int
    imported: int = Field(description="New records.")
    merged: int = Field(description="Existing records that gained or changed values.")
    unchanged: int = Field(description="Existing records the row added nothing to.")
    rejected: int
    dropped_values: int = Field(description="Values dropped as invalid (bad phone, ...).")
    errors: list[ImportError_] = Field(description="Rejected rows with line number and reason.")
    errors_truncated: bool
    created_at: str
    finished_at: str | None


class ErrorDetail(BaseModel):
    type: str
    code: str
    message: str
    param: str | None


class ErrorBody(BaseModel):
    error: ErrorDetail


class VerifyRequest(StrictModel):
    email: StrictStr = Field(max_length=1000, description="The address to check.")


class VerifyBatchRequest(StrictModel):
    emails: list[StrictStr] = Field(
        description="Up to 1,000 addresses; more is a 422 naming `emails`."
    )


class VerifyChecks(BaseModel):
    syntax: dict[str, object] = Field(description="valid, reason, local_part, domain, ...")
    domain: dict[str, object] = Field(description="exists, has_mx, null_mx, implicit_mx")
    mx: list[str] = Field(description="Mail servers in preference order.")
    mx_tried: list[dict[str, object]] = Field(description="Each server tried and its outcome.")
    provider: str = Field(description="google, microsoft, yahoo, proofpoint, mimecast, ...")
    smtp: dict[str, object] = Field(description="code, enhanced_code, message, connected, ...")
    catch_all: bool | None
    disposable: bool
    role_based: bool
    free_provider: bool
    score: int = Field(ge=0, le=100)
    reasons: list[str]


class VerifyResult(BaseModel):
    email: str = Field(description="The address, normalized.")
    email_status: EmailStatus
    verified_at: str
    score: int = Field(ge=0, le=100, description="0-100; see `reasons`.")
    reasons: list[str]
    checks: VerifyChecks


class VerifyBatchResponse(BaseModel):
    results: list[VerifyResult] = Field(description="One result per address, in input order.")


# --- lead enrichment ------------------------------------------------------------------


class LeadRequest(ContactRequest):
    """A person (as for a contact), or a company alone (`company_domain` or
    `company_name`) to get its best-fit people (known to the account, or found by
    providers' domain search) as ranked leads."""

    icp_profile_id: StrictStr | None = Field(
        None,
        max_length=40,
        description="Score against this ICP profile ('icp_...') instead of the account's "
        "default; an unknown or deleted one is a 404.",
    )
    limit: StrictInt | None = Field(
        None,
        ge=1,
        le=25,
        description="Company-only requests: how many leads to return (default 5, at most 25).",
    )


class IntentSignalDetail(BaseModel):
    code: str = Field(description="`hiring_sales`, `adopted_hubspot`, `visited_pricing`, ...")
    detected_at: str = Field(description="When the signal was last seen (UTC).")
    source: str = Field(description="`greenhouse:acme`, `website`, `dns`, `web_events`, ...")
    evidence: dict[str, Any] = Field(description="Counts and examples (job postings, URLs).")


class Lead(Contact):
    """A contact, scored against an ICP profile, with its buying-intent signals."""

    icp_score: int = Field(ge=0, le=100, description="0-100 fit: 80+ high, 50-79 nurture.")
    icp_tier: Literal["high", "nurture", "deprioritize"]
    icp_signals: list[str] = Field(description="What matched (`target_seniority`, ...).")
    icp_breakdown: dict[str, int] = Field(
        description="Points per criterion; they sum to `icp_score` exactly."
    )
    intent_signals: list[str] = Field(description="Intent signal codes, newest first.")
    intent_signal_details: list[IntentSignalDetail]


class LeadMeta(Meta):
    icp_profile_id: str = Field(description="The ICP profile the lead was scored against.")


class LeadEnrichment(BaseModel):
    """The answer for a person."""

    id: str = Field(description="Enrichment id ('ev_...'); GET /v1/enrichments/{id}.")
    status: Literal["completed", "not_found"]
    lead: Lead | None = Field(description="The lead; null when nothing matched.")
    meta: LeadMeta
    provenance: dict[str, Any] | None = Field(None, description="Only with ?expand=provenance.")


class CompanyLeads(BaseModel):
    """The answer for a company alone: its best-fit people (the knowledge base's and
    the providers'), best first."""

    id: str = Field(description="Enrichment id ('ev_...'); GET /v1/enrichments/{id}.")
    status: Literal["completed", "not_found"]
    company: Company | None = Field(description="The company; null when it is unknown.")
    leads: list[Lead] = Field(description="At most `limit`, by `icp_score` descending.")
    meta: LeadMeta
    provenance: dict[str, Any] | None = Field(None, description="Only with ?expand=provenance.")


# --- ICP profiles ---------------------------------------------------------------------


class IcpCriteria(BaseModel):
    """What a lead is matched against; a criterion left out is not scored
    (docs/icp-scoring.md)."""

    seniorities: list[str] | None = Field(None, description="entry ... vp, c_level, owner.")
    departments: list[str] | None = Field(None, description="Sales, Marketing, ...")
    company_sizes: list[str] | None = Field(None, description="Bands: 51-200, 201-500, ...")
    industries: list[str] | None = Field(None, description="Labels (SaaS) or NAICS prefixes.")
    revenues: list[str] | None = Field(None, description="Bands: $10M-$25M, ...")
    countries: list[str] | None = Field(None, description="ISO 3166-1 alpha-2 codes or names.")
    technologies: list[str] | None = Field(None, description="Matched in company_tech_stack.")
    excluded_domains: list[str] | None = Field(None, description="Leads there score 0.")
    competitors: list[str] | None = Field(
        None, description="Leads there lose points; visits from there are `evaluated_competitor`."
    )


_CRITERIA_SCHEMA = WithJsonSchema(IcpCriteria.model_json_schema())
_WEIGHTS_SCHEMA = WithJsonSchema(
    {
        "type": "object",
        "additionalProperties": {"type": "number"},
        "description": "Overrides of the default weights: seniority, department, company_size, "
        "industry, revenue, country, technology (relative), intent, competitor (points).",
    }
)


class IcpProfileCreate(StrictModel):
    name: StrictStr = Field(description="Unique in the account.")
    default: StrictBool = Field(False, description="Make it the account's default profile.")
    criteria: Annotated[dict[str, Any], _CRITERIA_SCHEMA]
    weights: Annotated[dict[str, Any], _WEIGHTS_SCHEMA] | None = None
    intent_half_life_days: float | None = Field(
        None, description="Days after which a signal counts half (CLEANLIST_INTENT_HALF_LIFE_DAYS)."
    )


class IcpProfileUpdate(StrictModel):
    """Only the fields given change; the result is validated as a whole."""

    name: StrictStr | None = None
    default: StrictBool | None = Field(
        None, description="true makes it the default; the default cannot be set to false."
    )
    criteria: Annotated[dict[str, Any], _CRITERIA_SCHEMA] | None = None
    weights: Annotated[dict[str, Any], _WEIGHTS_SCHEMA] | None = None
    intent_half_life_days: float | None = None


class IcpProfile(BaseModel):
    id: str = Field(description="'icp_...'")
    name: str
    default: bool
    criteria: IcpCriteria = Field(description="Canonical values; unset criteria are left out.")
    weights: dict[str, float] = Field(description="The explicit weight overrides.")
    intent_half_life_days: float
    created_at: str
    updated_at: str


class IcpProfileList(BaseModel):
    data: list[IcpProfile] = Field(description="Oldest first; exactly one is the default.")


class IcpProfileDeleted(BaseModel):
    id: str
    deleted: Literal[True]
    promoted_default: str | None = Field(
        description="The profile that became the default, when the default was deleted."
    )


# --- web events -----------------------------------------------------------------------


class WebEvent(BaseModel):
    """One page view or form submission on the account's own site."""

    type: Literal["page_view", "form_submit"]
    email: str | None = Field(None, description="Who, when known (a work email gives the domain).")
    company_domain: str | None = Field(None, description="Their company; this or email is needed.")
    url: str = Field(description="The page (absolute http(s) URL).")
    referrer: str | None = Field(None, description="Where the visitor came from.")
    occurred_at: str = Field(description="ISO 8601; not in the future (5 minutes of skew).")


class EventBatch(StrictModel):
    events: list[Annotated[Any, WithJsonSchema(WebEvent.model_json_schema())]] = Field(
        description="1 to 1,000 events, all accepted or none."
    )


class EventsAccepted(BaseModel):
    accepted: int
