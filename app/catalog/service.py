"""The layered catalog (一社一特色): every entry belongs to an org (the district, a street or a community) and is
offered everywhere under it. A community's whole list is its district's entries, its street's and its own.

"Offered at an org" is one rule, used by the resident's list, by ordering a wish, and by Open311's services: the
owner's materialised path is a prefix of the org's (`/1/` owns `/1/4/17/`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.models import Category
from app.orgs.models import Org


def offered_at(path: str | SQLColumnExpression[str] | None) -> ColumnElement[bool]:
    """Entries offered at the org with this path (a value, or another org's path column in the same statement);
    None: the district-wide ones (owned by a root of the tree)."""
    if path is None:
        return Org.parent_id.is_(None)
    return (literal(path) if isinstance(path, str) else path).startswith(Org.path)


def catalog_query(path: str | SQLColumnExpression[str] | None, include_inactive: bool = False) -> Select[Category]:
    query = select(Category).join(Org, Org.id == Category.org_id).where(offered_at(path))
    if not include_inactive:
        query = query.where(Category.active.is_(True))
    return query.order_by(Category.id)


async def offered_category(session: AsyncSession, path: str | None, **match: Any) -> Category | None:
    """The active entry matching `match` (id=... or code=...) if it is offered at the org with this path."""
    query = catalog_query(path)
    for name, value in match.items():
        query = query.where(getattr(Category, name) == value)
    return await session.scalar(query)


async def path_of(session: AsyncSession, org_id: int | None) -> str | None:
    return None if org_id is None else await session.scalar(select(Org.path).where(Org.id == org_id))
