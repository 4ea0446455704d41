"""The service card (双报到反馈) through HTTP: a PDF that lists the quarter's wishes completed, activities attended
and hours from the ledger, for the member or the staff over their community only."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.models import Activity
from app.config import Settings
from app.members.card_pdf import render_card
from app.members.models import Member, ServiceRecord
from app.members.service_card import CardLine, Quarter, ServiceCard
from tests.activities.conftest import BASE, M2, OTHER_M, OTHER_S, Acts, M, R, S, now
from tests.helpers import Api, assert_problem
from tests.members.pdf_text import own_reading, pdf_text

TZ = ZoneInfo("Asia/Shanghai")


def this_quarter() -> tuple[int, int]:
    local = now().astimezone(TZ)
    return local.year, (local.month + 2) // 3


def before(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def after(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)


async def card(api: Api, who: str | None, user_id: int, **params: Any) -> httpx.Response:
    year, quarter = this_quarter()
    query = {"year": year, "quarter": quarter, **params}
    return await api.get(who, f"/api/v1/members/{user_id}/service-card", params=query)


def text_of(resp: httpx.Response) -> str:
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/pdf"
    assert "attachment" in resp.headers["content-disposition"]
    return "".join(pdf_text(resp.content).split())  # the layout's spaces and line breaks aside


async def _done_wish(api: Api, minutes: int) -> dict[str, Any]:
    wish = await api.order(R)
    assert (await api.act(S, wish["id"], "dispatch", {"assignee_id": await api.uid(M)})).status_code == 200
    assert (await api.act(M, wish["id"], "accept")).status_code == 200
    done = await api.act(M, wish["id"], "complete", {"service_minutes": minutes})
    assert done.status_code == 200, done.text
    return wish


async def _attended(api: Api, acts: Acts, title: str, minutes: int) -> dict[str, Any]:
    activity = await acts.checked_in(M, title=title)
    out = await acts.do(M, activity["id"], "check-out", {"code": acts.code(activity["id"])})
    assert out.status_code == 200, out.text
    # Checked in and out at once: the organiser credits the hour they were really there, as a correction.
    path = f"{BASE}/{activity['id']}/signups/{out.json()['id']}/hours-corrections"
    corrected = await api.post(S, path, {"minutes": minutes - out.json()["minutes"], "reason": "现场登记"})
    assert corrected.status_code == 200, corrected.text
    return activity


async def test_the_card_lists_the_quarters_work_and_adds_up(
    api: Api, settings: Settings, session: AsyncSession
) -> None:
    acts = Acts(api, settings)
    member = await api.uid(M)
    kept = await _done_wish(api, 30)
    reopened = await _done_wish(api, 45)  # reopened by the resident and not done again: not on the card
    assert (await api.act(R, reopened["id"], "reopen", {"reason": "没修好"})).status_code == 200
    clean = await _attended(api, acts, "社区环境清洁", 60)
    await acts.signed_up(M, title="只报名未到场")  # signed up, never there: not on the card
    other = await acts.checked_in(M2, title="别人的活动")
    assert (await acts.do(M2, other["id"], "check-out", {"code": acts.code(other["id"])})).status_code == 200

    text = text_of(await card(api, M, member))
    assert "在职党员进社区服务记录卡" in text and "金阳社区" in text and "驼峰路街道" in text
    assert "1件" in text and "1次" in text and "1小时30分钟" in text  # 30 minutes of the wish + the hour on site
    assert "微心愿代购" in text and "30分钟" in text and "社区环境清洁" in text
    assert "只报名未到场" not in text and "别人的活动" not in text
    assert kept["title"] not in text  # the resident's words stay in the community: the service, not the title
    assert "核验码" in text and "出具日期" in text

    # The same facts give the same verification code; the staff's copy is the member's.
    staff_text = text_of(await card(api, S, member))
    code = re.search(r"核验码[:\uff1a]([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", text)
    assert code is not None and code.group(1) in staff_text

    # Move the activity and the wish's completion into the last quarter: this card empties, that one lists them.
    q = Quarter.of(*this_quarter(), TZ)
    moved = q.since - timedelta(days=10)
    await session.execute(
        update(Activity).where(Activity.id == clean["id"]).values(starts_at=moved, signup_deadline=moved)
    )
    await session.execute(update(ServiceRecord).where(ServiceRecord.wish_id == kept["id"]).values(at=moved))
    await session.commit()
    empty = text_of(await card(api, M, member))
    assert "0件" in empty and "0次" in empty and "本季度无记录" in empty and "社区环境清洁" not in empty
    year, quarter = before(*this_quarter())
    last = text_of(await card(api, M, member, year=year, quarter=quarter))
    assert "1件" in last and "1次" in last and "社区环境清洁" in last and "微心愿代购" in last
    local = moved.astimezone(TZ)
    assert f"{local.year}年{local.month}月{local.day}日" in last


async def test_only_the_member_and_the_staff_over_their_community_have_it(api: Api, session: AsyncSession) -> None:
    member = await api.uid(M)
    for who in (M, S, "demo-admin"):
        assert (await card(api, who, member)).status_code == 200, who
    # One who has left the community keeps the cards of the quarters served there.
    await session.execute(update(Member).where(Member.user_id == member).values(active=False))
    await session.commit()
    assert "金阳社区" in text_of(await card(api, M, member))
    for who in (M2, R):  # the community's other people: they know the member, not their card
        assert_problem(await card(api, who, member), 403, "forbidden")
    for who in (OTHER_M, OTHER_S):  # no standing in that community
        assert_problem(await card(api, who, member), 404, "not_found")
    assert_problem(await card(api, S, await api.uid(R)), 404, "not_found")  # a resident, no member
    assert_problem(await card(api, S, 999_999), 404, "not_found")
    assert_problem(await card(api, S, member, community_id=await api.org_id("万佛楼社区")), 404, "not_found")
    assert (await card(api, None, member)).status_code == 401


async def test_a_quarter_not_begun_or_malformed_is_refused(api: Api) -> None:
    member = await api.uid(M)
    year, quarter = this_quarter()
    next_year, next_quarter = after(year, quarter)
    bad: list[dict[str, Any]] = [
        {"year": next_year, "quarter": next_quarter},
        {"year": year + 1, "quarter": quarter},
        {"year": 9999, "quarter": 4},
        {"quarter": 5},
        {"quarter": 0},
        {"year": 2019},
        {"year": "二〇二六"},
        {"quarter": "Q1"},
        {"year": 10_000},
    ]
    for params in bad:
        assert_problem(await card(api, M, member, **params), 422, "validation_error")
    missing = await api.get(M, f"/api/v1/members/{member}/service-card", params={"year": year})
    assert_problem(missing, 422, "validation_error")


def test_the_fallback_reader_reads_what_reportlab_writes() -> None:
    """Where neither pypdf nor pdftotext is installed, the tests read the card with their own reader: it works."""
    lines = [
        CardLine(date(2026, 10, 1) + timedelta(days=2 * i), f"第{i}场活动", 30 * i) for i in range(1, 40)
    ]  # more than a page
    made = ServiceCard(
        user_id=1,
        name="王志强",
        workplace="市税务局",
        party_org="机关第一党支部",
        community="金阳社区",
        street="驼峰路街道",
        year=2026,
        quarter=4,
        first_day=date(2026, 10, 1),
        last_day=date(2026, 12, 31),
        wishes=[],
        activities=lines,
        issued_on=date(2026, 12, 7),
        code="0000-1111-2222",
    )
    text = "".join(own_reading(render_card(made)).split())
    assert "王志强" in text and "第39场活动" in text and "第2页" in text and "0000-1111-2222" in text
    assert f"{sum(x.minutes for x in lines) // 60}小时" in text
