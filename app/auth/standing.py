"""The callers' standing (user row, staff grants, memberships) cached in the process, so that most requests skip
the statement that loads it.

Correctness comes from PostgreSQL, not from the time-to-live: triggers (migration 0014) NOTIFY channel `standing`
with the user's id when their row, roles or memberships change ('' when an org changes: everyone), at commit; every
process's LISTEN hub (app/pubsub.py) hears it and drops the entry, so a revoked secretary is refused everywhere
within the time a NOTIFY takes to arrive (milliseconds). The entry's time-to-live (STANDING_CACHE_SECONDS) is a
backstop only. While the hub is not connected the cache is not used at all, and on reconnection (MISSED) it is
emptied: a change announced meanwhile may have been missed.

A load that raced a change is not stored: every message bumps a generation, and an entry read before the message
(its generation older) could hold the standing as it was before that change.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from app.auth.models import User
from app.auth.principal import Membership, Principal, StaffGrant, load_principal_by_id
from app.db import STANDING_CHANGED
from app.pubsub import MISSED, Hub

CHANNEL = "standing"
# Beyond this many callers in one process the cache starts afresh (a district has a few thousand staff and
# members; residents come and go): a bound on memory without an LRU's bookkeeping on every hit.
MAX_ENTRIES = 50_000
_USER_COLUMNS = tuple(attr.key for attr in inspect(User).column_attrs)
# The tables migration 0014's triggers watch, as the statements that change them begin.
_TABLES = ("users", "role_assignments", "members", "orgs")
_CHANGES = re.compile(r"\b(?:INSERT INTO|UPDATE|DELETE FROM) (?:users|role_assignments|members|orgs)\b")


@dataclass(frozen=True)
class Standing:
    user: dict[str, Any]
    grants: tuple[StaffGrant, ...]
    memberships: tuple[Membership, ...]
    expires: float

    def principal(self, session: AsyncSession) -> Principal:
        """A Principal whose user is the session's (persistent, as if just loaded): a service may change it."""
        user = User(**self.user)
        make_transient_to_detached(user)
        session.add(user)
        return Principal(user=user, grants=list(self.grants), memberships=list(self.memberships))


class StandingCache:
    def __init__(self, hub: Hub | None, ttl_seconds: float) -> None:
        self._hub = hub
        self._ttl = ttl_seconds
        self._entries: dict[int, Standing] = {}
        self._generation = 0

    @classmethod
    async def listening(cls, hub: Hub, ttl_seconds: float) -> StandingCache:
        cache = cls(hub, ttl_seconds)
        if ttl_seconds > 0:
            await hub.subscribe(CHANNEL, cache.heard)
        return cache

    def watch(self, engine: AsyncEngine) -> None:
        """Mark the connections of `engine` whose statements change a standing (the request then calls
        `changed_here` after its commit: app/db.py's get_session)."""
        event.listen(engine.sync_engine, "before_cursor_execute", _mark_changes)

    def changed_here(self) -> None:
        """This process committed a change of someone's standing: start afresh (NOTIFY tells the others)."""
        self.heard("")

    def heard(self, payload: str | None) -> None:
        self._generation += 1
        if payload is MISSED or not payload:
            self._entries.clear()
        else:
            self._entries.pop(int(payload), None)

    async def load(self, session: AsyncSession, user_id: int) -> Principal | None:
        """The caller's Principal: from the cache when it holds a live entry, else from the database."""
        if not self._usable():
            return await load_principal_by_id(session, user_id)
        entry = self._entries.get(user_id)
        now = time.monotonic()
        if entry is not None and entry.expires > now:
            return entry.principal(session)
        generation = self._generation
        principal = await load_principal_by_id(session, user_id)
        if principal is not None and generation == self._generation:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[user_id] = _standing_of(principal, now + self._ttl)
        return principal

    def _usable(self) -> bool:
        return self._ttl > 0 and self._hub is not None and self._hub.connected.is_set()


def _standing_of(principal: Principal, expires: float) -> Standing:
    user = {key: getattr(principal.user, key) for key in _USER_COLUMNS}
    return Standing(user, tuple(principal.grants), tuple(principal.memberships), expires)


def _mark_changes(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    # Run before every statement. A statement that begins with SELECT changes nothing (a data-modifying CTE begins
    # with WITH), and most of them join `users`: they are not searched.
    if statement.startswith("SELECT"):
        return
    if any(table in statement for table in _TABLES) and _CHANGES.search(statement):
        conn.info[STANDING_CHANGED] = True
