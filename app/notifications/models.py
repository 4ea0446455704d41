from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class WeChatStatus(StrEnum):
    pending = "pending"  # written; the relay has not finished with it
    sent = "sent"
    no_quota = "no_quota"  # the user gave no consent left for this template: in the inbox only
    failed = "failed"  # gave up after retries, or a permanent error; `wechat_error` says why


class Notification(Base):
    """One notice to one person: the app-inbox row, written in the transition's own transaction.

    The row is also the outbox entry for its WeChat subscribe message (`wechat_*` columns): the relay sends it
    after commit, so a rolled-back transition sends nothing and a committed one is never lost.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("wechat_status IN ('pending','sent','no_quota','failed')", name="wechat_status"),
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index(
            "ix_notifications_pending",
            "next_attempt_at",
            sqlite_where=text("wechat_status = 'pending'"),
            postgresql_where=text("wechat_status = 'pending'"),
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
