"""The container's HEALTHCHECK (`python -m app.observability.healthcheck`): one image runs `xinyuan serve` (the
default) or `xinyuan worker`, and Docker's health check is the image's, not the command's.

- A container running `xinyuan serve` is healthy when its /healthz answers 200, asked on the port it serves on:
  its own `--port`, else the PORT setting. `--start-period` in the Dockerfile covers `xinyuan migrate` before it.
- A container running `xinyuan worker` serves no HTTP: it is healthy while the worker process runs. (Whether the
  relay keeps up shows in /metrics: `xinyuan_outbox_oldest_pending_age_seconds`.)

Standard library only, and no settings loaded: it runs every 30 seconds and must not fail on a setting it does
not need.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path

TIMEOUT_SECONDS = 3.0


def commands(proc: Path = Path("/proc")) -> list[list[str]]:
    """The argument vectors of the processes this container can see."""
    found = []
    for entry in proc.glob("[0-9]*/cmdline"):
        try:
            raw = entry.read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        if raw:
            found.append([part.decode(errors="replace") for part in raw.rstrip(b"\0").split(b"\0")])
    return found


def _subcommand(argv: list[str], name: str) -> list[str] | None:
    """The arguments after `xinyuan <name>`, if this process is that."""
    for i, arg in enumerate(argv[:-1]):
        if Path(arg).name == "xinyuan" and argv[i + 1] == name:
            return argv[i + 2 :]
    return None


def _option(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None


def target(argvs: Iterable[list[str]], env: Mapping[str, str]) -> str | None:
    """The /healthz URL to ask; None when this container runs a worker (nothing to ask over HTTP)."""
    argvs = list(argvs)
    serving = next((args for argv in argvs if (args := _subcommand(argv, "serve")) is not None), None)
    if serving is None and any(_subcommand(argv, "worker") is not None for argv in argvs):
        return None
    args = serving or []
    port = _option(args, "--port") or env.get("PORT") or "8000"
    host = _option(args, "--host") or env.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", ""):  # listening everywhere: ask over loopback
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def healthy(url: str | None) -> bool:
    if url is None:
        return True
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as resp:
            return int(resp.status) == 200
    except OSError:  # refused, timed out, or an HTTP error status
        return False


def main() -> int:
    url = target(commands(), os.environ)
    ok = healthy(url)
    print(f"{'healthy' if ok else 'unhealthy'}: {url or 'xinyuan worker (no HTTP)'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
