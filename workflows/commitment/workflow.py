"""The commitment workflow: one per commitment, for as long as the commitment lives.

It carries the lifecycle of compassionate accountability: set the expectation, check in,
notice a miss, hold a supportive conversation, agree a revised plan, until done or released.
People act through updates (:mod:`workflows.commitment.updates`, decided by the pure core in
:mod:`domain.lifecycle`, so a wrong action changes nothing); the main loop here runs the
phases and does the waiting, and the couriers (:mod:`workflows.commitment.courier`) do the
talking, so every message waits for its reader's working hours. Meetings are in
:mod:`workflows.commitment.meetings`; the state, one object that is also the continue-as-new
payload, in :mod:`domain.lifecycle.state`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.action_links import LinkAction
    from domain.cadence import check_in_times, reminder_times
    from domain.lifecycle import actions
    from domain.lifecycle.supporting import check_in_message
    from domain.messages.kinds import MessageKind
    from domain.models import Actor, CommitmentStatus, TimeSlot
    from domain.support import support_reminder_times
    from domain.working_time import add_working_time, is_out_of_office, next_reachable
    from workflows.commitment.contracts import (
        MEETING_CHANGED_SIGNAL,
        SUPPORTED_WORK_ENDED_SIGNAL,
        WORKFLOW_NAME,
        CommitmentInput,
        CommitmentView,
        MeetingChanged,
        SupportedWorkEnded,
        workflow_id_for,
    )
    from workflows.patches import (
        DECLINES_BY_NOTIFICATION,
        REFRESH_HISTORY_ON_REQUEST,
        SHORT_RUNS_AFTER_A_WAKE,
        SUPPORT_ENDS_WITH_ITS_WORK,
    )
    from workflows.refresh import REFRESH_SIGNAL, RefreshRequest

# The workflow's own parts; the worker shares them, like the rest of Accord's modules.
from workflows.commitment.courier import (
    ABSENCE_RECHECK,
    PendingMessage,
    schedule_of,
    settle_in_after_return,
)
from workflows.commitment.updates import CommitmentUpdates

MEETING_POLL = timedelta(hours=2)
GRAPH_FAILURE_PAUSE = timedelta(hours=1)


@workflow.defn(name=WORKFLOW_NAME)
class CommitmentWorkflow(CommitmentUpdates):
    """One commitment's whole life."""

    @workflow.init
    def __init__(self, start: CommitmentInput) -> None:
        super().__init__(start)
        self._grace = start.grace_period
        self._continued = start.progress is not None
        self._history_limit = start.continue_as_new_after_events
        self._run_events = start.run_events
        # Asked once, as the run starts: a run from before the guard replays without it.
        self._length_waits_for_a_wake = start.run_events is not None and workflow.patched(
            SHORT_RUNS_AFTER_A_WAKE
        )
        self._refresh_requested = False
        # The watch on the organizer's calendar said the 1:1's event changed: read it now.
        self._meeting_changed = False
        if not self._continued and self._state.is_support:
            self._record(Actor.OWNER, "support_promised", "The support was promised.")
        elif not self._continued:
            # Recorded here, not in run(): an update delivered with the start runs before run().
            self._record(Actor.MANAGER, "expectation_set", "The expectation was set.")

    # ----- the main loop -------------------------------------------------------------

    @workflow.run
    async def run(self, start: CommitmentInput) -> CommitmentView:
        """Carry the commitment from its expectation to its end."""
        if not self._continued and not self._state.is_support:
            self._couriers.queue(
                PendingMessage(
                    MessageKind.EXPECTATION,
                    Actor.OWNER,
                    actions={"accept_url": LinkAction.ACCEPT, "talk_url": LinkAction.TALK},
                )
            )
        self._upsert_search_attributes()
        while not self._state.status.is_closed:
            if self._history_is_long():
                await self._continue_as_new(start)
            # A long run needs no patch: only runs started with run_events take this path,
            # and their inputs say so on every replay.
            if self._refresh_due() and (
                self._run_is_long() or workflow.patched(REFRESH_HISTORY_ON_REQUEST)
            ):
                await self._continue_as_new(start)
            await self._step(self._run_phase)
        await self._step(self._meetings.cancel_set_aside)
        if self._state.support and workflow.patched(SUPPORT_ENDS_WITH_ITS_WORK):
            await self._end_support()
        await workflow.wait_condition(lambda: self._couriers.idle)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    async def _step(self, step: Callable[[], Awaitable[None]]) -> None:
        """Run one step; a failure Graph will not retry pauses the step instead of ending us.

        The commitment outlives any one failure (a mailbox being moved, a permission being
        fixed): the failure is recorded in the history, and the step is tried again later.
        """
        epoch = self._epoch
        try:
            await step()
        except ActivityError as failure:
            self._record(Actor.SYSTEM, "graph_failed", str(failure.cause or failure))
            await self._wait_for_change(epoch, until=workflow.now() + GRAPH_FAILURE_PAUSE)

    async def _run_phase(self) -> None:
        await self._meetings.cancel_set_aside()
        if self._state.status.is_closed:
            return
        status = self._state.status
        if status is CommitmentStatus.AWAITING_ACCEPTANCE:
            await self._await_acceptance()
        elif status is CommitmentStatus.CLARIFYING:
            await self._hold_meeting(MessageKind.CLARIFICATION_INVITE)
        elif status is CommitmentStatus.ACTIVE:
            await self._follow_active()
        elif status is CommitmentStatus.AWAITING_RETURN:
            await self._await_return()
        elif status is CommitmentStatus.MISSED and self._state.is_support:
            # A promise of support that slipped waits for its maker (or a release); the
            # person it was for has been told and offered a new date of their own.
            await self._wait_for_change(self._epoch)
        elif status is CommitmentStatus.MISSED:
            self._apply(actions.PlanConversation(), Actor.SYSTEM)
        elif status is CommitmentStatus.IN_CONVERSATION:
            await self._hold_meeting(MessageKind.CONVERSATION_AGENDA)

    def _history_is_long(self) -> bool:
        info = workflow.info()
        if self._history_limit is not None:
            return info.get_current_history_length() > self._history_limit
        return info.is_continue_as_new_suggested()

    def _run_is_long(self) -> bool:
        """Whether this run has passed its length, and has been woken since it started.

        Without a wake, a run whose own start (reading schedules, planning a meeting) passed
        the length would hand over to a run that does the same, again and again.
        """
        return (
            self._run_events is not None
            and workflow.info().get_current_history_length() > self._run_events
            and (self._woken or not self._length_waits_for_a_wake)
        )

    def _refresh_due(self) -> bool:
        """Whether to start a new run now: an operator asked, or this run has grown long.

        Every wait ends when this turns true, and the main loop then continues as new.
        """
        # Only between messages and with no meeting left to cancel: a courier mid-delivery
        # and a cancellation not yet sent are not part of the state carried across.
        return (
            (self._refresh_requested or self._run_is_long())
            and self._couriers.idle
            and not self._meetings.cancellations_due
        )

    async def _continue_as_new(self, start: CommitmentInput) -> None:
        # Messages still on their way are delivered first, so none is lost in the hand-over.
        await workflow.wait_condition(
            lambda: self._couriers.idle and workflow.all_handlers_finished()
        )
        # The memo is passed on, not left to the server to copy: copied, it would keep the
        # ciphertext of the key it was first written with (see workflows/refresh.py).
        workflow.continue_as_new(
            start.model_copy(update={"spec": self._state.spec, "progress": self._state}),
            memo=dict(workflow.memo()),
        )

    # ----- phases ----------------------------------------------------------------------

    async def _await_acceptance(self) -> None:
        epoch = self._epoch
        owner = await schedule_of(self._state.spec.owner.email)
        sent_at = self._state.last_sent_at(MessageKind.EXPECTATION) or workflow.now()
        for when in reminder_times(sent_at, owner)[self._state.reminders_sent :]:
            if await self._wait_for_change(epoch, until=when):
                return
            self._state.reminders_sent += 1
            self._couriers.queue(
                PendingMessage(
                    MessageKind.EXPECTATION_REMINDER,
                    Actor.OWNER,
                    details={"sent_at": sent_at.isoformat()},
                    actions={"accept_url": LinkAction.ACCEPT, "talk_url": LinkAction.TALK},
                    valid_in=frozenset({CommitmentStatus.AWAITING_ACCEPTANCE}),
                )
            )
            return
        await self._wait_for_change(epoch)

    async def _follow_active(self) -> None:
        epoch = self._epoch
        now = workflow.now()
        owner = await schedule_of(self._state.spec.owner.email)
        deadline = add_working_time(self._state.spec.due, self._grace, owner)
        activated = self._activated_at()
        nominal = (
            check_in_times(activated, self._state.spec.due, self._state.spec.cadence)
            if activated < self._state.spec.due
            else []
        )
        if self._state.is_support:
            nominal = support_reminder_times(activated, self._state.spec.due)
        cursor = self._state.last_check_in_due
        # Times already behind us are skipped, not sent in a burst after a long wait.
        upcoming = [when for when in nominal if when > now and (cursor is None or when > cursor)]
        if upcoming and upcoming[0] < deadline:
            if await self._wait_for_change(epoch, until=upcoming[0]):
                return
            self._state.last_check_in_due = upcoming[0]
            # The core says what it is: a check-in, or a promise of support recalled.
            kind, links = check_in_message(self._state)
            self._couriers.queue(
                PendingMessage(
                    kind, Actor.OWNER, actions=links, valid_in=frozenset({CommitmentStatus.ACTIVE})
                )
            )
            return
        # First the due date itself: if the owner is away then, the miss waits for them.
        if await self._wait_for_change(epoch, until=min(self._state.spec.due, deadline)):
            return
        owner = await schedule_of(self._state.spec.owner.email)
        if is_out_of_office(workflow.now(), owner):
            back = next_reachable(workflow.now(), owner)
            self._apply(actions.DeadlineReached(owner_away=True, back_on=back), Actor.SYSTEM)
            return
        if workflow.now() < deadline and await self._wait_for_change(epoch, until=deadline):
            return
        self._apply(actions.DeadlineReached(), Actor.SYSTEM)

    async def _await_return(self) -> None:
        epoch = self._epoch
        owner = await schedule_of(self._state.spec.owner.email)
        back = next_reachable(workflow.now(), owner)
        if back is not None and back <= workflow.now():
            if not await settle_in_after_return(
                owner, lambda: self._epoch != epoch or self._refresh_due()
            ):
                return
            self._apply(actions.OwnerReturned(), Actor.SYSTEM)
            return
        recheck = workflow.now() + ABSENCE_RECHECK
        await self._wait_for_change(epoch, until=recheck if back is None else min(back, recheck))

    async def _hold_meeting(self, kind: MessageKind) -> None:
        """Keep a 1:1 on both calendars until the status moves on; re-plan when declined."""
        epoch = self._epoch
        purpose = kind.value
        if self._state.meeting is None or self._state.meeting.purpose != purpose:
            await self._plan_meeting(kind, declined=[])
            return
        meeting = self._state.meeting
        if workflow.now() >= meeting.slot.start:
            # The conversation's time has come; what remains is for the people to agree.
            await self._wait_for_change(epoch)
            return
        next_look = min(meeting.slot.start, workflow.now() + MEETING_POLL)
        if await self._wait_for_answer(epoch, until=next_look):
            return
        response = await self._meetings.response(meeting)
        if response.response == "declined" or response.cancelled:
            self._record(Actor.OWNER, "meeting_declined", "The invitation was declined.")
            await self._plan_meeting(kind, declined=[*meeting.declined_slots, meeting.slot])

    async def _plan_meeting(self, kind: MessageKind, declined: list[TimeSlot]) -> None:
        epoch = self._epoch
        slot = await self._meetings.find_slot(declined)
        if self._epoch != epoch:
            return
        if slot is None:
            self._record(Actor.SYSTEM, "no_free_slot", "No common free time in the next days.")
            await self._wait_for_change(epoch, until=workflow.now() + timedelta(days=1))
            return
        await self._meetings.invite(kind, slot, declined)

    async def _end_support(self) -> None:
        """Tell each promise of support made for this commitment that the work has ended."""
        ended = SupportedWorkEnded(
            commitment_id=self._id,
            title=self._state.spec.title,
            done=self._state.status is CommitmentStatus.DONE,
        )
        for promise in self._state.support:
            handle = workflow.get_external_workflow_handle(workflow_id_for(promise.support_id))
            try:
                await handle.signal(SUPPORTED_WORK_ENDED_SIGNAL, ended)
            except FailureError as failure:
                # A promise that already ended (kept, released, past retention) needs nothing.
                self._record(Actor.SYSTEM, "support_not_told", str(failure))

    async def _wait_for_change(self, epoch: int, until: datetime | None = None) -> bool:
        """Wait until a person changes something, or until ``until``; True when they did."""
        timeout = None if until is None else max(until - workflow.now(), timedelta(0))
        try:
            await workflow.wait_condition(
                lambda: self._epoch != epoch or self._refresh_due(), timeout=timeout
            )
        except TimeoutError:
            self._woken = True
            return False
        return True

    async def _wait_for_answer(self, epoch: int, until: datetime) -> bool:
        """Wait as :meth:`_wait_for_change` does, or until the watch says the event changed.

        Returns:
            True when a person changed something; False when it is time to read the answer
            (the look's time came, or the event changed).
        """
        while True:
            timeout = max(until - workflow.now(), timedelta(0))
            try:
                await workflow.wait_condition(
                    lambda: self._epoch != epoch or self._refresh_due() or self._meeting_changed,
                    timeout=timeout,
                )
            except TimeoutError:
                self._woken = True
                return False
            if self._epoch != epoch or self._refresh_due():
                return True
            self._meeting_changed = False
            if workflow.patched(DECLINES_BY_NOTIFICATION):
                return False

    @workflow.signal(name=MEETING_CHANGED_SIGNAL)
    def meeting_changed(self, changed: MeetingChanged) -> None:
        """The watch on the organizer's calendar says the 1:1's event changed.

        Only a read follows (the answer is read from Graph, never taken from the signal), so
        a signal about another event, or a forged one, changes nothing.
        """
        meeting = self._state.meeting
        if meeting is not None and meeting.event_id == changed.event_id:
            self._meeting_changed = True
            self._woken = True

    # ----- what an operator asks -------------------------------------------------------

    @workflow.signal(name=REFRESH_SIGNAL)
    def refresh_history(self, request: RefreshRequest) -> None:
        """An operator asks for a fresh history (a payload key is being retired).

        The main loop continues as new at its next safe point: once no message is on its way
        and no meeting is left to cancel. Nothing a person sees changes.
        """
        del request  # the reason is for the operator's record, not for the commitment
        self._refresh_requested = True
