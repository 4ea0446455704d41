"""trust: rate-limit counters, the contact access log, deleted accounts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("window_start", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_counters")),
    )
    with op.batch_alter_table("rate_counters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_counters_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "contact_access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wish_id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=False),
        sa.Column("viewer_role", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.String(length=40), nullable=False),
        sa.Column("via", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["viewer_id"], ["users.id"], name=op.f("fk_contact_access_log_viewer_id_users")),
        sa.ForeignKeyConstraint(["wish_id"], ["wishes.id"], name=op.f("fk_contact_access_log_wish_id_wishes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_access_log")),
    )
    with op.batch_alter_table("contact_access_log", schema=None) as batch_op:
        batch_op.create_index("ix_contact_access_log_viewer_id_at", ["viewer_id", "at"], unique=False)
        batch_op.create_index("ix_contact_access_log_wish_id_at", ["wish_id", "at"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", app.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")

    with op.batch_alter_table("contact_access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_access_log_wish_id_at")
        batch_op.drop_index("ix_contact_access_log_viewer_id_at")
    op.drop_table("contact_access_log")

    with op.batch_alter_table("rate_counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_counters_expires_at"))
    op.drop_table("rate_counters")
