"""The machine table, exhaustively: every status × action × set of parties × guard facts, checked against an
independent transcription of the contract's transition table (not read from the code's table)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from app.config import Settings
from app.wishes import machine
from app.wishes.machine import Action, Facts, Party, Refusal, Status

# The contract's table, row by row: (from, action) → (to, who). `code_scanner`: 首问负责, the resident's order
# through a member's service QR code dispatching itself to that member (README, Wishes).
CONTRACT = {
    ("ordered", "dispatch"): ("dispatched", {"manager", "code_scanner"}),
    ("dispatched", "recall"): ("ordered", {"manager"}),
    ("dispatched", "accept"): ("accepted", {"assignee", "candidate"}),
    ("dispatched", "decline"): ("ordered", {"assignee"}),
    ("accepted", "decline"): ("ordered", {"assignee"}),
    ("accepted", "complete"): ("done", {"assignee"}),
    ("ordered", "reject"): ("rejected", {"manager"}),
    ("ordered", "cancel"): ("cancelled", {"resident"}),
    ("dispatched", "cancel"): ("cancelled", {"resident"}),
    ("done", "rate"): ("done", {"resident"}),
    ("done", "reopen"): ("ordered", {"resident"}),
}
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
# The contract's reopen window, "done, within 7 days": REOPEN_DAYS's default (see test_reopen_days_default_...).
WINDOW = timedelta(days=7)
PARTY_SETS = [frozenset(c) for n in range(len(Party) + 1) for c in itertools.combinations(list(Party), n)]
FACTS = {
    "fresh": Facts(rated=False, done_at=NOW - timedelta(days=1), now=NOW, reopen_window=WINDOW),
    "rated": Facts(rated=True, done_at=NOW - timedelta(days=1), now=NOW, reopen_window=WINDOW),
    "stale": Facts(rated=False, done_at=NOW - timedelta(days=8), now=NOW, reopen_window=WINDOW),
    "taken": Facts(taken_by_other=True, done_at=NOW - timedelta(days=1), now=NOW, reopen_window=WINDOW),
}


def expected(status: str, action: str, parties: frozenset[Party], facts_name: str) -> tuple[str | None, Refusal | None]:
    who_ever = set().union(*(who for (_, a), (_, who) in CONTRACT.items() if a == action))
    if not {str(p) for p in parties} & who_ever:
        return None, Refusal.forbidden
    if action == "accept" and facts_name == "taken" and Party.candidate in parties:
        return None, Refusal.already_taken
    row = CONTRACT.get((status, action))
    if row is None:
        return None, Refusal.invalid_transition
    to, who = row
    if not {str(p) for p in parties} & who:
        return None, Refusal.forbidden
    if action == "rate" and facts_name == "rated":
        return None, Refusal.invalid_transition
    if action == "reopen" and facts_name == "stale":
        return None, Refusal.invalid_transition
    return to, None


@pytest.mark.parametrize("facts_name", list(FACTS))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(Status))
def test_every_status_action_and_party_set(status: Status, action: Action, facts_name: str) -> None:
    for parties in PARTY_SETS:
        decision = machine.decide(status, action, parties, FACTS[facts_name])
        to, refusal = expected(status, action, parties, facts_name)
        assert (decision.to, decision.refusal) == (to, refusal), (status, action, sorted(parties), facts_name)


def test_allowed_actions_is_the_table_for_each_party() -> None:
    fresh = FACTS["fresh"]
    assert machine.allowed_actions(Status.ordered, {Party.resident}, fresh) == [Action.cancel]
    assert machine.allowed_actions(Status.ordered, {Party.manager}, fresh) == [Action.dispatch, Action.reject]
    assert machine.allowed_actions(Status.dispatched, {Party.assignee}, fresh) == [Action.accept, Action.decline]
    assert machine.allowed_actions(Status.done, {Party.resident}, fresh) == [Action.rate, Action.reopen]
    assert machine.allowed_actions(Status.done, {Party.resident}, FACTS["stale"]) == [Action.rate]
    for terminal in (Status.rejected, Status.cancelled):
        assert machine.allowed_actions(terminal, set(Party), fresh) == []


def test_the_reopen_window_ends_exactly_at_seven_days() -> None:
    edge = Facts(done_at=NOW - timedelta(days=7), now=NOW, reopen_window=WINDOW)
    past = Facts(done_at=NOW - timedelta(days=7, seconds=1), now=NOW, reopen_window=WINDOW)
    assert machine.decide(Status.done, Action.reopen, {Party.resident}, edge).allowed
    assert not machine.decide(Status.done, Action.reopen, {Party.resident}, past).allowed


def test_code_table_matches_contract_table() -> None:
    code = {(str(s), str(a)): (str(m.to), {str(p) for p in m.who}) for (s, a), m in machine.TRANSITIONS.items()}
    assert code == CONTRACT


def test_reopen_days_default_is_the_contracts() -> None:
    assert timedelta(days=Settings.model_fields["reopen_days"].default) == WINDOW


def test_no_reopen_without_a_window() -> None:
    """The window is REOPEN_DAYS, given by the caller: the machine has no second default of its own."""
    unknown = Facts(done_at=NOW - timedelta(days=1), now=NOW)
    assert not machine.decide(Status.done, Action.reopen, {Party.resident}, unknown).allowed
