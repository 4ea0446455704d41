"""The embedded PostgreSQL of a checkout (DATABASE_URL unset): started on first use, found again by the next process,
restarted after a crash that left its pid file behind, and driven by `xinyuan db status | stop`."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from app import embedded_pg
from app.db import create_engine

XINYUAN = str(Path(sys.executable).parent / "xinyuan")


@pytest.fixture
def pgdata() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="xinyuan-emb-"))  # short: a unix socket's path has a length limit
    try:
        yield home / "pgdata"
    finally:
        embedded_pg.stop(home / "pgdata")
        shutil.rmtree(home, ignore_errors=True)


async def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text(sql))).scalar_one()
    finally:
        await engine.dispose()


def test_started_on_first_use_and_found_by_the_next_caller(pgdata: Path) -> None:
    assert not embedded_pg.status(pgdata).initialised
    url = embedded_pg.ensure_running(pgdata)
    first = embedded_pg.status(pgdata)
    assert first.running and first.url == url
    assert int(str(asyncio.run(_scalar(url, "SHOW server_version_num")))) >= 150000
    # A second process of the checkout (a worker beside serve) finds the same server instead of starting one.
    again = embedded_pg.ensure_running(pgdata)
    assert embedded_pg.status(pgdata).pid == first.pid
    assert asyncio.run(_scalar(again, "SELECT 1")) == 1
    # No TCP port: a unix socket in the data directory only.
    assert asyncio.run(_scalar(url, "SHOW listen_addresses")) == ""


def test_a_stale_pid_file_after_a_crash_is_handled(pgdata: Path) -> None:
    embedded_pg.ensure_running(pgdata)
    pidfile = pgdata / "postmaster.pid"
    kept = pidfile.read_text()
    assert embedded_pg.stop(pgdata)
    assert not embedded_pg.status(pgdata).running
    # As a crash leaves it, and worse: its pid now belongs to another live process (this one), not a postgres.
    pidfile.write_text(f"{os.getpid()}\n" + kept.split("\n", 1)[1])
    url = embedded_pg.ensure_running(pgdata)
    assert embedded_pg.status(pgdata).running
    assert int(pidfile.read_text().split()[0]) != os.getpid()
    assert asyncio.run(_scalar(url, "SELECT 1")) == 1


def test_stop_when_not_running_says_so(pgdata: Path) -> None:
    assert embedded_pg.stop(pgdata) is False


def _xinyuan(pgdata: Path, *args: str) -> str:
    # seed-demo stores the demo's photos (app/seed_files.py): beside the data directory, not in the checkout's var/.
    photos = f"file:{pgdata.parent / 'photos'}"
    env = {**os.environ, "DATABASE_URL": "", "EMBEDDED_PGDATA": str(pgdata), "APP_ENV": "dev", "STORAGE_URL": photos}
    done = subprocess.run([XINYUAN, *args], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_cli_migrates_seeds_and_stops_the_embedded_server(pgdata: Path) -> None:
    assert "no data yet" in _xinyuan(pgdata, "db", "status")
    assert "newest migration" in _xinyuan(pgdata, "migrate")
    assert "demo data ready" in _xinyuan(pgdata, "seed-demo")
    status = _xinyuan(pgdata, "db", "status")
    assert "running" in status and str(pgdata) in status
    url = status.split("DATABASE_URL=", 1)[1].strip()
    assert asyncio.run(_scalar(url, "SELECT count(*) FROM orgs WHERE level = 'community'")) == 4
    assert _xinyuan(pgdata, "db", "stop").strip() == "stopped"
    assert "stopped" in _xinyuan(pgdata, "db", "status")


def test_prod_refuses_the_embedded_server(pgdata: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "", "EMBEDDED_PGDATA": str(pgdata), "APP_ENV": "prod"}
    env |= {"SECRET_KEY": "s" * 40, "WECHAT_APPID": "wx0123456789abcdef", "WECHAT_SECRET": "x"}
    done = subprocess.run([XINYUAN, "migrate"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "DATABASE_URL" in done.stderr
    assert not pgdata.exists()  # nothing was started
