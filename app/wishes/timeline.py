"""The wish's timeline: every `WishEvent` row is built here, whoever writes it (the order, the transitions, the
督办 sweeper in app/supervision), so each says who acted, as what, in the same words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.auth.principal import Principal
from app.wishes.machine import WHO_MAY, Action, Party, Status
from app.wishes.models import Wish, WishEvent


@dataclass(frozen=True)
class Actor:
    id: int | None
    role: str  # resident | member | secretary | admin | system


SYSTEM = Actor(None, "system")  # the sweeper: no person acted


def actor_of(principal: Principal, parties: frozenset[Party], action: Action) -> Actor:
    """The caller, labelled by the standing the table let them take `action` with."""
    used = parties & WHO_MAY[action]
    if Party.manager in used:
        return Actor(principal.id, principal.staff_role)
    if used & {Party.assignee, Party.candidate}:
        return Actor(principal.id, "member")
    return Actor(principal.id, "resident")  # resident, code_scanner


def event(
    wish: Wish,
    action: str,
    from_: Status | None,
    to: Status,
    actor: Actor,
    at: datetime,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> WishEvent:
    return WishEvent(
        wish_id=wish.id,
        action=action,
        from_status=from_,
        to_status=to,
        actor_id=actor.id,
        actor_role=actor.role,
        note=note,
        data=data,
        at=at,
    )
