from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class RateCounter(Base):
    """Hits of one limit by one client in one fixed time window.

    `key` names the limit and the client (`login-ip:203.0.113.9`), `window_start` is the window's first second
    (Unix time). Rows are pruned after `expires_at` by `xinyuan retention`.
    """

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
