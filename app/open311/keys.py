"""Partner keys: issued by an admin for one community, shown once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import CurrentUser
from app.auth.models import User
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.db import SessionDep, utcnow
from app.errors import PROBLEM_RESPONSES, Forbidden, NotFound, ValidationFailed
from app.ids import Id, IdPath
from app.open311.models import PartnerKey
from app.orgs.models import Level, Org

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


@router.delete("/keys/{key_id}", status_code=204)
async def revoke_key(key_id: IdPath, session: SessionDep, principal: CurrentUser) -> Response:
    key = await session.get(PartnerKey, key_id)
    org = await session.get(Org, key.org_id) if key is not None else None
    if key is None or org is None or not principal.can(Permission.manage_tree, org.path):
        raise NotFound.of("open311 key", key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return Response(status_code=204)
