"""Recording: the relay's second transaction, which writes down what WeChat answered to the messages it was sent.

All the answers that came in together go in one transaction: the sent rows in one statement, the others (few) one by
one, as the retry policy (app/notifications/retry.py) decides. Each row's `claimed_until` is cleared.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, bindparam, func, literal_column, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import utcnow
from app.notifications import quota
from app.notifications.claim import Claim
from app.notifications.models import Notification, WeChatFlag, WeChatStatus
from app.notifications.retry import Verdict, decide
from app.wechat.errors import BadArgument, BadOpenid, WeChatError, WeChatUnreachable

log = logging.getLogger(__name__)
N = Notification
# (status, WeChat's errcode) of one recorded answer, for the delivery counter.
Outcome = tuple[str, int | None]
# The sent rows in one UPDATE from arrays (PostgreSQL `unnest`), one parameter per column: as an ORM bulk UPDATE (an
# executemany of a parameter set per row) the relay's recording cost a fifth of its CPU per message.
_ANSWERS = (
    func.unnest(
        bindparam("ids", type_=ARRAY(Integer)),
        bindparam("ats", type_=ARRAY(DateTime(timezone=True))),
        bindparam("msgids", type_=ARRAY(String)),
    )
    .table_valued("id", "at", "msgid")
    .render_derived(name="answer")
)
_SENT = (
    update(N)
    .where(N.id == _ANSWERS.c.id)
    .values(
        wechat_status=literal_column(f"'{WeChatStatus.sent}'", String),
        sent_at=_ANSWERS.c.at,
        wechat_msgid=_ANSWERS.c.msgid,
        claimed_until=None,
    )
    .execution_options(synchronize_session=False)
)


@dataclass(frozen=True)
class Answer:
    """WeChat's answer to one claimed message, and when it came: its msgid, or the error."""

    claim: Claim
    at: datetime
    msgid: str | None = None
    error: WeChatError | WeChatUnreachable | None = None


async def record_answers(session: AsyncSession, answers: list[Answer], settings: Settings) -> list[Outcome]:
    """Write the answers down; returns each one's outcome, to be counted once the transaction commits."""
    sent = [a for a in answers if a.error is None]
    outcomes: list[Outcome] = [(WeChatStatus.sent, None)] * len(sent)
    if sent:
        arrays = {"ids": [a.claim.id for a in sent], "ats": [a.at for a in sent], "msgids": [a.msgid for a in sent]}
        await session.execute(_SENT, arrays)
    for answer in answers:
        if answer.error is not None:
            outcomes.append(await _record_failure(session, answer.claim, answer.error, answer.at, settings))
    return outcomes


async def _record_failure(
    session: AsyncSession, claim: Claim, exc: WeChatError | WeChatUnreachable, at: datetime, settings: Settings
) -> Outcome:
    """Record a refused or failed send as the retry policy decides."""
    errcode = exc.errcode if isinstance(exc, WeChatError) else None
    error = {"wechat_errcode": errcode, "wechat_error": str(exc)[:200]}
    decision = decide(exc, claim.attempts, at, settings)
    if decision.verdict is Verdict.no_quota:
        # Our count was wrong (a consent used elsewhere, or withdrawn): WeChat's answer wins.
        await quota.zero(session, claim.user_id, claim.template_id)
        await _update(session, claim.id, wechat_status=WeChatStatus.no_quota, **error)
    elif decision.verdict is Verdict.retry:
        await _update(session, claim.id, next_attempt_at=decision.retry_at, **error)
    else:
        await _give_up(session, claim, exc)
        await _update(session, claim.id, wechat_status=WeChatStatus.failed, quota_reserved=False, **error)
    return decision.verdict, errcode


async def _give_up(session: AsyncSession, claim: Claim, exc: WeChatError | WeChatUnreachable) -> None:
    # Nothing reached the user, so the consent is still theirs (if a timeout did deliver, the next send's
    # 43101 corrects the count).
    await quota.add_consents(session, claim.user_id, [claim.template_id])
    if isinstance(exc, BadOpenid):
        flag = {"user_id": claim.user_id, "errcode": exc.errcode, "detail": exc.errmsg[:200], "flagged_at": utcnow()}
        await session.execute(insert(WeChatFlag).values(**flag).on_conflict_do_nothing())
    if isinstance(exc, BadArgument):
        log.error("notification %s: WeChat refused our data (47003), a bug in keyword fitting: %s", claim.id, exc)
    else:
        log.warning("notification %s: not sent: %s", claim.id, exc)


async def _update(session: AsyncSession, note_id: int, **values: Any) -> None:
    await session.execute(update(N).where(N.id == note_id).values(claimed_until=None, **values))
