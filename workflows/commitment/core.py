"""What the phases and the updates of the commitment workflow share: its state, and how it changes.

:class:`CommitmentCore` holds the one state object (:class:`CommitmentState`, also the
continue-as-new payload), the couriers and the meetings. Every change of status goes through
:meth:`CommitmentCore._transition`, so each is checked, recorded, counted and indexed alike.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.messages.kinds import MessageKind
    from domain.models import Actor, CommitmentStatus, can_transition
    from integrations.telemetry.metrics import count_status_transition
    from workflows.commitment.contracts import (
        DUE_KEY,
        MANAGER_KEY,
        OWNER_KEY,
        STATUS_KEY,
        VIEW_QUERY,
        ActorAction,
        CommitmentInput,
        CommitmentView,
    )
    from workflows.commitment.state import CommitmentState

from workflows.commitment.courier import Couriers, PendingMessage
from workflows.commitment.meetings import MEETING_PHASES, Meetings


def invalid(message: str) -> ApplicationError:
    """Return the error a rejected update carries; its message is shown to the person."""
    return ApplicationError(message, type="InvalidAction", non_retryable=True)


class CommitmentCore:
    """The state of one commitment, its couriers and its meetings, and the ways they change.

    Args:
        start: the workflow's input; its ``progress`` (set when a run continues as new) is
            the state to go on from.
    """

    def __init__(self, start: CommitmentInput) -> None:
        self._id = start.commitment_id
        self._created_at = start.created_at
        self._state = start.progress or CommitmentState(spec=start.spec)
        self._couriers = Couriers(self._id, self._state)
        self._meetings = Meetings(self._id, self._state, self._couriers)
        # Bumped on every change a person makes, so waits in the main loop wake and re-plan.
        self._epoch = 0

    @workflow.query(name=VIEW_QUERY)
    def view(self) -> CommitmentView:
        """The commitment's state and full history."""
        state = self._state
        return CommitmentView(
            commitment_id=self._id,
            status=state.status,
            spec=state.spec,
            created_at=self._created_at,
            history=list(state.history),
            check_ins=list(state.check_ins),
            revisions=list(state.revisions),
            pending_revision=state.pending_revision,
            meeting=state.meeting,
            completed_at=state.completed_at,
        )

    def _record(
        self, actor: Actor, kind: str, detail: str, action: ActorAction | None = None
    ) -> None:
        action_id = action.action_id if action is not None else None
        self._state.record(workflow.now(), actor, kind, detail, action_id)

    def _transition(
        self,
        target: CommitmentStatus,
        actor: Actor,
        kind: str,
        action: ActorAction | None = None,
    ) -> None:
        status = self._state.status
        if not can_transition(status, target):
            raise invalid(f"A commitment that is {status.value} cannot become {target.value}.")
        if status in MEETING_PHASES and target is not status:
            self._meetings.set_aside()
        # A metric is not a command: no patch needed, and the meter is silent during replay.
        count_status_transition(workflow.metric_meter(), source=status.value, target=target.value)
        self._state.status = target
        self._record(actor, kind, "", action)
        self._epoch += 1
        self._upsert_search_attributes()

    def _finish(self, note: str | None, action: ActorAction) -> None:
        completed_at = workflow.now()
        self._state.completed_at = completed_at
        on_time = completed_at <= self._state.spec.due
        self._transition(
            CommitmentStatus.DONE, Actor.OWNER, "done_on_time" if on_time else "done_late", action
        )
        self._couriers.queue(
            PendingMessage(
                MessageKind.DONE_THANKS,
                Actor.OWNER,
                details={"completed_at": completed_at.isoformat()},
            )
        )
        self._couriers.queue(
            PendingMessage(
                MessageKind.DONE_NOTICE,
                Actor.MANAGER,
                details={"completed_at": completed_at.isoformat(), "owner_note": note},
            )
        )

    def _start_early_conversation(self, actor: Actor, action: ActorAction) -> None:
        self._state.after_deadline = False
        self._transition(CommitmentStatus.IN_CONVERSATION, actor, "conversation_requested", action)

    def _activated_at(self) -> datetime:
        return self._state.activated_at() or self._created_at

    def _upsert_search_attributes(self) -> None:
        # Keep the index current only where the starter indexed the commitment: the
        # time-skipping test server knows no custom search attributes.
        if workflow.info().typed_search_attributes.get(OWNER_KEY) is None:
            return
        spec = self._state.spec
        workflow.upsert_search_attributes(
            [
                OWNER_KEY.value_set(spec.owner.email),
                MANAGER_KEY.value_set(spec.manager.email),
                STATUS_KEY.value_set(self._state.status.value),
                DUE_KEY.value_set(spec.due),
            ]
        )
