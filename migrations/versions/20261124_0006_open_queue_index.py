"""the overdue queue: open wishes of a community, newest first, with due_at at hand

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_SQL = "status IN ('ordered','dispatched','accepted')"  # as app.wishes.models.OPEN_SQL was at this revision


def upgrade() -> None:
    # At district scale (1,000,000 wishes) this takes a few seconds and blocks writes to wishes meanwhile: run it
    # in a quiet hour (README, "Running in production").
    op.create_index(
        "ix_wishes_open_community_id",
        "wishes",
        ["community_id", "id"],
        unique=False,
        postgresql_include=["due_at"],
        postgresql_where=sa.text(OPEN_SQL),
    )


def downgrade() -> None:
    op.drop_index("ix_wishes_open_community_id", table_name="wishes")
