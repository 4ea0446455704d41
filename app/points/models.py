"""积分 and the 爱心超市: a points ledger per person and community, the balance it sums to, the community's rates,
its shop's items and the orders (redemptions) made there."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow


class PointsKind(StrEnum):
    service = "service"  # earned by hours of activity service (rate per hour)
    wish = "wish"  # earned by a wish completed (rate per wish)
    bonus = "bonus"  # given by a secretary, with a reason
    deduction = "deduction"  # taken by a secretary, with a reason
    redeem = "redeem"  # spent in the shop
    refund = "refund"  # a cancelled order's points returned


class PointsEntry(Base):
    """One immutable row per change of a person's points in one community; the balance is their sum."""

    __tablename__ = "points_entries"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('service','wish','bonus','deduction','redeem','refund')",
            name="kind",
        ),
        CheckConstraint(
            "(kind IN ('service','wish','bonus','refund') AND points > 0)"
            " OR (kind IN ('deduction','redeem') AND points < 0)",
            name="sign",
        ),
        CheckConstraint(
            "kind NOT IN ('bonus','deduction') OR (reason IS NOT NULL AND by_user_id IS NOT NULL)", name="reason"
        ),
        Index("ix_points_entries_user_community", "user_id", "community_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    kind: Mapped[PointsKind] = mapped_column(String(16))
    points: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(200))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The source, when there is one: the ledger row of hours, the wish, the shop order.
    service_record_id: Mapped[int | None] = mapped_column(ForeignKey("service_records.id"))
    wish_id: Mapped[int | None] = mapped_column(ForeignKey("wishes.id"))
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("shop_redemptions.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PointsBalance(Base):
    """The sum of a person's entries in a community, kept beside them in the same transaction, so that the
    database itself refuses a balance below zero (the CHECK) and a spend is one conditional UPDATE."""

    __tablename__ = "points_balances"
    __table_args__ = (CheckConstraint("balance >= 0", name="balance"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), primary_key=True)
    balance: Mapped[int] = mapped_column(default=0)


class PointsRates(Base):
    """What service earns in one community (0: nothing)."""

    __tablename__ = "points_rates"
    __table_args__ = (CheckConstraint("per_hour >= 0 AND per_wish >= 0", name="rates"),)

    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), primary_key=True)
    per_hour: Mapped[int] = mapped_column(default=0)
    per_wish: Mapped[int] = mapped_column(default=0)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShopItem(Base):
    """An item of a community's 爱心超市: its price in points and the stock left (never below zero)."""

    __tablename__ = "shop_items"
    __table_args__ = (
        CheckConstraint("price > 0", name="price"),
        CheckConstraint("stock >= 0", name="stock"),
        UniqueConstraint("community_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    price: Mapped[int]
    stock: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RedemptionStatus(StrEnum):
    ordered = "ordered"  # points taken, waiting at the shop
    collected = "collected"  # handed over
    cancelled = "cancelled"  # points and stock returned


class Redemption(Base):
    """A member's order of one item: its points are taken when ordering, returned if it is cancelled."""

    __tablename__ = "shop_redemptions"
    __table_args__ = (
        CheckConstraint("status IN ('ordered','collected','cancelled')", name="status"),
        Index("ix_shop_redemptions_community_status", "community_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("shop_items.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    points: Mapped[int]
    status: Mapped[RedemptionStatus] = mapped_column(String(16), default=RedemptionStatus.ordered)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
