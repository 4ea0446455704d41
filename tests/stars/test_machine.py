"""The star rating cycle as a pure function: every status × action × standing × facts, against the table."""

from __future__ import annotations

from itertools import chain, combinations, product

import pytest

from app.stars.machine import (
    TRANSITIONS,
    WHO_MAY,
    AssessmentAction,
    AssessmentStatus,
    Facts,
    Guard,
    Party,
    Refusal,
    allowed_actions,
    decide,
    mermaid,
)

STANDINGS = [frozenset(c) for c in chain.from_iterable(combinations(Party, n) for n in range(len(Party) + 1))]
FACTS = [Facts(s, r, o) for s, r, o in product((False, True), (False, True), (0, 2))]


def _holds(guard: Guard | None, facts: Facts) -> bool:
    return {
        None: True,
        Guard.all_scored: facts.all_scored,
        Guard.all_reviewed: facts.all_reviewed,
        Guard.no_open_objection: facts.open_objections == 0,
    }[guard]


@pytest.mark.parametrize(("status", "action"), list(product(AssessmentStatus, AssessmentAction)))
def test_every_move_is_the_tables(status: AssessmentStatus, action: AssessmentAction) -> None:
    for parties, facts in product(STANDINGS, FACTS):
        got = decide(status, action, parties, facts)
        move = TRANSITIONS.get((status, action))
        if not parties & WHO_MAY[action]:
            assert got.refusal is Refusal.forbidden
        elif move is None:
            assert got.refusal is Refusal.invalid_transition
        elif not parties & move.who:
            assert got.refusal is Refusal.forbidden
        elif not _holds(move.guard, facts):
            expected = Refusal.open_objection if move.guard is Guard.no_open_objection else Refusal.invalid_transition
            assert got.refusal is expected
        else:
            assert got.allowed and got.to is move.to
        assert got.allowed == (action in allowed_actions(status, parties, facts))


def test_the_cycle_reads_as_the_issue_says() -> None:
    ready = Facts(all_scored=True, all_reviewed=True)
    community, street, district = {Party.community}, {Party.street}, {Party.district}
    assert (
        decide(AssessmentStatus.draft, AssessmentAction.submit, community, Facts()).refusal
        is Refusal.invalid_transition
    )
    assert decide(AssessmentStatus.draft, AssessmentAction.submit, community, ready).to is AssessmentStatus.submitted
    assert (
        decide(AssessmentStatus.submitted, AssessmentAction.submit, community, ready).refusal
        is Refusal.invalid_transition
    )
    assert decide(AssessmentStatus.submitted, AssessmentAction.review, community, ready).refusal is Refusal.forbidden
    assert decide(AssessmentStatus.submitted, AssessmentAction.review, street, ready).to is AssessmentStatus.reviewed
    assert decide(AssessmentStatus.reviewed, AssessmentAction.approve, street, ready).refusal is Refusal.forbidden
    assert decide(AssessmentStatus.reviewed, AssessmentAction.approve, district, ready).to is AssessmentStatus.approved
    blocked = decide(AssessmentStatus.publicity, AssessmentAction.publish, district, Facts(open_objections=1))
    assert blocked.refusal is Refusal.open_objection
    assert (
        decide(AssessmentStatus.published, AssessmentAction.correct, district, ready).to is AssessmentStatus.published
    )
    assert allowed_actions(AssessmentStatus.published, community | street, ready) == []


def test_the_diagram_comes_from_the_table() -> None:
    text = mermaid()
    assert all(f"{s} --> {m.to}: {a}" in text for (s, a), m in TRANSITIONS.items())
