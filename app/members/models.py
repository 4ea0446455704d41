from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class ReportStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class MemberReport(Base):
    """报到: a party member registers with the community where they live; the secretary decides."""

    __tablename__ = "member_reports"
    __table_args__ = (
        CheckConstraint("status IN ('pending','approved','rejected')", name="status"),
        Index("ix_member_reports_community_status", "community_id", "status"),
        # One undecided report per person and community.
        Index(
            "uq_member_reports_pending",
            "user_id",
            "community_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    real_name: Mapped[str] = mapped_column(String(20))
    workplace: Mapped[str] = mapped_column(String(100), default="")
    party_org: Mapped[str] = mapped_column(String(100), default="")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[ReportStatus] = mapped_column(String(16), default=ReportStatus.pending)
    reason: Mapped[str | None] = mapped_column(String(200))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Member(Base):
    """An approved volunteer of one community (and grid): who may accept that community's wishes."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("user_id", "community_id"),
        Index("ix_members_community_grid", "community_id", "grid_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    real_name: Mapped[str] = mapped_column(String(20))
    workplace: Mapped[str] = mapped_column(String(100), default="")
    party_org: Mapped[str] = mapped_column(String(100), default="")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("member_reports.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceKind(StrEnum):
    complete = "complete"  # credit: the member completed the wish
    reopen = "reopen"  # reversal: the resident reopened it; the credit returns when it is completed again
    activity = "activity"  # credit: attendance at an activity (check-in to check-out, within its times)
    correction = "correction"  # the organiser's correction of an activity's credit, with a reason (+ or −)


# The kinds that count a wish done (or undone); the activity kinds count hours only.
WISH_KINDS = (ServiceKind.complete, ServiceKind.reopen)


class ServiceRecord(Base):
    """志愿服务时长 as a ledger: one immutable row per credit or reversal, written in the transition's transaction.

    A member's hours are the sum of their rows, so there is no counter to drift; a correction is a new row.
    """

    __tablename__ = "service_records"
    __table_args__ = (
        CheckConstraint("kind IN ('complete','reopen','activity','correction')", name="kind"),
        CheckConstraint(
            "(kind IN ('complete','activity') AND minutes >= 0) OR (kind = 'reopen' AND minutes <= 0)"
            " OR kind = 'correction'",
            name="sign",
        ),
        # Its source: a wish (complete, reopen) or an activity's sign-up (activity, correction), never both.
        CheckConstraint(
            "(kind IN ('complete','reopen') AND wish_id IS NOT NULL AND signup_id IS NULL)"
            " OR (kind IN ('activity','correction') AND wish_id IS NULL AND signup_id IS NOT NULL)",
            name="source",
        ),
        CheckConstraint("kind <> 'correction' OR (reason IS NOT NULL AND by_user_id IS NOT NULL)", name="reason"),
        # Totals per member of a community (roster, ranking) and per wish (the figures).
        Index("ix_service_records_community_user", "community_id", "user_id"),
        Index("ix_service_records_wish_id", "wish_id"),
        Index("ix_service_records_signup_id", "signup_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    wish_id: Mapped[int | None] = mapped_column(ForeignKey("wishes.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("activity_signups.id"))
    kind: Mapped[ServiceKind] = mapped_column(String(16))
    minutes: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(200))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
