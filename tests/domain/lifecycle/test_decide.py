"""The lifecycle's core, one rule at a time: revisions in every agreed status, check-in links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.lifecycle import Decision, Rejection, SendMessage, decide
from domain.lifecycle import actions as act
from domain.lifecycle.checking_in import note_action_id
from domain.lifecycle.state import CommitmentState
from domain.messages.kinds import MessageKind
from domain.models import CheckInAnswer, CommitmentStatus
from tests.support.lifecycle_model import (
    ADMIN,
    MANAGER,
    OWNER,
    START,
    STRANGER,
    check_in_link,
    first_state,
)

NOW = START + timedelta(days=1)
AGREED = [
    CommitmentStatus.ACTIVE,
    CommitmentStatus.MISSED,
    CommitmentStatus.AWAITING_RETURN,
    CommitmentStatus.IN_CONVERSATION,
]


def _decided(state: CommitmentState, action: act.Action, actor: str) -> CommitmentState:
    outcome = decide(state, action, actor, NOW)
    assert isinstance(outcome, Decision), outcome
    return outcome.state


@pytest.mark.parametrize("status", AGREED)
@pytest.mark.parametrize(("proposer", "agreer"), [(OWNER, MANAGER), (MANAGER, OWNER)])
def test_a_revision_proposed_in_an_agreed_status_is_agreed_by_the_other_person(
    status: CommitmentStatus, proposer: str, agreer: str
) -> None:
    state = first_state().model_copy(update={"status": status})
    new_due = state.spec.due + timedelta(days=7)
    proposed = _decided(state, act.ProposeRevision(new_due=new_due, reason="Late data."), proposer)

    outcome = decide(proposed, act.AcceptRevision(), agreer, NOW)

    assert isinstance(outcome, Decision), outcome
    agreed = outcome.state
    assert agreed.status is CommitmentStatus.ACTIVE
    assert agreed.spec.due == new_due and agreed.pending_revision is None
    (revision,) = agreed.revisions
    assert (revision.old_due, revision.new_due) == (state.spec.due, new_due)
    entry = agreed.history[-1]
    assert entry.kind == "revision_agreed"
    assert "Late data." in entry.detail and state.spec.due.isoformat() in entry.detail
    told = [e.role for e in outcome.effects if isinstance(e, SendMessage)]
    assert sorted(told) == sorted(["owner", "manager"])
    assert all(
        e.kind is MessageKind.REVISION_AGREED for e in outcome.effects if isinstance(e, SendMessage)
    )


@pytest.mark.parametrize("who", [ADMIN, STRANGER])
def test_no_one_else_acts_on_a_commitment(who: str) -> None:
    state = first_state()
    for action in (act.Accept(), act.Release(), act.ProposeRevision(new_scope="Less.")):
        outcome = decide(state, action, who, NOW)
        assert isinstance(outcome, Rejection) and outcome.problem == "not-yours"


def test_a_rejected_action_changes_nothing() -> None:
    state = first_state()
    snapshot = state.model_dump()

    outcome = decide(state, act.AcceptRevision(), MANAGER, NOW)

    assert isinstance(outcome, Rejection) and outcome.leaves is None
    assert state.model_dump() == snapshot


def test_a_check_in_link_answers_once() -> None:
    active = _decided(first_state(), act.Accept(), OWNER)
    link = check_in_link(5, CheckInAnswer.AT_RISK)
    noted = _decided(
        active,
        act.AnswerCheckIn(CheckInAnswer.AT_RISK, "Data is late.", note_action_id(link)),
        OWNER,
    )
    again = _decided(noted, act.AnswerCheckIn(CheckInAnswer.AT_RISK, None, link), OWNER)
    assert [(c.answer, c.note) for c in again.check_ins] == [
        (CheckInAnswer.AT_RISK, "Data is late.")
    ]

    older = check_in_link(3, CheckInAnswer.ON_TRACK)
    stale = decide(again, act.AnswerCheckIn(CheckInAnswer.ON_TRACK, None, older), OWNER, NOW)
    assert isinstance(stale, Rejection) and stale.problem == "already-answered"


def test_a_note_joins_its_own_check_in_after_a_newer_answer() -> None:
    state = _decided(first_state(), act.Accept(), OWNER)
    first, second = (
        check_in_link(1, CheckInAnswer.ON_TRACK),
        check_in_link(2, CheckInAnswer.BLOCKED),
    )
    state = _decided(state, act.AnswerCheckIn(CheckInAnswer.ON_TRACK, None, first), OWNER)
    state = _decided(state, act.AnswerCheckIn(CheckInAnswer.BLOCKED, None, second), OWNER)

    state = _decided(
        state,
        act.AnswerCheckIn(CheckInAnswer.ON_TRACK, "Going well.", note_action_id(first)),
        OWNER,
    )

    assert [(c.answer, c.note) for c in state.check_ins] == [
        (CheckInAnswer.ON_TRACK, "Going well."),
        (CheckInAnswer.BLOCKED, None),
    ]
