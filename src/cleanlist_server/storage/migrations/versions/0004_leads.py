"""leads: ICP profiles, web events, company signals and tech snapshots

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "icp_profiles",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("criteria", _JSON, nullable=False),
        sa.Column("weights", _JSON, nullable=False),
        sa.Column("intent_half_life_days", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_icp_profiles_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_icp_profiles")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_icp_profiles_account_id_name")),
    )
    op.create_index(
        "uq_icp_profiles_default",
        "icp_profiles",
        ["account_id"],
        unique=True,
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )
    op.create_table(
        "web_events",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("company_domain", sa.String(length=255), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("referrer", sa.String(length=2048), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_web_events_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_events")),
    )
    op.create_index(
        "ix_web_events_account_domain_occurred",
        "web_events",
        ["account_id", "company_domain", "occurred_at"],
    )
    op.create_index("ix_web_events_account_email", "web_events", ["account_id", "email"])
    op.create_table(
        "company_signals",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence", _JSON, nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("domain", "code", "source", name=op.f("pk_company_signals")),
    )
    op.create_table(
        "company_tech_snapshots",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("technologies", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("domain", "taken_at", name=op.f("pk_company_tech_snapshots")),
    )
    op.create_table(
        "intent_refreshes",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("report", _JSON, nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_intent_refreshes")),
    )
    op.create_index("ix_intent_refreshes_refreshed_at", "intent_refreshes", ["refreshed_at"])


def downgrade() -> None:
    op.drop_index("ix_intent_refreshes_refreshed_at", table_name="intent_refreshes")
    op.drop_table("intent_refreshes")
    op.drop_table("company_tech_snapshots")
    op.drop_table("company_signals")
    op.drop_index("ix_web_events_account_email", table_name="web_events")
    op.drop_index("ix_web_events_account_domain_occurred", table_name="web_events")
    op.drop_table("web_events")
    op.drop_index("uq_icp_profiles_default", table_name="icp_profiles")
    op.drop_table("icp_profiles")
