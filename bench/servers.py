"""Processes the benchmark starts and stops itself: the API (`xinyuan serve`), the floor, the fake WeChat and the
relay worker. All listen on 127.0.0.1 only; each writes its log under bench/data/logs/."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.settings import HOST, sqlalchemy_url

BENCH_DIR = Path(__file__).resolve().parent
DATA = BENCH_DIR / "data"
LOGS = DATA / "logs"
BIN = Path(sys.executable).parent
# A fixed secret for the benchmark's own servers (dev mode, loopback only): tokens stay valid across restarts.
SECRET_KEY = "bench-secret-key-for-loopback-only-0123456789abcdef"


def app_settings(db: str, port: int, **extra: str) -> dict[str, str]:
    """The API's settings for the benchmark: dev with the fake WeChat, the relay out of process, limits raised.
    BENCH_WECHAT_TRANSPORT (httpx or aiohttp) sets WECHAT_HTTP_TRANSPORT, to compare the two; unset, the app's
    default."""
    transport = os.environ.get("BENCH_WECHAT_TRANSPORT")
    return {
        **({"WECHAT_HTTP_TRANSPORT": transport} if transport else {}),
        "DATABASE_URL": sqlalchemy_url(db),
        "APP_ENV": "dev",
        "WECHAT_MODE": "fake",
        "HOST": HOST,
        "PORT": str(port),
        "SECRET_KEY": SECRET_KEY,
        # Production runs the relay as `xinyuan worker`; the delivery scenario measures it on its own.
        "RELAY_IN_PROCESS": "false",
        # The limits of issue 7, raised so that they do not cut the load.
        "RATE_LIMIT_LOGINS_PER_MINUTE": "1000000",
        "RATE_LIMIT_LOGINS_PER_OPENID_PER_MINUTE": "1000000",
        "RATE_LIMIT_WISHES_PER_DAY": "1000000",
        "RATE_LIMIT_UPLOADS_PER_MINUTE": "1000000",
        "MAX_BODY_BYTES": "1048576",
        **extra,
    }


def app_env(db: str, port: int, **extra: str) -> dict[str, str]:
    """A process environment with `app_settings`, and none of the caller's own WeChat, relay or limit settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "RELAY_", "RATE_LIMIT_"))}
    return {**env, **app_settings(db, port, **extra), "PYTHONUNBUFFERED": "1"}


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int | None
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def memory_kb(self) -> dict[str, int]:
        """VmRSS (now) and VmHWM (peak since start) of the process, in kB."""
        out: dict[str, int] = {}
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0])
        except FileNotFoundError:
            pass
        return out

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # uvicorn and the worker shut down cleanly on SIGINT
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


def start(name: str, argv: list[str], env: dict[str, str], port: int | None, timeout: float = 60) -> Server:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    # cwd outside the repository: a developer's .env must not change the benchmark's settings.
    workdir = DATA / "run"
    workdir.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
    server = Server(name, proc, port, log)
    if port is not None:
        _wait_ready(server, timeout)
    return server


def _wait_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://{HOST}:{server.port}/healthz"
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.name} exited at start:\n{server.tail()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f}s:\n{server.tail()}")


def start_app(db: str, port: int, wechat_port: int, name: str = "app") -> Server:
    """`xinyuan serve`, talking to the fake WeChat at `wechat_port` as it would to WeChat: over the network, in
    another process (the fake it mounts itself would take the API's own core to answer the API's calls)."""
    env = app_env(db, port, WECHAT_API_BASE=f"http://{HOST}:{wechat_port}")
    return start(name, [str(BIN / "xinyuan"), "serve"], env, port)


def start_fake_wechat(port: int, latency: float = 0.0, consents: list[tuple[str, str, int]] | None = None) -> Server:
    """The app's fake WeChat alone (bench/fakewechat.py), with `latency` seconds on every call."""
    path = DATA / f"consents-{port}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(consents or []))
    argv = [sys.executable, "-m", "bench.fakewechat", "--port", str(port), "--latency", str(latency)]
    env = {**os.environ, "PYTHONPATH": str(BENCH_DIR.parent)}
    return start("fakewechat", [*argv, "--consents", str(path)], env, port)


def start_floor(db: str, port: int) -> Server:
    argv = [sys.executable, "-m", "bench.floor", "--db", db, "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(BENCH_DIR.parent)}
    return start("floor", argv, env, port)


def xinyuan_commands() -> str:
    """The `xinyuan --help` text: which commands this checkout has (the relay's `worker` may not exist yet)."""
    result = subprocess.run([str(BIN / "xinyuan"), "--help"], capture_output=True, text=True, check=False)
    return result.stdout
