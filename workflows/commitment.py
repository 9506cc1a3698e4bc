"""The commitment workflow: one per commitment, for as long as the commitment lives.

It carries the lifecycle of compassionate accountability: set the expectation, check in,
notice a miss, hold a supportive conversation, agree a revised plan, until done or released.
People act through updates (validated first, so a wrong action changes nothing); the main
loop does all the talking, so every message waits for its reader's working hours.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.contracts import (
        MeetingCancellation,
        MeetingCreated,
        MeetingLookup,
        MeetingRequest,
        MeetingResponse,
        OutgoingMessage,
        ScheduleLookup,
        SentMessage,
        SlotSearch,
    )
    from domain.action_links import LinkAction
    from domain.cadence import check_in_times, reminder_times
    from domain.messages import MessageKind
    from domain.models import (
        Actor,
        CheckIn,
        CheckInAnswer,
        CommitmentSpec,
        CommitmentStatus,
        HistoryEntry,
        RevisionProposal,
        TimeSlot,
        can_transition,
        require_due_in_future,
    )
    from domain.working_time import (
        PersonSchedule,
        add_working_time,
        is_out_of_office,
        next_reachable,
    )
    from integrations.telemetry.metrics import count_status_transition
    from workflows.contracts import (
        DUE_KEY,
        MANAGER_KEY,
        NOTE_SUFFIX,
        OWNER_KEY,
        STATUS_KEY,
        WORKFLOW_NAME,
        ActorAction,
        CheckInAnswerInput,
        CommitmentInput,
        CommitmentProgress,
        CommitmentView,
        Complete,
        LetsTalk,
        MeetingRecord,
        ProposeRevision,
        Release,
        ReviseExpectation,
        Updates,
    )
    from workflows.refresh import REFRESH_PATCH, REFRESH_SIGNAL, RefreshRequest
    from workflows.retries import GRAPH_RETRY, SEND_RETRY


ACTIVITY_TIMEOUT = timedelta(seconds=60)
ABSENCE_RECHECK = timedelta(hours=12)
MEETING_POLL = timedelta(hours=2)
GRAPH_FAILURE_PAUSE = timedelta(hours=1)


def invalid(message: str) -> ApplicationError:
    """Return the error a rejected update carries; its message is shown to the person."""
    return ApplicationError(message, type="InvalidAction", non_retryable=True)


@dataclass
class PendingMessage:
    """A message the main loop still has to send.

    ``valid_in`` lists the statuses in which it still makes sense (a check-in waiting for the
    owner's morning is dropped if they finished overnight); ``None`` means it always does.
    """

    kind: MessageKind
    role: Actor
    details: dict[str, Any] = field(default_factory=dict)
    actions: dict[str, LinkAction] = field(default_factory=dict)
    valid_in: frozenset[CommitmentStatus] | None = None

    def still_wanted(self, status: CommitmentStatus) -> bool:
        """Whether the message still makes sense for a commitment in ``status``."""
        if self.valid_in is not None:
            return status in self.valid_in
        return True


_MEETING_PHASES = frozenset({CommitmentStatus.CLARIFYING, CommitmentStatus.IN_CONVERSATION})
_OPEN = frozenset(status for status in CommitmentStatus if not status.is_closed)


@workflow.defn(name=WORKFLOW_NAME)
class CommitmentWorkflow:
    """One commitment's whole life."""

    @workflow.init
    def __init__(self, start: CommitmentInput) -> None:
        self._id = start.commitment_id
        self._created_at = start.created_at
        self._grace = start.grace_period
        progress = start.progress or CommitmentProgress(spec=start.spec)
        self._status = progress.status
        self._spec = progress.spec
        self._history = list(progress.history)
        self._check_ins = list(progress.check_ins)
        self._revisions = list(progress.revisions)
        self._pending_revision = progress.pending_revision
        self._meeting = progress.meeting
        self._reminders_sent = progress.reminders_sent
        self._last_check_in_due = progress.last_check_in_due
        self._sequence = progress.message_sequence
        self._completed_at = progress.completed_at
        self._applied = set(progress.applied_action_ids)
        self._continued = start.progress is not None
        # One courier per person delivers that person's messages in order, each waiting for
        # its reader's working hours without holding up the rest of the lifecycle.
        self._queues: dict[Actor, list[PendingMessage]] = {Actor.OWNER: [], Actor.MANAGER: []}
        self._couriers: dict[Actor, asyncio.Task[None]] = {}
        self._meetings_to_cancel: list[MeetingRecord] = []
        self._history_limit = start.continue_as_new_after_events
        if not self._continued:
            # Recorded here, not in run(): an update delivered with the start runs before run().
            self._record(Actor.MANAGER, "expectation_set", "The expectation was set.")
        # Bumped on every change a person makes, so waits in the main loop wake and re-plan.
        self._epoch = 0
        self._after_deadline = progress.after_deadline
        self._refresh_requested = False

    # ----- the main loop -------------------------------------------------------------

    @workflow.run
    async def run(self, start: CommitmentInput) -> CommitmentView:
        """Carry the commitment from its expectation to its end."""
        if not self._continued:
            self._queue(
                PendingMessage(
                    MessageKind.EXPECTATION,
                    Actor.OWNER,
                    actions={"accept_url": LinkAction.ACCEPT, "talk_url": LinkAction.TALK},
                )
            )
        self._upsert_search_attributes()
        while not self._status.is_closed:
            if self._history_is_long():
                await self._continue_as_new(start)
            if self._refresh_due() and workflow.patched(REFRESH_PATCH):
                await self._continue_as_new(start)
            await self._step(self._run_phase)
        await self._step(self._cancel_meetings_left_behind)
        await workflow.wait_condition(lambda: not self._couriers)
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
        await self._cancel_meetings_left_behind()
        if self._status.is_closed:
            return
        status = self._status
        if status is CommitmentStatus.AWAITING_ACCEPTANCE:
            await self._await_acceptance()
        elif status is CommitmentStatus.CLARIFYING:
            await self._hold_meeting(MessageKind.CLARIFICATION_INVITE)
        elif status is CommitmentStatus.ACTIVE:
            await self._follow_active()
        elif status is CommitmentStatus.AWAITING_RETURN:
            await self._await_return()
        elif status is CommitmentStatus.MISSED:
            self._after_deadline = True
            self._transition(CommitmentStatus.IN_CONVERSATION, Actor.SYSTEM, "conversation_planned")
        elif status is CommitmentStatus.IN_CONVERSATION:
            await self._hold_meeting(MessageKind.CONVERSATION_AGENDA)

    def _history_is_long(self) -> bool:
        info = workflow.info()
        if self._history_limit is not None:
            return info.get_current_history_length() > self._history_limit
        return info.is_continue_as_new_suggested()

    def _refresh_due(self) -> bool:
        # Only between messages and with no meeting left to cancel: a courier mid-delivery
        # and a cancellation not yet sent are not part of the state carried across.
        return self._refresh_requested and not self._couriers and not self._meetings_to_cancel

    async def _continue_as_new(self, start: CommitmentInput) -> None:
        # Messages still on their way are delivered first, so none is lost in the hand-over.
        await workflow.wait_condition(
            lambda: not self._couriers and workflow.all_handlers_finished()
        )
        # The memo is passed on, not left to the server to copy: copied, it would keep the
        # ciphertext of the key it was first written with (see workflows/refresh.py).
        workflow.continue_as_new(
            start.model_copy(update={"spec": self._spec, "progress": self._progress()}),
            memo=dict(workflow.memo()),
        )

    # ----- phases ----------------------------------------------------------------------

    async def _await_acceptance(self) -> None:
        epoch = self._epoch
        owner = await self._schedule_of(self._spec.owner.email)
        sent_at = self._last_sent_at(MessageKind.EXPECTATION) or workflow.now()
        for when in reminder_times(sent_at, owner)[self._reminders_sent :]:
            if await self._wait_for_change(epoch, until=when):
                return
            self._reminders_sent += 1
            self._queue(
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
        owner = await self._schedule_of(self._spec.owner.email)
        deadline = add_working_time(self._spec.due, self._grace, owner)
        activated = self._activated_at()
        nominal = (
            check_in_times(activated, self._spec.due, self._spec.cadence)
            if activated < self._spec.due
            else []
        )
        cursor = self._last_check_in_due
        # Times already behind us are skipped, not sent in a burst after a long wait.
        upcoming = [when for when in nominal if when > now and (cursor is None or when > cursor)]
        if upcoming and upcoming[0] < deadline:
            if await self._wait_for_change(epoch, until=upcoming[0]):
                return
            self._last_check_in_due = upcoming[0]
            self._queue(
                PendingMessage(
                    MessageKind.CHECK_IN,
                    Actor.OWNER,
                    actions={
                        "on_track_url": LinkAction.CHECK_IN_ON_TRACK,
                        "at_risk_url": LinkAction.CHECK_IN_AT_RISK,
                        "blocked_url": LinkAction.CHECK_IN_BLOCKED,
                        "done_url": LinkAction.DONE,
                    },
                    valid_in=frozenset({CommitmentStatus.ACTIVE}),
                )
            )
            return
        # First the due date itself: if the owner is away then, the miss waits for them.
        if await self._wait_for_change(epoch, until=min(self._spec.due, deadline)):
            return
        owner = await self._schedule_of(self._spec.owner.email)
        if is_out_of_office(workflow.now(), owner):
            back = next_reachable(workflow.now(), owner)
            self._transition(CommitmentStatus.AWAITING_RETURN, Actor.SYSTEM, "deadline_in_absence")
            self._queue(
                PendingMessage(
                    MessageKind.ABSENCE_NOTICE,
                    Actor.MANAGER,
                    details={"back_on": back.isoformat() if back else None},
                )
            )
            return
        if workflow.now() < deadline and await self._wait_for_change(epoch, until=deadline):
            return
        self._transition(CommitmentStatus.MISSED, Actor.SYSTEM, "deadline_passed")

    async def _await_return(self) -> None:
        epoch = self._epoch
        owner = await self._schedule_of(self._spec.owner.email)
        back = next_reachable(workflow.now(), owner)
        if back is not None and back <= workflow.now():
            self._transition(CommitmentStatus.MISSED, Actor.SYSTEM, "owner_returned")
            return
        recheck = workflow.now() + ABSENCE_RECHECK
        await self._wait_for_change(epoch, until=recheck if back is None else min(back, recheck))

    async def _hold_meeting(self, kind: MessageKind) -> None:
        """Keep a 1:1 on both calendars until the status moves on; re-plan when declined."""
        epoch = self._epoch
        purpose = kind.value
        if self._meeting is None or self._meeting.purpose != purpose:
            await self._plan_meeting(kind, declined=[])
            return
        meeting = self._meeting
        if workflow.now() >= meeting.slot.start:
            # The conversation's time has come; what remains is for the people to agree.
            await self._wait_for_change(epoch)
            return
        next_look = min(meeting.slot.start, workflow.now() + MEETING_POLL)
        if await self._wait_for_change(epoch, until=next_look):
            return
        response = await self._meeting_response(meeting)
        if response.response == "declined" or response.cancelled:
            self._record(Actor.OWNER, "meeting_declined", "The invitation was declined.")
            await self._plan_meeting(kind, declined=[*meeting.declined_slots, meeting.slot])

    async def _plan_meeting(self, kind: MessageKind, declined: list[TimeSlot]) -> None:
        epoch = self._epoch
        slot = await workflow.execute_activity(
            "find_meeting_slot",
            SlotSearch(
                organizer=self._spec.manager,
                attendee=self._spec.owner,
                not_before=workflow.now(),
                exclude=declined,
            ),
            result_type=TimeSlot,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        if self._epoch != epoch:
            return
        if slot is None:
            self._record(Actor.SYSTEM, "no_free_slot", "No common free time in the next days.")
            await self._wait_for_change(epoch, until=workflow.now() + timedelta(days=1))
            return
        owner = await self._schedule_of(self._spec.owner.email)
        transaction_id = f"{self._id}:{kind.value}:{len(declined)}:{self._meetings_planned()}"
        details: dict[str, Any] = {}
        if kind is MessageKind.CONVERSATION_AGENDA:
            details = {
                "after_deadline": self._after_deadline,
                "last_check_in": self._last_check_in(),
            }
        created = await workflow.execute_activity(
            "schedule_meeting",
            MeetingRequest(
                transaction_id=transaction_id,
                commitment_id=self._id,
                kind=kind,
                spec=self._spec,
                slot=slot,
                attendee_time_zone=owner.time_zone,
                details=details,
            ),
            result_type=MeetingCreated,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        self._meeting = MeetingRecord(
            purpose=kind.value,
            slot=slot,
            event_id=created.event_id,
            transaction_id=transaction_id,
            declined_slots=declined,
        )
        self._record(Actor.SYSTEM, "meeting_scheduled", f"A 1:1 is planned for {slot.start}.")
        if kind is MessageKind.CONVERSATION_AGENDA and not declined:
            self._announce_conversation(slot)

    def _announce_conversation(self, slot: TimeSlot) -> None:
        """Tell the owner kindly (after a miss) and coach the manager; the invite has the agenda."""
        meeting = slot.model_dump(mode="json")
        in_conversation = frozenset({CommitmentStatus.IN_CONVERSATION})
        if self._after_deadline:
            self._queue(
                PendingMessage(
                    MessageKind.DEADLINE_PASSED_OWNER,
                    Actor.OWNER,
                    details={"proposed_meeting": meeting},
                    actions={"done_url": LinkAction.DONE},
                    valid_in=in_conversation,
                )
            )
        self._queue(
            PendingMessage(
                MessageKind.COACHING_NOTE,
                Actor.MANAGER,
                details={
                    "after_deadline": self._after_deadline,
                    "meeting": meeting,
                    "last_check_in": self._last_check_in(),
                },
                valid_in=in_conversation,
            )
        )

    # ----- talking to people ------------------------------------------------------------

    def _queue(self, pending: PendingMessage) -> None:
        self._queues[pending.role].append(pending)
        if pending.role not in self._couriers:
            self._couriers[pending.role] = asyncio.create_task(self._courier(pending.role))

    async def _courier(self, role: Actor) -> None:
        queue = self._queues[role]
        try:
            while queue:
                pending = queue.pop(0)
                if not pending.still_wanted(self._status):
                    continue
                try:
                    await self._deliver(pending)
                except ActivityError as failure:
                    # Recorded, not dropped silently: the view shows what could not be sent.
                    cause = str(failure.cause or failure)
                    self._record(Actor.SYSTEM, f"send_failed:{pending.kind.value}", cause)
        finally:
            del self._couriers[role]

    async def _deliver(self, pending: PendingMessage) -> None:
        person = self._spec.person(pending.role)
        schedule = await self._schedule_of(person.email)
        while True:
            reachable = next_reachable(workflow.now(), schedule)
            if reachable is not None and reachable <= workflow.now():
                break
            wait = (reachable - workflow.now()) if reachable else ABSENCE_RECHECK
            try:
                await workflow.wait_condition(
                    lambda: not pending.still_wanted(self._status),
                    timeout=min(wait, ABSENCE_RECHECK),
                )
                return
            except TimeoutError:
                schedule = await self._schedule_of(person.email)
        self._sequence += 1
        key = f"{self._id}:{self._sequence}:{pending.kind.value}"
        sent: SentMessage = await workflow.execute_activity(
            "send_message",
            OutgoingMessage(
                idempotency_key=key,
                commitment_id=self._id,
                kind=pending.kind,
                recipient_role=pending.role,
                spec=self._spec,
                recipient_time_zone=schedule.time_zone,
                details=pending.details,
                actions=pending.actions,
            ),
            result_type=SentMessage,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=SEND_RETRY,
        )
        self._record(
            Actor.SYSTEM, f"sent:{pending.kind.value}", f"Sent to the {pending.role.value}."
        )
        if sent.teams_unreachable:
            self._note_teams_unreachable(pending.role)

    def _note_teams_unreachable(self, role: Actor) -> None:
        """Teams could not reach someone who wants Teams alone; tell the manager, once."""
        first = not any(entry.kind == "teams_unreachable" for entry in self._history)
        self._record(Actor.SYSTEM, "teams_unreachable", f"Sent to the {role.value} by email.")
        if first and role is Actor.OWNER and workflow.patched("teams-fallback-notice"):
            self._queue(PendingMessage(MessageKind.TEAMS_FALLBACK, Actor.MANAGER))

    async def _schedule_of(self, email: str) -> PersonSchedule:
        schedule: PersonSchedule = await workflow.execute_activity(
            "get_person_schedule",
            ScheduleLookup(email=email),
            result_type=PersonSchedule,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return schedule

    async def _meeting_response(self, meeting: MeetingRecord) -> MeetingResponse:
        response: MeetingResponse = await workflow.execute_activity(
            "get_meeting_response",
            MeetingLookup(
                organizer=self._spec.manager.email,
                event_id=meeting.event_id,
                attendee=self._spec.owner.email,
            ),
            result_type=MeetingResponse,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return response

    async def _cancel_meetings_left_behind(self) -> None:
        while self._meetings_to_cancel:
            meeting = self._meetings_to_cancel.pop(0)
            await workflow.execute_activity(
                "cancel_meeting",
                MeetingCancellation(
                    organizer=self._spec.manager.email,
                    event_id=meeting.event_id,
                    comment="This conversation is no longer needed. Thank you both.",
                ),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=GRAPH_RETRY,
            )

    async def _wait_for_change(self, epoch: int, until: datetime | None = None) -> bool:
        """Wait until a person changes something, or until ``until``; True when they did."""
        timeout = None if until is None else max(until - workflow.now(), timedelta(0))
        try:
            await workflow.wait_condition(
                lambda: self._epoch != epoch or self._refresh_due(), timeout=timeout
            )
        except TimeoutError:
            return False
        return True

    # ----- updates ---------------------------------------------------------------------

    @workflow.signal(name=REFRESH_SIGNAL)
    def refresh_history(self, request: RefreshRequest) -> None:
        """An operator asks for a fresh history (a payload key is being retired).

        The main loop continues as new at its next safe point: once no message is on its way
        and no meeting is left to cancel. Nothing a person sees changes.
        """
        del request  # the reason is for the operator's record, not for the commitment
        self._refresh_requested = True

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
        if self._status is CommitmentStatus.AWAITING_ACCEPTANCE:
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
        old = self._spec
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
        self._spec = CommitmentSpec.model_validate({**old.model_dump(), **updates})
        proposal = RevisionProposal(
            old_due=old.due,
            new_due=self._spec.due,
            old_scope=old.success_criteria,
            new_scope=self._spec.success_criteria,
            reason=change.reason or "",
            proposed_by=Actor.MANAGER,
            at=workflow.now(),
        )
        self._reminders_sent = 0
        self._transition(
            CommitmentStatus.AWAITING_ACCEPTANCE, Actor.MANAGER, "expectation_revised", change
        )
        self._queue(
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
        if (change.due is None or change.due == self._spec.due) and (
            change.success_criteria in (None, self._spec.success_criteria)
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
        self._check_ins.append(CheckIn(at=workflow.now(), answer=answer.answer, note=answer.note))
        if answer.answer is CheckInAnswer.DONE:
            self._finish(answer.note, answer)
            return self.view()
        self._record(Actor.OWNER, f"check_in:{answer.answer.value}", "", answer)
        if answer.answer in (CheckInAnswer.AT_RISK, CheckInAnswer.BLOCKED):
            self._queue(
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
            and action_id.removesuffix(NOTE_SUFFIX) in self._applied
            and bool(self._check_ins)
            and self._check_ins[-1].answer is answer.answer
        )

    def _attach_note(self, answer: CheckInAnswerInput) -> None:
        self._check_ins[-1] = self._check_ins[-1].model_copy(update={"note": answer.note})
        self._record(Actor.OWNER, "check_in_note", "", answer)
        # A heads-up still waiting for the manager's working hours carries the note along.
        for pending in self._queues[Actor.MANAGER]:
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
        self._pending_revision = RevisionProposal(
            old_due=self._spec.due,
            new_due=proposal.new_due or self._spec.due,
            old_scope=self._spec.success_criteria,
            new_scope=proposal.new_scope or self._spec.success_criteria,
            reason=proposal.reason or "",
            proposed_by=role,
            at=workflow.now(),
        )
        self._record(role, "revision_proposed", proposal.reason or "", proposal)
        other = Actor.MANAGER if role is Actor.OWNER else Actor.OWNER
        self._queue(
            PendingMessage(
                MessageKind.REVISION_PROPOSED,
                other,
                details={"proposal": self._pending_revision.model_dump(mode="json")},
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
        if self._status in (CommitmentStatus.AWAITING_ACCEPTANCE, CommitmentStatus.CLARIFYING):
            raise invalid("The expectation is not agreed yet; the manager can revise it directly.")
        if proposal.new_due is None and not proposal.new_scope:
            raise invalid("A revision needs a new due date or a new scope.")
        if proposal.new_due is not None:
            self._require_future(proposal.new_due)
        if proposal.new_due == self._spec.due and proposal.new_scope in (
            None,
            self._spec.success_criteria,
        ):
            raise invalid("The revision must change the due date or the scope.")

    @workflow.update(name=Updates.ACCEPT_REVISION)
    async def accept_revision(self, action: ActorAction) -> CommitmentView:
        """The other person agrees to the proposed revision; the commitment is active again."""
        if self._already_applied(action):
            return self.view()
        assert self._pending_revision is not None  # noqa: S101 - checked by the validator
        revision = self._pending_revision.accept(self._role_of(action.actor), workflow.now())
        self._revisions.append(revision)
        self._pending_revision = None
        self._spec = self._spec.model_copy(
            update={"due": revision.new_due, "success_criteria": revision.new_scope}
        )
        self._after_deadline = False
        self._transition(CommitmentStatus.ACTIVE, revision.accepted_by, "revision_agreed", action)
        for role in (Actor.OWNER, Actor.MANAGER):
            self._queue(
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
        if self._pending_revision is None:
            raise invalid("There is no proposed revision to accept.")
        if self._pending_revision.proposed_by is role:
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
        self._queue(
            PendingMessage(MessageKind.RELEASED, Actor.OWNER, details={"reason": release.reason})
        )
        return self.view()

    @release.validator
    def _validate_release(self, release: Release) -> None:
        self._require(release, Actor.MANAGER)
        self._require_open(release)

    @workflow.query(name="view")
    def view(self) -> CommitmentView:
        """The commitment's state and full history."""
        return CommitmentView(
            commitment_id=self._id,
            status=self._status,
            spec=self._spec,
            created_at=self._created_at,
            history=list(self._history),
            check_ins=list(self._check_ins),
            revisions=list(self._revisions),
            pending_revision=self._pending_revision,
            meeting=self._meeting,
            completed_at=self._completed_at,
        )

    # ----- helpers ---------------------------------------------------------------------

    def _finish(self, note: str | None, action: ActorAction) -> None:
        self._completed_at = workflow.now()
        on_time = self._completed_at <= self._spec.due
        self._transition(
            CommitmentStatus.DONE, Actor.OWNER, "done_on_time" if on_time else "done_late", action
        )
        self._queue(
            PendingMessage(
                MessageKind.DONE_THANKS,
                Actor.OWNER,
                details={"completed_at": self._completed_at.isoformat()},
            )
        )
        self._queue(
            PendingMessage(
                MessageKind.DONE_NOTICE,
                Actor.MANAGER,
                details={"completed_at": self._completed_at.isoformat(), "owner_note": note},
            )
        )

    def _start_early_conversation(self, actor: Actor, action: ActorAction) -> None:
        self._after_deadline = False
        self._transition(CommitmentStatus.IN_CONVERSATION, actor, "conversation_requested", action)

    def _transition(
        self,
        target: CommitmentStatus,
        actor: Actor,
        kind: str,
        action: ActorAction | None = None,
    ) -> None:
        if not can_transition(self._status, target):
            raise invalid(
                f"A commitment that is {self._status.value} cannot become {target.value}."
            )
        if self._status in _MEETING_PHASES and target is not self._status and self._meeting:
            if self._meeting.slot.start > workflow.now():
                self._meetings_to_cancel.append(self._meeting)
            self._meeting = None
        # A metric is not a command: no patch needed, and the meter is silent during replay.
        count_status_transition(
            workflow.metric_meter(), source=self._status.value, target=target.value
        )
        self._status = target
        self._record(actor, kind, "", action)
        self._epoch += 1
        self._upsert_search_attributes()

    def _record(
        self, actor: Actor, kind: str, detail: str, action: ActorAction | None = None
    ) -> None:
        self._history.append(HistoryEntry(at=workflow.now(), actor=actor, kind=kind, detail=detail))
        if action is not None and action.action_id:
            self._applied.add(action.action_id)

    def _already_applied(self, action: ActorAction) -> bool:
        return action.action_id is not None and action.action_id in self._applied

    def _role_of(self, email: str) -> Actor:
        lowered = email.strip().lower()
        if lowered == self._spec.owner.email:
            return Actor.OWNER
        if lowered == self._spec.manager.email:
            return Actor.MANAGER
        raise invalid("Only the owner or the manager of this commitment can act on it.")

    def _require(self, action: ActorAction, role: Actor) -> None:
        if self._role_of(action.actor) is not role:
            raise invalid(f"Only the commitment's {role.value} can do this.")

    def _require_status(self, action: ActorAction, *allowed: CommitmentStatus) -> None:
        if self._already_applied(action):
            return
        if self._status not in allowed:
            raise invalid(
                f"This commitment is {self._status.value.replace('_', ' ')} now, "
                "so nothing was changed."
            )

    def _require_open(self, action: ActorAction) -> None:
        if self._already_applied(action):
            return
        if self._status.is_closed:
            raise invalid(f"This commitment is already {self._status.value}.")

    def _require_future(self, due: datetime) -> None:
        if due.tzinfo is None:
            raise invalid("The due date needs a time zone offset.")
        try:
            require_due_in_future(due, workflow.now())
        except ValueError:
            raise invalid("The due date must be in the future.") from None

    def _activated_at(self) -> datetime:
        for entry in reversed(self._history):
            if entry.kind in ("accepted", "revision_agreed"):
                return entry.at
        return self._created_at

    def _last_sent_at(self, kind: MessageKind) -> datetime | None:
        for entry in reversed(self._history):
            if entry.kind == f"sent:{kind.value}":
                return entry.at
        return None

    def _meetings_planned(self) -> int:
        return sum(1 for entry in self._history if entry.kind == "meeting_scheduled")

    def _last_check_in(self) -> dict[str, Any] | None:
        return self._check_ins[-1].model_dump(mode="json") if self._check_ins else None

    def _progress(self) -> CommitmentProgress:
        return CommitmentProgress(
            status=self._status,
            spec=self._spec,
            history=self._history,
            check_ins=self._check_ins,
            revisions=self._revisions,
            pending_revision=self._pending_revision,
            meeting=self._meeting,
            reminders_sent=self._reminders_sent,
            last_check_in_due=self._last_check_in_due,
            message_sequence=self._sequence,
            completed_at=self._completed_at,
            applied_action_ids=sorted(self._applied),
            after_deadline=self._after_deadline,
        )

    def _upsert_search_attributes(self) -> None:
        # Keep the index current only where the starter indexed the commitment: the
        # time-skipping test server knows no custom search attributes.
        if workflow.info().typed_search_attributes.get(OWNER_KEY) is None:
            return
        workflow.upsert_search_attributes(
            [
                OWNER_KEY.value_set(self._spec.owner.email),
                MANAGER_KEY.value_set(self._spec.manager.email),
                STATUS_KEY.value_set(self._status.value),
                DUE_KEY.value_set(self._spec.due),
            ]
        )
