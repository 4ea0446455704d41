from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Category(Base):
    """An entry of the 服务群众项目清单, with its 限时办结 time limit.

    `org_id` owns it: the district (district-wide), a street or a community (一社一特色). It is offered everywhere
    under its owner (app/catalog/service.py) and edited only by admins over its owner.
    """

    __tablename__ = "categories"
    __table_args__ = (CheckConstraint("time_limit_hours > 0", name="time_limit_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(500), default="")
    time_limit_hours: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
