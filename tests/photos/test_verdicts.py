"""A verdict and its trace_id meet whichever comes first: WeChat may push the verdict before the worker has written
the trace_id it got back onto the photo."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.photos.models import Photo
from app.photos.verdicts import record_trace, take_push
from tests.helpers import Api
from tests.photos.test_wish_photos import uploads


def _push(trace_id: str, suggest: str, errcode: int = 0) -> dict[str, object]:
    return {"MsgType": "event", "Event": "wxa_media_check", "trace_id": trace_id, "errcode": errcode,
            "result": {"suggest": suggest, "label": 100}}  # fmt: skip


async def _status(session: AsyncSession, photo_id: int) -> str | None:
    return await session.scalar(
        select(Photo.status).where(Photo.id == photo_id).execution_options(populate_existing=True)
    )


@pytest.mark.parametrize("push_first", [True, False])
async def test_the_verdict_settles_the_photo_in_either_order(
    api: Api, app: FastAPI, session: AsyncSession, push_first: bool
) -> None:
    (photo_id,) = await uploads(api, 1)
    steps = [
        lambda s: take_push(s, _push("trace-a", "pass")),
        lambda s: record_trace(s, photo_id, "trace-a"),
    ]
    for step in steps if push_first else reversed(steps):
        async with app.state.sessionmaker() as s, s.begin():
            await step(s)
    assert await _status(session, photo_id) == "passed"


async def test_concurrent_push_and_record_never_miss_each_other(api: Api, app: FastAPI, session: AsyncSession) -> None:
    ids = await uploads(api, 8)

    async def run(step: object) -> None:
        async with app.state.sessionmaker() as s, s.begin():
            await step(s)  # type: ignore[operator]

    await asyncio.gather(
        *(run(lambda s, i=i: take_push(s, _push(f"t-{i}", "review"))) for i in ids),
        *(run(lambda s, i=i: record_trace(s, i, f"t-{i}")) for i in ids),
    )
    assert [await _status(session, i) for i in ids] == ["review"] * len(ids)


async def test_a_push_without_a_verdict_leaves_the_photo_waiting(api: Api, app: FastAPI, session: AsyncSession) -> None:
    (photo_id,) = await uploads(api, 1)
    async with app.state.sessionmaker() as s, s.begin():
        await record_trace(s, photo_id, "trace-b")
        await take_push(s, _push("trace-b", "risky", errcode=47001))  # WeChat could not download it
        await take_push(s, {"Event": "wxa_media_check", "result": "nonsense"})
    assert await _status(session, photo_id) == "pending"
