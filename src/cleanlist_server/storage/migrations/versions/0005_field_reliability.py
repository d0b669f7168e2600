"""provider reliability per field

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # {field: [agreed, disagreed]}; existing rows start with no per-field history, so
    # their fields fall back to the provider's overall agreement (engine/stats.py).
    with op.batch_alter_table("provider_stats") as batch:
        batch.add_column(sa.Column("field_agreements", _JSON, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("provider_stats") as batch:
        batch.drop_column("field_agreements")
