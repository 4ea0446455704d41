"""Word search in the queues (`?q=`): Chinese words of one or two characters and more, all terms, the caller's scope
kept, bounded input, and the GIN index the search is built for (app/wishes/words.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.wishes.words import parse
from tests.helpers import Api, assert_problem
from tests.wishes.conftest import OTHER_R, OTHER_S, Flow, R, S


async def _ids(api: Api, who: str, **params: Any) -> list[int]:
    resp = await api.get(who, "/api/v1/wishes", params={"scope": "community", **params})
    assert resp.status_code == 200, resp.text
    return [w["id"] for w in resp.json()["items"]]


async def test_chinese_words_of_one_two_and_more_characters(api: Api, flow: Flow) -> None:
    tap = await flow.ordered(title="厨房水管漏水", content="水龙头一直滴水，请党员帮忙修一下")
    rice = await flow.ordered(title="帮忙买米", content="买一袋大米送到三楼")
    assert await _ids(api, S, q="水管") == [tap["id"]]
    assert await _ids(api, S, q="米") == [rice["id"]]
    assert await _ids(api, S, q="大米送到") == [rice["id"]]  # in the content
    assert await _ids(api, S, q="帮忙") == [rice["id"], tap["id"]]  # newest first, as the queue is
    assert await _ids(api, S, q="水米") == []  # both characters are there, never side by side


async def test_every_term_must_appear(api: Api, flow: Flow) -> None:
    tap = await flow.ordered(title="厨房水管漏水", content="请帮忙修一下")
    await flow.ordered(title="水管冻裂", content="楼道里的水管")
    assert await _ids(api, S, q="水管 厨房") == [tap["id"]]
    assert await _ids(api, S, q="  厨房   帮忙 ") == [tap["id"]]


async def test_ascii_letters_match_in_any_case_and_wildcards_are_plain(api: Api, flow: Flow) -> None:
    tv = await flow.ordered(title="TV遥控器坏了", content="海信TV，遥控器没反应")
    pct = await flow.ordered(title="打印50%的资料", content="a_b 文件")
    assert await _ids(api, S, q="tv") == [tv["id"]]
    assert await _ids(api, S, q="Tv 遥控") == [tv["id"]]
    assert await _ids(api, S, q="%") == [pct["id"]]  # a literal percent sign, not LIKE's wildcard
    assert await _ids(api, S, q="a_b") == [pct["id"]]
    assert await _ids(api, S, q="_") == [pct["id"]]


async def test_only_spaces_is_no_filter_and_other_filters_combine(api: Api, flow: Flow) -> None:
    tap = await flow.ordered(title="厨房水管漏水", content="请帮忙")
    sent = await flow.dispatched(title="卫生间水管", content="请帮忙")
    assert await _ids(api, S, q="   ") == [sent["id"], tap["id"]]
    assert await _ids(api, S, q="水管", status="ordered") == [tap["id"]]


async def test_search_keeps_the_callers_scope(api: Api, flow: Flow) -> None:
    mine = await flow.ordered(title="独居老人水管漏水", content="请帮忙")
    theirs = await api.order(OTHER_R, title="独居老人水管漏水", content="请帮忙")
    assert await _ids(api, S, q="独居老人") == [mine["id"]]
    assert await _ids(api, OTHER_S, q="独居老人") == [theirs["id"]]
    resp = await api.get(R, "/api/v1/wishes", params={"scope": "mine", "q": "独居"})
    assert [w["id"] for w in resp.json()["items"]] == [mine["id"]]
    assert_problem(await api.get(R, "/api/v1/wishes", params={"scope": "community", "q": "独居"}), 403, "forbidden")


async def test_pages_of_a_search(api: Api, flow: Flow) -> None:
    made = [await flow.ordered(title=f"修水管{i}", content="请帮忙") for i in range(3)]
    first = (await api.get(S, "/api/v1/wishes", params={"scope": "community", "q": "水管", "limit": 2})).json()
    assert [w["id"] for w in first["items"]] == [made[2]["id"], made[1]["id"]]
    params = {"scope": "community", "q": "水管", "limit": 2, "cursor": first["next_cursor"]}
    second = (await api.get(S, "/api/v1/wishes", params=params)).json()
    assert [w["id"] for w in second["items"]] == [made[0]["id"]] and second["next_cursor"] is None


async def test_bounded_input(api: Api) -> None:
    assert (await api.get(S, "/api/v1/wishes", params={"scope": "community", "q": "水" * 40})).status_code == 200
    assert_problem(
        await api.get(S, "/api/v1/wishes", params={"scope": "community", "q": "水" * 41}), 422, "validation_error"
    )
    assert_problem(
        await api.get(S, "/api/v1/wishes", params={"scope": "community", "q": "水\x01"}), 422, "validation_error"
    )


def test_terms_become_pairs_and_patterns() -> None:
    assert parse(None) is None and parse(" \u3000 ") is None
    words = parse("水管 Ab 米 水管")
    assert words is not None
    assert words.grams == sorted({"水管", "ab", "米"})
    assert words.patterns == ["%水管%", "%ab%", "%米%"]
    long = parse("独居老人")
    assert long is not None and long.grams == sorted({"独居", "居老", "老人"})


async def test_the_index_serves_the_search(api: Api, flow: Flow, session: AsyncSession) -> None:
    """The query's expression is the index's (a different spelling would leave the index unused)."""
    await flow.ordered(title="厨房水管漏水", content="请帮忙")
    await session.execute(text("SET enable_seqscan = off"))
    plan = await session.scalars(
        text("EXPLAIN SELECT id FROM wishes WHERE wish_words(wishes.title, wishes.content) @> ARRAY['水管']")
    )
    assert "ix_wishes_words" in "\n".join(plan)
    words = await session.scalar(text("SELECT wish_words('Ab水', '管')"))
    assert sorted(words) == sorted(["a", "b", "水", " ", "管", "ab", "b水", "水 ", " 管"])
