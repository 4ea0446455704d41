"""Whose wishes the figures count: those of an org's subtree created in a window, as SQL filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.orgs.models import Level, Org
from app.orgs.queries import communities_under
from app.stats.sql import elapsed_minutes
from app.stats.window import Window
from app.wishes.models import Wish

Key = int | str | None


def response_minutes() -> ColumnElement[float]:
    """From creation to leaving `ordered`. PostgreSQL's ix_wishes_response_minutes indexes this very expression."""
    return elapsed_minutes(Wish.created_at, Wish.responded_at)


def wish_filters(org: Org, window: Window, communities: list[int] | None = None) -> list[ColumnElement[bool]]:
    """The org's wishes created in the window; served by ix_wishes_community_created.

    A street's or district's communities are `communities` when given, else a subquery on orgs.
    """
    found = [Wish.created_at >= window.since, Wish.created_at < window.until]
    if org.level == Level.grid:
        return [*found, Wish.community_id == org.parent_id, Wish.grid_id == org.id]
    if org.level == Level.community:
        return [*found, Wish.community_id == org.id]
    if communities is not None:
        return [*found, Wish.community_id.in_(communities)]
    return [*found, Wish.community_id.in_(communities_under(org))]


@dataclass(frozen=True)
class Scope:
    org: Org
    window: Window
    # Under a street or district: community id → its parent (the street). None for a community or grid.
    communities: Mapping[int, int | None] | None = None

    def filters(self) -> list[ColumnElement[bool]]:
        return wish_filters(self.org, self.window, None if self.communities is None else list(self.communities))

    def within(self, span: tuple[datetime, datetime]) -> Scope:
        return Scope(self.org, Window(*span), self.communities)


async def scope_of(session: AsyncSession, org: Org, window: Window) -> Scope:
    """The scope, with a street's or district's communities read once.

    The queries get them as a list of ids rather than as a subquery: PostgreSQL then knows them when it plans, and
    checks each wish against a hashed list instead of joining orgs.
    """
    if org.level in (Level.community, Level.grid):
        return Scope(org, window)
    query = select(Org.id, Org.parent_id).where(Org.id.in_(communities_under(org)))
    return Scope(org, window, {community: street for community, street in await session.execute(query)})
