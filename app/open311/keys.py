"""Partner keys: issued by an admin for one community, shown once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import CurrentUser
from app.auth.models import User
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES, Forbidden, NotFound, ValidationFailed
from app.ids import Id, IdPath, IdQuery
from app.open311.models import PartnerKey
from app.orgs.models import Level, Org
from app.orgs.queries import subtree

KEY_PREFIX = "xy311_"

router = APIRouter(prefix="/api/v1/open311", tags=["open311"], responses=PROBLEM_RESPONSES)


class KeyIn(BaseModel):
    org_id: Id = Field(description="the community whose wishes the partner's requests become")
    name: str = Field(min_length=1, max_length=60, description="the partner system, e.g. 榆阳区12345热线")


class KeyOut(BaseModel):
    id: int
    api_key: str = Field(description="shown this once; only its hash is kept")
    key_prefix: str
    name: str
    org_id: int
    created_at: datetime


class KeyListed(BaseModel):
    """A key as the list shows it: never the key itself (only its hash is kept), only its first characters."""

    id: int
    key_prefix: str
    name: str
    org_id: int
    org_name: str
    created_at: datetime
    revoked_at: datetime | None


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


async def issue_key(session: AsyncSession, principal: Principal, body: KeyIn) -> tuple[PartnerKey, str]:
    org = await session.get(Org, body.org_id)
    if org is None:
        raise ValidationFailed(["body", "org_id"], f"org {body.org_id} does not exist")
    if not principal.can(Permission.manage_tree, org.path):
        raise Forbidden("only an admin over this community issues its partner keys")
    if org.level != Level.community:
        raise ValidationFailed(["body", "org_id"], "a partner key belongs to a community")
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    # The partner's own user row is the `resident` of its wishes: they show who ordered them, and whose they are.
    partner = User(openid=f"open311:{secrets.token_hex(12)}", nickname=body.name[:40])
    session.add(partner)
    await session.flush()
    key = PartnerKey(
        name=body.name,
        org_id=org.id,
        user_id=partner.id,
        key_hash=hash_key(api_key),
        key_prefix=api_key[: len(KEY_PREFIX) + 6],
        created_by=principal.id,
    )
    session.add(key)
    await session.flush()
    return key, api_key


async def authenticate(session: AsyncSession, api_key: str | None) -> PartnerKey | None:
    if not api_key:
        return None
    key = await session.scalar(select(PartnerKey).where(PartnerKey.key_hash == hash_key(api_key)))
    return key if key is not None and key.revoked_at is None else None


@router.post("/keys", response_model=KeyOut, status_code=201)
async def create_key(body: KeyIn, session: SessionDep, principal: CurrentUser) -> KeyOut:
    key, api_key = await issue_key(session, principal, body)
    return KeyOut(
        id=key.id,
        api_key=api_key,
        key_prefix=key.key_prefix,
        name=key.name,
        org_id=key.org_id,
        created_at=key.created_at,
    )


@router.get("/keys", response_model=list[KeyListed])
async def list_keys(session: SessionDep, principal: CurrentUser, org_id: IdQuery | None = None) -> list[KeyListed]:
    """The partner keys of the communities the caller is an admin over (or of `org_id` and below), newest first,
    revoked ones too. A caller who is an admin nowhere, or not over `org_id`, gets 403."""
    paths = principal.grant_paths(Permission.manage_tree)
    if org_id is not None:
        org = await session.get(Org, org_id)
        if org is None:
            raise ValidationFailed(["query", "org_id"], f"org {org_id} does not exist")
        if not principal.can(Permission.manage_tree, org.path):
            raise Forbidden("only an admin over this org sees its partner keys")
        paths = [org.path]
    if not paths:
        raise Forbidden("only admins see partner keys")
    rows = await session.execute(
        select(PartnerKey, Org.name)
        .join(Org, Org.id == PartnerKey.org_id)
        .where(or_(*(subtree(path) for path in paths)))
        .order_by(PartnerKey.id.desc())
    )
    return [
        KeyListed(
            id=key.id,
            key_prefix=key.key_prefix,
            name=key.name,
            org_id=key.org_id,
            org_name=org_name,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )
        for key, org_name in rows
    ]


@router.delete("/keys/{key_id}", status_code=204)
async def revoke_key(key_id: IdPath, session: SessionDep, principal: CurrentUser) -> Response:
    key = await session.get(PartnerKey, key_id)
    org = await session.get(Org, key.org_id) if key is not None else None
    if key is None or org is None or not principal.can(Permission.manage_tree, org.path):
        raise NotFound.of("open311 key", key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return Response(status_code=204)
