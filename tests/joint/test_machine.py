"""The joint project machine as a pure function: every status × action × standing, against the table."""

from __future__ import annotations

from itertools import chain, combinations, product

import pytest

from app.joint.machine import (
    TRANSITIONS,
    WHO_MAY,
    Action,
    Party,
    Refusal,
    Status,
    allowed_actions,
    decide,
    mermaid,
)

STANDINGS = [frozenset(c) for c in chain.from_iterable(combinations(Party, n) for n in range(len(Party) + 1))]


@pytest.mark.parametrize(("status", "action"), list(product(Status, Action)))
def test_every_move_is_the_tables(status: Status, action: Action) -> None:
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
            elif action is Action.rate and rated:
                assert got.refusal is Refusal.invalid_transition
            else:
                assert got.allowed and got.to is move.to
            assert got.allowed == (action in allowed_actions(status, parties, rated))


def test_the_lifecycle_reads_as_the_issue_says() -> None:
    community, unit = {Party.community}, {Party.unit}
    assert decide(Status.proposed, Action.confirm, unit).refusal is Refusal.forbidden  # the proposer does not confirm
    assert decide(Status.proposed, Action.confirm, {Party.community, Party.counterpart}).to is Status.agreed
    assert decide(Status.agreed, Action.start, unit).to is Status.in_progress
    assert decide(Status.in_progress, Action.progress, community).to is Status.in_progress
    assert decide(Status.in_progress, Action.complete, unit).to is Status.done
    assert decide(Status.done, Action.rate, unit).refusal is Refusal.forbidden  # the community rates
    assert decide(Status.done, Action.drop, community).refusal is Refusal.invalid_transition
    assert allowed_actions(Status.dropped, {Party.community, Party.unit, Party.counterpart}) == []
    assert allowed_actions(Status.done, community, rated=True) == []


def test_the_diagram_comes_from_the_table() -> None:
    text = mermaid()
    assert all(f"{s} --> {m.to}: {a}" in text for (s, a), m in TRANSITIONS.items())
