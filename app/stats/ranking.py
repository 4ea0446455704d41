"""The members of a community (or any subtree) ranked by volunteer hours, then by wishes done, from the ledger."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.errors import NotFound
from app.members.ledger import ledger_totals
from app.members.models import Member
from app.orgs.models import Org
from app.stats.figures import member_filters
from app.stats.schemas import RankingRow
from app.stats.window import Window


async def ranking(
    session: AsyncSession, principal: Principal, org_id: int, window: Window | None, limit: int
) -> list[RankingRow]:
    """Active members, best first; equal hours and wishes share a rank (1, 1, 3). No window: all time."""
    org = await session.get(Org, org_id)
    if org is None or not principal.can(Permission.view_members, org.path):
        raise NotFound.of("org", org_id)
    ledger = ledger_totals(org, window.since if window else None, window.until if window else None)
    minutes = func.coalesce(ledger.c.minutes, 0).label("service_minutes")
    done = func.coalesce(ledger.c.done, 0).label("done_wishes")
    community = aliased(Org, name="community")  # not `orgs`: communities_under's subquery must not correlate
    rank = func.rank().over(order_by=(minutes.desc(), done.desc())).label("rank")
    query = (
        select(
            rank,
            Member.user_id,
            Member.real_name,
            Member.community_id,
            community.name.label("community_name"),
            Member.grid_id,
            minutes,
            done,
        )
        .join(community, community.id == Member.community_id)
        .outerjoin(ledger, and_(ledger.c.user_id == Member.user_id, ledger.c.community_id == Member.community_id))
        .where(*member_filters(org))
        .order_by(rank, Member.id)
        .limit(limit)
    )
    return [RankingRow.model_validate(row, from_attributes=True) for row in await session.execute(query)]
