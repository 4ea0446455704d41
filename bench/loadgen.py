"""Closed-loop HTTP load: `wrk` (Debian's package, LuaJIT scripts) when installed, else bench/pyload.py pinned to
one core. Both replay a request file (bench/lua/requests.lua says its format) with N connections: a warm-up run,
then the measured one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.servers import BENCH_DIR, DATA, Server
from bench.settings import HOST

LUA = BENCH_DIR / "lua" / "requests.lua"
REQUESTS = DATA / "requests"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    token: str = ""
    idempotent: bool = False
    body: str = ""  # JSON, one line

    def line(self) -> str:
        for part in (self.path, self.token, self.body):
            if "\t" in part or "\n" in part:
                raise ValueError("request parts must not contain tabs or newlines")
        return f"{self.method}\t{self.path}\t{self.token}\t{int(self.idempotent)}\t{self.body}"


@dataclass
class LoadResult:
    name: str
    generator: str
    connections: int
    seconds: float
    requests: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    socket_errors: int = 0
    db: dict[str, int] = field(default_factory=dict)  # pg_stat_database deltas over warm-up and run
    server_cpu_ms: float | None = None  # CPU time of the server process per request of the measured run
    load_average: float | None = None  # the machine's 1-minute load average as the measured run began

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        """Responses that are not 2xx, plus connection errors and timeouts."""
        bad = sum(n for code, n in self.statuses.items() if not code.startswith("2"))
        return bad + self.socket_errors

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code.startswith("5"))

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "rps": round(self.rps, 1), "errors": self.errors, "server_errors": self.server_errors}


def generator() -> str:
    if os.environ.get("BENCH_LOADGEN") == "python" or shutil.which("wrk") is None:
        return "python"
    return "wrk"


def write_requests(name: str, requests: list[Request]) -> Path:
    if not requests:
        raise ValueError(f"{name}: no requests to replay")
    REQUESTS.mkdir(parents=True, exist_ok=True)
    path = REQUESTS / f"{name}.tsv"
    path.write_text("\n".join(r.line() for r in requests) + "\n", encoding="utf-8")
    return path


def run(
    name: str,
    port: int,
    requests: list[Request],
    *,
    connections: int,
    seconds: float,
    warmup: float,
    server: Server | None = None,
) -> LoadResult:
    path = write_requests(name, requests)
    gen = generator()
    if warmup > 0:
        _run_once(gen, name, port, path, connections, warmup)
        settle(port)
    cpu = server.cpu_seconds() if server else 0.0
    load = os.getloadavg()[0]
    result = _run_once(gen, name, port, path, connections, seconds)
    result.load_average = round(load, 2)
    if server and result.requests:
        result.server_cpu_ms = round((server.cpu_seconds() - cpu) * 1000 / result.requests, 2)
    return result


def settle(port: int, limit_seconds: float = 30) -> None:
    """Wait until the server has finished what the warm-up left in flight (its loop answers /healthz at once)."""
    deadline = time.monotonic() + limit_seconds
    quick = 0
    with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=limit_seconds) as client:
        while quick < 3 and time.monotonic() < deadline:
            started = time.perf_counter()
            client.get("/healthz")
            quick = quick + 1 if time.perf_counter() - started < 0.05 else 0
            time.sleep(0.1)


def _run_once(gen: str, name: str, port: int, path: Path, connections: int, seconds: float) -> LoadResult:
    nonce = f"{name}-{time.time_ns()}"
    url = f"http://{HOST}:{port}"
    if gen == "wrk":
        argv = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            url,
        ]
        argv += ["--", str(path), nonce]
    else:
        argv = [sys.executable, "-m", "bench.pyload", url, str(path), nonce, str(connections), str(seconds)]
        if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
            argv = ["taskset", "-c", "0", *argv]  # its own core; the server is pinned to the other one
    env = {**os.environ, "PYTHONPATH": str(BENCH_DIR.parent)}
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 120, env=env, check=False)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"{gen} gave no result for {name}: {out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    errors = data["errors"]
    return LoadResult(
        name=name,
        generator=gen,
        connections=connections,
        seconds=data["duration_us"] / 1e6,
        requests=data["requests"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        statuses={str(k): v for k, v in data["statuses"].items()},
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
    )
