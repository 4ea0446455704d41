"""The joint project machine as a pure function: every status × action × standing, against the table."""

from __future__ import annotations

from itertools import chain, combinations, product

import pytest

from app.joint.machine import (
    TRANSITIONS,
    WHO_MAY,
    Party,
    ProjectAction,
    ProjectStatus,
    Refusal,
    allowed_actions,
    decide,
    mermaid,
)

STANDINGS = [frozenset(c) for c in chain.from_iterable(combinations(Party, n) for n in range(len(Party) + 1))]


@pytest.mark.parametrize(("status", "action"), list(product(ProjectStatus, ProjectAction)))
def test_every_move_is_the_tables(status: ProjectStatus, action: ProjectAction) -> None:
    for parties in STANDINGS:
        for rated in (False, True):
            got = decide(status, action, parties, rated)
            move = TRANSITIONS.get((status, action))
            if not parties & WHO_MAY[action]:
                assert got.refusal is Refusal.forbidden
            elif move is None:
                assert got.refusal is Refusal.invalid_transition
            elif not parties & move.who:
                assert got.refusal is Refusal.forbidden
            elif action is ProjectAction.rate and rated:
                assert got.refusal is Refusal.invalid_transition
            else:
                assert got.allowed and got.to is move.to
            assert got.allowed == (action in allowed_actions(status, parties, rated))


def test_the_lifecycle_reads_as_the_issue_says() -> None:
    community, unit = {Party.community}, {Party.unit}
    assert (
        decide(ProjectStatus.proposed, ProjectAction.confirm, unit).refusal is Refusal.forbidden
    )  # the proposer does not confirm
    assert (
        decide(ProjectStatus.proposed, ProjectAction.confirm, {Party.community, Party.counterpart}).to
        is ProjectStatus.agreed
    )
    assert decide(ProjectStatus.agreed, ProjectAction.start, unit).to is ProjectStatus.in_progress
    assert decide(ProjectStatus.in_progress, ProjectAction.progress, community).to is ProjectStatus.in_progress
    assert decide(ProjectStatus.in_progress, ProjectAction.complete, unit).to is ProjectStatus.done
    assert decide(ProjectStatus.done, ProjectAction.rate, unit).refusal is Refusal.forbidden  # the community rates
    assert decide(ProjectStatus.done, ProjectAction.drop, community).refusal is Refusal.invalid_transition
    assert allowed_actions(ProjectStatus.dropped, {Party.community, Party.unit, Party.counterpart}) == []
    assert allowed_actions(ProjectStatus.done, community, rated=True) == []


def test_the_diagram_comes_from_the_table() -> None:
    text = mermaid()
    assert all(f"{s} --> {m.to}: {a}" in text for (s, a), m in TRANSITIONS.items())
