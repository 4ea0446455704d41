"""What the WeChat integration keeps: push events already counted, and the mini-program codes already made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, LargeBinary, PrimaryKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class PushEvent(Base):
    """A message-push event we acted on. WeChat retries a push it thinks failed, so each is counted once."""

    __tablename__ = "wechat_push_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # openid, CreateTime and event: what WeChat's docs say identifies a retried event.
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PushNonce(Base):
    """A push's signed (timestamp, nonce), kept while the timestamp is inside the window (WECHAT_PUSH_MAX_AGE_SECONDS).

    The URL signature covers only token, timestamp and nonce, and proxies log query strings: without this a logged
    query could be posted again with any body. In the database, so every API process sees the same nonces.
    """

    __tablename__ = "wechat_push_nonces"
    __table_args__ = (PrimaryKeyConstraint("timestamp", "nonce"),)

    timestamp: Mapped[int] = mapped_column(BigInteger)
    nonce: Mapped[str] = mapped_column(String(64))


class Wxacode(Base):
    """A mini-program code image (getwxacodeunlimit), kept so that a view never waits on WeChat twice.

    The image depends only on these three inputs; a new page or env version makes a new row.
    """

    __tablename__ = "wechat_wxacodes"
    __table_args__ = (UniqueConstraint("scene", "page", "env_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scene: Mapped[str] = mapped_column(String(32))
    page: Mapped[str] = mapped_column(String(100))
    env_version: Mapped[str] = mapped_column(String(16))
    png: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
