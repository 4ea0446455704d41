"""photos on wishes: the photo rows (their bytes are in STORAGE_URL) and WeChat's image-check verdicts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=False),
        sa.Column("wish_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attached_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("check_claimed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("check_trace_id", sa.String(length=80), nullable=True),
        sa.Column("check_attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploader_id"], ["users.id"], name=op.f("fk_photos_uploader_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["wish_id"], ["wishes.id"], name=op.f("fk_photos_wish_id_wishes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
        sa.UniqueConstraint("check_trace_id", name=op.f("uq_photos_check_trace_id")),
        sa.UniqueConstraint("key", name=op.f("uq_photos_key")),
    )
    op.create_index("ix_photos_wish_id", "photos", ["wish_id"], unique=False)
    op.create_index("ix_photos_uploader_id", "photos", ["uploader_id"], unique=False)
    op.create_index(
        "ix_photos_unsent",
        "photos",
        ["id"],
        unique=False,
        postgresql_where=sa.text("check_trace_id IS NULL AND status = 'pending'"),
    )
    op.create_index(
        "ix_photos_awaiting", "photos", ["created_at"], unique=False, postgresql_where=sa.text("status = 'pending'")
    )
    op.create_index("ix_photos_removed", "photos", ["id"], unique=False, postgresql_where=sa.text("status = 'removed'"))
    op.create_table(
        "photo_media_verdicts",
        sa.Column("trace_id", sa.String(length=80), nullable=False),
        sa.Column("suggest", sa.String(length=16), nullable=False),
        sa.Column("received_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("trace_id", name=op.f("pk_photo_media_verdicts")),
    )
    op.create_table(
        "photo_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wish_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["wish_id"], ["wishes.id"], name=op.f("fk_photo_links_wish_id_wishes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo_links")),
    )
    op.create_index(op.f("ix_photo_links_wish_id"), "photo_links", ["wish_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_photo_links_wish_id"), table_name="photo_links")
    op.drop_table("photo_links")
    op.drop_table("photo_media_verdicts")
    op.drop_index("ix_photos_removed", table_name="photos")
    op.drop_index("ix_photos_awaiting", table_name="photos")
    op.drop_index("ix_photos_unsent", table_name="photos")
    op.drop_index("ix_photos_uploader_id", table_name="photos")
    op.drop_index("ix_photos_wish_id", table_name="photos")
    op.drop_table("photos")
