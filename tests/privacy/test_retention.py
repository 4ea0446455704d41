"""Retention: address and phone of wishes closed more than RETENTION_DAYS ago are erased; nothing else is."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli import main
from app.config import Settings, get_settings
from app.db import utcnow
from app.privacy.retention import anonymise_closed
from app.wishes.models import Wish, WishEvent
from tests.helpers import Api
from tests.wishes.conftest import Flow, R, S


async def _wish(session: AsyncSession, wish_id: int) -> Wish:
    query = select(Wish).where(Wish.id == wish_id).execution_options(populate_existing=True)
    return (await session.scalars(query)).one()


async def _age(session: AsyncSession, wish_id: int, days: int) -> None:
    await session.execute(update(Wish).where(Wish.id == wish_id).values(updated_at=utcnow() - timedelta(days=days)))
    await session.commit()


async def _closed_and_open(api: Api, session: AsyncSession) -> dict[str, int]:
    flow = Flow(api)
    ids = {
        "done_old": (await flow.done())["id"],
        "rejected_old": (await flow.ordered())["id"],
        "cancelled_old": (await flow.ordered())["id"],
        "done_recent": (await flow.done())["id"],
        "open_old": (await flow.dispatched())["id"],
    }
    assert (await api.act(S, ids["rejected_old"], "reject", {"reason": "不在服务范围"})).status_code == 200
    assert (await api.act(R, ids["cancelled_old"], "cancel")).status_code == 200
    for name, days in [("done_old", 181), ("rejected_old", 200), ("cancelled_old", 365), ("done_recent", 179)]:
        await _age(session, ids[name], days)
    await _age(session, ids["open_old"], 400)
    return ids


async def test_only_old_closed_wishes_lose_their_contact(api: Api, session: AsyncSession) -> None:
    ids = await _closed_and_open(api, session)
    events_before = len(list(await session.scalars(select(WishEvent))))
    assert await anonymise_closed(session, utcnow(), 180) == 3
    await session.commit()
    for name, wish_id in ids.items():
        wish = await _wish(session, wish_id)
        erased = name.endswith("_old") and name != "open_old"
        assert (wish.address is None, wish.contact_phone is None) == (erased, erased), name
        assert wish.title == "帮忙买米"  # what was asked stays, for the figures
    assert len(list(await session.scalars(select(WishEvent)))) == events_before
    assert await anonymise_closed(session, utcnow(), 180) == 0  # a second run finds nothing left
    # The resident still sees the wish, without the erased contact.
    mine = (await api.get(R, f"/api/v1/wishes/{ids['done_old']}")).json()
    assert mine["address"] is None and mine["contact_phone"] is None and mine["status"] == "done"


async def test_the_cli_runs_it_with_retention_days(
    api: Api, session: AsyncSession, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await _closed_and_open(api, session)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("RETENTION_DAYS", "190")
    get_settings.cache_clear()
    try:
        # In a thread: the command runs its own event loop, as it does from cron.
        result = await asyncio.to_thread(CliRunner().invoke, main, ["retention"])
        refused = await asyncio.to_thread(CliRunner().invoke, main, ["retention", "--days", "3"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "2 wishes" in result.output  # 200 and 365 days; 181 is within 190
    assert (await _wish(session, ids["done_old"])).address is not None
    assert (await _wish(session, ids["rejected_old"])).address is None
    assert refused.exit_code != 0 and "REOPEN_DAYS" in refused.output
