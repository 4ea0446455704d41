"""response minutes index: the median response time of a big subtree read in order

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# app/stats/sql.py's elapsed_minutes(created_at, responded_at) as it compiles for PostgreSQL: a query uses the
# index only if its ORDER BY is this same expression.
_RESPONSE_MINUTES = sa.text("(date_part('epoch', responded_at - created_at) / 60.0)")
_RESPONDED = sa.text("responded_at IS NOT NULL")
_INCLUDE = ["community_id", "created_at", "responded_at", "category_id", "grid_id"]


def upgrade() -> None:
    op.create_index(
        "ix_wishes_response_minutes",
        "wishes",
        [_RESPONSE_MINUTES],
        unique=False,
        postgresql_include=_INCLUDE,
        postgresql_where=_RESPONDED,
    )


def downgrade() -> None:
    op.drop_index("ix_wishes_response_minutes", table_name="wishes")
