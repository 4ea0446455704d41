"""The teams' refusals, as problem+json codes (rendered by app/errors.py's one handler)."""

from __future__ import annotations

from app.errors import AppError
from app.teams.machine import Refusal


class TeamRefused(AppError):
    """The membership machine's answer: 403 when the action is never the caller's, 409 otherwise."""

    def __init__(self, refusal: Refusal, detail: str) -> None:
        super().__init__(detail)
        self.status = 403 if refusal is Refusal.forbidden else 409
        self.code = refusal.value
