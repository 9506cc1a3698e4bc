"""Support the other way up: promises of support, requests for it, and the promise's own life.

On an owner's commitment, the manager promises support (:func:`promise_support`), the owner
asks what would help (:func:`request_support`) and the manager answers
(:func:`answer_support_request`). A promise is a commitment of its own (``kind`` support,
owned by the manager, for the owner) that runs this same lifecycle with a few rules of its
own (:func:`refuse_on_support`, :func:`support_deadline`, :func:`support_kept`): it starts
agreed, has a reminder instead of check-ins, and a promise that slips is told to the person
it was for, plainly, with an offer to move their own date, instead of a conversation.
"""

from __future__ import annotations

from typing import Any

from domain.action_links import LinkAction
from domain.lifecycle import actions
from domain.lifecycle.agreeing import start_early_conversation
from domain.lifecycle.effects import SendMessage
from domain.lifecycle.rules import Draft, Refusal, require_future, require_open, require_status
from domain.lifecycle.state import CommitmentState
from domain.lifecycle.transitions import NOT_YET_AGREED
from domain.messages.kinds import MessageKind
from domain.models import Actor, CommitmentStatus
from domain.support import SupportAnswer, SupportPromise, SupportRequest

AGREED_AND_OPEN = (
    CommitmentStatus.ACTIVE,
    CommitmentStatus.MISSED,
    CommitmentStatus.AWAITING_RETURN,
    CommitmentStatus.IN_CONVERSATION,
)
# What a promise of support never does: it is agreed by the one who made it, has no
# check-ins to answer and no conversation of its own (that belongs to the owner's commitment).
_NOT_ON_SUPPORT: frozenset[type[Any]] = frozenset(
    {
        actions.Accept,
        actions.LetsTalk,
        actions.ReviseExpectation,
        actions.AnswerCheckIn,
        actions.RequestConversation,
        actions.PlanConversation,
        actions.OwnerReturned,
        actions.PromiseSupport,
        actions.RequestSupport,
        actions.AnswerSupportRequest,
    }
)
_ONLY_ON_OWNERS_WORK = (
    "This is a promise of support: only done, a new date or a release apply to it."
)
CHECK_IN_ACTIONS = {
    "on_track_url": LinkAction.CHECK_IN_ON_TRACK,
    "at_risk_url": LinkAction.CHECK_IN_AT_RISK,
    "blocked_url": LinkAction.CHECK_IN_BLOCKED,
    "done_url": LinkAction.DONE,
    "ask_support_url": LinkAction.REQUEST_SUPPORT,
}


def refuse_on_support(state: CommitmentState, action: actions.Action) -> None:
    """Refuse on a promise of support what only an owner's commitment does."""
    if state.is_support and type(action) in _NOT_ON_SUPPORT:
        raise Refusal(_ONLY_ON_OWNERS_WORK, "wrong-kind")


def check_in_message(state: CommitmentState) -> tuple[MessageKind, dict[str, LinkAction]]:
    """Return what the next scheduled contact with the owner is, and its links.

    An owner's commitment asks how it is going; a promise of support reminds the manager
    who made it, kindly, with one link to say it is done.
    """
    if state.is_support:
        return MessageKind.SUPPORT_REMINDER, {"done_url": LinkAction.DONE}
    return MessageKind.CHECK_IN, dict(CHECK_IN_ACTIONS)


def promise_support(draft: Draft, action: actions.PromiseSupport) -> None:
    """The manager promises support by a date; it becomes a commitment of their own."""
    require_open(draft)
    state = draft.state
    if any(promise.support_id == action.support_id for promise in state.support):
        return
    what = " ".join(action.what.split())
    if not what:
        raise Refusal("Say what the support is.", "invalid-input")
    require_future(action.due, draft.now)
    promise = SupportPromise(support_id=action.support_id, what=what, due=action.due, at=draft.now)
    state.support.append(promise)
    waiting = _open_request(state)
    if waiting is not None:
        index, request = waiting
        state.support_requests[index] = request.model_copy(
            update={
                "answer": SupportAnswer.PROMISED,
                "answered_at": draft.now,
                "support_id": action.support_id,
            }
        )
    draft.record("support_promised", f"{what}, by {action.due.isoformat()} ({action.support_id})")
    if state.status in NOT_YET_AGREED:
        # The expectation the owner is reading (or will read) already offers it.
        return
    draft.effects.append(
        SendMessage(
            MessageKind.SUPPORT_PROMISED,
            Actor.OWNER,
            details={"what": what, "support_due": action.due.isoformat()},
        )
    )


