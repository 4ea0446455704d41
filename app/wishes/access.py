"""How a caller stands to a wish: their parties (the machine's `who`), what they see, and what is masked.

These read a `Standing`: the ORM `Wish` a transition changes and the `WishView` a read shows both are one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.wishes.machine import Facts, Party, Status


class Seen(Protocol):
    """What decides who stands to a wish at all (a live update's payload carries just this: app/wishes/live.py)."""

    @property
    def status(self) -> Status: ...
    @property
    def resident_id(self) -> int: ...
    @property
    def assignee_id(self) -> int | None: ...
    @property
    def community_id(self) -> int: ...
    @property
    def community_path(self) -> str: ...
    @property
    def pool(self) -> bool: ...
    @property
    def pool_grid_id(self) -> int | None: ...


class Standing(Seen, Protocol):
    @property
    def rating_score(self) -> int | None: ...
    @property
    def done_at(self) -> datetime | None: ...
    @property
    def due_at(self) -> datetime: ...


def parties_of(principal: Principal, wish: Seen) -> frozenset[Party]:
    parties: set[Party] = set()
    if wish.resident_id == principal.id:
        parties.add(Party.resident)
    if principal.can(Permission.manage_wishes, wish.community_path):
        parties.add(Party.manager)
    if wish.assignee_id == principal.id:
        parties.add(Party.assignee)
    elif open_to_pool(wish) and _in_pool(principal, wish):
        parties.add(Party.candidate)
    return frozenset(parties)


def open_to_pool(wish: Seen) -> bool:
    """A candidate's standing lasts while the pool wish waits for a taker: once someone takes it (or it is closed),
    the other candidates no longer read it, its notes or its rating."""
    return wish.pool and wish.assignee_id is None and wish.status == Status.dispatched


def lost_pool(principal: Principal, wish: Standing) -> bool:
    """A member of the pool who tries to accept after someone else took the wish: told `already_taken`, shown
    nothing (the pool notice already told them the wish existed)."""
    taken = wish.pool and wish.assignee_id is not None and wish.assignee_id != principal.id
    return taken and _in_pool(principal, wish)


def _in_pool(principal: Principal, wish: Seen) -> bool:
    membership = principal.membership(wish.community_id)
    if membership is None:
        return False
    return wish.pool_grid_id is None or membership.grid_id == wish.pool_grid_id


def facts_of(principal: Principal, wish: Standing, now: datetime, reopen_days: int) -> Facts:
    return Facts(
        rated=wish.rating_score is not None,
        done_at=wish.done_at,
        now=now,
        reopen_window=timedelta(days=reopen_days),
        taken_by_other=wish.pool and wish.assignee_id is not None and wish.assignee_id != principal.id,
    )


def sees_contact(parties: frozenset[Party], wish: Standing) -> bool:
    """Whole phone and address: the resident, the community's staff, and the assignee once accepted."""
    if parties & {Party.resident, Party.manager}:
        return True
    return Party.assignee in parties and wish.status in (Status.accepted, Status.done)
