"""Check-ins and completion: one answer per check-in link, a note joins its own check-in.

A check-in link's id names the message it came in: ``<commitment>:<sequence>:check_in:<field>``
(the sequence counts the commitment's messages). All the answer links of one message answer
one check-in; once a message is answered, its links and those of older messages are stale.
A note travels after its answer under ``<link id>:note`` and joins the check-in recorded under
the link's id, whatever came after it.
"""

from __future__ import annotations

import dataclasses
import re

from domain.action_links import LinkAction
from domain.lifecycle import supporting
from domain.lifecycle.actions import AnswerCheckIn, Complete
from domain.lifecycle.effects import NoteForWaitingHeadsUp, Replan, SendMessage
from domain.lifecycle.rules import Draft, Refusal, require_open, require_status
from domain.messages.kinds import MessageKind
from domain.models import Actor, CheckIn, CheckInAnswer, CommitmentStatus

NOTE_SUFFIX = ":note"
_PROMPT = re.compile(rf":(?P<sequence>\d+):{MessageKind.CHECK_IN.value}:[a-z_]+$")
ALREADY_ANSWERED = "This check-in was already answered, so nothing was changed."


def note_action_id(action_id: str) -> str:
    """Return the action id of a note added to the check-in that ``action_id`` recorded."""
    return f"{action_id}{NOTE_SUFFIX}"


def prompt_of(action_id: str | None) -> int | None:
    """Return the sequence number of the check-in message a link came in, if it came in one."""
    found = _PROMPT.search(action_id or "")
    return int(found["sequence"]) if found else None


def check_in(draft: Draft, answer: AnswerCheckIn) -> None:
    """The owner answers a check-in (or adds a note to an answer already recorded)."""
    action_id = answer.action_id or ""
    if draft.rules.one_answer_per_check_in:
        base = action_id.removesuffix(NOTE_SUFFIX)
        if base and base in draft.state.check_in_ids:
            # The link was answered already: only its own note may still join it.
            if answer.note is not None and action_id != base:
                require_open(draft)
                _attach_note(draft, draft.state.check_in_ids[base], answer.note)
            return
        require_status(draft, CommitmentStatus.ACTIVE)
        prompt = prompt_of(base)
        answered = draft.state.answered_prompt
        if prompt is not None and answered is not None and prompt <= answered:
            raise Refusal(ALREADY_ANSWERED, "already-answered")
        if prompt is not None:
            draft.state.answered_prompt = prompt
        if base:
            draft.state.check_in_ids[base] = len(draft.state.check_ins)
            # The note's own id (if it came with the answer) is spent too.
            draft.state.mark_applied(action_id)
            draft.action_id = base
    else:
        require_status(draft, CommitmentStatus.ACTIVE)
        if _is_legacy_note_for_last_check_in(draft, answer):
            _attach_note(draft, len(draft.state.check_ins) - 1, answer.note)
            return
    _record_answer(draft, answer)


def _record_answer(draft: Draft, answer: AnswerCheckIn) -> None:
    draft.state.check_ins.append(CheckIn(at=draft.now, answer=answer.answer, note=answer.note))
    if answer.answer is CheckInAnswer.DONE:
        finish(draft, answer.note)
        return
    draft.record(f"check_in:{answer.answer.value}")
    if answer.answer in (CheckInAnswer.AT_RISK, CheckInAnswer.BLOCKED):
        draft.effects.append(
            SendMessage(
                MessageKind.MANAGER_HEADS_UP,
                Actor.MANAGER,
                details={"answer": answer.answer.value, "owner_note": answer.note},
                actions={"conversation_url": LinkAction.REQUEST_CONVERSATION},
                valid_in=frozenset({CommitmentStatus.ACTIVE}),
            )
        )
    draft.effects.append(Replan())


def _is_legacy_note_for_last_check_in(draft: Draft, answer: AnswerCheckIn) -> bool:
    action_id = answer.action_id or ""
    state = draft.state
    return (
        answer.note is not None
        and action_id.endswith(NOTE_SUFFIX)
        and state.has_applied(action_id.removesuffix(NOTE_SUFFIX))
        and bool(state.check_ins)
        and state.check_ins[-1].answer is answer.answer
    )


def _attach_note(draft: Draft, index: int, note: str | None) -> None:
    draft.state.check_ins[index] = dataclasses.replace(draft.state.check_ins[index], note=note)
    draft.record("check_in_note")
    draft.effects.append(NoteForWaitingHeadsUp(note))


def complete(draft: Draft, done: Complete) -> None:
    """The owner reports the work done, from any open status."""
    require_open(draft)
    finish(draft, done.note)


def finish(draft: Draft, note: str | None) -> None:
    """Close the commitment as done (on time or late) and thank the owner, tell the manager."""
    completed_at = draft.now
    draft.state.completed_at = completed_at
    on_time = completed_at <= draft.state.spec.due
    draft.move_to(CommitmentStatus.DONE, "done_on_time" if on_time else "done_late")
    if draft.state.is_support:
        supporting.support_kept(draft)
        return
    details = {"completed_at": completed_at.isoformat()}
    draft.effects.append(SendMessage(MessageKind.DONE_THANKS, Actor.OWNER, details=dict(details)))
    draft.effects.append(
        SendMessage(MessageKind.DONE_NOTICE, Actor.MANAGER, details={**details, "owner_note": note})
    )
