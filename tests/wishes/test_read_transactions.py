"""The wish list and detail run without BEGIN/COMMIT on PostgreSQL (`AutocommitReads`); writes keep their
transaction. What each statement ran under is read off the connection as SQLAlchemy sent it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from app.privacy.models import ContactAccess
from tests.helpers import Api
from tests.wishes.conftest import R, S


@pytest.fixture
def isolation() -> Iterator[list[tuple[str, str]]]:
    """(isolation level, statement) of every statement the app sends, while the test runs."""
    seen: list[tuple[str, str]] = []

    def before(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append((conn.get_execution_options().get("isolation_level", "transaction"), statement))

    event.listen(Engine, "before_cursor_execute", before)
    yield seen
    event.remove(Engine, "before_cursor_execute", before)


async def test_list_and_detail_statements_each_commit_alone(
    api: Api, session: AsyncSession, isolation: list[tuple[str, str]]
) -> None:
    wish = await api.order(R)
    await api.uid(S)  # signed in before: the login writes in a transaction of its own
    isolation.clear()
    listed = await api.get(S, "/api/v1/wishes", params={"scope": "community", "status": "ordered"})
    detail = await api.get(S, f"/api/v1/wishes/{wish['id']}")
    assert listed.status_code == 200 and detail.status_code == 200
    assert [i for i, s in isolation if "contact_access_log" in s] == ["AUTOCOMMIT", "AUTOCOMMIT"]
    assert {level for level, _ in isolation} == {"AUTOCOMMIT"}, isolation
    # The access log, written by a statement of its own, is there for both showings.
    rows = (await session.execute(ContactAccess.__table__.select())).all()
    assert sorted(r.via for r in rows) == ["detail", "list"]


async def test_a_write_keeps_its_transaction(api: Api, isolation: list[tuple[str, str]]) -> None:
    wish = await api.order(R)
    assert (await api.act(S, wish["id"], "dispatch", {"pool": True})).status_code == 200
    assert isolation and "AUTOCOMMIT" not in {level for level, _ in isolation}
