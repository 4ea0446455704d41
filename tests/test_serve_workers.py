"""`xinyuan serve --workers 2`: two API processes behind one port (uvicorn's supervisor), each with the app built
from the environment, answering; stopped with SIGINT like one."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_two_workers_serve_one_port(db_url: str) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "RELAY_"))},
        "DATABASE_URL": db_url,
        "APP_ENV": "dev",
        "WECHAT_MODE": "fake",
        "RELAY_IN_PROCESS": "false",
        "PYTHONPATH": str(ROOT),
    }
    argv = [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline, ready = time.monotonic() + 60, 0
        while time.monotonic() < deadline and ready < 20:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                ready = ready + 1 if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200 else 0
            except httpx.HTTPError:
                time.sleep(0.2)
        assert ready == 20, "serve --workers 2 never answered /readyz 20 times in a row"
        # uvicorn's supervisor holds the socket; each worker is a process of its own, with the app built inside.
        workers = [c for c in _children(proc.pid) if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()]
        assert len(workers) == 2, workers
        me = httpx.get(f"http://127.0.0.1:{port}/api/v1/me", timeout=5)
        assert me.status_code == 401  # the app's own routes and errors, not a bare server
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert proc.returncode == 0
