"""Where the benchmark's databases and servers live, and its knobs (environment variables, all optional).

- `BENCH_PG`: the PostgreSQL server on this machine, e.g. `postgresql://postgres@127.0.0.1:5432` (loopback only);
  unset: this checkout's embedded PostgreSQL (app/embedded_pg.py, data in var/pgdata), started if need be;
- `BENCH_SIZES`: the district sizes to run, `10k,1m` by default (`BENCH_SIZES=10k` is the quick run);
- `BENCH_SECONDS` (20) and `BENCH_WARMUP` (5): each HTTP scenario's measured time and warm-up;
- `BENCH_CONNECTIONS` (50): concurrent clients; `BENCH_RACE_ROUNDS` (100): rounds of the grab race;
- `BENCH_DELIVERY_LIMIT` (180): seconds the relay gets to drain the 20,000 messages;
- `BENCH_SEED=skip`: reuse databases seeded by an earlier run (write scenarios have left rows in them);
- `BENCH_LOADGEN=python`: use the Python load generator even if wrk is installed.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

PG = os.environ.get("BENCH_PG", "").rstrip("/")
EMBEDDED_PGDATA = Path(__file__).resolve().parent.parent / "var" / "pgdata"
HOST = "127.0.0.1"  # every server the benchmark starts listens here, and every request goes here
APP_PORT = 18400
FLOOR_PORT = 18401
FAKE_WECHAT_PORT = 18402


def _check_loopback() -> None:
    host = urlsplit(PG).hostname
    if PG and host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"BENCH_PG must point at this machine (127.0.0.1), not {host}")


_check_loopback()


@cache
def _server() -> tuple[str, str]:
    """The server as (`postgresql://user@host:port`, `?query`): BENCH_PG's, or the embedded one's unix socket."""
    if PG:
        return PG, ""
    from app.embedded_pg import ensure_running

    url = make_url(ensure_running(EMBEDDED_PGDATA))
    return f"postgresql://{url.username}@", f"?host={url.query['host']}"


def admin_dsn() -> str:
    return db_dsn("postgres")


def db_dsn(name: str) -> str:
    base, query = _server()
    return f"{base}/{name}{query}"


def sqlalchemy_url(name: str) -> str:
    return db_dsn(name).replace("postgresql://", "postgresql+asyncpg://", 1)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


def size_label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def db_name(size: int) -> str:
    return f"xinyuan_bench_{size_label(size)}"


def sizes() -> list[int]:
    return sorted(parse_size(s) for s in os.environ.get("BENCH_SIZES", "10k,1m").split(",") if s.strip())


def seconds() -> float:
    return float(os.environ.get("BENCH_SECONDS", "20"))


def warmup() -> float:
    return float(os.environ.get("BENCH_WARMUP", "5"))


def race_rounds() -> int:
    return int(os.environ.get("BENCH_RACE_ROUNDS", "100"))


def connections() -> int:
    return int(os.environ.get("BENCH_CONNECTIONS", "50"))
