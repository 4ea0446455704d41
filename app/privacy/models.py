from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class ContactAccess(Base):
    """One showing of a wish's whole address or phone to someone who is not its resident (PIPL: who saw what, when).

    Written by the request that showed it, before its answer is sent, so a view is logged exactly when it happened.
    """

    __tablename__ = "contact_access_log"
    __table_args__ = (
        Index("ix_contact_access_log_wish_id_at", "wish_id", "at"),
        Index("ix_contact_access_log_viewer_id_at", "viewer_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wish_id: Mapped[int] = mapped_column(ForeignKey("wishes.id"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    viewer_role: Mapped[str] = mapped_column(String(16))  # secretary | admin | member (the assignee) | partner
    fields: Mapped[str] = mapped_column(String(40))  # comma-separated: address,contact_phone
    via: Mapped[str] = mapped_column(String(32))  # list | detail | the action whose answer showed it
    request_id: Mapped[str | None] = mapped_column(String(128))  # joins the row to the request's log lines
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
