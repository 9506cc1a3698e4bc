"""The lifecycle's map of statuses: which may follow which."""

from __future__ import annotations

from domain.lifecycle import ALLOWED_TRANSITIONS, can_transition
from domain.lifecycle.transitions import LEGACY_TRANSITIONS
from domain.models import CommitmentStatus


def test_closed_statuses_have_no_way_out() -> None:
    assert CommitmentStatus.DONE.is_closed
    assert CommitmentStatus.RELEASED.is_closed
    assert not CommitmentStatus.ACTIVE.is_closed
    assert not can_transition(CommitmentStatus.DONE, CommitmentStatus.ACTIVE)
    assert not can_transition(CommitmentStatus.RELEASED, CommitmentStatus.ACTIVE)


def test_every_open_status_can_finish_or_be_released() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(CommitmentStatus)
    for status in CommitmentStatus:
        if not status.is_closed:
            assert can_transition(status, CommitmentStatus.DONE)
            assert can_transition(status, CommitmentStatus.RELEASED)


def test_lifecycle_follows_the_conversation() -> None:
    assert can_transition(CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.CLARIFYING)
    assert can_transition(CommitmentStatus.CLARIFYING, CommitmentStatus.AWAITING_ACCEPTANCE)
    assert can_transition(CommitmentStatus.ACTIVE, CommitmentStatus.MISSED)
    assert can_transition(CommitmentStatus.MISSED, CommitmentStatus.IN_CONVERSATION)
    assert can_transition(CommitmentStatus.IN_CONVERSATION, CommitmentStatus.ACTIVE)
    assert not can_transition(CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.MISSED)


def test_an_agreed_revision_makes_every_agreed_open_status_active_again() -> None:
    for status in (CommitmentStatus.MISSED, CommitmentStatus.AWAITING_RETURN):
        assert can_transition(status, CommitmentStatus.ACTIVE)
        assert not can_transition(status, CommitmentStatus.ACTIVE, LEGACY_TRANSITIONS)
