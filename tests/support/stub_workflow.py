"""A stand-in commitment workflow with the real names, so the API is tested on its own.

It deliberately does not deduplicate by ``action_id``: when an action is applied once despite
two requests, Temporal's update id did it, which is what the API promises.
"""

from __future__ import annotations

import contextlib

from temporalio import workflow
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from domain.attention import attention_of
from domain.models import Actor, CheckIn, CommitmentStatus, HistoryEntry
from domain.support import CommitmentKind, SupportAnswer, SupportPromise, SupportRequest
from workflows.commitment.contracts import (
    ATTENTION_KEY,
    OWNER_KEY,
    STATUS_KEY,
    VIEW_QUERY,
    WORKFLOW_NAME,
    ActorAction,
    AnswerSupportRequest,
    CheckInAnswerInput,
    CommitmentInput,
    CommitmentView,
    Complete,
    LetsTalk,
    PromiseSupport,
    ProposeRevision,
    Release,
    RequestSupport,
    ReviseExpectation,
    Updates,
)


def _invalid(message: str) -> ApplicationError:
    return ApplicationError(message, type="InvalidAction", non_retryable=True)


@workflow.defn(name=WORKFLOW_NAME)
class StubCommitmentWorkflow:
    @workflow.init
    def __init__(self, start: CommitmentInput) -> None:
        self._start = start
        # A promise of support is agreed as it starts, as in the real workflow.
        support = start.kind is CommitmentKind.SUPPORT
        self._status = CommitmentStatus.ACTIVE if support else CommitmentStatus.AWAITING_ACCEPTANCE
        self._history: list[HistoryEntry] = []
        self._check_ins: list[CheckIn] = []
        self._support: list[SupportPromise] = []
        self._requests: list[SupportRequest] = []
        self.action_ids: list[str | None] = []

    @workflow.run
    async def run(self, start: CommitmentInput) -> CommitmentView:
        await workflow.wait_condition(lambda: self._status.is_closed)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    @workflow.query(name=VIEW_QUERY)
    def view(self) -> CommitmentView:
        return CommitmentView(
            commitment_id=self._start.commitment_id,
            status=self._status,
            spec=self._start.spec,
            created_at=self._start.created_at,
            history=self._history,
            check_ins=self._check_ins,
            revisions=[],
            pending_revision=None,
            meeting=None,
            completed_at=None,
            kind=self._start.kind,
            supports=self._start.supports,
            support=self._support,
            support_requests=self._requests,
        )

    @workflow.query(name="action_ids")
    def applied_action_ids(self) -> list[str | None]:
        return self.action_ids

    def _apply(
        self, action: ActorAction, role: Actor, kind: str, *allowed: CommitmentStatus
    ) -> None:
        if action.actor != self._start.spec.person(role).email:
            raise _invalid(f"Only the commitment's {role.value} can do this.")
        if self._status not in allowed:
            raise _invalid(f"This commitment is {self._status.value} now, so nothing was changed.")
        self.action_ids.append(action.action_id)
        self._history.append(HistoryEntry(at=workflow.now(), actor=role, kind=kind))

    def _move(self, status: CommitmentStatus) -> None:
        # Kept current in visibility, as the real workflow does, so lists can filter on it.
        self._status = status
        self._index()

    def _index(self) -> None:
        if workflow.info().typed_search_attributes.get(OWNER_KEY) is None:
            return
        answer = self._check_ins[-1].answer if self._check_ins else None
        workflow.upsert_search_attributes(
            [
                STATUS_KEY.value_set(self._status.value),
                ATTENTION_KEY.value_set(attention_of(self._status, answer).value),
            ]
        )

    @workflow.update(name=Updates.ACCEPT)
    def accept(self, action: ActorAction) -> CommitmentView:
        self._apply(action, Actor.OWNER, "accepted", CommitmentStatus.AWAITING_ACCEPTANCE)
        self._move(CommitmentStatus.ACTIVE)
        return self.view()

    @workflow.update(name=Updates.LETS_TALK)
    def lets_talk(self, action: LetsTalk) -> CommitmentView:
        self._apply(action, Actor.OWNER, "lets_talk", CommitmentStatus.AWAITING_ACCEPTANCE)
        self._move(CommitmentStatus.CLARIFYING)
        return self.view()

    @workflow.update(name=Updates.CHECK_IN)
    def check_in(self, action: CheckInAnswerInput) -> CommitmentView:
        self._apply(action, Actor.OWNER, "check_in", CommitmentStatus.ACTIVE)
        self._check_ins.append(CheckIn(at=workflow.now(), answer=action.answer, note=action.note))
        self._index()
        return self.view()

    @workflow.update(name=Updates.COMPLETE)
    def complete(self, action: Complete) -> CommitmentView:
        self._apply(action, Actor.OWNER, "done", CommitmentStatus.ACTIVE)
        self._move(CommitmentStatus.DONE)
        return self.view()

    @workflow.update(name=Updates.RELEASE)
    def release(self, action: Release) -> CommitmentView:
        open_statuses = [status for status in CommitmentStatus if not status.is_closed]
        self._apply(action, Actor.MANAGER, "released", *open_statuses)
        self._move(CommitmentStatus.RELEASED)
        return self.view()

    @workflow.update(name=Updates.REVISE_EXPECTATION)
    def revise_expectation(self, action: ReviseExpectation) -> CommitmentView:
        self._apply(action, Actor.MANAGER, "expectation_revised", CommitmentStatus.CLARIFYING)
        return self.view()

    @workflow.update(name=Updates.PROPOSE_REVISION)
    def propose_revision(self, action: ProposeRevision) -> CommitmentView:
        # The stub records a proposal from the owner only; the real workflow takes either.
        self._apply(action, Actor.OWNER, "revision_proposed", CommitmentStatus.ACTIVE)
        return self.view()

    @workflow.update(name=Updates.ACCEPT_REVISION)
    def accept_revision(self, action: ActorAction) -> CommitmentView:
        raise _invalid("There is no proposed change to agree to.")

    @workflow.update(name=Updates.REQUEST_CONVERSATION)
    def request_conversation(self, action: ActorAction) -> CommitmentView:
        self._apply(action, Actor.MANAGER, "conversation_requested", CommitmentStatus.ACTIVE)
        return self.view()

    @workflow.update(name=Updates.PROMISE_SUPPORT)
    def promise_support(self, action: PromiseSupport) -> CommitmentView:
        self._apply(action, Actor.MANAGER, "support_promised", CommitmentStatus.ACTIVE)
        now = workflow.now()
        self._support.append(
            SupportPromise(support_id=action.support_id, what=action.what, due=action.due, at=now)
        )
        # The promise answers the owner's open request, as the core does.
        self._requests = [
            request.model_copy(update={"answer": SupportAnswer.PROMISED, "answered_at": now})
            if request.answer is None
            else request
            for request in self._requests
        ]
        return self.view()

    @workflow.update(name=Updates.REQUEST_SUPPORT)
    def request_support(self, action: RequestSupport) -> CommitmentView:
        self._apply(action, Actor.OWNER, "support_requested", CommitmentStatus.ACTIVE)
        self._requests.append(SupportRequest(at=workflow.now(), note=action.note))
        return self.view()

    @workflow.update(name=Updates.ANSWER_SUPPORT_REQUEST)
    def answer_support_request(self, action: AnswerSupportRequest) -> CommitmentView:
        waiting = [n for n, request in enumerate(self._requests) if request.answer is None]
        if not waiting:
            raise _invalid("There is no request for support waiting for an answer.")
        self._apply(action, Actor.MANAGER, "support_answered", CommitmentStatus.ACTIVE)
        self._requests[waiting[-1]] = self._requests[waiting[-1]].model_copy(
            update={"answer": action.answer, "answered_at": workflow.now(), "reason": action.reason}
        )
        return self.view()


async def end_stubs(client: Client, task_queue: str) -> None:
    """Terminate the stub workflows a test left running on its task queue.

    Tests on the shared dev server must not leave commitments behind: other tests list the
    same people's commitments there, and a stub whose worker is gone answers no query.
    """
    query = f"TaskQueue = '{task_queue}' AND ExecutionStatus = 'Running'"
    for _ in range(50):
        running = [execution async for execution in client.list_workflows(query)]
        if not running:
            return
        for execution in running:
            with contextlib.suppress(RPCError):
                await client.get_workflow_handle(execution.id).terminate("test finished")
    raise AssertionError(f"stub workflows still running on {task_queue}")
