"""Activities (活动), their positions (岗位) with seats, sign-ups with on-site attendance, make-up requests (补卡)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.activities.machine import ActivityStatus, Attendance, MakeupStatus
from app.db import Base, UTCDateTime, utcnow

# One live sign-up per person and activity, spelled once: the partial unique index and the queries read it.
LIVE_SIGNUP_SQL = "status <> 'withdrawn'"


class Activity(Base):
    """An event a community (or a grid of it) runs: when, where, who may come, and how many."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("status IN ('published','finished','cancelled')", name="status"),
        CheckConstraint("audience IN ('members','residents','team')", name="audience"),
        CheckConstraint("(audience = 'team') = (team_id IS NOT NULL)", name="team_audience"),
        CheckConstraint("starts_at < ends_at AND signup_deadline <= ends_at", name="times"),
        CheckConstraint("geofence_m IS NULL OR (lat IS NOT NULL AND lng IS NOT NULL)", name="geofence_place"),
        Index("ix_activities_community_starts", "community_id", "starts_at"),
        Index("ix_activities_team_id", "team_id", postgresql_where=text("team_id IS NOT NULL")),
        # The sweeper's question: published or finished activities that have ended with attendances still open.
        Index("ix_activities_open_ends", "ends_at", postgresql_where=text("attendance_closed_at IS NULL")),
        # The reminders' question: published activities starting within the next day.
        Index("ix_activities_published_starts", "starts_at", postgresql_where=text("status = 'published'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    # Published by (and for) a volunteer team: only its active members may sign up; its leader organises it.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    title: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(String(1000), default="")
    address: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)  # GCJ-02, as wx.getLocation gives it
    lng: Mapped[float | None] = mapped_column(Float)
    geofence_m: Mapped[int | None]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signup_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    audience: Mapped[str] = mapped_column(String(16), default="members")
    status: Mapped[ActivityStatus] = mapped_column(String(16), default=ActivityStatus.published)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once every attendance still open at the end has been closed (by the sweeper, or on finishing).
    attendance_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Position(Base):
    """岗位: a part of an activity with its own headcount. An activity without named positions has one, 志愿者.

    `taken` is the count of live sign-ups, changed only by a conditional UPDATE (`taken < seats`): N seats, N
    winners however many tap at once, and the CHECK makes any other outcome impossible."""

    __tablename__ = "activity_positions"
    __table_args__ = (CheckConstraint("taken >= 0 AND taken <= seats", name="seats"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    name: Mapped[str] = mapped_column(String(20))
    seats: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)


class Signup(Base):
    """报名 and what followed on site: one row per person and sign-up, its attendance moving as the machine says."""

    __tablename__ = "activity_signups"
    __table_args__ = (
        CheckConstraint(
            "status IN ('signed_up','withdrawn','checked_in','checked_out')",
            name="status",
        ),
        CheckConstraint("checked_out_at IS NULL OR checked_in_at <= checked_out_at", name="order"),
        Index(
            "uq_activity_signups_live",
            "activity_id",
            "user_id",
            unique=True,
            postgresql_where=text(LIVE_SIGNUP_SQL),
        ),
        Index("ix_activity_signups_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    position_id: Mapped[int] = mapped_column(ForeignKey("activity_positions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[Attendance] = mapped_column(String(16), default=Attendance.signed_up)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How the check-out came about: `scan` (the volunteer), `auto` (closed at the end), `makeup` (补卡 approved).
    checked_out_by: Mapped[str | None] = mapped_column(String(16))
    # The day-before reminder was queued (set once, by the sweeper that claimed it).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The organiser refused it (withdrawn, the seat returned, the person told why); `withdrawn_at` says when.
    refused_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    refuse_reason: Mapped[str | None] = mapped_column(String(200))


class Makeup(Base):
    """补卡: a volunteer's request to record a missed check-in or check-out, decided by the organiser."""

    __tablename__ = "activity_makeups"
    __table_args__ = (
        CheckConstraint("kind IN ('check_in','check_out')", name="kind"),
        CheckConstraint("status IN ('pending','approved','refused')", name="status"),
        Index(
            "uq_activity_makeups_pending",
            "signup_id",
            "kind",
            unique=True,
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("activity_signups.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[MakeupStatus] = mapped_column(String(16), default=MakeupStatus.pending)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
