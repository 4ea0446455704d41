"""PostgreSQL's two ways to the median (the summary's ordered walk to the middle, the breakdown's filtered
percentiles over ordered input) give percentile_cont(0.5) to the bit, whether PostgreSQL sorts the wishes or walks
ix_wishes_response_minutes; and the index does serve them (its expression is the queries' expression)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.stats.figures import status_counts
from app.stats.medians import median_of, medians, summary_query
from app.stats.scope import Scope, response_minutes, scope_of
from app.stats.window import Window
from app.wishes.models import Wish
from tests.helpers import Api
from tests.stats.reference import SINCE, UNTIL, local_midnight, random_wishes, tree

WINDOW = Window(local_midnight(SINCE), local_midnight(UNTIL + timedelta(days=1)))


@pytest.fixture
async def scopes(api: Api, session: AsyncSession) -> list[Scope]:
    await api.login("demo-admin")
    await random_wishes(session, SINCE, UNTIL, utcnow(), n=600, seed=11)
    t = await tree(session)
    orgs = sorted(t.orgs.values(), key=lambda o: (o.path.count("/"), o.id))  # the district first, then down the tree
    return [await scope_of(session, org, WINDOW) for org in orgs]


async def _percentile(session: AsyncSession, scope: Scope, where: ColumnElement[bool] | None = None) -> Any:
    query = select(func.percentile_cont(0.5).within_group(response_minutes()))
    query = query.where(*scope.filters(), Wish.responded_at.is_not(None))
    return await session.scalar(query if where is None else query.where(where))


async def _explain(session: AsyncSession, query: Select[Any]) -> str:
    conn = await session.connection()
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    positional = tuple(params[name] for name in compiled.positiontup or [])
    return "\n".join(r[0] for r in await conn.exec_driver_sql(f"EXPLAIN {compiled}", positional))


@pytest.mark.parametrize("walk", [False, True], ids=["as planned", "index walk"])
async def test_the_summary_median_is_percentile_cont(session: AsyncSession, scopes: list[Scope], walk: bool) -> None:
    if walk:  # no sorting allowed: only ix_wishes_response_minutes can give the wishes in order
        await session.execute(text("SET LOCAL enable_sort = off"))
    parities = set()
    for scope in scopes:
        query = summary_query(scope, status_counts(scope, utcnow(), 24 * 60))
        rows = list(await session.execute(query))
        responded = sum(r.responded for r in rows)
        assert median_of(responded, rows[0].middle if rows else None) == await _percentile(session, scope)
        parities.add(responded % 2)
    assert parities == {0, 1}  # one middle value and two
    if walk:
        district = summary_query(scopes[0], status_counts(scopes[0], utcnow(), 24 * 60))
        assert "ix_wishes_response_minutes" in await _explain(session, district)


@pytest.mark.parametrize("walk", [False, True], ids=["as planned", "index walk"])
async def test_breakdown_medians_are_percentile_cont(session: AsyncSession, scopes: list[Scope], walk: bool) -> None:
    if walk:
        await session.execute(text("SET LOCAL enable_sort = off"))
    district = scopes[0]
    rows: dict[Any, ColumnElement[bool]] = {c: Wish.category_id == c for c in range(1, 11)}
    rows |= {"old": Wish.created_at < WINDOW.since + timedelta(days=20), "none": Wish.grid_id.is_(None)}
    found = await medians(session, district, rows)
    assert found == {key: await _percentile(session, district, where) for key, where in rows.items()}
    assert sum(v is not None for v in found.values()) >= 11


def test_an_even_count_takes_the_two_middle_values() -> None:
    assert median_of(0, None) is None
    assert median_of(3, [2.0, 7.5]) == 2.0
    assert median_of(4, [2.0, 7.5]) == 4.75
