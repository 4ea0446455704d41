"""/healthz (the process is up), /readyz (it can serve: database and schema), /metrics (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from app.db import utcnow
from app.errors import problem
from app.observability.gauges import scrape
from app.observability.readiness import code_heads, unready_reason

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
    # Keep this path internal: the reverse proxy should not forward it (README, "Running in production").
    body = await scrape(request.app.state.sessionmaker, utcnow())
    return Response(body, media_type=CONTENT_TYPE_LATEST)
