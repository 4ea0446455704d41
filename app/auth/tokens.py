"""Our own access token: a signed JWT (HS256) naming the user, with an expiry."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

import jwt

from app.db import utcnow
from app.errors import Unauthorized
from app.ids import MAX_ID

ALGORITHM = "HS256"
MAX_EXP = 2**40  # Unix seconds, year ~36812: beyond any expiry we issue, within a float's exact integers


def issue_token(user_id: int, secret: str, minutes: int) -> str:
    now = utcnow()
    claims = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=minutes), "typ": "access"}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def user_id_from_token(token: str, secret: str) -> int:
    user_id, expires = _verified(token, secret)
    if expires <= utcnow().timestamp():
        raise Unauthorized("access token expired; sign in again")
    return user_id


# Every request of a signed-in client carries the same token until it expires: its signature is checked once,
# and the expiry on every use. Only good tokens are kept (a refusal raises, and raising caches nothing).
@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[int, float]:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("access token expired; sign in again") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid access token") from exc
    sub, exp = claims.get("sub"), claims.get("exp")
    if claims.get("typ") != "access" or not isinstance(sub, str) or not isinstance(exp, int):
        raise Unauthorized("invalid access token")
    if not (sub.isascii() and sub.isdigit() and len(sub) <= 10 and 1 <= int(sub) <= MAX_ID):
        raise Unauthorized("invalid access token")  # a user id is a PostgreSQL integer: more would overflow the query
    if exp > MAX_EXP:
        raise Unauthorized("invalid access token")  # no token of ours lives that long; a float could not hold it
    return int(sub), float(exp)
