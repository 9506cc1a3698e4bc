"""A commitment's 1:1s: find a time, invite, read the answer, cancel what is no longer needed.

The manager organizes each 1:1 on both calendars. When the status moves on while a meeting
is still ahead, the meeting is set aside and cancelled by the main loop's next step (and
before the commitment ends), so nobody keeps a conversation that is no longer needed.

Invitations, updates and cancellations are messages too (docs/decisions.md, "Humane timing
for every contact"): a slot is searched for, and the event created, only when both people can
be reached, or the attendee when their hours never meet; a cancellation waits for the
explanation queued before it. The 1:1 after a miss leaves the owner half a working day and
the manager two working hours to prepare. Two people whose hours never meet are offered a
slot at the edge of both days, each told plainly whose hours it is outside, or, when there is
none, a conversation in writing: never silence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.calendar.contracts import (
        CANCEL_MEETING,
        FIND_MEETING_SLOT,
        GET_MEETING_RESPONSE,
        SCHEDULE_MEETING,
        MeetingCancellation,
        MeetingCreated,
        MeetingLookup,
        MeetingRequest,
        MeetingResponse,
        SlotSearch,
    )
    from domain.action_links import LinkAction
    from domain.contact_timing import (
        cancellation_at,
        have_common_hours,
        meeting_contact_at,
        miss_meeting_not_before,
        preparation_not_before,
    )
    from domain.messages.kinds import MessageKind
    from domain.models import Actor, CommitmentStatus, TimeSlot
    from domain.working_time import PersonSchedule, is_within_working_hours, next_reachable
    from workflows.commitment.state import CommitmentState, MeetingRecord
    from workflows.patches import MEETINGS_IN_HOURS, PREPARED_CONVERSATIONS
    from workflows.retries import GRAPH_RETRY

from workflows.commitment.courier import (
    ABSENCE_RECHECK,
    ACTIVITY_TIMEOUT,
    Couriers,
    PendingMessage,
    schedule_of,
)

MEETING_PHASES = frozenset({CommitmentStatus.CLARIFYING, CommitmentStatus.IN_CONVERSATION})
"""The statuses that keep a 1:1 on the calendars."""
CANCELLATION_NOTE = "This conversation is no longer needed. Thank you both."
REPLACED_NOTE = "This time didn't suit, so a new invitation replaces it."


class Meetings:
    """The 1:1s of one commitment.

    Args:
        commitment_id: the commitment (part of every event's transaction id).
        state: the commitment's state: its spec, and where the meeting is kept.
        couriers: who announces a conversation to the owner and coaches the manager.
    """

    def __init__(self, commitment_id: str, state: CommitmentState, couriers: Couriers) -> None:
        self._id = commitment_id
        self._state = state
        self._couriers = couriers
        self._to_cancel: list[MeetingRecord] = []
        # The slot found last was at the edge of two days that never meet (told to both).
        self._at_the_edge = False

    @property
    def cancellations_due(self) -> bool:
        """Whether a meeting set aside still waits to be cancelled."""
        return bool(self._to_cancel)

    def set_aside(self) -> None:
        """The status left its meeting phase: forget the meeting, cancelling it if still ahead."""
        meeting = self._state.meeting
        if meeting is None:
            return
        if meeting.slot.start > workflow.now():
            self._to_cancel.append(meeting)
        self._state.meeting = None

    async def find_slot(self, declined: list[TimeSlot]) -> TimeSlot | None:
        """Find the first time both people are free, other than the ``declined`` ones.

        In runs with the humane-timing patches, first wait until the invitation may be
        created (the search is then fresh when it is), and keep the time to prepare; with no
        common hours, look at the edge of both days, else start a conversation in writing and
        wait for the status to move on. ``None`` then means: nothing more to plan now.
        """
        self._at_the_edge = False
        if not workflow.patched(MEETINGS_IN_HOURS):
            return await self._search(declined, workflow.now())
        status = self._state.status
        schedules = await self._wait_for_contact(
            *await self._schedules(), wake=lambda: self._state.status is not status
        )
        if schedules is None:
            return None
        if not workflow.patched(PREPARED_CONVERSATIONS):
            return await self._search(declined, workflow.now())
        manager, owner = schedules
        not_before = self._not_before(manager, owner)
        slot = await self._search(declined, not_before)
        if slot is not None or have_common_hours(workflow.now(), manager, owner):
            return slot
        slot = await self._search(declined, not_before, at_the_edge=True)
        if slot is not None:
            self._at_the_edge = True
            return slot
        self._talk_in_writing()
        await workflow.wait_condition(lambda: self._state.status is not status)
        return None

    async def _search(
        self, declined: list[TimeSlot], not_before: datetime, *, at_the_edge: bool = False
    ) -> TimeSlot | None:
        slot: TimeSlot | None = await workflow.execute_activity(
            FIND_MEETING_SLOT,
            SlotSearch(
                organizer=self._state.spec.manager,
                attendee=self._state.spec.owner,
                not_before=not_before,
                exclude=declined,
                at_the_edge=at_the_edge,
            ),
            result_type=TimeSlot,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return slot

    async def _schedules(self) -> tuple[PersonSchedule, PersonSchedule]:
        """The manager's (organizer's) and the owner's (attendee's) schedules."""
        spec = self._state.spec
        return await schedule_of(spec.manager.email), await schedule_of(spec.owner.email)

    def _not_before(self, manager: PersonSchedule, owner: PersonSchedule) -> datetime:
        """The earliest start that leaves both people the time to prepare."""
        now = workflow.now()
        if self._state.status is not CommitmentStatus.IN_CONVERSATION:
            # A 1:1 to clarify is not sprung on anyone either: the same lead as a coached one.
            return preparation_not_before(now, manager)
        if self._state.after_deadline:
            heard_at = next_reachable(now, owner) or now
            return miss_meeting_not_before(heard_at, owner, manager, now)
        return preparation_not_before(now, manager)

    async def _wait_for_contact(
        self,
        manager: PersonSchedule,
        owner: PersonSchedule,
        *,
        wake: Callable[[], bool],
        until: datetime | None = None,
    ) -> tuple[PersonSchedule, PersonSchedule] | None:
        """Wait until a calendar change may reach both people.

        Returns:
            Both schedules as last read (the manager's first), or ``None`` when ``wake`` came
            first.
        """
        while True:
            at = meeting_contact_at(workflow.now(), manager, owner)
            if until is not None:
                at = cancellation_at(at, workflow.now(), until)
            if at is not None and at <= workflow.now():
                return manager, owner
            wait = (at - workflow.now()) if at is not None else ABSENCE_RECHECK
            try:
                await workflow.wait_condition(wake, timeout=min(wait, ABSENCE_RECHECK))
                return None
            except TimeoutError:
                manager, owner = await self._schedules()

    def _talk_in_writing(self) -> None:
        """No common hours and no slot at the edge: a conversation in writing, told to both."""
        self._state.record(
            workflow.now(),
            Actor.SYSTEM,
            "written_conversation",
            "Their working hours never meet: the conversation happens in writing.",
        )
        in_conversation = frozenset({CommitmentStatus.IN_CONVERSATION})
        details = {"after_deadline": self._state.after_deadline}
        self._couriers.queue(
            PendingMessage(
                MessageKind.WRITTEN_CONVERSATION,
                Actor.OWNER,
                details=details,
                # The answer in one form (its three questions), or "done" if it is.
                actions={"answer_url": LinkAction.WRITTEN_ANSWER, "done_url": LinkAction.DONE},
                valid_in=in_conversation,
            )
        )
        self._couriers.queue(
            PendingMessage(
                MessageKind.WRITTEN_CONVERSATION,
                Actor.MANAGER,
                details=details,
                valid_in=in_conversation,
            )
        )

    async def invite(self, kind: MessageKind, slot: TimeSlot, declined: list[TimeSlot]) -> None:
        """Put the 1:1 on both calendars and keep it; a first conversation is announced too."""
        spec = self._state.spec
        owner = await schedule_of(spec.owner.email)
        planned = self._state.meetings_planned()
        transaction_id = f"{self._id}:{kind.value}:{len(declined)}:{planned}"
        details: dict[str, Any] = {}
        if kind is MessageKind.CONVERSATION_AGENDA:
            details = {
                "after_deadline": self._state.after_deadline,
                "last_check_in": self._state.last_check_in(),
            }
        created = await workflow.execute_activity(
            SCHEDULE_MEETING,
            MeetingRequest(
                transaction_id=transaction_id,
                commitment_id=self._id,
                kind=kind,
                spec=self._state.spec,
                slot=slot,
                attendee_time_zone=owner.time_zone,
                details=details,
            ),
            result_type=MeetingCreated,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        replaced = self._state.meeting
        if (
            declined
            and replaced is not None
            and replaced.event_id != created.event_id
            and workflow.patched(MEETINGS_IN_HOURS)
        ):
            # The declined 1:1 leaves the organizer's calendar as its replacement arrives.
            await self._cancel(replaced.event_id, REPLACED_NOTE)
        self._state.meeting = MeetingRecord(
            purpose=kind.value,
            slot=slot,
            event_id=created.event_id,
            transaction_id=transaction_id,
            declined_slots=declined,
        )
        self._state.record(
            workflow.now(),
            Actor.SYSTEM,
            "meeting_scheduled",
            f"A 1:1 is planned for {slot.start}.",
        )
        if kind is MessageKind.CONVERSATION_AGENDA and not declined:
            self._announce_conversation(slot)
        if self._at_the_edge:
            await self._tell_it_is_at_the_edge(slot)

    async def _tell_it_is_at_the_edge(self, slot: TimeSlot) -> None:
        """Tell each person, in their own hours, whose working hours the slot is outside."""
        manager = await schedule_of(self._state.spec.manager.email)
        outside_for = (
            Actor.MANAGER if not is_within_working_hours(slot.start, manager) else Actor.OWNER
        )
        for role in (Actor.OWNER, Actor.MANAGER):
            self._couriers.queue(
                PendingMessage(
                    MessageKind.MEETING_OUTSIDE_HOURS,
                    role,
                    details={
                        "meeting": slot.model_dump(mode="json"),
                        "outside_for": outside_for.value,
                    },
                    valid_in=MEETING_PHASES,
                )
            )

    async def response(self, meeting: MeetingRecord) -> MeetingResponse:
        """Read the owner's answer to the invitation (and whether the event was cancelled)."""
        response: MeetingResponse = await workflow.execute_activity(
            GET_MEETING_RESPONSE,
            MeetingLookup(
                organizer=self._state.spec.manager.email,
                event_id=meeting.event_id,
                attendee=self._state.spec.owner.email,
            ),
            result_type=MeetingResponse,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return response

    async def cancel_set_aside(self) -> None:
        """Cancel, in order, each meeting set aside that is still on the calendars.

        In runs with the patch, a cancellation goes after the messages queued for the owner
        before it (its explanation) and when both people can be reached, and before the
        meeting's start in any case.
        """
        while self._to_cancel:
            meeting = self._to_cancel[0]
            if workflow.patched(MEETINGS_IN_HOURS):
                await self._wait_to_cancel(meeting)
            self._to_cancel.pop(0)
            await self._cancel(meeting.event_id, CANCELLATION_NOTE)

    async def _cancel(self, event_id: str, comment: str) -> None:
        await workflow.execute_activity(
            CANCEL_MEETING,
            MeetingCancellation(
                organizer=self._state.spec.manager.email, event_id=event_id, comment=comment
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )

    async def _wait_to_cancel(self, meeting: MeetingRecord) -> None:
        """Wait for the explanation to go out and for both people's hours; not past the start."""
        start = meeting.slot.start
        mark = self._couriers.queued_so_far(Actor.OWNER)
        if start <= workflow.now():
            return
        try:
            await workflow.wait_condition(
                lambda: self._couriers.settled_through(Actor.OWNER, mark),
                timeout=max(start - workflow.now(), timedelta(0)),
            )
        except TimeoutError:
            return
        manager, owner = await self._schedules()
        await self._wait_for_contact(manager, owner, wake=lambda: False, until=start)

    def _announce_conversation(self, slot: TimeSlot) -> None:
        """Tell the owner kindly (after a miss) and coach the manager; the invite has the agenda."""
        meeting = slot.model_dump(mode="json")
        in_conversation = frozenset({CommitmentStatus.IN_CONVERSATION})
        if self._state.after_deadline:
            self._couriers.queue(
                PendingMessage(
                    MessageKind.DEADLINE_PASSED_OWNER,
                    Actor.OWNER,
                    details={"proposed_meeting": meeting},
                    actions={"done_url": LinkAction.DONE},
                    valid_in=in_conversation,
                )
            )
        self._couriers.queue(
            PendingMessage(
                MessageKind.COACHING_NOTE,
                Actor.MANAGER,
                details={
                    "after_deadline": self._state.after_deadline,
                    "meeting": meeting,
                    "last_check_in": self._state.last_check_in(),
                },
                valid_in=in_conversation,
            )
        )
