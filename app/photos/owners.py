"""The record a photo belongs to decides who sees it and who decides on it in review: a wish (its standing; its
secretaries decide), a joint project's progress entry (both sides and staff over the community see it; the
community's side decides), or a star self-score's evidence (the community, the street and the district see it;
the street's reviewers decide)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.errors import NotFound
from app.joint.machine import Party as JointParty
from app.joint.models import JointProjectEvent
from app.joint.projects import visible_project
from app.photos.models import Photo
from app.stars.access import visible_assessment
from app.stars.machine import Party as StarParty
from app.stars.models import Score
from app.wishes.access import parties_of as wish_parties
from app.wishes.machine import Party as WishParty
from app.wishes.queries import visible_view


async def manager_of(session: AsyncSession, principal: Principal, photo: Photo) -> bool:
    """Whether the caller manages the photo's record; 404 (the photo's) when they have no standing to it."""
    try:
        if photo.wish_id is not None:
            view = await visible_view(session, principal, photo.wish_id)
            return WishParty.manager in wish_parties(principal, view)
        if photo.joint_event_id is not None:
            event = await session.get_one(JointProjectEvent, photo.joint_event_id)
            _, parties = await visible_project(session, principal, event.project_id)
            return JointParty.community in parties
        if photo.star_score_id is not None:
            assessment_id = await session.scalar(select(Score.assessment_id).where(Score.id == photo.star_score_id))
            standing = await visible_assessment(session, principal, int(assessment_id or 0))
            if standing.parties:  # evidence is not public, even once the stars are
                return StarParty.street in standing.parties
    except NotFound:
        pass
    raise NotFound.of("photo", photo.id)
