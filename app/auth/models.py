from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class User(Base):
    """Everyone who signs in is a resident; member / secretary / admin come from other tables."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64))
    nickname: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    # WeChat's session_key: needed server-side to decrypt user data; never returned by the API.
    wx_session_key: Mapped[str | None] = mapped_column(String(64))
    home_community_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    home_grid_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    home_address: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the person closed the account (app/privacy/account.py): their tokens stop working.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
