"""The star rating cycle (评星定级). `TRANSITIONS` is the only place a move is spelled out: `allowed_actions`, the
permission check and the README's diagram are read from it. Pure: no I/O. The quota on approvals is counted in the
database (app/stars/cycle.py), under a lock on the indicator set, not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class AssessmentStatus(StrEnum):
    draft = "draft"  # the community scores itself with evidence (自评)
    submitted = "submitted"  # the street reviews each item (审核)
    reviewed = "reviewed"  # the district approves the stars, within quotas
    approved = "approved"
    publicity = "publicity"  # 公示: objections may be raised and answered
    published = "published"  # final; a correction is a new recorded decision, never an edit


class AssessmentAction(StrEnum):
    submit = "submit"
    send_back = "send_back"  # the street returns it for the community to redo, with a reason
    review = "review"  # the street has reviewed every item
    approve = "approve"  # the district sets the stars
    publicize = "publicize"  # 公示 begins
    publish = "publish"
    correct = "correct"  # a recorded correction of published stars, with a reason


class Party(StrEnum):
    community = "community"  # secretary / admin over the community (self_assess)
    street = "street"  # rate_stars over the community from a street or district grant
    district = "district"  # rate_stars over the indicator set's district


class Guard(StrEnum):
    all_scored = "all_scored"  # every item scored (people's) or measured
    all_reviewed = "all_reviewed"
    no_open_objection = "no_open_objection"


@dataclass(frozen=True)
class Move:
    to: AssessmentStatus
    who: frozenset[Party]
    guard: Guard | None = None


def _m(to: AssessmentStatus, *who: Party, guard: Guard | None = None) -> Move:
    return Move(to, frozenset(who), guard)


S, A, P, G = AssessmentStatus, AssessmentAction, Party, Guard
TRANSITIONS: dict[tuple[AssessmentStatus, AssessmentAction], Move] = {
    (S.draft, A.submit): _m(S.submitted, P.community, guard=G.all_scored),
    (S.submitted, A.send_back): _m(S.draft, P.street),
    (S.submitted, A.review): _m(S.reviewed, P.street, guard=G.all_reviewed),
    (S.reviewed, A.approve): _m(S.approved, P.district),
    (S.approved, A.publicize): _m(S.publicity, P.district),
    (S.publicity, A.publish): _m(S.published, P.district, guard=G.no_open_objection),
    (S.published, A.correct): _m(S.published, P.district),
}
# While one of these, the community's own scores may change; after, never.
EDITABLE = AssessmentStatus.draft
REVIEWABLE = AssessmentStatus.submitted
# Stars are set from approval on: they count against the quota.
STARRED = frozenset({AssessmentStatus.approved, AssessmentStatus.publicity, AssessmentStatus.published})

WHO_MAY: dict[AssessmentAction, frozenset[Party]] = {
    a: frozenset().union(*(m.who for (_, act), m in TRANSITIONS.items() if act == a)) for a in AssessmentAction
}


class Facts(NamedTuple):
    all_scored: bool = False
    all_reviewed: bool = False
    open_objections: int = 0

    def holds(self, guard: Guard | None) -> bool:
        match guard:
            case None:
                return True
            case Guard.all_scored:
                return self.all_scored
            case Guard.all_reviewed:
                return self.all_reviewed
            case Guard.no_open_objection:
                return self.open_objections == 0


class Refusal(StrEnum):
    forbidden = "forbidden"
    invalid_transition = "invalid_transition"
    open_objection = "open_objection"


@dataclass(frozen=True)
class Decision:
    to: AssessmentStatus | None
    refusal: Refusal | None = None
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def decide(status: AssessmentStatus, action: AssessmentAction, parties: Iterable[Party], facts: Facts) -> Decision:
    mine = frozenset(parties)
    if not mine & WHO_MAY[action]:
        return Decision(None, Refusal.forbidden, f"{action} is not for you on this assessment")
    move = TRANSITIONS.get((status, action))
    if move is None:
        needs = ", ".join(sorted(s for (s, a) in TRANSITIONS if a == action))
        return Decision(None, Refusal.invalid_transition, f"assessment is {status}; {action} needs {needs}")
    if not mine & move.who:
        return Decision(None, Refusal.forbidden, f"{action} from {status} is not for you")
    if not facts.holds(move.guard):
        if move.guard is Guard.no_open_objection:
            return Decision(None, Refusal.open_objection, f"{facts.open_objections} objection(s) still unanswered")
        return Decision(None, Refusal.invalid_transition, f"{action} needs {move.guard}")
    return Decision(move.to)


def allowed_actions(status: AssessmentStatus, parties: Iterable[Party], facts: Facts) -> list[AssessmentAction]:
    mine = frozenset(parties)
    return [a for a in AssessmentAction if decide(status, a, mine, facts).allowed]


def mermaid() -> str:
    """The state diagram, generated from the table (the README embeds this text; a test keeps them equal)."""
    lines = ["stateDiagram-v2", "    [*] --> draft: open"]
    for (src, action), move in TRANSITIONS.items():
        who = " / ".join(sorted(move.who))
        guard = f" [{move.guard}]" if move.guard else ""
        lines.append(f"    {src} --> {move.to}: {action} ({who}){guard}")
    lines.append("    published --> [*]")
    return "\n".join(lines)
