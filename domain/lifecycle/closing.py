"""Conversations and endings: the manager offers support or releases; Accord notices a miss."""

from __future__ import annotations

from domain.lifecycle import supporting
from domain.lifecycle.actions import (
    DeadlineReached,
    OwnerReturned,
    PlanConversation,
    Release,
    RequestConversation,
)
from domain.lifecycle.agreeing import start_early_conversation
from domain.lifecycle.effects import SendMessage
from domain.lifecycle.rules import Draft, require_open, require_status
from domain.messages.kinds import MessageKind
from domain.models import Actor, CommitmentStatus


def request_conversation(draft: Draft, action: RequestConversation) -> None:
    """The manager offers an early conversation: support before the deadline."""
    del action
    require_status(draft, CommitmentStatus.ACTIVE)
    start_early_conversation(draft)


def release(draft: Draft, action: Release) -> None:
    """The manager releases the owner from the commitment, from any open status."""
    require_open(draft)
    draft.move_to(CommitmentStatus.RELEASED, "released")
    draft.effects.append(
        SendMessage(MessageKind.RELEASED, Actor.OWNER, details={"reason": action.reason})
    )


def deadline_reached(draft: Draft, event: DeadlineReached) -> None:
    """The deadline passed: missed, or (the owner away) waiting for their return."""
    require_status(draft, CommitmentStatus.ACTIVE)
    if draft.state.is_support:
        # A promise of support is told plainly to the person it was for, even while the
        # one who made it is away: they are the one left waiting.
        supporting.support_deadline(draft)
        return
    if not event.owner_away:
        draft.move_to(CommitmentStatus.MISSED, "deadline_passed")
        return
    draft.move_to(CommitmentStatus.AWAITING_RETURN, "deadline_in_absence")
    draft.effects.append(
        SendMessage(
            MessageKind.ABSENCE_NOTICE,
            Actor.MANAGER,
            details={"back_on": event.back_on.isoformat() if event.back_on else None},
        )
    )


def owner_returned(draft: Draft, event: OwnerReturned) -> None:
    """The owner is back after a deadline passed in their absence: now it counts as missed."""
    del event
    require_status(draft, CommitmentStatus.AWAITING_RETURN)
    draft.move_to(CommitmentStatus.MISSED, "owner_returned")


def plan_conversation(draft: Draft, event: PlanConversation) -> None:
    """After a miss, the supportive conversation is planned."""
    del event
    require_status(draft, CommitmentStatus.MISSED)
    draft.state.after_deadline = True
    draft.move_to(CommitmentStatus.IN_CONVERSATION, "conversation_planned")
