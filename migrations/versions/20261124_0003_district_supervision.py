"""district supervision

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Placeholder in the chain so that parallel work has fixed revision ids: issue 5 (time limits, stats, Open311) fills this in.
    pass


def downgrade() -> None:
    pass
