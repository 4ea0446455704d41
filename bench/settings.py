"""Where the benchmark's databases and servers live, and its knobs (environment variables, all optional).

- `BENCH_PG`: the PostgreSQL server, `postgresql://postgres@127.0.0.1:5432` by default (loopback only);
- `BENCH_SIZES`: the district sizes to run, `10k,1m` by default (`BENCH_SIZES=10k` is the quick run);
- `BENCH_SECONDS` (20) and `BENCH_WARMUP` (5): each HTTP scenario's measured time and warm-up;
- `BENCH_CONNECTIONS` (50): concurrent clients; `BENCH_RACE_ROUNDS` (100): rounds of the grab race;
- `BENCH_DELIVERY_LIMIT` (180): seconds the relay gets to drain the 20,000 messages;
- `BENCH_SEED=skip`: reuse databases seeded by an earlier run (write scenarios have left rows in them);
- `BENCH_LOADGEN=python`: use the Python load generator even if wrk is installed.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
HOST = "127.0.0.1"  # every server the benchmark starts listens here, and every request goes here
APP_PORT = 18400
FLOOR_PORT = 18401
FAKE_WECHAT_PORT = 18402


def _check_loopback() -> None:
    host = urlsplit(PG).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"BENCH_PG must point at this machine (127.0.0.1), not {host}")


_check_loopback()


def admin_dsn() -> str:
    return f"{PG}/postgres"


def db_dsn(name: str) -> str:
    return f"{PG}/{name}"


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
