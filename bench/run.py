"""`make bench`: seed each size, run the scenarios, profile the slowest, and write bench/RESULTS.md.

Needs the venv, PostgreSQL (BENCH_PG on 127.0.0.1, or the embedded server when unset) and preferably wrk
(`apt-get install wrk`; without it the Python generator is used, pinned to one core). Knobs are in
bench/settings.py; `BENCH_SIZES=10k make bench` is the quick run. Not part of `make test` or CI.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import asyncpg

from bench import loadgen, report
from bench.profile import py_spy
from bench.quiet import quiet
from bench.scenarios import run_size
from bench.seed import seed
from bench.servers import DATA
from bench.settings import admin_dsn, size_label, sizes


def _command(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (out.stdout or out.stderr).strip()


def _meminfo_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


async def _postgres() -> dict[str, str]:
    conn = await asyncpg.connect(admin_dsn())
    try:
        names = ["server_version", "shared_buffers", "work_mem", "max_connections", "synchronous_commit", "jit"]
        rows = await conn.fetch("SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[])", names)
        return {r["name"]: f"{r['setting']}{' × ' + r['unit'] if r['unit'] else ''}" for r in rows}
    finally:
        await conn.close()


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict[str, Any]:
    packages = ["fastapi", "starlette", "uvicorn", "sqlalchemy", "asyncpg", "pydantic", "httpx", "uvloop", "httptools"]
    gen = loadgen.generator()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": f"{_cpu_model()}, {os.cpu_count()} cores",
        "memory_gb": _meminfo_gb(),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "packages": {p: version(p) for p in packages},
        "postgres": asyncio.run(_postgres()),
        "load_generator": _command(["wrk", "--version"]).splitlines()[0] if gen == "wrk" else "bench/pyload.py",
        "py_spy": _command([py_spy() or "py-spy", "--version"]) if py_spy() else "not installed",
        "commit": _command(["git", "rev-parse", "--short", "HEAD"]),
        "uncommitted_files": len(_command(["git", "status", "--porcelain"]).splitlines()),
        "load_average_start": load_average(),
    }


def main() -> None:
    started = time.perf_counter()
    if loadgen.generator() == "python" and shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): using the Python load generator, pinned to one core")
    info = machine()
    print(f"bench: {info['cpu']}, load average {info['load_average_start']}")
    results: dict[str, Any] = {"machine": info, "seed": {}, "sizes": {}, "load_average": {}}
    order = sizes()
    # Every size seeded first, then each measured on a quiet machine: a seed's aftermath (checkpoint, autovacuum)
    # must not fall on one size's scenarios and not the other's (the queue's p99 at 1m is compared with 10k's).
    for size in order:
        label = size_label(size)
        if os.environ.get("BENCH_SEED") == "skip":
            results["seed"][label] = {"skipped": "BENCH_SEED=skip: the database of an earlier run was reused"}
        else:
            print(f"seeding {label} wishes")
            results["seed"][label] = asyncio.run(seed(size)).as_dict()
    for size in order:
        label = size_label(size)
        results["quiet"] = results.get("quiet", {}) | {label: asyncio.run(quiet())}
        results["load_average"][f"{label} before scenarios"] = load_average()
        print(f"scenarios at {label} (load average {load_average()})")
        results["sizes"][label] = asyncio.run(run_size(size, full=size == order[-1])).as_dict()
        results["load_average"][f"{label} after scenarios"] = load_average()
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    path = report.write(results)
    print(f"wrote {path} ({results['total_seconds']:.0f}s in all)")


if __name__ == "__main__":
    main()
