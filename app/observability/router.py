"""/healthz (the process is up), /readyz (it can serve: database and schema), /metrics (Prometheus)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from app.config import Settings
from app.db import utcnow
from app.errors import NotFound, Unauthorized, problem
from app.migrations import code_heads
from app.observability.gauges import scrape
from app.observability.readiness import unready_reason

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    responses={503: {"description": "the database does not answer, or its schema is not at this code's migration"}},
)
async def readyz(request: Request) -> JSONResponse:
    reason = await unready_reason(request.app.state.engine)
    if reason is not None:
        return problem(503, "service_unavailable", reason)
    return JSONResponse({"status": "ok", "migration": ",".join(sorted(code_heads()))})


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    # Also keep this path internal: the reverse proxy should not forward it (README, "Running in production").
    _authorise_scrape(request.app.state.settings, request.headers.get("authorization", ""))
    body = await scrape(request.app.state.sessionmaker, utcnow())
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _authorise_scrape(settings: Settings, authorization: str) -> None:
    """With METRICS_TOKEN set, a scrape carries it as a bearer token. Unset: open in dev, off (404) in prod.

    The figures tell an outsider how busy the service is, how many wishes are overdue, and its routes' error rates.
    """
    token = settings.metrics_token
    if not token:
        if settings.app_env == "prod":
            raise NotFound("/metrics is off in prod until METRICS_TOKEN is set")
        return
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        error = Unauthorized("/metrics needs Authorization: Bearer <METRICS_TOKEN>")
        error.headers = {"WWW-Authenticate": 'Bearer realm="metrics"'}
        raise error
