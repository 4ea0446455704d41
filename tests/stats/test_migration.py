"""Migration 0003 keeps the hours already earned: every wish done before the ledger gets its credit row. Migration
0005 adds the response minutes index, and takes it away again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from app.db import create_engine
from app.migrations import alembic_config
from tests.conftest import create_database, drop_database

NOW = datetime(2026, 11, 1, 8, tzinfo=UTC)


@pytest.fixture
def empty_db(server_url: str) -> Iterator[str]:
    """A database of its own, at no migration: these tests walk the migrations up and down."""
    url = create_database(server_url)
    try:
        yield url
    finally:
        drop_database(server_url, url)


async def _run(url: str, *statements: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Run the statements in one transaction; the rows of the last."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            rows: list[tuple[Any, ...]] = []
            for sql in statements:
                result = await conn.execute(text(sql), params or {})
                rows = [tuple(r) for r in result] if result.returns_rows else []
            return rows
    finally:
        await engine.dispose()


def _rows(url: str, *statements: str, **params: Any) -> list[tuple[Any, ...]]:
    return asyncio.run(_run(url, *statements, params=params))


def test_upgrade_credits_done_wishes_and_downgrade_removes_the_ledger(empty_db: str) -> None:
    config = alembic_config(empty_db)
    command.upgrade(config, "0002")
    wishes = [(1, "done", 2, 40), (2, "done", 2, None), (3, "accepted", 2, None), (4, "ordered", None, None)]
    _rows(
        empty_db,
        "INSERT INTO orgs (id, name, level, path, created_at) VALUES (1, '金阳社区', 'community', '/1/', :now)",
        "INSERT INTO categories (id, code, name, description, time_limit_hours, active)"
        " VALUES (1, 'errand', '代购', '', 24, true)",
        "INSERT INTO users (id, openid, nickname, created_at) VALUES (1, 'r', '居民', :now), (2, 'm', '党员', :now)",
        *(
            "INSERT INTO wishes (id, status, category_id, title, content, community_id, resident_id, assignee_id,"
            " pool, due_at, created_at, updated_at, done_at, service_minutes)"
            f" VALUES ({wish_id}, '{status}', 1, 't', 'c', 1, 1, {assignee or 'NULL'}, false, :now, :now, :now,"
            f" {':now' if status == 'done' else 'NULL'}, {minutes or 'NULL'})"
            for wish_id, status, assignee, minutes in wishes
        ),
        now=NOW,
    )

    command.upgrade(config, "0003")
    ledger = _rows(empty_db, "SELECT wish_id, user_id, kind, minutes FROM service_records ORDER BY wish_id")
    assert ledger == [(1, 2, "complete", 40), (2, 2, "complete", 0)]

    command.downgrade(config, "0002")
    assert _rows(empty_db, "SELECT to_regclass('service_records')") == [(None,)]


def _index(url: str) -> list[str]:
    found = _rows(url, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_wishes_response_minutes'")
    return [str(row[0]) for row in found]


def test_0005_adds_and_removes_the_response_minutes_index(empty_db: str) -> None:
    config = alembic_config(empty_db)
    command.upgrade(config, "0005")
    (definition,) = _index(empty_db)
    assert "(date_part('epoch'::text, (responded_at - created_at)) / (60.0)::double precision)" in definition
    assert "INCLUDE (community_id, created_at, responded_at, category_id, grid_id)" in definition
    assert definition.endswith("WHERE (responded_at IS NOT NULL)")
    command.downgrade(config, "0004")
    assert _index(empty_db) == []
    assert _rows(empty_db, "SELECT version_num FROM alembic_version") == [("0004",)]
