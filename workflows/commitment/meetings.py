"""A commitment's 1:1s: find a time, invite, read the answer, cancel what is no longer needed.

The manager organizes each 1:1 on both calendars. When the status moves on while a meeting
is still ahead, the meeting is set aside and cancelled by the main loop's next step (and
before the commitment ends), so nobody keeps a conversation that is no longer needed.
"""

from __future__ import annotations

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
    from domain.messages.kinds import MessageKind
    from domain.models import Actor, CommitmentStatus, TimeSlot
    from workflows.commitment.state import CommitmentState, MeetingRecord
    from workflows.retries import GRAPH_RETRY

from workflows.commitment.courier import ACTIVITY_TIMEOUT, Couriers, PendingMessage, schedule_of

MEETING_PHASES = frozenset({CommitmentStatus.CLARIFYING, CommitmentStatus.IN_CONVERSATION})
"""The statuses that keep a 1:1 on the calendars."""
CANCELLATION_NOTE = "This conversation is no longer needed. Thank you both."


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
        """Find the first time both people are free, other than the ``declined`` ones."""
        slot: TimeSlot | None = await workflow.execute_activity(
            FIND_MEETING_SLOT,
            SlotSearch(
                organizer=self._state.spec.manager,
                attendee=self._state.spec.owner,
                not_before=workflow.now(),
                exclude=declined,
            ),
            result_type=TimeSlot,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=GRAPH_RETRY,
        )
        return slot

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
        """Cancel, in order, each meeting set aside that is still on the calendars."""
        while self._to_cancel:
            meeting = self._to_cancel.pop(0)
            await workflow.execute_activity(
                CANCEL_MEETING,
                MeetingCancellation(
                    organizer=self._state.spec.manager.email,
                    event_id=meeting.event_id,
                    comment=CANCELLATION_NOTE,
                ),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=GRAPH_RETRY,
            )

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
