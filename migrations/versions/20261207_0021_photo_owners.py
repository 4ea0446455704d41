"""photos beyond wishes: a photo may belong to a joint project's progress entry or a star rating self-score;
PDF evidence documents of a self-score

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("photos", sa.Column("joint_event_id", sa.Integer(), nullable=True))
    op.add_column("photos", sa.Column("star_score_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_photos_joint_event_id_joint_project_events"),
        "photos",
        "joint_project_events",
        ["joint_event_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_foreign_key(
        op.f("fk_photos_star_score_id_star_scores"),
        "photos",
        "star_scores",
        ["star_score_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index(
        "ix_photos_joint_event_id",
        "photos",
        ["joint_event_id"],
        postgresql_where=sa.text("joint_event_id IS NOT NULL"),
    )
    op.create_index(
        "ix_photos_star_score_id", "photos", ["star_score_id"], postgresql_where=sa.text("star_score_id IS NOT NULL")
    )
    op.create_check_constraint(
        op.f("ck_photos_one_owner"), "photos", "num_nonnulls(wish_id, joint_event_id, star_score_id) <= 1"
    )

    op.create_table(
        "star_evidence_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=False),
        sa.Column("score_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attached_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_at", app.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["score_id"],
            ["star_scores.id"],
            name=op.f("fk_star_evidence_documents_score_id_star_scores"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploader_id"],
            ["users.id"],
            name=op.f("fk_star_evidence_documents_uploader_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_star_evidence_documents")),
        sa.UniqueConstraint("key", name=op.f("uq_star_evidence_documents_key")),
    )
    op.create_index("ix_star_evidence_documents_score_id", "star_evidence_documents", ["score_id"])
    op.create_index(
        "ix_star_evidence_documents_unattached",
        "star_evidence_documents",
        ["created_at"],
        postgresql_where=sa.text("score_id IS NULL"),
    )
    op.create_index(
        "ix_star_evidence_documents_removed",
        "star_evidence_documents",
        ["id"],
        postgresql_where=sa.text("removed_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_table("star_evidence_documents")
    op.drop_constraint(op.f("ck_photos_one_owner"), "photos", type_="check")
    op.drop_index("ix_photos_star_score_id", table_name="photos")
    op.drop_index("ix_photos_joint_event_id", table_name="photos")
    op.drop_constraint(op.f("fk_photos_star_score_id_star_scores"), "photos", type_="foreignkey")
    op.drop_constraint(op.f("fk_photos_joint_event_id_joint_project_events"), "photos", type_="foreignkey")
    op.drop_column("photos", "star_score_id")
    op.drop_column("photos", "joint_event_id")
