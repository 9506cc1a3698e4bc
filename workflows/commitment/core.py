"""The shell around the lifecycle's core: decide with it, then carry its decision out.

Every change a person (or the main loop) makes to a commitment is decided by
:func:`domain.lifecycle.decide`, a pure function. :class:`CommitmentCore` holds the one state
object (:class:`CommitmentState`, also the continue-as-new payload), the couriers and the
meetings, and applies each decision: the new state in place, then its effects in order
(status counted and indexed, messages queued, the main loop woken to replan). A rejection
changes nothing; it becomes the ``InvalidAction`` error the person is shown.

Runs that started before the core replay with its legacy rules: where the two generations
of rules decide differently, ``workflow.patched(LIFECYCLE_CORE)`` chooses, so old histories
replay exactly as they were made and new runs take the current rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.attention import Attention, attention_of
    from domain.lifecycle import (
        LEGACY_RULES,
        Decision,
        NoteForWaitingHeadsUp,
        Outcome,
        Rejection,
        Replan,
        SendMessage,
        StatusChanged,
        decide,
    )
    from domain.lifecycle.actions import Action
    from domain.messages.kinds import MessageKind
    from domain.models import Actor, CommitmentStatus
    from domain.support import CommitmentKind
    from integrations.telemetry.metrics import count_status_transition
    from workflows.commitment.contracts import (
        ATTENTION_KEY,
        DUE_KEY,
        MANAGER_KEY,
        OWNER_KEY,
        STATUS_KEY,
        VIEW_QUERY,
        CommitmentInput,
        CommitmentView,
    )
    from workflows.commitment.state import CommitmentState
    from workflows.patches import ATTENTION_INDEX, LIFECYCLE_CORE

from workflows.commitment.courier import Couriers, PendingMessage
from workflows.commitment.meetings import MEETING_PHASES, Meetings


def _first_state(start: CommitmentInput) -> CommitmentState:
    if start.kind is CommitmentKind.SUPPORT:
        # A promise of support is agreed by the one who makes it.
        return CommitmentState(
            spec=start.spec,
            kind=start.kind,
            supports=start.supports,
            status=CommitmentStatus.ACTIVE,
        )
    return CommitmentState(spec=start.spec)


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
        self._state = start.progress or _first_state(start)
        if self._state.spec is not start.spec and self._state.spec == start.spec:
            # A continued run's input carries the spec twice (its own and its progress's),
            # decoded as two equal objects: the cached run keeps one.
            self._state.spec = start.spec
        self._couriers = Couriers(self._id, self._state)
        self._meetings = Meetings(self._id, self._state, self._couriers)
        # Bumped on every change a person makes, so waits in the main loop wake and re-plan.
        self._epoch = 0
        # Whether anything has happened to this run since it started (an action decided, a
        # wait's time come, a signal): only then may it hand over for its length.
        self._woken = False

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
            kind=state.kind,
            supports=state.supports,
            support=list(state.support),
            support_requests=list(state.support_requests),
        )

    def _record(self, actor: Actor, kind: str, detail: str) -> None:
        self._state.record(workflow.now(), actor, kind, detail)

    def _check(self, action: Action, actor: str) -> None:
        """Refuse (in a validator) what the current rules refuse; changes nothing."""
        outcome = decide(self._state, action, actor, workflow.now())
        if isinstance(outcome, Rejection):
            raise invalid(outcome.reason)

    def _apply(self, action: Action, actor: str) -> CommitmentView:
        """Decide an action and carry the decision out; a rejection raises ``InvalidAction``."""
        outcome = self._decide(action, actor)
        if isinstance(outcome, Rejection):
            if outcome.leaves is not None:
                # Only in a replay of a run from before the core, which refused this way.
                self._state.replace_with(outcome.leaves)
            raise invalid(outcome.reason)
        self._carry_out(outcome)
        return self.view()

    def _apply_quietly(self, action: Action, actor: str) -> None:
        """Decide and carry out an action no person is waiting on; a rejection changes nothing."""
        outcome = self._decide(action, actor)
        if isinstance(outcome, Decision):
            self._carry_out(outcome)

    def _decide(self, action: Action, actor: str) -> Outcome:
        now = workflow.now()
        current = decide(self._state, action, actor, now)
        legacy = decide(self._state, action, actor, now, rules=LEGACY_RULES)
        # The marker is written only where the rules differ, so other runs replay as before.
        if current == legacy or workflow.patched(LIFECYCLE_CORE):
            return current
        return legacy

    def _carry_out(self, decision: Decision) -> None:
        self._woken = True
        if decision.state is not self._state:
            self._state.replace_with(decision.state)
        for effect in decision.effects:
            if isinstance(effect, StatusChanged):
                self._status_changed(effect)
            elif isinstance(effect, SendMessage):
                self._couriers.queue(
                    PendingMessage(
                        effect.kind,
                        effect.role,
                        details=dict(effect.details),
                        actions=dict(effect.actions),
                        valid_in=effect.valid_in,
                    )
                )
            elif isinstance(effect, NoteForWaitingHeadsUp):
                for pending in self._couriers.waiting_for(Actor.MANAGER):
                    if pending.kind is MessageKind.MANAGER_HEADS_UP:
                        pending.details["owner_note"] = effect.note
            elif isinstance(effect, Replan):
                self._epoch += 1
        self._index_attention()

    def _status_changed(self, change: StatusChanged) -> None:
        if change.source in MEETING_PHASES and change.target is not change.source:
            self._meetings.set_aside()
        # A metric is not a command: no patch needed, and the meter is silent during replay.
        count_status_transition(
            workflow.metric_meter(), source=change.source.value, target=change.target.value
        )
        self._upsert_search_attributes()

    def _activated_at(self) -> datetime:
        return self._state.activated_at() or self._created_at

    def _upsert_search_attributes(self) -> None:
        # Keep the index current only where the starter indexed the commitment: the
        # time-skipping test server knows no custom search attributes.
        if workflow.info().typed_search_attributes.get(OWNER_KEY) is None:
            return
        spec = self._state.spec
        pairs: list[SearchAttributeUpdate[Any]] = [
            OWNER_KEY.value_set(spec.owner.email),
            MANAGER_KEY.value_set(spec.manager.email),
            STATUS_KEY.value_set(self._state.status.value),
            DUE_KEY.value_set(spec.due),
        ]
        if workflow.patched(ATTENTION_INDEX):
            pairs.append(ATTENTION_KEY.value_set(self._attention().value))
        workflow.upsert_search_attributes(pairs)

    def _attention(self) -> Attention:
        check_ins = self._state.check_ins
        return attention_of(self._state.status, check_ins[-1].answer if check_ins else None)

    def _index_attention(self) -> None:
        """Index what the commitment needs when a change moved it without a new status.

        A check-in answer (blocked, at risk, on track again) changes the group a list shows
        it in; a status change has indexed it already, so this upserts only on a difference.
        """
        indexed = workflow.info().typed_search_attributes
        if indexed.get(OWNER_KEY) is None:
            return
        attention = self._attention().value
        if indexed.get(ATTENTION_KEY) != attention and workflow.patched(ATTENTION_INDEX):
            workflow.upsert_search_attributes([ATTENTION_KEY.value_set(attention)])
