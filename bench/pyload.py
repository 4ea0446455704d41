"""The fallback load generator when wrk is not installed: N keep-alive HTTP/1.1 connections on asyncio (uvloop),
each sending its next request as soon as the previous answer is in. Run pinned to its own core by bench/loadgen.py.

`python -m bench.pyload URL FILE NONCE CONNECTIONS SECONDS` prints one `BENCH_JSON {...}` line like the wrk script.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

Row = tuple[str, str, str, bool, str]


def _load(path: str) -> list[Row]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            method, target, token, idem, body = line.rstrip("\n").split("\t", 4)
            rows.append((method, target, token, idem == "1", body))
    return rows


def _encode(host: str, row: Row, key: str) -> bytes:
    method, target, token, idem, body = row
    raw = body.encode()
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if idem:
        lines.append(f"Idempotency-Key: {key}")
    if raw:
        lines += ["Content-Type: application/json", f"Content-Length: {len(raw)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + raw


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _client(n: int, url: str, rows: list[Row], nonce: str, end: float, out: dict[str, Any]) -> None:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    i = n * 7919
    try:
        while time.monotonic() < end:
            i += 1
            request = _encode(parts.netloc, rows[i % len(rows)], f"{nonce}-{n}-{i}")
            start = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            out["latencies"].append(time.perf_counter() - start)
            out["statuses"][status] += 1
    except (OSError, asyncio.IncompleteReadError):
        out["socket_errors"] += 1
    finally:
        writer.close()


def _pct(sorted_values: list[float], q: float) -> int:
    if not sorted_values:
        return 0
    return int(sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))] * 1e6)


async def main(url: str, path: str, nonce: str, connections: int, seconds: float) -> None:
    rows = _load(path)
    out: dict[str, Any] = {"latencies": [], "statuses": Counter(), "socket_errors": 0}
    start = time.monotonic()
    end = start + seconds
    await asyncio.gather(*(_client(n, url, rows, nonce, end, out) for n in range(connections)))
    duration = time.monotonic() - start
    lat = sorted(out["latencies"])
    result = {
        "requests": len(lat),
        "duration_us": int(duration * 1e6),
        "p50_us": _pct(lat, 0.50),
        "p90_us": _pct(lat, 0.90),
        "p99_us": _pct(lat, 0.99),
        "max_us": int(lat[-1] * 1e6) if lat else 0,
        "errors": {"connect": 0, "read": out["socket_errors"], "write": 0, "timeout": 0, "status": 0},
        "statuses": {str(k): v for k, v in out["statuses"].items()},
    }
    print("BENCH_JSON " + json.dumps(result))


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    url_, path_, nonce_, conns, secs = sys.argv[1:6]
    asyncio.run(main(url_, path_, nonce_, int(conns), float(secs)))
