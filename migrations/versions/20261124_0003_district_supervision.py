"""district supervision: time-limit escalation markers, the service-hours ledger, stats indexes, Open311 keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_ACTIONS = "'dispatch','recall','accept','decline','complete','reject','cancel','rate','reopen','order'"
_NEW_ACTIONS = f"{_OLD_ACTIONS},'overdue','escalate'"
_STATS_COLUMNS = [
    "status",
    "responded_at",
    "done_at",
    "due_at",
    "rating_score",
    "service_minutes",
    "category_id",
    "grid_id",
]
_SUPERVISED = sa.text("status IN ('ordered','dispatched','accepted') AND escalated_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("limit_started_at", app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("overdue_notified_at", app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_wishes_community_created",
            ["community_id", "created_at"],
            unique=False,
            postgresql_include=_STATS_COLUMNS,
        )
        batch_op.create_index("ix_wishes_supervision", ["due_at"], unique=False, postgresql_where=_SUPERVISED)

    with op.batch_alter_table("wish_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_wish_events_action"), type_="check")
        batch_op.create_check_constraint("action", sa.text(f"action IN ({_NEW_ACTIONS})"))

    op.create_table(
        "service_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("wish_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('complete','reopen')", name=op.f("ck_service_records_kind")),
        sa.CheckConstraint(
            "(kind = 'complete' AND minutes >= 0) OR (kind = 'reopen' AND minutes <= 0)",
            name=op.f("ck_service_records_sign"),
        ),
        sa.ForeignKeyConstraint(["community_id"], ["orgs.id"], name=op.f("fk_service_records_community_id_orgs")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_service_records_user_id_users")),
        sa.ForeignKeyConstraint(["wish_id"], ["wishes.id"], name=op.f("fk_service_records_wish_id_wishes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_records")),
    )
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.create_index("ix_service_records_community_user", ["community_id", "user_id"], unique=False)
        batch_op.create_index("ix_service_records_wish_id", ["wish_id"], unique=False)
    # The hours credited before the ledger existed: one credit per wish that is done now.
    op.execute(
        "INSERT INTO service_records (user_id, community_id, wish_id, kind, minutes, at) "
        "SELECT assignee_id, community_id, id, 'complete', COALESCE(service_minutes, 0), COALESCE(done_at, updated_at) "
        "FROM wishes WHERE status = 'done' AND assignee_id IS NOT NULL"
    )

    op.create_table(
        "open311_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_open311_keys_created_by_users")),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"], name=op.f("fk_open311_keys_org_id_orgs")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_open311_keys_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_keys_key_hash")),
    )
    with op.batch_alter_table("open311_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_keys_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("open311_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open311_keys_org_id"))
    op.drop_table("open311_keys")

    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.drop_index("ix_service_records_wish_id")
        batch_op.drop_index("ix_service_records_community_user")
    op.drop_table("service_records")

    # The sweeper's timeline rows cannot stay under the old constraint.
    op.execute("DELETE FROM wish_events WHERE action IN ('overdue','escalate')")
    with op.batch_alter_table("wish_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_wish_events_action"), type_="check")
        batch_op.create_check_constraint("action", sa.text(f"action IN ({_OLD_ACTIONS})"))

    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.drop_index("ix_wishes_supervision", postgresql_where=_SUPERVISED)
        batch_op.drop_index("ix_wishes_community_created", postgresql_include=_STATS_COLUMNS)
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("overdue_notified_at")
        batch_op.drop_column("limit_started_at")
