"""the relay's claim reads due pending notifications in order: ix_notifications_pending on (next_attempt_at, id)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_notifications_pending"
PENDING_SQL = "wechat_status = 'pending'"  # as app.notifications.models.PENDING_SQL was at this revision


def upgrade() -> None:
    # The claim orders by (next_attempt_at, id): on next_attempt_at alone PostgreSQL sorted every pending row that
    # shares the first next_attempt_at (a backlog written at one instant), ~24 ms a claim at district scale.
    _swap(["next_attempt_at", "id"])


def downgrade() -> None:
    _swap(["next_attempt_at"])


def _swap(columns: list[str]) -> None:
    """ix_notifications_pending on `columns` instead, with the same predicate."""
    # Built first, then swapped in: DROP INDEX shuts out even readers of notifications until the commit, the build
    # only writers (it reads the whole table: at district scale, run it in a quiet hour).
    _create(f"{NAME}_new", columns)
    op.drop_index(NAME, table_name="notifications")
    op.execute(f"ALTER INDEX {NAME}_new RENAME TO {NAME}")


def _create(name: str, columns: list[str]) -> None:
    where = sa.text(PENDING_SQL)
    op.create_index(name, "notifications", columns, unique=False, postgresql_where=where)
