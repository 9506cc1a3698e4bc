"""Agreeing the expectation: the owner accepts or asks to talk; the manager revises it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from domain.action_links import LinkAction
from domain.lifecycle.actions import Accept, LetsTalk, ReviseExpectation
from domain.lifecycle.effects import SendMessage
from domain.lifecycle.rules import Draft, Refusal, require_future, require_status
from domain.lifecycle.transitions import NOT_YET_AGREED
from domain.messages.kinds import MessageKind
from domain.models import Actor, CommitmentSpec, CommitmentStatus, RevisionProposal


def accept(draft: Draft, action: Accept) -> None:
    """The owner accepts the expectation, while it is being agreed."""
    del action
    require_status(draft, *NOT_YET_AGREED)
    draft.move_to(CommitmentStatus.ACTIVE, "accepted")


def lets_talk(draft: Draft, action: LetsTalk) -> None:
    """The owner asks to talk: before accepting (clarifying), or early, once active."""
    del action
    require_status(draft, CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.ACTIVE)
    if draft.state.status is CommitmentStatus.AWAITING_ACCEPTANCE:
        draft.move_to(CommitmentStatus.CLARIFYING, "asked_to_talk")
    else:
        start_early_conversation(draft)


def start_early_conversation(draft: Draft) -> None:
    """Move an active commitment into a conversation before its deadline."""
    draft.state.after_deadline = False
    draft.move_to(CommitmentStatus.IN_CONVERSATION, "conversation_requested")


def revise_expectation(draft: Draft, change: ReviseExpectation) -> None:
    """The manager changes the expectation while it is being agreed; it goes back to the owner."""
    require_status(draft, *NOT_YET_AGREED)
    old = draft.state.spec
    if change.title is not None and not change.title.strip():
        raise Refusal("The title cannot be empty.", "invalid-input")
    if change.due is not None:
        require_future(change.due, draft.now)
    if (change.due is None or change.due == old.due) and (
        change.success_criteria in (None, old.success_criteria)
    ):
        raise Refusal(
            "A revised expectation changes the due date or what success looks like.",
            "invalid-input",
        )
    updates: dict[str, Any] = {
        name: value
        for name, value in (
            ("title", change.title),
            ("description", change.description),
            ("success_criteria", change.success_criteria),
            ("due", change.due),
            ("support", change.support),
        )
        if value is not None
    }
    try:
        spec = CommitmentSpec.model_validate({**old.model_dump(), **updates})
    except ValidationError as exc:
        problems = "; ".join(str(error["msg"]) for error in exc.errors())
        raise Refusal(
            f"The revised expectation is not valid: {problems}.", "invalid-input"
        ) from None
    draft.state.spec = spec
    proposal = RevisionProposal(
        old_due=old.due,
        new_due=spec.due,
        old_scope=old.success_criteria,
        new_scope=spec.success_criteria,
        reason=change.reason or "",
        proposed_by=Actor.MANAGER,
        at=draft.now,
    )
    draft.state.reminders_sent = 0
    draft.move_to(CommitmentStatus.AWAITING_ACCEPTANCE, "expectation_revised")
    draft.effects.append(
        SendMessage(
            MessageKind.EXPECTATION_REVISED,
            Actor.OWNER,
            details={"changes": proposal.model_dump(mode="json")},
            actions={"accept_url": LinkAction.ACCEPT, "talk_url": LinkAction.TALK},
        )
    )
