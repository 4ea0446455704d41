"""the 督办 list of escalated wishes: a partial index on (community_id, id) where escalated_at is set

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_wishes_escalated",
        "wishes",
        ["community_id", "id"],
        unique=False,
        postgresql_where=sa.text("escalated_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_wishes_escalated", table_name="wishes", postgresql_where=sa.text("escalated_at IS NOT NULL"))
