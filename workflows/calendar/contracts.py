"""What the watch on an organizer's calendar exchanges (docs/workflows.md, "Meetings").

One ``DeclineWatchWorkflow`` per organizer (id :func:`decline_watch_id`) keeps a Graph
subscription on that person's events while a 1:1 Accord booked there is still ahead. The
booking registers each meeting (``watch_meeting``, with a signal-with-start); the webhook
passes on the ids of events that changed (``events_changed``); the watch tells the
commitment whose meeting it is (``meeting_changed`` on the commitment workflow), which reads
the answer again through its usual activity. This module holds no I/O.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.models import UtcDatetime

DECLINE_WATCH_WORKFLOW = "DeclineWatchWorkflow"
WATCH_MEETING_SIGNAL = "watch_meeting"
EVENTS_CHANGED_SIGNAL = "events_changed"
CALENDAR_LIFECYCLE_SIGNAL = "calendar_lifecycle"
DECLINE_WATCH_VIEW_QUERY = "decline_watch_view"
MAX_EVENTS_PER_SIGNAL = 100
"""A batch of Graph's notifications holds at most this many ids worth passing on."""


def decline_watch_id(organizer: str, task_queue: str) -> str:
    """Return the fixed workflow id of the watch on one organizer's calendar.

    The address is hashed: an id is shown to operators and in logs, an address need not be.
    """
    digest = hashlib.sha256(organizer.strip().lower().encode()).hexdigest()[:24]
    return f"decline-watch-{task_queue}-{digest}"


class _Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CalendarWatchConfig(_Contract):
    """Where Graph notifies and how long a subscription lives (the worker's settings)."""

    notification_url: str
    lifecycle_url: str
    client_state: str = Field(min_length=1, max_length=128)
    lifetime: timedelta = timedelta(minutes=4200)
    renew_at_fraction: float = Field(default=2 / 3, gt=0, lt=1)
    task_queue: str
    continue_as_new_after_events: int | None = None


class WatchedMeeting(_Contract):
    """A 1:1 on the organizer's calendar whose answers a commitment waits for."""

    event_id: str = Field(min_length=1, max_length=512)
    commitment_id: str
    until: UtcDatetime
    """The meeting's start: after it, a decline changes nothing Accord does."""


class EventsChanged(_Contract):
    """Events of the organizer's calendar that Graph says changed (ids only)."""

    event_ids: list[str] = Field(max_length=MAX_EVENTS_PER_SIGNAL)


class CalendarLifecycleEvent(StrEnum):
    """Graph's lifecycle notifications for a subscription."""

    REAUTHORIZATION_REQUIRED = "reauthorizationRequired"
    SUBSCRIPTION_REMOVED = "subscriptionRemoved"
    MISSED = "missed"


class CalendarLifecycleNotice(_Contract):
    """A lifecycle notification for the watch's subscription."""

    event: CalendarLifecycleEvent
    subscription_id: str


class DeclineWatchState(_Contract):
    """What the watch remembers across continue-as-new."""

    meetings: list[WatchedMeeting] = Field(default_factory=list)
    subscription_id: str | None = None
    expires_at: UtcDatetime | None = None


class DeclineWatchInput(_Contract):
    """Starts (or continues) the watch on one organizer's calendar."""

    organizer: str
    config: CalendarWatchConfig
    state: DeclineWatchState = Field(default_factory=DeclineWatchState)


class DeclineWatchView(_Contract):
    """The watch's state, for operators and tests."""

    subscription_id: str | None
    meetings: int
    told: int
    failures: int
