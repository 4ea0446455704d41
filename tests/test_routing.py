"""Skipping the routers a path cannot reach (app/routing.py) must never change which route answers a request."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, _IncludedRouter
from starlette.routing import Match

from app.config import Settings
from app.main import create_app
from app.routing import _SkippingRouter, static_start

EXTRA_PATHS = [
    "/",
    "/nope",
    "/healthz/",
    "/api",
    "/api/v1",
    "/api/v1/",
    "/api/v1/wishes/",
    "/api/v1/wishes/abc",
    "/api/v1/wishes/1/nope",
    "/api/v1/me/",
    "/api/v1/members",
    "/open311/v2/requests.json",
    "/open311/v2/discovery.xml",
    "/media/documents/x.pdf",
    "/console/",
    "/console/wishes/1",
    "/_dev/wechat/sns/jscode2session",
]


def _scope(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": [], "query_string": b""}


def _first_match(app: FastAPI, scope: dict[str, Any], skipping: bool) -> tuple[int, Match] | None:
    """The index of the top-level route FastAPI's own loop would hand the request to (a full match, else the first
    partial one); with `skipping` False, every router is asked the way FastAPI asks it, without skipping."""
    partial = None
    for index, route in enumerate(app.router.routes):
        if not skipping and isinstance(route, _SkippingRouter):
            match, _ = _IncludedRouter.matches(route, dict(scope))
        else:
            match, _ = route.matches(dict(scope))
        if match == Match.FULL:
            return index, match
        if match == Match.PARTIAL and partial is None:
            partial = (index, match)
    return partial


def _route_paths(routes: list[Any], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for route in routes:
        if isinstance(route, _IncludedRouter):
            paths += _route_paths(route.original_router.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            paths.append(prefix + route.path)
    return paths


def _paths(app: FastAPI) -> list[str]:
    filled = {re.sub(r"\{[^}]*\}", "1", path) for path in _route_paths(app.router.routes)}
    return sorted(filled | {p.replace(".1", ".json") for p in filled} | set(EXTRA_PATHS))


def test_static_start() -> None:
    assert static_start("/api/v1/wishes/{wish_id}/dispatch") == ("api", "v1", "wishes")
    assert static_start("/healthz") == ("healthz",)
    assert static_start("/open311/v2/requests.{format}") == ("open311", "v2")
    assert static_start("/{anything}") == ()


def test_routers_skip_and_the_same_route_answers(settings: Settings) -> None:
    app = create_app(settings)
    skipping = [r for r in app.router.routes if isinstance(r, _SkippingRouter)]
    included = [r for r in app.router.routes if isinstance(r, _IncludedRouter)]
    # Every router of ours is plain API routes under a static start: all of them skip.
    assert len(skipping) == len(included) > 20

    paths = _paths(app)
    assert len(paths) > 100
    for path in paths:
        for method in ("GET", "POST", "PATCH", "DELETE"):
            scope = _scope(method, path)
            assert _first_match(app, scope, skipping=True) == _first_match(app, scope, skipping=False), (method, path)


def test_skipped_router_is_not_asked(settings: Settings) -> None:
    app = create_app(settings)
    routers = [r for r in app.router.routes if isinstance(r, _SkippingRouter)]
    health = next(r for r in routers if ("healthz",) in r.starts)
    wishes = next(r for r in routers if ("api", "v1", "wishes") in r.starts)
    assert wishes.matches(_scope("GET", "/healthz"))[0] == Match.NONE
    assert health.matches(_scope("GET", "/healthz"))[0] == Match.FULL
    assert wishes.matches(_scope("GET", "/api/v1/wishes/7"))[0] == Match.FULL


async def test_requests_still_reach_their_routes(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).status_code == 200
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert (await client.get("/api/v1/wishes")).status_code == 401  # reached: the route asks for a sign-in
    assert (await client.get("/openapi.json")).status_code == 200
