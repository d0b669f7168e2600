"""Canonical field names of a contact record (the ``contact`` object of the API).

Providers, the knowledge base, the merge and the response schema all speak these
names; ``tests/unit/test_schema_fields.py`` checks the response model lists exactly
these.
"""

from __future__ import annotations

PERSON_FIELDS: tuple[str, ...] = (
    "email",
    "email_status",
    "email_free_provider",
    "personal_email",
    "first_name",
    "middle_name",
    "last_name",
    "full_name",
    "title",
    "headline",
    "seniority",
    "department",
    "job_start_date",
    "linkedin_url",
    "twitter_url",
    "github_url",
    "photo_url",
    "phone",
    "phone_type",
    "mobile",
    "location",
    "city",
    "state",
    "country",
    "country_code",
    "timezone",
)

COMPANY_FIELDS: tuple[str, ...] = (
    "company_name",
    "company_domain",
    "company_website",
    "company_industry",
    "company_naics_code",
    "company_sic_code",
    "company_size",
    "company_employee_count",
    "company_revenue",
    "company_annual_revenue",
    "company_linkedin_url",
    "company_twitter_url",
    "company_phone",
    "company_description",
    "company_founded_year",
    "company_hq_location",
    "company_hq_city",
    "company_hq_country",
    "company_tech_stack",
    "company_type",
)

CONTACT_FIELDS: tuple[str, ...] = PERSON_FIELDS + COMPANY_FIELDS

# Fields whose delivery makes a result cost the phone rate (11 credits). The company
# switchboard (company_phone) is firmographics and is not priced as a phone.
PRICED_PHONE_FIELDS: frozenset[str] = frozenset({"phone", "mobile"})
PHONE_DETAIL_FIELDS: frozenset[str] = frozenset({"phone", "phone_type", "mobile"})
