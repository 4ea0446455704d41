from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    Double,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalog.models import Category
from app.db import Base, UTCDateTime, utcnow
from app.ids import MAX_ID
from app.orgs.models import Org
from app.wishes.machine import OPEN_STATUSES, Action, Status

_STATUSES = ",".join(f"'{s}'" for s in Status)
# Timeline rows that are no transition: the creation, and the sweeper's 督办 notices (app/supervision).
TIMELINE_ONLY_ACTIONS = ("order", "overdue", "escalate")
_ACTIONS = ",".join(f"'{a}'" for a in [*Action, *TIMELINE_ONLY_ACTIONS])
# The date in a work-order number is China Standard Time's, whatever TIMEZONE says: numbers are computed on read,
# and partners keep them (Open311 service_request_id), so they must not change when the setting does. One zone
# with TIMEZONE needs the number fixed at creation (stored), which is a migration of its own (issue 12).
NUMBER_TZ = ZoneInfo("Asia/Shanghai")
STATS_COLUMNS = [
    "status",
    "responded_at",
    "done_at",
    "due_at",
    "rating_score",
    "service_minutes",
    "category_id",
    "grid_id",
]
# Open wishes, spelled with constants: a partial index serves a query only if its WHERE provably implies the
# index's, which PostgreSQL cannot prove from bound parameters (prepared statements use them).
_OPEN = ",".join(f"'{s}'" for s in Status if s in OPEN_STATUSES)  # in the enum's order: ordered, dispatched, accepted
OPEN_SQL = f"status IN ({_OPEN})"
SUPERVISED = text(f"{OPEN_SQL} AND escalated_at IS NULL")
RESPONSE_MINUTES = text("(date_part('epoch', responded_at - created_at) / 60.0)")
RESPONDED = text("responded_at IS NOT NULL")


class Wish(Base):
    __tablename__ = "wishes"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        CheckConstraint("rating_score IS NULL OR rating_score BETWEEN 1 AND 5", name="rating_score"),
        CheckConstraint("status <> 'accepted' OR assignee_id IS NOT NULL", name="accepted_has_assignee"),
        CheckConstraint("(lat IS NULL) = (long IS NULL)", name="lat_long_together"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND long BETWEEN -180 AND 180", name="lat_long_range"),
        # The queues: a community's wishes by status, newest first; a member's tasks; the open pool.
        Index("ix_wishes_community_status_id", "community_id", "status", "id"),
        Index("ix_wishes_resident_id", "resident_id", "id"),
        Index("ix_wishes_assignee_id", "assignee_id", "id"),
        Index("ix_wishes_open_due", "status", "due_at"),
        # The community's open work newest first, `due_at` at hand: the overdue queue reads only this index.
        Index(
            "ix_wishes_open_community_id",
            "community_id",
            "id",
            postgresql_include=["due_at"],
            postgresql_where=text(OPEN_SQL),
        ),
        # The figures (app/stats): a subtree's wishes created in a window. The INCLUDE columns make
        # the summary an index-only scan (the README's district section has the plan).
        Index("ix_wishes_community_created", "community_id", "created_at", postgresql_include=STATS_COLUMNS),
        # The median response time of a big subtree and window: the response minutes in order, so that PostgreSQL
        # reads up to the middle one instead of sorting them all. The expression is app/stats/sql.py's
        # elapsed_minutes (it must stay the same to be used).
        Index(
            "ix_wishes_response_minutes",
            RESPONSE_MINUTES,
            postgresql_include=["community_id", "created_at", "responded_at", "category_id", "grid_id"],
            postgresql_where=RESPONDED,
        ),
        # The sweeper (app/supervision): open wishes not yet escalated, by deadline.
        Index("ix_wishes_supervision", "due_at", postgresql_where=SUPERVISED),
        # The 督办 list of escalated wishes (app/supervision/service.py): few rows, a subtree's newest first.
        Index("ix_wishes_escalated", "community_id", "id", postgresql_where=text("escalated_at IS NOT NULL")),
        # Word search (app/wishes/words.py): the characters and character pairs of the title and content.
        Index("ix_wishes_words", text("wish_words(title, content)"), postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[Status] = mapped_column(String(16), default=Status.ordered)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    title: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(String(500))
    address: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    # Where, in WGS-84 decimal degrees, when the wish came with a point (Open311's lat/long): personal data like
    # the address, erased with it; kept as numbers for the grid map (网格服务图).
    lat: Mapped[float | None] = mapped_column(Double)
    long: Mapped[float | None] = mapped_column(Double)
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pool: Mapped[bool] = mapped_column(default=False)
    # A pool opened to one grid; NULL with pool=true means the whole community.
    pool_grid_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    target_member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # First time the wish left `ordered` (dispatched or rejected); never reset: the 响应率 clock.
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    service_minutes: Mapped[int | None]
    rating_score: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(String(200))
    # Set when WeChat's content check said "review" for text on this wish, or could not be reached ("unchecked"):
    # saved, but the secretary should look (app/wishes/moderation.py).
    content_flag: Mapped[str | None] = mapped_column(String(16))
    # 限时办结 / 督办 (app/supervision): when the current time limit began (NULL: at created_at; a reopen restarts
    # it), and when the sweeper told the secretaries (overdue) and the street's admins (twice overdue). Reset by a
    # reopen or a new due_at at dispatch, so the new deadline is supervised again.
    limit_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    category: Mapped[Category] = relationship(lazy="raise")
    community: Mapped[Org] = relationship(foreign_keys=[community_id], lazy="raise")

    @property
    def number(self) -> str:
        return work_order_number(self.id, self.created_at)

    @property
    def community_path(self) -> str:
        return self.community.path


def overdue_sql(now: datetime) -> ColumnElement[bool]:
    """`machine.is_overdue` in SQL: still open and past its deadline."""
    return and_(Wish.status.in_(OPEN_STATUSES), Wish.due_at < now)


def work_order_number(wish_id: int, created_at: datetime) -> str:
    """The human work-order number, `XY-<local date>-<id>`: unique because the id is, and never stored twice."""
    return f"XY-{created_at.astimezone(NUMBER_TZ):%Y%m%d}-{wish_id:04d}"


def id_from_number(number: str) -> int | None:
    parts = number.split("-")
    if len(parts) == 3 and parts[0] == "XY" and parts[2].isascii() and parts[2].isdigit() and len(parts[2]) <= 10:
        wish_id = int(parts[2])
        return wish_id if wish_id <= MAX_ID else None  # beyond PostgreSQL's integer: no such wish, not an overflow
    return None


class WishEvent(Base):
    """One row per transition (and the creation): the wish's timeline and audit trail."""

    __tablename__ = "wish_events"
    __table_args__ = (
        CheckConstraint(f"action IN ({_ACTIONS})", name="action"),
        Index("ix_wish_events_wish_id_id", "wish_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wish_id: Mapped[int] = mapped_column(ForeignKey("wishes.id"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(Base):
    """`Idempotency-Key` of a create: the same key from the same user returns the same wish."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(100))
    # NULL only inside the creating transaction: the key row is written first so a concurrent twin waits on it.
    wish_id: Mapped[int | None] = mapped_column(ForeignKey("wishes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
