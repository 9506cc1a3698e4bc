"""The commitment's updates: what its owner and manager do, each validated before it applies.

A validator rejects a wrong action before anything is written to the history, so a refused
click changes nothing; an action carrying an id already applied (a link used twice) is
accepted and changes nothing either. Handlers change the state and queue messages; the main
loop (:mod:`workflows.commitment.workflow`) does the waiting and the talking.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.action_links import LinkAction
    from domain.messages.kinds import MessageKind
    from domain.models import (
        Actor,
        CheckIn,
        CheckInAnswer,
        CommitmentSpec,
        CommitmentStatus,
        RevisionProposal,
        require_due_in_future,
    )
    from workflows.commitment.contracts import (
        NOTE_SUFFIX,
        ActorAction,
        CheckInAnswerInput,
        CommitmentView,
        Complete,
        LetsTalk,
        ProposeRevision,
        Release,
        ReviseExpectation,
        Updates,
    )

from workflows.commitment.core import CommitmentCore, invalid
from workflows.commitment.courier import PendingMessage

_OPEN = frozenset(status for status in CommitmentStatus if not status.is_closed)


class CommitmentUpdates(CommitmentCore):
    """The nine updates people send a commitment, with their validators."""

    @workflow.update(name=Updates.ACCEPT)
    async def accept(self, action: ActorAction) -> CommitmentView:
        """The owner accepts the expectation."""
        if self._already_applied(action):
            return self.view()
        self._transition(CommitmentStatus.ACTIVE, Actor.OWNER, "accepted", action)
        return self.view()

    @accept.validator
    def _validate_accept(self, action: ActorAction) -> None:
        self._require(action, Actor.OWNER)
        self._require_status(
            action, CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.CLARIFYING
        )

    @workflow.update(name=Updates.LETS_TALK)
    async def lets_talk(self, request: LetsTalk) -> CommitmentView:
        """The owner wants to talk: about the expectation, or about how it is going."""
        if self._already_applied(request):
            return self.view()
        if self._state.status is CommitmentStatus.AWAITING_ACCEPTANCE:
            self._transition(CommitmentStatus.CLARIFYING, Actor.OWNER, "asked_to_talk", request)
        else:
            self._start_early_conversation(Actor.OWNER, request)
        return self.view()

    @lets_talk.validator
    def _validate_lets_talk(self, request: LetsTalk) -> None:
        self._require(request, Actor.OWNER)
        self._require_status(
            request,
            CommitmentStatus.AWAITING_ACCEPTANCE,
            CommitmentStatus.ACTIVE,
        )

    @workflow.update(name=Updates.REVISE_EXPECTATION)
    async def revise_expectation(self, change: ReviseExpectation) -> CommitmentView:
        """The manager revises the expectation; it goes back to the owner."""
        if self._already_applied(change):
            return self.view()
        old = self._state.spec
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
        self._state.spec = CommitmentSpec.model_validate({**old.model_dump(), **updates})
        proposal = RevisionProposal(
            old_due=old.due,
            new_due=self._state.spec.due,
            old_scope=old.success_criteria,
            new_scope=self._state.spec.success_criteria,
            reason=change.reason or "",
            proposed_by=Actor.MANAGER,
            at=workflow.now(),
        )
        self._state.reminders_sent = 0
        self._transition(
            CommitmentStatus.AWAITING_ACCEPTANCE, Actor.MANAGER, "expectation_revised", change
        )
        self._couriers.queue(
            PendingMessage(
                MessageKind.EXPECTATION_REVISED,
                Actor.OWNER,
                details={"changes": proposal.model_dump(mode="json")},
                actions={"accept_url": LinkAction.ACCEPT, "talk_url": LinkAction.TALK},
            )
        )
        return self.view()

    @revise_expectation.validator
    def _validate_revise_expectation(self, change: ReviseExpectation) -> None:
        self._require(change, Actor.MANAGER)
        self._require_status(
            change, CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.CLARIFYING
        )
        if change.title is not None and not change.title.strip():
            raise invalid("The title cannot be empty.")
        if change.due is not None:
            self._require_future(change.due)
        if (change.due is None or change.due == self._state.spec.due) and (
            change.success_criteria in (None, self._state.spec.success_criteria)
        ):
            raise invalid("A revised expectation changes the due date or what success looks like.")

    @workflow.update(name=Updates.CHECK_IN)
    async def check_in(self, answer: CheckInAnswerInput) -> CommitmentView:
        """The owner answers a check-in."""
        if self._already_applied(answer):
            return self.view()
        if self._is_note_for_last_check_in(answer):
            self._attach_note(answer)
            return self.view()
        self._state.check_ins.append(
            CheckIn(at=workflow.now(), answer=answer.answer, note=answer.note)
        )
        if answer.answer is CheckInAnswer.DONE:
            self._finish(answer.note, answer)
            return self.view()
        self._record(Actor.OWNER, f"check_in:{answer.answer.value}", "", answer)
        if answer.answer in (CheckInAnswer.AT_RISK, CheckInAnswer.BLOCKED):
            self._couriers.queue(
                PendingMessage(
                    MessageKind.MANAGER_HEADS_UP,
                    Actor.MANAGER,
                    details={"answer": answer.answer.value, "owner_note": answer.note},
                    actions={"conversation_url": LinkAction.REQUEST_CONVERSATION},
                    valid_in=frozenset({CommitmentStatus.ACTIVE}),
                )
            )
        self._epoch += 1
        return self.view()

    def _is_note_for_last_check_in(self, answer: CheckInAnswerInput) -> bool:
        action_id = answer.action_id or ""
        return (
            answer.note is not None
            and action_id.endswith(NOTE_SUFFIX)
            and self._state.has_applied(action_id.removesuffix(NOTE_SUFFIX))
            and bool(self._state.check_ins)
            and self._state.check_ins[-1].answer is answer.answer
        )

    def _attach_note(self, answer: CheckInAnswerInput) -> None:
        self._state.check_ins[-1] = self._state.check_ins[-1].model_copy(
            update={"note": answer.note}
        )
        self._record(Actor.OWNER, "check_in_note", "", answer)
        # A heads-up still waiting for the manager's working hours carries the note along.
        for pending in self._couriers.waiting_for(Actor.MANAGER):
            if pending.kind is MessageKind.MANAGER_HEADS_UP:
                pending.details["owner_note"] = answer.note

    @check_in.validator
    def _validate_check_in(self, answer: CheckInAnswerInput) -> None:
        self._require(answer, Actor.OWNER)
        self._require_status(answer, CommitmentStatus.ACTIVE)

    @workflow.update(name=Updates.COMPLETE)
    async def complete(self, done: Complete) -> CommitmentView:
        """The owner reports the work done."""
        if self._already_applied(done):
            return self.view()
        self._finish(done.note, done)
        return self.view()

    @complete.validator
    def _validate_complete(self, done: Complete) -> None:
        self._require(done, Actor.OWNER)
        self._require_open(done)

    @workflow.update(name=Updates.PROPOSE_REVISION)
    async def propose_revision(self, proposal: ProposeRevision) -> CommitmentView:
        """Either person proposes a new date or scope; the other agrees."""
        if self._already_applied(proposal):
            return self.view()
        role = self._role_of(proposal.actor)
        self._state.pending_revision = RevisionProposal(
            old_due=self._state.spec.due,
            new_due=proposal.new_due or self._state.spec.due,
            old_scope=self._state.spec.success_criteria,
            new_scope=proposal.new_scope or self._state.spec.success_criteria,
            reason=proposal.reason or "",
            proposed_by=role,
            at=workflow.now(),
        )
        self._record(role, "revision_proposed", proposal.reason or "", proposal)
        other = Actor.MANAGER if role is Actor.OWNER else Actor.OWNER
        self._couriers.queue(
            PendingMessage(
                MessageKind.REVISION_PROPOSED,
                other,
                details={"proposal": self._state.pending_revision.model_dump(mode="json")},
                actions={
                    "accept_url": LinkAction.ACCEPT_REVISION,
                    "talk_url": LinkAction.REQUEST_CONVERSATION
                    if other is Actor.MANAGER
                    else LinkAction.TALK,
                },
                valid_in=_OPEN,
            )
        )
        self._epoch += 1
        return self.view()

    @propose_revision.validator
    def _validate_propose_revision(self, proposal: ProposeRevision) -> None:
        self._role_of(proposal.actor)
        self._require_open(proposal)
        if self._state.status in (
            CommitmentStatus.AWAITING_ACCEPTANCE,
            CommitmentStatus.CLARIFYING,
        ):
            raise invalid("The expectation is not agreed yet; the manager can revise it directly.")
        if proposal.new_due is None and not proposal.new_scope:
            raise invalid("A revision needs a new due date or a new scope.")
        if proposal.new_due is not None:
            self._require_future(proposal.new_due)
        if proposal.new_due == self._state.spec.due and proposal.new_scope in (
            None,
            self._state.spec.success_criteria,
        ):
            raise invalid("The revision must change the due date or the scope.")

    @workflow.update(name=Updates.ACCEPT_REVISION)
    async def accept_revision(self, action: ActorAction) -> CommitmentView:
        """The other person agrees to the proposed revision; the commitment is active again."""
        if self._already_applied(action):
            return self.view()
        assert self._state.pending_revision is not None  # noqa: S101 - checked by the validator
        revision = self._state.pending_revision.accept(self._role_of(action.actor), workflow.now())
        self._state.revisions.append(revision)
        self._state.pending_revision = None
        self._state.spec = self._state.spec.model_copy(
            update={"due": revision.new_due, "success_criteria": revision.new_scope}
        )
        self._state.after_deadline = False
        self._transition(CommitmentStatus.ACTIVE, revision.accepted_by, "revision_agreed", action)
        for role in (Actor.OWNER, Actor.MANAGER):
            self._couriers.queue(
                PendingMessage(
                    MessageKind.REVISION_AGREED,
                    role,
                    details={"revision": revision.model_dump(mode="json")},
                )
            )
        return self.view()

    @accept_revision.validator
    def _validate_accept_revision(self, action: ActorAction) -> None:
        role = self._role_of(action.actor)
        self._require_open(action)
        if self._already_applied(action):
            return
        if self._state.pending_revision is None:
            raise invalid("There is no proposed revision to accept.")
        if self._state.pending_revision.proposed_by is role:
            raise invalid("A revision is agreed by the other person, not by whoever proposed it.")

    @workflow.update(name=Updates.REQUEST_CONVERSATION)
    async def request_conversation(self, action: ActorAction) -> CommitmentView:
        """The manager offers an early conversation: support before the deadline."""
        if self._already_applied(action):
            return self.view()
        self._start_early_conversation(Actor.MANAGER, action)
        return self.view()

    @request_conversation.validator
    def _validate_request_conversation(self, action: ActorAction) -> None:
        self._require(action, Actor.MANAGER)
        self._require_status(action, CommitmentStatus.ACTIVE)

    @workflow.update(name=Updates.RELEASE)
    async def release(self, release: Release) -> CommitmentView:
        """The manager releases the owner from the commitment."""
        if self._already_applied(release):
            return self.view()
        self._transition(CommitmentStatus.RELEASED, Actor.MANAGER, "released", release)
        self._couriers.queue(
            PendingMessage(MessageKind.RELEASED, Actor.OWNER, details={"reason": release.reason})
        )
        return self.view()

    @release.validator
    def _validate_release(self, release: Release) -> None:
        self._require(release, Actor.MANAGER)
        self._require_open(release)

    # ----- what each update requires ----------------------------------------------------

    def _already_applied(self, action: ActorAction) -> bool:
        return self._state.has_applied(action.action_id)

    def _role_of(self, email: str) -> Actor:
        lowered = email.strip().lower()
        if lowered == self._state.spec.owner.email:
            return Actor.OWNER
        if lowered == self._state.spec.manager.email:
            return Actor.MANAGER
        raise invalid("Only the owner or the manager of this commitment can act on it.")

    def _require(self, action: ActorAction, role: Actor) -> None:
        if self._role_of(action.actor) is not role:
            raise invalid(f"Only the commitment's {role.value} can do this.")

    def _require_status(self, action: ActorAction, *allowed: CommitmentStatus) -> None:
        if self._already_applied(action):
            return
        if self._state.status not in allowed:
            raise invalid(
                f"This commitment is {self._state.status.value.replace('_', ' ')} now, "
                "so nothing was changed."
            )

    def _require_open(self, action: ActorAction) -> None:
        if self._already_applied(action):
            return
        if self._state.status.is_closed:
            raise invalid(f"This commitment is already {self._state.status.value}.")

    def _require_future(self, due: datetime) -> None:
        if due.tzinfo is None:
            raise invalid("The due date needs a time zone offset.")
        try:
            require_due_in_future(due, workflow.now())
        except ValueError:
            raise invalid("The due date must be in the future.") from None
