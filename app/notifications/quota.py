"""Subscribe-message quota: how many messages of each template a user allowed and we have not used.

WeChat grants one send per consent (a tap on "allow" in wx.requestSubscribeMessage); consents add up, and no API
tells the count, so we keep it. Concurrent relays and requests never take the same consent twice or lose one:
each change is one conditional statement, or (`take_many`) a read of rows locked until the transaction ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import DateTime, Integer, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import utcnow
from app.notifications.models import SubscriptionQuota

Q = SubscriptionQuota
# take_many's two statements, built once, with arrays for parameters (one statement text for any batch).
_LEFT = (
    select(Q.id, Q.user_id, Q.template_id, Q.remaining)
    .where(Q.user_id == any_(bindparam("users", type_=ARRAY(Integer))), Q.remaining > 0)
    .order_by(Q.id)
    .with_for_update()
)
_TAKEN = (
    func.unnest(bindparam("ids", type_=ARRAY(Integer)), bindparam("remaining", type_=ARRAY(Integer)))
    .table_valued("id", "remaining")
    .render_derived(name="taken")
)
_TAKE = (
    update(Q)
    .where(Q.id == _TAKEN.c.id)
    .values(remaining=_TAKEN.c.remaining, updated_at=bindparam("now", type_=DateTime(timezone=True)))
    .execution_options(synchronize_session=False)
)


async def add_consents(session: AsyncSession, user_id: int, template_ids: Iterable[str]) -> None:
    """One more send for each template id given (a template twice in the list: two consents)."""
    now = utcnow()
    for template_id in template_ids:
        stmt = insert(Q).values(user_id=user_id, template_id=template_id, remaining=1, updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Q.user_id, Q.template_id], set_={"remaining": Q.remaining + 1, "updated_at": now}
        )
        await session.execute(stmt)


async def take_many(session: AsyncSession, wanted: Sequence[tuple[int, str]]) -> list[bool]:
    """Use one consent for each (user id, template id) wanted, in order: True where one was left and is now used.

    Two statements for any number of messages. The rows read stay locked until the transaction ends (FOR UPDATE,
    taken in id order so two relays never deadlock), so what is written back is what was there less what was taken.
    """
    if not wanted:
        return []
    rows = await session.execute(_LEFT, {"users": sorted({user_id for user_id, _ in wanted})})
    left = {(r.user_id, r.template_id): (r.id, r.remaining) for r in rows}
    taken: Counter[tuple[int, str]] = Counter()
    granted = []
    for key in wanted:
        ok = key in left and taken[key] < left[key][1]
        if ok:
            taken[key] += 1
        granted.append(ok)
    if taken:
        ids, remaining = [left[k][0] for k in taken], [left[k][1] - n for k, n in taken.items()]
        await session.execute(_TAKE, {"ids": ids, "remaining": remaining, "now": utcnow()})
    return granted


async def zero(session: AsyncSession, user_id: int, template_id: str) -> None:
    """WeChat says none is left (43101) or the user turned the template off: believe it."""
    await session.execute(
        update(Q).where(Q.user_id == user_id, Q.template_id == template_id).values(remaining=0, updated_at=utcnow())
    )


async def quota_by_key(session: AsyncSession, user_id: int, settings: Settings) -> dict[str, int]:
    """The user's consents left, by our template key (0 for a template never allowed)."""
    ids = {t.id: key for key, t in settings.wechat_templates.items()}
    rows = await session.execute(select(Q.template_id, Q.remaining).where(Q.user_id == user_id))
    left = dict.fromkeys(settings.wechat_templates, 0)
    for template_id, remaining in rows:
        if template_id in ids:
            left[ids[template_id]] = remaining
    return left
