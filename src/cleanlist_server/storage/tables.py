"""The schema, as SQLAlchemy Core tables (one metadata for both SQLite and PostgreSQL).

Records in the knowledge base keep their canonical fields in a JSON ``data`` column
beside the few indexed identity keys; ``provenance`` maps each field to where it came
from and when it was last observed. Migrations in ``migrations/versions`` build
exactly this; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)
Json = JSON().with_variant(JSONB(), "postgresql")
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("free_balance", Integer, nullable=False, server_default="0"),
    Column("paid_balance", Integer, nullable=False, server_default="0"),
    Column("period", String(7), nullable=True),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("prefix", String(32), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("mode", String(4), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

credit_ledger = Table(
    "credit_ledger",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("balance_after", Integer, nullable=False),
    Column("period", String(7), nullable=False),
    Column("enrichment_id", String(40), nullable=True),
    Column("request_key", String(300), nullable=True),
    Column("note", String(500), nullable=True),
    UniqueConstraint("account_id", "request_key"),
    Index("ix_credit_ledger_account_created", "account_id", "created_at"),
)

companies = Table(
    "companies",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("domain", String(255), nullable=True),
    Column("name_key", String(255), nullable=True),
    Column("data", Json, nullable=False),
    Column("provenance", Json, nullable=False),
    Column("observed_at", UTCDateTime(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("account_id", "domain"),
    Index("ix_companies_account_name_key", "account_id", "name_key"),
)

people = Table(
    "people",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("company_id", Id, ForeignKey("companies.id"), nullable=True, index=True),
    Column("email", String(320), nullable=True),
    Column("linkedin_url", String(400), nullable=True),
    Column("name_key", String(255), nullable=True),
    Column("company_domain", String(255), nullable=True),
    Column("company_key", String(255), nullable=True),
    Column("data", Json, nullable=False),
    Column("provenance", Json, nullable=False),
    Column("observed_at", UTCDateTime(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("account_id", "email"),
    UniqueConstraint("account_id", "linkedin_url"),
    Index("ix_people_name_domain", "account_id", "name_key", "company_domain"),
    Index("ix_people_name_company", "account_id", "name_key", "company_key"),
)

enrichments = Table(
    "enrichments",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("api_key_id", Id, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("credits_used", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("request", Json, nullable=False),
    Column("response", Json, nullable=False),
    Index("ix_enrichments_account_created", "account_id", "created_at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(12), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("content_type", String(100), nullable=True),
    Column("body", LargeBinary, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
)

imports = Table(
    "imports",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=True),
    Column("filename", String(500), nullable=True),
    Column("status", String(20), nullable=False),
    Column("report", Json, nullable=False),
)

# The newest check of each address. Deliverability is a fact about the world, not about
# an account, so checks are shared by all accounts.
email_checks = Table(
    "email_checks",
    metadata,
    Column("email", String(320), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("result", Json, nullable=False),
    Column("verified_at", UTCDateTime(), nullable=False),
)

# What the waterfall learned about each provider, summed over every process and restart:
# calls and outcomes (for hit rates and `cleanlist providers`), latency, fields delivered
# (for the adaptive strategy) and agreement with the merged answer (for reliability).
provider_stats = Table(
    "provider_stats",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("calls", Integer, nullable=False),
    Column("hits", Integer, nullable=False),
    Column("misses", Integer, nullable=False),
    Column("errors", Json, nullable=False),
    Column("latency_total", Float, nullable=False),
    Column("field_hits", Json, nullable=False),
    Column("agreements", Integer, nullable=False),
    Column("disagreements", Integer, nullable=False),
    Column("field_agreements", Json, nullable=False, server_default="{}"),
    Column("breaker", String(12), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# Ideal customer profiles, per account. Exactly one is the account's default: the partial
# unique index below allows at most one, and the service never leaves an account that has
# profiles without one (docs/leads.md).
icp_profiles = Table(
    "icp_profiles",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("is_default", Boolean(), nullable=False),
    Column("criteria", Json, nullable=False),
    Column("weights", Json, nullable=False),
    Column("intent_half_life_days", Float, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("account_id", "name"),
)
Index(
    "uq_icp_profiles_default",
    icp_profiles.c.account_id,
    unique=True,
    sqlite_where=icp_profiles.c.is_default,
    postgresql_where=icp_profiles.c.is_default,
)

# First-party web activity an account sends (POST /v1/events): the raw material of the
# visited_pricing / requested_demo / evaluated_competitor / high_engagement signals.
web_events = Table(
    "web_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("email", String(320), nullable=True),
    Column("company_domain", String(255), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("referrer", String(2048), nullable=True),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Index("ix_web_events_account_domain_occurred", "account_id", "company_domain", "occurred_at"),
    Index("ix_web_events_account_email", "account_id", "email"),
)

# Intent signals about companies (hiring, technology adoption): facts about the world,
# shared by every account, like email checks. One row per (domain, code, source).
company_signals = Table(
    "company_signals",
    metadata,
    Column("domain", String(255), primary_key=True),
    Column("code", String(100), primary_key=True),
    Column("source", String(500), primary_key=True),
    Column("detected_at", UTCDateTime(), nullable=False),
    Column("evidence", Json, nullable=False),
    Column("refreshed_at", UTCDateTime(), nullable=False),
)

# What each technology source saw on a domain at each refresh ({"website": [...], "dns":
# [...]}); consecutive snapshots give the adopted_<tech> / dropped_<tech> signals.
company_tech_snapshots = Table(
    "company_tech_snapshots",
    metadata,
    Column("domain", String(255), primary_key=True),
    Column("taken_at", UTCDateTime(), primary_key=True),
    Column("technologies", Json, nullable=False),
)

# When each domain's signals were last refreshed, how it went, and who is refreshing it
# now (``lease_until``, so several server processes never refresh one domain at once).
intent_refreshes = Table(
    "intent_refreshes",
    metadata,
    Column("domain", String(255), primary_key=True),
    Column("refreshed_at", UTCDateTime(), nullable=True),
    Column("status", String(20), nullable=False),
    Column("report", Json, nullable=False),
    Column("lease_until", UTCDateTime(), nullable=True),
    Index("ix_intent_refreshes_refreshed_at", "refreshed_at"),
)
