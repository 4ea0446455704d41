"""The built console (console/dist, made by `make run` / `make console`) served at /console/, and / leading there.

Built files are never committed; a checkout that has not built them gets a page saying how, not a bare 404.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

DIST = Path(__file__).resolve().parents[2] / "console" / "dist"
NOT_BUILT = (
    "<!doctype html><meta charset=utf-8><title>心愿 · 工作台</title>"
    "<p>The console is not built. Run <code>make console</code> (Node 20) or <code>make run</code>.</p>"
)


def mount_console(app: FastAPI, dist: Path = DIST) -> None:
    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=307)

    if (dist / "index.html").is_file():
        # Compressed: Element Plus's script and styles are most of the first screen (about a third gzipped).
        static = GZipMiddleware(StaticFiles(directory=dist, html=True), minimum_size=1024)
        app.mount("/console", static, name="console")
        return

    @app.get("/console/", include_in_schema=False)
    async def not_built() -> HTMLResponse:
        return HTMLResponse(NOT_BUILT, status_code=503)
