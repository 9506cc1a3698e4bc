"""How the booking and the webhook reach the watch on an organizer's calendar.

The booking activity registers each 1:1 (a signal-with-start, so the first booking starts the
watch and later ones join it); the webhook passes on changed event ids and lifecycle events,
dropping them when no watch runs for that organizer (then nothing Accord booked is ahead).
"""

from __future__ import annotations

import structlog
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.service import RPCError, RPCStatusCode

from workflows.calendar.contracts import (
    CALENDAR_LIFECYCLE_SIGNAL,
    DECLINE_WATCH_WORKFLOW,
    EVENTS_CHANGED_SIGNAL,
    WATCH_MEETING_SIGNAL,
    CalendarLifecycleNotice,
    CalendarWatchConfig,
    DeclineWatchInput,
    EventsChanged,
    WatchedMeeting,
    decline_watch_id,
)

log = structlog.get_logger("accord.workflows.calendar")


async def watch_meeting(
    client: Client, organizer: str, config: CalendarWatchConfig, meeting: WatchedMeeting
) -> None:
    """Register a booked 1:1 with its organizer's watch, starting the watch if none runs.

    Args:
        client: the Temporal client.
        organizer: the organizer's address.
        config: where Graph notifies, from the worker's settings.
        meeting: the event, its commitment and its start.

    Raises:
        temporalio.service.RPCError: when Temporal cannot be reached.
    """
    organizer = organizer.strip().lower()
    handle = await client.start_workflow(
        DECLINE_WATCH_WORKFLOW,
        DeclineWatchInput(organizer=organizer, config=config),
        id=decline_watch_id(organizer, config.task_queue),
        task_queue=config.task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        start_signal=WATCH_MEETING_SIGNAL,
        start_signal_args=[meeting],
    )
    log.info("meeting_watched", workflow_id=handle.id, commitment_id=meeting.commitment_id)


async def _signal(
    client: Client, organizer: str, task_queue: str, name: str, payload: object
) -> bool:
    handle = client.get_workflow_handle(decline_watch_id(organizer, task_queue))
    try:
        await handle.signal(name, payload)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            log.info("calendar_notice_without_watch", signal=name)
            return False
        raise
    return True


async def signal_events_changed(
    client: Client, organizer: str, task_queue: str, changed: EventsChanged
) -> bool:
    """Pass changed event ids to the organizer's watch.

    Returns:
        False when no watch runs for that organizer (nothing Accord booked is ahead there).

    Raises:
        temporalio.service.RPCError: when Temporal cannot be reached.
    """
    return await _signal(client, organizer, task_queue, EVENTS_CHANGED_SIGNAL, changed)


async def signal_calendar_lifecycle(
    client: Client, organizer: str, task_queue: str, notice: CalendarLifecycleNotice
) -> bool:
    """Pass a lifecycle notification to the organizer's watch.

    Returns:
        False when no watch runs for that organizer.

    Raises:
        temporalio.service.RPCError: when Temporal cannot be reached.
    """
    return await _signal(client, organizer, task_queue, CALENDAR_LIFECYCLE_SIGNAL, notice)
