"""activity reminders and refused sign-ups

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("activity_signups", sa.Column("reminded_at", app.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column("activity_signups", sa.Column("refused_by", sa.Integer(), nullable=True))
    op.add_column("activity_signups", sa.Column("refuse_reason", sa.String(length=200), nullable=True))
    op.create_foreign_key(
        op.f("fk_activity_signups_refused_by_users"), "activity_signups", "users", ["refused_by"], ["id"]
    )
    op.create_index(
        "ix_activities_published_starts",
        "activities",
        ["starts_at"],
        unique=False,
        postgresql_where=sa.text("status = 'published'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_activities_published_starts", table_name="activities", postgresql_where=sa.text("status = 'published'")
    )
    op.drop_constraint(op.f("fk_activity_signups_refused_by_users"), "activity_signups", type_="foreignkey")
    op.drop_column("activity_signups", "refuse_reason")
    op.drop_column("activity_signups", "refused_by")
    op.drop_column("activity_signups", "reminded_at")
