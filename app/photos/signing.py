"""Short-lived signed URLs for a photo's bytes: what an `<image src>` in the mini-program (which sends no
Authorization header) and WeChat's image check (which fetches `media_url`) can open. The URL names one photo and
one variant until `exp`; the route still looks the photo up, so a removed photo's old URLs answer 404 at once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Literal

Variant = Literal["full", "thumb"]
PATH = "/media/photos"
DOCUMENTS = "/media/documents"  # a star self-score's PDF evidence (app/stars/documents.py): variant "document"


def _sig(secret: str, photo_id: int, variant: str, exp: int) -> str:
    mac = hmac.new(secret.encode(), f"photo:{photo_id}:{variant}:{exp}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def signed_url(base: str, secret: str, photo_id: int, variant: Variant, seconds: int, now: float | None = None) -> str:
    exp = int((now if now is not None else time.time()) + seconds)
    return f"{base}{PATH}/{photo_id}/{variant}?exp={exp}&sig={_sig(secret, photo_id, variant, exp)}"


def valid(secret: str, photo_id: int, variant: str, exp: int, sig: str, now: float | None = None) -> bool:
    if exp < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(sig, _sig(secret, photo_id, variant, exp))


def signed_document_url(base: str, secret: str, document_id: int, seconds: int, now: float | None = None) -> str:
    exp = int((now if now is not None else time.time()) + seconds)
    return f"{base}{DOCUMENTS}/{document_id}?exp={exp}&sig={_sig(secret, document_id, 'document', exp)}"
