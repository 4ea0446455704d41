"""The membership machine checked exhaustively against the rules written apart, and the README's diagram against it."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from app.teams.machine import MembershipStatus, Party, Refusal, TeamAction, allowed_actions, decide, mermaid

M, A, P = MembershipStatus, TeamAction, Party
PARTY_SETS = [frozenset(c) for n in range(len(P) + 1) for c in itertools.combinations(list(P), n)]


def expected(status: M, action: A, parties: frozenset[P], is_leader: bool) -> tuple[M | None, Refusal | None]:
    """The rules as README states them, spelled out without the table."""
    deciders = {P.leader, P.staff}
    if action is A.edit:
        return (None, None) if parties & deciders else (None, Refusal.forbidden)
    if action is A.change_leader:
        return (None, None) if P.staff in parties else (None, Refusal.forbidden)
    if action in (A.publish, A.claim):
        return (None, None) if P.leader in parties else (None, Refusal.forbidden)
    if action is A.ask:
        if P.eligible not in parties:
            return None, Refusal.forbidden
        return (M.pending, None) if status is M.none else (None, Refusal.already_member)
    if action is A.leave:
        if P.member not in parties:
            return None, (Refusal.not_member if P.eligible in parties else Refusal.forbidden)
        if is_leader:
            return None, Refusal.leader_stays
        return (M.left, None) if status in (M.pending, M.active) else (None, Refusal.not_member)
    # approve / refuse, on an applicant's membership
    if not parties & deciders:
        return None, Refusal.forbidden
    if is_leader and action is A.refuse:
        return None, Refusal.leader_stays
    if status is not M.pending:
        return None, Refusal.invalid_transition
    return (M.active if action is A.approve else M.refused), None


@pytest.mark.parametrize("action", list(A))
def test_every_decision_follows_the_rules(action: A) -> None:
    for status, parties, is_leader in itertools.product(list(M), PARTY_SETS, (False, True)):
        decision = decide(status, action, parties, is_leader=is_leader)
        assert (decision.to, decision.refusal) == expected(status, action, parties, is_leader), (status, parties)


def test_allowed_actions_are_the_decisions_that_pass() -> None:
    for status, parties, is_leader in itertools.product(list(M), PARTY_SETS, (False, True)):
        own = [a for a in (A.ask, A.leave) if expected(status, a, parties, is_leader)[1] is None]
        team = [
            a for a in (A.edit, A.change_leader, A.publish, A.claim) if expected(status, a, parties, False)[1] is None
        ]
        assert allowed_actions(status, parties, is_leader=is_leader) == own + team


def test_readme_diagram_is_the_table() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- team-machine:start -->\n```mermaid\n(.*?)\n```\n<!-- team-machine:end -->", readme, re.S)
    assert block is not None, "README.md lost its team-machine diagram markers"
    assert block.group(1) == mermaid(), "README's team diagram differs from app/teams/machine.py"
