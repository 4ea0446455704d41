"""Photo uploads under load: 20 residents each upload a 10 MB photo at once to `xinyuan serve` (its own process),
twice: with PHOTO_WORKERS=2 (the default: decoding bounded) and with PHOTO_WORKERS=20 (every upload decoded at
once, what the bound prevents). Reports uploads per second, each upload's latency, and the API process's memory:
VmRSS before, VmHWM (its peak) after.

    BENCH_PG=postgresql://postgres@127.0.0.1:5432 .venv/bin/python -m bench.photos

Uses the database `xinyuan_bench_photos` (dropped and recreated), ports 18410-18411, files under bench/data/.
The photo is a 12-megapixel JPEG of noise at about 10 MB: the worst case to decode and re-encode for its size.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import statistics
import time
from typing import Any

import httpx
from PIL import Image

from bench.seed import migrate, recreate_database
from bench.servers import BIN, DATA, Server, app_env, start, start_fake_wechat
from bench.settings import HOST

DB = "xinyuan_bench_photos"
APP_PORT, WECHAT_PORT = 18410, 18411
RESIDENTS = 20
TARGET_BYTES = 10 * 1024 * 1024


def ten_mb_photo() -> bytes:
    img = Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3))
    for quality in (90, 85, 80, 75, 70, 60):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality)
        if buf.tell() <= TARGET_BYTES:
            return buf.getvalue()
    raise RuntimeError("could not make a photo under 10 MB")


async def _login(client: httpx.AsyncClient, i: int) -> str:
    resp = await client.post("/api/v1/auth/login", json={"code": f"dev:bench-photo-{i}:{time.time_ns()}"})
    resp.raise_for_status()
    return str(resp.json()["access_token"])


async def _upload(client: httpx.AsyncClient, token: str, photo: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    files = {"file": ("tmp.jpg", photo, "image/jpeg")}
    resp = await client.post("/api/v1/uploads", files=files, headers={"Authorization": f"Bearer {token}"})
    return resp.status_code, time.perf_counter() - started


async def _round(workers: int, photo: bytes) -> dict[str, Any]:
    store = DATA / "photos-store"
    shutil.rmtree(store, ignore_errors=True)
    env = app_env(
        DB,
        APP_PORT,
        WECHAT_API_BASE=f"http://{HOST}:{WECHAT_PORT}",
        STORAGE_URL=f"file:{store}",
        PHOTO_WORKERS=str(workers),
    )
    app: Server = start(f"photos-app-{workers}", [str(BIN / "xinyuan"), "serve"], env, APP_PORT)
    try:
        async with httpx.AsyncClient(base_url=f"http://{HOST}:{APP_PORT}", timeout=300) as client:
            tokens = [await _login(client, i) for i in range(RESIDENTS)]
            status, _ = await _upload(client, tokens[0], photo)  # warm-up: imports, thread pool, first connection
            assert status == 201, status
            before = app.memory_kb()
            started = time.perf_counter()
            results = await asyncio.gather(*(_upload(client, t, photo) for t in tokens))
            elapsed = time.perf_counter() - started
            after = app.memory_kb()
    finally:
        app.stop()
    latencies = sorted(r[1] for r in results)
    return {
        "photo_workers": workers,
        "uploads": RESIDENTS,
        "answers": sorted({r[0] for r in results}),
        "seconds": round(elapsed, 2),
        "uploads_per_second": round(RESIDENTS / elapsed, 2),
        "latency_p50_s": round(statistics.median(latencies), 2),
        "latency_max_s": round(latencies[-1], 2),
        "rss_before_mb": round(before.get("VmRSS", 0) / 1024),
        "peak_rss_mb": round(after.get("VmHWM", 0) / 1024),
    }


async def main() -> None:
    photo = ten_mb_photo()
    await recreate_database(DB)
    migrate(DB)
    fake = start_fake_wechat(WECHAT_PORT)
    try:
        rounds = [await _round(workers, photo) for workers in (2, 20)]
    finally:
        fake.stop()
    report = {"photo_bytes": len(photo), "photo_pixels": "4000x3000", "rounds": rounds}
    (DATA / "photos.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
