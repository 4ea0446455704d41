"""Imports every model so that `Base.metadata` is complete (Alembic and tests read it from here)."""

from app.activities.models import Activity, Makeup, Position, Signup
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
from app.photos.models import MediaLink, MediaVerdict, Photo
from app.points.models import PointsBalance, PointsEntry, PointsRates, Redemption, ShopItem
from app.privacy.models import ContactAccess
from app.stars.models import (
    Assessment,
    AssessmentEvent,
    EvidenceDocument,
    Indicator,
    IndicatorSet,
    Objection,
    Score,
)
from app.teams.models import ProjectClaim, ServiceProject, Team, TeamMembership
from app.wechat.models import PushEvent, Wxacode
from app.wishes.models import IdempotencyKey, Wish, WishEvent

__all__ = [
    "Activity",
    "Assessment",
    "AssessmentEvent",
    "Base",
    "Category",
    "ConsoleTicket",
    "ContactAccess",
    "CouncilSeat",
    "EvidenceDocument",
    "IdempotencyKey",
    "Indicator",
    "IndicatorSet",
    "JointProject",
    "JointProjectEvent",
    "Makeup",
    "MediaLink",
    "MediaVerdict",
    "Member",
    "MemberReport",
    "Need",
    "Notification",
    "Objection",
    "Org",
    "PartnerKey",
    "Photo",
    "PointsBalance",
    "PointsEntry",
    "PointsRates",
    "Position",
    "ProjectClaim",
    "PushEvent",
    "RateCounter",
    "Redemption",
    "Resource",
    "RoleAssignment",
    "Score",
    "ServiceProject",
    "ServiceRecord",
    "ShopItem",
    "Signup",
    "SubscriptionQuota",
    "Team",
    "TeamMembership",
    "Unit",
    "UnitContact",
    "User",
    "WeChatFlag",
    "Wish",
    "WishEvent",
    "Wxacode",
]
