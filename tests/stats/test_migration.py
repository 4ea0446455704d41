"""Migration 0003 keeps the hours already earned: every wish done before the ledger gets its credit row. Migration
0005 adds the response minutes index on PostgreSQL (and nothing on SQLite), and takes it away again."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.cli import alembic_config
from app.db import create_engine
from tests.conftest import PG_URL
from tests.helpers import admin_sql

NOW = "2026-11-01 08:00:00.000000"


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


def test_upgrade_credits_done_wishes_and_downgrade_removes_the_ledger(tmp_path: Path) -> None:
    db = tmp_path / "upgrade.db"
    config = alembic_config(f"sqlite+aiosqlite:///{db}")
    command.upgrade(config, "0002")  # type: ignore[arg-type]
    with sqlite3.connect(db) as conn:
        conn.execute(
            f"INSERT INTO orgs (id, name, level, path, created_at) VALUES (1, '金阳社区', 'community', '/1/', '{NOW}')"
        )
        conn.execute(
            "INSERT INTO categories (id, code, name, description, time_limit_hours, active)"
            " VALUES (1, 'errand', '代购', '', 24, 1)"
        )
        conn.execute(
            "INSERT INTO users (id, openid, nickname, created_at) VALUES (1, 'r', '居民', ?), (2, 'm', '党员', ?)",
            (NOW, NOW),
        )
        wishes = [(1, "done", 2, 40), (2, "done", 2, None), (3, "accepted", 2, None), (4, "ordered", None, None)]
        for wish_id, status, assignee, minutes in wishes:
            conn.execute(
                "INSERT INTO wishes (id, status, category_id, title, content, community_id, resident_id, assignee_id,"
                " pool, due_at, created_at, updated_at, done_at, service_minutes)"
                " VALUES (?, ?, 1, 't', 'c', 1, 1, ?, 0, ?, ?, ?, ?, ?)",
                (wish_id, status, assignee, NOW, NOW, NOW, NOW if status == "done" else None, minutes),
            )

    command.upgrade(config, "0003")  # type: ignore[arg-type]
    ledger = _rows(db, "SELECT wish_id, user_id, kind, minutes FROM service_records ORDER BY wish_id")
    assert ledger == [(1, 2, "complete", 40), (2, 2, "complete", 0)]

    command.downgrade(config, "0002")  # type: ignore[arg-type]
    assert _rows(db, "SELECT name FROM sqlite_master WHERE name = 'service_records'") == []


def test_0005_is_nothing_on_sqlite_and_goes_both_ways(tmp_path: Path) -> None:
    db = tmp_path / "0005.db"
    config = alembic_config(f"sqlite+aiosqlite:///{db}")
    command.upgrade(config, "0005")  # type: ignore[arg-type]
    assert _rows(db, "SELECT name FROM sqlite_master WHERE name = 'ix_wishes_response_minutes'") == []
    command.downgrade(config, "0004")  # type: ignore[arg-type]
    assert _rows(db, "SELECT version_num FROM alembic_version") == [("0004",)]


async def _index(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_wishes_response_minutes'")
            )
            return list(found.scalars())
    finally:
        await engine.dispose()


@pytest.mark.postgres_only
def test_0005_adds_and_removes_the_response_minutes_index_on_postgresql() -> None:
    name = f"xinyuan_test_0005_{uuid.uuid4().hex[:8]}"
    asyncio.run(admin_sql(PG_URL, f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        config = alembic_config(url)
        command.upgrade(config, "0005")  # type: ignore[arg-type]
        (definition,) = asyncio.run(_index(url))
        assert "(date_part('epoch'::text, (responded_at - created_at)) / (60.0)::double precision)" in definition
        assert "INCLUDE (community_id, created_at, responded_at, category_id, grid_id)" in definition
        assert definition.endswith("WHERE (responded_at IS NOT NULL)")
        command.downgrade(config, "0004")  # type: ignore[arg-type]
        assert asyncio.run(_index(url)) == []
    finally:
        asyncio.run(admin_sql(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
