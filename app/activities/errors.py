"""The activities' refusals, as problem+json codes (rendered by app/errors.py's one handler)."""

from __future__ import annotations

from typing import Any

from app.activities.codes import CodeProblem
from app.activities.machine import Refusal
from app.errors import AppError


class ActivityRefused(AppError):
    """The state machine's answer: 403 when the action is never the caller's, 409 otherwise, `code` its reason."""

    def __init__(self, refusal: Refusal, detail: str, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.status = 403 if refusal is Refusal.forbidden else 409
        self.code = refusal.value


class Full(AppError):
    """Every seat of the position is taken."""

    status, code = 409, "full"


class CheckinCodeRefused(AppError):
    """The scanned text is not this activity's current check-in code: `code` says what it is instead."""

    status = 422

    def __init__(self, problem: CodeProblem) -> None:
        super().__init__(_CODE_DETAIL[problem])
        self.code = f"checkin_code_{problem.value}"


_CODE_DETAIL = {
    CodeProblem.malformed: "not a check-in code",
    CodeProblem.other_activity: "this is another activity's check-in code",
    CodeProblem.expired: "this check-in code has expired; scan the one shown now",
    CodeProblem.from_future: "this check-in code is not valid yet",
    CodeProblem.forged: "this check-in code was not issued by this service",
}


class OutsideGeofence(AppError):
    status, code = 422, "outside_geofence"
