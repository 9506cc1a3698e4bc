"""Support the other way up, in the core: promises, requests, and a promise's own life."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.action_links import LinkAction
from domain.lifecycle import Decision, Rejection, SendMessage, StatusChanged, decide
from domain.lifecycle import actions as act
from domain.lifecycle.supporting import check_in_message
from domain.messages.cards import CARD_ACTIONS
from domain.messages.kinds import MessageKind
from domain.models import Actor, CheckInAnswer, CommitmentStatus
from domain.support import (
    NOT_POSSIBLE_ALLOWANCE,
    SLIP_ALLOWANCE_MIN,
    SupportAnswer,
    suggested_new_due,
    support_reminder_times,
)
from tests.support.lifecycle_model import (
    MANAGER,
    OWNER,
    START,
    STRANGER,
    first_state,
    first_support_state,
)


def _accepted() -> Decision:
    outcome = decide(first_state(), act.Accept(), OWNER, START)
    assert isinstance(outcome, Decision)
    return outcome


def _messages(outcome: Decision) -> list[SendMessage]:
    return [effect for effect in outcome.effects if isinstance(effect, SendMessage)]


def test_support_commitment_starts_agreed_and_is_recalled_not_checked_in() -> None:
    support = first_support_state()
    assert support.status is CommitmentStatus.ACTIVE
    assert (support.spec.owner.email, support.spec.manager.email) == (MANAGER, OWNER)
    assert check_in_message(support) == (
        MessageKind.SUPPORT_REMINDER,
        {"done_url": LinkAction.DONE},
    )
    assert check_in_message(first_state())[0] is MessageKind.CHECK_IN
    # Check-ins and conversations belong to the owner's commitment, never to the promise.
    for action, actor in (
        (act.AnswerCheckIn(CheckInAnswer.BLOCKED), MANAGER),
        (act.RequestConversation(), OWNER),
        (act.LetsTalk(), MANAGER),
        (act.PlanConversation(), Actor.SYSTEM),
    ):
        refused = decide(support, action, actor, START)
        assert isinstance(refused, Rejection), action


def test_support_request_can_be_asked_from_every_check_in_email_or_card() -> None:
    kind, links = check_in_message(first_state())
    assert links["ask_support_url"] is LinkAction.REQUEST_SUPPORT
    # Every button of a check-in is one a Teams card carries, so it still goes as a card.
    assert set(links.values()) <= CARD_ACTIONS
    assert set(check_in_message(first_support_state())[1].values()) <= CARD_ACTIONS
    assert kind is MessageKind.CHECK_IN


def test_support_commitment_slipping_tells_the_person_it_was_for_and_plans_no_talk() -> None:
    support = first_support_state()
    late = support.spec.due + timedelta(hours=5)

    slipped = decide(support, act.DeadlineReached(owner_away=True), Actor.SYSTEM, late)

    assert isinstance(slipped, Decision)
    assert slipped.state.status is CommitmentStatus.MISSED
    told = {(m.kind, m.role): m.actions for m in _messages(slipped)}
    assert told == {
        (MessageKind.SUPPORT_SLIPPED, Actor.MANAGER): {"move_date_url": LinkAction.MOVE_MY_DATE},
        (MessageKind.SUPPORT_REMINDER, Actor.OWNER): {"done_url": LinkAction.DONE},
    }
    assert isinstance(decide(slipped.state, act.PlanConversation(), Actor.SYSTEM, late), Rejection)
    kept = decide(slipped.state, act.Complete(), MANAGER, late + timedelta(days=1))
    assert isinstance(kept, Decision)
    assert [m.kind for m in _messages(kept)] == [MessageKind.SUPPORT_KEPT]
    assert kept.state.history[-1].kind == "done_late"


def test_support_request_comes_only_from_the_owner_and_goes_to_the_manager() -> None:
    active = _accepted().state
    for someone in (MANAGER, STRANGER):
        assert isinstance(decide(active, act.RequestSupport("Help"), someone, START), Rejection)

    asked = decide(active, act.RequestSupport("Time with finance"), OWNER, START)

    assert isinstance(asked, Decision)
    (message,) = _messages(asked)
    assert (message.kind, message.role) == (MessageKind.SUPPORT_REQUEST, Actor.MANAGER)
    assert set(message.actions.values()) == {
        LinkAction.PROMISE_SUPPORT,
        LinkAction.SUPPORT_TALK,
        LinkAction.SUPPORT_NOT_POSSIBLE,
    }
    # Asking again before an answer adds the words, not a second message.
    again = decide(asked.state, act.RequestSupport("Finance sign-off"), OWNER, START)
    assert isinstance(again, Decision)
    assert not _messages(again)
    assert [r.note for r in again.state.support_requests] == ["Finance sign-off"]


def test_support_request_answers_talk_not_possible_and_a_promise() -> None:
    asked = decide(_accepted().state, act.RequestSupport(), OWNER, START)
    assert isinstance(asked, Decision)

    talk = decide(asked.state, act.AnswerSupportRequest(SupportAnswer.TALK), MANAGER, START)
    declined = decide(
        asked.state,
        act.AnswerSupportRequest(SupportAnswer.NOT_POSSIBLE, "Quarter close."),
        MANAGER,
        START,
    )
    promised = decide(
        asked.state,
        act.PromiseSupport("s-1", "Ask finance", START + timedelta(days=2)),
        MANAGER,
        START,
    )

    assert isinstance(talk, Decision)
    assert StatusChanged(CommitmentStatus.ACTIVE, CommitmentStatus.IN_CONVERSATION) in talk.effects
    assert isinstance(declined, Decision)
    (message,) = _messages(declined)
    assert (message.kind, message.actions) == (
        MessageKind.SUPPORT_DECLINED,
        {"move_date_url": LinkAction.MOVE_MY_DATE},
    )
    assert isinstance(promised, Decision)
    (request,) = promised.state.support_requests
    assert (request.answer, request.support_id) == (SupportAnswer.PROMISED, "s-1")
    assert [m.kind for m in _messages(promised)] == [MessageKind.SUPPORT_PROMISED]
    # Nothing is left to answer.
    again = decide(promised.state, act.AnswerSupportRequest(SupportAnswer.TALK), MANAGER, START)
    assert isinstance(again, Rejection)


def test_support_commitment_promised_before_acceptance_sends_nothing_more() -> None:
    promised = decide(
        first_state(),
        act.PromiseSupport("s-1", "Ask finance", START + timedelta(days=2)),
        MANAGER,
        START,
    )
    assert isinstance(promised, Decision)
    assert not _messages(promised)  # the expectation already offers it
    refused = decide(
        first_state(), act.PromiseSupport("s-2", "Mine", START + timedelta(days=2)), OWNER, START
    )
    assert isinstance(refused, Rejection)


_INSTANTS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
)


@given(owner_due=_INSTANTS, support_due=st.none() | _INSTANTS, now=_INSTANTS)
def test_support_commitment_slip_moves_the_owners_date_later_from_today(
    owner_due: datetime, support_due: datetime | None, now: datetime
) -> None:
    new_due = suggested_new_due(owner_due, support_due, now)
    allowance = NOT_POSSIBLE_ALLOWANCE if support_due is None else SLIP_ALLOWANCE_MIN
    assert new_due >= max(owner_due, now) + allowance
    if support_due is not None:
        assert new_due >= owner_due + (now - support_due)


@given(promised=_INSTANTS, lead=st.integers(min_value=0, max_value=24 * 30))
def test_support_commitment_reminder_comes_a_day_before_or_not_at_all(
    promised: datetime, lead: int
) -> None:
    due = promised + timedelta(hours=lead)
    times = support_reminder_times(promised, due)
    assert times == ([due - timedelta(days=1)] if lead > 24 else [])


def test_support_commitment_new_date_is_agreed_without_a_conversation_link() -> None:
    support = first_support_state()
    moved = decide(
        support, act.ProposeRevision(new_due=support.spec.due + timedelta(days=2)), MANAGER, START
    )
    assert isinstance(moved, Decision)
    (message,) = _messages(moved)
    assert (message.kind, message.role) == (MessageKind.REVISION_PROPOSED, Actor.MANAGER)
    assert message.actions == {"accept_url": LinkAction.ACCEPT_REVISION}
    agreed = decide(moved.state, act.AcceptRevision(), OWNER, START)
    assert isinstance(agreed, Decision)
    assert agreed.state.spec.due == support.spec.due + timedelta(days=2)
