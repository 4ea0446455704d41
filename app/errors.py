"""Typed domain errors and the one handler that renders every error as RFC 9457 problem+json."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    """Base of every error the API reports on purpose. Subclasses fix `status` and `code`."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        self.headers: dict[str, str] = {}


class Unauthorized(AppError):
    status, code = 401, "unauthorized"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"

    @classmethod
    def of(cls, kind: str, ident: object) -> NotFound:
        return cls(f"{kind} {ident} not found")


class ValidationFailed(AppError):
    """Input that passes the schema but not the domain (unknown category, grid outside the community ...)."""

    status, code = 422, "validation_error"

    def __init__(self, loc: list[str | int], msg: str) -> None:
        super().__init__(msg, errors=[{"loc": loc, "msg": msg}])


class InvalidTransition(AppError):
    status, code = 409, "invalid_transition"


class AlreadyTaken(AppError):
    status, code = 409, "already_taken"


class Conflict(AppError):
    status, code = 409, "conflict"


class ContentRejected(AppError):
    status, code = 422, "content_rejected"


class TooLarge(AppError):
    """A request body over MAX_BODY_BYTES (app/limits/body.py answers it before any handler runs)."""

    status, code = 413, "too_large"


class RateLimited(AppError):
    status, code = 429, "rate_limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class NotStaff(AppError):
    """A signed-in user without a secretary or admin role tried to use the staff console."""

    status, code = 403, "not_staff"


class CsrfRefused(AppError):
    """A console (cookie) request that changes something came without the session's X-CSRF-Token."""

    status, code = 403, "csrf_refused"


class TicketExpired(AppError):
    """A console sign-in ticket past its two minutes: the console asks for a new code."""

    status, code = 410, "ticket_expired"


class TicketUsed(AppError):
    """A console sign-in ticket already confirmed, or already turned into a session: each is good once."""

    status, code = 409, "ticket_used"


class WeChatLoginFailed(AppError):
    status, code = 401, "wechat_login_failed"


class WeChatUnavailable(AppError):
    status, code = 503, "wechat_unavailable"


class ServiceUnavailable(AppError):
    status, code = 503, "service_unavailable"


class ProblemField(BaseModel):
    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of the API is answered."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemField] | None = None


def _inline_defs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_defs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_defs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_defs(v, defs) for v in node]
    return node


def _problem_schema() -> dict[str, Any]:
    # Pydantic's `$defs` refs (#/$defs/ProblemField) mean nothing inside an OpenAPI document: generators such as
    # openapi-typescript (the console's types) fail on them, so the nested model is written in place.
    schema = Problem.model_json_schema()
    defs = schema.pop("$defs", {})
    inlined: dict[str, Any] = _inline_defs(schema, defs)
    return inlined


def problem_doc(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _problem_schema()}}}


# Declared on the routers so the OpenAPI says what every error looks like.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: problem_doc("missing, bad or expired token (code unauthorized)"),
    403: problem_doc("visible, but not for your role (code forbidden)"),
    404: problem_doc("not found, or not visible to you (code not_found)"),
    409: problem_doc("conflict: invalid_transition, already_taken, conflict"),
    422: problem_doc("invalid input (code validation_error, with errors[])"),
    413: problem_doc("request body larger than MAX_BODY_BYTES (code too_large)"),
    503: problem_doc("the database is unavailable (code service_unavailable); Retry-After says when to retry"),
}
# Where a rate limit applies (sign-in, ordering a wish): app/limits/throttle.py.
RATE_LIMITED_RESPONSES: dict[int | str, dict[str, Any]] = {
    429: problem_doc("too many requests (code rate_limited); the Retry-After header says when to try again"),
}


def problem(status: int, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem(exc.status, exc.code, exc.detail, exc.headers, **exc.extra)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()]
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    detail = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return problem(422, "validation_error", detail, errors=errors)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return problem(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


# PostgreSQL's SQLSTATEs for a connection lost or refused: class 08 (connection exception), the server shutting
# down or starting up (57P01-57P03), or full (53300 too_many_connections).
_OUTAGE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def is_database_outage(exc: BaseException) -> bool:
    """The database is gone, refusing or silent (retry later), as opposed to a statement it rejected (a bug).

    OperationalError: a connect that failed (app/db.py). A connection
    that died under a statement is flagged `connection_invalidated`, whatever its class (asyncpg's InterfaceError
    "connection is closed" among them; its other InterfaceErrors are misuse, so bugs).
    """
    if isinstance(exc, OperationalError | PoolTimeout | TimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
        return exc.connection_invalidated or sqlstate.startswith("08") or sqlstate in _OUTAGE_SQLSTATES
    return False


async def _database_down(_: Request, exc: Exception) -> JSONResponse:
    if not is_database_outage(exc):
        raise exc  # a statement the database refused is a bug: the 500 path logs it with its traceback
    # A lost, refused or silent database is an outage, not a bug: say 503 so clients retry.
    log.warning("database unavailable: %s: %s", type(exc).__name__, exc)
    return problem(503, "service_unavailable", "the database is unavailable; try again shortly", {"Retry-After": "5"})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # TimeoutError: a statement past its command timeout; PoolTimeout: no free connection in the pool in time.
    for database_error in (DBAPIError, PoolTimeout, TimeoutError):
        app.add_exception_handler(database_error, _database_down)
