"""Route matching that skips the routers a path cannot reach.

FastAPI (0.165) matches a request against every route of every included router in turn: a regular expression and
a few scope keys set and restored for each. `/healthz`, the last router's, was tried against about 150 routes first,
which cost more of the process's time than the rest of that request (bench/FINDINGS.md). `skip_unreachable_routers`
gives each included router the static start of its paths (`/api/v1/wishes`, `/healthz`): a path that starts with
none of them is answered "no match" at once, without its routes being tried. Where a router could match it, FastAPI
matches exactly as before, in the same order, so which route answers a request does not change.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute, _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

# How many leading segments of a path are compared: `/api/v1/wishes` tells the routers apart.
DEPTH = 3
_SEGMENTS = "xinyuan.segments"


def static_start(path: str) -> tuple[str, ...]:
    """A route path's leading segments up to DEPTH, stopping before the first with a parameter in it."""
    start: list[str] = []
    for segment in path.split("/")[1 : DEPTH + 1]:
        if "{" in segment:
            break
        start.append(segment)
    return tuple(start)


def _segments(scope: Scope) -> tuple[str, ...]:
    # Once per request (and per redirect probe: a copied scope with its own path), not once per router.
    path = get_route_path(scope)
    cached = scope.get(_SEGMENTS)
    if cached is None or cached[0] != path:
        cached = (path, tuple(path.split("/")[1 : DEPTH + 1]))
        scope[_SEGMENTS] = cached
    segments: tuple[str, ...] = cached[1]
    return segments


class _SkippingRouter(_IncludedRouter):
    """An included router that answers NONE at once for a path none of its routes' starts begin."""

    starts: frozenset[tuple[str, ...]]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        segments = _segments(scope)
        if not any(segments[: len(start)] == start for start in self.starts):
            return Match.NONE, {}
        return super().matches(scope)


def skip_unreachable_routers(app: FastAPI) -> int:
    """Call once every router is included. Returns how many routers were given their starts: a router with a route
    that is not a plain API route (a mount, a websocket), or whose paths begin with a parameter, is left as it is."""
    guarded = 0
    for route in app.router.routes:
        if type(route) is not _IncludedRouter:
            continue
        routes = route.original_router.routes
        if not routes or not all(isinstance(r, APIRoute) for r in routes):
            continue
        prefix = route.include_context.prefix
        starts = frozenset(static_start(prefix + r.path) for r in routes if isinstance(r, APIRoute))
        if () in starts:
            continue
        route.__class__ = _SkippingRouter
        route.starts = starts  # type: ignore[attr-defined]
        guarded += 1
    return guarded
