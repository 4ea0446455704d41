"""Volunteer teams (志愿服务队) with their memberships, service projects (志愿服务项目) and their claims (认领)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow
from app.teams.machine import LIVE, MembershipStatus

# One live membership per person and team, spelled once: the partial unique index and the queries read it.
LIVE_MEMBERSHIP_SQL = "status IN ({})".format(",".join(f"'{s}'" for s in LIVE))
# One live claim per service project: not released. The partial unique index settles two claims at once.
LIVE_CLAIM_SQL = "released_at IS NULL"


class Team(Base):
    """A volunteer team of a community or a street, led by a member of it. `leader_id` is NULL only after the
    leader closed their account, until staff name another."""

    __tablename__ = "teams"
    __table_args__ = (Index("ix_teams_org_id", "org_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    name: Mapped[str] = mapped_column(String(30))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TeamMembership(Base):
    """One person's request to join a team and what became of it: a row per request, moving as the machine says."""

    __tablename__ = "team_memberships"
    __table_args__ = (
        CheckConstraint("status IN ('pending','active','refused','left')", name="status"),
        Index(
            "uq_team_memberships_live", "team_id", "user_id", unique=True, postgresql_where=text(LIVE_MEMBERSHIP_SQL)
        ),
        Index("ix_team_memberships_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[MembershipStatus] = mapped_column(String(16), default=MembershipStatus.pending)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(200))
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ServiceProject(Base):
    """志愿服务项目: a recurring need of a community (the 老年学校's weekly class) that a team claims for a period."""

    __tablename__ = "service_projects"
    __table_args__ = (
        CheckConstraint("starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on", name="period"),
        Index("ix_service_projects_community_id", "community_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    title: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(String(1000), default="")
    schedule: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectClaim(Base):
    """认领: a team takes on a service project for a period, until it is released (kept as history afterwards)."""

    __tablename__ = "service_project_claims"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="period"),
        Index("uq_service_project_claims_live", "project_id", unique=True, postgresql_where=text(LIVE_CLAIM_SQL)),
        Index("ix_service_project_claims_team_id", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("service_projects.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    claimed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    release_reason: Mapped[str | None] = mapped_column(String(200))
