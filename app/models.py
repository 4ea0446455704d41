"""Imports every model so that `Base.metadata` is complete (Alembic and tests read it from here)."""

from app.auth.models import User
from app.catalog.models import Category
from app.console.models import ConsoleTicket
from app.db import Base
from app.joint.models import CouncilSeat, JointProject, JointProjectEvent, Need, Resource, Unit, UnitContact
from app.limits.models import RateCounter
from app.members.models import Member, MemberReport, ServiceRecord
from app.notifications.models import Notification, SubscriptionQuota, WeChatFlag
from app.open311.models import PartnerKey
from app.orgs.models import Org, RoleAssignment
from app.privacy.models import ContactAccess
from app.stars.models import Assessment, AssessmentEvent, Indicator, IndicatorSet, Objection, Score
from app.wechat.models import PushEvent, Wxacode
from app.wishes.models import IdempotencyKey, Wish, WishEvent

__all__ = [
    "Assessment",
    "AssessmentEvent",
    "Base",
    "Category",
    "ConsoleTicket",
    "ContactAccess",
    "CouncilSeat",
    "IdempotencyKey",
    "Indicator",
    "IndicatorSet",
    "JointProject",
    "JointProjectEvent",
    "Member",
    "MemberReport",
    "Need",
    "Notification",
    "Objection",
    "Org",
    "PartnerKey",
    "PushEvent",
    "RateCounter",
    "Resource",
    "RoleAssignment",
    "Score",
    "ServiceRecord",
    "SubscriptionQuota",
    "Unit",
    "UnitContact",
    "User",
    "WeChatFlag",
    "Wish",
    "WishEvent",
    "Wxacode",
]
