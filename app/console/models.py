from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class ConsoleTicket(Base):
    """One console sign-in: the code the console shows, the staff member who confirmed it, the session it became.

    `id` is in the mini-program code's scene, so whoever sees the screen knows it; only the console that asked
    holds the poll secret (`poll_hash` keeps its SHA-256), so a photographed code signs no one else in.
    """

    __tablename__ = "console_tickets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    poll_hash: Mapped[str] = mapped_column(String(64))
    # What the confirm page shows: where the console runs and from which address and browser it asked.
    origin: Mapped[str] = mapped_column(String(200))
    client_ip: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
