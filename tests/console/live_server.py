"""A live server for the console's browser tests: a throwaway database (on TEST_DATABASE_URL's server, or an embedded
PostgreSQL in a temporary directory) migrated and loaded with the demo data, and the app on a free port.

`python -m tests.console.live_server` prints `LIVE <url>` once it serves, and cleans up on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import tempfile
import uuid
from pathlib import Path
from types import FrameType

import uvicorn
from sqlalchemy.engine import make_url

from app import embedded_pg
from app.config import Settings
from app.main import create_app
from app.migrations import upgrade_to_head
from app.photos.storage import open_storage
from app.seed import seed
from tests.helpers import admin_sql


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    home: Path | None = None
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server:
        home = Path(tempfile.mkdtemp(prefix="xinyuan-console-pg-"))
        server = embedded_pg.ensure_running(home / "pgdata")
    name = f"xinyuan_console_{uuid.uuid4().hex[:10]}"
    asyncio.run(admin_sql(server, f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    # Photos in a throwaway directory, the demo's own files (app/seed_files.py) among them.
    photo_dir = tempfile.mkdtemp(prefix="xinyuan-console-photos-")
    photos = f"file:{photo_dir}"
    try:
        upgrade_to_head(url)
        asyncio.run(seed(url, storage=open_storage(photos)))
        _serve(url, photos)
    finally:
        asyncio.run(admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        shutil.rmtree(photo_dir, ignore_errors=True)
        if home is not None:
            embedded_pg.stop(home / "pgdata")
            shutil.rmtree(home, ignore_errors=True)


def _serve(url: str, photos: str) -> None:
    port = _free_port()
    settings = Settings(
        app_env="dev",
        database_url=url,
        wechat_mode="fake",
        host="127.0.0.1",
        port=port,
        relay_in_process=True,
        # No push configured, so a photo goes to review after 2 s (the console's photo test reviews one), the photo
        # worker looking twice a second.
        storage_url=photos,
        photo_review_after_seconds=2,
        photo_poll_seconds=0.5,
        _env_file=None,  # type: ignore[call-arg]
    )
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))

    def stop(_sig: int, _frame: FrameType | None) -> None:
        server.should_exit = True

    async def run() -> None:
        task = asyncio.create_task(server.serve())
        # uvicorn offers no event for "listening"; its `started` flag is polled like the suite's fake WeChat.
        while not server.started and not task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        print(f"LIVE http://127.0.0.1:{port}", flush=True)
        await task

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    asyncio.run(run())


if __name__ == "__main__":
    main()
