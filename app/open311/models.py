from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class PartnerKey(Base):
    """An Open311 `api_key` issued to one partner system; its requests become wishes of one community.

    Only a SHA-256 of the key is stored: the key is 256 random bits, so a fast hash is enough (nothing to brute
    force) and lets a request find its key by an index lookup. `user_id` is the partner's own user row, the
    `resident` of the wishes it posts.
    """

    __tablename__ = "open311_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the key, to tell keys apart in logs and lists without revealing them.
    key_prefix: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
