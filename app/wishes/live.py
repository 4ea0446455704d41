"""Live updates of wishes: every creation and status change is announced on the PostgreSQL channel `wish_changed`
(NOTIFY, sent when the request's transaction commits, and not at all if it rolls back), so that every API process
hears it, whichever process made the change. The console's event stream (app/console/live.py) listens to it.

The payload carries what decides who may see the wish (access.Seen), so a listener filters without a query; the
browser gets only `id`, `community_id` and `status` of the wishes its caller may see.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from app.wishes.machine import Status
from app.wishes.models import Wish
from app.wishes.queries import WishView

CHANNEL = "wish_changed"


@dataclass(frozen=True, slots=True)
class WishChange:
    id: int
    status: Status
    community_id: int
    community_path: str
    resident_id: int
    assignee_id: int | None
    pool: bool
    pool_grid_id: int | None

    def public(self) -> dict[str, Any]:
        """What the browser is told: which wish, where, and its status now (it reads the rest through the API)."""
        return {"id": self.id, "community_id": self.community_id, "status": self.status}


def payload(wish: Wish | WishView, status: Status, values: dict[str, Any] | None = None) -> str:
    """The announcement of a change, `wish` as it is after it (its row with `status` and the `values` written
    over it), for the statement that writes the change to send itself (`pg_notify(CHANNEL, payload)`: a new
    wish's in app/wishes/ordering.py, a transition's in service.py's `_move`)."""
    changed = values or {}
    change = WishChange(
        id=wish.id,
        status=status,
        community_id=wish.community_id,
        community_path=wish.community_path,
        resident_id=wish.resident_id,
        assignee_id=changed.get("assignee_id", wish.assignee_id),
        pool=changed.get("pool", wish.pool),
        pool_grid_id=changed.get("pool_grid_id", wish.pool_grid_id),
    )
    return json.dumps(asdict(change), separators=(",", ":"))


def parse(payload: str) -> WishChange | None:
    """The change in a payload; None for anything else on the channel (never trusted to be well-formed)."""
    try:
        fields = json.loads(payload)
        return WishChange(**{**fields, "status": Status(fields["status"])})
    except (ValueError, TypeError, KeyError):
        return None
