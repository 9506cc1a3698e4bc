"""The commitment's updates: what its owner and manager do, decided by the lifecycle's core.

Each update's validator and its handler ask the same pure core
(:func:`domain.lifecycle.decide`): the validator refuses what the core refuses before
anything reaches the history, and the handler applies what the core decides, so a refused
action changes nothing by construction. An action carrying an id already applied (a link
used twice, a retried request) is accepted and changes nothing either.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.lifecycle import actions
    from domain.models import Actor
    from workflows.commitment.contracts import (
        SUPPORTED_WORK_ENDED_SIGNAL,
        ActorAction,
        AnswerSupportRequest,
        CheckInAnswerInput,
        CommitmentView,
        Complete,
        LetsTalk,
        PromiseSupport,
        ProposeRevision,
        Release,
        RequestSupport,
        ReviseExpectation,
        SupportedWorkEnded,
        Updates,
    )

from workflows.commitment.core import CommitmentCore


class CommitmentUpdates(CommitmentCore):
    """The twelve updates people send a commitment, with their validators."""

    @workflow.update(name=Updates.ACCEPT)
    async def accept(self, action: ActorAction) -> CommitmentView:
        """The owner accepts the expectation."""
        return self._apply(actions.Accept(action.action_id), action.actor)

    @accept.validator
    def _validate_accept(self, action: ActorAction) -> None:
        self._check(actions.Accept(action.action_id), action.actor)

    @workflow.update(name=Updates.LETS_TALK)
    async def lets_talk(self, request: LetsTalk) -> CommitmentView:
        """The owner wants to talk: about the expectation, or about how it is going."""
        return self._apply(actions.LetsTalk(request.action_id), request.actor)

    @lets_talk.validator
    def _validate_lets_talk(self, request: LetsTalk) -> None:
        self._check(actions.LetsTalk(request.action_id), request.actor)

    @workflow.update(name=Updates.REVISE_EXPECTATION)
    async def revise_expectation(self, change: ReviseExpectation) -> CommitmentView:
        """The manager revises the expectation; it goes back to the owner."""
        return self._apply(_revised(change), change.actor)

    @revise_expectation.validator
    def _validate_revise_expectation(self, change: ReviseExpectation) -> None:
        self._check(_revised(change), change.actor)

    @workflow.update(name=Updates.CHECK_IN)
    async def check_in(self, answer: CheckInAnswerInput) -> CommitmentView:
        """The owner answers a check-in (or adds a note to the answer of the same link)."""
        return self._apply(_answer(answer), answer.actor)

    @check_in.validator
    def _validate_check_in(self, answer: CheckInAnswerInput) -> None:
        self._check(_answer(answer), answer.actor)

    @workflow.update(name=Updates.COMPLETE)
    async def complete(self, done: Complete) -> CommitmentView:
        """The owner reports the work done."""
        return self._apply(actions.Complete(done.note, done.action_id), done.actor)

    @complete.validator
    def _validate_complete(self, done: Complete) -> None:
        self._check(actions.Complete(done.note, done.action_id), done.actor)

    @workflow.update(name=Updates.PROPOSE_REVISION)
    async def propose_revision(self, proposal: ProposeRevision) -> CommitmentView:
        """Either person proposes a new date or scope; the other agrees."""
        return self._apply(_proposed(proposal), proposal.actor)

    @propose_revision.validator
    def _validate_propose_revision(self, proposal: ProposeRevision) -> None:
        self._check(_proposed(proposal), proposal.actor)

    @workflow.update(name=Updates.ACCEPT_REVISION)
    async def accept_revision(self, action: ActorAction) -> CommitmentView:
        """The other person agrees to the proposed revision; the commitment is active again."""
        return self._apply(actions.AcceptRevision(action.action_id), action.actor)

    @accept_revision.validator
    def _validate_accept_revision(self, action: ActorAction) -> None:
        self._check(actions.AcceptRevision(action.action_id), action.actor)

    @workflow.update(name=Updates.REQUEST_CONVERSATION)
    async def request_conversation(self, action: ActorAction) -> CommitmentView:
        """The manager offers an early conversation: support before the deadline."""
        return self._apply(actions.RequestConversation(action.action_id), action.actor)

    @request_conversation.validator
    def _validate_request_conversation(self, action: ActorAction) -> None:
        self._check(actions.RequestConversation(action.action_id), action.actor)

    @workflow.update(name=Updates.RELEASE)
    async def release(self, release: Release) -> CommitmentView:
        """The manager releases the owner from the commitment."""
        return self._apply(actions.Release(release.reason, release.action_id), release.actor)

    @release.validator
    def _validate_release(self, release: Release) -> None:
        self._check(actions.Release(release.reason, release.action_id), release.actor)

    @workflow.update(name=Updates.PROMISE_SUPPORT)
    async def promise_support(self, promise: PromiseSupport) -> CommitmentView:
        """The manager promises support by a date (its own commitment is started beside)."""
        return self._apply(_promised(promise), promise.actor)

    @promise_support.validator
    def _validate_promise_support(self, promise: PromiseSupport) -> None:
        self._check(_promised(promise), promise.actor)

    @workflow.update(name=Updates.REQUEST_SUPPORT)
    async def request_support(self, request: RequestSupport) -> CommitmentView:
        """The owner asks their manager what would help."""
        return self._apply(_requested(request), request.actor)

    @request_support.validator
    def _validate_request_support(self, request: RequestSupport) -> None:
        self._check(_requested(request), request.actor)

    @workflow.update(name=Updates.ANSWER_SUPPORT_REQUEST)
    async def answer_support_request(self, answer: AnswerSupportRequest) -> CommitmentView:
        """The manager answers the owner's request: let's talk, or not possible."""
        return self._apply(_support_answer(answer), answer.actor)

    @answer_support_request.validator
    def _validate_answer_support_request(self, answer: AnswerSupportRequest) -> None:
        self._check(_support_answer(answer), answer.actor)

    @workflow.signal(name=SUPPORTED_WORK_ENDED_SIGNAL)
    def supported_work_ended(self, ended: SupportedWorkEnded) -> None:
        """The commitment this promise of support was for has ended: it is no longer needed.

        A signal cannot be refused, so what the core refuses (the promise already kept or
        released, a stray sender) simply changes nothing.
        """
        self._apply_quietly(actions.SupportedWorkEnded(ended.title, ended.done), Actor.SYSTEM)


def _promised(promise: PromiseSupport) -> actions.PromiseSupport:
    return actions.PromiseSupport(promise.support_id, promise.what, promise.due, promise.action_id)


def _requested(request: RequestSupport) -> actions.RequestSupport:
    return actions.RequestSupport(request.note, request.action_id)


def _support_answer(answer: AnswerSupportRequest) -> actions.AnswerSupportRequest:
    return actions.AnswerSupportRequest(answer.answer, answer.reason, answer.action_id)


def _revised(change: ReviseExpectation) -> actions.ReviseExpectation:
    return actions.ReviseExpectation(
        title=change.title,
        description=change.description,
        success_criteria=change.success_criteria,
        due=change.due,
        support=change.support,
        reason=change.reason,
        action_id=change.action_id,
    )


def _answer(answer: CheckInAnswerInput) -> actions.AnswerCheckIn:
    return actions.AnswerCheckIn(answer.answer, answer.note, answer.action_id)


def _proposed(proposal: ProposeRevision) -> actions.ProposeRevision:
    return actions.ProposeRevision(
        new_due=proposal.new_due,
        new_scope=proposal.new_scope,
        reason=proposal.reason,
        action_id=proposal.action_id,
    )
