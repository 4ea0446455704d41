"""The catalog: the list offered at an org (a community's whole list by default), and its admins' edits."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import CurrentUser
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.catalog.models import Category
from app.catalog.schemas import CategoryIn, CategoryOut, CategoryPatch
from app.catalog.service import catalog_query, path_of
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES, Conflict, Forbidden, NotFound, ValidationFailed
from app.ids import IdPath, IdQuery
from app.orgs.models import Level, Org

router = APIRouter(prefix="/api/v1/categories", tags=["catalog"], responses=PROBLEM_RESPONSES)
OWNER_LEVELS = (Level.district, Level.street, Level.community)


@router.get("", response_model=list[CategoryOut])
async def list_categories(
    session: SessionDep, principal: CurrentUser, org_id: IdQuery | None = None, include_inactive: bool = False
) -> list[CategoryOut]:
    """The entries offered at `org_id` (its district's, its street's and its own), by default at the caller's home
    community: the resident's order page. Without either, the district-wide entries."""
    if org_id is not None:
        path = await path_of(session, org_id)
        if path is None:
            raise ValidationFailed(["query", "org_id"], f"org {org_id} does not exist")
    else:
        path = await path_of(session, principal.user.home_community_id)
    rows = await session.execute(catalog_query(path, include_inactive).add_columns(Org.path))
    return [_out(category, principal, owner_path) for category, owner_path in rows]


@router.post("", response_model=CategoryOut, status_code=201)
async def create_category(body: CategoryIn, session: SessionDep, principal: CurrentUser) -> CategoryOut:
    owner = await _owner(session, body.org_id)
    _require_admin_over(principal, owner)
    category = Category(**body.model_dump(exclude={"org_id"}), org_id=owner.id)
    try:
        async with session.begin_nested():
            session.add(category)
    except IntegrityError as exc:
        raise Conflict(f"category code {body.code!r} exists") from exc
    return _out(category, principal, owner.path)


@router.patch("/{category_id}", response_model=CategoryOut)
async def edit_category(
    category_id: IdPath, body: CategoryPatch, session: SessionDep, principal: CurrentUser
) -> CategoryOut:
    category = await session.get(Category, category_id)
    if category is None:
        raise NotFound.of("category", category_id)
    owner = await session.get(Org, category.org_id)
    assert owner is not None  # a foreign key
    _require_admin_over(principal, owner)
    for name, value in body.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(category, name, value)
    await session.flush()
    return _out(category, principal, owner.path)


async def _owner(session: AsyncSession, org_id: int | None) -> Org:
    """The org that will own a new entry; none named: the district (the tree's root), as before layering."""
    query = select(Org).where(Org.id == org_id) if org_id is not None else select(Org).where(Org.parent_id.is_(None))
    owner = await session.scalar(query.order_by(Org.id).limit(1))
    if owner is None or owner.level not in OWNER_LEVELS:
        raise ValidationFailed(["body", "org_id"], "the owner is the district, a street or a community")
    return owner


def _out(category: Category, principal: Principal, owner_path: str) -> CategoryOut:
    out = CategoryOut.model_validate(category)
    out.can_edit = principal.can(Permission.manage_catalog, owner_path)
    return out


def _require_admin_over(principal: Principal, owner: Org) -> None:
    # The catalog is public to signed-in users, so an entry one may not edit is 403, not 404.
    if not principal.can(Permission.manage_catalog, owner.path):
        raise Forbidden(f"only admins over {owner.name} edit its catalog entries")
