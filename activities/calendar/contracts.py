"""What workflows exchange with the calendar activities: finding, planning and following 1:1s.

Workflows import this module through ``workflow.unsafe.imports_passed_through()``; it holds
no I/O.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.messages.kinds import MessageKind
from domain.models import CommitmentSpec, Person, TimeSlot, UtcDatetime

FIND_MEETING_SLOT = "find_meeting_slot"
"""Find a common free slot: :class:`SlotSearch` to a ``TimeSlot`` (``None``: no slot)."""
SCHEDULE_MEETING = "schedule_meeting"
"""Put a 1:1 on both calendars: :class:`MeetingRequest` to :class:`MeetingCreated`."""
GET_MEETING_RESPONSE = "get_meeting_response"
"""Read the attendee's answer: :class:`MeetingLookup` to :class:`MeetingResponse`."""
CANCEL_MEETING = "cancel_meeting"
"""Cancel an organizer's event: :class:`MeetingCancellation`."""


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SlotSearch(_Contract):
    """Find the first slot where both people are free within both people's working hours."""

    organizer: Person
    attendee: Person
    not_before: UtcDatetime
    duration: timedelta = timedelta(minutes=30)
    working_days: int = Field(default=5, ge=1, le=20)
    exclude: list[TimeSlot] = Field(default_factory=list)
    at_the_edge: bool = Field(
        default=False,
        description="For two people whose working hours never meet: a slot at the edge of "
        "both days, inside one person's hours (see domain.slots.find_edge_slot).",
    )


class MeetingRequest(_Contract):
    """A 1:1 on both calendars, created by the organizer (the manager).

    ``transaction_id`` makes a retried create return the same event.
    """

    transaction_id: str = Field(min_length=8, max_length=200)
    commitment_id: str
    kind: Literal[MessageKind.CLARIFICATION_INVITE, MessageKind.CONVERSATION_AGENDA]
    spec: CommitmentSpec
    slot: TimeSlot
    attendee_time_zone: str
    details: dict[str, Any] = Field(default_factory=dict)


class MeetingCreated(_Contract):
    """The organizer's event."""

    event_id: str
    transaction_id: str


class MeetingLookup(_Contract):
    """Which attendee response to read on an organizer's event."""

    organizer: str
    event_id: str
    attendee: str


class MeetingResponse(_Contract):
    """The attendee's response: none, notResponded, accepted, tentativelyAccepted, declined."""

    response: str
    cancelled: bool = False


class MeetingCancellation(_Contract):
    """Cancel an organizer's event (nothing happens if it is already cancelled)."""

    organizer: str
    event_id: str
    comment: str = ""


# ----- the watch on an organizer's calendar (workflows/calendar/decline_watch.py) ----------

CREATE_EVENT_SUBSCRIPTION = "create_event_subscription"
"""Subscribe to an organizer's events: :class:`EventSubscriptionRequest` to
:class:`EventSubscriptionInfo`."""
RENEW_EVENT_SUBSCRIPTION = "renew_event_subscription"
"""Extend (or reauthorize) it: :class:`EventSubscriptionRenewal` to
:class:`EventSubscriptionInfo`."""
DELETE_EVENT_SUBSCRIPTION = "delete_event_subscription"
"""Remove it once no 1:1 is left to watch: :class:`EventSubscriptionRenewal` (its id)."""


class EventSubscriptionRequest(_Contract):
    """A subscription to changes of one organizer's events."""

    organizer: str
    notification_url: str
    lifecycle_url: str
    client_state: str = Field(min_length=1, max_length=128)
    expires_at: UtcDatetime


class EventSubscriptionRenewal(_Contract):
    """Which subscription, until when, and whether Graph asked to reauthorize it first."""

    subscription_id: str
    expires_at: UtcDatetime
    reauthorize: bool = False


class EventSubscriptionInfo(_Contract):
    """A subscription as Graph answered (``found`` False: Graph no longer has it)."""

    subscription_id: str | None = None
    expires_at: UtcDatetime | None = None
    found: bool = True
