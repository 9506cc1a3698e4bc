"""The inputs and results of Accord's activities: the contract between workflows and I/O.

One input model per activity. Workflows import this module through
``workflow.unsafe.imports_passed_through()``; it holds no I/O.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.action_links import LinkAction
from domain.messages import MessageKind
from domain.models import Actor, CommitmentSpec, Person, TimeSlot, UtcDatetime


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScheduleLookup(_Contract):
    """Whose working hours, time zone and out-of-office to read (from mailboxSettings)."""

    email: str


class OutgoingMessage(_Contract):
    """One email to one person about a commitment.

    ``idempotency_key`` is unique per message the workflow means to send: a retry with the
    same key never sends a second copy. ``details`` holds the message kind's own fields
    (see ``domain.messages``) other than the commitment, zone, role and action links;
    ``actions`` maps each link field of the kind (e.g. ``accept_url``) to the action it does.
    """

    idempotency_key: str = Field(min_length=8, max_length=200)
    commitment_id: str
    kind: MessageKind
    recipient_role: Actor
    spec: CommitmentSpec
    recipient_time_zone: str
    details: dict[str, Any] = Field(default_factory=dict)
    actions: dict[str, LinkAction] = Field(default_factory=dict)


class SentMessage(_Contract):
    """What became of an :class:`OutgoingMessage`."""

    idempotency_key: str
    recipient: str
    already_sent: bool = Field(description="True when an earlier attempt had sent it.")
    channel: str = Field(default="email", description="email, or teams for a card alone.")
    teams_unreachable: bool = Field(
        default=False,
        description="The person wanted Teams alone, but Teams could not reach them: it went "
        "by email instead.",
    )


class SlotSearch(_Contract):
    """Find the first slot where both people are free within both people's working hours."""

    organizer: Person
    attendee: Person
    not_before: UtcDatetime
    duration: timedelta = timedelta(minutes=30)
    working_days: int = Field(default=5, ge=1, le=20)
    exclude: list[TimeSlot] = Field(default_factory=list)


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
