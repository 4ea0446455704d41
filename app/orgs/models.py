from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class Level(StrEnum):
    district = "district"
    street = "street"
    community = "community"
    grid = "grid"


# The level a child of each level must have.
CHILD_LEVEL: dict[Level, Level] = {
    Level.district: Level.street,
    Level.street: Level.community,
    Level.community: Level.grid,
}


class StaffRole(StrEnum):
    secretary = "secretary"
    admin = "admin"


class Org(Base):
    """A node of the tree. `path` is the materialised path `/1/4/17/`: a subtree is `path LIKE '/1/4/%'`."""

    __tablename__ = "orgs"
    __table_args__ = (
        CheckConstraint("level IN ('district','street','community','grid')", name="level"),
        Index("ix_orgs_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[Level] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoleAssignment(Base):
    """A secretary or admin over an org and everything under it (members live in `members`)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "org_id", "role"),
        CheckConstraint("role IN ('secretary','admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    role: Mapped[StaffRole] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
