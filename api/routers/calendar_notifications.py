"""``/graph/calendar/notifications`` and ``/graph/calendar/lifecycle``: an organizer's events.

Graph notifies here when an event on the calendar of an organizer whose 1:1s Accord watches
changes (an attendee declined, the event was deleted). Both answer Graph's validation
handshake; a notification counts only with the ``clientState`` Accord subscribed with. The
ids of the events that changed go to that organizer's watch (``DeclineWatchWorkflow``), which
tells the commitment whose 1:1 it is; the commitment then reads the answer from Graph itself.
So nothing here is believed beyond "this event may have changed": a forged notification
with a stolen ``clientState`` can cause a read, nothing more. The answer is ``202`` well
inside Graph's 3 seconds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import structlog
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from temporalio.client import Client

from api.config import ApiConfig
from api.dependencies import ConfigDep, TemporalDep
from api.graph_webhooks import (
    BodyFault,
    ValidationToken,
    hand_over,
    handshake,
    lifecycle_fields,
    notification_items,
    problem,
    sort_notifications,
    webhook_responses,
)
from workflows.calendar.client import signal_calendar_lifecycle, signal_events_changed
from workflows.calendar.contracts import (
    MAX_EVENTS_PER_SIGNAL,
    CalendarLifecycleEvent,
    CalendarLifecycleNotice,
    EventsChanged,
)

MAX_ID_LENGTH = 512
_Notice = TypeVar("_Notice")

log = structlog.get_logger("accord.api.calendar_notifications")
router = APIRouter(prefix="/graph/calendar", tags=["graph webhooks"])

OrganizerQuery = Annotated[
    str | None,
    Query(max_length=320, description="The organizer whose calendar is watched (Accord's URL)."),
]


class CalendarReceipt(BaseModel):
    """What happened to a batch of notifications."""

    accepted: int
    rejected: int
    malformed: int


@dataclass(frozen=True)
class _LogEvents:
    """What a route logs; ``None`` logs nothing."""

    failed: str
    rejected: str | None = None
    accepted: str | None = None


def _event_id(item: dict[str, Any]) -> str | None:
    data = item.get("resourceData")
    event_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(event_id, str) or not event_id or len(event_id) > MAX_ID_LENGTH:
        return None
    return event_id


def _lifecycle(item: dict[str, Any]) -> CalendarLifecycleNotice | None:
    fields = lifecycle_fields(item, CalendarLifecycleEvent)
    if fields is None:
        return None
    event, subscription_id = fields
    return CalendarLifecycleNotice(event=event, subscription_id=subscription_id)


def _malformed() -> JSONResponse:
    return problem(
        400,
        "malformed-notification",
        "No usable notification",
        "A change notification is an object whose `value` lists notifications.",
    )


def _rejected() -> JSONResponse:
    return problem(
        403,
        "notification-rejected",
        "The notification was not accepted",
        "No notification carried the expected clientState; nothing was done.",
    )


def _unavailable() -> JSONResponse:
    return problem(
        503,
        "unavailable",
        "Accord cannot take notifications right now",
        "Nothing is lost: Graph retries, and each commitment still looks at its 1:1 itself.",
    )


async def _take(
    request: Request,
    config: ApiConfig,
    organizer: str | None,
    parse: Callable[[dict[str, Any]], _Notice | None],
    send: Callable[[str, list[_Notice]], Awaitable[None]],
    events: _LogEvents,
) -> Response:
    """Check a batch, hand what counts to the organizer's watch and answer Graph."""
    items = await notification_items(request)
    if isinstance(items, BodyFault):
        return _malformed()
    notices, rejected, malformed = sort_notifications(
        items, config.webhooks.client_states, organizer, lambda item, _organizer: parse(item)
    )
    if rejected and events.rejected:
        # Counts only: neither the secret that was sent nor the one expected.
        log.warning(events.rejected, rejected=rejected)
    if not notices:
        return _rejected() if rejected else _malformed()
    assert organizer is not None  # noqa: S101 - every accepted notice had one
    watched = organizer
    if not await hand_over(lambda: send(watched, notices)):
        log.warning(events.failed, count=len(notices))
        return _unavailable()
    receipt = CalendarReceipt(accepted=len(notices), rejected=rejected, malformed=malformed)
    if events.accepted:
        log.info(events.accepted, accepted=len(notices))
    return JSONResponse(receipt.model_dump(), status_code=202)


@router.post(
    "/notifications",
    status_code=202,
    response_model=CalendarReceipt,
    responses=webhook_responses("Not a change notification."),
)
async def calendar_notifications(
    request: Request,
    config: ConfigDep,
    temporal: TemporalDep,
    validation_token: ValidationToken = None,
    organizer: OrganizerQuery = None,
) -> Response:
    """Pass the ids of an organizer's changed events to the watch on their calendar."""
    if (answer := handshake(validation_token)) is not None:
        return answer
    events = _LogEvents(
        failed="calendar_hand_over_failed",
        rejected="calendar_notification_rejected",
        accepted="calendar_notifications_accepted",
    )
    return await _take(
        request, config, organizer, _event_id, _ids_sender(temporal, config.task_queue), events
    )


def _ids_sender(temporal: Client, task_queue: str) -> Callable[[str, list[str]], Awaitable[None]]:
    async def send(organizer: str, ids: list[str]) -> None:
        for start in range(0, len(ids), MAX_EVENTS_PER_SIGNAL):
            changed = EventsChanged(event_ids=ids[start : start + MAX_EVENTS_PER_SIGNAL])
            await signal_events_changed(temporal, organizer, task_queue, changed)

    return send


def _lifecycle_sender(
    temporal: Client, task_queue: str
) -> Callable[[str, list[CalendarLifecycleNotice]], Awaitable[None]]:
    async def send(organizer: str, notices: list[CalendarLifecycleNotice]) -> None:
        for notice in notices:
            await signal_calendar_lifecycle(temporal, organizer, task_queue, notice)

    return send


@router.post(
    "/lifecycle",
    status_code=202,
    response_model=CalendarReceipt,
    responses=webhook_responses("Not a lifecycle notification."),
)
async def calendar_lifecycle(
    request: Request,
    config: ConfigDep,
    temporal: TemporalDep,
    validation_token: ValidationToken = None,
    organizer: OrganizerQuery = None,
) -> Response:
    """Pass Graph's lifecycle notifications to the watch on the organizer's calendar."""
    if (answer := handshake(validation_token)) is not None:
        return answer
    events = _LogEvents(failed="calendar_lifecycle_hand_over_failed")
    sender = _lifecycle_sender(temporal, config.task_queue)
    return await _take(request, config, organizer, _lifecycle, sender, events)
