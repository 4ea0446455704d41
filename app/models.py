"""Imports every model so that `Base.metadata` is complete (Alembic and tests read it from here)."""

from app.auth.models import User
from app.catalog.models import Category
from app.db import Base
from app.members.models import Member, MemberReport
from app.notifications.models import Notification
from app.orgs.models import Org, RoleAssignment
from app.wishes.models import IdempotencyKey, Wish, WishEvent

__all__ = [
    "Base",
    "Category",
    "IdempotencyKey",
    "Member",
    "MemberReport",
    "Notification",
    "Org",
    "RoleAssignment",
    "User",
    "Wish",
    "WishEvent",
]
