from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow

# The outbox, spelled with a constant: a partial index serves a query only if its WHERE provably implies the index's,
# which PostgreSQL cannot prove from a bound parameter (prepared statements use them). The relay spells it so too.
PENDING_SQL = "wechat_status = 'pending'"


class WeChatStatus(StrEnum):
    pending = "pending"  # written; the relay has not finished with it
    sent = "sent"
    no_quota = "no_quota"  # the user gave no consent left for this template: in the inbox only
    failed = "failed"  # gave up after retries, or a permanent error; `wechat_error` says why


class Notification(Base):
    """One notice to one person: the app-inbox row, written in the transition's own transaction.

    The row is also the outbox entry for its WeChat subscribe message (`wechat_*` columns): the relay sends it
    after commit, so a rolled-back transition sends nothing and a committed one is never lost. One row rather than
    an inbox row plus a delivery row: they are one-to-one and written together, and the inbox shows the delivery
    state (`wechat_status`) without a join.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("wechat_status IN ('pending','sent','no_quota','failed')", name="wechat_status"),
        Index("ix_notifications_user_id_id", "user_id", "id"),
        # The relay's claim: due pending rows in its ORDER BY (next_attempt_at, id), so it reads the first few
        # instead of sorting every pending row (a backlog written at one instant shares one next_attempt_at).
        Index(
            "ix_notifications_pending",
            "next_attempt_at",
            "id",
            postgresql_where=text(PENDING_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(String(300))
    wish_id: Mapped[int | None] = mapped_column(ForeignKey("wishes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wechat_status: Mapped[WeChatStatus] = mapped_column(String(16), default=WeChatStatus.pending)
    wechat_attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    wechat_errcode: Mapped[int | None]
    wechat_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The values the text was rendered from (number, title, reason, name): the subscribe message's data.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Set while a relay is sending (claim → send → record). Still set after it: the relay died mid-send.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One consent is taken at the first claim and kept across retries (given back if nothing was delivered).
    quota_reserved: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    wechat_msgid: Mapped[str | None] = mapped_column(String(32))


class SubscriptionQuota(Base):
    """How many more subscribe messages of one template a user allowed (one per consent; WeChat does not tell).

    Keyed by template id, not our key: a consent is given to a template, and a new template id starts at zero.
    """

    __tablename__ = "subscription_quotas"
    __table_args__ = (
        UniqueConstraint("user_id", "template_id"),
        CheckConstraint("remaining >= 0", name="remaining"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    template_id: Mapped[str] = mapped_column(String(64))
    remaining: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WeChatFlag(Base):
    """A user WeChat refused as a recipient (40003 invalid openid): no more sends until an operator clears it."""

    __tablename__ = "wechat_flags"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    errcode: Mapped[int]
    detail: Mapped[str] = mapped_column(String(200))
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
