"""photos beyond wishes: a photo may belong to a joint project's progress entry or a star rating self-score

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0018"
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


def downgrade() -> None:
    op.drop_constraint(op.f("ck_photos_one_owner"), "photos", type_="check")
    op.drop_index("ix_photos_star_score_id", table_name="photos")
    op.drop_index("ix_photos_joint_event_id", table_name="photos")
    op.drop_constraint(op.f("fk_photos_star_score_id_star_scores"), "photos", type_="foreignkey")
    op.drop_constraint(op.f("fk_photos_joint_event_id_joint_project_events"), "photos", type_="foreignkey")
    op.drop_column("photos", "star_score_id")
    op.drop_column("photos", "joint_event_id")
