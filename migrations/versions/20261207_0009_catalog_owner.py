"""categories.org_id: the catalog layered (一社一特色). Each entry is owned by the district, a street or a community
and offered everywhere under it; the entries that exist become district-wide.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("categories") as batch_op:
        batch_op.add_column(sa.Column("org_id", sa.Integer(), nullable=True))
    # Every entry so far was the district's: owned by the tree's root (the first, should there be several).
    op.execute("UPDATE categories SET org_id = (SELECT min(id) FROM orgs WHERE parent_id IS NULL)")
    orphans = op.get_bind().scalar(sa.text("SELECT count(*) FROM categories WHERE org_id IS NULL"))
    if orphans:
        raise RuntimeError(f"{orphans} catalog entries but no district in orgs to own them: create the district first")
    with op.batch_alter_table("categories") as batch_op:
        batch_op.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(op.f("fk_categories_org_id_orgs"), "orgs", ["org_id"], ["id"])
        batch_op.create_index(op.f("ix_categories_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("categories") as batch_op:
        batch_op.drop_index(op.f("ix_categories_org_id"))
        batch_op.drop_constraint(op.f("fk_categories_org_id_orgs"), type_="foreignkey")
        batch_op.drop_column("org_id")
