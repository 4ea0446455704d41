"""wishes.lat, wishes.long: the point an Open311 request was posted with, kept as numbers (they were folded into
the address string before)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns without a default: PostgreSQL adds them without rewriting the table. (Batch operations, as
    # the other migrations: plain ALTERs on PostgreSQL.)
    with op.batch_alter_table("wishes") as batch_op:
        batch_op.add_column(sa.Column("lat", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("long", sa.Double(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_wishes_lat_long_together"), "(lat IS NULL) = (long IS NULL)")
        batch_op.create_check_constraint(
            op.f("ck_wishes_lat_long_range"), "lat BETWEEN -90 AND 90 AND long BETWEEN -180 AND 180"
        )


def downgrade() -> None:
    with op.batch_alter_table("wishes") as batch_op:
        batch_op.drop_constraint(op.f("ck_wishes_lat_long_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_wishes_lat_long_together"), type_="check")
        batch_op.drop_column("long")
        batch_op.drop_column("lat")