def request_support(draft: Draft, action: actions.RequestSupport) -> None:
    """The owner asks what would help, at a check-in or at any time once agreed."""
    require_status(draft, *AGREED_AND_OPEN)
    state = draft.state
    waiting = _open_request(state)
    if waiting is not None:
        # One request waits for an answer at a time: asking again adds the words, if any, and
        # the manager's one message (which shows them) is not sent twice.
        index, request = waiting
        if action.note is not None and action.note != request.note:
            state.support_requests[index] = request.model_copy(update={"note": action.note})
            draft.record("support_request_note", action.note)
        return
    state.support_requests.append(SupportRequest(at=draft.now, note=action.note))
    draft.record("support_requested", action.note or "")
    draft.effects.append(
        SendMessage(
            MessageKind.SUPPORT_REQUEST,
            Actor.MANAGER,
            details={"owner_note": action.note},
            actions={
                "promise_url": LinkAction.PROMISE_SUPPORT,
                "talk_url": LinkAction.SUPPORT_TALK,
                "not_possible_url": LinkAction.SUPPORT_NOT_POSSIBLE,
            },
        )
    )


def answer_support_request(draft: Draft, action: actions.AnswerSupportRequest) -> None:
    """The manager answers the owner's request: let's talk, or not possible (and why)."""
    require_open(draft)
    if action.answer is SupportAnswer.PROMISED:
        raise Refusal("A promise of support says what and by when.", "invalid-input")
    state = draft.state
    waiting = _open_request(state)
    if waiting is None:
        raise Refusal("There is no request for support waiting for an answer.", "nothing-to-agree")
    index, request = waiting
    state.support_requests[index] = request.model_copy(
        update={"answer": action.answer, "answered_at": draft.now, "reason": action.reason}
    )
    draft.record(f"support_answered:{action.answer.value}", action.reason or "")
    if action.answer is SupportAnswer.TALK:
        # The same offer as "Set up a conversation": an active commitment moves into one.
        if state.status is CommitmentStatus.ACTIVE:
            start_early_conversation(draft)
        return
    draft.effects.append(
        SendMessage(
            MessageKind.SUPPORT_DECLINED,
            Actor.OWNER,
            details={"reason": action.reason},
            actions={"move_date_url": LinkAction.MOVE_MY_DATE},
        )
    )


def support_deadline(draft: Draft) -> None:
    """A promise of support passed its date: told plainly to the person it was for."""
    draft.move_to(CommitmentStatus.MISSED, "support_slipped")
    missed = frozenset({CommitmentStatus.MISSED})
    draft.effects.append(
        SendMessage(
            MessageKind.SUPPORT_SLIPPED,
            Actor.MANAGER,
            actions={"move_date_url": LinkAction.MOVE_MY_DATE},
            valid_in=missed,
        )
    )
    draft.effects.append(
        SendMessage(
            MessageKind.SUPPORT_REMINDER,
            Actor.OWNER,
            details={"after_due": True},
            actions={"done_url": LinkAction.DONE},
            valid_in=missed,
        )
    )


def supported_work_ended(draft: Draft, event: actions.SupportedWorkEnded) -> None:
    """The work a promise was for has ended: its maker hears so, instead of a reminder."""
    if not draft.state.is_support:
        raise Refusal("Only a promise of support ends with the work it supports.", "wrong-kind")
    require_open(draft)
    draft.move_to(CommitmentStatus.RELEASED, "supported_work_ended")
    draft.effects.append(
        SendMessage(
            MessageKind.SUPPORT_ENDED,
            Actor.OWNER,
            details={"supported_title": event.title, "supported_done": event.done},
        )
    )


def support_kept(draft: Draft) -> None:
    """A promise of support is done: the person it was for hears so."""
    draft.effects.append(
        SendMessage(
            MessageKind.SUPPORT_KEPT,
            Actor.MANAGER,
            details={"completed_at": draft.now.isoformat()},
        )
    )


def _open_request(state: CommitmentState) -> tuple[int, SupportRequest] | None:
    for index in range(len(state.support_requests) - 1, -1, -1):
        request = state.support_requests[index]
        if request.answer is None:
            return index, request
    return None
