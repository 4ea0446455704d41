"""Migration 0003 keeps the hours already earned: every wish done before the ledger gets its credit row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from app.cli import alembic_config

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
