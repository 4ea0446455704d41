from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.deps import CurrentUser
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.catalog.models import Category
from app.catalog.schemas import CategoryIn, CategoryOut, CategoryPatch
from app.db import SessionDep
from app.errors import PROBLEM_RESPONSES, Conflict, Forbidden, NotFound
from app.ids import IdPath

router = APIRouter(prefix="/api/v1/categories", tags=["catalog"], responses=PROBLEM_RESPONSES)


def _require_catalog_admin(principal: Principal) -> None:
    if not principal.can_anywhere(Permission.manage_catalog):
        raise Forbidden("only admins edit the catalog")


@router.get("", response_model=list[CategoryOut])
async def list_categories(session: SessionDep, _: CurrentUser, include_inactive: bool = False) -> list[CategoryOut]:
    query = select(Category).order_by(Category.id)
    if not include_inactive:
        query = query.where(Category.active.is_(True))
    return [CategoryOut.model_validate(c) for c in await session.scalars(query)]


@router.post("", response_model=CategoryOut, status_code=201)
async def create_category(body: CategoryIn, session: SessionDep, principal: CurrentUser) -> CategoryOut:
    _require_catalog_admin(principal)
    category = Category(**body.model_dump())
    try:
        async with session.begin_nested():
            session.add(category)
    except IntegrityError as exc:
        raise Conflict(f"category code {body.code!r} exists") from exc
    return CategoryOut.model_validate(category)


@router.patch("/{category_id}", response_model=CategoryOut)
async def edit_category(
    category_id: IdPath, body: CategoryPatch, session: SessionDep, principal: CurrentUser
) -> CategoryOut:
    category = await session.get(Category, category_id)
    if category is None:
        raise NotFound.of("category", category_id)
    _require_catalog_admin(principal)
    for name, value in body.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(category, name, value)
    await session.flush()
    return CategoryOut.model_validate(category)
