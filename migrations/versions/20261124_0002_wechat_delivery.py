"""wechat delivery: outbox claim columns, quotas, recipient flags, push dedupe, mini-program codes, wish flag

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("quota_reserved", sa.Boolean(), server_default=sa.text("false"), nullable=False))
        batch_op.add_column(sa.Column("wechat_msgid", sa.String(length=32), nullable=True))

    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_flag", sa.String(length=16), nullable=True))

    op.create_table(
        "subscription_quotas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("remaining >= 0", name=op.f("ck_subscription_quotas_remaining")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_subscription_quotas_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_quotas")),
        sa.UniqueConstraint("user_id", "template_id", name=op.f("uq_subscription_quotas_user_id_template_id")),
    )
    op.create_table(
        "wechat_flags",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("errcode", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("flagged_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_wechat_flags_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_wechat_flags")),
    )
    op.create_table(
        "wechat_push_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=160), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("received_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_push_events")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_wechat_push_events_dedupe_key")),
    )
    op.create_table(
        "wechat_wxacodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scene", sa.String(length=32), nullable=False),
        sa.Column("page", sa.String(length=100), nullable=False),
        sa.Column("env_version", sa.String(length=16), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_wxacodes")),
        sa.UniqueConstraint("scene", "page", "env_version", name=op.f("uq_wechat_wxacodes_scene_page_env_version")),
    )


def downgrade() -> None:
    op.drop_table("wechat_wxacodes")
    op.drop_table("wechat_push_events")
    op.drop_table("wechat_flags")
    op.drop_table("subscription_quotas")
    with op.batch_alter_table("wishes", schema=None) as batch_op:
        batch_op.drop_column("content_flag")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("wechat_msgid")
        batch_op.drop_column("quota_reserved")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("params")
