"""The organiser's rotating check-in code and the geofence. Pure: no I/O.

A code is `xy1.<activity id>.<window>.<signature>`: the window is the Unix time divided by CHECKIN_CODE_SECONDS,
the signature an HMAC-SHA256 (cut to 128 bits) of the activity and the window. It changes every window; a photo
forwarded from the site is good for at most two windows (the current one and the one before, so a code shown at
:29 and scanned at :31 still works). Another activity's code, an old one, a forged one and garbage are refused,
each with its own reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import segno

PREFIX = "xy1"
_SIG_BYTES = 16
EARTH_RADIUS_M = 6_371_008.8


class CodeProblem(StrEnum):
    malformed = "malformed"  # not a check-in code at all
    other_activity = "other_activity"
    expired = "expired"  # a window older than the one before the current
    from_future = "from_future"
    forged = "forged"  # the signature does not match


@dataclass(frozen=True)
class Code:
    text: str
    window: int
    expires_at: float  # Unix time the window ends


def signing_key(checkin_secret: str, secret_key: str) -> bytes:
    """CHECKIN_SECRET, or one derived from SECRET_KEY (never SECRET_KEY itself: a token key signs nothing else)."""
    if checkin_secret:
        return checkin_secret.encode()
    return hmac.new(secret_key.encode(), b"xinyuan activity check-in codes", hashlib.sha256).digest()


def _sign(key: bytes, activity_id: int, window: int) -> str:
    mac = hmac.new(key, f"checkin:{activity_id}:{window}".encode(), hashlib.sha256).digest()[:_SIG_BYTES]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def make_code(key: bytes, activity_id: int, now: datetime, seconds: int) -> Code:
    window = int(now.timestamp()) // seconds
    text = f"{PREFIX}.{activity_id}.{window}.{_sign(key, activity_id, window)}"
    return Code(text, window, float((window + 1) * seconds))


def check_code(key: bytes, text: str, activity_id: int, now: datetime, seconds: int) -> CodeProblem | None:
    """None when `text` is this activity's code of the current window or the one before; else what is wrong."""
    parts = text.split(".")
    if len(parts) != 4 or parts[0] != PREFIX or not all(p.isascii() and p.isdigit() for p in parts[1:3]):
        return CodeProblem.malformed
    if len(parts[1]) > 10 or len(parts[2]) > 12:
        return CodeProblem.malformed
    code_activity, window, signature = int(parts[1]), int(parts[2]), parts[3]
    if not hmac.compare_digest(signature.encode(), _sign(key, code_activity, window).encode()):
        return CodeProblem.forged
    if code_activity != activity_id:
        return CodeProblem.other_activity
    current = int(now.timestamp()) // seconds
    if window > current:
        return CodeProblem.from_future
    if window < current - 1:
        return CodeProblem.expired
    return None


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine). Both points in GCJ-02, as the mini-program gets them: its offset from
    WGS-84 is nearly constant over a few hundred metres, so distances within a geofence are right to a metre."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def qr_svg(text: str) -> str:
    """The code as a QR code in SVG (scalable: the console draws it full-screen without a QR library of its own)."""
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="svg", xmldecl=False, omitsize=True, border=4, nl=False)
    return buf.getvalue().decode()
