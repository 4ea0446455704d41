"""驻区单位 (units), their contact people and council seats; the three lists: needs, resources, joint projects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow
from app.joint.machine import LIVE_STATUSES, ProjectAction, ProjectStatus


class UnitKind(StrEnum):
    government = "government"  # 机关事业单位
    state_company = "state_company"  # 国有企业
    school = "school"
    hospital = "hospital"
    two_new = "two_new"  # 两新组织: new economic and social organisations
    other = "other"


class ResourceKind(StrEnum):
    venue = "venue"
    equipment = "equipment"
    expertise = "expertise"
    volunteers = "volunteers"
    funds = "funds"
    other = "other"


class Origin(StrEnum):
    claim = "claim"  # a unit claimed a community's need
    adopt = "adopt"  # a community adopted a unit's resource


def _in(column: str, values: Iterable[object]) -> str:
    quoted = ",".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


_LIVE_SQL = _in("status", sorted(LIVE_STATUSES))


class Unit(Base):
    """A 驻区单位 based in a street or a community: it deals with the communities at or under that org."""

    __tablename__ = "units"
    __table_args__ = (CheckConstraint(_in("kind", list(UnitKind)), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[UnitKind] = mapped_column(String(16))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UnitContact(Base):
    """A user who acts for a unit (claims needs, offers resources, confirms projects)."""

    __tablename__ = "unit_contacts"
    __table_args__ = (UniqueConstraint("unit_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CouncilSeat(Base):
    """A unit's membership of a street's or community's 党建联席会, with its part-time committee members (兼职委员)."""

    __tablename__ = "council_seats"
    __table_args__ = (UniqueConstraint("council_org_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    committee_members: Mapped[list[str]] = mapped_column(JSON, default=list)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Need(Base):
    """需求清单: what a community needs, why, by when, and who benefits."""

    __tablename__ = "needs"
    __table_args__ = (Index("ix_needs_community_id", "community_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    title: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(String(500))
    beneficiaries: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Resource(Base):
    """资源清单: what a unit offers (a venue, equipment, expertise, volunteers, funds) and when it is available."""

    __tablename__ = "resources"
    __table_args__ = (
        CheckConstraint(_in("kind", list(ResourceKind)), name="kind"),
        Index("ix_resources_unit_id", "unit_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    kind: Mapped[ResourceKind] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(String(500))
    availability: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JointProject(Base):
    """项目清单: one community and one unit working on a need or with a resource."""

    __tablename__ = "joint_projects"
    __table_args__ = (
        CheckConstraint(_in("status", list(ProjectStatus)), name="status"),
        CheckConstraint(_in("origin", list(Origin)), name="origin"),
        CheckConstraint(
            "(origin = 'claim' AND need_id IS NOT NULL AND resource_id IS NULL)"
            " OR (origin = 'adopt' AND resource_id IS NOT NULL AND need_id IS NULL)",
            name="origin_source",
        ),
        CheckConstraint("rating_score IS NULL OR rating_score BETWEEN 1 AND 5", name="rating_score"),
        CheckConstraint("status <> 'dropped' OR drop_reason IS NOT NULL", name="dropped_has_reason"),
        # A need is met by one project at a time: two units claiming it at once, the database lets one in.
        Index("uq_joint_projects_live_need", "need_id", unique=True, postgresql_where=text("status <> 'dropped'")),
        # A community adopts a resource once while that project lives.
        Index(
            "uq_joint_projects_live_adoption",
            "resource_id",
            "community_id",
            unique=True,
            postgresql_where=text(_LIVE_SQL),
        ),
        Index("ix_joint_projects_community_created", "community_id", "created_at"),
        Index("ix_joint_projects_unit_id", "unit_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    origin: Mapped[Origin] = mapped_column(String(8))
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"))
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("resources.id"))
    title: Mapped[str] = mapped_column(String(40))
    status: Mapped[ProjectStatus] = mapped_column(String(16), default=ProjectStatus.proposed)
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drop_reason: Mapped[str | None] = mapped_column(String(200))
    rating_score: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(String(200))


_EVENT_ACTIONS = [*Origin, *ProjectAction]


class JointProjectEvent(Base):
    """Every change of a project, and every dated progress entry: who, as which side, when, with what note."""

    __tablename__ = "joint_project_events"
    __table_args__ = (
        CheckConstraint(_in("action", _EVENT_ACTIONS), name="action"),
        Index("ix_joint_project_events_project_id", "project_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("joint_projects.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    side: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
