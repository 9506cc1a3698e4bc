"""Reading a manager's calendar for their regular 1:1s: calendarView, and one occurrence.

Graph's JSON is read directly (as ``integrations/graph/events.py`` explains, the SDK's
``Event`` model is costly to parse) into ``domain.one_on_ones.CalendarOccurrence``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kiota_abstractions.api_error import APIError
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
    CalendarViewRequestBuilder,
)
from msgraph.generated.users.item.events.item.event_item_request_builder import (
    EventItemRequestBuilder,
)
from msgraph.graph_service_client import GraphServiceClient

from activities.agenda.contracts import OccurrenceState
from domain.one_on_ones import Attendance, CalendarOccurrence
from domain.timezones import resolve_zone
from integrations.graph.errors import graph_errors, graph_status
from integrations.graph.json_reads import send_for_json

PAGE_SIZE = 100
MAX_PAGES = 20
"""A calendar with more than 2,000 items over the weeks read is read in part."""
_FIELDS = [
    "id",
    "seriesMasterId",
    "type",
    "start",
    "end",
    "organizer",
    "attendees",
    "responseStatus",
    "isCancelled",
    "subject",
]


def _instant(value: object) -> datetime | None:
    if not isinstance(value, dict) or not value.get("dateTime"):
        return None
    text = str(value["dateTime"])[:19]
    try:
        local = datetime.fromisoformat(text)
        zone = resolve_zone(str(value.get("timeZone") or "UTC"))
    except ValueError:
        return None
    return local.replace(tzinfo=zone).astimezone(UTC)


def _address(entry: object) -> str:
    if not isinstance(entry, dict):
        return ""
    return str((entry.get("emailAddress") or {}).get("address") or "").strip().lower()


def occurrence_from_graph(event: dict[str, Any]) -> CalendarOccurrence | None:
    """Read one event of a calendarView; ``None`` for one without readable times or id."""
    start, end = _instant(event.get("start")), _instant(event.get("end"))
    if start is None or end is None or not event.get("id"):
        return None
    attendees = tuple(
        Attendance(
            email=_address(entry),
            response=str((entry.get("status") or {}).get("response") or "none"),
            resource=entry.get("type") == "resource",
        )
        for entry in event.get("attendees") or []
        if isinstance(entry, dict) and _address(entry)
    )
    return CalendarOccurrence(
        event_id=str(event["id"]),
        series_id=str(event["seriesMasterId"]) if event.get("seriesMasterId") else None,
        start=start,
        end=end,
        organizer=_address(event.get("organizer")),
        attendees=attendees,
        own_response=str((event.get("responseStatus") or {}).get("response") or "none"),
        is_cancelled=bool(event.get("isCancelled")),
        subject=str(event.get("subject") or ""),
    )


async def read_occurrences(
    graph: GraphServiceClient, user: str, start: datetime, end: datetime
) -> list[CalendarOccurrence]:
    """Read a user's calendarView (series expanded into occurrences) over a window.

    Args:
        graph: the SDK client.
        user: whose calendar.
        start: the window's start.
        end: the window's end.

    Returns:
        The occurrences and single events, as Graph lists them.
    """
    parameters = CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
        start_date_time=start.astimezone(UTC).isoformat(),
        end_date_time=end.astimezone(UTC).isoformat(),
        top=PAGE_SIZE,
        select=_FIELDS,
    )
    view = graph.users.by_user_id(user).calendar_view
    request = view.to_get_request_information(RequestConfiguration(query_parameters=parameters))
    found: list[CalendarOccurrence] = []
    for _page in range(MAX_PAGES):
        with graph_errors():
            answer = await send_for_json(graph, request)
        for event in answer.get("value") or []:
            if isinstance(event, dict) and (read := occurrence_from_graph(event)) is not None:
                found.append(read)
        next_link = answer.get("@odata.nextLink")
        if not isinstance(next_link, str) or not next_link:
            break
        request = view.with_url(next_link).to_get_request_information()
    return found


async def read_occurrence(graph: GraphServiceClient, user: str, event_id: str) -> OccurrenceState:
    """Read one occurrence again: gone (deleted or cancelled) or on, and when it starts.

    Args:
        graph: the SDK client.
        user: whose calendar.
        event_id: the occurrence's id.

    Returns:
        Its state.
    """
    parameters = EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(
        select=["start", "isCancelled"]
    )
    item = graph.users.by_user_id(user).events.by_event_id(event_id)
    request = item.to_get_request_information(RequestConfiguration(query_parameters=parameters))
    with graph_errors():
        try:
            event = await send_for_json(graph, request)
        except APIError as exc:
            if graph_status(exc) != 404:
                raise
            return OccurrenceState(on=False)
    start = _instant(event.get("start"))
    return OccurrenceState(on=not event.get("isCancelled") and start is not None, start=start)
