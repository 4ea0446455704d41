"""trust

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Placeholder in the chain so that parallel work has fixed revision ids: issue 7 (limits, privacy) fills this in.
    pass


def downgrade() -> None:
    pass
